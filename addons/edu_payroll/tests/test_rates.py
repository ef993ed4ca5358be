# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The dated payroll rule sets and the payroll profile in the database
(R19.12, R18): Rates.get by date and institution, the checks of a rule
set, the МРП kept in step with edu.mrp, the IBAN check, the salary taken
from the employment history and the supplements/writs of a period."""
import datetime as dt
import unittest
from contextlib import contextmanager
from decimal import Decimal

from trytond.model.exceptions import ValidationError
from trytond.exceptions import UserError
from trytond.modules.company.tests import create_company
from trytond.modules.edu_base import kz_id
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from ..employee import check_kz_iban


@contextmanager
def refused(test):
    """Assert a ValidationError and roll its writes back, as the request
    of a user would be"""
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    cursor.execute('SAVEPOINT payroll_refused')
    try:
        with test.assertRaises(ValidationError):
            yield
    finally:
        cursor.execute('ROLLBACK TO SAVEPOINT payroll_refused')
        transaction.cache.clear()


def _employee(company, born=dt.date(1985, 4, 12), serial=41, **values):
    pool = Pool()
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    party, = Party.create([{
                'is_person': True, 'last_name': "Нұрланова",
                'first_name': "Дана", 'organisation': company.id,
                'iin': kz_id.make_iin(born, 'female', serial),
                }])
    employee, = Employee.create([{
                'party': party.id, 'company': company.id, **values}])
    return employee


def _copy_values(rates, **changes):
    names = ['name', 'mzp', 'mrp', 'ipn_rate', 'ipn_high_rate',
        'ipn_threshold_mrp', 'basic_deduction_mrp',
        'basic_deduction_year_mrp', 'opv_rate', 'opv_cap_mzp', 'vosms_rate',
        'vosms_cap_mzp', 'opvr_rate', 'opvr_min_mzp', 'opvr_max_mzp',
        'so_rate', 'so_min_mzp', 'so_max_mzp', 'oosms_rate',
        'oosms_cap_mzp', 'sn_rate', 'sn_base', 'sn_minus_so']
    values = {n: getattr(rates, n) for n in names}
    values.update(changes)
    return values


class PayrollRatesTestCase(unittest.TestCase):
    "Payroll rule sets and profile (R19.12, R18)"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_payroll'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_get_by_date(self):
        "Rates.get returns the rule set in force on a date"
        Rates = Pool().get('edu.payroll.rates')
        company = create_company()
        self.assertEqual(Rates.get(dt.date(2025, 12, 31)).mrp,
            Decimal('3932'))
        self.assertEqual(Rates.get(dt.date(2026, 1, 1)).mrp,
            Decimal('4325'))
        self.assertEqual(Rates.get(company, dt.date(2026, 3, 1)).mrp,
            Decimal('4325'))
        self.assertEqual(
            Rates.get(dt.date(2025, 6, 1), company=company).sn_rate,
            Decimal('0.11'))
        with self.assertRaises(UserError):
            Rates.get(dt.date(2024, 12, 31))

    @with_transaction()
    def test_company_rates_first(self):
        "An institution's own rule set wins over the shared one"
        Rates = Pool().get('edu.payroll.rates')
        company = create_company()
        other = create_company(name="Other School")
        shared = Rates.get(dt.date(2026, 5, 1))
        own, = Rates.create([_copy_values(shared, name="Own",
                    company=company.id, valid_from=dt.date(2026, 4, 1),
                    sn_base='gross_opv')])
        self.assertEqual(Rates.get(company, dt.date(2026, 5, 1)), own)
        self.assertEqual(Rates.get(company, dt.date(2026, 3, 31)), shared)
        self.assertEqual(Rates.get(other, dt.date(2026, 5, 1)), shared)
        with Transaction().set_context(company=company.id):
            self.assertEqual(Rates.get(dt.date(2026, 5, 1)), own)
        # the shared set keeps its validity; the own one is open
        self.assertIsNone(own.valid_to)
        self.assertIsNone(shared.valid_to)
        # an older own set never hides a newer shared one
        shared_2025 = Rates.get(dt.date(2025, 7, 1))
        old, = Rates.create([_copy_values(shared_2025, name="Old own",
                    company=other.id, valid_from=dt.date(2025, 6, 1))])
        self.assertEqual(Rates.get(other, dt.date(2025, 7, 1)), old)
        self.assertEqual(Rates.get(other, dt.date(2026, 5, 1)), shared)

    @with_transaction()
    def test_checks(self):
        "Unique date, minimum ≤ maximum, threshold needs a higher rate"
        Rates = Pool().get('edu.payroll.rates')
        shared = Rates.get(dt.date(2026, 5, 1))
        with refused(self):
            Rates.create([_copy_values(shared,
                        valid_from=dt.date(2026, 1, 1))])
        with refused(self):
            Rates.create([_copy_values(shared,
                        valid_from=dt.date(2026, 7, 1),
                        so_min_mzp=Decimal('8'))])
        with refused(self):
            Rates.create([_copy_values(shared,
                        valid_from=dt.date(2026, 7, 1), ipn_high_rate=None)])
        with refused(self):
            Rates.create([_copy_values(shared,
                        valid_from=dt.date(2026, 7, 1),
                        opv_rate=Decimal('1.5'))])
        # a correct mid-year set closes the previous one
        july, = Rates.create([_copy_values(shared, name="July",
                    valid_from=dt.date(2026, 7, 1))])
        self.assertEqual(Rates(shared.id).valid_to, dt.date(2026, 6, 30))

    @with_transaction()
    def test_mrp_agrees(self):
        "The МРП of every rule set is the МРП in force on its date (R18)"
        pool = Pool()
        Rates = pool.get('edu.payroll.rates')
        Mrp = pool.get('edu.mrp')
        rule_sets = Rates.search([])
        self.assertEqual(len(rule_sets), 2)
        for rates in rule_sets:
            self.assertEqual(Mrp.get_value(rates.valid_from), rates.mrp)
        shared = Rates.get(dt.date(2026, 5, 1))
        with refused(self):
            Rates.write([shared], {'mrp': Decimal('4000')})

    @with_transaction()
    def test_iban(self):
        "Salary card and writ IBANs: KZ, 20 characters, mod-97"
        self.assertTrue(check_kz_iban('KZ86125KZT5004100100'))
        self.assertTrue(check_kz_iban('kz86 125k zt50 0410 0100'))
        self.assertFalse(check_kz_iban('KZ86125KZT5004100101'))
        self.assertFalse(check_kz_iban('DE89370400440532013000'))
        company = create_company()
        employee = _employee(company, iban='kz86 125K ZT50 0410 0100')
        self.assertEqual(employee.iban, 'KZ86125KZT5004100100')
        Employee = Pool().get('company.employee')
        with refused(self):
            Employee.write([employee], {'iban': 'KZ00125KZT5004100100'})

    @with_transaction()
    def test_profile_defaults_and_flags(self):
        "Defaults, born before 1975 from the birth date, flags of taxes"
        company = create_company()
        young = _employee(company, serial=42)
        self.assertEqual(young.payroll_ebk_specific.code, '111')
        self.assertFalse(young.born_before_1975)
        self.assertEqual(young.payroll_flags(), {
                'basic_deduction': False, 'pensioner': False,
                'disability': 'none', 'disability_indefinite': False,
                'born_before_1975': False, 'resident': True})
        old = _employee(company, born=dt.date(1974, 12, 31), serial=43,
            disability='3', disability_indefinite=True)
        self.assertTrue(old.born_before_1975)
        # indefinite only matters for groups I and II
        self.assertFalse(old.disability_indefinite)

    @with_transaction()
    def test_salary_and_period_lines(self):
        "Salary from the profile or the history; lines of a period"
        pool = Pool()
        Employee = pool.get('company.employee')
        Supplement = pool.get('edu.payroll.employee.supplement')
        Writ = pool.get('edu.payroll.writ')
        Party = pool.get('party.party')
        company = create_company()
        with_salary = _employee(company, serial=44, salary=Decimal('250000'))
        without = _employee(company, serial=45)
        salaries = Employee.get_payroll_salaries(
            [with_salary, without], dt.date(2026, 3, 1))
        self.assertEqual(salaries[with_salary.id], Decimal('250000'))
        self.assertIsNone(salaries[without.id])
        # without a profile salary: the history line open on the date
        Employment = pool.get('edu.hr.employment')
        Employment.create([
                {'employee': without.id, 'company': company.id,
                    'kind': 'hire', 'date_from': dt.date(2025, 9, 1),
                    'date_to': dt.date(2026, 1, 31),
                    'salary': Decimal('200000')},
                {'employee': without.id, 'company': company.id,
                    'kind': 'transfer', 'date_from': dt.date(2026, 2, 1),
                    'salary': Decimal('220000')},
                ])
        for date, salary in [(dt.date(2026, 1, 15), Decimal('200000')),
                (dt.date(2026, 3, 1), Decimal('220000'))]:
            salaries = Employee.get_payroll_salaries(
                [with_salary, without], date)
            self.assertEqual(salaries[without.id], salary)
            self.assertEqual(salaries[with_salary.id], Decimal('250000'))

        Supplement.create([
                {'employee': with_salary.id, 'name': "Стаж",
                    'percent': Decimal('20'),
                    'date_from': dt.date(2026, 1, 1),
                    'date_to': dt.date(2026, 2, 28)},
                {'employee': with_salary.id, 'name': "Премия",
                    'amount': Decimal('15000'),
                    'date_from': dt.date(2026, 3, 15)},
                ])
        march = Supplement.for_period(
            [with_salary], dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        line, = march[with_salary.id]
        self.assertEqual(line.amount_for(Decimal('250000')),
            Decimal('15000'))
        february = Supplement.for_period(
            [with_salary.id], dt.date(2026, 2, 1), dt.date(2026, 2, 28))
        line, = february[with_salary.id]
        self.assertEqual(line.company, company)
        self.assertEqual(line.amount_for(Decimal('250000')),
            Decimal('50000'))

        recipient, = Party.create([{'name': "Нұрланов Асқар"}])
        values = {'employee': with_salary.id, 'document': "2-1/2026",
            'recipient': recipient.id, 'date_from': dt.date(2026, 1, 1)}
        for bad in [{}, {'percent': Decimal('25'), 'amount': Decimal('1')},
                {'percent': Decimal('25'),
                    'date_to': dt.date(2025, 12, 31)},
                {'percent': Decimal('25'),
                    'recipient_iban': 'KZ00125KZT5004100100'}]:
            with self.subTest(bad=bad):
                with refused(self):
                    Writ.create([{**values, **bad}])
        writ, = Writ.create([{**values, 'percent': Decimal('25')}])
        self.assertEqual(writ.kind, 'alimony')
        self.assertEqual(
            Writ.for_period([with_salary], dt.date(2026, 3, 1),
                dt.date(2026, 3, 31))[with_salary.id], [writ])
        self.assertEqual(
            Writ.for_period([without], dt.date(2026, 3, 1),
                dt.date(2026, 3, 31)).get(without.id, []), [])
