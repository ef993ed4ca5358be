# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class FileValidationError(ValidationError):
    "A file of a material or a submission is refused (R27.11)"


class HomeworkValidationError(ValidationError):
    pass


class SubmissionValidationError(ValidationError):
    pass


class SubmissionStateError(UserError):
    pass


class TeacherAccessError(AccessError):
    "Only the teacher of the lesson checks and grades its homework"


class ConfigurationValidationError(ValidationError):
    pass


class MaterialValidationError(ValidationError):
    pass


class ChatAccessError(AccessError):
    pass
