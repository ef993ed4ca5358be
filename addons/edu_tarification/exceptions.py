# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class TarificationError(UserError):
    pass


class TarificationValidationError(ValidationError):
    pass


class TarificationAccessError(AccessError):
    pass
