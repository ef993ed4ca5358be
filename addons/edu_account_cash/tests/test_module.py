# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Cash desk, payment orders, statements and money by funding source
(R19.3, R19.2 amounts in words, R19.1 funding sources)."""
import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import CompanyTestMixin, set_company
from trytond.modules.edu_account.tests.tools import setup_gov_accounting
from trytond.modules.edu_account_cash.exceptions import (
    CashLimitWarning, CashNegativeError, StatementImportError)
from trytond.modules.edu_base import kz_id
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

YEAR = 2026
D = Decimal
IBAN = 'KZ86125KZT5004100100'


@contextmanager
def rolled_back_on_error():
    """Roll back to a savepoint when the block raises, as Tryton's
    dispatcher rolls back a refused request"""
    cursor = Transaction().connection.cursor()
    cursor.execute('SAVEPOINT edu_cash_test')
    try:
        yield
    except Exception:
        cursor.execute('ROLLBACK TO SAVEPOINT edu_cash_test')
        Transaction().cache.clear()
        raise
    else:
        cursor.execute('RELEASE SAVEPOINT edu_cash_test')


def day(month, day_):
    return dt.date(YEAR, month, day_)


def source(name):
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Source = pool.get('edu.funding.source')
    return Source(ModelData.get_id('edu_account', 'funding_%s' % name))


def specific(code):
    Specific = Pool().get('edu.ebk.specific')
    record, = Specific.search([('code', '=', code)])
    return record


def make_env():
    "The chart, the fiscal year and two parties of a school"
    pool = Pool()
    Party = pool.get('party.party')
    env = setup_gov_accounting(year=YEAR)
    with set_company(env.company):
        env.supplier, = Party.create([{
                    'name': "ТОО Асем",
                    'bin': kz_id.make_bin(2015, 4, 123),
                    }])
        env.person, = Party.create([{
                    'name': "Ахметова Айгүл",
                    'is_person': True,
                    'last_name': "Ахметова", 'first_name': "Айгүл",
                    'iin': kz_id.make_iin(dt.date(1985, 3, 4), 'female', 77),
                    'organisation': env.company.id,
                    }])
    return env


def cash_order(env, kind, date, amount, account, **values):
    Order = Pool().get('edu.cash.order')
    values.setdefault('party', env.person)
    values.setdefault('funding_source', source('paid'))
    order = Order(company=env.company, kind=kind, date=date,
        amount=D(amount), cash_account=env.account('1010'),
        account=env.account(account), journal=env.journal('CASH'),
        basis=values.pop('basis', "Test"), **values)
    order.save()
    return order


def ledger(move):
    "The move's lines as (account code, debit, credit, specific, source)"
    return sorted((l.account.code, l.debit, l.credit,
            l.ebk_specific.code if l.ebk_specific else None,
            l.funding_source.code if l.funding_source else None)
        for l in move.lines)


class EduAccountCashTestCase(CompanyTestMixin, ModuleTestCase):
    "Test edu_account_cash module"
    module = 'edu_account_cash'
    _skip_company_rule = {('edu.ebk.program', 'company')}

    @with_transaction()
    def test_receipt_and_disbursement(self):
        "ПКО Dt 1010 / Cr 6110, РКО Dt 1250 / Cr 1010, strict numbers (R19.3)"
        pool = Pool()
        Order = pool.get('edu.cash.order')
        env = make_env()
        with set_company(env.company):
            receipt = cash_order(env, 'receipt', day(3, 2), '150000', '6110',
                basis="Оплата за кружок")
            receipt2 = cash_order(env, 'receipt', day(3, 2), '1000.50',
                '6110')
            Order.post([receipt, receipt2])
            self.assertEqual((receipt.number, receipt2.number), ('1', '2'))
            self.assertEqual(receipt.state, 'posted')
            self.assertEqual(receipt.move.state, 'posted')
            self.assertEqual(receipt.move.journal.code, 'CASH')
            self.assertEqual(ledger(receipt.move), [
                    ('1010', D('150000'), D(0), None, source('paid').code),
                    ('6110', D(0), D('150000'), None, source('paid').code),
                    ])
            advance = cash_order(env, 'disbursement', day(3, 3), '50000',
                '1250', ebk_specific=specific('159'),
                basis="Под отчёт")
            Order.post([advance])
            # disbursements have their own sequence
            self.assertEqual(advance.number, '1')
            self.assertEqual(ledger(advance.move), [
                    ('1010', D(0), D('50000'), '159', source('paid').code),
                    ('1250', D('50000'), D(0), '159', source('paid').code),
                    ])
            line, = [l for l in advance.move.lines
                if l.account.code == '1250']
            self.assertEqual(line.party, env.person)
            self.assertEqual(advance.party_code, env.person.iin)
            with self.assertRaises(UserError):
                Order.delete([advance])

    @with_transaction()
    def test_overdraft_refused(self):
        "A РКО over the balance is refused with the shortfall (R19.3)"
        pool = Pool()
        Order = pool.get('edu.cash.order')
        Move = pool.get('account.move')
        env = make_env()
        with set_company(env.company):
            receipt = cash_order(env, 'receipt', day(3, 2), '1000', '6110')
            Order.post([receipt])
            rko = cash_order(env, 'disbursement', day(3, 2), '1000.01',
                '1250')
            moves = Move.search_count([])
            with self.assertRaises(CashNegativeError) as cm, \
                    rolled_back_on_error():
                Order.post([rko])
            message = cm.exception.message
            self.assertIn('1010', message)
            self.assertIn('0.01', message)
            # nothing is posted: no number, no move
            rko = Order(rko.id)
            self.assertEqual((rko.state, rko.number, rko.move),
                ('draft', None, None))
            self.assertEqual(Move.search_count([]), moves)
            # the rule guards every move, not only cash orders
            move = Move(company=env.company, journal=env.journal('GEN'),
                date=day(3, 5), period=Pool().get('account.period').find(
                    env.company, date=day(3, 5)))
            Line = pool.get('account.move.line')
            move.lines = [
                Line(account=env.account('1010'), credit=D('2000'),
                    debit=D(0), funding_source=source('paid')),
                Line(account=env.account('6110'), debit=D('2000'),
                    credit=D(0), funding_source=source('paid')),
                ]
            move.save()
            with self.assertRaises(CashNegativeError):
                Move.post([move])

    @with_transaction()
    def test_backdated_disbursement(self):
        "A backdated РКО may not make a later day negative (R19.3)"
        pool = Pool()
        Order = pool.get('edu.cash.order')
        env = make_env()
        with set_company(env.company):
            Order.post([cash_order(env, 'receipt', day(3, 10), '100',
                        '6110')])
            Order.post([cash_order(env, 'disbursement', day(3, 12), '80',
                        '1250')])
            late = cash_order(env, 'disbursement', day(3, 11), '50', '1250')
            with self.assertRaises(CashNegativeError) as cm, \
                    rolled_back_on_error():
                Order.post([late])
            self.assertIn('12', cm.exception.message)
            ok = cash_order(env, 'disbursement', day(3, 11), '20', '1250')
            Order.post([ok])
            self.assertEqual(ok.state, 'posted')

    @with_transaction()
    def test_cancel_by_reversal(self):
        "Cancelling an order posts a red-storno move (R19.3)"
        pool = Pool()
        Order = pool.get('edu.cash.order')
        env = make_env()
        with set_company(env.company):
            receipt = cash_order(env, 'receipt', day(4, 1), '500', '6110')
            Order.post([receipt])
            Order.cancel([receipt])
            self.assertEqual(receipt.state, 'cancelled')
            self.assertEqual(receipt.cancel_move.state, 'posted')
            self.assertEqual(ledger(receipt.cancel_move), [
                    ('1010', D('-500'), D(0), None, source('paid').code),
                    ('6110', D(0), D('-500'), None, source('paid').code),
                    ])
            # a cancelled receipt whose money is gone is refused
            receipt = cash_order(env, 'receipt', day(4, 2), '300', '6110')
            Order.post([receipt])
            Order.post([cash_order(env, 'disbursement', day(4, 3), '300',
                        '1250')])
            with self.assertRaises(CashNegativeError), \
                    rolled_back_on_error():
                Order.cancel([receipt])

    @with_transaction()
    def test_cash_limit_warning(self):
        "A day ending over the cash limit warns with a key (R19.3)"
        pool = Pool()
        Order = pool.get('edu.cash.order')
        Config = pool.get('edu.cash.configuration')
        Warning = pool.get('res.user.warning')
        env = make_env()
        with set_company(env.company):
            config = Config.get_for(env.company)
            config.cash_limit = D('100000')
            config.save()
            receipt = cash_order(env, 'receipt', day(5, 4), '150000',
                '6110')
            with self.assertRaises(CashLimitWarning) as cm, \
                    rolled_back_on_error():
                Order.post([receipt])
            self.assertIn('100', cm.exception.message)
            self.assertTrue(isinstance(cm.exception, UserWarning))
            Warning.create([{'user': Transaction().user,
                        'name': cm.exception.name, 'always': False}])
            receipt = Order(receipt.id)
            self.assertEqual(receipt.state, 'draft')
            Order.post([receipt])
            self.assertEqual(receipt.state, 'posted')

    @with_transaction()
    def test_cash_book(self):
        "The cash book shows each day's balances and orders (R19.3)"
        pool = Pool()
        Order = pool.get('edu.cash.order')
        Config = pool.get('edu.cash.configuration')
        CashBook = pool.get('edu.cash.book')
        env = make_env()
        with set_company(env.company):
            config = Config.get_for(env.company)
            config.cash_limit = D('1000')
            config.save()
            Order.post([cash_order(env, 'receipt', day(6, 1), '800',
                        '6110')])
            Order.post([cash_order(env, 'disbursement', day(6, 1), '300',
                        '1250')])
            second = cash_order(env, 'receipt', day(6, 2), '900', '6110')
            with Transaction().set_context(_skip_warnings=True):
                Order.post([second])
            Order.post([cash_order(env, 'disbursement', day(6, 3), '1400',
                        '1250')])
            with Transaction().set_context(
                    company=env.company.id, from_date=day(6, 2),
                    to_date=day(6, 30)):
                days = CashBook.search([])
                self.assertEqual(
                    [(d.date, d.opening, d.receipts, d.disbursements,
                            d.closing, bool(d.over_limit)) for d in days],
                    [(day(6, 2), D(500), D(900), D(0), D(1400), True),
                        (day(6, 3), D(1400), D(0), D(1400), D(0), False)])
                self.assertEqual([o.number for o in days[0].orders], ['2'])
                Report = pool.get('edu.cash.book.report', type='report')
                ext, content, _, _ = Report.execute(
                    [d.id for d in days], {'model': 'edu.cash.book'})
                self.assertEqual(ext, 'pdf')
                self.assertTrue(bytes(content).startswith(b'%PDF'))
                Xlsx = pool.get('edu.cash.book.xlsx', type='report')
                ext, content, _, _ = Xlsx.execute(
                    [d.id for d in days], {'model': 'edu.cash.book'})
                self.assertEqual(ext, 'xlsx')
                self.assertTrue(bytes(content).startswith(b'PK'))

    @with_transaction()
    def test_amount_in_words_and_form(self):
        "The ПКО form prints the amount in words in kk and ru (R19.2)"
        pool = Pool()
        Order = pool.get('edu.cash.order')
        env = make_env()
        with set_company(env.company):
            receipt = cash_order(env, 'receipt', day(3, 2), '150000.50',
                '6110')
            Order.post([receipt])
            with Transaction().set_context(language='ru'):
                words = Order(receipt.id).amount_words
            self.assertIn('сто пятьдесят тысяч', words.lower())
            with Transaction().set_context(language='kk'):
                words = Order(receipt.id).amount_words
            self.assertIn('жүз елу мың', words.lower())
            Report = pool.get('edu.cash.order.report', type='report')
            for language in ['kk', 'ru']:
                with Transaction().set_context(language=language):
                    ext, content, _, _ = Report.execute(
                        [receipt.id], {'model': 'edu.cash.order'})
                self.assertEqual(ext, 'pdf')
                self.assertTrue(bytes(content).startswith(b'%PDF'))

    def _payment_order(self, env, amount='120000', **values):
        Payment = Pool().get('edu.payment.order')
        values.setdefault('beneficiary_iban', IBAN)
        values.setdefault('knp', '859')
        order = Payment(company=env.company, date=day(3, 4),
            money_account=env.account('1040'), party=env.supplier,
            account=env.account('3210'),
            ebk_specific=specific('159'),
            funding_source=source('republican'), amount=D(amount),
            purpose="Оплата по договору № 7", journal=env.journal('TRE'),
            **values)
        order.save()
        return order

    @with_transaction()
    def test_payment_order(self):
        "A payment order posts Dt 3210 / Cr 1040 (R19.3)"
        pool = Pool()
        Payment = pool.get('edu.payment.order')
        env = make_env()
        with set_company(env.company):
            with self.assertRaises(ValidationError):
                self._payment_order(env,
                    beneficiary_iban='KZ86125KZT5004100101')
            with self.assertRaises(UserError):
                self._payment_order(env, knp='8A9')
            order = self._payment_order(env,
                beneficiary_iban='kz86 125K ZT50 0410 0100')
            self.assertEqual(order.beneficiary_iban, IBAN)
            Payment.post([order])
            self.assertEqual(order.number, '1')
            self.assertEqual(ledger(order.move), [
                    ('1040', D(0), D('120000'), '159',
                        source('republican').code),
                    ('3210', D('120000'), D(0), '159',
                        source('republican').code),
                    ])
            with Transaction().set_context(language='kk'):
                self.assertIn('жүз жиырма мың',
                    Payment(order.id).amount_words.lower())
            Report = pool.get('edu.payment.order.report', type='report')
            ext, content, _, _ = Report.execute(
                [order.id], {'model': 'edu.payment.order'})
            self.assertTrue(bytes(content).startswith(b'%PDF'))

    def _statement_journal(self, env):
        pool = Pool()
        Journal = pool.get('account.statement.journal')
        ModelData = pool.get('ir.model.data')
        AccountJournal = pool.get('account.journal')
        journal, = Journal.create([{
                    'name': "Treasury 1040",
                    'journal': AccountJournal(ModelData.get_id(
                            'edu_account_cash', 'journal_statement')).id,
                    'account': env.account('1040').id,
                    'currency': env.company.currency.id,
                    'company': env.company.id,
                    'validation': 'balance',
                    'edu_funding_source': source('republican').id,
                    }])
        return journal

    def _import(self, env, journal, content, file_format='edu_csv'):
        pool = Pool()
        Import = pool.get('account.statement.import', type='wizard')
        Statement = pool.get('account.statement')
        session_id, _, _ = Import.create()
        wizard = Import(session_id)
        wizard.start.company = env.company
        wizard.start.file_ = content
        wizard.start.file_format = file_format
        wizard.start.edu_journal = journal
        wizard.start.edu_funding_source = None
        _, data = wizard.do_import_({'views': []})
        return Statement.browse(data['res_id'])

    @with_transaction()
    def test_statement_import_and_reconciliation(self):
        "A CSV statement executes the payment order and reconciles (R19.3)"
        pool = Pool()
        Payment = pool.get('edu.payment.order')
        Statement = pool.get('account.statement')
        MoveLine = pool.get('account.move.line')
        from trytond.modules.edu_account.tests.tools import post_move
        env = make_env()
        with set_company(env.company):
            # the supplier's act: Dt 7140 / Cr 3210
            act = post_move(env.journal('EXP'), day(3, 1), [
                    {'account': '7140', 'debit': D('120000'),
                        'ebk_specific': '159',
                        'funding_source': 'republican'},
                    {'account': '3210', 'credit': D('120000'),
                        'party': env.supplier},
                    ], description="Act 7")
            post_move(env.journal('TRE'), day(3, 1), [
                    {'account': '1040', 'debit': D('500000'),
                        'funding_source': 'republican'},
                    {'account': '6010', 'credit': D('500000'),
                        'funding_source': 'republican'},
                    ])
            order = self._payment_order(env)
            Payment.post([order])
            journal = self._statement_journal(env)
            csv = ('date;number;BIN/IIN;name;debit;credit;purpose\n'
                '2026-03-05;%s;%s;ТОО Асем;120 000,00;;Оплата по договору\n'
                % (order.number, env.supplier.bin)).encode('utf-8')
            statement, = self._import(env, journal, csv)
            line, = statement.lines
            self.assertEqual(line.amount, D('-120000'))
            self.assertEqual(line.edu_payment_order, order)
            self.assertEqual(line.party, env.supplier)
            self.assertEqual(line.account.code, '3210')
            Statement.validate_statement([statement])
            order = Payment(order.id)
            self.assertEqual(order.state, 'executed')
            self.assertEqual(line.move, order.move)
            # no second entry on 1040 for the payment
            self.assertEqual(MoveLine.search_count([
                        ('account', '=', env.account('1040').id)]), 2)
            paid, = [l for l in order.move.lines if l.account.code == '3210']
            act_line, = [l for l in act.lines if l.account.code == '3210']
            self.assertTrue(paid.reconciliation)
            self.assertEqual(paid.reconciliation, act_line.reconciliation)
            Statement.post([statement])
            self.assertEqual(statement.state, 'posted')

    @with_transaction()
    def test_statement_income_line(self):
        "An income line of a known party is posted on its receivable"
        pool = Pool()
        Statement = pool.get('account.statement')
        env = make_env()
        with set_company(env.company):
            journal = self._statement_journal(env)
            xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<statement xmlns="urn:bilim:statement:1">\n'
                '  <line><date>06.03.2026</date><number>88</number>'
                '<code>%s</code><name>ТОО Асем</name><debit>0</debit>'
                '<credit>5000.00</credit><purpose>Аренда</purpose>'
                '<source>%s</source></line>\n'
                '</statement>\n' % (env.supplier.bin,
                    source('paid').code)).encode('utf-8')
            statement, = self._import(env, journal, xml, 'edu_xml')
            line, = statement.lines
            self.assertEqual(line.amount, D('5000'))
            self.assertEqual(line.account.code, '1210')
            self.assertEqual(line.funding_source, source('paid'))
            Statement.validate_statement([statement])
            Statement.post([statement])
            self.assertEqual(ledger(line.move), [
                    ('1040', D('5000'), D(0), None, source('paid').code),
                    ('1210', D(0), D('5000'), None, source('paid').code),
                    ])

    @with_transaction()
    def test_statement_bad_files(self):
        "A bad statement file names the line and imports nothing (R19.3)"
        pool = Pool()
        Statement = pool.get('account.statement')
        env = make_env()
        with set_company(env.company):
            journal = self._statement_journal(env)
            good = '2026-03-05;1;%s;ТОО Асем;0;10.00;x\n' % env.supplier.bin
            cases = [
                (good + '2026-13-05;2;%s;A;0;1;x\n' % env.supplier.bin,
                    '2'),
                ('date;number;code;name;debit;credit;purpose\n' + good
                    + '2026-03-06;2;%s;A;abc;;x\n' % env.supplier.bin, '3'),
                (good + '2026-03-06;2;%s;A;1;1;x\n' % env.supplier.bin,
                    '2'),
                (good + '2026-03-06;2;x\n', '2'),
                (good + '2026-03-06;2;999999999999;Нет;0;1;x\n', '2'),
                ]
            for content, line in cases:
                with self.assertRaises(StatementImportError) as cm:
                    self._import(env, journal, content.encode('utf-8'))
                self.assertIn(line, cm.exception.message)
            # entities are not expanded, the network is never used
            xxe = (b'<?xml version="1.0"?>\n'
                b'<!DOCTYPE s [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
                b'<statement><line><date>&e;</date><debit>0</debit>'
                b'<credit>1</credit></line></statement>')
            with self.assertRaises(StatementImportError):
                self._import(env, journal, xxe, 'edu_xml')
            with self.assertRaises(StatementImportError):
                self._import(env, journal, b'<statement><line>', 'edu_xml')
            self.assertEqual(Statement.search_count([]), 0)

    @with_transaction()
    def test_money_by_source(self):
        "Money accounts × funding source: opening, flows, closing (R19.3)"
        pool = Pool()
        Order = pool.get('edu.cash.order')
        MoneySource = pool.get('edu.money.source')
        from trytond.modules.edu_account.tests.tools import post_move
        env = make_env()
        with set_company(env.company):
            Order.post([cash_order(env, 'receipt', day(1, 20), '700',
                        '6110')])
            Order.post([cash_order(env, 'receipt', day(2, 3), '300',
                        '6110')])
            Order.post([cash_order(env, 'disbursement', day(2, 4), '100',
                        '1250')])
            post_move(env.journal('TRE'), day(2, 1), [
                    {'account': '1040', 'debit': D('9000'),
                        'funding_source': 'republican'},
                    {'account': '6010', 'credit': D('9000'),
                        'funding_source': 'republican'},
                    ])
            with Transaction().set_context(company=env.company.id,
                    from_date=day(2, 1), to_date=day(2, 28)):
                rows = MoneySource.search([])
                figures = {(r.account.code, r.funding_source.code):
                    (r.opening, r.inflow, r.outflow, r.closing)
                    for r in rows}
                self.assertEqual(figures, {
                        ('1010', source('paid').code):
                        (D(700), D(300), D(100), D(900)),
                        ('1040', source('republican').code):
                        (D(0), D(9000), D(0), D(9000)),
                        })
                for name, magic in [('edu.money.source.report', b'%PDF'),
                        ('edu.money.source.xlsx', b'PK')]:
                    Report = pool.get(name, type='report')
                    _, content, _, _ = Report.execute(
                        [r.id for r in rows], {'model': 'edu.money.source'})
                    self.assertTrue(bytes(content).startswith(magic))


del ModuleTestCase
