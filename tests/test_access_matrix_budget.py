# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_budget (R19.17, R12): the financing plan, its
amendments, the registered obligations and the budget request are written
by the accountant and the chief accountant of the school, read by the
director, the deputy director and the auditor, and by nobody else; the
execution table is read-only for the same roles; approving a plan or an
amendment is the chief accountant's button; no role of school A reaches a
record of school B.

Every cell is a real attempt (record rules included) on a sample record of
school A.
"""
import contextlib
import datetime as dt
import itertools
import types
import unittest
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from tests.access_matrix import (
    ROLES, AccessMatrix, Probe, build_two_schools, expand)

YEAR = 2026
NOBODY = {role: '----' for role in ROLES}
READERS = {'director': 'r---', 'deputy_director': 'r---', 'auditor': 'r---'}
BOOKS = {**NOBODY, **READERS, 'accountant': 'rcwd',
    'chief_accountant': 'rcwd'}
REPORT = {**NOBODY, **READERS, 'accountant': 'r---',
    'chief_accountant': 'r---'}
TABLES = {
    'edu.financing.plan': BOOKS,
    'edu.financing.plan.line': BOOKS,
    'edu.financing.plan.amendment': BOOKS,
    'edu.financing.plan.amendment.line': BOOKS,
    'edu.budget.obligation': BOOKS,
    'edu.budget.request': BOOKS,
    'edu.budget.request.line': BOOKS,
    'edu.financing.plan.execution': REPORT,
    }
EXPECTED = {}
for _model, _table in TABLES.items():
    EXPECTED.update(expand(_model, _table))
ISOLATED = [m for m in TABLES if m != 'edu.financing.plan.execution']
_serial = itertools.count(100)


def xml_id(module, name):
    return Pool().get('ir.model.data').get_id(module, name)


def new_program():
    "A fresh programme (plans are unique per programme)"
    Program = Pool().get('edu.ebk.program')
    program, = Program.create([{
                'functional_group': '04', 'administrator': '261',
                'program': '%03d' % next(_serial), 'name': "Бағдарлама"}])
    return program.id


def plan_values(ns, program=None):
    return {
        'company': ns.company, 'fiscalyear': ns.fiscalyear,
        'ebk_program': program or new_program(),
        'funding_source': xml_id('edu_account', 'funding_local'),
        'number': 'P%s' % next(_serial),
        }


def line_values(plan, kind='obligations'):
    values = {'plan': plan, 'kind': kind,
        'ebk_specific': xml_id('edu_account', 'ebk_159')}
    values.update({'month_%02d' % m: Decimal('1000.00')
            for m in range(1, 13)})
    return values


def build_budget(schools):
    """Give schools A and B their accounting, a draft plan, an approved plan
    with an amendment, a draft obligation and a draft budget request"""
    from trytond.modules.edu_account.tests import tools
    pool = Pool()
    Company = pool.get('company.company')
    Plan = pool.get('edu.financing.plan')
    Line = pool.get('edu.financing.plan.line')
    Amendment = pool.get('edu.financing.plan.amendment')
    Obligation = pool.get('edu.budget.obligation')
    Request = pool.get('edu.budget.request')
    result = {}
    for key, school in [('a', schools.school_a), ('b', schools.school_b)]:
        with Transaction().set_context(company=school):
            ns = types.SimpleNamespace(company=school)
            gov = tools.setup_gov_accounting(
                company=Company(school), year=YEAR)
            ns.fiscalyear = gov.fiscalyear.id
            ns.draft_plan, = Plan.create([plan_values(ns)])
            ns.draft_line, = Line.create([line_values(ns.draft_plan.id)])
            ns.program = new_program()
            ns.plan, = Plan.create([plan_values(ns, ns.program)])
            Line.create([line_values(ns.plan.id),
                    line_values(ns.plan.id, 'payments')])
            Plan.approve([ns.plan])
            ns.amendment, = Amendment.create([amendment_values(ns)])
            ns.obligation, = Obligation.create([obligation_values(ns)])
            ns.request, = Request.create([request_values(ns)])
            Request.compute([ns.request])
            ns.request = Request(ns.request.id)
        result[key] = ns
    return result['a'], result['b']


def amendment_values(ns):
    return {'plan': ns.plan.id, 'number': 'A%s' % next(_serial),
        'date': dt.date(YEAR, 3, 1), 'reason': "Өзгеріс",
        'lines': [('create', [{
                        'ebk_specific': xml_id('edu_account', 'ebk_159'),
                        'kind': 'obligations', 'month': '03',
                        'delta': Decimal('100.00')}])]}


def obligation_values(ns):
    return {'company': ns.company, 'date': dt.date(YEAR, 3, 5),
        'ebk_program': ns.program,
        'funding_source': xml_id('edu_account', 'funding_local'),
        'ebk_specific': xml_id('edu_account', 'ebk_159'),
        'amount': Decimal('500.00'), 'description': "Келісімшарт"}


def request_values(ns):
    return {'company': ns.company, 'fiscalyear': ns.fiscalyear,
        'year': YEAR + 1, 'ebk_program': ns.program,
        'funding_source': xml_id('edu_account', 'funding_local'),
        'number': 'R%s' % next(_serial)}


def execution_row(company, plan):
    Execution = Pool().get('edu.financing.plan.execution')
    rows = Execution.search([('plan', '=', plan), ('month', '=', 1)])
    return rows[0].id


def budget_probes(a, b):
    pool = Pool()

    def new(model, values):
        Model = pool.get(model)
        with Transaction().set_context(company=a.company):
            return Model.create([values()])[0].id

    def fresh_plan():
        return new('edu.financing.plan', lambda: plan_values(a))

    def fresh_request():
        return new('edu.budget.request', lambda: request_values(a))

    request_line_a = a.request.lines[0].id
    request_line_b = b.request.lines[0].id
    return {
        'edu.financing.plan': Probe('edu.financing.plan',
            own=a.draft_plan.id, other=b.draft_plan.id,
            write_field='number',
            create_values=lambda: plan_values(a),
            make_record=fresh_plan),
        'edu.financing.plan.line': Probe('edu.financing.plan.line',
            own=a.draft_line.id, other=b.draft_line.id,
            write_field='month_01',
            create_values=lambda: line_values(fresh_plan()),
            make_record=lambda: new('edu.financing.plan.line',
                lambda: line_values(fresh_plan()))),
        'edu.financing.plan.amendment': Probe(
            'edu.financing.plan.amendment',
            own=a.amendment.id, other=b.amendment.id,
            write_field='reason',
            create_values=lambda: amendment_values(a),
            make_record=lambda: new('edu.financing.plan.amendment',
                lambda: amendment_values(a))),
        'edu.financing.plan.amendment.line': Probe(
            'edu.financing.plan.amendment.line',
            own=a.amendment.lines[0].id, other=b.amendment.lines[0].id,
            write_field='delta',
            create_values=lambda: {
                'amendment': a.amendment.id, 'kind': 'payments',
                'ebk_specific': xml_id('edu_account', 'ebk_159'),
                'month': '04', 'delta': Decimal('1.00')},
            make_record=lambda: new('edu.financing.plan.amendment',
                lambda: amendment_values(a)) and pool.get(
                'edu.financing.plan.amendment.line').search(
                [], order=[('id', 'DESC')], limit=1)[0].id),
        'edu.budget.obligation': Probe('edu.budget.obligation',
            own=a.obligation.id, other=b.obligation.id,
            write_field='description',
            create_values=lambda: obligation_values(a),
            make_record=lambda: new('edu.budget.obligation',
                lambda: obligation_values(a))),
        'edu.budget.request': Probe('edu.budget.request',
            own=a.request.id, other=b.request.id, write_field='number',
            create_values=lambda: request_values(a),
            make_record=fresh_request),
        'edu.budget.request.line': Probe('edu.budget.request.line',
            own=request_line_a, other=request_line_b,
            write_field='justification',
            create_values=lambda: {'request': fresh_request(),
                'ebk_specific': xml_id('edu_account', 'ebk_159'),
                'requested': Decimal('1.00')},
            make_record=lambda: new('edu.budget.request.line',
                lambda: {'request': fresh_request(),
                    'ebk_specific': xml_id('edu_account', 'ebk_159')})),
        'edu.financing.plan.execution': Probe(
            'edu.financing.plan.execution',
            own=execution_row(a.company, a.plan.id),
            other=execution_row(b.company, b.plan.id)),
        }


class AccessMatrixBudgetTestCase(unittest.TestCase):
    "Access matrix of the budgeting"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_budget'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_access_matrix(self):
        "Who may do what on the budget models, school A never reaching B"
        schools = build_two_schools()
        a, b = build_budget(schools)
        matrix = AccessMatrix(schools.users, budget_probes(a, b))
        with rolled_back():
            # the execution table is computed, never written: its isolation
            # is that no role finds a row of school B
            matrix.check(EXPECTED, isolated_models=ISOLATED,
                foreign_domains={
                    **{m: [('company', '=', b.company)] for m in [
                            'edu.financing.plan', 'edu.budget.obligation',
                            'edu.budget.request',
                            'edu.financing.plan.execution']},
                    'edu.financing.plan.line': [
                        ('plan.company', '=', b.company)],
                    })

    @with_transaction()
    def test_approval_is_chief_accountants(self):
        """The accountant registers obligations but cannot approve a plan;
        the chief accountant approves; the director reads, cannot register
        (negatives); a teacher sees nothing"""
        pool = Pool()
        Plan = pool.get('edu.financing.plan')
        Obligation = pool.get('edu.budget.obligation')
        schools = build_two_schools()
        a, b = build_budget(schools)
        matrix = AccessMatrix(schools.users, {})
        with matrix.as_user(schools.users['accountant']):
            with self.assertRaises(AccessButtonError), rolled_back():
                Plan.approve([Plan(a.draft_plan.id)])
            Obligation.register([Obligation(a.obligation.id)])
        self.assertEqual(Obligation(a.obligation.id).state, 'registered')
        with matrix.as_user(schools.users['chief_accountant']):
            Plan.approve([Plan(a.draft_plan.id)])
        self.assertEqual(Plan(a.draft_plan.id).state, 'approved')
        other, = Obligation.create([obligation_values(a)])
        with matrix.as_user(schools.users['director']):
            self.assertEqual(Obligation(other.id).state, 'draft')
            with self.assertRaises(UserError), rolled_back():
                Obligation.register([Obligation(other.id)])
        with matrix.as_user(schools.users['teacher']):
            with self.assertRaises(AccessError):
                Plan.search([])
            with self.assertRaises(AccessError):
                Obligation.search([])


@contextlib.contextmanager
def rolled_back():
    "Roll back what the attempts did"
    cursor = Transaction().connection.cursor()
    cursor.execute('SAVEPOINT access_matrix_budget')
    try:
        yield
    finally:
        cursor.execute('ROLLBACK TO SAVEPOINT access_matrix_budget')
        Transaction().cache.clear()
