# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning  # noqa: F401
from trytond.model.exceptions import ValidationError  # noqa: F401


class SignatureError(UserError):
    """A signature refused by the verification (R22.10); ``status`` is the
    status code, ``verification`` the Verification"""

    def __init__(self, message, description='', status=None,
            verification=None):
        super().__init__(message, description)
        self.status = status
        self.verification = verification


class CertificateValidationError(ValidationError):
    pass
