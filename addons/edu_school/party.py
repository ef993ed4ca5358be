# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The learner's digital profile (R27.1, R27.12): pages of attendance and
marks on the person form."""
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    journal_entries = fields.One2Many(
        'edu.journal.entry', 'learner', "Attendance and Marks",
        readonly=True, order=[('id', 'DESC')],
        states={'invisible': ~Eval('is_learner')})
    summative_results = fields.One2Many(
        'edu.summative.result', 'learner', "Summative Results",
        readonly=True, states={'invisible': ~Eval('is_learner')})
    period_marks = fields.One2Many(
        'edu.period.mark', 'learner', "Quarter Marks", readonly=True,
        states={'invisible': ~Eval('is_learner')})
    year_marks = fields.One2Many(
        'edu.year.mark', 'learner', "Year Marks", readonly=True,
        states={'invisible': ~Eval('is_learner')})
