# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class IINValidationError(ValidationError):
    pass


class BINValidationError(ValidationError):
    pass


class KATOValidationError(ValidationError):
    pass


class PersonValidationError(ValidationError):
    pass


class OrganisationValidationError(ValidationError):
    pass


class AppendOnlyError(UserError):
    pass
