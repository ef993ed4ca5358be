# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class OrderError(UserError):
    pass


class OrderValidationError(ValidationError):
    pass


class LeaveValidationError(ValidationError):
    pass


class TimesheetError(UserError):
    pass


class StaffScheduleError(UserError):
    pass
