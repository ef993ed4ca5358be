# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The employee's personnel card (R19.11): personnel number, current
position and staff rate set by the personnel orders, education, the
qualification category of the teacher's profile, prior service and the
employment history from which the years of service are computed."""
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from sql import Null

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.edu_audit.journal import PersonalDataJournalMixin
from trytond.modules.edu_learning.teacher import CATEGORIES
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .position import BLOCKS

EDUCATION_LEVELS = [
    (None, ""),
    ('higher', "Higher"),
    ('postgraduate', "Postgraduate"),
    ('tvet', "Technical and Vocational"),
    ('secondary', "Secondary"),
    ]
EMPLOYMENT_KINDS = [
    ('hire', "Hire"),
    ('transfer', "Transfer"),
    ('rate', "Rate Change"),
    ('dismissal', "Dismissal"),
    ]
DAYS_IN_YEAR = Decimal('365.25')
_YEARS = Decimal('0.01')


def service_days(lines, date):
    """Days of the employment lines (date_from, date_to, kind) up to date
    included; a dismissal line marks the last day and adds none"""
    days = 0
    for date_from, date_to, kind in lines:
        if kind == 'dismissal' or date_from is None or date_from > date:
            continue
        end = min(date_to, date) if date_to else date
        if end >= date_from:
            days += (end - date_from).days + 1
    return days


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'
    personnel_number = fields.Char("Personnel Number")
    hr_position = fields.Many2One('edu.hr.position', "Staff Position",
        ondelete='RESTRICT',
        help="The current position, set by the personnel orders.")
    rate = fields.Numeric("Staff Rate", digits=(4, 2),
        domain=[('rate', '>', 0), ('rate', '<=', 2)],
        help="The share of a full-time position (ставка), set by orders.")
    block = fields.Function(fields.Selection(BLOCKS, "Block"),
        'get_block')
    education_level = fields.Selection(
        EDUCATION_LEVELS, "Education Level")
    diploma = fields.Char("Diploma",
        help="The number and date of the diploma.")
    category = fields.Function(fields.Selection(
            CATEGORIES, "Qualification Category"), 'get_category')
    prior_service_days = fields.Integer("Prior Service Days",
        domain=[('prior_service_days', '>=', 0)],
        help="The days of service before this organisation "
        "(from the labour book).")
    service_years = fields.Function(fields.Numeric(
            "Years of Service", digits=(5, 2)), 'get_service_years')
    employment_history = fields.One2Many(
        'edu.hr.employment', 'employee', "Employment History",
        readonly=True)

    @staticmethod
    def default_rate():
        return Decimal('1.00')

    @staticmethod
    def default_prior_service_days():
        return 0

    def get_block(self, name):
        return self.hr_position.block if self.hr_position else None

    @classmethod
    def get_category(cls, employees, name):
        Party = Pool().get('party.party')
        parties = Party.browse(list({e.party.id for e in employees}))
        categories = Party.get_teacher_category(parties, 'teacher_category')
        return {e.id: categories.get(e.party.id) for e in employees}

    @classmethod
    def get_service_years(cls, employees, name):
        context = Transaction().context
        date = context.get('date') or Pool().get('ir.date').today()
        if isinstance(date, dt.datetime):
            date = date.date()
        return cls.get_service_years_at(employees, date)

    @classmethod
    def get_service_years_at(cls, employees, date):
        """Return {employee id: years of service on date} (R19.11): the
        prior service plus the days of the employment history in the
        organisation up to date, over 365.25; one query per 1000"""
        pool = Pool()
        Employment = pool.get('edu.hr.employment')
        history = Employment.__table__()
        employee = cls.__table__()
        cursor = Transaction().connection.cursor()
        ids = [e.id if hasattr(e, 'id') else e for e in employees]
        prior = dict.fromkeys(ids, 0)
        lines = {i: [] for i in ids}
        for sub_ids in grouped_slice(ids, 1000):
            query = employee.join(history, 'LEFT',
                condition=(history.employee == employee.id)
                & (history.date_from <= date)
                ).select(
                    employee.id, employee.prior_service_days,
                    history.date_from, history.date_to, history.kind,
                    where=reduce_ids(employee.id, sub_ids))
            cursor.execute(*query)
            for id_, prior_days, date_from, date_to, kind in cursor:
                prior[id_] = prior_days or 0
                if date_from is None:
                    continue
                if isinstance(date_from, str):
                    date_from = dt.date.fromisoformat(date_from)
                if isinstance(date_to, str):
                    date_to = dt.date.fromisoformat(date_to)
                lines[id_].append((date_from, date_to, kind))
        result = {}
        for id_ in ids:
            days = prior[id_] + service_days(lines[id_], date)
            result[id_] = (Decimal(days) / DAYS_IN_YEAR).quantize(
                _YEARS, rounding=ROUND_HALF_UP)
        return result

    def get_open_employment(self, date=None):
        "Return the open employment line (on date if given) or None"
        Employment = Pool().get('edu.hr.employment')
        domain = [('employee', '=', self.id), ('kind', '!=', 'dismissal')]
        if date:
            domain += [('date_from', '<=', date),
                ['OR', ('date_to', '=', None), ('date_to', '>=', date)]]
        else:
            domain.append(('date_to', '=', None))
        lines = Employment.search(domain,
            order=[('date_from', 'DESC'), ('id', 'DESC')], limit=1)
        return lines[0] if lines else None


class Employment(PersonalDataJournalMixin, ModelSQL, ModelView):
    "Employment History"
    __name__ = 'edu.hr.employment'
    __string__ = "Employment History"
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))])
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT')
    order = fields.Many2One('edu.hr.order', "Order", ondelete='RESTRICT')
    kind = fields.Selection(EMPLOYMENT_KINDS, "Kind", required=True)
    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To",
        domain=[If(Eval('date_to'),
                ('date_to', '>=', Eval('date_from')), ())],
        help="Empty while the line is in force.")
    position = fields.Many2One('edu.hr.position', "Position",
        ondelete='RESTRICT')
    department = fields.Many2One('edu.department', "Department",
        ondelete='SET NULL')
    rate = fields.Numeric("Staff Rate", digits=(4, 2))
    salary = fields.Numeric("Official Salary", digits=(16, 2),
        help="The monthly official salary of non-teaching staff; teachers "
        "take theirs from the tarification.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.employee, Index.Range()),
                    (t.date_from, Index.Range())),
                Index(t, (t.company, Index.Range()),
                    (t.date_from, Index.Range())),
                Index(t, (t.date_to, Index.Range()),
                    where=t.date_to != Null),
                })
        cls._order = [('date_from', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        kinds = dict(self.fields_get(['kind'])['kind']['selection'])
        return '%s %s %s' % (self.employee.rec_name, kinds.get(self.kind),
            self.date_from)

    @classmethod
    def lines_in_period(cls, company, date_from, date_to):
        """Return {employee id: [lines]} of the employment lines of company
        that overlap the period, dismissals excluded; one query"""
        lines = cls.search([
                ('company', '=', company.id if hasattr(company, 'id')
                    else company),
                ('kind', '!=', 'dismissal'),
                ('date_from', '<=', date_to),
                ['OR', ('date_to', '=', None), ('date_to', '>=', date_from)],
                ], order=[('employee', 'ASC'), ('date_from', 'ASC')])
        result = {}
        for line in lines:
            result.setdefault(line.employee.id, []).append(line)
        return result
