# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of the payroll (R19.12, R18, R5.8, R12).

The payroll data is read only by the HR officer, the accountant (the
payroll accountant) and the chief accountant, and by each employee for
their own payslips:

- the rates: HR and the accountant read, the chief accountant changes the
  organisation's own rule sets, nobody the shared ones; the item types
  (shared): read only;
- the runs, their inputs, the payslips and their lines: the accounting
  office (accountant, chief accountant) computes and posts, HR reads;
- the employee's payroll supplements and writs: HR and the accounting;
- the director, the deputy, the auditor, the teachers, the learners...
  see nothing of it, except their own payslip: a teacher reads their own
  payslip and not their colleague's;
- the payroll fields of company.employee (salary, IBAN, deductions,
  disability, writs...) are hidden from anyone outside HR and the
  accounting by field access;
- no role of school A reaches a payroll record of school B.

Two levels, as for the accounting: real attempts on sample records of
school A (record rules included) and the model access of every stored
model of edu_payroll (a model added later without access records fails
here).
"""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.modelstorage import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from tests.access_matrix import (
    ROLES, AccessMatrix, Cell, Probe, build_two_schools, expand,
    format_table)

MODULES = ('edu_payroll',)
YEAR = 2026
PERIOD = (dt.date(YEAR, 2, 1), dt.date(YEAR, 2, 28))

NOBODY = {role: '----' for role in ROLES}
#: the payroll's configuration: the chief accountant changes the
#: organisation's own rule sets
CONFIG = {**NOBODY, 'hr_officer': 'r---', 'accountant': 'r---',
    'chief_accountant': 'rwcd'}
#: the item types are shared by every organisation: read only (changed by
#: the platform administrator)
SHARED = {**NOBODY, 'hr_officer': 'r---', 'accountant': 'r---',
    'chief_accountant': 'r---'}
#: the payroll runs and payslips: the accounting office computes, HR reads
RUNS = {**NOBODY, 'hr_officer': 'r---', 'accountant': 'rwcd',
    'chief_accountant': 'rwcd'}
#: the employee's payroll profile: HR and the accounting office
PROFILE = {**NOBODY, 'hr_officer': 'rwcd', 'accountant': 'rwcd',
    'chief_accountant': 'rwcd'}
TABLES = {
    'edu.payroll.rates': CONFIG,
    'edu.payroll.item.type': SHARED,
    'edu.payroll.run': RUNS,
    'edu.payroll.run.input': RUNS,
    'edu.payroll.payslip': RUNS,
    'edu.payroll.payslip.line': RUNS,
    'edu.payroll.employee.supplement': PROFILE,
    'edu.payroll.writ': PROFILE,
    }
#: at the level of the model access every user may read the payslips and
#: their lines: the record rules leave each one only their own
OWN_READ = {'edu.payroll.payslip', 'edu.payroll.payslip.line'}
#: the payroll fields of company.employee hidden by field access
SALARY_FIELDS = ('salary', 'basic_deduction', 'pensioner', 'disability',
    'disability_indefinite', 'resident', 'born_before_1975', 'iban',
    'payroll_ebk_specific', 'payroll_supplements', 'payroll_writs')
PAYROLL_ROLES = {'hr_officer', 'accountant', 'chief_accountant'}


def expected(models):
    rows = {}
    for model in models:
        rows.update(expand(model, TABLES.get(model, RUNS)))
    return rows


# -- the payroll of the two schools -------------------------------------

def item_type(code):
    ItemType = Pool().get('edu.payroll.item.type')
    found, = ItemType.search([('code', '=', code)])
    return found.id


_rates_days = iter(range(1, 1000))


def rates_values(company):
    """The 2026 rates of the shared data, for company, valid from a new
    day of 2026 each (one set per institution and date)"""
    Rates = Pool().get('edu.payroll.rates')
    shared = Rates.get(PERIOD[0])
    values = Rates.read([shared.id], [f for f, field in Rates._fields.items()
            if field._type in {'numeric', 'integer', 'boolean', 'char',
                'date', 'selection'} and not hasattr(field, 'getter')
            and f not in {'id', 'create_date', 'write_date'}])[0]
    values.pop('id', None)
    values.update(company=company, name=f"2026 ({company})",
        valid_from=PERIOD[0] + dt.timedelta(days=next(_rates_days)))
    return values


#: one final run a month: each new run takes the next month
_run_months = iter(range(1, 10000))


def run_values(company):
    index = next(_run_months)
    year, month = YEAR + index // 12, index % 12 + 1
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(
        days=1)
    return {'company': company, 'kind': 'final',
        'name': f"Айлық {month:02d}.{year}",
        'date_from': first, 'date_to': last}


def payslip_values(run, company, employee):
    return {'run': run, 'company': company, 'employee': employee,
        'date_from': PERIOD[0], 'date_to': PERIOD[1], 'worked_days': 19,
        'norm_days': 19, 'gross': Decimal('300000.00'),
        'net': Decimal('250575.00'), 'to_pay': Decimal('250575.00'),
        'lines': [('create', [{'type': item_type('salary'),
                        'amount': Decimal('300000.00'),
                        'description': "Айлықақы"}])]}


def line_values(payslip):
    return {'payslip': payslip, 'type': item_type('bonus'),
        'amount': Decimal('1000.00'), 'description': "Сыйақы"}


def supplement_values(company, employee):
    return {'employee': employee, 'company': company,
        'item_code': 'supplement', 'name': "Сынып жетекшілігі",
        'amount': Decimal('10000.00'), 'date_from': PERIOD[0]}


def writ_values(company, employee, recipient):
    return {'employee': employee, 'company': company, 'kind': 'alimony',
        'document': 'ИЛ-7/2025', 'percent': Decimal('25'),
        'recipient': recipient, 'date_from': PERIOD[0]}


def input_values(run, employee):
    return {'run': run, 'employee': employee, 'type': item_type('bonus'),
        'amount': Decimal('5000.00'), 'description': "Сыйақы"}


def create(model, values):
    return Pool().get(model).create([values])[0].id


def build_payroll(schools):
    """A draft run of February 2026 for each school with a payslip of the
    colleague of the teacher (school A) or of the teacher (school B), an
    input, a supplement, a writ and rates of the school; the teacher of
    school A gets their own payslip in the run as well"""
    import types
    Party = Pool().get('party.party')
    result = {}
    for key, school, sample in [('a', schools.school_a, schools.sample_a),
            ('b', schools.school_b, schools.sample_b)]:
        ns = types.SimpleNamespace(company=school, employee=sample['employee'])
        with Transaction().set_context(company=school):
            ns.recipient, = Party.create([{'name': f"Алушы {key}"}])
            ns.rates = create('edu.payroll.rates', rates_values(school))
            ns.run = create('edu.payroll.run', run_values(school))
            ns.payslip = create('edu.payroll.payslip', payslip_values(
                    ns.run, school, ns.employee))
            ns.line = Pool().get('edu.payroll.payslip')(ns.payslip).lines[
                0].id
            ns.input = create('edu.payroll.run.input', input_values(
                    ns.run, ns.employee))
            ns.supplement = create('edu.payroll.employee.supplement',
                supplement_values(school, ns.employee))
            ns.writ = create('edu.payroll.writ', writ_values(
                    school, ns.employee, ns.recipient.id))
            if key == 'a':
                ns.own_payslip = create('edu.payroll.payslip',
                    payslip_values(ns.run, school,
                        schools.employees['teacher']))
        result[key] = ns
    return result['a'], result['b']


def probes(schools, a, b):
    codes = iter(range(1, 1000))

    def new_item_type():
        return {'code': f'probe{next(codes)}', 'name': "Сынақ",
            'kind': 'accrual'}

    def new_run():
        return create('edu.payroll.run', run_values(a.company))

    def new_payslip():
        return create('edu.payroll.payslip', payslip_values(
                a.run, a.company, a.employee))

    return {
        'edu.payroll.rates': Probe('edu.payroll.rates', own=a.rates,
            other=b.rates, write_field='name',
            create_values=lambda: rates_values(a.company),
            make_record=lambda: create('edu.payroll.rates',
                rates_values(a.company))),
        'edu.payroll.item.type': Probe('edu.payroll.item.type',
            own=item_type('salary'), write_field='code',
            create_values=new_item_type,
            make_record=lambda: create('edu.payroll.item.type',
                new_item_type())),
        'edu.payroll.run': Probe('edu.payroll.run', own=a.run,
            other=b.run, write_field='name',
            create_values=lambda: run_values(a.company),
            make_record=new_run),
        'edu.payroll.run.input': Probe('edu.payroll.run.input',
            own=a.input, other=b.input, write_field='description',
            create_values=lambda: input_values(a.run, a.employee),
            make_record=lambda: create('edu.payroll.run.input',
                input_values(a.run, a.employee))),
        'edu.payroll.payslip': Probe('edu.payroll.payslip', own=a.payslip,
            other=b.payslip, write_field='worked_days',
            create_values=lambda: payslip_values(
                a.run, a.company, a.employee),
            make_record=new_payslip),
        'edu.payroll.payslip.line': Probe('edu.payroll.payslip.line',
            own=a.line, other=b.line, write_field='description',
            create_values=lambda: line_values(a.payslip),
            make_record=lambda: create('edu.payroll.payslip.line',
                line_values(a.payslip))),
        'edu.payroll.employee.supplement': Probe(
            'edu.payroll.employee.supplement', own=a.supplement,
            other=b.supplement, write_field='name',
            create_values=lambda: supplement_values(a.company, a.employee),
            make_record=lambda: create('edu.payroll.employee.supplement',
                supplement_values(a.company, a.employee))),
        'edu.payroll.writ': Probe('edu.payroll.writ', own=a.writ,
            other=b.writ, write_field='document',
            create_values=lambda: writ_values(
                a.company, a.employee, a.recipient.id),
            make_record=lambda: create('edu.payroll.writ', writ_values(
                    a.company, a.employee, a.recipient.id))),
        }


class AccessMatrixPayrollTestCase(unittest.TestCase):
    "Access matrix of the payroll"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(list(MODULES))

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def setup(self):
        schools = build_two_schools()
        a, b = build_payroll(schools)
        found = probes(schools, a, b)
        matrix = AccessMatrix(schools.users, found)
        return schools, a, b, matrix

    @with_transaction()
    def test_access_matrix(self):
        """Each role's rights on the payroll of its school; no role of
        school A reaches the payroll of school B (R19.12, R12)"""
        schools, a, b, matrix = self.setup()
        models = sorted(TABLES)
        matrix.check(expected(models),
            isolated_models=[m for m in models
                if m != 'edu.payroll.item.type'])

    @with_transaction()
    def test_every_model(self):
        """The model access of every stored model of edu_payroll matches
        the role table (a new model without access records fails here)"""
        pool = Pool()
        IrModel = pool.get('ir.model')
        ModelAccess = pool.get('ir.model.access')
        from trytond.model import ModelSQL
        schools = build_two_schools()
        matrix = AccessMatrix(schools.users, {})
        names = sorted({m.name for m in IrModel.search([
                        ('module', 'in', list(MODULES))])})
        models = []
        for name in names:
            try:
                Model = pool.get(name)
            except KeyError:
                continue
            if issubclass(Model, ModelSQL) and not Model._is_table_query():
                models.append(name)
        self.assertTrue(set(TABLES) <= set(models), set(TABLES) - set(models))
        self.assertFalse(set(models) - set(TABLES),
            "models of edu_payroll without a row in TABLES")
        cells = []
        table = expected(models)
        for model in OWN_READ:
            for role in ROLES:
                table[(role, model, 'read')] = True
        for (role, model, operation), allowed in sorted(table.items()):
            with matrix.as_user(schools.users[role]):
                actual = ModelAccess.check(model, operation,
                    raise_exception=False)
            if bool(actual) != allowed:
                cells.append(Cell(role, model, operation, allowed,
                        bool(actual), 'model access'))
        if cells:
            raise AssertionError('\n' + format_table(cells))

    @with_transaction()
    def test_shared_rates_read_only(self):
        """The shared rule sets (the module's data, used by every
        organisation) are read by the chief accountant of a school and never
        changed by them (R18, R12)"""
        pool = Pool()
        Rates = pool.get('edu.payroll.rates')
        Data = pool.get('ir.model.data')
        schools, a, b, matrix = self.setup()
        shared = Data.get_id('edu_payroll', 'rates_2026')
        with matrix.as_user(schools.users['chief_accountant']):
            rates = Rates(shared)
            self.assertEqual(rates.company, None)
            self.assertEqual(rates.mzp, Decimal('85000'))
            with self.assertRaises(AccessError):
                Rates.write([Rates(shared)], {'name': 'changed'})
            with self.assertRaises(AccessError):
                Rates.delete([Rates(shared)])

    @with_transaction()
    def test_own_payslip(self):
        """A teacher reads their own payslip and its lines, not their
        colleague's; the teacher of school B sees none of school A"""
        pool = Pool()
        Payslip = pool.get('edu.payroll.payslip')
        Line = pool.get('edu.payroll.payslip.line')
        schools, a, b, matrix = self.setup()
        own_lines = [l.id for l in Payslip(a.own_payslip).lines]
        with matrix.as_user(schools.users['teacher']):
            self.assertEqual([p.id for p in Payslip.search([])],
                [a.own_payslip])
            Payslip.read([a.own_payslip], ['gross', 'net', 'to_pay'])
            self.assertEqual(sorted(l.id for l in Line.search([])),
                sorted(own_lines))
            with self.assertRaises(AccessError):
                Payslip.read([a.payslip], ['gross'])
            with self.assertRaises(AccessError):
                Payslip.write([Payslip(a.own_payslip)], {'worked_days': 20})
        # the colleague sees theirs and not the teacher's
        with matrix.as_user(schools.sample_a['user']):
            self.assertEqual([p.id for p in Payslip.search([])],
                [a.payslip])
        # school B: only their own
        with matrix.as_user(schools.users_b['teacher']):
            self.assertEqual([p.id for p in Payslip.search([])],
                [b.payslip])
        # the accountant of school A sees the whole run of A, not B's
        with matrix.as_user(schools.users['accountant']):
            self.assertEqual(sorted(p.id for p in Payslip.search([])),
                sorted([a.payslip, a.own_payslip]))
        # the HR officer of school B sees school B's only
        with matrix.as_user(schools.users_b['hr_officer']):
            self.assertEqual([p.id for p in Payslip.search([])],
                [b.payslip])

    @with_transaction()
    def test_salary_fields(self):
        """Only HR and the accounting read or write the payroll fields of
        company.employee; others read the employee without them"""
        pool = Pool()
        Employee = pool.get('company.employee')
        schools, a, b, matrix = self.setup()
        employee = schools.employees['teacher']
        cells = []
        for role in ROLES:
            with matrix.as_user(schools.users[role]):
                for field in SALARY_FIELDS:
                    try:
                        Employee.read([employee], [field])
                        actual = True
                    except UserError:
                        actual = False
                    if actual != (role in PAYROLL_ROLES):
                        cells.append(Cell(role, 'company.employee',
                                f'read {field}', role in PAYROLL_ROLES,
                                actual, 'field access'))
        if cells:
            raise AssertionError('\n' + format_table(cells))
        with matrix.as_user(schools.users['director']):
            # the employee itself stays readable
            Employee.read([employee], ['rec_name'])
            with self.assertRaises(AccessError):
                Employee.write([Employee(employee)],
                    {'iban': 'KZ86125KZT5004100100'})
            with self.assertRaises(AccessError):
                Employee.search([('salary', '>', 0)])
        with matrix.as_user(schools.users['hr_officer']):
            Employee.write([Employee(employee)],
                {'iban': 'KZ86125KZT5004100100'})

    @with_transaction()
    def test_reports(self):
        """The register and the bank files are printed by the payroll
        roles only; a teacher prints their own payslip, not a colleague's"""
        pool = Pool()
        schools, a, b, matrix = self.setup()
        ModelData = pool.get('ir.model.data')

        def report(name, xml_id):
            Report = pool.get(name, type='report')
            action = ModelData.get_id('edu_payroll', xml_id)
            return lambda ids: Report.execute(ids, {'action_id': action})
        register = report('edu.payroll.register.xlsx', 'report_register_xlsx')
        bank_file = report('edu.payroll.bank_file', 'report_bank_file')
        payslip_pdf = report('edu.payroll.payslip.pdf', 'report_payslip_pdf')
        for role in ROLES:
            with self.subTest(role=role), matrix.as_user(
                    schools.users[role]):
                if role in PAYROLL_ROLES:
                    ext, content, _, _ = register([a.run])
                    self.assertEqual(ext, 'xlsx')
                else:
                    with self.assertRaises(AccessError):
                        register([a.run])
                if role not in {'accountant', 'chief_accountant'}:
                    # the bank file is the accounting office's
                    with self.assertRaises(AccessError):
                        bank_file([a.run])
        with matrix.as_user(schools.users['teacher']):
            ext, content, _, _ = payslip_pdf([a.own_payslip])
            self.assertTrue(bytes(content).startswith(b'%PDF'))
            with self.assertRaises(AccessError):
                payslip_pdf([a.payslip])
        with matrix.as_user(schools.users['director']):
            with self.assertRaises(AccessError):
                payslip_pdf([a.payslip])
