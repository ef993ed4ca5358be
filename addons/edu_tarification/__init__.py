# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Teachers' tarification (R19.16, R27.13): БДО, coefficients, supplements
and the tarification list with its history.
The classes are registered by tryton.cfg."""
