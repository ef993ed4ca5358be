# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the cash desk and the treasury (R19.3) of school № 12.

For each month of the demo year up to the demo date (the summer months
June-August excepted, no club works then):

- the paid services: parents pay the clubs (робототехника, шахмат,
  ағылшын тілі) at the cash desk, receipt orders (ПКО) Dr 1010 / Cr 6110,
  funding source «paid services»;
- the same day the cashier deposits the day's takings on the control
  account of paid services, a disbursement order (РКО) Dr 1060 / Cr 1010,
  so that the cash desk ends every day within its limit (150 000 KZT);
- once a quarter a payment order from the control account pays the
  materials of the clubs (Dr 7110, ЕБК 149, paid services).

The cash desk never goes negative (edu_account_cash refuses it); the
business trips' advances are paid from the cash desk by the settlements'
demo part (scripts/demo_edu_account_settlement.py).

Called by scripts/create_db.py with the summary of scripts/demo_data.load();
returns its figures.
"""
import random
import time
from decimal import Decimal

import demo_edu_account as core

SEED = 3110
CASH_LIMIT = Decimal('150000')
CLUBS = [
    ("Робототехника үйірмесі / Кружок робототехники", Decimal('15000')),
    ("Шахмат үйірмесі / Шахматный кружок", Decimal('8000')),
    ("Ағылшын тілі курсы / Курс английского языка", Decimal('12000')),
    ]
PAYERS_PER_MONTH = 6
SUPPLIER_BIN_YEAR = (2011, 4)


def kz_iban(bank, account):
    "A Kazakh IBAN (KZ, 3-digit bank code, 13-character account)"
    bban = f'{bank}{account}'
    digits = ''.join(str(int(c, 36)) for c in bban + 'KZ00')
    check = 98 - int(digits) % 97
    return f'KZ{check:02d}{bban}'


def load(summary):
    from trytond.pool import Pool
    pool = Pool()
    try:
        pool.get('edu.cash.order')
    except KeyError:
        return {'skipped': 'edu_account_cash is not activated'}
    company = summary.get('companies', {}).get('school')
    if not company:
        return {'skipped': 'no school'}
    started = time.monotonic()

    def part():
        books = core.Books(company['id'])
        if not books.fiscalyear:
            return {'skipped': 'no fiscal year (edu_account demo)'}
        figures = _configuration(books)
        figures.update(_paid_services(books))
        figures.update(_materials(books))
        if core.is_last_part('demo_edu_account_cash'):
            figures.update(core.finish_year(company['id']))
        return figures
    figures = core.run_locked(company['id'], part)
    figures['seconds'] = round(time.monotonic() - started, 2)
    return figures


def employee(books, position):
    from trytond.pool import Pool
    Employee = Pool().get('company.employee')
    found = Employee.search([('company', '=', books.company.id),
            ('position', 'ilike', position)], order=[('id', 'ASC')], limit=1)
    return found[0] if found else None


def _configuration(books):
    "The cash limit and the signatories of the cash documents"
    from trytond.pool import Pool
    Config = Pool().get('edu.cash.configuration')
    config = Config.get_for(books.company)
    config.cash_limit = CASH_LIMIT
    config.chief_accountant = employee(books, 'Бас бухгалтер')
    config.cashier = employee(books, 'Бухгалтер')
    config.head = employee(books, 'Директор')
    config.save()
    return {'cash_limit_kzt': CASH_LIMIT}


def payers(books):
    "Parents of the school who pay the clubs"
    from trytond.pool import Pool
    Party = Pool().get('party.party')
    return Party.search([
            ('organisation', '=', books.company.id),
            ('is_representative', '=', True),
            ], order=[('id', 'ASC')], limit=60)


def _paid_services(books):
    """Receipt orders of the clubs and the deposit of the day's takings"""
    from trytond.pool import Pool
    pool = Pool()
    Order = pool.get('edu.cash.order')
    rng = random.Random(SEED)
    parents = payers(books)
    if not parents:
        return {'skipped_paid_services': 'no parent'}
    paid = books.sources['paid']
    orders = []
    income = Decimal(0)
    for month in books.months():
        if month in (6, 7, 8):
            continue
        date = core.day(books.year, month, 12)
        if date > books.today:
            continue
        takings = Decimal(0)
        for parent in rng.sample(parents, PAYERS_PER_MONTH):
            club, fee = rng.choice(CLUBS)
            orders.append(Order(
                    company=books.company, kind='receipt', date=date,
                    party=parent, basis=f"{club}, {month:02d}.{books.year}",
                    amount=fee, cash_account=books.account('1010'),
                    account=books.account('6110'), funding_source=paid,
                    ebk_program=books.program,
                    journal=books.journal('CASH')))
            takings += fee
        orders.append(Order(
                company=books.company, kind='disbursement', date=date,
                party=books.company.party,
                basis=("Ақылы қызмет түсімін бақылау шотына тапсыру / "
                    "Сдача выручки на контрольный счёт"),
                amount=takings, cash_account=books.account('1010'),
                account=books.account('1060'), funding_source=paid,
                ebk_program=books.program,
                journal=books.journal('CASH')))
        income += takings
    Order.save(orders)
    Order.post(orders)
    return {'cash_orders': len(orders), 'paid_services_kzt': income}


def _materials(books):
    """A payment order a quarter from the control account of paid
    services: the materials of the clubs"""
    from trytond.pool import Pool
    pool = Pool()
    Party = pool.get('party.party')
    Payment = pool.get('edu.payment.order')
    from trytond.modules.edu_base import kz_id
    supplier = Party.search([('name', '=', "«Білім-Кітап» ЖШС")], limit=1)
    if supplier:
        supplier, = supplier
    else:
        serial = 4000
        while True:
            code = kz_id.make_bin(*SUPPLIER_BIN_YEAR, serial)
            if code and not Party.search([('bin', '=', code)]):
                break
            serial += 1
        supplier, = Party.create([{'name': "«Білім-Кітап» ЖШС",
                    'bin': code}])
    paid = books.sources['paid']
    orders = []
    for month in (3, 5, 10, 12):
        date = core.day(books.year, month, 25)
        if date > books.today:
            continue
        orders.append(Payment(
                company=books.company, date=date,
                money_account=books.account('1060'), party=supplier,
                beneficiary_iban=kz_iban('722', 'S000012345678'),
                beneficiary_bank="Kaspi Bank",
                knp='859', account=books.account('7110'),
                ebk_specific=books.specifics['149'],
                ebk_program=books.program, funding_source=paid,
                amount=Decimal('45000.00'),
                purpose=("Үйірмелерге арналған материалдар / "
                    "Материалы для кружков"),
                journal=books.journal('TRE')))
    Payment.save(orders)
    Payment.post(orders)
    return {'payment_orders': len(orders)}
