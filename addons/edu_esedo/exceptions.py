# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning  # noqa: F401
from trytond.model.exceptions import ValidationError  # noqa: F401


class EsedoError(UserError):
    "A document cannot be sent through ЕСЭДО"
