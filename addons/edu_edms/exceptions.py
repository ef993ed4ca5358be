# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning  # noqa: F401
from trytond.model.exceptions import ValidationError  # noqa: F401


class DocumentValidationError(ValidationError):
    "A document card breaks a rule (dates, correspondent's BIN/IIN)"


class FileValidationError(ValidationError):
    "A file is too large, of a forbidden type or an executable"


class KindValidationError(ValidationError):
    "A document kind is not consistent"


class ResolutionError(UserError):
    "A resolution or its execution breaks a rule (R22.9)"


class RouteError(UserError):
    "An approval route or a signature step breaks a rule (R22.3, R22.4)"


class RouteValidationError(ValidationError):
    "A route step is not consistent"


class JournalError(UserError):
    "A registration journal cannot be printed"
