# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class StockDocumentError(UserError):
    "A stock document can not be posted (R19.7)"
    pass


class NegativeStockError(UserError):
    "A storage place would hold a negative quantity (R19.7)"
    pass


class AccountMissingError(UserError):
    "An account of the state chart is missing for the company"
    pass


class AssetError(UserError):
    "A fixed asset operation is refused (R19.10)"
    pass


class AssetGroupValidationError(ValidationError):
    pass
