# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A 64-bit integer field: sizes of archives and row counts may pass
2**31."""
from trytond.model import fields


class BigInteger(fields.Integer):
    _sql_type = 'BIGINT'
