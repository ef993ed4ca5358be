# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Closing a period computes its quarter marks, then locks the journal, the
summative results and the marks of the period (R27.12): every change dated
in a closed period is refused by ``Period.check_open``."""
from trytond.model import ModelView, Workflow
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class AcademicPeriod(metaclass=PoolMeta):
    __name__ = 'edu.academic.period'

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, periods):
        "Compute the quarter marks of the periods before they are locked"
        PeriodMark = Pool().get('edu.period.mark')
        with without_check_access():
            PeriodMark.compute_period(periods)
        super().close(periods)
