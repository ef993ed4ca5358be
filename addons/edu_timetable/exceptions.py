# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class BellValidationError(ValidationError):
    pass


class TimetableValidationError(ValidationError):
    pass


class SlotConflictError(ValidationError):
    "A teacher, a room or a class booked twice at the same time (R27.8)"


class SubstitutionValidationError(ValidationError):
    pass


class AssignmentValidationError(ValidationError):
    pass


class TeachingLoadError(UserError):
    pass
