#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the ledger reports (edu_account, edu_account_report, R19.13).

    .venv/bin/python scripts/bench/bench_ledger.py [--lines 100000] \\
        [--runs 3] [--postgresql postgresql://user:password@host:5432/] \\
        [--database NAME]

On a new throw-away database (SQLite in a temporary directory by default,
PostgreSQL with ``--postgresql`` or ``TRYTOND_DATABASE__URI``) with
edu_account_report activated, or on ``--database`` (nothing is committed
there):

1. a school with the chart of state institutions and a fiscal year; about
   --lines move lines posted through the ORM in batches (``Move.create``
   then ``Move.post``): a realistic mix over 12 months of budget financing
   (republican and local), wages and employer taxes with their payments,
   supplier acts on six ЕБК specifics and their payments, paid services and
   sponsorship on the control account, depreciation and cash withdrawals;
2. for the whole year: the trial balance of edu_account
   (``edu.account.trial_balance`` read in full, grouped by account, by
   account + specific and by account + source), the four statements
   (``ledger.compute``: ФО-1..ФО-4 with their controls) and their PDF and
   XLSX files; each with the median time of --runs runs, the peak Python
   memory (tracemalloc) and the number of SQL statements;
3. the baseline: one raw SQL aggregation of the same lines
   (``GROUP BY account``) and the ratio of each figure to it.

Nothing here is a test: it only prints its figures.
"""
import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchlib import (  # noqa: E402
    CONFIG, QueryCounter, create, drop, median_ms)

YEAR = 2026
#: moves created and posted together: Tryton instantiates the lines of a
#: batch for every move of it, so batches of a thousand moves grow
#: quadratically (100 keeps the posting linear)
BATCH = 100


def measure(func, runs):
    "Return (median ms, peak MiB, SQL statements, result) of func"
    result = func()  # warm the caches
    with QueryCounter() as counter:
        func()
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1] / 2 ** 20
    tracemalloc.stop()
    return median_ms(func, runs), peak, counter.count, result


def build(pool, lines):
    "Create the school, its chart and year, post about lines move lines"
    from trytond.modules.edu_account.tests.tools import setup_gov_accounting
    from trytond.modules.company.tests import set_company
    Party = pool.get('party.party')
    Move = pool.get('account.move')
    Period = pool.get('account.period')
    Specific = pool.get('edu.ebk.specific')
    Source = pool.get('edu.funding.source')
    ModelData = pool.get('ir.model.data')

    env = setup_gov_accounting(year=YEAR)
    company = env.company
    with set_company(company):
        account = {c: env.account(c).id for c in [
                '1010', '1040', '1060', '1210', '2390', '3110', '3120',
                '3130', '3210', '3220', '5010', '2320', '6010', '6110',
                '6120', '7010', '7020', '7110', '7120', '7130', '7140',
                '7150', '7160', '7210']}
        journal = {c: env.journal(c).id for c in [
                'TRE', 'GEN', 'EXP', 'REV', 'AST', 'CASH']}
        spec = {s.code: s.id for s in Specific.search([])}
        source = {n: ModelData.get_id('edu_account', 'funding_' + n)
            for n in ['republican', 'local', 'paid', 'sponsorship']}
        Source.browse(list(source.values()))
        parties = [p.id for p in Party.create(
                [{'name': f"Контрагент {i:02d}"} for i in range(40)])]
        periods = {p.start_date.month: p.id for p in Period.search([
                    ('fiscalyear', '=', env.fiscalyear.id),
                    ('type', '=', 'standard')])}
        random.seed(1913)

        def amount(low, high):
            return Decimal(random.randint(low * 100, high * 100)) / 100

        def line(code, debit=0, credit=0, **values):
            return {'account': account[code], 'debit': Decimal(debit),
                'credit': Decimal(credit), **values}

        def kinds(date):
            "Return (journal, lines) of one random operation"
            party = random.choice(parties)
            budget = source[random.choice(['republican', 'local'])]
            roll = random.random()
            if roll < .05:
                a = amount(500_000, 5_000_000)
                return 'TRE', [line('1040', a, funding_source=budget),
                    line('6010', 0, a, funding_source=budget)]
            if roll < .25:
                a = amount(80_000, 400_000)
                tax = (a * Decimal('0.1')).quantize(Decimal('0.01'))
                return 'GEN', [
                    line('7010', a, ebk_specific=spec['111'],
                        funding_source=budget),
                    line('3220', 0, a - tax, party=party),
                    line('3110', 0, tax)]
            if roll < .40:
                a = amount(50_000, 350_000)
                return 'TRE', [line('3220', a, party=party),
                    line('1040', 0, a, funding_source=budget)]
            if roll < .48:
                a = amount(5_000, 40_000)
                return 'GEN', [line('7020', a, ebk_specific=spec['121'],
                        funding_source=budget),
                    line(random.choice(['3120', '3130']), 0, a)]
            if roll < .55:
                a = amount(5_000, 40_000)
                return 'TRE', [line(random.choice(['3110', '3120', '3130']),
                        a), line('1040', 0, a, funding_source=budget)]
            if roll < .70:
                a = amount(1_000, 300_000)
                code, specific = random.choice([('7110', '149'),
                        ('7120', '151'), ('7130', '152'), ('7140', '159'),
                        ('7160', '169'), ('7110', '144')])
                return 'EXP', [line(code, a, ebk_specific=spec[specific],
                        funding_source=budget),
                    line('3210', 0, a, party=party)]
            if roll < .82:
                a = amount(1_000, 300_000)
                return 'TRE', [line('3210', a, party=party),
                    line('1040', 0, a, funding_source=budget)]
            if roll < .88:
                a = amount(5_000, 60_000)
                return 'REV', [line('1210', a, party=party),
                    line('6110', 0, a, funding_source=source['paid'])]
            if roll < .93:
                a = amount(5_000, 60_000)
                return 'TRE', [line('1060', a, funding_source=source['paid']),
                    line('1210', 0, a, party=party)]
            if roll < .95:
                a = amount(10_000, 200_000)
                s = source['sponsorship']
                return 'TRE', [line('1060', a, funding_source=s),
                    line('6120', 0, a, funding_source=s)]
            if roll < .97:
                a = amount(1_000, 50_000)
                return 'AST', [line('7210', a), line('2390', 0, a)]
            if roll < .985:
                a = amount(5_000, 60_000)
                return 'CASH', [line('1010', a, funding_source=budget),
                    line('1040', 0, a, funding_source=budget)]
            a = amount(3_000, 40_000)
            return 'CASH', [line('7150', a, ebk_specific=spec['162']
                    if '162' in spec else spec['161'],
                    funding_source=budget),
                line('1010', 0, a, funding_source=budget)]

        opening = [{'journal': journal['GEN'], 'company': company.id,
                'date': dt.date(YEAR, 1, 1), 'period': periods[1],
                'description': "Opening",
                'lines': [('create', [line('2320', 50_000_000),
                            line('5010', 0, 50_000_000)])]}]
        Move.post(Move.create(opening))
        posted = 2
        batch = []
        while posted < lines:
            date = dt.date(YEAR, random.randint(1, 12), random.randint(1, 28))
            code, move_lines = kinds(date)
            posted += len(move_lines)
            batch.append({'journal': journal[code], 'company': company.id,
                    'date': date, 'period': periods[date.month],
                    'lines': [('create', move_lines)]})
            if len(batch) >= BATCH or posted >= lines:
                Move.post(Move.create(batch))
                batch = []
                print(f"  {posted} lines posted", file=sys.stderr,
                    flush=True)
    return env, posted


def bench(database, lines, runs):
    from trytond import config
    config.update_etc(CONFIG)
    if os.environ.get('TRYTOND_DATABASE__PATH'):
        config.set('database', 'path', os.environ['TRYTOND_DATABASE__PATH'])
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(database)
    pool.init()
    from sql.aggregate import Sum

    from trytond.modules.company.tests import set_company
    from trytond.modules.edu_account_report import ledger, report

    def run(extras):
        with Transaction().start(database, 0, **extras) as transaction, \
                transaction.set_context(_check_access=False):
            started = time.perf_counter()
            env, count = build(pool, lines)
            build_s = time.perf_counter() - started
            company = env.company
            start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
            Line = pool.get('account.move.line')
            Move = pool.get('account.move')
            TrialBalance = pool.get('edu.account.trial_balance')
            Run = pool.get('edu.account.statement.run')
            names = ['account', 'opening_debit', 'opening_credit', 'debit',
                'credit', 'closing_debit', 'closing_credit']
            with set_company(company):
                if backend.name == 'postgresql':
                    transaction.connection.cursor().execute('ANALYZE')

                def raw():
                    line, move = Line.__table__(), Move.__table__()
                    cursor = transaction.connection.cursor()
                    cursor.execute(*line.join(move,
                            condition=line.move == move.id).select(
                            line.account, Sum(line.debit), Sum(line.credit),
                            where=(move.company == company.id)
                            & (move.date >= start) & (move.date <= end)
                            & (move.state == 'posted'),
                            group_by=[line.account]))
                    return cursor.fetchall()

                def trial(group_by):
                    def read():
                        with transaction.set_context(company=company.id,
                                from_date=start, to_date=end, posted=True,
                                group_by=group_by):
                            rows = TrialBalance.search([])
                            return TrialBalance.read(
                                [r.id for r in rows], names)
                    return read

                def statements():
                    return ledger.compute(company, start, end)

                run, = Run.create([{'company': company.id, 'from_date': start,
                            'to_date': end, 'form': 'all', 'language': 'ru',
                            'format': 'pdf'}])
                computed = statements()

                def pdf():
                    return report.render(run, computed, 'pdf')[0]

                def xlsx():
                    return report.render(run, computed, 'xlsx')[0]

                def stored():
                    Run.draft([run])
                    Run.compute([run])

                figures = [
                    ('raw SQL GROUP BY account', raw),
                    ('trial balance by account', trial('account')),
                    ('trial balance account+specific', trial('specific')),
                    ('trial balance account+source', trial('source')),
                    ('ФО-1..ФО-4 ledger.compute', statements),
                    ('ФО-1..ФО-4 PDF (render)', pdf),
                    ('ФО-1..ФО-4 XLSX (render)', xlsx),
                    ('statement run compute (all+PDF)', stored),
                    ]
                results = [(name,) + measure(func, runs)
                    for name, func in figures]
                broken = [c['key'] for c in computed['controls'] if not c['ok']]
                line_total = Line.search([], count=True)
            transaction.rollback()
        return results, count, build_s, line_total, broken

    from trytond.transaction import TransactionError
    extras = {}
    while True:
        try:
            results, count, build_s, line_total, broken = run(extras)
            break
        except TransactionError as exception:
            exception.fix(extras)
    backend.Database(database).close()
    base = results[0][1]
    print(f"backend {backend.name}; {count} move lines posted "
        f"({line_total} in the database) in {build_s:.1f} s "
        f"({count / build_s:.0f} lines/s); median of {runs} runs")
    print(f"  {'operation':34} {'time':>10} {'× raw':>7} "
        f"{'peak MiB':>9} {'SQL':>5}")
    for name, ms, peak, queries, _ in results:
        print(f"  {name:34} {ms:8.1f} ms {ms / base:7.1f} "
            f"{peak:9.1f} {queries:5}")
    print(f"  control relations broken: {broken or 'none'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--lines', type=int, default=100_000)
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--postgresql', metavar='URI',
        help="run on PostgreSQL at URI (postgresql://user:pw@host:port/)")
    parser.add_argument('--database',
        help="an existing database with edu_account_report (rolled back)")
    args = parser.parse_args()
    if args.postgresql:
        os.environ['TRYTOND_DATABASE__URI'] = args.postgresql
    if args.database:
        bench(args.database, args.lines, args.runs)
        return
    with tempfile.TemporaryDirectory() as directory:
        os.environ.setdefault('TRYTOND_DATABASE__PATH', directory)
        database = f'bench_ledger_{os.getpid()}'
        create(database, 'edu_account_report')
        try:
            bench(database, args.lines, args.runs)
        finally:
            drop(database)


if __name__ == '__main__':
    sys.exit(main())
