# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the accounting core (R19.1, R19.2, R18): the books of
school № 12 for a year.

The accounting year is the calendar year of the demo date, or the
previous one in January and February (too early for a year to show).
This part creates the state-institution chart of accounts
(``edu_account.chart_gov``), the fiscal year with its 12 monthly periods
and the journals (``setup_gov_accounting`` of edu_account's test tools),
then posts, month by month up to the demo date:

- the financing received on the treasury account from the local budget
  (Dr 1040 / Cr 6010 per ЕБК specific of the financing plan below), and a
  targeted republican transfer for equipment (Cr 6020);
- the wages of the staff as memorial orders of the payroll summary
  (journal ``GEN``; payroll comes with issue 6 and will post per
  employee): the gross pay of the month Dr 7010 (111) / Cr 3220, the
  withholdings Dr 3220 / Cr 3110 (ИПН), 3140 (ОПВ), 3150 (ВОСМС), the
  employer's taxes and contributions Dr 7020 / Cr 3120 (121), 3130 (122),
  3150 (124), 3140 (116), and their payment through the treasury
  (journal ``TRE``, Cr 1040 per ЕБК specific, local budget).

The other accounting parts (budget, cash, settlements, inventories and
assets, statements) import the helpers of this file: :class:`Books` (the
accounts, journals and classifiers of a company and a fast poster),
:data:`PLAN` (the financing plan of the year) and :func:`finish_year`,
which the last accounting part calls to close the past months' periods and
check the statements.

Called by scripts/create_db.py with the summary of scripts/demo_data.load();
returns its figures.
"""
import datetime as dt
import random
import time
from decimal import ROUND_HALF_UP, Decimal

SEED = 1905
CENT = Decimal('0.01')
MODULES = ('edu_account', 'edu_budget', 'edu_account_cash',
    'edu_account_settlement', 'edu_account_asset', 'edu_account_report',
    'edu_payroll')
#: monthly calculation index (МРП) used by the wage figures
MRP = Decimal(4325)

#: the financing plan of the year: ЕБК specific → (funding source, annual
#: amount in KZT): the year's needs of a school of 800 learners besides
#: the wages (111) and the employer's charges (116, 121, 122, 124), which
#: plan() computes from the staff.  edu_budget's demo registers it as the
#: financing plan (12 equal months, utilities heavier in winter).
PLAN = {
    '149': ('local', Decimal('6000000')),
    '151': ('local', Decimal('14400000')),
    '152': ('local', Decimal('1440000')),
    '159': ('local', Decimal('7200000')),
    '161': ('local', Decimal('1200000')),
    '414': ('republican', Decimal('12000000')),
    }
#: the share of each month in a specific's year (utilities in winter)
WINTER = {1: 14, 2: 13, 3: 11, 4: 7, 5: 5, 6: 4, 7: 4, 8: 4, 9: 6, 10: 9,
    11: 11, 12: 12}


def money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def accounting_year(today):
    "The year of the demo books: the current one from March on"
    return today.year if today.month >= 3 else today.year - 1


def plan(books):
    """The financing plan of the year: PLAN plus the wages and the
    employer's charges of the staff, with 3 % of reserve (rounded to
    1 000 KZT)"""
    result = dict(PLAN)
    sums = dict.fromkeys(['111', '116', '121', '122', '124'], Decimal(0))
    for _, gross in wage_rows(books):
        charges = payroll(gross)
        sums['111'] += gross
        for code in ('116', '121', '122', '124'):
            sums[code] += charges[code]
    for code, amount in sums.items():
        result[code] = ('local', (amount * 12 * Decimal('1.03') / 1000
                ).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 1000)
    return result


def month_amounts(code, year_amount):
    """Split year_amount of a ЕБК specific over the 12 months (KZT,
    rounded; the last month takes the remainder)"""
    weights = WINTER if code == '151' else {m: 1 for m in range(1, 13)}
    total = sum(weights.values())
    amounts = {m: money(year_amount * weights[m] / total).quantize(
            Decimal(1)) for m in range(1, 12)}
    amounts[12] = year_amount - sum(amounts.values())
    return amounts


def month_end(year, month):
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def day(year, month, wanted):
    "The date of the wanted day of the month (a working day, Mon-Fri)"
    date = dt.date(year, month, min(wanted, month_end(year, month).day))
    while date.weekday() >= 5:
        date -= dt.timedelta(days=1)
    if date.month != month:
        date = dt.date(year, month, wanted)
        while date.weekday() >= 5:
            date += dt.timedelta(days=1)
    return date


def activated(*names):
    from trytond.pool import Pool
    Module = Pool().get('ir.module')
    found = {m.name for m in Module.search([
                ('name', 'in', list(names)), ('state', '=', 'activated')])}
    return all(n in found for n in names)


class Books:
    """The books of a company: accounts by code, journals by code, the
    fiscal year of the demo, the ЕБК specifics and funding sources, and a
    poster that saves and posts many moves at once."""

    def __init__(self, company_id, today=None):
        from trytond.pool import Pool
        pool = Pool()
        Company = pool.get('company.company')
        Account = pool.get('account.account')
        Journal = pool.get('account.journal')
        FiscalYear = pool.get('account.fiscalyear')
        Specific = pool.get('edu.ebk.specific')
        Source = pool.get('edu.funding.source')
        Date = pool.get('ir.date')
        self.company = Company(company_id)
        self.today = today or Date.today()
        self.year = accounting_year(self.today)
        self.accounts = {a.code: a for a in Account.search([
                    ('company', '=', company_id), ('code', '!=', None),
                    ('type', '!=', None)])}
        self.journals = {j.code: j for j in Journal.search([])
            if j.code}
        years = FiscalYear.search([('company', '=', company_id),
                ('start_date', '<=', dt.date(self.year, 6, 30)),
                ('end_date', '>=', dt.date(self.year, 6, 30))])
        self.fiscalyear = years[0] if years else None
        self.specifics = {s.code: s for s in Specific.search([])}
        self.sources = {}
        ModelData = pool.get('ir.model.data')
        for kind in ('republican', 'local', 'paid', 'sponsorship'):
            try:
                self.sources[kind] = Source(ModelData.get_id(
                        'edu_account', f'funding_{kind}'))
            except KeyError:
                found = Source.search([('kind', '=', kind)], limit=1)
                if found:
                    self.sources[kind] = found[0]
        self.program = None
        if 'ebk_program' in pool.get('account.move.line')._fields:
            Program = pool.get('edu.ebk.program')
            programs = (Program.search([('company', '=', company_id)],
                    order=[('id', 'ASC')], limit=1)
                or Program.search([('company', '=', None)],
                    order=[('id', 'ASC')], limit=1))
            self.program = programs[0] if programs else None
        self._moves = []

    def months(self):
        "The months of the demo year up to the demo date"
        return [m for m in range(1, 13)
            if dt.date(self.year, m, 1) <= self.today]

    def equipment_month(self):
        "The month the equipment of the republican transfer is bought"
        return min(4, self.months()[-1])

    def account(self, code):
        return self.accounts[code]

    def journal(self, code):
        return self.journals[code]

    def line(self, code, debit=0, credit=0, party=None, ebk=None,
            source=None, description=None):
        "Return the values of a move line"
        from trytond.pool import Pool
        Line = Pool().get('account.move.line')
        account = self.accounts[code]
        values = {
            'account': account.id,
            'debit': money(debit),
            'credit': money(credit),
            }
        if party is not None:
            values['party'] = getattr(party, 'id', party)
        if description:
            values['description'] = description
        if ebk:
            values['ebk_specific'] = self.specifics[ebk].id
            if self.program and 'ebk_program' in Line._fields:
                values['ebk_program'] = self.program.id
        if source:
            values['funding_source'] = self.sources[source].id
        return values

    def move(self, journal, date, lines, description, origin=None):
        "Queue a move for post_all(); return its values"
        lines = [l for l in lines if l['debit'] or l['credit']]
        values = {
            'company': self.company.id,
            'journal': self.journals[journal].id,
            'date': date,
            'description': description,
            'lines': [('create', lines)],
            }
        if origin:
            values['origin'] = origin
        self._moves.append(values)
        return values

    def post_all(self):
        "Create and post the queued moves; return their number"
        from trytond.pool import Pool
        Move = Pool().get('account.move')
        Period = Pool().get('account.period')
        vlist, self._moves = self._moves, []
        for values in vlist:
            values['period'] = Period.find(self.company, date=values['date'])
        # one move at a time: the record cache of a huge create is slow
        moves = [Move.create([values])[0] for values in vlist]
        for i in range(0, len(moves), 50):
            Move.post(moves[i:i + 50])
        return len(moves)


def load(summary):
    from trytond.pool import Pool

    pool = Pool()
    try:
        pool.get('edu.ebk.specific')
    except KeyError:
        return {'skipped': 'edu_account is not activated'}
    company = summary.get('companies', {}).get('school')
    if not company:
        return {'skipped': 'no school'}
    started = time.monotonic()

    def part():
        figures = _books(company['id'])
        if is_last_part('demo_edu_account'):
            figures.update(finish_year(company['id']))
        return figures
    figures = run_locked(company['id'], part)
    figures['seconds'] = round(time.monotonic() - started, 2)
    return figures


#: the tables the accounting locks (singletons created, periods closed,
#: moves posted): asked for when the transaction starts
LOCKED_TABLES = []


def run_locked(company_id, func):
    """Run func in a transaction of its own, in the company's context,
    committed; restarted with the table locks that Tryton asks for (as the
    RPC dispatcher does for a request)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError
    tables = set(LOCKED_TABLES)
    pool = Pool()
    for name in ['account.configuration', 'account.move',
            'account.journal.period', 'account.period',
            'account.fiscalyear', 'party.configuration',
            'account.configuration.default_account',
            'party.party.account', 'edu.financing.plan',
            'ir.sequence.strict', 'ir.sequence',
            'edu.cash.configuration']:
        try:
            tables.add(pool.get(name)._table)
        except KeyError:
            pass
    extras = {'_lock_tables': sorted(tables)}
    while True:
        with Transaction().new_transaction(**extras) as transaction:
            try:
                with transaction.set_context(company=company_id):
                    result = func()
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                print('   (restarted with the locks', extras, ')')
                continue
            transaction.commit()
            return result


