# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the financial statements (R19.13) of school № 12.

The statements are drawn from the ledger once every accounting part has
posted its year (create_db runs this part before the budget and the
settlements, which depend on more modules): the last accounting part
calls :func:`statements` through demo_edu_account.finish_year(), after the
past months' periods are closed.  It computes ФО-1..ФО-4 of the year up
to the end of the last closed month, in Kazakh (PDF) and Russian (XLSX),
as ``edu.account.statement.run`` records the chief accountant finds in
sao, and asserts that every control relation holds (the balance sheet
balances, ФО-3's closing cash equals the ledger's cash by funding source,
ФО-2's result is ФО-4's).

When this part is itself the last accounting part, it does the same at
once.  Called by scripts/create_db.py with the summary of
scripts/demo_data.load(); returns its figures.
"""
import datetime as dt
import time

import demo_edu_account as core


def load(summary):
    from trytond.pool import Pool
    pool = Pool()
    try:
        pool.get('edu.account.statement.run')
    except KeyError:
        return {'skipped': 'edu_account_report is not activated'}
    company = summary.get('companies', {}).get('school')
    if not company:
        return {'skipped': 'no school'}
    if not core.is_last_part('demo_edu_account_report'):
        return {'statements': 'drawn by the last accounting part, '
            'after every posting'}
    started = time.monotonic()
    figures = core.run_locked(company['id'],
        lambda: core.finish_year(company['id']))
    figures['seconds'] = round(time.monotonic() - started, 2)
    return figures


def statements(company_id, year, today):
    """Compute ФО-1..ФО-4 of the year up to the end of the last closed
    month (the whole year when it has ended) in kk PDF and ru XLSX; fail
    when a control relation is broken; return the figures"""
    from trytond.pool import Pool
    pool = Pool()
    try:
        Run = pool.get('edu.account.statement.run')
    except KeyError:
        return {}
    FiscalYear = pool.get('account.fiscalyear')
    fiscalyear, = FiscalYear.search([('company', '=', company_id),
            ('start_date', '<=', dt.date(year, 6, 30)),
            ('end_date', '>=', dt.date(year, 6, 30))])
    first = dt.date(today.year, today.month, 1)
    end = min(fiscalyear.end_date, first - dt.timedelta(days=1))
    runs = Run.create([{
                'company': company_id, 'fiscalyear': fiscalyear.id,
                'from_date': fiscalyear.start_date, 'to_date': end,
                'form': 'all', 'language': language, 'format': format_,
                'posted': True,
                } for language, format_ in [('kk', 'pdf'), ('ru', 'xlsx')]])
    Run.compute(runs)
    broken = [f'{c.key}: {c.expected} ≠ {c.actual}'
        for run in Run.browse(runs) for c in run.controls if not c.ok]
    if broken:
        raise AssertionError(
            'control relations of the demo statements broken: '
            + '; '.join(broken))
    run = Run(runs[0].id)
    data = run.statements() or {}
    figures = {'statements_to': end.isoformat(),
        'controls': len(run.controls),
        'controls_ok': bool(run.controls_ok)}
    try:
        from trytond.modules.edu_account_report import ledger
        totals = ledger.totals(data)
        figures['fo1_assets_kzt'] = totals.get('fo1_assets_end')
        figures['fo2_result_kzt'] = totals.get('fo2_result_current')
        figures['fo3_closing_kzt'] = totals.get('fo3_closing')
    except (ImportError, AttributeError, KeyError) as exception:
        figures['totals'] = f'not read: {exception}'
    return figures
