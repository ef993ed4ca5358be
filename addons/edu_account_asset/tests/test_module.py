# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Inventories (R19.7) and fixed assets (R19.10) of a state institution."""
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from trytond.exceptions import UserError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_employee, set_company)
from trytond.modules.edu_account.tests.tools import setup_gov_accounting
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

TODAY = dt.date.today()
YEAR = TODAY.year
D = Decimal


def ledger(move):
    "Return the lines of move as (code, debit, credit) sorted"
    return sorted((l.account.code, l.debit, l.credit) for l in move.lines)


def balance(company, code):
    "Return debit - credit of the posted lines of the account with code"
    MoveLine = Pool().get('account.move.line')
    lines = MoveLine.search([
            ('account.code', '=', code),
            ('account.company', '=', company.id),
            ('move.state', '=', 'posted'),
            ])
    return sum((l.debit - l.credit for l in lines), D(0))


def setup_stock(year=YEAR):
    "Return the accounting, a storeroom with its keeper and two products"
    pool = Pool()
    Location = pool.get('stock.location')
    Category = pool.get('product.category')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    Party = pool.get('party.party')
    ModelData = pool.get('ir.model.data')
    Specific = pool.get('edu.ebk.specific')
    Source = pool.get('edu.funding.source')
    env = setup_gov_accounting(year=year)
    company = env.company
    keeper = create_employee(company, "Storekeeper")
    storeroom, = Location.create([{
                'name': "Storeroom", 'type': 'storage',
                'edu_company': company.id, 'edu_responsible': keeper.id}])
    other_room, = Location.create([{
                'name': "Gym storeroom", 'type': 'storage',
                'edu_company': company.id,
                'edu_responsible': create_employee(company, "Coach").id}])
    specific_149 = Specific(ModelData.get_id('edu_account', 'ebk_149'))
    category, = Category.create([{
                'name': "Materials", 'edu_stock_account': '1310',
                'edu_ebk_specific': specific_149.id}])
    unit = Uom(ModelData.get_id('product', 'uom_unit'))
    paper, chalk = Template.create([{
                'name': "Paper A4", 'type': 'goods',
                'default_uom': unit.id, 'categories': [('add', [category])],
                'products': [('create', [{}])],
                }, {
                'name': "Chalk", 'type': 'goods', 'default_uom': unit.id,
                'edu_stock_account': '1340',
                'categories': [('add', [category])],
                'products': [('create', [{}])],
                }])
    supplier, = Party.create([{'name': "Office Supplies LLP"}])
    local = Source(ModelData.get_id('edu_account', 'funding_local'))
    return SimpleNamespace(env=env, company=company, keeper=keeper,
        storeroom=storeroom, other_room=other_room, paper=paper.products[0],
        chalk=chalk.products[0], supplier=supplier, local=local,
        specific_149=specific_149)


def document(s, kind, lines, **values):
    Document = Pool().get('edu.stock.document')
    doc, = Document.create([{
                'company': s.company.id, 'kind': kind,
                'date': values.pop('date', TODAY),
                'location': s.storeroom.id,
                'lines': [('create', [{
                                'product': p.id, 'quantity': q,
                                'unit_price': price}
                            for p, q, price in lines])],
                **values}])
    return doc


