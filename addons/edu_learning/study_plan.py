# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Study plans (R27.6): the weekly hours of each subject for a grade and a
language of instruction in an academic year; the basis of the teaching
load (edu_timetable)."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .class_ import LANGUAGES
from .exceptions import StudyPlanValidationError


class StudyPlan(ModelSQL, ModelView):
    "Study Plan"
    __name__ = 'edu.study.plan'
    __string__ = "Study Plan"
    company = fields.Many2One(
        'company.company', "Organisation", required=True,
        ondelete='RESTRICT')
    year = fields.Many2One(
        'edu.academic.year', "Academic Year", required=True,
        ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    name = fields.Char("Name", required=True)
    grade = fields.Integer(
        "Grade", required=True,
        domain=[('grade', '>=', 0), ('grade', '<=', 12)])
    language = fields.Selection(
        [(None, "")] + LANGUAGES, "Language of Instruction",
        help="Empty when the plan is the same for every language.")
    weeks = fields.Integer(
        "Weeks", required=True, domain=[('weeks', '>', 0)],
        help="Weeks of study in the year: 34, 33 in grade 1.")
    lines = fields.One2Many('edu.study.plan.line', 'plan', "Lines")
    total_hours = fields.Function(
        fields.Numeric("Weekly Hours", digits=(5, 1)), 'get_total_hours')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t, (t.company, Index.Range()), (t.year, Index.Range()),
                (t.grade, Index.Range())))
        cls._order = [('grade', 'ASC'), ('language', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_weeks(cls):
        return 34

    @fields.depends('grade', 'weeks')
    def on_change_grade(self):
        if self.grade is not None:
            self.weeks = 33 if self.grade == 1 else 34

    @classmethod
    def get_total_hours(cls, plans, name):
        return {p.id: sum((l.hours or Decimal(0) for l in p.lines),
                Decimal(0)).quantize(Decimal('0.1')) for p in plans}

    @classmethod
    def validate_fields(cls, plans, field_names):
        super().validate_fields(plans, field_names)
        if field_names & {'company', 'year'}:
            for plan in plans:
                if plan.year.company != plan.company:
                    raise StudyPlanValidationError(gettext(
                            'edu_learning.msg_plan_year_company',
                            plan=plan.rec_name))

    @classmethod
    def find(cls, year_id, grade, language=None):
        "Return the plan of the grade in the year for the language, or None"
        plans = cls.search([
                ('year', '=', year_id),
                ('grade', '=', grade),
                ('language', 'in', [language, None]),
                ], order=[('language', 'ASC NULLS LAST')])
        for plan in plans:
            if plan.language == language:
                return plan
        return plans[0] if plans else None


class StudyPlanLine(ModelSQL, ModelView):
    "Study Plan Line"
    __name__ = 'edu.study.plan.line'
    __string__ = "Study Plan Line"
    plan = fields.Many2One(
        'edu.study.plan', "Study Plan", required=True, ondelete='CASCADE')
    subject = fields.Many2One(
        'edu.subject', "Subject", required=True, ondelete='RESTRICT')
    hours = fields.Numeric(
        "Weekly Hours", digits=(4, 1), required=True,
        domain=[('hours', '>', 0)])
    subgroups = fields.Boolean(
        "Split into Subgroups",
        help="The class is split into two subgroups for this subject.")
    annual_hours = fields.Function(
        fields.Numeric("Annual Hours", digits=(6, 1)), 'get_annual_hours')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('plan_subject_unique', Unique(t, t.plan, t.subject),
                'edu_learning.msg_plan_subject_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.subject, Index.Range())))
        cls._order = [('plan', 'ASC'), ('id', 'ASC')]

    @fields.depends('subject')
    def on_change_subject(self):
        if self.subject:
            self.subgroups = bool(self.subject.subgroups)

    @fields.depends('hours', 'plan', '_parent_plan.weeks')
    def on_change_with_annual_hours(self, name=None):
        if self.hours is not None and self.plan and self.plan.weeks:
            return (self.hours * self.plan.weeks).quantize(Decimal('0.1'))

    @classmethod
    def get_annual_hours(cls, lines, name):
        return {l.id: l.on_change_with_annual_hours() for l in lines}

    @classmethod
    def preprocess_values(cls, mode, values):
        "Split into subgroups as the subject by default"
        Subject = Pool().get('edu.subject')
        values = super().preprocess_values(mode, values)
        if (mode == 'create' and values.get('subgroups') is None
                and values.get('subject')):
            values['subgroups'] = bool(Subject(values['subject']).subgroups)
        return values

    def get_rec_name(self, name):
        return f'{self.plan.rec_name}: {self.subject.rec_name}'
