# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError


class SSOLoginError(UserError):
    """A single sign-on refused: ``reason`` is the reason of the
    failed-login register, ``users`` the accounts concerned"""

    def __init__(self, message, reason='failed', users=None, **kwargs):
        super().__init__(message, **kwargs)
        self.reason = reason
        self.users = users or []
        self.login = None


class OIDCError(Exception):
    "An OAuth 2.0 error answered to a client application (RFC 6749)"

    def __init__(self, error, description='', status=400):
        super().__init__(error, description)
        self.error = error
        self.description = description
        self.status = status
