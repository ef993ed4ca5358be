# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class MFAError(UserError):
    pass


class RoleMFAError(ValidationError):
    pass


class ExemptionError(ValidationError):
    pass


class SMSMobileError(ValidationError):
    pass


class SessionError(UserError):
    pass
