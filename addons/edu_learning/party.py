# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The learner's and the teacher's digital profiles on the person (R27.1,
R27.2): enrolments, current class, orders on the contingent and
achievements; the teacher's records and current qualification category."""
import datetime as dt

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .teacher import CATEGORIES


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    enrolments = fields.One2Many(
        'edu.class.enrolment', 'learner', "Enrolments", readonly=True,
        order=[('start_date', 'DESC'), ('id', 'DESC')],
        states={'invisible': ~Eval('is_learner')})
    current_class = fields.Function(fields.Many2One(
            'edu.class', "Current Class",
            states={'invisible': ~Eval('is_learner')}),
        'get_current_class', searcher='search_current_class')
    movements = fields.One2Many(
        'edu.contingent.movement', 'learner', "Orders on the Contingent",
        readonly=True, states={'invisible': ~Eval('is_learner')})
    achievements = fields.One2Many(
        'edu.learner.achievement', 'learner', "Achievements",
        states={'invisible': ~Eval('is_learner')})
    teacher_records = fields.One2Many(
        'edu.teacher.record', 'person', "Teacher Records",
        states={'invisible': ~Eval('is_staff')})
    teacher_category = fields.Function(fields.Selection(
            CATEGORIES, "Qualification Category",
            states={'invisible': ~Eval('is_staff')}),
        'get_teacher_category')

    @classmethod
    def get_current_class(cls, parties, name):
        pool = Pool()
        Enrolment = pool.get('edu.class.enrolment')
        current = Enrolment.current([p.id for p in parties])
        return {p.id: current[p.id].class_.id if p.id in current else None
            for p in parties}

    @classmethod
    def search_current_class(cls, name, clause):
        field, operator, value = clause[:3]
        today = dt.date.today()
        target = 'class_' + field[len(name):]
        return [('enrolments', 'where', [
                    (target, operator, value, *clause[3:]),
                    ('start_date', '<=', today),
                    ['OR',
                        ('end_date', '=', None),
                        ('end_date', '>=', today),
                        ],
                    ])]

    @classmethod
    def get_teacher_category(cls, parties, name):
        "The category of the latest category or attestation record"
        pool = Pool()
        Record = pool.get('edu.teacher.record')
        result = {p.id: None for p in parties}
        records = Record.search([
                ('person', 'in', [p.id for p in parties]),
                ('kind', 'in', ['category', 'attestation']),
                ('category', '!=', None),
                ], order=[('date', 'ASC NULLS FIRST'), ('id', 'ASC')])
        for record in records:
            result[record.person.id] = record.category
        return result

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        for name in ['enrolments', 'movements', 'achievements',
                'teacher_records']:
            default.setdefault(name)
        return super().copy(parties, default=default)
