# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of edu_budget (R19.17): financing plan, amendments, registered
obligations against the cumulative obligations plan, payments executed
from the ledger, the execution table, the payment warning at posting and
the budget request."""
import datetime as dt
import io
import os
import types
import zipfile
from unittest.mock import patch
from decimal import Decimal

from trytond.exceptions import UserError, UserWarning
from trytond.i18n import gettext
from trytond.model.exceptions import SQLConstraintError
from trytond.modules.edu_budget.exceptions import (
    AmendmentError, ObligationExceedsPlanError, PaymentOverPlanWarning)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

D = Decimal
LOCALE = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'locale')
YEAR = 2026


def months(**amounts):
    "Return month_XX values from {'m01': amount, ...}"
    values = {'month_%02d' % m: D(0) for m in range(1, 13)}
    for key, amount in amounts.items():
        values['month_' + key[1:]] = D(amount)
    return values


def setup_budget():
    """Return a namespace: the accounting of a state school (edu_account
    test tools), a budget programme, the republican funding source and the
    specifics 144 (food) and 159 (other services)"""
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Program = pool.get('edu.ebk.program')
    Specific = pool.get('edu.ebk.specific')
    Source = pool.get('edu.funding.source')
    from trytond.modules.edu_account.tests.tools import setup_gov_accounting
    acc = setup_gov_accounting(year=YEAR)
    program = make_program(Program, acc.company)
    ns = types.SimpleNamespace(acc=acc, company=acc.company,
        fiscalyear=acc.fiscalyear, program=program)
    ns.republican = Source(ModelData.get_id(
            'edu_account', 'funding_republican'))
    ns.local = Source(ModelData.get_id('edu_account', 'funding_local'))
    ns.s144 = Specific(ModelData.get_id('edu_account', 'ebk_144'))
    ns.s159 = Specific(ModelData.get_id('edu_account', 'ebk_159'))
    ns.s111 = Specific(ModelData.get_id('edu_account', 'ebk_111'))
    return ns


def make_program(Program, company=None):
    "Create the programme 04 261 015 011 (general secondary education)"
    program, = Program.create([{
                'functional_group': '04',
                'administrator': '261',
                'program': '015',
                'subprogram': '011',
                'name': "Жалпы орта білім беру",
                }])
    return program


def make_plan(ns, lines, source=None, approve=True, number='1'):
    """lines: [(specific, kind, {'m01': amount, ...})]"""
    Plan = Pool().get('edu.financing.plan')
    plan, = Plan.create([{
                'number': number,
                'company': ns.company.id,
                'fiscalyear': ns.fiscalyear.id,
                'ebk_program': ns.program.id,
                'funding_source': (source or ns.republican).id,
                'lines': [('create', [{
                                'ebk_specific': specific.id,
                                'kind': kind,
                                **months(**amounts),
                                } for specific, kind, amounts in lines])],
                }])
    if approve:
        Plan.approve([plan])
    return plan


def obligation(ns, date, specific, amount, source=None, register=True):
    Obligation = Pool().get('edu.budget.obligation')
    record, = Obligation.create([{
                'company': ns.company.id,
                'date': date,
                'ebk_program': ns.program.id,
                'funding_source': (source or ns.republican).id,
                'ebk_specific': specific.id,
                'amount': D(amount),
                }])
    if register:
        Obligation.register([record])
    return record


def pay(ns, date, specific, amount, account='1040', source=None,
        post=True):
    """Post a payment to a supplier: Dt 3210 / Ct money account, with the
    ЕБК specific and the funding source on both lines"""
    pool = Pool()
    Move = pool.get('account.move')
    Party = pool.get('party.party')
    party, = Party.search([('name', '=', 'ТОО Поставщик')], limit=1) or \
        Party.create([{'name': 'ТОО Поставщик'}])
    source = source or ns.republican
    journal = ns.acc.journal('TRE')
    period = pool.get('account.period').find(ns.company.id, date=date)
    common = {
        'ebk_specific': specific.id,
        'funding_source': source.id,
        'ebk_program': ns.program.id,
        }
    move, = Move.create([{
                'company': ns.company.id,
                'journal': journal.id,
                'period': period,
                'date': date,
                'lines': [('create', [{
                                'account': ns.acc.account('3210').id,
                                'party': party.id,
                                'debit': D(amount), 'credit': D(0),
                                **common,
                                }, {
                                'account': ns.acc.account(account).id,
                                'debit': D(0), 'credit': D(amount),
                                **common,
                                }])],
                }])
    if post:
        Move.post([move])
    return move


def load_translations():
    "Load the kk and ru translations of edu_budget"
    Translation = Pool().get('ir.translation')
    for lang in ['kk', 'ru']:
        with Transaction().set_user(0):
            Translation.translation_import(lang, 'edu_budget',
                [os.path.join(LOCALE, '%s.po' % lang)])


class EduBudgetTestCase(ModuleTestCase):
    "Test edu_budget module"
    module = 'edu_budget'

    @with_transaction()
    def test_plan_unique_and_lines(self):
        "One plan per company, year, programme and source; one line per "
        "specific and kind (R19.17)"
        ns = setup_budget()
        make_plan(ns, [(ns.s144, 'payments', {'m01': 100})])
        with self.assertRaises(SQLConstraintError):
            make_plan(ns, [(ns.s144, 'payments', {'m01': 100})],
                number='2')

    @with_transaction()
    def test_plan_line_unique(self):
        ns = setup_budget()
        with self.assertRaises(SQLConstraintError):
            make_plan(ns, [(ns.s144, 'payments', {'m01': 100}),
                    (ns.s144, 'payments', {'m02': 100})], approve=False)

    @with_transaction()
    def test_plan_approved_readonly(self):
        "An approved plan changes only through an amendment (R19.17)"
        pool = Pool()
        Line = pool.get('edu.financing.plan.line')
        Plan = pool.get('edu.financing.plan')
        ns = setup_budget()
        plan = make_plan(ns, [(ns.s144, 'obligations', {'m01': 1000})])
        line, = plan.lines
        self.assertEqual(line.approved_01, D('1000.00'))
        self.assertEqual(line.total, D('1000.00'))
        with self.assertRaises(UserError):
            Line.write([line], {'month_01': D(5000)})
        with self.assertRaises(UserError):
            Line.delete([line])
        with self.assertRaises(UserError):
            Plan.delete([plan])
        # nothing registered: back to draft is allowed
        Plan.draft([plan])
        Line.write([line], {'month_01': D(2000)})
        self.assertEqual(line.month_01, D(2000))

    @with_transaction()
    def test_plan_negative_refused(self):
        ns = setup_budget()
        with self.assertRaises(UserError):
            make_plan(ns, [(ns.s144, 'payments', {'m01': -1})],
                approve=False)

    @with_transaction()
    def test_plan_without_lines(self):
        Plan = Pool().get('edu.financing.plan')
        ns = setup_budget()
        plan, = Plan.create([{'company': ns.company.id,
                    'fiscalyear': ns.fiscalyear.id,
                    'ebk_program': ns.program.id,
                    'funding_source': ns.republican.id}])
        with self.assertRaises(UserError):
            Plan.approve([plan])

    @with_transaction()
    def test_obligation_cumulative_rule(self):
        """Registered obligations up to a month never exceed the obligations
        plan up to that month; unused plan carries to the next months;
        over the plan is refused naming specific, month, figures (R19.17)"""
        pool = Pool()
        Obligation = pool.get('edu.budget.obligation')
        ns = setup_budget()
        plan = make_plan(ns, [
                (ns.s144, 'obligations', {'m01': 100000, 'm02': 50000}),
                (ns.s144, 'payments', {'m01': 100000, 'm02': 50000}),
                ])
        first = obligation(ns, dt.date(YEAR, 1, 15), ns.s144, 80000)
        self.assertEqual(first.state, 'registered')
        self.assertEqual(first.plan, plan)
        with self.assertRaises(ObligationExceedsPlanError) as cm:
            obligation(ns, dt.date(YEAR, 1, 20), ns.s144, 30000)
        message = cm.exception.message
        for text in ['144', '100000', '80000', '30000', '10000']:
            self.assertIn(text, message.replace(' ', '').replace(
                    '.00', ''))
        # February: cumulative plan 150 000, 80 000 used
        obligation(ns, dt.date(YEAR, 2, 3), ns.s144, 60000)
        self.assertEqual(Obligation.available(
                plan, ns.s144, dt.date(YEAR, 2, 1)), D('10000.00'))
        with self.assertRaises(ObligationExceedsPlanError):
            obligation(ns, dt.date(YEAR, 2, 10), ns.s144, 20000)
        # the refused ones stay drafts
        self.assertEqual(len(Obligation.search(
                    [('state', '=', 'draft')])), 2)
        # cancelling frees the plan
        Obligation.cancel([first])
        obligation(ns, dt.date(YEAR, 2, 10), ns.s144, 20000)
        with self.assertRaises(UserError):
            Obligation.delete(Obligation.search(
                    [('state', '=', 'registered')], limit=1))

    @with_transaction()
    def test_obligation_later_months_checked(self):
        """An early obligation is refused when it would break a later
        month's cumulative figure already used (R19.17)"""
        ns = setup_budget()
        make_plan(ns, [(ns.s159, 'obligations', {'m01': 100})])
        obligation(ns, dt.date(YEAR, 2, 1), ns.s159, 100)
        with self.assertRaises(ObligationExceedsPlanError):
            obligation(ns, dt.date(YEAR, 1, 10), ns.s159, 50)

    @with_transaction()
    def test_register_locks_plan(self):
        """register() locks the plan rows before reading the sums: on
        PostgreSQL Tryton's lock protocol restarts the transaction with
        SELECT ... FOR UPDATE NOWAIT taken first, so its snapshot sees every
        obligation committed by a concurrent registration"""
        pool = Pool()
        Plan = pool.get('edu.financing.plan')
        Obligation = pool.get('edu.budget.obligation')
        ns = setup_budget()
        plan = make_plan(ns, [(ns.s144, 'obligations', {'m01': 100})])
        record = obligation(ns, dt.date(YEAR, 1, 5), ns.s144, 10,
            register=False)
        calls = []
        original = Plan.lock

        def lock(cls, records=None):
            calls.append([r.id for r in records])
            # nothing registered yet when the lock is asked for
            self.assertFalse(plan.registered())
            return original(records)
        with patch.object(Plan, 'lock', classmethod(lock)):
            Obligation.register([record])
        self.assertEqual(calls, [[plan.id]])
        self.assertEqual(record.state, 'registered')

    @with_transaction()
    def test_obligation_batch(self):
        "A batch is checked as a whole and fails whole"
        pool = Pool()
        Obligation = pool.get('edu.budget.obligation')
        ns = setup_budget()
        make_plan(ns, [(ns.s144, 'obligations', {'m03': 1000})])
        a = obligation(ns, dt.date(YEAR, 3, 1), ns.s144, 600, register=False)
        b = obligation(ns, dt.date(YEAR, 3, 2), ns.s144, 600, register=False)
        with self.assertRaises(ObligationExceedsPlanError):
            Obligation.register([a, b])
        Obligation.register([a])
        self.assertEqual(a.state, 'registered')

    @with_transaction()
    def test_obligation_without_plan(self):
        "No approved plan, or a specific without plan: refused"
        ns = setup_budget()
        with self.assertRaises(UserError):
            obligation(ns, dt.date(YEAR, 1, 10), ns.s144, 1)
        make_plan(ns, [(ns.s144, 'obligations', {'m01': 100})],
            approve=False)
        with self.assertRaises(UserError):
            obligation(ns, dt.date(YEAR, 1, 10), ns.s144, 1)
        with self.assertRaises(UserError):
            # other funding source
            obligation(ns, dt.date(YEAR, 1, 10), ns.s144, 1,
                source=ns.local)

    @with_transaction()
    def test_amendment(self):
        """An amendment changes the current plan, keeps the approved one, and
        cannot go below the registered obligations (R19.17)"""
        pool = Pool()
        Amendment = pool.get('edu.financing.plan.amendment')
        ns = setup_budget()
        plan = make_plan(ns, [
                (ns.s144, 'obligations', {'m01': 1000, 'm02': 1000}),
                ])
        obligation(ns, dt.date(YEAR, 1, 5), ns.s144, 800)
        amendment, = Amendment.create([{
                    'plan': plan.id, 'number': '1',
                    'date': dt.date(YEAR, 1, 20),
                    'reason': "Перераспределение",
                    'lines': [('create', [
                                {'ebk_specific': ns.s144.id,
                                    'kind': 'obligations', 'month': '01',
                                    'delta': D(-300)},
                                {'ebk_specific': ns.s144.id,
                                    'kind': 'obligations', 'month': '02',
                                    'delta': D(300)},
                                {'ebk_specific': ns.s159.id,
                                    'kind': 'obligations', 'month': '03',
                                    'delta': D(500)},
                                ])],
                    }])
        with self.assertRaises(AmendmentError):
            # January: 700 planned < 800 registered
            Amendment.approve([amendment])
        self.assertEqual(amendment.state, 'draft')
        line = amendment.lines[0]
        pool.get('edu.financing.plan.amendment.line').write(
            [line], {'delta': D(-200)})
        amendment.lines[1].delta = D(200)
        amendment.lines[1].save()
        Amendment.approve([amendment])
        plan = pool.get('edu.financing.plan')(plan.id)
        self.assertEqual(plan.state, 'amended')
        lines = {(l.ebk_specific.code, l.kind): l for l in plan.lines}
        l144 = lines[('144', 'obligations')]
        self.assertEqual((l144.month_01, l144.month_02),
            (D('800.00'), D('1200.00')))
        self.assertEqual((l144.approved_01, l144.approved_02),
            (D('1000.00'), D('1000.00')))
        l159 = lines[('159', 'obligations')]
        self.assertEqual((l159.month_03, l159.approved_total),
            (D('500.00'), D('0.00')))
        # January is used up now
        with self.assertRaises(ObligationExceedsPlanError):
            obligation(ns, dt.date(YEAR, 1, 25), ns.s144, 1)
        with self.assertRaises(UserError):
            Amendment.delete([amendment])

    @with_transaction()
    def test_amendment_negative_month(self):
        Amendment = Pool().get('edu.financing.plan.amendment')
        ns = setup_budget()
        plan = make_plan(ns, [(ns.s144, 'payments', {'m01': 100})])
        amendment, = Amendment.create([{
                    'plan': plan.id, 'number': '1',
                    'date': dt.date(YEAR, 1, 20), 'reason': "-",
                    'lines': [('create', [{'ebk_specific': ns.s144.id,
                                    'kind': 'payments', 'month': '01',
                                    'delta': D(-101)}])],
                    }])
        with self.assertRaises(AmendmentError):
            Amendment.approve([amendment])

    @with_transaction()
    def test_execution_from_ledger(self):
        """Payments executed are the posted credit of money accounts with the
        specific and source; the execution table gives plan, registered,
        executed and remainders per specific and month (R19.17)"""
        pool = Pool()
        Plan = pool.get('edu.financing.plan')
        Execution = pool.get('edu.financing.plan.execution')
        ns = setup_budget()
        plan = make_plan(ns, [
                (ns.s144, 'obligations', {'m01': 500000}),
                (ns.s144, 'payments', {'m01': 300000, 'm02': 200000}),
                (ns.s159, 'payments', {'m02': 40000}),
                ])
        obligation(ns, dt.date(YEAR, 1, 10), ns.s144, 450000)
        pay(ns, dt.date(YEAR, 1, 25), ns.s144, 250000)
        pay(ns, dt.date(YEAR, 2, 5), ns.s144, 150000, account='1050')
        # not counted: a draft move, another source
        pay(ns, dt.date(YEAR, 2, 6), ns.s144, 1000, post=False)
        pay(ns, dt.date(YEAR, 2, 7), ns.s144, 7000, source=ns.local)
        executed = Plan.executed([plan])
        self.assertEqual(executed[(plan.id, ns.s144.id, 1)], D(250000))
        self.assertEqual(executed[(plan.id, ns.s144.id, 2)], D(150000))
        self.assertEqual(len([k for k, v in executed.items() if v]), 2)

        with Transaction().set_context(plan=plan.id):
            rows = Execution.search([('plan', '=', plan.id)])
        table = {(r.ebk_specific.code, r.month): r for r in rows}
        jan = table[('144', 1)]
        self.assertEqual(
            (jan.plan_payments, jan.plan_obligations, jan.registered,
                jan.executed, jan.remainder_payments,
                jan.remainder_obligations),
            (D('300000.00'), D('500000.00'), D('450000.00'),
                D('250000.00'), D('50000.00'), D('50000.00')))
        feb = table[('144', 2)]
        self.assertEqual((feb.executed, feb.remainder_payments),
            (D('150000.00'), D('50000.00')))
        self.assertEqual(table[('159', 2)].plan_payments, D('40000.00'))
        # without the context plan: same figures, all plans
        rows = Execution.search([('plan', '=', plan.id),
                ('ebk_specific', '=', ns.s144.id), ('month', '=', 1)])
        self.assertEqual(rows[0].executed, D('250000.00'))
        self.assertEqual(len({r.id for r in Execution.search([])}),
            len(Execution.search([])))

    @with_transaction()
    def test_payment_over_plan_warning(self):
        """Posting a payment beyond the payments plan, or for a specific the
        plan does not have, warns; accepted, the move is posted (R19.17)"""
        pool = Pool()
        Move = pool.get('account.move')
        Warning_ = pool.get('res.user.warning')
        ns = setup_budget()
        make_plan(ns, [(ns.s144, 'payments', {'m01': 1000})])
        pay(ns, dt.date(YEAR, 1, 10), ns.s144, 900)
        move = pay(ns, dt.date(YEAR, 1, 11), ns.s144, 200, post=False)
        with self.assertRaises(PaymentOverPlanWarning) as cm:
            Move.post([move])
        self.assertIn('1100', cm.exception.message.replace(' ', '')
            .replace('\xa0', ''))
        self.assertEqual(move.state, 'draft')
        other = pay(ns, dt.date(YEAR, 1, 12), ns.s159, 10, post=False)
        with self.assertRaises(UserWarning):
            Move.post([other])
        # within the plan: no warning
        pay(ns, dt.date(YEAR, 1, 13), ns.s144, 100)
        # the accountant accepts the warning
        Warning_.create([{'user': Transaction().user, 'name': cm.exception.name,
                    'always': False}])
        Move.post([move])
        self.assertEqual(move.state, 'posted')

    @with_transaction()
    def test_reports(self):
        "Execution and budget request print as PDF and XLSX"
        pool = Pool()
        Request = pool.get('edu.budget.request')
        ExecutionPdf = pool.get('edu.financing.plan.execution.pdf',
            type='report')
        ExecutionXlsx = pool.get('edu.financing.plan.execution.xlsx',
            type='report')
        RequestPdf = pool.get('edu.budget.request.pdf', type='report')
        RequestXlsx = pool.get('edu.budget.request.xlsx', type='report')
        load_translations()
        ns = setup_budget()
        plan = make_plan(ns, [
                (ns.s144, 'obligations', {'m01': 1000}),
                (ns.s144, 'payments', {'m01': 1000}),
                (ns.s111, 'payments', {'m01': 5000, 'm02': 5000}),
                ])
        obligation(ns, dt.date(YEAR, 1, 10), ns.s144, 700)
        pay(ns, dt.date(YEAR, 1, 20), ns.s144, 600)
        for Report in [ExecutionPdf, ExecutionXlsx]:
            for language in ['kk', 'ru']:
                with Transaction().set_context(language=language):
                    ext, content, _, name = Report.execute([plan.id], {
                            'model': 'edu.financing.plan',
                            'id': plan.id, 'ids': [plan.id]})
                self.assertEqual(ext, Report.extension)
                self.assertTrue(content)
        request, = Request.create([{
                    'number': '7', 'company': ns.company.id,
                    'fiscalyear': ns.fiscalyear.id, 'year': YEAR + 1,
                    'ebk_program': ns.program.id,
                    'funding_source': ns.republican.id}])
        Request.compute([request])
        lines = {l.ebk_specific.code: l for l in request.lines}
        self.assertEqual(set(lines), {'111', '144'})
        self.assertEqual((lines['144'].current_plan, lines['144'].executed,
                lines['144'].requested),
            (D('1000.00'), D('600.00'), D('1000.00')))
        self.assertEqual(lines['111'].suggested, D('10000.00'))
        self.assertEqual(request.total_requested, D('11000.00'))
        with Transaction().set_context(language='ru'):
            ext, content, _, _ = RequestXlsx.execute([request.id], {
                    'model': 'edu.budget.request', 'id': request.id,
                    'ids': [request.id]})
        self.assertEqual(ext, 'xlsx')
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            strings = book.read('xl/sharedStrings.xml').decode()
        self.assertIn('Бюджетная заявка', strings)
        self.assertIn('Запрошено', strings)
        with Transaction().set_context(language='kk'):
            ext, content, _, _ = RequestPdf.execute([request.id], {
                    'model': 'edu.budget.request', 'id': request.id,
                    'ids': [request.id]})
        self.assertEqual(ext, 'pdf')
        self.assertTrue(bytes(content).startswith(b'%PDF'))
        with Transaction().set_context(language='kk'):
            self.assertEqual(gettext('edu_budget.msg_print_request_title'),
                'Бюджеттік өтінім')
            self.assertIn('қаңтар', gettext('edu_budget.msg_month_01'))
        Request.confirm([request])
        with self.assertRaises(UserError):
            pool.get('edu.budget.request.line').write(
                [request.lines[0]], {'requested': D(1)})


del ModuleTestCase
