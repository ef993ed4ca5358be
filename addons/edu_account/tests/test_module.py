# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.company.tests import CompanyTestMixin, set_company
from trytond.modules.edu_account import chart_data
from trytond.modules.edu_account.tests.tools import (
    post_move, setup_gov_accounting)
from trytond.modules.edu_account.ledger import (
    journal_order_table, main_book_rows)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

YEAR = 2026


class EduAccountTestCase(CompanyTestMixin, ModuleTestCase):
    "Test edu_account module"
    module = 'edu_account'

    @property
    def _skip_company_rule(self):
        # shared programmes have no company: their rule is company = None
        # OR in the user's companies
        return super()._skip_company_rule | {('edu.ebk.program', 'company')}

    @with_transaction()
    def test_chart_creation(self):
        "The chart of state institutions is created with its flags (R19.1)"
        pool = Pool()
        Account = pool.get('account.account')
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            codes = {a.code for a in Account.search([
                        ('company', '=', env.company.id),
                        ('type', '!=', None),
                        ('parent', '!=', None)])}
            self.assertEqual(codes,
                {c for c, *_ in chart_data.ACCOUNTS})
            cash = env.account('1010')
            self.assertEqual(cash.edu_cash, 'cash_desk')
            self.assertTrue(cash.funding_required)
            self.assertFalse(cash.ebk_required)
            self.assertEqual(cash.type.fo_line, '010')
            wages = env.account('7010')
            self.assertTrue(wages.ebk_required)
            self.assertEqual(wages.type.statement, 'income')
            self.assertEqual(wages.type.fo_line, '110')
            self.assertTrue(env.account('1210').type.receivable)
            self.assertTrue(env.account('3210').type.payable)
            self.assertTrue(env.account('2390').type.fixed_asset)

    @with_transaction()
    def test_post_balanced_move(self):
        "A balanced move with ЕБК and funding source is posted (R19.2)"
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            move = post_move(env.journal('GEN'), dt.date(YEAR, 3, 10), [
                    {'account': '7010', 'debit': Decimal('150000.00'),
                        'ebk_specific': '111', 'funding_source': 'local'},
                    {'account': '6010', 'credit': Decimal('150000.00'),
                        'funding_source': 'local'},
                    ], description="March wages")
            self.assertEqual(move.state, 'posted')
            self.assertEqual(
                sum(l.debit for l in move.lines),
                sum(l.credit for l in move.lines))
            expense, = [l for l in move.lines if l.account.code == '7010']
            self.assertEqual(expense.ebk_specific.code, '111')
            self.assertEqual(expense.funding_source.kind, 'local')

    @with_transaction()
    def test_post_requires_dimensions(self):
        "Posting refuses a line missing a required dimension (R19.2)"
        pool = Pool()
        Move = pool.get('account.move')
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            with self.assertRaisesRegex(UserError, '7010'):
                post_move(env.journal('GEN'), dt.date(YEAR, 3, 10), [
                        {'account': '7010', 'debit': 100,
                            'funding_source': 'local'},
                        {'account': '6010', 'credit': 100,
                            'funding_source': 'local'},
                        ])
            with self.assertRaisesRegex(UserError, '6010'):
                post_move(env.journal('GEN'), dt.date(YEAR, 3, 10), [
                        {'account': '7010', 'debit': 100,
                            'funding_source': 'local',
                            'ebk_specific': '111'},
                        {'account': '6010', 'credit': 100},
                        ])
            self.assertFalse(Move.search([('state', '=', 'posted')]))


    def _year_moves(self, env):
        "Post the moves of a small year; return them"
        journal = env.journal('GEN')
        moves = [
            post_move(env.journal('TRE'), dt.date(YEAR, 1, 10), [
                    {'account': '1040', 'debit': 1000000,
                        'funding_source': 'local'},
                    {'account': '6010', 'credit': 1000000,
                        'funding_source': 'local'}]),
            post_move(journal, dt.date(YEAR, 1, 31), [
                    {'account': '7010', 'debit': 400000,
                        'ebk_specific': '111', 'funding_source': 'local'},
                    {'account': '7010', 'debit': 50000,
                        'ebk_specific': '111', 'funding_source': 'paid'},
                    {'account': '1040', 'credit': 450000,
                        'funding_source': 'local'}]),
            post_move(journal, dt.date(YEAR, 2, 15), [
                    {'account': '7110', 'debit': Decimal('12345.67'),
                        'ebk_specific': '149', 'funding_source': 'local'},
                    {'account': '1040', 'credit': Decimal('12345.67'),
                        'funding_source': 'local'}]),
            ]
        return moves

    @with_transaction()
    def test_trial_balance(self):
        "The trial balance totals equal the lines; debit = credit (R19.2)"
        pool = Pool()
        TrialBalance = pool.get('edu.account.trial_balance')
        Line = pool.get('account.move.line')
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            self._year_moves(env)
            lines = Line.search([])
            context = {'company': env.company.id,
                'from_date': dt.date(YEAR, 2, 1),
                'to_date': dt.date(YEAR, 12, 31)}
            with Transaction().set_context(context):
                rows = TrialBalance.search([])
                totals = TrialBalance.totals(rows)
                by_code = {r.account.code: r for r in rows}
            feb = [l for l in lines if l.move.date >= dt.date(YEAR, 2, 1)]
            self.assertEqual(totals['debit'], sum(l.debit for l in feb))
            self.assertEqual(totals['credit'], sum(l.credit for l in feb))
            self.assertEqual(totals['debit'], totals['credit'])
            self.assertEqual(totals['opening_debit'],
                totals['opening_credit'])
            self.assertEqual(totals['closing_debit'],
                totals['closing_credit'])
            self.assertEqual(totals['closing_debit'], Decimal('1000000.00'))
            treasury = by_code['1040']
            self.assertEqual(treasury.opening_debit, Decimal('550000.00'))
            self.assertEqual(treasury.credit, Decimal('12345.67'))
            self.assertEqual(treasury.closing_debit, Decimal('537654.33'))
            self.assertEqual(by_code['6010'].opening_credit,
                Decimal('1000000.00'))

            # by ЕБК specific and by funding source
            with Transaction().set_context(context, group_by='source',
                    from_date=dt.date(YEAR, 1, 1)):
                rows = TrialBalance.search([('account.code', '=', '7010')])
                self.assertEqual(
                    {r.funding_source.code: r.debit for r in rows},
                    {'02': Decimal('400000.00'), '03': Decimal('50000.00')})
            with Transaction().set_context(context, group_by='specific',
                    from_date=dt.date(YEAR, 1, 1)):
                rows = TrialBalance.search([])
                totals = TrialBalance.totals(rows)
                self.assertEqual(totals['debit'], sum(l.debit for l in lines))
                self.assertEqual(
                    {r.ebk_specific.code for r in rows if r.ebk_specific},
                    {'111', '149'})

    @with_transaction()
    def test_reports(self):
        "Trial balance, Main book and journal order print (R19.2)"
        pool = Pool()
        JournalPeriod = pool.get('account.journal.period')
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            self._year_moves(env)
            rows = main_book_rows(env.fiscalyear)
            by_code = {a.code: months for a, months in rows}
            jan, feb = by_code['1040'][:2]
            self.assertEqual((jan[1], jan[2], jan[3], jan[4]), (
                    0, Decimal('1000000.00'), Decimal('450000.00'),
                    Decimal('550000.00')))
            self.assertEqual(feb[1], jan[4])
            self.assertEqual(feb[4], Decimal('537654.33'))
            self.assertEqual(len(by_code['1040']), 12)
            self.assertEqual(sum(m[2] for _, ms in rows for m in ms),
                sum(m[3] for _, ms in rows for m in ms))

            journal_period, = JournalPeriod.search([
                    ('journal.code', '=', 'GEN'),
                    ('period.start_date', '=', dt.date(YEAR, 1, 1))])
            moves, summary, total = journal_order_table(journal_period)
            self.assertEqual(total, Decimal('450000.00'))
            self.assertEqual(summary, [['7010', '1040', Decimal('450000.00')]])
            self.assertEqual(len(moves), 2)

            for name, records, magic in [
                    ('edu.account.main_book.pdf', [env.fiscalyear], b'%PDF'),
                    ('edu.account.main_book.xlsx', [env.fiscalyear], b'PK'),
                    ('edu.account.journal_order.pdf', [journal_period],
                        b'%PDF'),
                    ('edu.account.journal_order.xlsx', [journal_period],
                        b'PK'),
                    ]:
                with self.subTest(report=name):
                    Report = pool.get(name, type='report')
                    oext, content, _, _ = Report.execute(
                        [r.id for r in records], {})
                    self.assertTrue(bytes(content).startswith(magic))
            context = {'company': env.company.id,
                'from_date': dt.date(YEAR, 1, 1),
                'to_date': dt.date(YEAR, 12, 31)}
            with Transaction().set_context(context, language='ru'):
                for name, magic in [
                        ('edu.account.trial_balance.pdf', b'%PDF'),
                        ('edu.account.trial_balance.xlsx', b'PK')]:
                    Report = pool.get(name, type='report')
                    oext, content, _, _ = Report.execute([], {
                            'model': 'edu.account.trial_balance'})
                    self.assertTrue(bytes(content).startswith(magic))

    @with_transaction()
    def test_closed_period_refuses_move(self):
        "A closed period refuses new and posted moves (R19.2)"
        pool = Pool()
        Period = pool.get('account.period')
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            self._year_moves(env)
            january, = Period.search([
                    ('fiscalyear', '=', env.fiscalyear.id),
                    ('start_date', '=', dt.date(YEAR, 1, 1))])
            Period.close([january])
            self.assertEqual(january.state, 'closed')
            with self.assertRaises(UserError):
                post_move(env.journal('GEN'), dt.date(YEAR, 1, 20), [
                        {'account': '7110', 'debit': 10,
                            'ebk_specific': '149',
                            'funding_source': 'local'},
                        {'account': '1040', 'credit': 10,
                            'funding_source': 'local'}])

    @with_transaction()
    def test_chart_translations(self):
        "The accounts and types of the chart are named in kk and ru (R17)"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Account = pool.get('account.account')
        languages = Lang.search([('code', 'in', ['ru', 'kk'])])
        with Transaction().set_user(0):
            Lang.load_translations(languages)
        env = setup_gov_accounting(year=YEAR)
        names = {code: names for code, _, _, names in chart_data.ACCOUNTS}
        with set_company(env.company):
            for lang, index in [('ru', 1), ('kk', 2), ('en', 0)]:
                with Transaction().set_context(language=lang):
                    for code in ['1010', '3210', '7010']:
                        account, = Account.search([('code', '=', code)])
                        self.assertEqual(account.name, names[code][index])
                    account, = Account.search([('code', '=', '1010')])
                    self.assertEqual(account.type.name,
                        chart_data.TYPES[3][6][index])


del ModuleTestCase
