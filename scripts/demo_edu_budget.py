# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the budget (R19.17): the individual financing plans of
school № 12 for the demo year and one amendment.

The plans (one per budget programme and funding source: the local
budget's current expenses, the republican targeted transfer for
equipment) are made and approved by the accounting core's demo part
before it posts the first payment, as in a real year (:func:`make_plans`,
called by scripts/demo_edu_account.py): payments and obligations by ЕБК
specific × month from demo_edu_account.plan().  This part then approves,
in September, an amendment that moves 600 000 KZT of other services (159)
from December to September for a current repair, and prints the plan vs.
obligations vs. execution of the year.

Called by scripts/create_db.py with the summary of scripts/demo_data.load();
returns its figures.
"""
import time
from decimal import Decimal

import demo_edu_account as core

AMENDMENT = Decimal('600000')


def load(summary):
    from trytond.pool import Pool

    pool = Pool()
    try:
        pool.get('edu.financing.plan')
    except KeyError:
        return {'skipped': 'edu_budget is not activated'}
    company = summary.get('companies', {}).get('school')
    if not company:
        return {'skipped': 'no school'}
    started = time.monotonic()

    def part():
        books = core.Books(company['id'])
        if not books.fiscalyear:
            return {'skipped': 'no fiscal year (edu_account demo)'}
        figures = make_plans(books)
        figures.update(_amendment(books))
        figures.update(_execution(books))
        if core.is_last_part('demo_edu_budget'):
            figures.update(core.finish_year(company['id']))
        return figures
    figures = core.run_locked(company['id'], part)
    figures['seconds'] = round(time.monotonic() - started, 2)
    return figures


def make_plans(books):
    """Create and approve the financing plans of the year, once; return
    their figures"""
    from trytond.pool import Pool
    pool = Pool()
    Plan = pool.get('edu.financing.plan')
    existing = Plan.search([('company', '=', books.company.id),
            ('fiscalyear', '=', books.fiscalyear.id)])
    if existing:
        return {'plans': len(existing)}
    year_plan = core.plan(books)
    by_source = {}
    for code, (source, amount) in sorted(year_plan.items()):
        by_source.setdefault(source, []).append((code, amount))
    vlist = []
    for number, (source, rows) in enumerate(sorted(by_source.items()), 1):
        lines = []
        for code, amount in rows:
            months = core.month_amounts(code, amount)
            if code == '414':
                # the equipment is bought in April at the latest
                months = {m: (amount if m == books.equipment_month()
                        else Decimal(0))
                    for m in range(1, 13)}
            for kind in ('payments', 'obligations'):
                lines.append({
                        'ebk_specific': books.specifics[code].id,
                        'kind': kind,
                        **{f'month_{m:02d}': months[m]
                            for m in range(1, 13)},
                        })
        vlist.append({
                'number': f'ИПФ-{books.year}-{number}',
                'company': books.company.id,
                'fiscalyear': books.fiscalyear.id,
                'ebk_program': books.program.id,
                'funding_source': books.sources[source].id,
                'lines': [('create', lines)],
                })
    plans = Plan.create(vlist)
    Plan.approve(plans)
    return {'plans': len(plans),
        'plan_kzt': sum(a for _, a in year_plan.values())}


def _amendment(books):
    """Move 600 000 KZT of 159 from December to September (payments and
    obligations) when September has come"""
    from trytond.pool import Pool
    pool = Pool()
    Plan = pool.get('edu.financing.plan')
    Amendment = pool.get('edu.financing.plan.amendment')
    date = core.day(books.year, 9, 10)
    if date > books.today:
        date = books.today
    plan, = Plan.search([('company', '=', books.company.id),
            ('fiscalyear', '=', books.fiscalyear.id),
            ('funding_source', '=', books.sources['local'].id)])
    specific = books.specifics['159'].id
    lines = []
    for kind in ('payments', 'obligations'):
        lines += [
            {'ebk_specific': specific, 'kind': kind, 'month': '09',
                'delta': AMENDMENT},
            {'ebk_specific': specific, 'kind': kind, 'month': '12',
                'delta': -AMENDMENT},
            ]
    amendment, = Amendment.create([{
                'plan': plan.id,
                'number': f'{books.year}-1',
                'date': date,
                'reason': ("Мектеп асханасын ағымдағы жөндеу / "
                    "Текущий ремонт школьной столовой"),
                'lines': [('create', lines)],
                }])
    Amendment.approve([amendment])
    return {'amendments': 1}


def _execution(books):
    "The year's plan, registered obligations and execution, in KZT"
    from trytond.pool import Pool
    pool = Pool()
    Plan = pool.get('edu.financing.plan')
    plans = Plan.search([('company', '=', books.company.id),
            ('fiscalyear', '=', books.fiscalyear.id)])
    planned = sum(p.total_payments or 0 for p in plans)
    executed = sum(Plan.executed(plans).values())
    registered = sum(sum(p.registered().values()) for p in plans)
    return {'payments_plan_kzt': planned, 'obligations_kzt': registered,
        'executed_kzt': executed,
        'executed_percent': round(100 * executed / planned, 1)
        if planned else 0}