def _books(company_id):
    from trytond.modules.edu_account.tests import tools
    from trytond.pool import Pool
    pool = Pool()
    Company = pool.get('company.company')
    Date = pool.get('ir.date')
    today = Date.today()
    year = accounting_year(today)
    tools.setup_gov_accounting(company=Company(company_id),
        year=year)
    ensure_program(company_id)
    books = Books(company_id, today)
    figures = {'year': year, 'accounts': len(books.accounts),
        'journals': len(books.journals)}
    if activated('edu_budget'):
        # the financing plan is approved before the first payment
        import demo_edu_budget
        figures.update(demo_edu_budget.make_plans(books))
    figures.update(_financing(books))
    if not activated('edu_payroll'):
        # with payroll the wages are posted per employee by its demo part
        figures.update(_wages(books))
    figures['moves'] = books.post_all()
    return figures


def ensure_program(company_id):
    """The budget programme of the school (functional group 04
    education, the city's education administrator, general secondary
    education), created once"""
    from trytond.pool import Pool
    Program = Pool().get('edu.ebk.program')
    if Program.search([('company', '=', company_id)], limit=1):
        return
    Program.create([{
                'functional_group': '04', 'administrator': '261',
                'program': '015', 'subprogram': '011',
                'name': ("Жалпы орта білім беру / "
                    "Общеобразовательное обучение"),
                'company': company_id,
                }])


