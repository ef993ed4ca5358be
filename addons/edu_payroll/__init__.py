# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Payroll with the dated Kazakh taxes and contributions (R19.12, R18):
payroll runs, payslips, posting by ЕБК specific, registers and files.
The classes are registered by tryton.cfg."""
