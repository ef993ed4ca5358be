# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of payroll (R19.12, R18): the wages of school № 12 for 2026.

- the payroll profile of the staff: the basic deduction application of
  most, the salary card IBAN (valid checksum, fictitious), the pensioners
  (born 1961 or before), a writ of alimony (25 %) of one employee and a
  monthly supplement of the school's own (20 % of the salary of the
  deputy for the school's IT);
- the monthly payroll runs ('final') from January 2026 to the last
  complete month before the demo date, computed (salary for the days of
  the timesheet, the teachers' pay of the tarification, supplements,
  vacation pay of the summer leaves, sick pay, ИПН, ОПВ, ВОСМС and the
  employer's ОПВР, СО, ООСМС, СН) and posted in journal GEN: a bonus for
  8 March and a one-off payment for Teacher's Day (October) are entered on
  their runs; the run of the demo date's month computed and left unposted
  (draft for the accountant to check);
- the payments through the treasury (journal TRE, Cr 1040): the net pay
  on the 5th of the next month and the taxes and contributions on the
  20th, by ЕБК specific, so 3220 and 31xx close (the alimony withheld
  stays on 3240 for the recipient).

Periods the earlier accounting parts closed (demo_edu_account.finish_year)
are reopened for the posting and closed again.

Called by scripts/create_db.py with the summary of scripts/demo_data.load()
after demo_edu_hr and demo_edu_tarification; returns its figures.
"""
import datetime as dt
import random
import time
from collections import defaultdict
from decimal import Decimal

import demo_edu_account as core

SEED = 1908
YEAR = 2026
#: (month, item type code, description, amount, who): the inputs entered
#: on the runs
INPUTS = [
    (3, 'bonus', "8 наурыз / 8 Марта", Decimal('30000'), 'women'),
    (10, 'oneoff', "Мұғалімдер күні / День учителя", Decimal('50000'),
        'teachers'),
    ]
#: liabilities of the payroll paid through the treasury
TAX_ACCOUNTS = ('3110', '3120', '3130', '3140', '3150')


def load(summary):
    from trytond.pool import Pool
    pool = Pool()
    try:
        pool.get('edu.payroll.run')
        pool.get('edu.hr.timesheet')
    except KeyError:
        return {'skipped': 'edu_payroll is not activated'}
    company = summary.get('companies', {}).get('school')
    if not company:
        return {'skipped': 'no school'}
    started = time.monotonic()

    def part():
        from trytond.transaction import Transaction
        with Transaction().set_context(_check_access=False):
            books = core.Books(company['id'])
            if not books.fiscalyear or books.year != YEAR:
                return {'skipped': 'no fiscal year 2026 (edu_account demo)'}
            figures = _profiles(company['id'])
            figures.update(_runs(books))
            if core.is_last_part('demo_edu_payroll'):
                figures.update(core.finish_year(company['id']))
            return figures
    figures = core.run_locked(company['id'], part)
    figures['seconds'] = round(time.monotonic() - started, 2)
    return figures


def iban(bank, account):
    "A KZ IBAN (20 characters) with its ISO 7064 mod 97 check digits"
    bban = f'{bank:03d}{account:013d}'
    digits = ''.join(str(int(c, 36)) for c in bban + 'KZ00')
    return f'KZ{98 - int(digits) % 97:02d}{bban}'


def _only(Model, values):
    return {k: v for k, v in values.items() if k in Model._fields}


def _profiles(company_id):
    """The payroll profile of the employees: application for the basic
    deduction, IBAN, pensioners, a writ, a supplement"""
    from trytond.pool import Pool
    pool = Pool()
    Employee = pool.get('company.employee')
    rng = random.Random(SEED)
    employees = Employee.search([('company', '=', company_id)],
        order=[('id', 'ASC')])
    writes = []
    banks = [601, 722, 965, 551]  # fictitious bank codes of the cards
    for i, employee in enumerate(employees):
        birth = getattr(employee.party, 'birth_date', None)
        values = {
            # most staff file the application for the basic deduction
            'basic_deduction': rng.random() < .9,
            'iban': iban(rng.choice(banks), 10 ** 12 + employee.id * 7919),
            'pensioner': bool(birth and birth.year <= 1961),
            }
        writes.extend([[employee], _only(Employee, values)])
    if writes:
        Employee.write(*writes)
    figures = {'payroll_profiles': len(employees)}
    men = [e for e in employees
        if getattr(e.party, 'sex', None) == 'male']
    try:
        Writ = pool.get('edu.payroll.writ')
    except KeyError:
        Writ = None
    if Writ and men:
        Party = pool.get('party.party')
        recipient, = Party.create([{'name': "Сейтқали Динара Маратқызы"}])
        Writ.create([_only(Writ, {
                        'employee': men[0].id, 'kind': 'alimony',
                        'percent': Decimal('25'),
                        'recipient': recipient.id,
                        'recipient_iban': iban(722, 4455667788),
                        'date_from': dt.date(YEAR, 1, 1),
                        'document': "Сот бұйрығы / Судебный приказ "
                        "№ 2-1187/2025",
                        })])
        figures['writs'] = 1
    try:
        Supplement = pool.get('edu.payroll.employee.supplement')
    except KeyError:
        Supplement = None
    sysadmins = [e for e in employees if e.hr_position
        and e.hr_position.code in ('sysadmin', 'engineer')] or [
        e for e in employees if 'жүйелік' in (e.position or '').lower()]
    if Supplement and sysadmins:
        Supplement.create([_only(Supplement, {
                        'employee': sysadmins[0].id,
                        'item_code': 'supplement',
                        'name': "Ақпараттық жүйелерге қызмет көрсету / "
                        "Обслуживание информационных систем",
                        'percent': Decimal('20'),
                        'date_from': dt.date(YEAR, 1, 1),
                        })])
        figures['supplements'] = 1
    return figures


def _month_end(month):
    return core.month_end(YEAR, month)


def _runs(books):
    """The monthly runs: computed and posted up to the last complete month,
    the demo date's month computed only"""
    from trytond.pool import Pool
    pool = Pool()
    Run = pool.get('edu.payroll.run')
    Period = pool.get('account.period')
    today = books.today
    company_id = books.company.id
    if Run.search([('company', '=', company_id)], limit=1):
        return {'skipped_runs': 'already loaded'}
    months = [m for m in range(1, 13) if dt.date(YEAR, m, 1) <= today]
    complete = [m for m in months if _month_end(m) < today]
    # the periods the accounting parts closed are opened for the posting
    closed = Period.search([('company', '=', company_id),
            ('type', '=', 'standard'), ('state', '=', 'closed'),
            ('start_date', '>=', dt.date(YEAR, 1, 1)),
            ('end_date', '<=', dt.date(YEAR, 12, 31))])
    if closed:
        JournalPeriod = pool.get('account.journal.period')
        Period.reopen(closed)
        JournalPeriod.reopen(JournalPeriod.search([
                    ('period', 'in', [p.id for p in closed]),
                    ('state', '=', 'closed')]))
    figures = defaultdict(Decimal)
    runs = []
    for month in months:
        values = {
            'company': company_id,
            'date_from': dt.date(YEAR, month, 1),
            'date_to': _month_end(month),
            'kind': 'final',
            }
        if 'funding_source' in Run._fields and 'local' in books.sources:
            values['funding_source'] = books.sources['local'].id
        if 'description' in Run._fields:
            values['description'] = (
                f"Еңбекақы / Заработная плата {month:02d}.{YEAR}")
        run, = Run.create([_only(Run, values)])
        _inputs(run, month)
        Run.compute([run])
        run = Run(run.id)
        runs.append(run)
        if month not in complete:
            figures['runs_computed'] += 1
            continue
        Run.post([run])
        run = Run(run.id)
        figures['runs_posted'] += 1
        for name in ('gross', 'ipn', 'opv', 'vosms', 'net', 'opvr', 'so',
                'oosms', 'sn'):
            figures[f'{name}_kzt'] += sum(
                (getattr(p, name) or 0) for p in run.payslips)
        figures['payslips'] += len(run.payslips)
        figures['moves'] += len(_moves(run))
        _payments(books, run, month)
    figures['moves'] += books.post_all()
    if closed:
        Period.close([Period(p.id) for p in closed])
    result = {k: (int(v) if k in ('runs_posted', 'runs_computed',
                'payslips', 'moves') else v) for k, v in figures.items()}
    if runs:
        last = runs[-1]
        result['draft_run'] = f'{last.date_from:%m.%Y} ({last.state})'
    return result


def _inputs(run, month):
    "The bonuses and one-off payments entered on the run of month"
    from trytond.pool import Pool
    pool = Pool()
    try:
        Input = pool.get('edu.payroll.run.input')
    except KeyError:
        return
    Type = pool.get('edu.payroll.item.type')
    Employee = pool.get('company.employee')
    vlist = []
    for input_month, code, description, amount, who in INPUTS:
        if input_month != month:
            continue
        types = Type.search([('code', '=', code)], limit=1)
        if not types:
            continue
        employees = Employee.search([
                ('company', '=', run.company.id),
                ['OR', ('start_date', '=', None),
                    ('start_date', '<=', run.date_to)],
                ['OR', ('end_date', '=', None),
                    ('end_date', '>=', run.date_from)],
                ], order=[('id', 'ASC')])
        for employee in employees:
            if who == 'teachers' and not (employee.hr_position
                    and employee.hr_position.is_teacher):
                continue
            if who == 'women' and getattr(
                    employee.party, 'sex', 'female') == 'male':
                continue
            vlist.append(_only(Input, {
                        'run': run.id, 'employee': employee.id,
                        'type': types[0].id, 'item_type': types[0].id,
                        'amount': amount, 'description': description}))
    if vlist:
        Input.create(vlist)


def _moves(run):
    move = getattr(run, 'move', None)
    if move:
        return [move]
    return list(getattr(run, 'moves', None) or [])


def _payments(books, run, month):
    """The treasury payments of a posted run: the net pay (the credit
    balance of 3220 by party) on the 5th of the next month, the taxes and
    contributions (the credits of 31xx) on the 20th, Cr 1040 by the ЕБК
    specific of the expense: the accrual's (111, 112, 113) for the wages
    and withholdings, the contribution's (116, 121, 122, 124)"""
    lines = [l for m in _moves(run) for l in m.lines]
    if not lines:
        return
    source = next((l.funding_source for l in lines
            if l.account.code == '7010' and l.funding_source), None)
    source_id = source.id if source else books.sources['local'].id
    program = books.program.id if books.program else None

    def cash(amount, specific):
        values = {'account': books.account('1040').id, 'debit': Decimal(0),
            'credit': core.money(amount),
            'ebk_specific': books.specifics[specific].id,
            'funding_source': source_id}
        if program:
            values['ebk_program'] = program
        return values
    payable = defaultdict(Decimal)
    for line in lines:
        if line.account.code == '3220':
            payable[line.party.id if line.party else None] += (
                line.credit - line.debit)
    # the wages are paid by the ЕБК specific of their accrual (111 wages,
    # 112 supplements and bonuses, 113 compensations): the net pay in
    # proportion to the gross of each specific, the withholdings the rest
    accrued = defaultdict(Decimal)
    for line in lines:
        if line.account.code == '7010' and line.ebk_specific:
            accrued[line.ebk_specific.code] += line.debit - line.credit
    gross = sum(accrued.values())
    net = sum(a for a in payable.values() if a > 0)
    net_by = {code: core.money(net * amount / gross) if gross else 0
        for code, amount in accrued.items()}
    if net_by:
        net_by['111'] = net_by.get('111', Decimal(0)) + net - sum(
            net_by.values())
    next_month = month + 1 if month < 12 else 12
    pay_day = (core.day(YEAR, next_month, 5) if month < 12
        else dt.date(YEAR, 12, 31))
    if pay_day <= books.today and net > 0:
        move_lines = [books.line('3220', debit=a, party=p)
            for p, a in payable.items() if a > 0]
        move_lines += [cash(a, code) for code, a in sorted(net_by.items())
            if a]
        books.move('TRE', pay_day, move_lines,
            f"Еңбекақы төлеу / Выплата заработной платы {month:02d}.{YEAR}")
    tax_day = (core.day(YEAR, next_month, 20) if month < 12
        else dt.date(YEAR, 12, 31))
    if tax_day > books.today:
        return
    taxes = defaultdict(Decimal)
    for line in lines:
        if line.account.code in TAX_ACCOUNTS:
            taxes[line.account.code, line.party.id if line.party else None
                ] += line.credit - line.debit
    employer = defaultdict(Decimal)
    for line in lines:
        if line.account.code == '7020' and line.ebk_specific:
            employer[line.ebk_specific.code] += line.debit - line.credit
    total = sum(taxes.values())
    if total <= 0:
        return
    move_lines = [books.line(code, debit=a, party=p)
        for (code, p), a in sorted(taxes.items(),
            key=lambda i: (i[0][0], i[0][1] or 0)) if a]
    for code, amount in sorted(employer.items()):
        if amount:
            move_lines.append(cash(amount, code))
    # the withholdings by the specific of the pay they were withheld from
    withheld = total - sum(employer.values())
    shares = {code: accrued[code] - net_by.get(code, 0) for code in accrued}
    shares = {c: a for c, a in shares.items() if a > 0}
    rest = withheld
    for code, amount in sorted(shares.items()):
        if code == '111':
            continue
        share = min(amount, rest)
        if share > 0:
            move_lines.append(cash(share, code))
            rest -= share
    if rest:
        move_lines.append(cash(rest, '111'))
    books.move('TRE', tax_day, move_lines,
        f"Салықтар мен жарналар / Налоги и взносы {month:02d}.{YEAR}")