def _financing(books):
    """The monthly financing of the plan received on the treasury account
    on the 1st working day: current expenses Cr 6010, the capital transfer
    for equipment (414) Cr 6020"""
    total = Decimal(0)
    year_plan = plan(books)
    for month in books.months():
        lines = []
        for code, (source, year_amount) in sorted(year_plan.items()):
            amount = month_amounts(code, year_amount)[month]
            if code == '414':
                # the transfer comes in once, when the equipment is bought
                amount = (year_amount
                    if month == books.equipment_month() else 0)
            if not amount:
                continue
            income = '6020' if code.startswith('4') else '6010'
            lines.append(books.line('1040', debit=amount, ebk=code,
                    source=source))
            lines.append(books.line(income, credit=amount, ebk=code,
                    source=source))
            total += amount
        books.move('TRE', day(books.year, month, 1), lines,
            f"Қаржыландыру / Финансирование {month:02d}.{books.year}")
    return {'financing_kzt': total}


def wage_rows(books):
    """Return (party, gross) of the staff of the school, deterministic: the
    gross pay from 180 000 to 520 000 KZT by position"""
    from trytond.pool import Pool
    Employee = Pool().get('company.employee')
    rng = random.Random(SEED)
    rows = []
    for employee in Employee.search([
                ('company', '=', books.company.id)],
            order=[('id', 'ASC')]):
        position = (getattr(employee, 'position', '') or '').lower()
        if 'директор' in position and 'орынбасар' not in position:
            base = 520000
        elif 'орынбасар' in position or 'бас бухгалтер' in position:
            base = 430000
        elif 'мұғалім' in position:
            base = 360000
        elif 'техникалық' in position or 'күзетші' in position:
            base = 180000
        else:
            base = 280000
        gross = Decimal(round(base * rng.uniform(.9, 1.15), -2))
        rows.append((employee.party, gross))
    return rows


