#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the cash desk (edu_account_cash, R19.3).

    .venv/bin/python scripts/bench/bench_cash.py [--orders 5000] \\
        [--postgresql postgresql://user:password@host:5432/] \\
        [--database NAME]

On a new throw-away database (SQLite in a temporary directory by default,
PostgreSQL with ``--postgresql`` or ``TRYTOND_DATABASE__URI``) with
edu_account_cash activated, or on ``--database`` (nothing is committed
there):

1. a school with the chart of state institutions and a fiscal year;
2. --orders cash orders created and posted ONE BY ONE as the accountant's
   button does (``CashOrder.post([order])``: strict number, move, posting,
   the never-negative check of the cash desk and the cash-limit check),
   alternately a receipt (paid services, Dt 1010 / Cr 6110) and a
   disbursement (advance, Dt 1250 / Cr 1010), 20 a day over the year;
3. printed: the total time and orders per second, and per slice of 10 %
   of the orders the mean time and the number of SQL statements of one
   posting: the statement count stays constant as the ledger grows (the
   checks are aggregates, not loops over lines);
4. the cash book of the year (``edu.cash.book`` read in full) and the
   money by funding source: time and SQL statements.

Nothing here is a test: it only prints its figures.
"""
import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchlib import (  # noqa: E402
    CONFIG, QueryCounter, create, drop, median_ms)

YEAR = 2026


def working_days(year, count):
    "count working days of year, repeated if needed"
    days = []
    day = dt.date(year, 1, 5)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
        if day.year != year:
            day = dt.date(year, 1, 5)
    return days


def bench(database, orders):
    from trytond.config import config
    config.update_etc(CONFIG)
    if os.environ.get('TRYTOND_DATABASE__PATH'):
        config.set('database', 'path', os.environ['TRYTOND_DATABASE__PATH'])
    from trytond import backend
    from trytond.pool import Pool
    Pool.start()
    pool = Pool(database)
    pool.init()
    from trytond.transaction import TransactionError
    extras = {}
    while True:
        try:
            total, timings, reports, closing = run(
                pool, database, orders, extras)
            break
        except TransactionError as exception:
            exception.fix(extras)
    backend.Database(database).close()
    report(backend.name, orders, total, timings, reports, closing)


def run(pool, database, orders, extras):
    from trytond import backend
    from trytond.modules.company.tests import set_company
    from trytond.modules.edu_account.tests.tools import setup_gov_accounting
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, **extras) as transaction, \
            transaction.set_context(_check_access=False,
                _skip_warnings=True):
        Party = pool.get('party.party')
        Order = pool.get('edu.cash.order')
        ModelData = pool.get('ir.model.data')
        CashBook = pool.get('edu.cash.book')
        MoneySource = pool.get('edu.money.source')
        env = setup_gov_accounting(year=YEAR)
        company = env.company
        with set_company(company):
            payer, = Party.create([{'name': "Ата-аналар / Родители"}])
            holder, = Party.create([{'name': "Есеп беруші / Подотчётник"}])
            paid = ModelData.get_id('edu_account', 'funding_paid')
            cash = env.account('1010').id
            income = env.account('6110').id
            advance = env.account('1250').id
            journal = env.journal('CASH').id
            days = working_days(YEAR, (orders + 19) // 20)
            if backend.name == 'postgresql':
                transaction.connection.cursor().execute('ANALYZE')
            timings = []
            started = time.perf_counter()
            for i in range(orders):
                receipt = i % 2 == 0
                order = Order(company=company, journal=journal,
                    kind='receipt' if receipt else 'disbursement',
                    date=days[i // 20], party=payer if receipt else holder,
                    basis="Оплата / Подотчёт", funding_source=paid,
                    amount=Decimal('1500.00') if receipt
                    else Decimal('1000.00'),
                    cash_account=cash, account=income if receipt else advance)
                order.save()
                with QueryCounter() as counter:
                    tick = time.perf_counter()
                    Order.post([order])
                    timings.append((time.perf_counter() - tick,
                            counter.count))
            total = time.perf_counter() - started
            with transaction.set_context(company=company.id,
                    from_date=dt.date(YEAR, 1, 1),
                    to_date=dt.date(YEAR, 12, 31)):
                def book():
                    rows = CashBook.search([])
                    return CashBook.read([r.id for r in rows],
                        ['date', 'opening', 'receipts', 'disbursements',
                            'closing', 'over_limit'])

                def money():
                    rows = MoneySource.search([])
                    return MoneySource.read([r.id for r in rows],
                        ['account', 'funding_source', 'opening', 'inflow',
                            'outflow', 'closing'])
                reports = []
                for name, func in [('cash book of the year', book),
                        ('money by funding source', money)]:
                    result = func()
                    with QueryCounter() as counter:
                        func()
                    reports.append((name, median_ms(func, 3), counter.count,
                            len(result)))
                closing = book()[-1]['closing']
        transaction.rollback()
    return total, timings, reports, closing


def report(backend_name, orders, total, timings, reports, closing):
    print(f"backend {backend_name}; {orders} cash orders posted one by one "
        f"in {total:.1f} s ({orders / total:.0f} orders/s, including their "
        f"creation); closing cash {closing}")
    print(f"  {'orders':>13} {'post ms (mean)':>15} {'SQL per post':>13}")
    step = max(orders // 10, 1)
    for start in range(0, orders, step):
        chunk = timings[start:start + step]
        mean = sum(t for t, _ in chunk) / len(chunk) * 1000
        queries = sorted(q for _, q in chunk)
        low, high = queries[0], queries[-1]
        spread = f"{low}" if low == high else f"{low}-{high}"
        print(f"  {start + 1:>6}-{start + len(chunk):<6} {mean:15.2f} "
            f"{spread:>13}")
    for name, ms, queries, rows in reports:
        print(f"  {name:26} {ms:8.1f} ms {queries:4} SQL {rows:6} rows")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--orders', type=int, default=5000)
    parser.add_argument('--postgresql', metavar='URI',
        help="run on PostgreSQL at URI (postgresql://user:pw@host:port/)")
    parser.add_argument('--database',
        help="an existing database with edu_account_cash (rolled back)")
    args = parser.parse_args()
    if args.postgresql:
        os.environ['TRYTOND_DATABASE__URI'] = args.postgresql
    if args.database:
        bench(args.database, args.orders)
        return
    with tempfile.TemporaryDirectory() as directory:
        os.environ.setdefault('TRYTOND_DATABASE__PATH', directory)
        database = f'bench_cash_{os.getpid()}'
        create(database, 'edu_account_cash')
        try:
            bench(database, args.orders)
        finally:
            drop(database)


if __name__ == '__main__':
    sys.exit(main())
