# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Academic years and their periods (R27.17 reference data; the periods of
the attendance and grade journal, R27.12).

An organisation's academic year is divided into periods (quarters in a
Kazakh school, halves or trimesters elsewhere); ``create_periods`` builds
them with the usual dates of the Kazakh school calendar, holidays between.
A period is closed at its end: other modules refuse changes dated in a
closed period (``Period.check_open``) and extend ``close`` (marks locked,
chats archived).  Reopening is for the management only and journalled.
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import PeriodClosedError, PeriodValidationError

STATES = [
    ('open', "Open"),
    ('closed', "Closed"),
    ]
PERIOD_KINDS = [
    ('quarter', "Quarters"),
    ('semester', "Semesters"),
    ('trimester', "Trimesters"),
    ]
_ONE_DAY = dt.timedelta(days=1)


def _monday(date):
    "Return the Monday of the week of date"
    return date - dt.timedelta(days=date.weekday())


def _monday_on_or_after(date):
    return date + dt.timedelta(days=(7 - date.weekday()) % 7)


def kazakh_quarters(start, end):
    """Return the four (start, end) quarters of a Kazakh school year
    starting on 1 September of ``start.year`` and ending on ``end``
    (25 May): autumn holidays in the week around 1 November, winter
    holidays from the Monday of the week of 31 December to 7 January,
    spring holidays around Nauryz (19 March to the next Monday but one)."""
    year = start.year
    autumn = _monday(dt.date(year, 10, 30))
    winter = _monday(dt.date(year, 12, 31))
    q3_start = dt.date(year + 1, 1, 8)
    q3_end = dt.date(year + 1, 3, 18)
    q4_start = _monday_on_or_after(dt.date(year + 1, 3, 26))
    return [
        (start, autumn - _ONE_DAY),
        (autumn + dt.timedelta(days=7), winter - _ONE_DAY),
        (q3_start, q3_end),
        (q4_start, end),
        ]


def kazakh_semesters(start, end):
    "Return the two halves of the year, winter holidays between"
    quarters = kazakh_quarters(start, end)
    return [(start, quarters[1][1]), (quarters[2][0], end)]


def kazakh_trimesters(start, end):
    "Return three trimesters: to the end of November, February, the end"
    year = start.year
    first_end = dt.date(year, 11, 30)
    second_end = dt.date(year + 1, 3, 1) - _ONE_DAY
    return [(start, first_end), (first_end + _ONE_DAY, second_end),
        (second_end + _ONE_DAY, end)]


