# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class LessonValidationError(ValidationError):
    pass


class JournalValidationError(ValidationError):
    pass


class AssessmentValidationError(ValidationError):
    pass


class MarkLockedError(UserError):
    pass
