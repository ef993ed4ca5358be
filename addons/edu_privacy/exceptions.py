# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError


class PrivacyKeyError(UserError):
    "The encryption key is missing, invalid or does not decrypt the data"


class IntegrityRefusedError(UserError):
    "A record that fails its integrity check cannot be changed"


class SearchError(UserError):
    "An encrypted value cannot be searched that way"
