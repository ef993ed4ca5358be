# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Settlements, accountable persons, business trips and other income and
expenses of state education institutions (R19.4, R19.5, R19.6, R19.8,
R19.9).  The classes are registered by tryton.cfg."""
