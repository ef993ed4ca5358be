# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


class CashError(UserError):
    pass


class CashNegativeError(CashError):
    "The cash desk would go below zero (R19.3)"


class CashLimitWarning(UserWarning):
    "The end-of-day cash balance is over the cash limit (R19.3)"


class PaymentOrderError(UserError):
    pass


class IBANValidationError(ValidationError):
    pass


class StatementImportError(UserError):
    "The bank or treasury statement file cannot be read (R19.3)"