def setup_assets(year=YEAR):
    """Return the accounting of two fiscal years (year - 1 and year), two
    responsible persons, a supplier and an asset product"""
    from trytond.modules.edu_account.tests.tools import (
        _create_fiscalyear_pool)
    pool = Pool()
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    Party = pool.get('party.party')
    ModelData = pool.get('ir.model.data')
    Group = pool.get('edu.asset.group')
    Specific = pool.get('edu.ebk.specific')
    Source = pool.get('edu.funding.source')
    env = setup_gov_accounting(year=year - 1)
    company = env.company
    with set_company(company):
        _create_fiscalyear_pool(company, year)
    unit = Uom(ModelData.get_id('product', 'uom_unit'))
    template, = Template.create([{
                'name': "Interactive whiteboard", 'type': 'assets',
                'depreciable': True, 'default_uom': unit.id,
                'products': [('create', [{}])]}])

    def group(name):
        return Group(ModelData.get_id('edu_account_asset',
                'asset_group_' + name))
    return SimpleNamespace(env=env, company=company,
        product=template.products[0],
        teacher=create_employee(company, "Teacher of physics"),
        caretaker=create_employee(company, "Caretaker"),
        supplier=Party.create([{'name': "EduTech LLP"}])[0],
        group=group, journal=env.journal('AST'),
        specific_414=Specific(ModelData.get_id('edu_account', 'ebk_414')),
        local=Source(ModelData.get_id('edu_account', 'funding_local')),
        sponsorship=Source(ModelData.get_id(
                'edu_account', 'funding_sponsorship')))


def new_asset(a, value, group='computers', purchase=None, **values):
    Asset = Pool().get('account.asset')
    asset, = Asset.create([{
                'company': a.company.id, 'product': a.product.id,
                'value': value, 'account_journal': a.journal.id,
                'purchase_date': purchase or dt.date(YEAR - 1, 12, 5),
                'edu_group': a.group(group).id,
                'edu_party': a.supplier.id,
                'edu_funding_source': a.local.id,
                'edu_ebk_specific': a.specific_414.id,
                **values}])
    return asset


