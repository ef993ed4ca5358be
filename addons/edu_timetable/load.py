# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Teaching load (R27.13).

``edu.teaching.assignment`` gives the weekly hours of a subject in a class
(or in a subgroup of it) to a teacher; an assignment without teacher is a
vacancy.  The wizard *Compute Teaching Load* builds the assignments of an
academic year from its study plans (edu_learning, R27.6) and its classes:
each line of the plan of the class's grade and language gives one
assignment, or two when the line is taught in subgroups and the class has
at least the configured number of learners (24).  Computing again keeps
the teachers already assigned and the assignments made by hand.

``edu.teaching.load`` (hours per teacher, subject and class) and
``edu.teaching.load.teacher`` (total per teacher against the weekly norm
of a rate, 16 hours) are read-only SQL views of the assignments; the
tarification of the teachers' pay (issue 6) reads ``edu.teaching.load``.
"""
import datetime as dt
from decimal import Decimal

from sql import Literal, Null
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Case, Coalesce

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, PYSONEncoder
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from .configuration import DEFAULT_NORM
from .exceptions import AssignmentValidationError
from .slot import SUBGROUPS


class TeachingAssignment(ModelSQL, ModelView):
    "Teaching Assignment"
    __name__ = 'edu.teaching.assignment'
    __string__ = "Teaching Assignment"

    company = fields.Many2One(
        'company.company', "Organisation", required=True,
        ondelete='CASCADE')
    year = fields.Many2One(
        'edu.academic.year', "Academic Year", required=True,
        ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))])
    class_ = fields.Many2One(
        'edu.class', "Class", required=True, ondelete='CASCADE',
        domain=[('year', '=', Eval('year', -1))])
    subject = fields.Many2One(
        'edu.subject', "Subject", required=True, ondelete='RESTRICT')
    subgroup = fields.Selection(SUBGROUPS, "Subgroup")
    teacher = fields.Many2One(
        'party.party', "Teacher", ondelete='RESTRICT',
        domain=[
            ('is_staff', '=', True),
            ('organisation', '=', Eval('company', -1)),
            ],
        help="Empty while the hours are vacant.")
    hours = fields.Numeric(
        "Weekly Hours", digits=(4, 1), required=True,
        domain=[('hours', '>', 0)])
    plan_line = fields.Many2One(
        'edu.study.plan.line', "Study Plan Line", readonly=True,
        ondelete='SET NULL',
        help="The line of the study plan the assignment was computed from; "
        "empty for an assignment made by hand.")
    vacant = fields.Function(
        fields.Boolean("Vacant"), 'get_vacant', searcher='search_vacant')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.year, Index.Range()), (t.class_, Index.Range())),
                Index(t, (t.teacher, Index.Range())),
                })
        cls._order = [('year', 'DESC'), ('class_', 'ASC'),
            ('subject', 'ASC'), ('subgroup', 'ASC NULLS FIRST'),
            ('id', 'ASC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def get_vacant(self, name):
        return not self.teacher

    @classmethod
    def search_vacant(cls, name, clause):
        _, operator, value = clause
        vacant = (operator == '=') == bool(value)
        return [('teacher', '=' if vacant else '!=', None)]

    def get_rec_name(self, name):
        label = '%s %s' % (self.class_.rec_name, self.subject.rec_name)
        if self.subgroup:
            label += ' (%s)' % self.subgroup_string
        return label

    subgroup_string = subgroup.translated('subgroup')

    @classmethod
    def validate_fields(cls, assignments, field_names):
        super().validate_fields(assignments, field_names)
        if field_names and not (field_names
                & {'class_', 'subject', 'subgroup', 'year', 'company'}):
            return
        for assignment in assignments:
            if assignment.class_.company != assignment.company:
                raise AssignmentValidationError(gettext(
                        'edu_timetable.msg_assignment_company',
                        assignment=assignment.rec_name))
        # one assignment per class, subject and subgroup: one search
        keys = {}
        for assignment in cls.search([
                    ('class_', 'in',
                        list({a.class_.id for a in assignments})),
                    ]):
            key = (assignment.class_.id, assignment.subject.id)
            keys.setdefault(key, []).append(assignment)
        for group in keys.values():
            subgroups = [a.subgroup or None for a in group]
            if (len(set(subgroups)) != len(subgroups)
                    or (None in subgroups and len(subgroups) > 1)):
                raise AssignmentValidationError(gettext(
                        'edu_timetable.msg_assignment_duplicate',
                        assignment=group[-1].rec_name))

    @classmethod
    def compute(cls, year, date=None):
        """Build the assignments of the academic year from its study plans
        and the sizes of its classes at date (R27.13); keep the teachers
        already assigned and the assignments made by hand.  Return the
        figures {'created', 'updated', 'deleted', 'kept'}."""
        pool = Pool()
        Class = pool.get('edu.class')
        StudyPlan = pool.get('edu.study.plan')
        Configuration = pool.get('edu.timetable.configuration')
        AuditEntry = pool.get('edu.audit.entry')

        if date is None:
            date = min(max(dt.date.today(), year.start_date), year.end_date)
        threshold, _ = Configuration.values_of(year.company.id)
        classes = Class.search([('year', '=', year.id)])
        sizes = {c: len(l) for c, l in Class._current_learners(
                classes, date).items()}
        plans = {}
        wanted = {}
        for class_ in classes:
            key = (class_.grade, class_.language)
            if key not in plans:
                plans[key] = StudyPlan.find(year.id, *key)
            plan = plans[key]
            if not plan:
                continue
            for line in plan.lines:
                split = (line.subgroups
                    and sizes.get(class_.id, 0) >= threshold)
                for subgroup in (['1', '2'] if split else [None]):
                    wanted[(class_.id, line.subject.id, subgroup)] = line

        existing = {}
        for assignment in cls.search([('year', '=', year.id)]):
            existing[(assignment.class_.id, assignment.subject.id,
                    assignment.subgroup or None)] = assignment
        teachers = {k: a.teacher for k, a in existing.items() if a.teacher}
        # a class that is split keeps the teacher of the whole class for
        # its first subgroup (the second is vacant), and back
        fallback = {None: '1', '1': None, '2': 'none'}

        to_create, to_write, kept = [], [], 0
        remaining = dict(existing)
        for key, line in wanted.items():
            assignment = remaining.pop(key, None)
            if assignment:
                if assignment.hours != line.hours or (
                        assignment.plan_line != line):
                    to_write.extend([[assignment], {
                                'hours': line.hours,
                                'plan_line': line.id,
                                }])
                if assignment.teacher:
                    kept += 1
                continue
            class_id, subject_id, subgroup = key
            teacher = teachers.get((class_id, subject_id, fallback[subgroup]))
            if teacher:
                kept += 1
            to_create.append({
                    'company': year.company.id,
                    'year': year.id,
                    'class_': class_id,
                    'subject': subject_id,
                    'subgroup': subgroup,
                    'hours': line.hours,
                    'plan_line': line.id,
                    'teacher': teacher.id if teacher else None,
                    })
        to_delete = [a for a in remaining.values() if a.plan_line]
        # delete first: a class no longer split frees its subgroups
        if to_delete:
            cls.delete(to_delete)
        if to_write:
            cls.write(*to_write)
        if to_create:
            cls.create(to_create)
        figures = {
            'created': len(to_create),
            'updated': len(to_write) // 2,
            'deleted': len(to_delete),
            'kept': kept,
            }
        AuditEntry.log_action('edu.teaching.load.compute', [year],
            description="teaching load computed", details=figures)
        return figures


class TeachingLoad(ModelSQL, ModelView):
    "Teaching Load"
    __name__ = 'edu.teaching.load'
    __string__ = "Teaching Load"

    company = fields.Many2One('company.company', "Organisation")
    year = fields.Many2One('edu.academic.year', "Academic Year")
    teacher = fields.Many2One('party.party', "Teacher")
    subject = fields.Many2One('edu.subject', "Subject")
    class_ = fields.Many2One('edu.class', "Class")
    hours = fields.Numeric("Weekly Hours", digits=(5, 1))
    vacant = fields.Boolean("Vacant")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('teacher', 'ASC NULLS LAST'), ('subject', 'ASC'),
            ('class_', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        Assignment = Pool().get('edu.teaching.assignment')
        a = Assignment.__table__()
        return a.select(
            Min(a.id).as_('id'),
            a.company.as_('company'),
            a.year.as_('year'),
            a.teacher.as_('teacher'),
            a.subject.as_('subject'),
            a.class_.as_('class_'),
            Sum(a.hours).as_('hours'),
            Case((a.teacher == Null, Literal(True)),
                else_=Literal(False)).as_('vacant'),
            group_by=[a.company, a.year, a.teacher, a.subject, a.class_])


class TeachingLoadTeacher(ModelSQL, ModelView):
    "Teaching Load per Teacher"
    __name__ = 'edu.teaching.load.teacher'
    __string__ = "Teaching Load per Teacher"

    company = fields.Many2One('company.company', "Organisation")
    year = fields.Many2One('edu.academic.year', "Academic Year")
    teacher = fields.Many2One('party.party', "Teacher")
    vacant = fields.Boolean("Vacant")
    total = fields.Numeric("Weekly Hours", digits=(5, 1))
    norm = fields.Numeric("Norm", digits=(5, 1))
    difference = fields.Numeric(
        "Difference", digits=(5, 1),
        help="The hours over (positive) or under (negative) the norm.")
    rate = fields.Function(
        fields.Numeric("Rate", digits=(4, 2),
            help="The weekly hours divided by the norm."), 'get_rate')
    status = fields.Function(fields.Selection([
                ('over', "Over the Norm"),
                ('normal', "At the Norm"),
                ('under', "Under the Norm"),
                ('vacant', "Vacant"),
                ], "Status"), 'get_status')
    classes = fields.Integer("Classes")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('vacant', 'ASC'), ('total', 'DESC'),
            ('teacher', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Assignment = pool.get('edu.teaching.assignment')
        ConfigurationCompany = pool.get(
            'edu.timetable.configuration.company')
        a = Assignment.__table__()
        c = ConfigurationCompany.__table__()
        g = ConfigurationCompany.__table__()
        # the organisation's norm, else the one of every organisation
        # (a value without organisation), else 16 hours
        norms = c.select(c.company.as_('company'),
            Max(c.weekly_norm).as_('norm'),
            where=c.company != Null, group_by=[c.company])
        common = g.select(Max(g.weekly_norm), where=g.company == Null)
        norm = Coalesce(Max(norms.norm), common, DEFAULT_NORM)
        return a.join(norms, 'LEFT', condition=norms.company == a.company
            ).select(
                Min(a.id).as_('id'),
                a.company.as_('company'),
                a.year.as_('year'),
                a.teacher.as_('teacher'),
                Case((a.teacher == Null, Literal(True)),
                    else_=Literal(False)).as_('vacant'),
                Sum(a.hours).as_('total'),
                norm.as_('norm'),
                (Sum(a.hours) - norm).as_('difference'),
                Count(a.class_, distinct=True).as_('classes'),
                group_by=[a.company, a.year, a.teacher])

    def get_rate(self, name):
        if self.norm and self.total is not None and not self.vacant:
            return (Decimal(str(self.total)) / Decimal(str(self.norm))
                ).quantize(Decimal('0.01'))

    def get_status(self, name):
        if self.vacant:
            return 'vacant'
        if self.difference is None or self.difference == 0:
            return 'normal'
        return 'over' if self.difference > 0 else 'under'


class ComputeLoadStart(ModelView):
    "Compute Teaching Load"
    __name__ = 'edu.teaching.load.compute.start'
    __string__ = "Compute Teaching Load"

    year = fields.Many2One(
        'edu.academic.year', "Academic Year", required=True,
        domain=[('company', '=', Eval('company', -1))])
    company = fields.Many2One('company.company', "Organisation",
        required=True)
    date = fields.Date(
        "Date of the Class Sizes",
        help="The learners enrolled at this date decide which classes are "
        "split into subgroups; empty for today.")

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_year(cls):
        pool = Pool()
        Year = pool.get('edu.academic.year')
        company = Transaction().context.get('company')
        if company:
            year = Year.find(company, dt.date.today())
            return year.id if year else None


class ComputeLoad(Wizard):
    "Compute Teaching Load"
    __name__ = 'edu.teaching.load.compute'

    start = StateView('edu.teaching.load.compute.start',
        'edu_timetable.load_compute_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Compute", 'compute', 'tryton-ok', default=True),
            ])
    compute = StateAction('edu_timetable.act_assignment')

    def do_compute(self, action):
        Assignment = Pool().get('edu.teaching.assignment')
        Assignment.compute(self.start.year, self.start.date)
        action['pyson_domain'] = PYSONEncoder().encode(
            [('year', '=', self.start.year.id)])
        action['name'] += ' — %s' % self.start.year.rec_name
        return action, {}
