# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class DimensionRequiredError(UserError):
    "A posted line lacks the ЕБК specific or the funding source (R19.2)"
    pass


class ReferenceValidationError(ValidationError):
    pass


class ChartError(UserError):
    pass