def equal_parts(start, end, count):
    "Split [start, end] into count consecutive parts of about equal length"
    days = (end - start).days + 1
    parts = []
    for i in range(count):
        p_start = start + dt.timedelta(days=days * i // count)
        p_end = start + dt.timedelta(days=days * (i + 1) // count - 1)
        parts.append((p_start, p_end))
    return parts


class AcademicYear(Workflow, ModelSQL, ModelView):
    "Academic Year"
    __name__ = 'edu.academic.year'
    __string__ = "Academic Year"
    _states = {'readonly': Eval('state') == 'closed'}

    company = fields.Many2One(
        'company.company', "Organisation", required=True,
        ondelete='RESTRICT', states=_states)
    name = fields.Char("Name", required=True, states=_states)
    start_date = fields.Date(
        "Start Date", required=True, states=_states,
        domain=[If(Eval('start_date') & Eval('end_date'),
                ('start_date', '<', Eval('end_date')), ())])
    end_date = fields.Date(
        "End Date", required=True, states=_states,
        domain=[If(Eval('start_date') & Eval('end_date'),
                ('end_date', '>', Eval('start_date')), ())])
    period_kind = fields.Selection(
        PERIOD_KINDS, "Periods", required=True, states=_states)
    periods = fields.One2Many(
        'edu.academic.period', 'year', "Periods", states=_states,
        order=[('start_date', 'ASC')])
    state = fields.Selection(STATES, "State", readonly=True, required=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_name_unique', Unique(t, t.company, t.name),
                'edu_learning.msg_year_name_unique'),
            ]
        cls._sql_indexes.add(Index(
                t, (t.company, Index.Range()), (t.start_date, Index.Range())))
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('open', 'closed'),
            ('closed', 'open'),
            }
        cls._buttons.update({
                'create_periods': {
                    'invisible': Eval('state') != 'open',
                    'readonly': Bool(Eval('periods', [0])),
                    'depends': ['state', 'periods'],
                    },
                'close': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'closed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_period_kind(cls):
        return 'quarter'

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def validate_fields(cls, years, field_names):
        super().validate_fields(years, field_names)
        if field_names & {'company', 'start_date', 'end_date'}:
            cls.check_overlap(years)

    @classmethod
    def check_overlap(cls, years):
        "Two years of one organisation do not overlap"
        for year in years:
            if year.start_date >= year.end_date:
                raise PeriodValidationError(gettext(
                        'edu_learning.msg_year_dates', year=year.name))
            others = cls.search([
                    ('id', '!=', year.id),
                    ('company', '=', year.company.id),
                    ('start_date', '<=', year.end_date),
                    ('end_date', '>=', year.start_date),
                    ], limit=1)
            if others:
                raise PeriodValidationError(gettext(
                        'edu_learning.msg_year_overlap',
                        year=year.name, other=others[0].rec_name))

    @classmethod
    def find(cls, company_id, date=None):
        "Return the academic year of the organisation at date, or None"
        if date is None:
            date = dt.date.today()
        years = cls.search([
                ('company', '=', company_id),
                ('start_date', '<=', date),
                ('end_date', '>=', date),
                ], limit=1)
        return years[0] if years else None

    def period_dates(self):
        "Return the (start, end) of the periods to create"
        start, end = self.start_date, self.end_date
        standard = (start.month == 9 and end.year == start.year + 1
            and end.month in {5, 6})
        count = {'quarter': 4, 'semester': 2, 'trimester': 3}[
            self.period_kind]
        if not standard:
            return equal_parts(start, end, count)
        if self.period_kind == 'quarter':
            return kazakh_quarters(start, end)
        elif self.period_kind == 'semester':
            return kazakh_semesters(start, end)
        return kazakh_trimesters(start, end)

    @classmethod
    @ModelView.button
    def create_periods(cls, years):
        "Create the periods of the years that have none (R27.12)"
        pool = Pool()
        Period = pool.get('edu.academic.period')
        to_create = []
        for year in years:
            if year.periods:
                continue
            for number, (start, end) in enumerate(year.period_dates(), 1):
                to_create.append({
                        'year': year.id,
                        'number': number,
                        'name': gettext(
                            f'edu_learning.msg_{year.period_kind}_name',
                            number=number),
                        'start_date': start,
                        'end_date': end,
                        })
        if to_create:
            periods = Period.create(to_create)
            cls._translate_period_names(periods)

    @classmethod
    def _translate_period_names(cls, periods):
        "Name the periods in every translatable language (R17)"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Period = pool.get('edu.academic.period')
        for code in Lang.get_translatable_languages():
            with Transaction().set_context(language=code):
                to_write = []
                for period in Period.browse(periods):
                    to_write.extend(([period], {'name': gettext(
                                    'edu_learning.msg_%s_name'
                                    % period.year.period_kind,
                                    number=period.number)}))
                if to_write:
                    Period.write(*to_write)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, years):
        pool = Pool()
        Period = pool.get('edu.academic.period')
        periods = [p for y in years for p in y.periods if p.state == 'open']
        if periods:
            Period.close(periods)

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, years):
        "Reopen the years (management only, journalled)"
        pool = Pool()
        AuditEntry = pool.get('edu.audit.entry')
        AuditEntry.log_action(
            'academic_year_reopen', years,
            gettext('edu_learning.msg_year_reopened_log'))


