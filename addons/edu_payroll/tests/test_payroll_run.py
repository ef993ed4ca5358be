# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Payroll runs: compute, idempotence, posting and its atomicity, cancel
(R19.12, R18, R27.13)."""
import datetime as dt
import unittest
from decimal import Decimal
from types import SimpleNamespace
from unittest import mock

from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import set_company
from trytond.modules.edu_account.tests.tools import setup_gov_accounting
from trytond.modules.edu_payroll import run as run_module
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

YEAR = 2026
FEB_FROM, FEB_TO = dt.date(YEAR, 2, 1), dt.date(YEAR, 2, 28)


class PayrollRunTestCase(unittest.TestCase):
    "Test the payroll runs of edu_payroll"

    @classmethod
    def setUpClass(cls):
        activate_module('edu_payroll')

    def setup_payroll(self, salaries=(Decimal('300000'),),
            hired=dt.date(YEAR, 1, 1)):
        "Return (env, employees) with employees hired at the salaries"
        pool = Pool()
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        Employment = pool.get('edu.hr.employment')
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            parties = Party.create([{'name': 'Employee %s' % i}
                    for i, _ in enumerate(salaries)])
            employees = Employee.create([{
                        'party': p.id, 'company': env.company.id,
                        'start_date': hired, 'basic_deduction': True,
                        } for p in parties])
            Employment.create([{
                        'employee': e.id, 'company': env.company.id,
                        'kind': 'hire', 'date_from': hired,
                        'rate': Decimal(1), 'salary': s,
                        } for e, s in zip(employees, salaries)])
        return env, employees

    def create_run(self, env, kind='final', date_from=FEB_FROM,
            date_to=FEB_TO):
        Run = Pool().get('edu.payroll.run')
        with set_company(env.company):
            run, = Run.create([{
                        'company': env.company.id, 'kind': kind,
                        'date_from': date_from, 'date_to': date_to,
                        }])
        return run

    def line_amounts(self, payslip):
        return {l.type.code: l.amount for l in payslip.lines}

    @with_transaction()
    def test_item_types(self):
        "Item types carry the ЕБК specific and the accounts (R19.12)"
        ItemType = Pool().get('edu.payroll.item.type')
        types = ItemType.get_by_code()
        self.assertEqual(set(types), set(run_module.ACCRUAL_CODES)
            | set(run_module.EMPLOYER_CODES)
            | {'opv', 'vosms', 'ipn', 'alimony', 'writ', 'advance'})
        expected = {'salary': ('111', '7010', '3220'),
            'bonus': ('112', '7010', '3220'),
            'oneoff': ('113', '7010', '3220'),
            'opvr': ('116', '7020', '3140'),
            'sn': ('121', '7020', '3120'),
            'so': ('122', '7020', '3130'),
            'oosms': ('124', '7020', '3150'),
            }
        for code, (ebk, debit, credit) in expected.items():
            type_ = types[code]
            self.assertEqual((type_.ebk_specific.code, type_.debit_account,
                    type_.credit_account), (ebk, debit, credit), code)
        self.assertEqual((types['ipn'].debit_account,
                types['ipn'].credit_account), ('3220', '3110'))
        self.assertEqual(types['alimony'].credit_account, '3240')

    @with_transaction()
    def test_compute_worked_example(self):
        "Gross 300,000 with the basic deduction gives net 250,575 (R19.12)"
        pool = Pool()
        Run = pool.get('edu.payroll.run')
        env, (employee,) = self.setup_payroll()
        run = self.create_run(env)
        with set_company(env.company):
            Run.compute([run])
        self.assertEqual(run.state, 'computed')
        self.assertEqual(run.progress, Decimal(100))
        payslip, = run.payslips
        self.assertEqual(payslip.employee, employee)
        self.assertEqual(payslip.worked_days, payslip.norm_days)
        self.assertEqual(
            (payslip.gross, payslip.opv, payslip.vosms, payslip.ipn,
                payslip.net, payslip.to_pay),
            (Decimal('300000'), Decimal('30000'), Decimal('6000'),
                Decimal('13425'), Decimal('250575'), Decimal('250575')))
        self.assertEqual(
            (payslip.opvr, payslip.so, payslip.oosms, payslip.sn),
            (Decimal('10500'), Decimal('13500'), Decimal('9000'),
                Decimal('15840')))
        amounts = self.line_amounts(payslip)
        self.assertEqual(amounts['salary'], Decimal('300000'))
        salary_line, = [l for l in payslip.lines if l.type.code == 'salary']
        self.assertEqual(salary_line.ebk_specific.code, '111')
        self.assertEqual(run.gross, Decimal('300000'))

    @with_transaction()
    def test_run_within_month(self):
        "A run covers a month or a part of one"
        env, _ = self.setup_payroll()
        with self.assertRaises(ValidationError):
            self.create_run(env, date_to=dt.date(YEAR, 3, 5))
        # one final run a month (the taxes, caps and basic deduction of a
        # month are computed once); the advance run is beside it
        # (in April: the refused run above stays in this test transaction)
        april = dt.date(YEAR, 4, 1)
        self.create_run(env, date_from=april, date_to=dt.date(YEAR, 4, 14))
        self.create_run(env, kind='advance', date_from=april,
            date_to=dt.date(YEAR, 4, 14))
        with self.assertRaises(ValidationError):
            self.create_run(env, date_from=dt.date(YEAR, 4, 15),
                date_to=dt.date(YEAR, 4, 30))

    @with_transaction()
    def test_compute_teaching(self):
        """A teacher is paid from the tarification lines of the month, each
        for the days worked while it is valid (R19.12, R19.16)"""
        pool = Pool()
        Run = pool.get('edu.payroll.run')
        TLine = pool.get('edu.tarification.line')
        env, (teacher,) = self.setup_payroll([None])
        old = SimpleNamespace(date_from=dt.date(YEAR - 1, 9, 1),
            date_to=dt.date(YEAR, 2, 15), monthly_total=Decimal('200000'),
            supplement_total=Decimal('50000'), weekly_hours=Decimal(16))
        new = SimpleNamespace(date_from=dt.date(YEAR, 2, 16), date_to=None,
            monthly_total=Decimal('240000'),
            supplement_total=Decimal('60000'), weekly_hours=Decimal(18))
        run = self.create_run(env)
        with set_company(env.company), mock.patch.object(TLine,
                    'get_monthly', return_value={
                        teacher.id: [(old, 15), (new, 13)]}) as get_monthly:
            Run.compute([run])
        get_monthly.assert_called_once()
        payslip, = run.payslips
        self.assertEqual((payslip.worked_days, payslip.norm_days), (20, 20))
        lines = sorted((l.type.code, l.ebk_specific.code, l.amount)
            for l in payslip.lines if l.type.kind == 'accrual')
        self.assertEqual(lines, [
                ('supplement', '112', Decimal('25000')),
                ('supplement', '112', Decimal('30000')),
                ('teaching', '111', Decimal('75000')),
                ('teaching', '111', Decimal('90000')),
                ])
        self.assertEqual(payslip.gross, Decimal('220000'))

    @with_transaction()
    def test_compute_idempotent(self):
        "Computing again gives the same payslips and keeps the inputs"
        pool = Pool()
        Run = pool.get('edu.payroll.run')
        Input = pool.get('edu.payroll.run.input')
        ItemType = pool.get('edu.payroll.item.type')
        env, employees = self.setup_payroll(
            [Decimal('300000'), Decimal('180000'), Decimal('95000')])
        run = self.create_run(env)
        bonus, = ItemType.search([('code', '=', 'bonus')])
        with set_company(env.company):
            Input.create([{'run': run.id, 'employee': employees[1].id,
                        'type': bonus.id, 'amount': Decimal('50000'),
                        'description': 'Teacher Day'}])
            Run.compute([run])

            def snapshot():
                run_ = Run(run.id)
                return sorted((p.employee.id, p.gross, p.net, p.to_pay,
                        p.sn, tuple(sorted((l.type.code, l.amount)
                                for l in p.lines)))
                    for p in run_.payslips)
            first = snapshot()
            Run.compute([Run(run.id)])
            second = snapshot()
        self.assertEqual(first, second)
        self.assertEqual(len(first), 3)
        by_employee = {s[0]: s for s in first}
        self.assertEqual(by_employee[employees[1].id][1], Decimal('230000'))
        self.assertIn(('bonus', Decimal('50000')),
            by_employee[employees[1].id][5])
        self.assertEqual(len(Input.search([('run', '=', run.id)])), 1)

    @with_transaction()
    def test_compute_part_month_and_leaves(self):
        "Salary for the days worked; vacation and sick by average earnings"
        pool = Pool()
        Run = pool.get('edu.payroll.run')
        Leave = pool.get('edu.hr.leave')
        env, (full, late) = self.setup_payroll(
            [Decimal('200000'), Decimal('200000')])
        Employment = pool.get('edu.hr.employment')
        late_line, = Employment.search([('employee', '=', late.id)])
        late_line.date_from = dt.date(YEAR, 2, 16)
        late_line.save()
        with set_company(env.company):
            Leave.create([{
                        'employee': full.id, 'company': env.company.id,
                        'kind': 'annual', 'date_from': dt.date(YEAR, 2, 9),
                        'date_to': dt.date(YEAR, 2, 13),
                        }, {
                        'employee': full.id, 'company': env.company.id,
                        'kind': 'sick', 'date_from': dt.date(YEAR, 2, 16),
                        'date_to': dt.date(YEAR, 2, 17),
                        }])
            run = self.create_run(env)
            Run.compute([run])
        slips = {p.employee: p for p in run.payslips}
        late_slip = slips[late]
        self.assertLess(late_slip.worked_days, late_slip.norm_days)
        self.assertEqual(self.line_amounts(late_slip)['salary'],
            (Decimal('200000') * late_slip.worked_days
                / late_slip.norm_days).quantize(Decimal('0.01')))
        full_slip = slips[full]
        amounts = self.line_amounts(full_slip)
        self.assertEqual(full_slip.worked_days, full_slip.norm_days - 7)
        daily = (Decimal('200000') / Decimal('29.3')).quantize(
            Decimal('0.01'))
        self.assertEqual(amounts['vacation'], daily * 5)
        self.assertEqual(amounts['sick'], daily * 2)

    @with_transaction()
    def test_average_after_change_in_month(self):
        """Without history the average earnings are the pay in force at the
        end of the month: a transfer within the month is not added twice
        (R19.12)"""
        pool = Pool()
        Run = pool.get('edu.payroll.run')
        Leave = pool.get('edu.hr.leave')
        Employment = pool.get('edu.hr.employment')
        env, (employee,) = self.setup_payroll([Decimal('200000')])
        first, = Employment.search([('employee', '=', employee.id)])
        first.date_to = dt.date(YEAR, 2, 15)
        first.save()
        Employment.create([{
                    'employee': employee.id, 'company': env.company.id,
                    'kind': 'transfer', 'date_from': dt.date(YEAR, 2, 16),
                    'rate': Decimal(1), 'salary': Decimal('300000')}])
        with set_company(env.company):
            Leave.create([{
                        'employee': employee.id, 'company': env.company.id,
                        'kind': 'annual', 'date_from': dt.date(YEAR, 2, 23),
                        'date_to': dt.date(YEAR, 2, 27),
                        }])
            run = self.create_run(env)
            Run.compute([run])
        slip, = run.payslips
        amounts = self.line_amounts(slip)
        daily = (Decimal('300000') / Decimal('29.3')).quantize(
            Decimal('0.01'))
        self.assertEqual(amounts['vacation'], daily * 5)

    @with_transaction()
    def test_ytd_deduction_and_advance(self):
        """The basic deduction used earlier in the year and the posted
        advance of the month are taken into account"""
        pool = Pool()
        Run = pool.get('edu.payroll.run')
        Writ = pool.get('edu.payroll.writ')
        Party = pool.get('party.party')
        env, (employee,) = self.setup_payroll()
        recipient, = Party.create([{'name': 'Alimony Recipient'}])
        with set_company(env.company):
            january = self.create_run(env, date_from=dt.date(YEAR, 1, 1),
                date_to=dt.date(YEAR, 1, 31))
            Run.compute([january])
            Run.post([january])
            advance = self.create_run(env, kind='advance',
                date_to=dt.date(YEAR, 2, 15))
            Run.compute([advance])
            Run.post([advance])
            self.assertIsNone(advance.move)
            Writ.create([{'employee': employee.id, 'kind': 'alimony',
                        'percent': Decimal(25), 'recipient': recipient.id,
                        'document': 'No. 2-15/2026',
                        'date_from': dt.date(YEAR, 1, 1)}])
            run = self.create_run(env)
            Run.compute([run])
        advance_slip, = advance.payslips
        self.assertGreater(advance_slip.net, 0)
        self.assertEqual(advance_slip.opv, None)
        payslip, = run.payslips
        self.assertEqual(payslip.deduction_used, Decimal('129750'))
        self.assertEqual(payslip.advance_paid, advance_slip.net)
        amounts = self.line_amounts(payslip)
        alimony = (Decimal('250575') / 4).quantize(Decimal('0.01'))
        self.assertEqual(amounts['alimony'], alimony)
        self.assertEqual(payslip.to_pay,
            Decimal('250575') - alimony - advance_slip.net)
        alimony_line, = [l for l in payslip.lines
            if l.type.code == 'alimony']
        self.assertEqual(alimony_line.party, recipient)

    @with_transaction()
    def test_post_move(self):
        "Posting makes one balanced move in GEN by ЕБК specific (R19.12)"
        pool = Pool()
        Run = pool.get('edu.payroll.run')
        ModelData = pool.get('ir.model.data')
        env, employees = self.setup_payroll(
            [Decimal('300000'), Decimal('300000')])
        run = self.create_run(env)
        with set_company(env.company):
            Run.compute([run])
            Run.post([run])
        self.assertEqual(run.state, 'posted')
        move = run.move
        self.assertEqual(move.state, 'posted')
        self.assertEqual(move.journal.code, 'GEN')
        self.assertEqual(move.date, FEB_TO)
        self.assertEqual(sum(l.debit for l in move.lines),
            sum(l.credit for l in move.lines))
        republican = ModelData.get_id('edu_account', 'funding_republican')
        self.assertTrue(all(l.funding_source.id == republican
                for l in move.lines))

        def total(code, side, specific=None):
            return sum(getattr(l, side) for l in move.lines
                if l.account.code == code and (specific is None
                    or (l.ebk_specific and l.ebk_specific.code) == specific))
        self.assertEqual(total('7010', 'debit', '111'), Decimal('600000'))
        self.assertEqual(total('3220', 'credit'), Decimal('600000'))
        self.assertEqual(total('3220', 'debit'), Decimal('98850'))
        self.assertEqual(total('3110', 'credit'), Decimal('26850'))
        self.assertEqual(total('3140', 'credit'), Decimal('81000'))
        self.assertEqual(total('3150', 'credit'), Decimal('30000'))
        self.assertEqual(total('3130', 'credit'), Decimal('27000'))
        self.assertEqual(total('3120', 'credit'), Decimal('31680'))
        self.assertEqual(total('7020', 'debit', '116'), Decimal('21000'))
        self.assertEqual(total('7020', 'debit', '122'), Decimal('27000'))
        self.assertEqual(total('7020', 'debit', '124'), Decimal('18000'))
        self.assertEqual(total('7020', 'debit', '121'), Decimal('31680'))
        parties = {l.party for l in move.lines if l.account.code == '3220'}
        self.assertEqual(parties, {e.party for e in employees})
        with self.assertRaises(UserError):
            Run.delete([run])

    @with_transaction()
    def test_post_in_batches(self):
        "A large run posts one balanced move per batch, all reversed (R19.12)"
        from trytond.modules.edu_payroll import run as run_module
        pool = Pool()
        Run = pool.get('edu.payroll.run')
        Move = pool.get('account.move')
        env, employees = self.setup_payroll(
            [Decimal('300000'), Decimal('200000'), Decimal('100000')])
        run = self.create_run(env)
        batch = run_module.POST_BATCH
        run_module.POST_BATCH = 2
        try:
            with set_company(env.company):
                Run.compute([run])
                Run.post([run])
        finally:
            run_module.POST_BATCH = batch
        moves = sorted(run.moves, key=lambda m: m.id)
        self.assertEqual(len(moves), 2)
        self.assertEqual(run.move, moves[0])
        for move in moves:
            self.assertEqual(move.state, 'posted')
            self.assertEqual(sum(l.debit for l in move.lines),
                sum(l.credit for l in move.lines))
        self.assertEqual(sum(l.debit for m in moves for l in m.lines
                if l.account.code == '7010'), Decimal('600000'))
        with set_company(env.company):
            Run.cancel([run])
        for move in moves:
            reversal, = Move.search([('origin', '=', str(move))])
            self.assertEqual(reversal.state, 'posted')

    @with_transaction()
    def test_post_closed_period(self):
        "A closed period refuses the posting; the run stays computed"
        pool = Pool()
        Run = pool.get('edu.payroll.run')
        Period = pool.get('account.period')
        Move = pool.get('account.move')
        env, _ = self.setup_payroll()
        run = self.create_run(env)
        with set_company(env.company):
            Run.compute([run])
            period = Period.find(env.company, date=FEB_TO)
            Period.close([period])
            with self.assertRaises(UserError):
                Run.post([run])
        self.assertEqual(Run(run.id).state, 'computed')
        self.assertEqual(Move.search([('origin', '=', str(run))]), [])

    @with_transaction()
    def test_post_no_commit(self):
        """Posting never commits half-way: an error raised by Move.post
        after the move is created escapes to the caller (whose transaction
        is rolled back) and the run is not posted"""
        pool = Pool()
        Run = pool.get('edu.payroll.run')
        Move = pool.get('account.move')
        env, _ = self.setup_payroll()
        run = self.create_run(env)
        transaction = Transaction()
        with set_company(env.company):
            Run.compute([run])
            with mock.patch.object(Move, 'post',
                        side_effect=UserError('boom')), \
                    mock.patch.object(transaction, 'commit') as commit, \
                    self.assertRaises(UserError):
                Run.post([run])
            commit.assert_not_called()
        self.assertEqual(Run(run.id).state, 'computed')
        self.assertIsNone(Run(run.id).move)

    @with_transaction()
    def test_cancel_reverses(self):
        "Cancelling a posted run reverses its move (R19.12)"
        pool = Pool()
        Run = pool.get('edu.payroll.run')
        Move = pool.get('account.move')
        env, _ = self.setup_payroll()
        run = self.create_run(env)
        with set_company(env.company):
            Run.compute([run])
            Run.post([run])
            move = run.move
            Run.cancel([run])
        self.assertEqual(run.state, 'cancelled')
        self.assertEqual(move.state, 'posted')
        reversal, = Move.search([('origin', '=', str(move))])
        self.assertEqual(reversal.state, 'posted')
        balance = {}
        for line in move.lines + reversal.lines:
            key = (line.account.code, line.ebk_specific)
            balance[key] = balance.get(key, 0) + line.debit - line.credit
        self.assertTrue(all(v == 0 for v in balance.values()))
        with self.assertRaises(UserError):
            Run.compute([run])

    @with_transaction()
    def test_compute_queued(self):
        "Above the threshold the computation goes to the queue (R27.13)"
        pool = Pool()
        Run = pool.get('edu.payroll.run')
        Queue = pool.get('ir.queue')
        env, _ = self.setup_payroll([Decimal('100000')] * 3)
        run = self.create_run(env)
        with set_company(env.company), \
                mock.patch.object(run_module, 'queue_employees',
                    return_value=2), \
                mock.patch.object(run_module, 'BATCH', 2):
            Run.compute([run])
            self.assertEqual(run.state, 'draft')
            task, = Queue.search([('data.method', '=', 'do_compute')])
            with mock.patch.object(Transaction(), 'commit') as commit:
                task.run()
            self.assertEqual(commit.call_count, 3)
        run = Run(run.id)
        self.assertEqual(run.state, 'computed')
        self.assertEqual(run.progress, Decimal(100))
        self.assertEqual(len(run.payslips), 3)
        # a queued recompute puts the run back to draft until it is done:
        # a half-computed run is never posted
        with set_company(env.company), \
                mock.patch.object(run_module, 'queue_employees',
                    return_value=2):
            Run.compute([run])
            self.assertEqual(run.state, 'draft')
            Run.post([run])
        self.assertEqual(Run(run.id).state, 'draft')
        self.assertIsNone(Run(run.id).move)

    @with_transaction()
    def test_constant_queries(self):
        """The number of SELECT queries of a compute does not grow with the
        number of employees (no N+1, R27.13)"""
        pool = Pool()
        Run = pool.get('edu.payroll.run')
        transaction = Transaction()
        counts = []
        for size in [1, 2, 7]:  # the first warms the caches
            env, _ = self.setup_payroll([Decimal('150000')] * size)
            run = self.create_run(env)
            transaction.cache.clear()
            counter = _CountingConnection(transaction.connection)
            with set_company(env.company), \
                    mock.patch.object(transaction, 'connection', counter):
                Run.do_compute([Run(run.id)])
            counts.append(counter.selects)
            self.assertEqual(len(Run(run.id).payslips), size)
        self.assertEqual(counts[1], counts[2], counts)


class _CountingCursor:
    def __init__(self, cursor, connection):
        self._cursor = cursor
        self._connection = connection

    def execute(self, query, *args, **kwargs):
        if str(query).lstrip().upper().startswith('SELECT'):
            self._connection.selects += 1
        return self._cursor.execute(query, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def __iter__(self):
        return iter(self._cursor)


class _CountingConnection:
    "Wrap a connection to count the SELECT queries of its cursors"

    def __init__(self, connection):
        self._connection = connection
        self.selects = 0

    def cursor(self, *args, **kwargs):
        return _CountingCursor(
            self._connection.cursor(*args, **kwargs), self)

    def __getattr__(self, name):
        return getattr(self._connection, name)
