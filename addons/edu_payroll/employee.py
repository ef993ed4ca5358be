# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The payroll profile of an employee (R19.12): salary, the application
for the basic deduction, the statuses that exempt from contributions
(pensioner, disability, born before 1975, non-resident), the salary card
IBAN, the ЕБК specific of the wages, the personal supplements and the
writs of execution (alimony)."""
import datetime as dt
from collections import defaultdict

from stdnum import iban as std_iban

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.edu_audit.journal import PersonalDataJournalMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import PayrollProfileError

DISABILITIES = [
    ('none', "None"),
    ('1', "Group I"),
    ('2', "Group II"),
    ('3', "Group III"),
    ]
WRIT_KINDS = [
    ('alimony', "Alimony"),
    ('other', "Other Writ"),
    ]
#: born before this date: no employer pension contribution (ОПВР)
OPVR_BIRTH_LIMIT = dt.date(1975, 1, 1)


def compact_iban(value):
    "Return the IBAN without spaces, upper case"
    return std_iban.compact(value or '') if value else value


def check_kz_iban(value):
    """Return whether value is a valid Kazakh IBAN: KZ, 20 characters and
    the ISO 13616 mod-97 check digits"""
    if not value:
        return True
    value = compact_iban(value)
    return (len(value) == 20 and value.startswith('KZ')
        and std_iban.is_valid(value))


def _check_iban(record, name):
    value = getattr(record, name)
    if value and not check_kz_iban(value):
        raise PayrollProfileError(gettext(
                'edu_payroll.msg_iban_invalid',
                iban=value, record=record.rec_name))


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'
    salary = fields.Numeric("Official Salary", digits=(16, 2),
        domain=['OR', ('salary', '=', None), ('salary', '>=', 0)],
        help="The monthly official salary; when empty payroll takes the "
        "salary of the employment history.")
    basic_deduction = fields.Boolean("Basic Deduction",
        help="The employee applied for the basic ИПН deduction here.")
    pensioner = fields.Boolean("Pensioner",
        help="Receives an age pension: no ОПВ, ОПВР, ВОСМС, ООСМС, СО.")
    disability = fields.Selection(DISABILITIES, "Disability",
        required=True, sort=False)
    disability_indefinite = fields.Boolean("Disability Indefinite",
        states={'invisible': ~Eval('disability').in_(['1', '2'])},
        help="Group I or II established indefinitely: no ОПВ nor ОПВР.")
    resident = fields.Boolean("Tax Resident")
    born_before_1975 = fields.Function(fields.Boolean(
            "Born before 1975",
            help="Born before 1 January 1975: no ОПВР."),
        'get_born_before_1975')
    iban = fields.Char("Salary Card IBAN", size=34, strip=True,
        help="The account of the salary card (KZ, 20 characters).")
    payroll_ebk_specific = fields.Many2One('edu.ebk.specific',
        "Wages ЕБК Specific", ondelete='RESTRICT')
    payroll_supplements = fields.One2Many(
        'edu.payroll.employee.supplement', 'employee', "Supplements")
    payroll_writs = fields.One2Many(
        'edu.payroll.writ', 'employee', "Writs of Execution")

    @staticmethod
    def default_disability():
        return 'none'

    @staticmethod
    def default_resident():
        return True

    @staticmethod
    def default_basic_deduction():
        return False

    @staticmethod
    def default_pensioner():
        return False

    @staticmethod
    def default_disability_indefinite():
        return False

    @staticmethod
    def default_payroll_ebk_specific():
        Specific = Pool().get('edu.ebk.specific')
        specifics = Specific.search([('code', '=', '111')], limit=1)
        return specifics[0].id if specifics else None

    @fields.depends('iban')
    def on_change_iban(self):
        if self.iban:
            self.iban = compact_iban(self.iban)

    def get_born_before_1975(self, name):
        birth_date = self.party.birth_date if self.party else None
        return bool(birth_date and birth_date < OPVR_BIRTH_LIMIT)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('iban'):
            values['iban'] = compact_iban(values['iban'])
        if values.get('disability') not in (None, '1', '2'):
            values['disability_indefinite'] = False
        return values

    @classmethod
    def validate_fields(cls, employees, field_names):
        super().validate_fields(employees, field_names)
        if not field_names or 'iban' in field_names:
            for employee in employees:
                _check_iban(employee, 'iban')

    def payroll_flags(self):
        """Return the keyword flags of taxes.compute_taxes for the
        employee (R19.12)"""
        return {
            'basic_deduction': bool(self.basic_deduction),
            'pensioner': bool(self.pensioner),
            'disability': self.disability or 'none',
            'disability_indefinite': bool(self.disability_indefinite),
            'born_before_1975': bool(self.born_before_1975),
            'resident': self.resident is not False,
            }

    @classmethod
    def get_payroll_salaries(cls, employees, date):
        """Return {employee id: monthly official salary} on date: the
        profile's salary, else the salary of the employment history line
        open on date (None when neither is known), one query"""
        pool = Pool()
        result = {e.id: e.salary for e in employees}
        missing = [e.id for e in employees if e.salary is None]
        if missing:
            try:
                Employment = pool.get('edu.hr.employment')
            except KeyError:
                return result
            lines = Employment.search([
                    ('employee', 'in', missing),
                    ('kind', '!=', 'dismissal'),
                    ('date_from', '<=', date),
                    ['OR', ('date_to', '=', None), ('date_to', '>=', date)],
                    ('salary', '!=', None),
                    ], order=[('date_from', 'ASC'), ('id', 'ASC')])
            for line in lines:
                result[line.employee.id] = line.salary
        return result


class _DatedMixin:
    "Common fields and checks of the dated lines of a payroll profile"
    __slots__ = ()

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @fields.depends('employee', '_parent_employee.company')
    def on_change_employee(self):
        if self.employee and self.employee.company:
            self.company = self.employee.company

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('employee') and not values.get(
                'company'):
            Employee = Pool().get('company.employee')
            values['company'] = Employee(values['employee']).company.id
        return values

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if (record.date_to and record.date_from
                    and record.date_to < record.date_from):
                raise PayrollProfileError(gettext(
                        'edu_payroll.msg_profile_dates',
                        record=record.rec_name))
            if (record.percent is None) == (record.amount is None):
                raise PayrollProfileError(gettext(
                        'edu_payroll.msg_profile_percent_or_amount',
                        record=record.rec_name))
            if record.employee and record.company != record.employee.company:
                raise PayrollProfileError(gettext(
                        'edu_payroll.msg_profile_company',
                        record=record.rec_name))

    @classmethod
    def for_period(cls, employees, date_from, date_to):
        """Return {employee id: [records]} of the records valid at some
        day of the period, one query"""
        ids = [getattr(e, 'id', e) for e in employees]
        result = defaultdict(list)
        if not ids:
            return result
        for record in cls.search([
                    ('employee', 'in', ids),
                    ('date_from', '<=', date_to),
                    ['OR', ('date_to', '=', None),
                        ('date_to', '>=', date_from)],
                    ], order=[('date_from', 'ASC'), ('id', 'ASC')]):
            result[record.employee.id].append(record)
        return result

    def amount_for(self, salary):
        """Return the monthly amount of the line for a salary (percent of
        it or the fixed amount), not rounded"""
        if self.amount is not None:
            return self.amount
        return (salary or 0) * self.percent / 100


class EmployeeSupplement(_DatedMixin, ModelSQL, ModelView):
    "Employee Payroll Supplement"
    __string__ = "Employee Payroll Supplement"
    __name__ = 'edu.payroll.employee.supplement'
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))])
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='CASCADE')
    item_code = fields.Char("Item Code", required=True, strip=True,
        help="The code of the payroll item type the supplement is paid "
        "under (e.g. supplement, bonus).")
    name = fields.Char("Name", required=True)
    percent = fields.Numeric("Percent of Salary", digits=(6, 2),
        domain=['OR', ('percent', '=', None),
            [('percent', '>', 0), ('percent', '<=', 1000)]],
        states={'readonly': Bool(Eval('amount'))})
    amount = fields.Numeric("Amount", digits=(16, 2),
        domain=['OR', ('amount', '=', None), ('amount', '>', 0)],
        states={'readonly': Bool(Eval('percent'))})
    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To",
        domain=[If(Bool(Eval('date_to')) & Bool(Eval('date_from')),
                ('date_to', '>=', Eval('date_from')), ())])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date_from', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_item_code():
        return 'supplement'


class Writ(PersonalDataJournalMixin, _DatedMixin, ModelSQL, ModelView):
    "Writ of Execution"
    __string__ = "Writ of Execution"
    __name__ = 'edu.payroll.writ'
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))])
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='CASCADE')
    kind = fields.Selection(WRIT_KINDS, "Kind", required=True)
    document = fields.Char("Document Number", required=True, strip=True,
        help="The number and date of the writ of execution.")
    percent = fields.Numeric("Percent of Income", digits=(6, 2),
        domain=['OR', ('percent', '=', None),
            [('percent', '>', 0), ('percent', '<=', 70)]],
        states={'readonly': Bool(Eval('amount'))},
        help="Deducted from the income after taxes (at most 70%).")
    amount = fields.Numeric("Fixed Amount", digits=(16, 2),
        domain=['OR', ('amount', '=', None), ('amount', '>', 0)],
        states={'readonly': Bool(Eval('percent'))})
    recipient = fields.Many2One('party.party', "Recipient", required=True,
        ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends={'company'})
    recipient_iban = fields.Char("Recipient IBAN", size=34, strip=True)
    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To",
        domain=[If(Bool(Eval('date_to')) & Bool(Eval('date_from')),
                ('date_to', '>=', Eval('date_from')), ())])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date_from', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_kind():
        return 'alimony'

    def get_rec_name(self, name):
        return '%s %s' % (
            dict(WRIT_KINDS).get(self.kind, ''), self.document or '')

    @fields.depends('recipient_iban')
    def on_change_recipient_iban(self):
        if self.recipient_iban:
            self.recipient_iban = compact_iban(self.recipient_iban)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('recipient_iban'):
            values['recipient_iban'] = compact_iban(values['recipient_iban'])
        return values

    @classmethod
    def validate_fields(cls, writs, field_names):
        super().validate_fields(writs, field_names)
        for writ in writs:
            _check_iban(writ, 'recipient_iban')
