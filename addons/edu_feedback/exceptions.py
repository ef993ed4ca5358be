# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class FileValidationError(ValidationError):
    pass


class AnnouncementValidationError(ValidationError):
    pass


class AnnouncementDeleteError(AccessError):
    pass


class ThreadValidationError(ValidationError):
    pass


class MessageValidationError(ValidationError):
    pass


class MessageAppendOnlyError(AccessError):
    pass


class SurveyValidationError(ValidationError):
    pass


class SurveyStateError(UserError):
    pass


class SurveyResponseError(UserError):
    pass
