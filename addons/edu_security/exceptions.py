# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError


class SecurityEventError(UserError):
    pass


class LoginFailureError(UserError):
    pass
