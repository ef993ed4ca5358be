# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the settlements (R19.4, R19.5, R19.6, R19.8) of school
№ 12 for the demo year.

- Supplier contracts registered against the financing plan (budget
  obligations by month, edu_budget refuses any over the plan): electricity
  and heating (ЕБК 151), communications (152), security services (159) for
  the year, and a current repair of the canteen (159) in September, the
  month the plan's amendment made room for;
- the monthly acts of completed services (supplier invoices, Dr 7120 /
  7130 / 7140, Cr 3210, with the contract's ЕБК and funding source) and
  their payment through the treasury on the 10th of the next month
  (Dr 3210 / Cr 1040), the act then paid and reconciled;
- two business trips (Almaty seminar in March, Karaganda olympiad in
  October): the trip order with the dated norms (per diem 6 МРП, lodging
  by destination), the advance paid from the cash desk (the cheque from
  the treasury Dr 1010 / Cr 1040, ЕБК 161, then Dr 1250 / Cr 1010), the
  advance report on return (Dr 7150, ЕБК 161 / Cr 1250) with the
  reimbursement of the overspent part or the return of the rest.

Called by scripts/create_db.py with the summary of scripts/demo_data.load();
returns its figures.
"""
import datetime as dt
import time
from decimal import Decimal

import demo_edu_account as core

#: name, ЕБК specific, expense account, yearly amount, first month
CONTRACTS = [
    ("«Астана-РЭК» АҚ", '151', '7120', Decimal('13800000'), 1,
        "Электр энергиясы мен жылу беру / "
        "Электроснабжение и теплоснабжение"),
    ("«Қазақтелеком» АҚ", '152', '7130', Decimal('1320000'), 1,
        "Байланыс және интернет қызметтері / Услуги связи и интернета"),
    ("«Қорған-Қызмет» ЖШС", '159', '7140', Decimal('6000000'), 1,
        "Мектепті күзету / Охрана школы"),
    ]
REPAIR = ("«Жөндеу-Сервис» ЖШС", '159', '7140', Decimal('600000'), 9,
    "Асхананы ағымдағы жөндеу / Текущий ремонт столовой")
#: МРП of the year and the norms of the trips (Government decree on the
#: business trips of civil servants, to be verified): per diem 6 МРП a
#: day in Kazakhstan, lodging a night by destination
MRP = {2024: Decimal('3692'), 2025: Decimal('3932'), 2026: Decimal('4325')}
NORMS = [
    ('per_diem', 'astana_almaty', Decimal(6)),
    ('per_diem', 'regional_centre', Decimal(6)),
    ('per_diem', 'other', Decimal(6)),
    ('lodging', 'astana_almaty', Decimal(10)),
    ('lodging', 'regional_centre', Decimal(7)),
    ('lodging', 'other', Decimal(5)),
    ]
#: destination, class, purpose, month, day, days, advance, transport
TRIPS = [
    ("Алматы қ.", 'astana_almaty',
        "Республикалық әдістемелік семинар / "
        "Республиканский методический семинар", 3, 16, 3,
        Decimal('60000'), Decimal('38500')),
    ("Қарағанды қ.", 'regional_centre',
        "Облыстық пән олимпиадасы / Областная предметная олимпиада",
        10, 19, 4, Decimal('150000'), Decimal('12800')),
    ]


def load(summary):
    from trytond.pool import Pool
    pool = Pool()
    try:
        pool.get('edu.contract')
    except KeyError:
        return {'skipped': 'edu_account_settlement is not activated'}
    company = summary.get('companies', {}).get('school')
    if not company:
        return {'skipped': 'no school'}
    started = time.monotonic()

    def part():
        books = core.Books(company['id'])
        if not books.fiscalyear:
            return {'skipped': 'no fiscal year (edu_account demo)'}
        figures = _contracts(books)
        figures.update(_trips(books))
        if core.is_last_part('demo_edu_account_settlement'):
            figures.update(core.finish_year(company['id']))
        return figures
    figures = core.run_locked(company['id'], part)
    figures['seconds'] = round(time.monotonic() - started, 2)
    return figures


def supplier(name, serial):
    "The supplier party of name with a BIN and an address, created once"
    from trytond.modules.edu_base import kz_id
    from trytond.pool import Pool
    Party = Pool().get('party.party')
    found = Party.search([('name', '=', name)], limit=1)
    if found:
        return found[0]
    while True:
        code = kz_id.make_bin(2003, 6, serial)
        if code and not Party.search([('bin', '=', code)], limit=1):
            break
        serial += 1
    party, = Party.create([{'name': name, 'bin': code,
                'addresses': [('create', [{'city': "Астана"}])]}])
    return party


def payment_method(books):
    "The treasury as a payment method of the supplier acts"
    from trytond.pool import Pool
    Method = Pool().get('account.invoice.payment.method')
    name = "Қазынашылық / Казначейство"
    found = Method.search([('company', '=', books.company.id),
            ('name', '=', name)], limit=1)
    if found:
        return found[0]
    method, = Method.create([{
                'company': books.company.id, 'name': name,
                'journal': books.journal('TRE').id,
                'credit_account': books.account('1040').id,
                'debit_account': books.account('1040').id,
                }])
    return method


def _contracts(books):
    """Register the contracts, post the acts of the past months and pay
    them through the treasury"""
    from trytond.pool import Pool
    pool = Pool()
    Contract = pool.get('edu.contract')
    Invoice = pool.get('account.invoice')
    Line = pool.get('account.move.line')
    local = books.sources['local']
    year = books.year
    contracts, schedules = [], []
    rows = [(row, list(range(row[4], 13))) for row in CONTRACTS]
    if core.day(year, 9, 1) <= books.today:
        rows.append((REPAIR, [9]))
    for serial, ((name, code, account, amount, first, subject), months) in (
            enumerate(rows)):
        party = supplier(name, 2000 + 50 * serial)
        weights = {m: core.WINTER[m] if code == '151' else 1
            for m in months}
        total = sum(weights.values())
        schedule = {m: (amount * weights[m] / total).quantize(Decimal(1))
            for m in months[:-1]}
        schedule[months[-1]] = amount - sum(schedule.values())
        date = min(core.day(year, first, 9), books.today)
        contracts.append(Contract(
                company=books.company, number=f"{year}/{serial + 1:03d}",
                date=date, party=party, subject=subject,
                ebk_program=books.program,
                ebk_specific=books.specifics[code], funding_source=local,
                amount=amount, start_date=dt.date(year, first, 1),
                end_date=dt.date(year, 12, 31),
                lines=[{'month': dt.date(year, m, 1), 'amount': a}
                    for m, a in sorted(schedule.items())]))
        schedules.append((schedule, account))
    Contract.save(contracts)
    Contract.register(contracts)

    # the acts of the months ended, paid on the 10th of the next month
    invoices, payments = [], []
    for contract, (schedule, account) in zip(contracts, schedules):
        for month, amount in sorted(schedule.items()):
            act_date = core.day(year, month, 31)
            if act_date >= books.today:
                continue
            invoice = Invoice(
                company=books.company, type='in', party=contract.party,
                invoice_address=contract.party.addresses[0],
                account=books.account('3210'),
                journal=books.journal('EXP'),
                currency=books.company.currency,
                invoice_date=act_date, reference=f"{month:02d}/{year}",
                description=contract.subject.split(' / ')[0],
                edu_contract=contract,
                lines=[{
                        'type': 'line',
                        'description': contract.subject,
                        'account': books.account(account).id,
                        'quantity': 1,
                        'unit_price': amount,
                        'ebk_program': books.program.id,
                        'ebk_specific': contract.ebk_specific.id,
                        'funding_source': local.id,
                        }])
            invoices.append(invoice)
            pay_date = (core.day(year, month + 1, 10) if month < 12
                else core.day(year, 12, 31))
            if pay_date <= books.today:
                payments.append((invoice, amount, pay_date))
    Invoice.save(invoices)
    Invoice.post(invoices)
    method = payment_method(books)
    paid = Decimal(0)
    for invoice, amount, date in payments:
        lines = invoice.pay_invoice(amount, method, date,
            description=f"Төлем / Оплата {invoice.number}")
        Line.reconcile(list(invoice.lines_to_pay) + list(lines))
        paid += amount
    return {'contracts': len(contracts), 'acts': len(invoices),
        'acts_kzt': sum(i.total_amount for i in invoices),
        'acts_paid': len(payments), 'acts_paid_kzt': paid}


def norms(books):
    "The МРП and the norms of the trips, once"
    from trytond.pool import Pool
    pool = Pool()
    Mrp = pool.get('edu.mrp')
    Norm = pool.get('edu.trip.norm')
    start = dt.date(books.year, 1, 1)
    if not Mrp.search([('valid_from', '<=', start)], limit=1):
        Mrp.create([{'valid_from': dt.date(y, 1, 1), 'value': v}
                for y, v in sorted(MRP.items()) if y <= books.year])
    if not Norm.search([('valid_from', '<=', start)], limit=1):
        Norm.create([{'valid_from': dt.date(2024, 1, 1), 'kind': kind,
                    'destination_class': class_, 'unit': 'mrp',
                    'amount': amount} for kind, class_, amount in NORMS])


def _trips(books):
    """Two business trips with their advances and advance reports"""
    from trytond.pool import Pool
    pool = Pool()
    Trip = pool.get('edu.trip')
    Employee = pool.get('company.employee')
    Report = pool.get('edu.advance.report')
    ReportLine = pool.get('edu.advance.report.line')
    try:
        Order = pool.get('edu.cash.order')
    except KeyError:
        Order = None
    norms(books)
    teachers = Employee.search([('company', '=', books.company.id),
            ('position', 'ilike', '%мұғалімі%')], order=[('id', 'ASC')])
    local = books.sources['local']
    figures = {'trips': 0, 'advance_reports': 0, 'trip_expenses_kzt': 0}
    for index, (destination, class_, purpose, month, first, days, advance,
            transport) in enumerate(TRIPS):
        departure = core.day(books.year, month, first)
        back = departure + dt.timedelta(days=days - 1)
        if back + dt.timedelta(days=3) > books.today:
            continue
        employee = teachers[(index * 7) % len(teachers)]
        trip, = Trip.create([{
                    'company': books.company.id,
                    'date': departure - dt.timedelta(days=5),
                    'employee': employee.id,
                    'destination': destination,
                    'destination_class': class_,
                    'purpose': purpose,
                    'departure_date': departure,
                    'return_date': back,
                    'transport_estimate': transport,
                    'advance_amount': advance,
                    'ebk_specific': books.specifics['161'].id,
                    'ebk_program': books.program.id,
                    'funding_source': local.id,
                    'expense_account': books.account('7150').id,
                    }])
        Trip.approve([trip])
        issued = departure - dt.timedelta(days=2)
        if Order:
            _cash(books, Order, employee.party, issued, advance,
                f"{trip.number}: аванс / аванс на командировку", 'out')
        else:
            books.move('ADV', issued, [
                    books.line('1250', debit=advance, party=employee.party,
                        source='local'),
                    books.line('1040', credit=advance, ebk='161',
                        source='local'),
                    ], f"{trip.number}: аванс")
            books.post_all()
        Trip.report([trip])
        report = Trip(trip.id).advance_report
        extra = [ReportLine(
                date=departure, document_kind='ticket',
                document_number=f"ЭБ-{70431 + index}",
                description="Жол жүру / Проезд",
                ebk_specific=books.specifics['161'],
                account=books.account('7150'), amount=transport)]
        estimate = trip.estimate()
        if estimate['lodging_amount']:
            extra.append(ReportLine(
                    date=back, document_kind='invoice',
                    document_number=f"Қ-{318 + index}",
                    description="Қонақ үй / Гостиница",
                    ebk_specific=books.specifics['161'],
                    account=books.account('7150'),
                    amount=estimate['lodging_amount']))
        report.lines = list(report.lines) + extra
        report.date = back + dt.timedelta(days=3)
        report.save()
        Report.post([report])
        report = Report(report.id)
        spent = report.spent
        difference = advance - spent
        if Order and difference:
            _cash(books, Order, employee.party, report.date, abs(difference),
                f"{report.number}: " + ("аванс қалдығын қайтару / "
                    "возврат остатка аванса" if difference > 0 else
                    "артық шығысты өтеу / возмещение перерасхода"),
                'in' if difference > 0 else 'out')
        figures['trips'] += 1
        figures['advance_reports'] += 1
        figures['trip_expenses_kzt'] += spent
    return figures


def _cash(books, Order, party, date, amount, basis, direction):
    """Money to (out) or from (in) an accountable person through the cash
    desk; money paid out first comes from the treasury by a cheque (ЕБК
    161: the budget is executed then)"""
    orders = []
    local = books.sources['local']
    if direction == 'out':
        orders.append(Order(
                company=books.company, kind='receipt', date=date,
                party=books.company.party,
                basis="Қазынашылық чегі / Чек казначейства",
                amount=amount, cash_account=books.account('1010'),
                account=books.account('1040'),
                ebk_specific=books.specifics['161'],
                ebk_program=books.program, funding_source=local,
                journal=books.journal('CASH')))
    orders.append(Order(
            company=books.company,
            kind='disbursement' if direction == 'out' else 'receipt',
            date=date, party=party, basis=basis, amount=amount,
            cash_account=books.account('1010'),
            account=books.account('1250'), ebk_program=books.program,
            funding_source=local, journal=books.journal('CASH')))
    Order.save(orders)
    Order.post(orders)
