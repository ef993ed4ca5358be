# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Financial statements ФО-1..ФО-4 from the ledger (R19.13): figures of a
small year, the control relations holding on a consistent ledger and
reported broken on a broken one, the wizard, the PDF and XLSX files."""
import datetime as dt
import io
import json
import re
import zipfile
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.company.tests import CompanyTestMixin, set_company
from trytond.modules.edu_account.tests.tools import (
    post_move, setup_gov_accounting)
from trytond.modules.edu_account_report import ledger
from trytond.modules.edu_account_report.tests.tools import load_translations
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

YEAR = 2026
D = Decimal


def book_year(env):
    """Post a small year of a school; return the parties.

    January: the founder's building (10 000 000), budget financing
    5 000 000 (republican), wages 2 000 000 with employer taxes 200 000
    and income tax 200 000, their payment; later: a supplier act 300 000
    paid, paid services 400 000 received on 1060, depreciation 100 000,
    a cash withdrawal 50 000 from the treasury to the cash desk."""
    Party = Pool().get('party.party')
    teacher, supplier, parent = Party.create([
            {'name': "Айгүл Сейітова"}, {'name': "ТОО Кеңсе"},
            {'name': "Ата-ана"}])
    rep = 'republican'
    j = env.journal
    y = YEAR
    post_move(j('GEN'), dt.date(y, 1, 5), [
            {'account': '2320', 'debit': 10_000_000},
            {'account': '5010', 'credit': 10_000_000}], "Building")
    post_move(j('TRE'), dt.date(y, 1, 10), [
            {'account': '1040', 'debit': 5_000_000, 'funding_source': rep},
            {'account': '6010', 'credit': 5_000_000, 'funding_source': rep},
            ], "Financing")
    post_move(j('GEN'), dt.date(y, 1, 31), [
            {'account': '7010', 'debit': 2_000_000, 'ebk_specific': '111',
                'funding_source': rep},
            {'account': '3220', 'credit': 2_000_000, 'party': teacher},
            ], "Wages")
    post_move(j('GEN'), dt.date(y, 1, 31), [
            {'account': '7020', 'debit': 200_000, 'ebk_specific': '121',
                'funding_source': rep},
            {'account': '3120', 'credit': 200_000},
            ], "Social tax")
    post_move(j('GEN'), dt.date(y, 1, 31), [
            {'account': '3220', 'debit': 200_000, 'party': teacher},
            {'account': '3110', 'credit': 200_000},
            ], "Income tax withheld")
    post_move(j('TRE'), dt.date(y, 1, 31), [
            {'account': '3220', 'debit': 1_800_000, 'party': teacher},
            {'account': '1040', 'credit': 1_800_000, 'funding_source': rep},
            ], "Wages paid")
    post_move(j('TRE'), dt.date(y, 1, 31), [
            {'account': '3110', 'debit': 200_000},
            {'account': '3120', 'debit': 200_000},
            {'account': '1040', 'credit': 400_000, 'funding_source': rep},
            ], "Taxes paid")
    post_move(j('EXP'), dt.date(y, 3, 12), [
            {'account': '7140', 'debit': 300_000, 'ebk_specific': '159',
                'funding_source': rep},
            {'account': '3210', 'credit': 300_000, 'party': supplier},
            ], "Supplier act")
    post_move(j('TRE'), dt.date(y, 3, 20), [
            {'account': '3210', 'debit': 300_000, 'party': supplier},
            {'account': '1040', 'credit': 300_000, 'funding_source': rep},
            ], "Supplier paid")
    post_move(j('REV'), dt.date(y, 4, 1), [
            {'account': '1210', 'debit': 400_000, 'party': parent},
            {'account': '6110', 'credit': 400_000, 'funding_source': 'paid'},
            ], "Paid services")
    post_move(j('TRE'), dt.date(y, 4, 15), [
            {'account': '1060', 'debit': 400_000, 'funding_source': 'paid'},
            {'account': '1210', 'credit': 400_000, 'party': parent},
            ], "Paid services received")
    post_move(j('AST'), dt.date(y, 6, 30), [
            {'account': '7210', 'debit': 100_000},
            {'account': '2390', 'credit': 100_000},
            ], "Depreciation")
    post_move(j('CASH'), dt.date(y, 7, 1), [
            {'account': '1010', 'debit': 50_000, 'funding_source': rep},
            {'account': '1040', 'credit': 50_000, 'funding_source': rep},
            ], "Cash withdrawal")
    return teacher, supplier, parent


def source_id(suffix):
    return Pool().get('ir.model.data').get_id(
        'edu_account', 'funding_' + suffix)


def amounts(mapping):
    return {k: D(v) for k, v in mapping.items() if D(v)}


def broken(statements):
    return {c['key'] for c in statements['controls'] if not c['ok']}


class EduAccountReportTestCase(CompanyTestMixin, ModuleTestCase):
    "Test edu_account_report module"
    module = 'edu_account_report'

    @property
    def _skip_company_rule(self):
        return super()._skip_company_rule | {
            ('edu.ebk.program', 'company'),
            ('edu.account.statement.run', 'company'),
            }

    @with_transaction()
    def test_year_statements(self):
        "The four statements of a small year and their relations (R19.13)"
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            book_year(env)
            result = ledger.compute(env.company, dt.date(YEAR, 1, 1),
                dt.date(YEAR, 12, 31))
        self.assertEqual(broken(result), set())
        fo1 = result['fo1']
        self.assertEqual(amounts(fo1['start']), {})
        self.assertEqual(amounts(fo1['end']), {
                '010': D('2900000.00'), '110': D('9900000.00'),
                '410': D('10000000.00'), '420': D('2800000.00')})
        fo2 = result['fo2']
        self.assertEqual(amounts(fo2['current']), {
                '010': D('5000000.00'), '030': D('400000.00'),
                '110': D('2000000.00'), '120': D('200000.00'),
                '140': D('300000.00'), '160': D('100000.00')})
        self.assertEqual(amounts(fo2['previous']), {})
        fo3 = result['fo3']
        rep, paid = str(source_id('republican')), str(source_id('paid'))
        self.assertEqual(amounts(fo3['opening']), {})
        self.assertEqual(amounts(fo3['closing']), {
                rep: D('2500000.00'), paid: D('400000.00')})
        self.assertEqual(amounts(fo3['inflows']['budget']),
            {rep: D('5000000.00')})
        self.assertEqual(amounts(fo3['inflows']['paid']),
            {paid: D('400000.00')})
        self.assertEqual(amounts(fo3['inflows']['transfer']),
            {rep: D('50000.00')})
        self.assertEqual(amounts(fo3['outflows']['wages']),
            {rep: D('2200000.00')})
        self.assertEqual(amounts(fo3['outflows']['suppliers']),
            {rep: D('300000.00')})
        self.assertEqual(amounts(fo3['outflows']['transfer']),
            {rep: D('50000.00')})
        fo4 = result['fo4']
        self.assertEqual(fo4['columns'], ['5010', '*'])
        self.assertEqual(amounts(fo4['rows']['other']),
            {'5010': D('10000000.00')})
        self.assertEqual(amounts(fo4['rows']['result']),
            {'*': D('2800000.00')})
        self.assertEqual(amounts(fo4['rows']['closing']),
            {'5010': D('10000000.00'), '*': D('2800000.00')})
        totals = ledger.totals(result)
        self.assertEqual(totals['fo1_assets_end'], D('12800000.00'))
        self.assertEqual(totals['fo2_result_current'], D('2800000.00'))

    @with_transaction()
    def test_part_of_year(self):
        """From February: the openings are January's closings, the
        previous year's period is compared (R19.13)"""
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            book_year(env)
            result = ledger.compute(env.company, dt.date(YEAR, 2, 1),
                dt.date(YEAR, 12, 31))
        self.assertEqual(broken(result), set())
        self.assertEqual(amounts(result['fo1']['start']), {
                '010': D('2800000.00'), '110': D('10000000.00'),
                '410': D('10000000.00'), '420': D('2800000.00')})
        self.assertEqual(sum(amounts(result['fo3']['opening']).values()),
            D('2800000.00'))
        fo4 = result['fo4']['rows']
        self.assertEqual(amounts(fo4['opening']),
            {'5010': D('10000000.00'), '*': D('2800000.00')})
        # February to December: paid services 400 000, supplier 300 000
        # and depreciation 100 000: the result is nil
        self.assertEqual(amounts(fo4['result']), {})
        self.assertEqual(amounts(result['fo2']['current']), {
                '030': D('400000.00'), '140': D('300000.00'),
                '160': D('100000.00')})

    @with_transaction()
    def test_posted_only(self):
        "A draft move is left out unless asked for (R19.13)"
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            book_year(env)
            post_move(env.journal('GEN'), dt.date(YEAR, 8, 1), [
                    {'account': '2360', 'debit': 70_000},
                    {'account': '5010', 'credit': 70_000}], post=False)
            start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
            posted = ledger.compute(env.company, start, end)
            draft = ledger.compute(env.company, start, end, posted=False)
        self.assertEqual(D(posted['fo1']['end']['410']), D('10000000.00'))
        self.assertEqual(D(draft['fo1']['end']['410']), D('10070000.00'))
        self.assertEqual(broken(draft), set())

    @with_transaction()
    def test_money_account_not_marked(self):
        """A money account not marked edu_cash breaks the ФО-3 relations,
        which are reported (R19.13)"""
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            book_year(env)
            account = env.account('1060')
            account.template_override = True
            account.edu_cash = ''
            account.save()
            result = ledger.compute(env.company, dt.date(YEAR, 1, 1),
                dt.date(YEAR, 12, 31))
        self.assertEqual(broken(result), {'fo3_closing', 'fo3_source'})
        check, = [c for c in result['controls']
            if c['key'] == 'fo3_closing']
        self.assertEqual(D(check['expected']), D('2900000.00'))
        self.assertEqual(D(check['actual']), D('2500000.00'))
        self.assertEqual(D(check['difference']), D('-400000.00'))
        check, = [c for c in result['controls']
            if c['key'] == 'fo3_source' and not c['ok']]
        self.assertEqual(check['variables'], {'source': source_id('paid')})

    @with_transaction()
    def test_money_without_source(self):
        "Money booked without funding source is a broken relation (R19.13)"
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            book_year(env)
            account = env.account('1050')
            account.template_override = True
            account.funding_required = False
            account.save()
            post_move(env.journal('BANK'), dt.date(YEAR, 9, 1), [
                    {'account': '1050', 'debit': 25_000},
                    {'account': '6210', 'credit': 25_000}], "Interest")
            result = ledger.compute(env.company, dt.date(YEAR, 1, 1),
                dt.date(YEAR, 12, 31))
        self.assertEqual(broken(result), {'fo3_no_source'})
        check, = [c for c in result['controls']
            if c['key'] == 'fo3_no_source']
        self.assertEqual(D(check['actual']), D('25000.00'))
        other = result['fo3']['inflows']['other']
        self.assertEqual(D(other[str(ledger.NO_SOURCE)]), D('25000.00'))

    @with_transaction()
    def test_account_without_line(self):
        """An account whose type feeds no statement line unbalances ФО-1:
        the relations say so (R19.13)"""
        pool = Pool()
        Type = pool.get('account.account.type')
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            book_year(env)
            type_ = env.account('2320').type
            orphan, = Type.create([{'name': "Orphan", 'statement': 'balance',
                        'assets': True, 'company': env.company.id,
                        'parent': None}])
            account = env.account('2320')
            account.template_override = True
            account.type = orphan
            account.save()
            self.assertTrue(type_.fo_line)
            result = ledger.compute(env.company, dt.date(YEAR, 1, 1),
                dt.date(YEAR, 12, 31))
        self.assertEqual(broken(result), {
                'fo1_balance_end', 'unclassified'})

    @with_transaction()
    def test_year_closing_is_a_transfer(self):
        """The moves of the adjustment period are the closing of the year:
        ФО-2 leaves them out, ФО-4 shows them as transfers (R19.13)"""
        pool = Pool()
        Period = pool.get('account.period')
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            book_year(env)
            Period.create([{'name': "Closing", 'fiscalyear': env.fiscalyear,
                        'type': 'adjustment',
                        'start_date': dt.date(YEAR, 12, 31),
                        'end_date': dt.date(YEAR, 12, 31)}])
            Move = pool.get('account.move')
            Line = pool.get('account.move.line')
            closing, = Period.search([('type', '=', 'adjustment')])
            rep = pool.get('edu.funding.source')(source_id('republican'))
            paid = pool.get('edu.funding.source')(source_id('paid'))
            lines = [
                ('6010', 5_000_000, 0, rep), ('6110', 400_000, 0, paid),
                ('7010', 0, 2_000_000, rep), ('7020', 0, 200_000, rep),
                ('7140', 0, 300_000, rep), ('7210', 0, 100_000, None),
                ('5310', 0, 2_800_000, None)]
            move = Move(journal=env.journal('GEN'), period=closing,
                date=dt.date(YEAR, 12, 31), company=env.company,
                lines=[Line(account=env.account(c), debit=D(d),
                        credit=D(cr), funding_source=s,
                        ebk_specific=(pool.get('edu.ebk.specific').search(
                                [('code', '=', '111')])[0]
                            if c in {'7010', '7020', '7140'} else None))
                    for c, d, cr, s in lines])
            move.save()
            Move.post([move])
            result = ledger.compute(env.company, dt.date(YEAR, 1, 1),
                dt.date(YEAR, 12, 31))
        self.assertEqual(broken(result), set())
        self.assertEqual(ledger.totals(result)['fo2_result_current'],
            D('2800000.00'))
        rows = result['fo4']['rows']
        self.assertEqual(amounts(rows['transfers']),
            {'5310': D('2800000.00'), '*': D('-2800000.00')})
        self.assertEqual(amounts(rows['closing']), {
                '5010': D('10000000.00'), '5310': D('2800000.00')})
        self.assertEqual(D(result['fo1']['end']['420']), D('2800000.00'))

    @with_transaction()
    def test_classify(self):
        "The counterpart account decides the kind of a money line"
        self.assertEqual(ledger.classify('6010', True), 'budget')
        self.assertEqual(ledger.classify('6020', True), 'budget')
        self.assertEqual(ledger.classify('1210', True), 'paid')
        self.assertEqual(ledger.classify('6120', True), 'sponsorship')
        self.assertEqual(ledger.classify('3210', True), 'other')
        self.assertEqual(ledger.classify(None, True), 'transfer')
        self.assertEqual(ledger.classify('3150', False), 'wages')
        self.assertEqual(ledger.classify('7020', False), 'wages')
        self.assertEqual(ledger.classify('1280', False), 'suppliers')
        self.assertEqual(ledger.classify('1250', False), 'accountable')
        self.assertEqual(ledger.classify('7150', False), 'trips')
        self.assertEqual(ledger.classify('7410', False), 'other')

    @with_transaction()
    def test_wizard_and_files(self):
        """The wizard stores a run with its controls and file; the PDF and
        XLSX reports print it in kk and ru (R19.13)"""
        pool = Pool()
        Wizard = pool.get('edu.account.statement.wizard', type='wizard')
        Run = pool.get('edu.account.statement.run')
        Pdf = pool.get('edu.account.statement.pdf', type='report')
        Xlsx = pool.get('edu.account.statement.xlsx', type='report')
        load_translations()
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            book_year(env)
            session_id, _, _ = Wizard.create()
            wizard = Wizard(session_id)
            wizard.start.company = env.company
            wizard.start.fiscalyear = env.fiscalyear
            wizard.start.start_period = None
            wizard.start.end_period = None
            wizard.start.on_change_fiscalyear()
            self.assertEqual(wizard.start.from_date, dt.date(YEAR, 1, 1))
            self.assertEqual(wizard.start.to_date, dt.date(YEAR, 12, 31))
            wizard.start.form = 'all'
            wizard.start.language = 'ru'
            wizard.start.format = 'pdf'
            wizard.start.posted = True
            self.assertEqual(wizard.transition_compute_(), 'result')
            values = wizard.default_result(None)
            run = Run(values['run'])
            self.assertTrue(values['controls_ok'])
            self.assertEqual(run.state, 'computed')
            self.assertEqual(len(run.controls), 12)
            self.assertTrue(all(c.ok for c in run.controls))
            self.assertIn('ФО-1', run.controls[0].relation)
            self.assertTrue(bytes(run.file).startswith(b'%PDF'))
            self.assertEqual(run.file_name, 'ALL_2026-01-01_2026-12-31.pdf')
            self.assertEqual(json.loads(run.data)['fo1']['end']['420'],
                '2800000.00')

            ext, content, _, _ = Pdf.execute([run.id], {})
            self.assertEqual(ext, 'pdf')
            self.assertTrue(bytes(content).startswith(b'%PDF'))

            Run.draft([run])
            run.language = 'kk'
            run.format = 'xlsx'
            run.form = 'fo3'
            run.save()
            Run.compute([run])
            self.assertTrue(run.file_name.endswith('.xlsx'))
            for content in [run.file, Xlsx.execute([run.id], {})[1]]:
                text = xlsx_text(content)
                self.assertIn('ФО-3', text)
                self.assertIn('Бюджеттен қаржыландыру', text)
                self.assertIn('Бақылау арақатынастары', text)

    @with_transaction()
    def test_broken_run_reported(self):
        "A run on a broken ledger stores and prints its broken relations"
        pool = Pool()
        Run = pool.get('edu.account.statement.run')
        load_translations()
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            book_year(env)
            account = env.account('1060')
            account.template_override = True
            account.edu_cash = ''
            account.save()
            run, = Run.create([{'company': env.company.id,
                        'from_date': dt.date(YEAR, 1, 1),
                        'to_date': dt.date(YEAR, 12, 31),
                        'form': 'fo3', 'language': 'ru', 'format': 'xlsx'}])
            Run.compute([run])
        self.assertFalse(run.controls_ok)
        self.assertEqual(run.broken, 2)
        bad = [c for c in run.controls if not c.ok]
        self.assertEqual({c.key for c in bad}, {'fo3_closing', 'fo3_source'})
        self.assertEqual(bad[0].difference, D('-400000.00'))
        text = xlsx_text(run.file)
        self.assertIn('НАРУШЕНО', text)

    @with_transaction()
    def test_dates_order(self):
        "A run ending before it starts is refused with a clear error"
        pool = Pool()
        Run = pool.get('edu.account.statement.run')
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            with self.assertRaises(UserError):
                Run.create([{'company': env.company.id,
                            'from_date': dt.date(YEAR, 5, 1),
                            'to_date': dt.date(YEAR, 4, 1),
                            'form': 'all', 'language': 'kk',
                            'format': 'pdf'}])

    @with_transaction()
    def test_controls_not_written_by_hand(self):
        "The control relations are the computation's: no hand edit"
        pool = Pool()
        Run = pool.get('edu.account.statement.run')
        Control = pool.get('edu.account.statement.control')
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            run, = Run.create([{'company': env.company.id,
                        'from_date': dt.date(YEAR, 1, 1),
                        'to_date': dt.date(YEAR, 12, 31),
                        'form': 'fo1', 'language': 'kk', 'format': 'pdf'}])
            Run.compute([run])
            control = run.controls[0]
            with Transaction().set_context(_check_access=True):
                with self.assertRaises(UserError):
                    Control.write([control], {'ok': True})


def xlsx_text(content):
    "Return the shared strings and inline strings of an XLSX file"
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as book:
        names = [n for n in book.namelist()
            if n == 'xl/sharedStrings.xml' or n.startswith('xl/worksheets/')]
        text = ' '.join(book.read(n).decode('utf-8') for n in names)
    return re.sub(r'<[^>]+>', ' ', text)


del ModuleTestCase
