# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the inventories (R19.7) and fixed assets (R19.10) of
school № 12 for the demo year.

Inventories: the storeroom (a storage place with the deputy director for
the household as materially responsible person), four materials on 1310
with the specific 149; three receipts from the stationery supplier under
its contract (registered against the plan when the settlements are
activated) and paid through the treasury ten days later (Dr 3210 / Cr
1040, ЕБК 149, local budget); issues to use (Dr 7110 / Cr 1310), a
write-off act (Dr 7310 / Cr 1310) and, in the last month past, a
stock-taking with a small difference (a shortage charged to the
responsible person, Dr 1270 / Cr 1310).

Fixed assets: the equipment of the republican targeted transfer (ЕБК 414)
bought in April: interactive panels and a computer class (receipt Dr
2340 / Cr 3210, paid from the treasury), commissioned at once with their
responsible persons, depreciated every month since (Dr 7210 / Cr 2390),
and a panel transferred to another teacher in September.

Called by scripts/create_db.py with the summary of scripts/demo_data.load();
returns its figures.
"""
import datetime as dt
import time
from decimal import Decimal

import demo_edu_account as core

#: name, unit price, account; the materials of the storeroom
MATERIALS = [
    ("Қағаз А4, бума / Бумага А4, пачка", Decimal('2600')),
    ("Бор, қорап / Мел, коробка", Decimal('900')),
    ("Жуғыш құрал, л / Моющее средство, л", Decimal('1500')),
    ("LED шам / Лампа LED", Decimal('1200')),
    ]
#: month, day, quantities of the receipts
RECEIPTS = [(2, 6, (150, 60, 120, 80)), (4, 8, (120, 40, 100, 40)),
    (9, 4, (200, 80, 150, 60))]
#: month, day, quantities issued to use
ISSUES = [(3, 2, (90, 40, 70, 30)), (5, 4, (80, 30, 60, 20)),
    (9, 14, (120, 50, 90, 40)), (10, 12, (60, 20, 50, 20))]
#: name, group code, unit value, quantity (one asset per item group)
ASSETS = [
    ("Интерактивті панель 75\" (1-блок) / Интерактивная панель 75\"",
        '04', Decimal('4500000')),
    ("Интерактивті панель 75\" (2-блок) / Интерактивная панель 75\"",
        '04', Decimal('4500000')),
    ("Компьютер сыныбы, 10 ноутбук / Компьютерный класс, 10 ноутбуков",
        '05', Decimal('2900000')),
    ]


def load(summary):
    from trytond.pool import Pool
    pool = Pool()
    try:
        pool.get('edu.stock.document')
    except KeyError:
        return {'skipped': 'edu_account_asset is not activated'}
    company = summary.get('companies', {}).get('school')
    if not company:
        return {'skipped': 'no school'}
    started = time.monotonic()

    def part():
        books = core.Books(company['id'])
        if not books.fiscalyear:
            return {'skipped': 'no fiscal year (edu_account demo)'}
        figures = _inventories(books)
        figures.update(_assets(books))
        if core.is_last_part('demo_edu_account_asset'):
            figures.update(core.finish_year(company['id']))
        return figures
    figures = core.run_locked(company['id'], part)
    figures['seconds'] = round(time.monotonic() - started, 2)
    return figures


def employee(books, position):
    from trytond.pool import Pool
    Employee = Pool().get('company.employee')
    found = Employee.search([('company', '=', books.company.id),
            ('position', 'ilike', position)], order=[('id', 'ASC')])
    return found


def supplier(name, serial):
    import demo_edu_account_settlement as settlement
    return settlement.supplier(name, serial)


def pay(books, party, date, amount, code, source, description):
    """Pay a supplier through the treasury (Dr 3210 / Cr 1040) and
    reconcile its open lines on 3210 when they balance"""
    from trytond.pool import Pool
    Line = Pool().get('account.move.line')
    books.move('TRE', date, [
            books.line('3210', debit=amount, party=party, ebk=code,
                source=source),
            books.line('1040', credit=amount, ebk=code, source=source),
            ], description)
    books.post_all()
    lines = Line.search([('account', '=', books.account('3210').id),
            ('party', '=', party.id), ('reconciliation', '=', None),
            ('move.state', '=', 'posted')])
    if lines and not sum(l.debit - l.credit for l in lines):
        Line.reconcile(lines)


def _contract(books, party, amount, months):
    "The supplier's contract, registered against the plan (settlements)"
    from trytond.pool import Pool
    pool = Pool()
    try:
        Contract = pool.get('edu.contract')
    except KeyError:
        return 0
    year = books.year
    share = (amount / len(months)).quantize(Decimal(1))
    schedule = {m: share for m in months[:-1]}
    schedule[months[-1]] = amount - sum(schedule.values())
    contract, = Contract.create([{
                'company': books.company.id, 'number': f"{year}/ТМЗ-1",
                'date': min(core.day(year, months[0], 2), books.today),
                'party': party.id,
                'subject': ("Кеңсе тауарлары мен шаруашылық материалдары / "
                    "Канцелярские и хозяйственные товары"),
                'ebk_program': books.program.id,
                'ebk_specific': books.specifics['149'].id,
                'funding_source': books.sources['local'].id,
                'amount': amount,
                'start_date': dt.date(year, months[0], 1),
                'end_date': dt.date(year, 12, 31),
                'lines': [('create', [{'month': dt.date(year, m, 1),
                                'amount': a}
                            for m, a in sorted(schedule.items())])],
                }])
    Contract.register([contract])
    return 1


def _inventories(books):
    from trytond.pool import Pool
    pool = Pool()
    Location = pool.get('stock.location')
    Category = pool.get('product.category')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    Document = pool.get('edu.stock.document')
    Inventory = pool.get('stock.inventory')
    ModelData = pool.get('ir.model.data')
    year = books.year
    keeper = (employee(books, '%шаруашылық%') or employee(books, '%'))[0]
    teachers = employee(books, '%мұғалімі%')
    storeroom, = Location.create([{
                'name': "Мектеп қоймасы / Склад школы", 'code': 'SKL-12',
                'type': 'storage', 'edu_company': books.company.id,
                'edu_responsible': keeper.id}])
    category, = Category.create([{
                'name': "Материалдар (Материалы)",
                'edu_stock_account': '1310',
                'edu_ebk_specific': books.specifics['149'].id}])
    unit = Uom(ModelData.get_id('product', 'uom_unit'))
    templates = Template.create([{
                'name': name, 'type': 'goods', 'default_uom': unit.id,
                'list_price': Decimal(0),
                'categories': [('add', [category.id])],
                'products': [('create', [{}])],
                } for name, _ in MATERIALS])
    products = [t.products[0] for t in templates]
    party = supplier("«Кеңсе әлемі» ЖШС", 3100)
    local = books.sources['local']
    receipts = [r for r in RECEIPTS
        if core.day(year, r[0], r[1]) < books.today]
    total = sum(q * p for _, _, qs in receipts
        for q, (_, p) in zip(qs, MATERIALS))
    contracts = _contract(books, party, (total * Decimal("1.1")).quantize(Decimal(1000)),
        [m for m, _, _ in receipts]) if receipts else 0
    figures = {'stock_contracts': contracts, 'stock_documents': 0,
        'stock_received_kzt': Decimal(0)}

    def post(document):
        Document.save([document])
        Document.post([document])
        figures['stock_documents'] += 1

    events = ([(core.day(year, m, d), 'receipt', qs) for m, d, qs in RECEIPTS]
        + [(core.day(year, m, d), 'issue', qs) for m, d, qs in ISSUES])
    for date, kind, quantities in sorted(events, key=lambda e: e[0]):
        if date >= books.today:
            continue
        lines = [{'product': p.id, 'quantity': q,
                **({'unit_price': price} if kind == 'receipt' else {})}
            for p, q, (_, price) in zip(products, quantities, MATERIALS)]
        if kind == 'receipt':
            document = Document(kind='receipt', company=books.company,
                location=storeroom, party=party, date=date,
                supplier_reference=f"ЭШФ-{date:%m%d}", funding_source=local,
                lines=lines)
            post(document)
            amount = Document(document.id).total
            figures['stock_received_kzt'] += amount
            pay_date = date + dt.timedelta(days=10)
            if pay_date < books.today:
                pay(books, party, pay_date, amount, '149', 'local',
                    f"{document.number}: төлем / оплата")
        else:
            post(Document(kind='issue', company=books.company,
                    location=storeroom, date=date, funding_source=local,
                    recipient=teachers[date.month % len(teachers)]
                    if teachers else None, lines=lines))
    # the lamps broken in the summer repairs
    writeoff_date = core.day(year, 6, 20)
    if writeoff_date < books.today:
        post(Document(kind='writeoff', company=books.company,
                location=storeroom, date=writeoff_date,
                reason=("Жөндеу кезінде сынған / "
                    "Разбиты при ремонте"),
                commission="Директор / директор\nБас бухгалтер / "
                "главный бухгалтер",
                lines=[{'product': products[3].id, 'quantity': 6}]))
    # the stock-taking of the last month past: 2 packs of paper missing
    month = books.today.month - 1 or 12
    count_date = core.day(year if books.today.month > 1 else year - 1,
        month, 28)
    if books.year == count_date.year and count_date < books.today:
        inventory, = Inventory.create([{
                    'location': storeroom.id, 'date': count_date,
                    'company': books.company.id,
                    'edu_order_number': f"{count_date:%m}-Ө",
                    'edu_commission': "Директор / директор\n"
                    "Бас бухгалтер / главный бухгалтер"}])
        Inventory.complete_lines([inventory])
        inventory = Inventory(inventory.id)
        for line in inventory.lines:
            if line.product == products[0] and line.expected_quantity:
                line.quantity = line.expected_quantity - 2
            else:
                line.quantity = line.expected_quantity
        inventory.lines = list(inventory.lines)
        inventory.save()
        Inventory.confirm([inventory])
        figures['stock_takings'] = 1
    return figures


def _assets(books):
    from trytond.pool import Pool
    pool = Pool()
    Group = pool.get('edu.asset.group')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    Asset = pool.get('account.asset')
    Transfer = pool.get('edu.asset.transfer')
    ModelData = pool.get('ir.model.data')
    year = books.year
    month = books.equipment_month()
    bought = core.day(year, month, 14)
    if bought >= books.today:
        return {'assets': 0}
    groups = {g.code: g for g in Group.search([])}
    unit = Uom(ModelData.get_id('product', 'uom_unit'))
    teachers = employee(books, '%мұғалімі%')
    party = supplier("«EduTech Kazakhstan» ЖШС", 3300)
    republican = books.sources['republican']
    assets = []
    for index, (name, group, value) in enumerate(ASSETS):
        template, = Template.create([{
                    'name': name, 'type': 'assets', 'depreciable': True,
                    'default_uom': unit.id, 'list_price': Decimal(0),
                    'products': [('create', [{}])]}])
        assets.append(Asset(
                company=books.company, product=template.products[0],
                value=value, purchase_date=bought,
                edu_group=groups[group], edu_receipt_kind='supplier',
                edu_party=party, edu_funding_source=republican,
                edu_ebk_specific=books.specifics['414'],
                edu_commissioning_date=bought + dt.timedelta(days=3),
                edu_responsible=teachers[index * 5 % len(teachers)]))
    Asset.save(assets)
    Asset.edu_receive(assets)
    Asset.run(assets)
    total = sum(a.value for a in assets)
    pay_date = bought + dt.timedelta(days=7)
    if pay_date < books.today:
        pay(books, party, pay_date, total, '414', 'republican',
            "Жабдық үшін төлем / Оплата оборудования")
    # monthly depreciation up to the end of the last month past
    last = dt.date(books.today.year, books.today.month, 1) \
        - dt.timedelta(days=1)
    Asset.create_moves(assets, min(last, dt.date(year, 12, 31)))
    figures = {'assets': len(assets), 'assets_kzt': total}
    moved = core.day(year, 9, 1)
    if moved < books.today:
        transfer, = Transfer.create([{
                    'company': books.company.id, 'asset': assets[0].id,
                    'date': moved,
                    'to_employee': teachers[-1].id,
                    'reason': ("Физика кабинетіне көшірілді / "
                        "Перенесена в кабинет физики")}])
        Transfer.do([transfer])
        figures['asset_transfers'] = 1
    figures['depreciation_kzt'] = sum(
        l.depreciation for a in Asset.browse(assets) for l in a.lines
        if l.move)
    return figures