class AcademicPeriod(Workflow, ModelSQL, ModelView):
    "Academic Period"
    __name__ = 'edu.academic.period'
    __string__ = "Academic Period"
    _states = {'readonly': Eval('state') == 'closed'}

    year = fields.Many2One(
        'edu.academic.year', "Academic Year", required=True,
        ondelete='CASCADE', states=_states)
    company = fields.Many2One(
        'company.company', "Organisation", readonly=True,
        ondelete='RESTRICT')
    name = fields.Char(
        "Name", required=True, translate=True, states=_states)
    number = fields.Integer("Number", required=True, states=_states)
    start_date = fields.Date("Start Date", required=True, states=_states)
    end_date = fields.Date("End Date", required=True, states=_states)
    state = fields.Selection(STATES, "State", readonly=True, required=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('year_number_unique', Unique(t, t.year, t.number),
                'edu_learning.msg_period_number_unique'),
            ]
        cls._sql_indexes.add(Index(
                t, (t.company, Index.Range()), (t.start_date, Index.Range()),
                (t.end_date, Index.Range())))
        cls._order = [('start_date', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('open', 'closed'),
            ('closed', 'open'),
            }
        cls._buttons.update({
                'close': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'closed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @fields.depends('year', '_parent_year.company')
    def on_change_year(self):
        self.company = self.year.company if self.year else None

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Year = pool.get('edu.academic.year')
        values = super().preprocess_values(mode, values)
        if values.get('year'):
            values['company'] = Year(values['year']).company.id
        return values

    def get_rec_name(self, name):
        return f'{self.name} ({self.year.name})'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('year.name', operator, operand, *extra),
            ]

    @classmethod
    def validate_fields(cls, periods, field_names):
        super().validate_fields(periods, field_names)
        if field_names & {'year', 'start_date', 'end_date'}:
            cls.check_dates(periods)

    @classmethod
    def check_dates(cls, periods):
        "A period lies inside its year and overlaps no other period of it"
        for period in periods:
            year = period.year
            if period.start_date > period.end_date:
                raise PeriodValidationError(gettext(
                        'edu_learning.msg_period_dates',
                        period=period.get_rec_name(None)))
            if (period.start_date < year.start_date
                    or period.end_date > year.end_date):
                raise PeriodValidationError(gettext(
                        'edu_learning.msg_period_outside_year',
                        period=period.get_rec_name(None), year=year.name))
            others = cls.search([
                    ('id', '!=', period.id),
                    ('year', '=', year.id),
                    ('start_date', '<=', period.end_date),
                    ('end_date', '>=', period.start_date),
                    ], limit=1)
            if others:
                raise PeriodValidationError(gettext(
                        'edu_learning.msg_period_overlap',
                        period=period.get_rec_name(None),
                        other=others[0].rec_name))

    @classmethod
    def check_modification(cls, mode, periods, values=None, external=False):
        super().check_modification(
            mode, periods, values=values, external=external)
        if mode == 'delete':
            for period in periods:
                if period.state == 'closed':
                    raise PeriodClosedError(gettext(
                            'edu_learning.msg_period_delete_closed',
                            period=period.get_rec_name(None)))

    @classmethod
    def find(cls, company_id, date=None):
        "Return the period of the organisation at date, or None"
        if date is None:
            date = dt.date.today()
        periods = cls.search([
                ('company', '=', company_id),
                ('start_date', '<=', date),
                ('end_date', '>=', date),
                ], limit=1)
        return periods[0] if periods else None

    @classmethod
    def check_open(cls, company_id, dates):
        """Raise edu_learning.msg_period_closed if one of dates falls in a
        closed period of the organisation (R27.12)."""
        dates = sorted({d for d in dates if d})
        if not dates:
            return
        periods = cls.search([
                ('company', '=', company_id),
                ('state', '=', 'closed'),
                ('start_date', '<=', dates[-1]),
                ('end_date', '>=', dates[0]),
                ])
        for period in periods:
            for date in dates:
                if period.start_date <= date <= period.end_date:
                    raise PeriodClosedError(gettext(
                            'edu_learning.msg_period_closed',
                            period=period.get_rec_name(None), date=date))

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, periods):
        "Close the periods; other modules lock their data here"
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, periods):
        "Reopen the periods (management only, journalled)"
        pool = Pool()
        AuditEntry = pool.get('edu.audit.entry')
        Year = pool.get('edu.academic.year')
        AuditEntry.log_action(
            'academic_period_reopen', periods,
            gettext('edu_learning.msg_period_reopened_log'))
        years = list({p.year for p in periods if p.year.state == 'closed'})
        if years:
            Year.write(years, {'state': 'open'})
