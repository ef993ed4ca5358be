# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class ContractError(UserError):
    pass


class ContractValidationError(ValidationError):
    pass


class ContractExceededError(UserError):
    pass


class AdvanceReportError(UserError):
    pass


class TripError(UserError):
    pass


class TripNormMissing(UserError):
    pass


class OperationError(UserError):
    pass


class JournalMissing(UserError):
    pass
