#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the statistics of use (edu_audit, R5.15).

    .venv/bin/python scripts/bench/bench_audit_statistics.py [--runs 10] \\
        [--entries 50000] [--users 40] [--days 60] [--database NAME]

On a new throw-away database (SQLite in a temporary directory, or the
backend of ``TRYTOND_DATABASE__URI``, e.g. PostgreSQL) with edu_audit
activated, or on ``--database`` if given (nothing is committed there):

1. ``--users`` accounts of two schools are created, each with one or two
   roles, and ``--entries`` journal entries spread over ``--days`` days
   and over the journalled models, plus one failed login per 50 entries
   (inserted in SQL: the hash chain is not the subject here);
2. the time of the grouped reads, the median of --runs: what sao's list
   and graph views ask (``search_read`` of a page of 1,000 rows of the
   period) and every row of the period, per day and per month, per role, as the platform administrator and as the
   auditor of one school (record rules applied), and the rows of the XLSX
   export; with the number of SQL statements each runs (the statistics
   are one ``table_query``: one statement for the search, one for the
   read, whatever the number of entries), and the time of the SQL query
   alone (the rest is the ORM building the rows).

Nothing here is a test: it only prints its figures.
"""
import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchlib import CONFIG, create, drop, median_ms  # noqa: E402
MODELS = ['party.party', 'party.address', 'party.contact_mechanism',
    'company.employee', 'res.user', 'edu.rights.log', None]
ROLES = ['teacher', 'hr_officer', 'clerk', 'methodist', 'accountant']


class StatementCounter:
    "Count the SQL statements run through the cursors of the transaction"

    def __init__(self, transaction):
        self.transaction = transaction
        self.count = 0

    def __enter__(self):
        connection = self.transaction.connection
        self._cursor = connection.cursor
        counter = self

        class Cursor:
            def __init__(self, cursor):
                self._cursor = cursor

            def execute(self, *args, **kwargs):
                counter.count += 1
                return self._cursor.execute(*args, **kwargs)

            def __getattr__(self, name):
                return getattr(self._cursor, name)

            def __iter__(self):
                return iter(self._cursor)

        self._patched = connection
        try:
            connection.cursor = lambda *a, **k: Cursor(self._cursor(*a, **k))
        except AttributeError:  # a C connection (sqlite3): not patchable
            self.count = None
        return self

    def __exit__(self, *exc):
        if self.count is not None:
            del self._patched.cursor
        return False


def bench(database, runs, entries, users, days):
    from trytond import config
    config.update_etc(CONFIG)
    if os.environ.get('TRYTOND_DATABASE__PATH'):
        config.set('database', 'path', os.environ['TRYTOND_DATABASE__PATH'])
    from sql import Table

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(database)
    pool.init()
    random.seed(456)
    with Transaction().start(database, 0) as transaction, \
            transaction.set_context(_check_access=False):
        from trytond.modules.edu_audit.statistics import statistics_rows
        Party = pool.get('party.party')
        Company = pool.get('company.company')
        Currency = pool.get('currency.currency')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Statistics = pool.get('edu.audit.statistics')
        StatisticsRole = pool.get('edu.audit.statistics.role')
        kzt, = Currency.create([{'name': 'Tenge', 'code': 'KZT',
                    'symbol': '₸'}])
        schools = Company.create([{
                    'party': Party.create([{'name': name}])[0].id,
                    'currency': kzt.id}
                for name in ["Мектеп А", "Мектеп Б"]])
        roles = [ModelData.get_id('edu_base', f'role_{r}') for r in ROLES]
        accounts = User.create([{
                    'login': f'bench{n}', 'name': f'bench{n}',
                    'companies': [('add', [schools[n % 2].id])],
                    'company': schools[n % 2].id,
                    'roles': [('create', [{'role': r} for r in
                                random.sample(roles, 1 + n % 2)])],
                    } for n in range(users)])
        auditor, = User.create([{
                    'login': 'bench.auditor', 'name': 'bench.auditor',
                    'companies': [('add', [schools[0].id])],
                    'company': schools[0].id,
                    'roles': [('create', [{'role': ModelData.get_id(
                                        'edu_base', 'role_auditor')}])],
                    }])
        ids = [u.id for u in accounts]

        now = dt.datetime.now().replace(microsecond=0)
        entry = Table('edu_audit_entry')
        failure = Table('edu_login_failure')
        cursor = transaction.connection.cursor()
        started = time.perf_counter()
        batch = []

        def flush():
            if batch:
                cursor.execute(*entry.insert([entry.date, entry.user,
                            entry.action, entry.operation, entry.model,
                            entry.record_id], batch))
                batch.clear()
        for i in range(entries):
            model = random.choice(MODELS)
            action = ('critical' if model in {None, 'edu.rights.log'}
                else random.choice(['create', 'write', 'write', 'delete']))
            batch.append([now - dt.timedelta(minutes=random.randrange(
                            days * 24 * 60)), random.choice(ids), action,
                    'bench' if action == 'critical' else None, model,
                    random.randrange(1, 10000) if model else None])
            if len(batch) >= 1000:
                flush()
        flush()
        cursor.execute(*failure.insert(
                [failure.date, failure.login, failure.user,
                    failure.reason],
                [[now - dt.timedelta(minutes=random.randrange(
                                days * 24 * 60)), 'bench', random.choice(ids),
                        'wrong_password'] for _ in range(entries // 50)]))
        insert_s = time.perf_counter() - started

        names = ['date', 'subsystem', 'user', 'kind', 'operation', 'count']
        period = {'from_date': (now - dt.timedelta(days=days)).date(),
            'to_date': now.date()}
        results = []

        def measure(label, func, context, user=0):
            with transaction.set_user(user), transaction.set_context(
                    context, _check_access=bool(user)):
                rows = func()
                with StatementCounter(transaction) as counter:
                    func()
                ms = median_ms(func, runs)
            results.append((label, ms, len(rows), counter.count))

        def read(Model, fields_names=names, limit=1000):
            # sao reads a page of 1,000 records, for its lists and graphs
            return lambda: Model.search_read([], limit=limit,
                fields_names=fields_names)

        def sql_only(Model):
            def run():
                query = Model.table_query()
                cursor = transaction.connection.cursor()
                cursor.execute(*query.select(query.id))
                return cursor.fetchall()
            return run

        measure("per day, list and graphs (a page)", read(Statistics),
            {**period, 'period': 'day'})
        measure("per day, every row", read(Statistics, limit=None),
            {**period, 'period': 'day'})
        measure("  the SQL query alone", sql_only(Statistics),
            {**period, 'period': 'day'})
        measure("per month, every row", read(Statistics, limit=None),
            {**period, 'period': 'month'})
        measure("per role, per day", read(StatisticsRole,
                names + ['role']), {**period, 'period': 'day'})
        measure("  the SQL query alone", sql_only(StatisticsRole),
            {**period, 'period': 'day'})
        measure("one subsystem, per day", read(Statistics),
            {**period, 'period': 'day', 'subsystem': 'edu_base'})
        measure("as the auditor of school A (rules)", read(Statistics),
            {**period, 'period': 'day'}, user=auditor.id)
        measure("export rows, per month and user",
            lambda: statistics_rows(period['from_date'], period['to_date'],
                'month', 'user'), {})
        transaction.rollback()
    from trytond import backend
    backend.Database(database).close()
    print(f"backend {backend.name}: {entries} journal entries and "
        f"{entries // 50} failed logins of {users} users over {days} days "
        f"inserted in {insert_s:.1f} s; median of {runs} runs")
    for label, ms, count, statements in results:
        statements = '?' if statements is None else statements
        print(f"  {label:38} {ms:8.1f} ms  {count:6} rows  "
            f"{statements} SQL statements")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=10)
    parser.add_argument('--entries', type=int, default=50000)
    parser.add_argument('--users', type=int, default=40)
    parser.add_argument('--days', type=int, default=60)
    parser.add_argument('--database',
        help="an existing database with edu_audit (rolled back)")
    args = parser.parse_args()
    if args.database:
        bench(args.database, args.runs, args.entries, args.users, args.days)
        return
    with tempfile.TemporaryDirectory() as directory:
        os.environ.setdefault('TRYTOND_DATABASE__PATH', directory)
        database = f'bench_audit_statistics_{os.getpid()}'
        create(database, 'edu_audit')
        try:
            bench(database, args.runs, args.entries, args.users, args.days)
        finally:
            drop(database)


if __name__ == '__main__':
    sys.exit(main())
