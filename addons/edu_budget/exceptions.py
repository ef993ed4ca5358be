# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


class PlanValidationError(ValidationError):
    pass


class PlanError(UserError):
    pass


class AmendmentError(UserError):
    pass


class ObligationError(UserError):
    pass


class ObligationExceedsPlanError(ObligationError):
    pass


class PaymentOverPlanWarning(UserWarning):
    pass