def payroll(gross):
    """The withholdings and the employer's charges of a gross pay (2026
    rates, simplified): ОПВ 10 %, ВОСМС 2 %, ИПН 10 % after the 14 МРП
    deduction, employer: ОПВР 3.5 % (116), social tax 6 % (121), social
    contributions 5 % (122), ООСМС 3 % (124)"""
    opv = money(gross * Decimal('0.10'))
    vosms = money(gross * Decimal('0.02'))
    ipn = money(max(Decimal(0),
            (gross - opv - vosms - 14 * MRP) * Decimal('0.10')))
    base = gross - opv
    return {
        'opv': opv, 'vosms': vosms, 'ipn': ipn,
        'net': gross - opv - vosms - ipn,
        '116': money(gross * Decimal('0.035')),
        '121': money((gross - opv - vosms) * Decimal('0.06')),
        '122': money(base * Decimal('0.05')),
        '124': money(gross * Decimal('0.03')),
        }


def _wages(books):
    """Without edu_payroll: accrue the month's wages on the last working
    day (one memorial order of the payroll summary: the totals of the staff, the school's
    payroll as the counterparty of 3220 until payroll, issue 6, posts per
    employee), pay the net pay and the withholdings on the 5th and the
    employer's charges on the 20th of the next month (within the demo
    date)"""
    rows = wage_rows(books)
    payroll_party = books.company.party
    totals = {'gross': Decimal(0), 'paid': Decimal(0)}
    months = books.months()
    for month in months:
        accrued = day(books.year, month, 31)
        if accrued > books.today:
            continue
        sums = dict.fromkeys(
            ['opv', 'vosms', 'ipn', 'net', '116', '121', '122', '124'],
            Decimal(0))
        gross = Decimal(0)
        for _, pay in rows:
            charges = payroll(pay)
            for key in sums:
                sums[key] += charges[key]
            gross += pay
        totals['gross'] += gross
        withheld = sums['opv'] + sums['vosms'] + sums['ipn']
        lines = [
            books.line('7010', debit=gross, ebk='111', source='local'),
            books.line('3220', credit=gross, party=payroll_party),
            books.line('3220', debit=withheld, party=payroll_party),
            books.line('3110', credit=sums['ipn']),
            books.line('3140', credit=sums['opv']),
            books.line('3150', credit=sums['vosms']),
            ]
        for code, account in [('116', '3140'), ('121', '3120'),
                ('122', '3130'), ('124', '3150')]:
            lines.append(books.line('7020', debit=sums[code], ebk=code,
                    source='local'))
            lines.append(books.line(account, credit=sums[code]))
        books.move('GEN', accrued, lines,
            f"Еңбекақы / Начисление заработной платы {month:02d}.{books.year}")

        # the payments of the next month (or of December at its end)
        next_year, next_month = ((books.year, month + 1) if month < 12
            else (books.year, 12))
        pay_day = (day(next_year, next_month, 5) if month < 12
            else day(books.year, 12, 31))
        if pay_day > books.today:
            continue
        wages_paid = sums['net'] + withheld
        lines = [
            books.line('3220', debit=sums['net'], party=payroll_party),
            books.line('3110', debit=sums['ipn']),
            books.line('3140', debit=sums['opv']),
            books.line('3150', debit=sums['vosms']),
            books.line('1040', credit=wages_paid, ebk='111',
                source='local'),
            ]
        books.move('TRE', pay_day, lines,
            f"Еңбекақы төлеу / Выплата заработной платы {month:02d}")
        tax_day = (day(next_year, next_month, 20) if month < 12
            else day(books.year, 12, 31))
        if tax_day > books.today:
            totals['paid'] += wages_paid
            continue
        lines = []
        for code, account in [('116', '3140'), ('121', '3120'),
                ('122', '3130'), ('124', '3150')]:
            lines.append(books.line(account, debit=sums[code]))
            lines.append(books.line('1040', credit=sums[code], ebk=code,
                    source='local'))
        books.move('TRE', tax_day, lines,
            f"Салықтар мен жарналар / Налоги и взносы {month:02d}")
        totals['paid'] += wages_paid + sum(
            sums[c] for c in ('116', '121', '122', '124'))
    return {'staff_paid': len(rows), 'wages_gross_kzt': totals['gross'],
        'wages_paid_kzt': totals['paid']}


