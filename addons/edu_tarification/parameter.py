# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Dated parameters of the tarification (R19.16): the base official salary
(БДО), the coefficients of the official salary by functional block,
education level and band of years of service, and the supplement types.

Each parameter is valid from its date until the next one of the same key:
a new decree adds a row, the history stays."""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import TarificationError

BLOCKS = [
    ('A', "A"),
    ('B', "B"),
    ('C', "C"),
    ('D', "D"),
    ]
EDUCATION_LEVELS = [
    (None, ""),
    ('higher', "Higher"),
    ('postgraduate', "Postgraduate"),
    ('tvet', "Technical and Vocational"),
    ('secondary', "Secondary"),
    ]
SUPPLEMENT_KINDS = [
    ('category', "Qualification Category"),
    ('class_teacher', "Class Supervision"),
    ('notebook', "Notebook Checking"),
    ('english', "Teaching in English"),
    ('masters', "Master's Degree"),
    ('other', "Other"),
    ]
SUPPLEMENT_BASES = [
    ('do', "Official Salary (ДО)"),
    ('bdo', "Base Official Salary (БДО)"),
    ('amount', "Fixed Amount"),
    ]


def _today():
    date = Transaction().context.get('date')
    if isinstance(date, dt.datetime):
        date = date.date()
    return date or dt.date.today()


class BaseSalary(ModelSQL, ModelView):
    "Base Official Salary"
    __name__ = 'edu.tarification.bdo'
    __string__ = "Base Official Salary"

    date = fields.Date("Valid From", required=True)
    amount = fields.Numeric(
        "Amount", digits=(16, 2), required=True,
        domain=[('amount', '>', 0)])
    decree = fields.Char("Decree", help="The act that sets the amount.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return '%s (%s)' % (self.amount, self.date.strftime('%d.%m.%Y'))

    @classmethod
    def get(cls, date=None):
        "Return the БДО amount valid at date (R19.16)"
        date = date or _today()
        records = cls.search([('date', '<=', date)],
            order=[('date', 'DESC'), ('id', 'DESC')], limit=1)
        if not records:
            raise TarificationError(gettext(
                'edu_tarification.msg_no_bdo', date=date.strftime('%d.%m.%Y')))
        return records[0].amount


class Coefficient(ModelSQL, ModelView):
    "Coefficient of the Official Salary"
    __name__ = 'edu.tarification.coefficient'
    __string__ = "Coefficient of the Official Salary"

    date = fields.Date("Valid From", required=True)
    block = fields.Selection(BLOCKS, "Block", required=True)
    education_level = fields.Selection(
        EDUCATION_LEVELS, "Education Level",
        help="Leave empty for a coefficient of every level.")
    service_from = fields.Numeric(
        "Service From", digits=(5, 2), required=True,
        domain=[('service_from', '>=', 0)],
        help="Years of service, included.")
    service_to = fields.Numeric(
        "Service To", digits=(5, 2),
        domain=['OR',
            ('service_to', '=', None),
            ('service_to', '>', Eval('service_from', 0)),
            ],
        help="Years of service, excluded; empty for no upper bound.")
    coefficient = fields.Numeric(
        "Coefficient", digits=(6, 3), required=True,
        domain=[('coefficient', '>', 0)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('block', 'ASC'),
            ('education_level', 'ASC'), ('service_from', 'ASC'),
            ('id', 'ASC')]

    def get_rec_name(self, name):
        to = self.service_to if self.service_to is not None else '…'
        return '%s %s %s–%s: %s' % (self.block, self.education_level or '',
            self.service_from, to, self.coefficient)

    @classmethod
    def get(cls, block, education_level, years, date=None):
        """Return the coefficient for block, education level and years of
        service valid at date, or None.  The most recent date wins; a row of
        the level wins over a row of every level."""
        return cls.pick(cls.valid_rows(date), block, education_level,
            years)

    @classmethod
    def valid_rows(cls, date=None):
        """Return the rows dated on or before date, latest first (one
        query for a whole list)"""
        date = date or _today()
        return cls.search([('date', '<=', date)],
            order=[('date', 'DESC'), ('id', 'DESC')])

    @staticmethod
    def pick(rows, block, education_level, years):
        """Return the coefficient of rows (from valid_rows) for block,
        education level and years of service, or None"""
        years = Decimal(str(years or 0))
        records = [r for r in rows
            if r.block == block
            and r.education_level in {education_level, None}
            and r.service_from <= years
            and (r.service_to is None or r.service_to > years)]
        if not records:
            return None
        latest = records[0].date
        records = [r for r in records if r.date == latest]
        records.sort(key=lambda r: r.education_level is None)
        return records[0].coefficient


class SupplementType(ModelSQL, ModelView):
    "Supplement Type"
    __name__ = 'edu.tarification.supplement.type'
    __string__ = "Supplement Type"

    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection(SUPPLEMENT_KINDS, "Kind", required=True)
    base = fields.Selection(SUPPLEMENT_BASES, "Base", required=True)
    category = fields.Selection(
        'get_categories', "Qualification Category",
        states={
            'invisible': Eval('kind') != 'category',
            'required': Eval('kind') == 'category',
            })
    percent = fields.Numeric(
        "Percent", digits=(6, 2),
        states={
            'invisible': Eval('base') == 'amount',
            'required': Eval('base') != 'amount',
            })
    amount = fields.Numeric(
        "Amount", digits=(16, 2),
        states={
            'invisible': Eval('base') != 'amount',
            'required': Eval('base') == 'amount',
            })
    date = fields.Date("Valid From", required=True)
    active = fields.Boolean("Active")
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('kind', 'ASC'), ('code', 'ASC'), ('date', 'DESC'),
            ('id', 'DESC')]

    @staticmethod
    def default_active():
        return True

    @staticmethod
    def default_base():
        return 'bdo'

    @staticmethod
    def get_categories():
        from trytond.modules.edu_learning.teacher import CATEGORIES
        return CATEGORIES

    def get_rec_name(self, name):
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]

    @classmethod
    def valid_at(cls, date):
        """Return the active types valid at date: of each code the one with
        the latest date not after date"""
        result = {}
        for record in cls.search([('date', '<=', date)],
                order=[('date', 'ASC'), ('id', 'ASC')]):
            result[record.code] = record
        return list(result.values())

    def compute(self, base_salary, bdo):
        "Return the monthly amount of the supplement"
        if self.base == 'amount':
            return (self.amount or Decimal(0)).quantize(Decimal('0.01'))
        base = base_salary if self.base == 'do' else bdo
        return (Decimal(base or 0) * (self.percent or 0) / 100).quantize(
            Decimal('0.01'))
