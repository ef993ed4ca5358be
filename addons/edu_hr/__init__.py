# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Personnel (R19.11): positions, staff schedule, personnel orders, employment
history and years of service, leaves, holidays and the monthly timesheet.
The classes are registered by tryton.cfg."""