# -- the end of the year: called by the last accounting part -------------

def is_last_part(name):
    """Whether name is the last accounting demo part that create_db runs
    (the periods are closed once all the parts have posted)"""
    try:
        import create_db
        parts = create_db.demo_parts()
    except Exception:
        parts = [f'demo_{m}' for m in MODULES]
    mine = [p for p in parts if p[len('demo_'):] in MODULES
        and activated(p[len('demo_'):])]
    return bool(mine) and mine[-1] == name


def finish_year(company_id):
    """Close the periods of the months before the demo date's month and
    check the statements of the year (when edu_account_report is
    activated); return the figures"""
    from trytond.pool import Pool
    pool = Pool()
    Period = pool.get('account.period')
    Move = pool.get('account.move')
    Line = pool.get('account.move.line')
    Date = pool.get('ir.date')
    today = Date.today()
    year = accounting_year(today)
    first = dt.date(today.year, today.month, 1)
    figures = {}
    drafts = Move.search([('company', '=', company_id),
            ('state', '=', 'draft'), ('date', '<', first)])
    if drafts:
        Move.post(drafts)
    periods = Period.search([('company', '=', company_id),
            ('type', '=', 'standard'), ('state', '=', 'open'),
            ('start_date', '>=', dt.date(year, 1, 1)),
            ('end_date', '<', first)], order=[('start_date', 'ASC')])
    if periods:
        Period.close(periods)
    figures['periods_closed'] = len(periods)
    lines = Line.search([('move.company', '=', company_id),
            ('move.state', '=', 'posted'),
            ('date', '>=', dt.date(year, 1, 1)),
            ('date', '<=', dt.date(year, 12, 31))])
    debit = sum(l.debit for l in lines)
    credit = sum(l.credit for l in lines)
    assert debit == credit, (debit, credit)
    figures['move_lines'] = len(lines)
    figures['turnover_kzt'] = debit
    figures.update(check_statements(company_id, year, today))
    return figures


def check_statements(company_id, year, today):
    "Compute ФО-1..ФО-4 and assert their control relations"
    try:
        import demo_edu_account_report
    except ImportError:
        return {}
    return demo_edu_account_report.statements(company_id, year, today)
