# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_account_settlement (R19.4, R19.5, R19.6, R19.8,
R19.9, R12): contracts, advance reports, business trips, memorial orders
and reconciliation acts are written by the accountant and the chief
accountant of the school, read by the director, the deputy director and
the internal auditor, unseen by everybody else; the МРП and the trip norms
(reference data) are changed by the chief accountant only; no role of
school A reaches a document of school B.
"""
import unittest
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from tests.access_matrix import AccessMatrix, Probe, build_two_schools, expand
from tests.test_access_matrix_account import (
    BOOKS, CHIEF, DAY, MODULES, REPORT, build_books, savepoint)

DOCUMENTS = ('edu.contract', 'edu.advance.report', 'edu.trip',
    'edu.other.operation', 'edu.reconciliation.act')
REFERENCE = ('edu.mrp', 'edu.trip.norm')

EXPECTED = {}
for _model in DOCUMENTS:
    EXPECTED.update(expand(_model, BOOKS))
for _model in REFERENCE:
    EXPECTED.update(expand(_model, CHIEF))


def _specific(code):
    Specific = Pool().get('edu.ebk.specific')
    return Specific.search([('code', '=', code)], limit=1)[0].id


def _local():
    return Pool().get('ir.model.data').get_id('edu_account', 'funding_local')


class Documents:
    "The settlement documents of one school (ns from build_books)"

    def __init__(self, ns, employee):
        pool = Pool()
        Program = pool.get('edu.ebk.program')
        self.ns = ns
        self.employee = employee
        self.program, = Program.create([{
                    'functional_group': '04', 'administrator': '261',
                    'program': '015', 'subprogram': '011',
                    'name': "Білім беру / Образование"}])

    def create(self, model, values):
        Model = Pool().get(model)
        with Transaction().set_context(company=self.ns.company):
            record, = Model.create([values])
        return record.id

    def contract(self):
        ns = self.ns
        return {
            'company': ns.company, 'number': 'Д-1', 'date': DAY,
            'party': ns.supplier.id, 'subject': "Электр энергиясы",
            'ebk_program': self.program.id,
            'ebk_specific': _specific('151'), 'funding_source': _local(),
            'amount': Decimal('1000.00'),
            'start_date': DAY, 'end_date': DAY,
            'lines': [('create', [{'month': DAY,
                            'amount': Decimal('1000.00')}])],
            }

    def advance_report(self):
        ns = self.ns
        return {
            'company': ns.company, 'date': DAY,
            'employee': self.employee, 'purpose': "Шаруашылық қажеттері",
            'funding_source': _local(),
            'journal': ns.gov.journal('ADV').id,
            'lines': [('create', [{
                            'date': DAY, 'document_kind': 'receipt',
                            'description': "Кеңсе тауарлары",
                            'ebk_specific': _specific('149'),
                            'account': ns.gov.account('7110').id,
                            'amount': Decimal('500.00')}])],
            }

    def trip(self):
        ns = self.ns
        return {
            'company': ns.company, 'date': DAY, 'employee': self.employee,
            'destination': "Қарағанды", 'destination_class': 'regional_centre',
            'purpose': "Семинар", 'departure_date': DAY,
            'return_date': DAY, 'funding_source': _local(),
            'ebk_specific': _specific('161'),
            'expense_account': ns.gov.account('7150').id,
            }

    def operation(self):
        ns = self.ns
        return {
            'company': ns.company, 'date': DAY,
            'description': "Мемориалдық ордер",
            'journal': ns.gov.journal('GEN').id,
            'lines': [('create', [
                        {'account': ns.gov.account('7410').id,
                            'debit': Decimal('10.00'),
                            'credit': Decimal(0),
                            'ebk_specific': _specific('169'),
                            'funding_source': _local()},
                        {'account': ns.gov.account('6210').id,
                            'debit': Decimal(0),
                            'credit': Decimal('10.00')}])],
            }

    def reconciliation(self):
        ns = self.ns
        return {'company': ns.company, 'party': ns.supplier.id,
            'from_date': DAY, 'to_date': DAY}

    def values(self, model):
        return {
            'edu.contract': self.contract,
            'edu.advance.report': self.advance_report,
            'edu.trip': self.trip,
            'edu.other.operation': self.operation,
            'edu.reconciliation.act': self.reconciliation,
            }[model]()


WRITE_FIELD = {
    'edu.contract': 'subject',
    'edu.advance.report': 'purpose',
    'edu.trip': 'destination',
    'edu.other.operation': 'description',
    'edu.reconciliation.act': 'to_date',
    'edu.mrp': 'value',
    'edu.trip.norm': 'amount',
    }


def settlement_probes(a_docs, b_docs):
    pool = Pool()
    Mrp = pool.get('edu.mrp')
    Norm = pool.get('edu.trip.norm')
    ModelData = pool.get('ir.model.data')
    probes = {}
    for model in DOCUMENTS:
        own = a_docs.create(model, a_docs.values(model))
        other = b_docs.create(model, b_docs.values(model))
        probes[model] = Probe(model, own=own, other=other,
            write_field=WRITE_FIELD[model],
            create_values=lambda m=model: a_docs.values(m),
            make_record=lambda m=model: a_docs.create(m, a_docs.values(m)))
    years = iter(range(2030, 2090))

    def mrp_values():
        return {'valid_from': DAY.replace(year=next(years)),
            'value': Decimal('5000.00')}

    def norm_values():
        return {'valid_from': DAY.replace(year=next(years)),
            'kind': 'per_diem', 'destination_class': 'abroad',
            'unit': 'kzt', 'amount': Decimal('30000.00')}

    probes['edu.mrp'] = Probe('edu.mrp',
        own=ModelData.get_id('edu_account_settlement', 'mrp_2025'),
        write_field='value', create_values=mrp_values,
        make_record=lambda: Mrp.create([mrp_values()])[0].id)
    probes['edu.trip.norm'] = Probe('edu.trip.norm',
        own=ModelData.get_id('edu_account_settlement',
            'trip_norm_2025_per_diem_other'),
        write_field='amount', create_values=norm_values,
        make_record=lambda: Norm.create([norm_values()])[0].id)
    return probes


class AccessMatrixSettlementTestCase(unittest.TestCase):
    "Access matrix of the settlements"

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
        a_docs = Documents(a, schools.employees['teacher'])
        b_docs = Documents(b, schools.employees_b['teacher'])
        probes = settlement_probes(a_docs, b_docs)
        return schools, a_docs, b_docs, AccessMatrix(schools.users, probes)

    @with_transaction()
    def test_access_matrix(self):
        """Each role's rights on the settlement documents of its school and
        on the trip reference data; no role of school A reaches school B
        (R19.4-R19.9, R12)"""
        schools, a_docs, b_docs, matrix = self.setup()
        matrix.check(EXPECTED, isolated_models=list(DOCUMENTS))

    @with_transaction()
    def test_balances_report(self):
        """The settlement balances are read by the accounting office and
        the readers of the books, never written; a school's balances show
        its own counterparties only"""
        pool = Pool()
        Balance = pool.get('edu.settlement.balance')
        ModelAccess = pool.get('ir.model.access')
        schools, a_docs, b_docs, matrix = self.setup()
        for role, letters in REPORT.items():
            with matrix.as_user(schools.users[role]):
                self.assertEqual(bool(ModelAccess.check(
                            'edu.settlement.balance', 'read',
                            raise_exception=False)), 'r' in letters, role)
                self.assertFalse(ModelAccess.check('edu.settlement.balance',
                        'write', raise_exception=False), role)
        with matrix.as_user(schools.users['accountant']):
            balances = Balance.search([])
            self.assertTrue(all(b.company.id == a_docs.ns.company
                    for b in balances))
            self.assertNotIn(b_docs.ns.supplier.id,
                [b.party.id for b in balances])

    @with_transaction()
    def test_negatives(self):
        """The director cannot post an advance report nor register a
        contract; a teacher sees no trip; the accountant cannot change
        the МРП nor post a memorial order of school B"""
        pool = Pool()
        Report = pool.get('edu.advance.report')
        Contract = pool.get('edu.contract')
        Trip = pool.get('edu.trip')
        Mrp = pool.get('edu.mrp')
        Operation = pool.get('edu.other.operation')
        schools, a_docs, b_docs, matrix = self.setup()
        probes = matrix.probes
        with matrix.as_user(schools.users['director']):
            with self.assertRaises(UserError), savepoint():
                Report.post([Report(probes['edu.advance.report'].own)])
            with self.assertRaises(UserError), savepoint():
                Contract.register([Contract(probes['edu.contract'].own)])
        self.assertEqual(Report(probes['edu.advance.report'].own).state,
            'draft')
        with matrix.as_user(schools.users['teacher']):
            with self.assertRaises(UserError):
                Trip.search([])
        with matrix.as_user(schools.users['accountant']):
            with self.assertRaises(UserError), savepoint():
                Mrp.write([Mrp(probes['edu.mrp'].own)],
                    {'value': Decimal('1.00')})
            with self.assertRaises(UserError), savepoint():
                Operation.post([Operation(
                            probes['edu.other.operation'].other)])
            Operation.post([Operation(probes['edu.other.operation'].own)])
        self.assertEqual(
            Operation(probes['edu.other.operation'].own).state, 'posted')
        self.assertEqual(
            Operation(probes['edu.other.operation'].other).state, 'draft')
