# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


# H3: rates and payroll profile
class RatesMissing(UserError):
    pass


class RatesValidationError(ValidationError):
    pass


class PayrollProfileError(ValidationError):
    pass


class PayrollOutputError(UserError):
    "A payroll output (bank file, payslip e-mail) cannot be made (R19.12)"
    pass


class PayrollOutputWarning(UserWarning):
    "A payroll output is incomplete (payslips without e-mail)"
    pass


class PayrollRunError(UserError):
    "A payroll run cannot be computed, posted or cancelled (H4)"
    pass


class PayrollRunValidationError(ValidationError):
    "The period of a payroll run is not within one month (H4)"
    pass
