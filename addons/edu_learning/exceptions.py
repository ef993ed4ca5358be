# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class PeriodValidationError(ValidationError):
    pass


class PeriodClosedError(UserError):
    pass


class ClassValidationError(ValidationError):
    pass


class EnrolmentValidationError(ValidationError):
    pass


class MovementError(UserError):
    pass


class HistoryError(AccessError):
    pass


class StudyPlanValidationError(ValidationError):
    pass
