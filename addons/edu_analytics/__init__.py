# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.

from trytond.pool import Pool

from . import analytics

__all__ = ['register']


def register():
    Pool.register(
        analytics.Progress,
        analytics.Attendance,
        analytics.TeacherResult,
        analytics.Context,
        analytics.ExportStart,
        analytics.ExportResult,
        module='edu_analytics', type_='model')
    Pool.register(
        analytics.Export,
        module='edu_analytics', type_='wizard')