class EduAccountAssetTestCase(CompanyTestMixin, ModuleTestCase):
    "Test edu_account_asset module"
    module = 'edu_account_asset'

    @property
    def _skip_company_rule(self):
        # company.company is extended here, its parent is edu_base's; a
        # location without institution (Tryton's own) stays visible to all:
        # the rule is "edu_company empty or in companies"
        return super()._skip_company_rule | {
            ('company.company', 'edu_parent'),
            ('stock.location', 'edu_company'),
            ('edu.ebk.program', 'company')}

    @with_transaction()
    def test_receipt_issue_average_cost(self):
        """A receipt posts Dt 1310 / Cr 3210, an issue Dt 7110 / Cr 1310 at
        the weighted average cost (R19.7)"""
        pool = Pool()
        Document = pool.get('edu.stock.document')
        s = setup_stock()
        with set_company(s.company):
            first = document(s, 'receipt', [(s.paper, 10, D('100'))],
                party=s.supplier.id, funding_source=s.local.id)
            second = document(s, 'receipt', [(s.paper, 30, D('140'))],
                party=s.supplier.id, funding_source=s.local.id)
            Document.post([first, second])
            self.assertEqual(first.state, 'done')
            self.assertTrue(first.number.startswith('ПН-'))
            self.assertEqual(ledger(first.move), [
                    ('1310', D('1000.00'), D(0)),
                    ('3210', D(0), D('1000.00'))])
            party_line, = [l for l in first.move.lines
                if l.account.code == '3210']
            self.assertEqual(party_line.party, s.supplier)
            self.assertEqual(party_line.funding_source, s.local)
            # (10 × 100 + 30 × 140) / 40 = 130
            issue = document(s, 'issue', [(s.paper, 4, None)],
                funding_source=s.local.id)
            Document.post([issue])
            line, = issue.lines
            self.assertEqual(line.unit_price, D('130'))
            self.assertEqual(line.ebk_specific, s.specific_149)
            self.assertTrue(issue.number.startswith('ТН-'))
            self.assertEqual(ledger(issue.move), [
                    ('1310', D(0), D('520.00')),
                    ('7110', D('520.00'), D(0))])
            expense, = [l for l in issue.move.lines
                if l.account.code == '7110']
            self.assertEqual(expense.ebk_specific, s.specific_149)
            self.assertEqual(expense.funding_source, s.local)
            self.assertEqual(issue.move.journal.code, 'STO')
            self.assertEqual(balance(s.company, '1310'), D('4680.00'))

    @with_transaction()
    def test_no_negative_stock(self):
        """An issue above the quantity at the storage place is refused and
        leaves nothing behind (R19.7)"""
        pool = Pool()
        Document = pool.get('edu.stock.document')
        s = setup_stock()
        with set_company(s.company):
            receipt = document(s, 'receipt', [(s.paper, 5, D('10'))],
                party=s.supplier.id, funding_source=s.local.id)
            Document.post([receipt])
            issue = document(s, 'issue', [(s.paper, 6, None)],
                funding_source=s.local.id)
            with self.assertRaises(UserError) as cm:
                Document.post([issue])
            message = cm.exception.message
            self.assertIn('Paper A4', message)
            self.assertIn('Storeroom', message)
            self.assertIn('lack 1 u', message)
            # a transfer out of the other storeroom, empty, is refused too
            transfer = document(s, 'transfer', [(s.chalk, 1, None)],
                location=s.other_room.id, to_location=s.storeroom.id)
            with self.assertRaises(UserError):
                Document.post([transfer])

    @with_transaction()
    def test_reverse_posted_document(self):
        """A posted document is corrected by its reversal: opposite stock
        moves and Tryton's cancel move; never when the goods are gone
        (R19.7)"""
        pool = Pool()
        Document = pool.get('edu.stock.document')
        s = setup_stock()
        with set_company(s.company):
            first = document(s, 'receipt', [(s.paper, 10, D('100'))],
                party=s.supplier.id, funding_source=s.local.id)
            second = document(s, 'receipt', [(s.chalk, 10, D('30'))],
                party=s.supplier.id, funding_source=s.local.id)
            Document.post([first, second])
            issue = document(s, 'issue', [(s.chalk, 8, None)],
                funding_source=s.local.id)
            Document.post([issue])
            Document.cancel([first])
            self.assertEqual(first.state, 'cancelled')
            self.assertEqual(first.move.state, 'posted')
            self.assertEqual(ledger(first.cancel_move), [
                    ('1310', D(0), D('1000.00')),
                    ('3210', D('1000.00'), D(0))])
            self.assertEqual(balance(s.company, '1310'), D(0))
            with self.assertRaises(UserError):
                # it was posted: a copy is made instead
                Document.draft([first])
            with self.assertRaises(UserError):
                # 8 of the 10 boxes of chalk were issued
                Document.cancel([second])

    @with_transaction()
    def test_closed_period(self):
        """A document dated in a closed period is refused; the moves
        balance (R19.7, R19.18)"""
        pool = Pool()
        Document = pool.get('edu.stock.document')
        Period = pool.get('account.period')
        s = setup_stock()
        with set_company(s.company):
            january = Period.find(s.company, date=dt.date(YEAR, 1, 10))
            Period.close([january])
            receipt = document(s, 'receipt', [(s.paper, 5, D('10'))],
                party=s.supplier.id, funding_source=s.local.id,
                date=dt.date(YEAR, 1, 10))
            with self.assertRaises(UserError):
                Document.post([receipt])
            receipt = document(s, 'receipt', [(s.paper, 5, D('10.01'))],
                party=s.supplier.id, funding_source=s.local.id)
            Document.post([receipt])
            self.assertEqual(sum(l.debit for l in receipt.move.lines),
                sum(l.credit for l in receipt.move.lines))
            self.assertEqual(receipt.move.state, 'posted')

    @with_transaction()
    def test_writeoff_and_transfer(self):
        """A write-off act posts Dt 7310 / Cr 13xx; a transfer moves the
        goods without ledger effect (R19.7)"""
        pool = Pool()
        Document = pool.get('edu.stock.document')
        Product = pool.get('product.product')
        s = setup_stock()
        with set_company(s.company):
            receipt = document(s, 'receipt', [
                    (s.chalk, 100, D('25')), (s.paper, 10, D('2000'))],
                party=s.supplier.id, funding_source=s.local.id)
            Document.post([receipt])
            self.assertEqual(ledger(receipt.move), [
                    ('1310', D('20000.00'), D(0)),
                    ('1340', D('2500.00'), D(0)),
                    ('3210', D(0), D('2500.00')),
                    ('3210', D(0), D('20000.00'))])
            writeoff = document(s, 'writeoff', [(s.chalk, 20, None)],
                reason="Broken in the flood",
                commission="Director\nAccountant\nDeputy")
            with self.assertRaises(UserError):
                # the commission is required: a write-off without it fails
                Document.write([writeoff], {'commission': None})
                Document.post([writeoff])
            Document.write([writeoff], {'commission': "Director\nDeputy"})
            Document.post([writeoff])
            self.assertEqual(ledger(writeoff.move), [
                    ('1340', D(0), D('500.00')),
                    ('7310', D('500.00'), D(0))])
            transfer = document(s, 'transfer', [(s.chalk, 30, None)],
                to_location=s.other_room.id)
            Document.post([transfer])
            self.assertIsNone(transfer.move)
            with Transaction().set_context(
                    locations=[s.storeroom.id, s.other_room.id],
                    stock_date_end=TODAY):
                chalk = Product(s.chalk.id)
                quantities = Product.products_by_location(
                    [s.storeroom.id, s.other_room.id],
                    grouping_filter=([s.chalk.id],))
            del chalk
            self.assertEqual(quantities[(s.storeroom.id, s.chalk.id)], 50)
            self.assertEqual(quantities[(s.other_room.id, s.chalk.id)], 30)
            # a posted document is never deleted
            with self.assertRaises(UserError):
                Document.delete([writeoff])


    @with_transaction()
    def test_stock_taking_differences(self):
        """Stock-taking posts surplus Dt 13xx / Cr 6210 and shortage Dt 1270
        (the responsible person) / Cr 13xx at average cost (R19.7)"""
        pool = Pool()
        Document = pool.get('edu.stock.document')
        Inventory = pool.get('stock.inventory')
        InventoryList = pool.get('edu.stock.inventory.list', type='report')
        InventoryXlsx = pool.get(
            'edu.stock.inventory.list.xlsx', type='report')
        s = setup_stock()
        with set_company(s.company):
            receipt = document(s, 'receipt', [
                    (s.paper, 10, D('1500')), (s.chalk, 40, D('20'))],
                party=s.supplier.id, funding_source=s.local.id)
            Document.post([receipt])
            inventory, = Inventory.create([{
                        'location': s.storeroom.id, 'date': TODAY,
                        'company': s.company.id,
                        'edu_order_number': '12-Ө',
                        'edu_commission': "Director\nAccountant"}])
            Inventory.complete_lines([inventory])
            for line in inventory.lines:
                line.quantity = {s.paper: 12, s.chalk: 35}[line.product]
                line.save()
            Inventory.confirm([inventory])
            move = inventory.edu_move
            self.assertEqual(move.journal.code, 'STO')
            self.assertEqual(ledger(move), [
                    ('1270', D('100.00'), D(0)),
                    ('1310', D('3000.00'), D(0)),
                    ('1340', D(0), D('100.00')),
                    ('6210', D(0), D('3000.00'))])
            shortage, = [l for l in move.lines if l.account.code == '1270']
            self.assertEqual(shortage.party, s.keeper.party)
            self.assertEqual(balance(s.company, '1310'), D('18000.00'))
            self.assertEqual(balance(s.company, '1340'), D('700.00'))
            _, pdf, _, _ = InventoryList.execute([inventory.id], {})
            self.assertTrue(bytes(pdf).startswith(b'%PDF'))
            extension, xlsx, _, _ = InventoryXlsx.execute(
                [inventory.id], {})
            self.assertEqual(extension, 'xlsx')
            self.assertTrue(bytes(xlsx).startswith(b'PK'))

    @with_transaction()
    def test_document_print(self):
        "Every kind of stock document prints in kk and ru (R19.7)"
        pool = Pool()
        Document = pool.get('edu.stock.document')
        Report = pool.get('edu.stock.document.form', type='report')
        s = setup_stock()
        with set_company(s.company):
            receipt = document(s, 'receipt', [(s.chalk, 10, D('20'))],
                party=s.supplier.id, funding_source=s.local.id)
            Document.post([receipt])
            for language in ['kk', 'ru']:
                with Transaction().set_context(language=language):
                    extension, content, _, name = Report.execute(
                        [receipt.id], {})
                self.assertEqual(extension, 'pdf')
                self.assertTrue(bytes(content).startswith(b'%PDF'))

    @with_transaction()
    def test_asset_life(self):
        """Receipt Dt 2340 / Cr 3210, commissioning with inventory number,
        monthly straight-line depreciation at the group rate, transfer with
        history, write-off Dt 2390 + Dt 7310 / Cr 2340 (R19.10)"""
        pool = Pool()
        Asset = pool.get('account.asset')
        Transfer = pool.get('edu.asset.transfer')
        Card = pool.get('edu.asset.card', type='report')
        Act = pool.get('edu.asset.transfer.act', type='report')
        a = setup_assets()
        with set_company(a.company):
            asset = new_asset(a, D('1200000'))
            with self.assertRaises(UserError):
                # not received yet
                Asset.write([asset], {
                        'edu_commissioning_date': dt.date(YEAR - 1, 12, 20),
                        'edu_responsible': a.teacher.id})
                Asset.run([asset])
            Asset.edu_receive([asset])
            self.assertEqual(ledger(asset.edu_receipt_move), [
                    ('2340', D('1200000.00'), D(0)),
                    ('3210', D(0), D('1200000.00'))])
            self.assertEqual(asset.edu_receipt_move.journal.code, 'AST')
            Asset.run([asset])
            self.assertEqual(asset.state, 'running')
            self.assertTrue(asset.number)
            # computers: 25 % a year, 48 months from January
            self.assertEqual(asset.start_date, dt.date(YEAR, 1, 1))
            self.assertEqual(asset.end_date, dt.date(YEAR + 3, 12, 31))
            self.assertEqual(asset.frequency, 'monthly')
            self.assertEqual(len(asset.lines), 48)
            self.assertEqual({l.depreciation for l in asset.lines},
                {D('25000.00')})
            Asset.create_moves([asset], dt.date(YEAR, 6, 30))
            self.assertEqual(balance(a.company, '7210'), D('150000.00'))
            self.assertEqual(balance(a.company, '2390'), D('-150000.00'))
            self.assertEqual(asset.edu_residual, D('1050000.00'))
            line = asset.lines[0]
            self.assertEqual(ledger(line.move), [
                    ('2390', D(0), D('25000.00')),
                    ('7210', D('25000.00'), D(0))])

            transfer, = Transfer.create([{
                        'company': a.company.id, 'asset': asset.id,
                        'date': dt.date(YEAR, 7, 1),
                        'to_employee': a.caretaker.id,
                        'reason': "New classroom"}])
            Transfer.do([transfer])
            self.assertEqual(transfer.from_employee, a.teacher)
            self.assertEqual(asset.edu_responsible, a.caretaker)
            self.assertEqual(list(asset.edu_transfers), [transfer])
            self.assertTrue(transfer.number.startswith('ПА-'))
            _, pdf, _, _ = Act.execute([transfer.id], {})
            self.assertTrue(bytes(pdf).startswith(b'%PDF'))

            with self.assertRaises(UserError):
                Asset.edu_write_off([asset])  # no date nor reason
            Asset.write([asset], {
                    'edu_writeoff_date': dt.date(YEAR, 8, 31),
                    'edu_writeoff_reason': "Broken beyond repair",
                    'edu_writeoff_commission': "Director\nAccountant"})
            Asset.edu_write_off([asset])
            self.assertEqual(asset.state, 'closed')
            self.assertEqual(ledger(asset.move), [
                    ('2340', D(0), D('1200000.00')),
                    ('2390', D('200000.00'), D(0)),
                    ('7310', D('1000000.00'), D(0))])
            self.assertEqual(balance(a.company, '2340'), D(0))
            self.assertEqual(balance(a.company, '2390'), D(0))
            for language in ['kk', 'ru']:
                with Transaction().set_context(language=language):
                    _, pdf, _, _ = Card.execute([asset.id], {})
                self.assertTrue(bytes(pdf).startswith(b'%PDF'))

    @with_transaction()
    def test_land_low_value_donated(self):
        """Land is not depreciated; a low-value asset is fully depreciated
        on commissioning; a donated one is credited to 6120 (R19.10)"""
        pool = Pool()
        Asset = pool.get('account.asset')
        Company = pool.get('company.company')
        a = setup_assets()
        Company.write([a.company], {'edu_asset_threshold': D('100000')})
        with set_company(a.company):
            land = new_asset(a, D('5000000'), group='land',
                edu_commissioning_date=dt.date(YEAR, 1, 10),
                edu_responsible=a.caretaker.id)
            chair = new_asset(a, D('45000'), group='other',
                edu_receipt_kind='donated', edu_party=None,
                edu_funding_source=a.sponsorship.id,
                edu_commissioning_date=dt.date(YEAR, 2, 3),
                edu_responsible=a.teacher.id)
            Asset.edu_receive([land, chair])
            self.assertEqual(ledger(chair.edu_receipt_move), [
                    ('2360', D('45000.00'), D(0)),
                    ('6120', D(0), D('45000.00'))])
            income, = [l for l in chair.edu_receipt_move.lines
                if l.account.code == '6120']
            self.assertEqual(income.funding_source, a.sponsorship)
            Asset.run([land, chair])
            self.assertEqual(land.lines, ())
            Asset.create_moves([land], dt.date(YEAR, 10, 31))
            self.assertEqual(land.edu_residual, D('5000000.00'))
            line, = chair.lines
            self.assertEqual(line.date, dt.date(YEAR, 2, 3))
            self.assertEqual(ledger(line.move), [
                    ('2390', D(0), D('45000.00')),
                    ('7210', D('45000.00'), D(0))])
            self.assertEqual(chair.edu_residual, D(0))

    @with_transaction()
    def test_asset_stock_taking(self):
        """A missing asset is closed as a shortage of its responsible
        person: Dt 2390 + Dt 1270 / Cr 23xx (R19.10)"""
        pool = Pool()
        Asset = pool.get('account.asset')
        Inventory = pool.get('edu.asset.inventory')
        Report = pool.get('edu.asset.inventory.list', type='report')
        a = setup_assets()
        with set_company(a.company):
            values = {'edu_commissioning_date': dt.date(YEAR - 1, 12, 20),
                'edu_responsible': a.teacher.id}
            laptop = new_asset(a, D('480000'), **values)
            projector = new_asset(a, D('240000'), **values)
            Asset.edu_receive([laptop, projector])
            Asset.run([laptop, projector])
            inventory, = Inventory.create([{
                        'company': a.company.id, 'number': '7-Ө',
                        'date': dt.date(YEAR, 3, 31),
                        'responsible': a.teacher.id,
                        'commission': "Director\nAccountant"}])
            Inventory.complete([inventory])
            self.assertEqual({l.asset for l in inventory.lines},
                {laptop, projector})
            line, = [l for l in inventory.lines if l.asset == projector]
            line.found = False
            line.save()
            Inventory.confirm([inventory])
            self.assertEqual(projector.state, 'closed')
            self.assertEqual(laptop.state, 'running')
            # 3 months at 5 000
            self.assertEqual(ledger(projector.move), [
                    ('1270', D('225000.00'), D(0)),
                    ('2340', D(0), D('240000.00')),
                    ('2390', D('15000.00'), D(0))])
            debt, = [l for l in projector.move.lines
                if l.account.code == '1270']
            self.assertEqual(debt.party, a.teacher.party)
            _, pdf, _, _ = Report.execute([inventory.id], {})
            self.assertTrue(bytes(pdf).startswith(b'%PDF'))


del ModuleTestCase
