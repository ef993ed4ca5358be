# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Classes and enrolments (R27.3 classes, R27.4 contingent, R19.14).

A class belongs to an organisation and an academic year; its learners are
those enrolled at a date (the context ``date``, today by default).  An
enrolment is created and ended by the orders on the contingent
(``edu.contingent.movement``); the enrolments an order made are history and
keep their dates.  A learner has one class at a time.
"""
import datetime as dt

from sql import Null
from sql.conditionals import Coalesce

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .exceptions import (
    ClassValidationError, EnrolmentValidationError, HistoryError)

LANGUAGES = [
    ('kk', "Kazakh"),
    ('ru', "Russian"),
    ('en', "English"),
    ]
SUBGROUPS = [
    (None, ""),
    ('1', "Subgroup 1"),
    ('2', "Subgroup 2"),
    ]


def _context_date():
    context = Transaction().context
    date = context.get('date')
    if isinstance(date, dt.datetime):
        date = date.date()
    return date or dt.date.today()


class Class(ModelSQL, ModelView):
    "Class"
    __name__ = 'edu.class'
    __string__ = "Class"
    company = fields.Many2One(
        'company.company', "Organisation", required=True,
        ondelete='RESTRICT')
    year = fields.Many2One(
        'edu.academic.year', "Academic Year", required=True,
        ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    name = fields.Char("Name", required=True, strip=True,
        help='For example "7 Ә".')
    grade = fields.Integer(
        "Grade", required=True,
        domain=[('grade', '>=', 0), ('grade', '<=', 12)],
        help="0 for the pre-school class.")
    letter = fields.Char("Letter", size=4, strip=True)
    language = fields.Selection(
        LANGUAGES, "Language of Instruction", required=True)
    homeroom_teacher = fields.Many2One(
        'party.party', "Homeroom Teacher", ondelete='RESTRICT',
        domain=[
            ('is_staff', '=', True),
            ('organisation', '=', Eval('company', -1)),
            ])
    enrolments = fields.One2Many(
        'edu.class.enrolment', 'class_', "Enrolments",
        order=[('start_date', 'ASC'), ('id', 'ASC')])
    learners = fields.Function(fields.Many2Many(
            'party.party', None, None, "Learners",
            help="The learners enrolled at the date (today by default)."),
        'get_learners', searcher='search_learners')
    learner_count = fields.Function(
        fields.Integer("Learners"), 'get_learner_count')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('year_name_unique', Unique(t, t.year, t.name),
                'edu_learning.msg_class_name_unique'),
            ]
        cls._sql_indexes.add(Index(
                t, (t.company, Index.Range()), (t.year, Index.Range())))
        cls._order = [('grade', 'ASC'), ('name', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_language(cls):
        return 'kk'

    @fields.depends('grade', 'letter')
    def on_change_with_name(self):
        if self.grade is not None and self.letter:
            return f'{self.grade} {self.letter}'

    @classmethod
    def _current_learners(cls, classes, date):
        "Return {class id: [learner ids]} enrolled at date"
        pool = Pool()
        Enrolment = pool.get('edu.class.enrolment')
        enrolment = Enrolment.__table__()
        cursor = Transaction().connection.cursor()
        result = {c.id: [] for c in classes}
        for sub_ids in grouped_slice(
                [c.id for c in classes], backend.MAX_QUERY_PARAMS):
            cursor.execute(*enrolment.select(
                    enrolment.class_, enrolment.learner,
                    where=reduce_ids(enrolment.class_, sub_ids)
                    & (enrolment.start_date <= date)
                    & ((enrolment.end_date == Null)
                        | (enrolment.end_date >= date)),
                    order_by=[enrolment.class_, enrolment.learner]))
            for class_id, learner_id in cursor:
                result[class_id].append(learner_id)
        return result

    @classmethod
    def get_learners(cls, classes, name):
        pool = Pool()
        Party = pool.get('party.party')
        learners = cls._current_learners(classes, _context_date())
        # keep the order of the names and only what the user may read
        all_ids = {i for ids in learners.values() for i in ids}
        readable = Party.search([('id', 'in', list(all_ids))],
            order=[('name', 'ASC')]) if all_ids else []
        order = {p.id: i for i, p in enumerate(readable)}
        return {c: sorted((i for i in ids if i in order), key=order.get)
            for c, ids in learners.items()}

    @classmethod
    def search_learners(cls, name, clause):
        date = _context_date()
        field, operator, value = clause[:3]
        target = 'learner' + field[len(name):]
        return [('enrolments', 'where', [
                    (target, operator, value, *clause[3:]),
                    ('start_date', '<=', date),
                    ['OR',
                        ('end_date', '=', None),
                        ('end_date', '>=', date),
                        ],
                    ])]

    @classmethod
    def get_learner_count(cls, classes, name):
        learners = cls._current_learners(classes, _context_date())
        return {c: len(ids) for c, ids in learners.items()}

    @classmethod
    def validate_fields(cls, classes, field_names):
        super().validate_fields(classes, field_names)
        if field_names & {'company', 'year', 'homeroom_teacher'}:
            for class_ in classes:
                if class_.year.company != class_.company:
                    raise ClassValidationError(gettext(
                            'edu_learning.msg_class_year_company',
                            class_=class_.rec_name))
                teacher = class_.homeroom_teacher
                if teacher and (not teacher.is_staff
                        or teacher.organisation != class_.company):
                    raise ClassValidationError(gettext(
                            'edu_learning.msg_class_homeroom_teacher',
                            class_=class_.rec_name,
                            teacher=teacher.rec_name))

    def get_rec_name(self, name):
        return self.name


class Enrolment(ModelSQL, ModelView):
    "Class Enrolment"
    __name__ = 'edu.class.enrolment'
    __string__ = "Class Enrolment"
    _history_states = {'readonly': Bool(Eval('movement'))}

    class_ = fields.Many2One(
        'edu.class', "Class", required=True, ondelete='RESTRICT',
        states=_history_states)
    learner = fields.Many2One(
        'party.party', "Learner", required=True, ondelete='RESTRICT',
        domain=[('is_learner', '=', True)], states=_history_states)
    company = fields.Many2One(
        'company.company', "Organisation", readonly=True,
        ondelete='RESTRICT')
    start_date = fields.Date(
        "Start Date", required=True, states=_history_states)
    end_date = fields.Date(
        "End Date",
        domain=[If(Eval('end_date') & Eval('start_date'),
                ('end_date', '>=', Eval('start_date')), ())],
        states={'readonly': Bool(Eval('end_movement'))},
        help="Empty while the learner is in the class.")
    subgroup = fields.Selection(SUBGROUPS, "Subgroup")
    movement = fields.Many2One(
        'edu.contingent.movement', "Order", readonly=True,
        ondelete='RESTRICT',
        help="The order on the contingent that enrolled the learner.")
    end_movement = fields.Many2One(
        'edu.contingent.movement', "End Order", readonly=True,
        ondelete='RESTRICT',
        help="The order on the contingent that ended the enrolment.")
    del _history_states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.learner, Index.Range()),
                    (t.start_date, Index.Range())),
                Index(t, (t.class_, Index.Range()),
                    (t.start_date, Index.Range())),
                Index(t, (t.company, Index.Range())),
                })
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_start_date(cls):
        return dt.date.today()

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Class = pool.get('edu.class')
        values = super().preprocess_values(mode, values)
        if values.get('class_'):
            values['company'] = Class(values['class_']).company.id
        return values

    def get_rec_name(self, name):
        return f'{self.learner.rec_name} — {self.class_.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('learner.rec_name', operator, operand, *extra),
            ('class_.rec_name', operator, operand, *extra),
            ]

    @classmethod
    def check_modification(cls, mode, enrolments, values=None,
            external=False):
        "The enrolments made by an order are history (R27.4)"
        super().check_modification(
            mode, enrolments, values=values, external=external)
        if Transaction().context.get('_edu_contingent'):
            return
        if mode == 'delete':
            for enrolment in enrolments:
                if enrolment.movement or enrolment.end_movement:
                    raise HistoryError(gettext(
                            'edu_learning.msg_enrolment_history',
                            enrolment=enrolment.rec_name))
        elif mode == 'write':
            changed = set(values) - {'subgroup'}
            for enrolment in enrolments:
                protected = set()
                if enrolment.movement:
                    protected |= {'class_', 'learner', 'start_date',
                        'movement'}
                if enrolment.end_movement:
                    protected |= {'end_date', 'end_movement'}
                if changed & protected:
                    raise HistoryError(gettext(
                            'edu_learning.msg_enrolment_history',
                            enrolment=enrolment.rec_name))

    @classmethod
    def validate_fields(cls, enrolments, field_names):
        super().validate_fields(enrolments, field_names)
        if field_names & {'class_', 'learner', 'start_date', 'end_date'}:
            cls.check_learner(enrolments)
            cls.check_overlap(enrolments)

    @classmethod
    def check_learner(cls, enrolments):
        "The learner belongs to the class's organisation; dates in the year"
        for enrolment in enrolments:
            learner = enrolment.learner
            class_ = enrolment.class_
            if (learner.organisation
                    and learner.organisation != class_.company):
                raise EnrolmentValidationError(gettext(
                        'edu_learning.msg_enrolment_organisation',
                        learner=learner.rec_name, class_=class_.rec_name))
            if enrolment.end_date and enrolment.end_date < (
                    enrolment.start_date):
                raise EnrolmentValidationError(gettext(
                        'edu_learning.msg_enrolment_dates',
                        enrolment=enrolment.rec_name))
            year = class_.year
            if (enrolment.start_date > year.end_date
                    or (enrolment.end_date
                        and enrolment.end_date < year.start_date)):
                raise EnrolmentValidationError(gettext(
                        'edu_learning.msg_enrolment_outside_year',
                        enrolment=enrolment.rec_name, year=year.rec_name))

    @classmethod
    def check_overlap(cls, enrolments):
        "One class at a time: overlapping enrolments are refused (R27.1)"
        table = cls.__table__()
        other = cls.__table__()
        cursor = Transaction().connection.cursor()
        far = dt.date.max
        for sub_ids in grouped_slice(
                [e.id for e in enrolments], backend.MAX_QUERY_PARAMS):
            cursor.execute(*table.join(other, condition=(
                        (other.learner == table.learner)
                        & (other.id != table.id)
                        & (other.start_date <= Coalesce(table.end_date, far))
                        & (Coalesce(other.end_date, far)
                            >= table.start_date))
                    ).select(table.id, other.id,
                    where=reduce_ids(table.id, sub_ids),
                    limit=1))
            row = cursor.fetchone()
            if row:
                enrolment, overlapped = cls(row[0]), cls(row[1])
                raise EnrolmentValidationError(gettext(
                        'edu_learning.msg_enrolment_overlap',
                        learner=enrolment.learner.rec_name,
                        class_=enrolment.class_.rec_name,
                        other=overlapped.class_.rec_name,
                        date=overlapped.start_date))

    @classmethod
    def current(cls, learner_ids, date=None):
        "Return {learner id: enrolment} at date (today by default)"
        date = date or dt.date.today()
        result = {}
        for sub_ids in grouped_slice(
                list(learner_ids), backend.MAX_QUERY_PARAMS):
            for enrolment in cls.search([
                        ('learner', 'in', list(sub_ids)),
                        ('start_date', '<=', date),
                        ['OR',
                            ('end_date', '=', None),
                            ('end_date', '>=', date),
                            ],
                        ]):
                result[enrolment.learner.id] = enrolment
        return result
