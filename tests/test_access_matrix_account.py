# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of the accounting of state institutions (R18, R19.1-R19.10,
R19.13, R19.17, R19.18, R12).

The six accounting modules (edu_account, edu_budget, edu_account_cash,
edu_account_settlement, edu_account_asset, edu_account_report) and the
Tryton models they build on (account.move, account.move.line,
account.account, account.invoice, account.asset) × the 14 roles × read,
create, write, delete:

- the accountant and the chief accountant keep the books of their school
  (they write every accounting document); only the chief accountant
  changes the chart and the reference data, closes periods and fiscal
  years and approves a financing plan;
- the director and the deputy director read, as does the internal auditor
  (R5.13: the audit reads everything of the school, changes nothing);
- teachers, tutors, methodists, learners, parents, the HR officer, the
  clerk, the system administrator and the ministry's API see nothing;
- no role of school A reaches a record of school B.

Two levels are checked: the real attempt of each operation on a sample
record of school A (record rules included) for the main documents, and the
model access of every stored model registered by the six modules, so that
a model added later without access records fails here.
"""
import contextlib
import datetime as dt
import itertools
import unittest
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from tests.access_matrix import (
    ROLES, AccessMatrix, Cell, Probe, build_two_schools, expand,
    format_table)

MODULES = ('edu_account', 'edu_budget', 'edu_account_cash',
    'edu_account_settlement', 'edu_account_asset', 'edu_account_report')
YEAR = 2025
DAY = dt.date(YEAR, 3, 12)

NOBODY = {role: '----' for role in ROLES}
#: the readers of the books of a school
READERS = {'director': 'r---', 'deputy_director': 'r---',
    'auditor': 'r---'}
#: an accounting document: the accounting office writes
BOOKS = {**NOBODY, **READERS, 'accountant': 'rwcd',
    'chief_accountant': 'rwcd'}
#: configuration and reference data: the chief accountant changes it
CHIEF = {**NOBODY, **READERS, 'accountant': 'r---',
    'chief_accountant': 'rwcd'}
#: a computed report (table query): read only
REPORT = {**NOBODY, **READERS, 'accountant': 'r---',
    'chief_accountant': 'r---'}

#: the expected rights per model; models of the six modules not listed
#: here are expected as BOOKS (see test_every_model)
TABLES = {
    # Tryton's ledger
    'account.move': BOOKS,
    'account.move.line': BOOKS,
    # the chart (codes and names of order 281) is reference data every
    # user's forms show (a party's payable account...); its amounts are not:
    # Tryton's field access hides balance, debit and credit from anyone
    # outside the accounting groups (test_negatives)
    'account.account': {**{role: 'r---' for role in ROLES},
        'chief_accountant': 'rwcd'},
    'account.invoice': BOOKS,
    'account.asset': BOOKS,
    # edu_account: reference data (R19.1) and the trial balance (R19.2)
    'edu.funding.source': CHIEF,
    'edu.ebk.specific': CHIEF,
    'edu.ebk.program': CHIEF,
    'edu.account.trial_balance': REPORT,
    # edu_budget (R19.17): the plan's execution is computed
    'edu.financing.plan.execution': REPORT,
    # edu_account_cash (R19.3): the cash limit and the signatories are the
    # chief accountant's; the cash book and the money by source computed
    'edu.cash.configuration': {**CHIEF, 'chief_accountant': 'rwc-'},
    'edu.cash.book': REPORT,
    'edu.money.source': REPORT,
    # edu_account_settlement (R19.4-R19.9): the МРП and the trip norms are
    # reference data, the balances computed
    'edu.mrp': CHIEF,
    'edu.trip.norm': CHIEF,
    'edu.settlement.balance': REPORT,
    # edu_account_asset (R19.7, R19.10): the asset groups (rates) are the
    # accounting policy
    'edu.asset.group': CHIEF,
    # edu_account_report (R19.13): a statement run is kept once computed
    # (the accountant computes, the chief accountant alone deletes); its
    # control relations are the computation's
    'edu.account.statement.run': {**BOOKS, 'accountant': 'rwc-'},
    'edu.account.statement.control': REPORT,
    }
#: the models tried for real, with their sample records
PROBED = ('account.move', 'account.move.line', 'account.account',
    'account.invoice', 'edu.financing.plan', 'edu.cash.order',
    'edu.contract', 'edu.trip')


def expected(models):
    rows = {}
    for model in models:
        rows.update(expand(model, TABLES.get(model, BOOKS)))
    return rows


@contextlib.contextmanager
def savepoint():
    "Roll back what a refused attempt may have done, as a failed request"
    cursor = Transaction().connection.cursor()
    cursor.execute('SAVEPOINT access_matrix_account')
    try:
        yield
    finally:
        cursor.execute('ROLLBACK TO SAVEPOINT access_matrix_account')
        Transaction().cache.clear()


# -- the books of the two schools -----------------------------------------

def build_books(schools):
    """Give schools A and B the chart of state institutions, the fiscal
    year YEAR with its journals, a draft memorial order, a posted
    treasury payment and a draft supplier act each; return a namespace per
    school"""
    import types
    from trytond.modules.edu_account.tests import tools
    pool = Pool()
    Company = pool.get('company.company')
    Party = pool.get('party.party')
    books = {}
    for key, school in [('a', schools.school_a), ('b', schools.school_b)]:
        with Transaction().set_context(company=school):
            gov = tools.setup_gov_accounting(company=Company(school),
                year=YEAR)
            ns = types.SimpleNamespace(company=school, gov=gov)
            ns.supplier, = Party.create([{
                        'name': f"«Энергосбыт {key.upper()}» ЖШС",
                        'bin': schools.new_bin(2005, 5),
                        'addresses': [('create', [{'city': "Астана"}])]}])
            ns.program = new_program(school)
            ns.employee = (schools.employees['teacher'] if key == 'a'
                else schools.employees_b['teacher'])
            ns.draft = new_move(ns)
            ns.posted = new_move(ns, post=True)
            ns.invoice = new_invoice(ns)
            ns.plan = new_plan(ns)
            ns.cash_order = new_cash_order(ns)
            ns.contract = new_contract(ns)
            ns.trip = new_trip(ns)
        books[key] = ns
    return books['a'], books['b']


def move_values(ns, date=DAY, amount=Decimal('1000.00')):
    "A memorial order: other expenses against other income"
    gov = ns.gov
    pool = Pool()
    Period = pool.get('account.period')
    period = Period.find(ns.company, date=date)
    return {
        'company': ns.company,
        'journal': gov.journal('GEN').id,
        'period': period,
        'date': date,
        'description': "Мемориалдық ордер",
        'lines': [('create', [
                    {'account': gov.account('7410').id, 'debit': amount,
                        'credit': Decimal(0)},
                    {'account': gov.account('6210').id, 'credit': amount,
                        'debit': Decimal(0)},
                    ])],
        }


def new_move(ns, post=False):
    Move = Pool().get('account.move')
    with Transaction().set_context(company=ns.company):
        move, = Move.create([move_values(ns)])
        if post:
            Move.post([move])
    return move.id


def invoice_values(ns):
    "A supplier act for electricity (ЕБК 151, local budget)"
    gov = ns.gov
    pool = Pool()
    Currency = pool.get('currency.currency')
    Line = pool.get('account.invoice.line')
    ModelData = pool.get('ir.model.data')
    kzt, = Currency.search([('code', '=', 'KZT')], limit=1)
    line = {
        'type': 'line',
        'description': "Электр энергиясы / Электроэнергия",
        'account': gov.account('7120').id,
        'quantity': 1,
        'unit_price': Decimal('150000.00'),
        }
    if 'ebk_specific' in Line._fields:
        Specific = pool.get('edu.ebk.specific')
        line['ebk_specific'] = Specific.search(
            [('code', '=', '151')], limit=1)[0].id
    if 'funding_source' in Line._fields:
        line['funding_source'] = ModelData.get_id(
            'edu_account', 'funding_local')
    return {
        'company': ns.company,
        'type': 'in',
        'party': ns.supplier.id,
        'invoice_address': ns.supplier.addresses[0].id
        if ns.supplier.addresses else None,
        'account': gov.account('3210').id,
        'journal': gov.journal('EXP').id,
        'currency': kzt.id,
        'invoice_date': DAY,
        'description': "Акт",
        'lines': [('create', [line])],
        }


def new_invoice(ns):
    Invoice = Pool().get('account.invoice')
    with Transaction().set_context(company=ns.company):
        invoice, = Invoice.create([invoice_values(ns)])
    return invoice.id


programs = itertools.count(10)


def new_program(company):
    "A budget programme of the school (a new one at each call)"
    Program = Pool().get('edu.ebk.program')
    program, = Program.create([{
                'functional_group': '04', 'administrator': '261',
                'program': '015', 'subprogram': f'{next(programs):03d}',
                'name': "Жалпы орта білім беру", 'company': company}])
    return program.id


def specific(code):
    Specific = Pool().get('edu.ebk.specific')
    return Specific.search([('code', '=', code)], limit=1)[0].id


def source(kind):
    return Pool().get('ir.model.data').get_id('edu_account', f'funding_{kind}')


def plan_values(ns, program=None):
    "A draft financing plan of the local budget"
    return {
        'company': ns.company, 'number': "ИПФ-1",
        'fiscalyear': ns.gov.fiscalyear.id,
        'ebk_program': program or ns.program,
        'funding_source': source('local'),
        'lines': [('create', [{
                        'ebk_specific': specific('151'), 'kind': kind,
                        **{f'month_{m:02d}': Decimal('100000.00')
                            for m in range(1, 13)}}
                    for kind in ('payments', 'obligations')])],
        }


def new_plan(ns):
    Plan = Pool().get('edu.financing.plan')
    with Transaction().set_context(company=ns.company):
        plan, = Plan.create([plan_values(ns)])
    return plan.id


def cash_order_values(ns):
    "A draft receipt order: other income at the cash desk"
    gov = ns.gov
    return {
        'company': ns.company, 'kind': 'receipt', 'date': DAY,
        'party': ns.supplier.id, 'basis': "Басқа түсім",
        'amount': Decimal('5000.00'),
        'cash_account': gov.account('1010').id,
        'account': gov.account('6210').id,
        'funding_source': source('local'),
        'journal': gov.journal('CASH').id,
        }


def new_cash_order(ns):
    Order = Pool().get('edu.cash.order')
    with Transaction().set_context(company=ns.company):
        order, = Order.create([cash_order_values(ns)])
    return order.id


contract_numbers = itertools.count(1)


def contract_values(ns):
    "A draft contract of security services (ЕБК 159)"
    return {
        'company': ns.company, 'number': f"Ш-{next(contract_numbers)}",
        'date': DAY, 'party': ns.supplier.id, 'subject': "Күзет қызметі",
        'ebk_program': ns.program, 'ebk_specific': specific('159'),
        'funding_source': source('local'), 'amount': Decimal('600000.00'),
        'start_date': DAY, 'end_date': dt.date(YEAR, 12, 31),
        }


def new_contract(ns):
    Contract = Pool().get('edu.contract')
    with Transaction().set_context(company=ns.company):
        contract, = Contract.create([contract_values(ns)])
    return contract.id


def trip_values(ns):
    "A draft trip order of the teacher to Almaty"
    return {
        'company': ns.company, 'date': DAY, 'employee': ns.employee,
        'destination': "Алматы қ.", 'destination_class': 'astana_almaty',
        'purpose': "Семинар", 'departure_date': DAY + dt.timedelta(days=5),
        'return_date': DAY + dt.timedelta(days=7),
        'ebk_specific': specific('161'), 'ebk_program': ns.program,
        'funding_source': source('local'),
        'expense_account': ns.gov.account('7150').id,
        }


def new_trip(ns):
    Trip = Pool().get('edu.trip')
    with Transaction().set_context(company=ns.company):
        trip, = Trip.create([trip_values(ns)])
    return trip.id


def core_probes(a, b):
    pool = Pool()
    Move = pool.get('account.move')
    Line = pool.get('account.move.line')

    def make_move():
        return new_move(a)

    def line_values():
        return {'move': new_move(a), 'account': a.gov.account('7410').id,
            'debit': Decimal(0), 'credit': Decimal(0)}

    def make_line():
        return Line.create([line_values()])[0].id

    return {
        'account.move': Probe('account.move', own=a.draft, other=b.draft,
            write_field='description',
            create_values=lambda: move_values(a),
            make_record=make_move),
        'account.move.line': Probe('account.move.line',
            own=Move(a.draft).lines[0].id, other=Move(b.draft).lines[0].id,
            write_field='description',
            create_values=line_values, make_record=make_line),
        'account.account': Probe('account.account',
            own=a.gov.account('7410').id, other=b.gov.account('7410').id,
            write_field='name'),
        'account.invoice': Probe('account.invoice', own=a.invoice,
            other=b.invoice, write_field='description',
            create_values=lambda: invoice_values(a),
            make_record=lambda: new_invoice(a)),
        'edu.financing.plan': Probe('edu.financing.plan', own=a.plan,
            other=b.plan, write_field='number',
            create_values=lambda: plan_values(
                a, new_program(a.company)),
            make_record=lambda: Pool().get('edu.financing.plan').create(
                [plan_values(a, new_program(a.company))])[0].id),
        'edu.cash.order': Probe('edu.cash.order', own=a.cash_order,
            other=b.cash_order, write_field='basis',
            create_values=lambda: cash_order_values(a),
            make_record=lambda: new_cash_order(a)),
        'edu.contract': Probe('edu.contract', own=a.contract,
            other=b.contract, write_field='subject',
            create_values=lambda: contract_values(a),
            make_record=lambda: new_contract(a)),
        'edu.trip': Probe('edu.trip', own=a.trip, other=b.trip,
            write_field='destination',
            create_values=lambda: trip_values(a),
            make_record=lambda: new_trip(a)),
        }


class AccessMatrixAccountTestCase(unittest.TestCase):
    "Access matrix of the accounting of state institutions"

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
        a, b = build_books(schools)
        probes = core_probes(a, b)
        matrix = AccessMatrix(schools.users, probes)
        return schools, a, b, matrix

    @with_transaction()
    def test_access_matrix(self):
        """Each role's rights on the ledger and the accounting documents of
        its school; no role of school A reaches school B (R18, R19, R12)"""
        schools, a, b, matrix = self.setup()
        models = [m for m in PROBED if m in matrix.probes]
        matrix.check(expected(models), isolated_models=models)

    @with_transaction()
    def test_every_model(self):
        """The model access of every stored model of the six modules
        matches the role table (a new model without access records fails
        here)"""
        pool = Pool()
        IrModel = pool.get('ir.model')
        ModelAccess = pool.get('ir.model.access')
        schools = build_two_schools()
        matrix = AccessMatrix(schools.users, {})
        from trytond.model import ModelStorage
        names = sorted({m.name for m in IrModel.search([
                        ('module', 'in', list(MODULES))])}
            | set(TABLES))
        models = []
        for name in names:
            try:
                Model = pool.get(name)
            except KeyError:
                continue
            if issubclass(Model, ModelStorage):
                models.append(name)
        self.assertIn('account.move', models)
        cells = []
        table = expected(models)
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
    def test_negatives(self):
        """A teacher reads no move; the director cannot post; the
        accountant of school A cannot post into school B; only the chief
        accountant closes a period (R19.2, R12)"""
        pool = Pool()
        Move = pool.get('account.move')
        Line = pool.get('account.move.line')
        Period = pool.get('account.period')
        schools, a, b, matrix = self.setup()

        Account = pool.get('account.account')
        cash = a.gov.account('1040').id
        for role in ('teacher', 'learner', 'parent', 'hr_officer', 'clerk'):
            with matrix.as_user(schools.users[role]):
                with self.assertRaises(UserError):
                    Move.search([])
                with self.assertRaises(UserError):
                    Line.search([])
                for field in ('balance', 'debit', 'credit'):
                    with self.assertRaises(UserError):
                        Account.read([cash], [field])
        with matrix.as_user(schools.users['accountant']):
            Account.read([cash], ['balance', 'debit', 'credit'])

        with matrix.as_user(schools.users['director']):
            self.assertEqual(
                {m.id for m in Move.search([('id', 'in', [a.draft, b.draft])])},
                {a.draft})
            with self.assertRaises(UserError), savepoint():
                Move.post([Move(a.draft)])
        self.assertEqual(Move(a.draft).state, 'draft')

        values_b = move_values(b)
        with matrix.as_user(schools.users['accountant']):
            # the own school's draft is posted, not school B's
            with self.assertRaises(UserError), savepoint():
                Move.post([Move(b.draft)])
            with self.assertRaises(UserError), savepoint():
                Move.create([values_b])
            Move.post([Move(a.draft)])
        self.assertEqual(Move(a.draft).state, 'posted')
        self.assertEqual(Move(b.draft).state, 'draft')

        period = Period.find(a.company, date=DAY)
        with matrix.as_user(schools.users['accountant']):
            with self.assertRaises(UserError), savepoint():
                Period.close([Period(period)])
        self.assertEqual(Period(period).state, 'open')
        with matrix.as_user(schools.users['chief_accountant']):
            Period.close([Period(period)])
        self.assertEqual(Period(period).state, 'closed')
        # a closed period refuses a new move, even to the chief accountant
        with self.assertRaises(UserError):
            Period.find(a.company, date=DAY)
        values_a = move_values(a, date=DAY.replace(day=1) - dt.timedelta(days=1))
        values_a.update(date=DAY, period=period)
        with matrix.as_user(schools.users['chief_accountant']):
            with self.assertRaises(UserError), savepoint():
                Move.create([values_a])

    @with_transaction()
    def test_chief_accountant_only(self):
        """Only the chief accountant approves a financing plan; nobody of
        school A approves school B's (R19.17, R12)"""
        pool = Pool()
        Plan = pool.get('edu.financing.plan')
        schools, a, b, matrix = self.setup()
        for role in ('accountant', 'director', 'teacher'):
            with matrix.as_user(schools.users[role]):
                with self.assertRaises(UserError), savepoint():
                    Plan.approve([Plan(a.plan)])
            self.assertEqual(Plan(a.plan).state, 'draft')
        with matrix.as_user(schools.users['chief_accountant']):
            with self.assertRaises(UserError), savepoint():
                Plan.approve([Plan(b.plan)])
            Plan.approve([Plan(a.plan)])
        self.assertEqual(Plan(a.plan).state, 'approved')
        self.assertEqual(Plan(b.plan).state, 'draft')
