# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Dated rule sets of the Kazakh payroll taxes and contributions (R19.12,
R18): every rate, cap and threshold is a field of a rule set valid from a
date, never a literal in code.  Data: the 2025 rule set (2017 Tax Code,
values to verify) and the 2026 one (new Tax Code, payroll-2026.md)."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import RatesMissing, RatesValidationError

SN_BASES = [
    ('gross_opv_vosms', "Gross − ОПВ − ВОСМС"),
    ('gross_opv', "Gross − ОПВ"),
    ]
_RATE = (5, 4)
_TIMES = (8, 2)


class Rates(ModelSQL, ModelView):
    "Payroll Rates"
    __string__ = "Payroll Rates"
    __name__ = 'edu.payroll.rates'
    company = fields.Many2One('company.company', "Institution",
        ondelete='CASCADE',
        help="Leave empty for the rule set shared by all institutions.")
    name = fields.Char("Name", required=True, translate=True)
    valid_from = fields.Date("Valid From", required=True)
    valid_to = fields.Function(fields.Date("Valid To",
            help="The day before the next rule set."), 'get_valid_to')
    mzp = fields.Numeric("МЗП", digits=(16, 2), required=True,
        help="The minimum monthly wage in tenge.")
    mrp = fields.Numeric("МРП", digits=(16, 2), required=True,
        help="The monthly calculation index in tenge; it must agree with "
        "the МРП of the same date.")
    ipn_rate = fields.Numeric("ИПН Rate", digits=_RATE, required=True)
    ipn_high_rate = fields.Numeric("ИПН Higher Rate", digits=_RATE,
        help="The rate on the annual income above the threshold.")
    ipn_threshold_mrp = fields.Numeric("ИПН Threshold (МРП a Year)",
        digits=_TIMES,
        help="Annual income taxed at the ИПН rate; the excess pays the "
        "higher rate. Leave empty for a flat rate.")
    basic_deduction_mrp = fields.Numeric("Basic Deduction (МРП a Month)",
        digits=_TIMES, required=True)
    basic_deduction_year_mrp = fields.Numeric(
        "Basic Deduction (МРП a Year)", digits=_TIMES,
        help="Leave empty when the monthly deduction has no yearly limit.")
    ipn_adjustment = fields.Boolean("90% ИПН Adjustment",
        help="Reduce the taxable income by 90% when the month's income is "
        "below 25 МРП (until 2025).")
    opv_rate = fields.Numeric("ОПВ Rate", digits=_RATE, required=True)
    opv_cap_mzp = fields.Numeric("ОПВ Cap (МЗП)", digits=_TIMES)
    vosms_rate = fields.Numeric("ВОСМС Rate", digits=_RATE, required=True)
    vosms_cap_mzp = fields.Numeric("ВОСМС Cap (МЗП)", digits=_TIMES)
    opvr_rate = fields.Numeric("ОПВР Rate", digits=_RATE, required=True)
    opvr_min_mzp = fields.Numeric("ОПВР Minimum Base (МЗП)", digits=_TIMES)
    opvr_max_mzp = fields.Numeric("ОПВР Maximum Base (МЗП)", digits=_TIMES)
    so_rate = fields.Numeric("СО Rate", digits=_RATE, required=True)
    so_min_mzp = fields.Numeric("СО Minimum Base (МЗП)", digits=_TIMES)
    so_max_mzp = fields.Numeric("СО Maximum Base (МЗП)", digits=_TIMES)
    oosms_rate = fields.Numeric("ООСМС Rate", digits=_RATE, required=True)
    oosms_cap_mzp = fields.Numeric("ООСМС Cap (МЗП)", digits=_TIMES)
    sn_rate = fields.Numeric("СН Rate", digits=_RATE, required=True)
    sn_base = fields.Selection(SN_BASES, "СН Base", required=True)
    sn_minus_so = fields.Boolean("СН minus СО",
        help="Subtract the social contributions from the social tax "
        "(until 2025).")
    sick_cap_mrp = fields.Numeric("Sick Pay Cap (МРП a Month)",
        digits=_TIMES,
        help="The employer's sick pay limit for a month.")
    notes = fields.Text("Notes", translate=True,
        help="Sources of the values and what is to verify.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('valid_from', 'DESC'), ('id', 'DESC')]
        for name in cls._rate_fields():
            field = getattr(cls, name)
            field.domain = ['OR',
                (name, '=', None),
                [(name, '>=', 0), (name, '<=', 1)],
                ]
        for name in cls._count_fields():
            field = getattr(cls, name)
            field.domain = ['OR', (name, '=', None), (name, '>=', 0)]
        for name in ('mzp', 'mrp'):
            getattr(cls, name).domain = [(name, '>', 0)]

    @staticmethod
    def _rate_fields():
        return ('ipn_rate', 'ipn_high_rate', 'opv_rate', 'vosms_rate',
            'opvr_rate', 'so_rate', 'oosms_rate', 'sn_rate')

    @staticmethod
    def _count_fields():
        return ('ipn_threshold_mrp', 'basic_deduction_mrp',
            'basic_deduction_year_mrp', 'opv_cap_mzp', 'vosms_cap_mzp',
            'opvr_min_mzp', 'opvr_max_mzp', 'so_min_mzp', 'so_max_mzp',
            'oosms_cap_mzp', 'sick_cap_mrp')

    @staticmethod
    def default_sn_base():
        return 'gross_opv_vosms'

    @staticmethod
    def default_ipn_adjustment():
        return False

    @staticmethod
    def default_sn_minus_so():
        return False

    @fields.depends('valid_from', 'mrp')
    def on_change_valid_from(self):
        "Take the МРП in force on the date (R18)"
        Mrp = Pool().get('edu.mrp')
        if self.valid_from and not self.mrp:
            records = Mrp.search([('valid_from', '<=', self.valid_from)],
                order=[('valid_from', 'DESC')], limit=1)
            if records:
                self.mrp = records[0].value

    def get_rec_name(self, name):
        return '%s (%s)' % (self.name, self.valid_from)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('name',) + tuple(clause[1:])]

    @classmethod
    def get_valid_to(cls, records, name):
        result = {}
        for record in records:
            later = cls.search([
                    ('company', '=', record.company.id
                        if record.company else None),
                    ('valid_from', '>', record.valid_from),
                    ], order=[('valid_from', 'ASC')], limit=1)
            result[record.id] = (
                later[0].valid_from - dt.timedelta(days=1)
                if later else None)
        return result

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        cls.check_unique(records, field_names)
        cls.check_bases(records, field_names)
        cls.check_mrp(records, field_names)

    @classmethod
    def check_unique(cls, records, field_names=None):
        "One rule set per institution (or shared) and date"
        if field_names and not (field_names & {'company', 'valid_from'}):
            return
        for record in records:
            others = cls.search([
                    ('id', '!=', record.id),
                    ('company', '=', record.company.id
                        if record.company else None),
                    ('valid_from', '=', record.valid_from),
                    ], limit=1)
            if others:
                raise RatesValidationError(gettext(
                        'edu_payroll.msg_rates_unique',
                        date=record.valid_from))

    @classmethod
    def check_bases(cls, records, field_names=None):
        "A minimum base never exceeds the maximum"
        for record in records:
            for low, high in [('opvr_min_mzp', 'opvr_max_mzp'),
                    ('so_min_mzp', 'so_max_mzp')]:
                low_v, high_v = getattr(record, low), getattr(record, high)
                if (low_v is not None and high_v is not None
                        and low_v > high_v):
                    raise RatesValidationError(gettext(
                            'edu_payroll.msg_rates_min_max',
                            rates=record.rec_name))
            if record.ipn_threshold_mrp is not None and (
                    record.ipn_high_rate is None):
                raise RatesValidationError(gettext(
                        'edu_payroll.msg_rates_high_rate',
                        rates=record.rec_name))

    @classmethod
    def check_mrp(cls, records, field_names=None):
        "The МРП agrees with the МРП in force on the date (R18)"
        if field_names and not (field_names & {'mrp', 'valid_from'}):
            return
        Mrp = Pool().get('edu.mrp')
        for record in records:
            found = Mrp.search([('valid_from', '<=', record.valid_from)],
                order=[('valid_from', 'DESC')], limit=1)
            if found and found[0].value != record.mrp:
                raise RatesValidationError(gettext(
                        'edu_payroll.msg_rates_mrp',
                        rates=record.rec_name, mrp=record.mrp,
                        official=found[0].value,
                        date=record.valid_from))

    @classmethod
    def get(cls, *args, **kwargs):
        """Return the rule set in force on date (R18)

        Called as ``get(date)``, ``get(date, company)`` or
        ``get(company, date)``: the rule set (of the company or shared)
        with the latest start not after date, the company's on a tie.  Raise a
        translated error when none is in force."""
        company = kwargs.pop('company', None)
        date = kwargs.pop('date', None)
        for arg in args:
            if isinstance(arg, dt.date):
                date = arg
            else:
                company = arg
        if date is None:
            date = Pool().get('ir.date').today()
        if company is None:
            company = Transaction().context.get('company')
        company_id = getattr(company, 'id', company)
        # the latest set in force, the company's winning a tie with a shared
        # one: an older set of the company never hides a newer shared one
        found = cls.search([
                ('company', 'in', [company_id, None] if company_id
                    else [None]),
                ('valid_from', '<=', date),
                ], order=[('valid_from', 'DESC'),
                ('company', 'ASC NULLS LAST')], limit=1)
        if found:
            return found[0]
        raise RatesMissing(gettext(
                'edu_payroll.msg_rates_missing', date=date))

    def compute(self, gross, **flags):
        "Return compute_taxes of gross with these rates"
        from .taxes import compute_taxes
        return compute_taxes(self, gross, **flags)
