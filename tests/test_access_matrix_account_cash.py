# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_account_cash (R19.3, R12): cash orders and payment
orders are written by the accountant and the chief accountant of the
school, read by the director, the deputy director and the auditor, and by
nobody else; the cash desk configuration (cash limit, signatories) is the
chief accountant's; the cash book and the money by funding source are
read-only reports; no role of school A reaches a record of school B.

Every cell is a real attempt (record rules included) on a sample record of
school A, refused attempts rolled back as a failed request is.
"""
import contextlib
import datetime as dt
import unittest
from decimal import Decimal

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from tests.access_matrix import (
    ROLES, AccessMatrix, Probe, build_two_schools, expand)

YEAR = 2025
DAY = dt.date(YEAR, 3, 12)
IBAN = 'KZ86125KZT5004100100'

NOBODY = {role: '----' for role in ROLES}
READERS = {'director': 'r---', 'deputy_director': 'r---', 'auditor': 'r---'}
BOOKS = {**NOBODY, **READERS, 'accountant': 'rwcd',
    'chief_accountant': 'rwcd'}
CHIEF = {**NOBODY, **READERS, 'accountant': 'r---',
    'chief_accountant': 'rwc-'}
REPORT = {**NOBODY, **READERS, 'accountant': 'r---',
    'chief_accountant': 'r---'}
TABLES = {
    'edu.cash.order': BOOKS,
    'edu.payment.order': BOOKS,
    'edu.cash.configuration': CHIEF,
    'edu.cash.book': REPORT,
    'edu.money.source': REPORT,
    }
EXPECTED = {}
for _model, _table in TABLES.items():
    EXPECTED.update(expand(_model, _table))


def source(name):
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    return ModelData.get_id('edu_account', 'funding_%s' % name)


def specific(code):
    Specific = Pool().get('edu.ebk.specific')
    record, = Specific.search([('code', '=', code)])
    return record.id


def cash_order_values(ns, kind='receipt', amount='1000.00'):
    return {
        'company': ns.company, 'kind': kind, 'date': DAY,
        'party': ns.person, 'basis': "Үйірме ақысы / Оплата кружка",
        'amount': Decimal(amount),
        'cash_account': ns.gov.account('1010').id,
        'account': ns.gov.account('6110').id,
        'journal': ns.gov.journal('CASH').id,
        'funding_source': source('paid'),
        }


def payment_order_values(ns):
    return {
        'company': ns.company, 'date': DAY,
        'money_account': ns.gov.account('1040').id,
        'party': ns.supplier, 'beneficiary_iban': IBAN, 'knp': '859',
        'account': ns.gov.account('3210').id,
        'ebk_specific': specific('159'),
        'funding_source': source('local'), 'amount': Decimal('5000.00'),
        'purpose': "Күзет қызметі / Услуги охраны",
        'journal': ns.gov.journal('TRE').id,
        }


def build_cash(schools):
    """Give schools A and B their books, a posted receipt, a draft cash
    order and a draft payment order each"""
    import types
    from trytond.modules.edu_account.tests import tools
    pool = Pool()
    Company = pool.get('company.company')
    Party = pool.get('party.party')
    Order = pool.get('edu.cash.order')
    Payment = pool.get('edu.payment.order')
    Config = pool.get('edu.cash.configuration')
    result = {}
    for key, school in [('a', schools.school_a), ('b', schools.school_b)]:
        with Transaction().set_context(company=school):
            ns = types.SimpleNamespace(company=school)
            ns.gov = tools.setup_gov_accounting(
                company=Company(school), year=YEAR)
            ns.supplier, = Party.create([{
                        'name': f"«Қорған {key.upper()}» ЖШС",
                        'bin': schools.new_bin(2008, 6)}])
            ns.supplier = ns.supplier.id
            ns.person = (schools.persons['teacher'] if key == 'a'
                else schools.persons_b['teacher'])
            posted, = Order.create([cash_order_values(ns)])
            Order.post([posted])
            ns.cash_order, = Order.create([cash_order_values(ns)])
            ns.payment_order, = Payment.create([payment_order_values(ns)])
            ns.config = Config.get_for(Company(school))
        result[key] = ns
    return result['a'], result['b']


def report_row(model, company):
    Model = Pool().get(model)
    with Transaction().set_context(company=company,
            from_date=dt.date(YEAR, 1, 1), to_date=dt.date(YEAR, 12, 31)):
        row, = Model.search([])
    return row.id


def cash_probes(a, b):
    pool = Pool()
    Order = pool.get('edu.cash.order')
    Payment = pool.get('edu.payment.order')

    def new(model, values):
        Model = pool.get(model)
        with Transaction().set_context(company=a.company):
            return Model.create([values()])[0].id

    return {
        'edu.cash.order': Probe('edu.cash.order',
            own=a.cash_order.id, other=b.cash_order.id, write_field='basis',
            create_values=lambda: cash_order_values(a),
            make_record=lambda: new('edu.cash.order',
                lambda: cash_order_values(a))),
        'edu.payment.order': Probe('edu.payment.order',
            own=a.payment_order.id, other=b.payment_order.id,
            write_field='purpose',
            create_values=lambda: payment_order_values(a),
            make_record=lambda: new('edu.payment.order',
                lambda: payment_order_values(a))),
        'edu.cash.configuration': Probe('edu.cash.configuration',
            own=a.config.id, other=b.config.id, write_field='cash_limit'),
        'edu.cash.book': Probe('edu.cash.book',
            own=report_row('edu.cash.book', a.company)),
        'edu.money.source': Probe('edu.money.source',
            own=report_row('edu.money.source', a.company)),
        }, (Order, Payment)


class AccessMatrixAccountCashTestCase(unittest.TestCase):
    "Access matrix of the cash desk and the treasury"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_account_cash'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_access_matrix(self):
        "Who may do what on the cash models, school A never reaching B"
        schools = build_two_schools()
        a, b = build_cash(schools)
        probes, _ = cash_probes(a, b)
        matrix = AccessMatrix(schools.users, probes)
        with rolled_back():
            matrix.check(EXPECTED,
                isolated_models=['edu.cash.order', 'edu.payment.order',
                    'edu.cash.configuration'],
                foreign_domains={
                    'edu.cash.order': [('company', '=', b.company)],
                    'edu.payment.order': [('company', '=', b.company)],
                    'edu.cash.book': [('company', '=', b.company)],
                    'edu.money.source': [('company', '=', b.company)],
                    })

    @with_transaction()
    def test_accountant_posts_director_cannot(self):
        """The accountant posts a cash order; the director, who reads it,
        cannot post one (negative)"""
        pool = Pool()
        Order = pool.get('edu.cash.order')
        schools = build_two_schools()
        a, b = build_cash(schools)
        matrix = AccessMatrix(schools.users, {})
        with matrix.as_user(schools.users['accountant']):
            order = Order(a.cash_order.id)
            Order.post([order])
            self.assertEqual(Order(a.cash_order.id).state, 'posted')
        order, = Order.create([cash_order_values(a)])
        from trytond.exceptions import UserError
        with matrix.as_user(schools.users['director']):
            self.assertEqual(
                Order(order.id).state, 'draft')
            with self.assertRaises(UserError), rolled_back():
                Order.post([Order(order.id)])
        from trytond.model.exceptions import AccessError
        with matrix.as_user(schools.users['teacher']):
            with self.assertRaises(AccessError):
                Order.search([])


@contextlib.contextmanager
def rolled_back():
    "Roll back what the attempts did"
    cursor = Transaction().connection.cursor()
    cursor.execute('SAVEPOINT access_matrix_cash')
    try:
        yield
    finally:
        cursor.execute('ROLLBACK TO SAVEPOINT access_matrix_cash')
        Transaction().cache.clear()
