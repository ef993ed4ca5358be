#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the monitoring (edu_monitoring, R5.18, R5.19).

    .venv/bin/python scripts/bench/bench_monitoring.py [--runs 20] \\
        [--days 30] [--interval 5] [--database NAME]

On a new throw-away database (SQLite in a temporary directory, or the
backend of ``TRYTOND_DATABASE__URI``, e.g. PostgreSQL) with edu_monitoring
activated (``trytond-admin -u edu_monitoring --activate-dependencies``), or
on ``--database`` if given (nothing is committed there):

1. ``--days`` of samples every ``--interval`` minutes are inserted
   (8,640 rows for 30 days every 5 minutes);
2. the time of one sample with the alert check, the median of --runs:
   ``take_sample()`` with the real psutil readings, and with the readings
   given (the database part alone);
3. the time of the graph queries, the median of --runs: the
   ``search_read`` that sao's graph views make (date, CPU, RAM, free
   disk): the samples of the last 24 hours, and the hourly averages
   (``edu.monitoring.sample.hourly``) over the whole period; sao reads at
   most 1,000 records, so the graphs over days use the hourly averages.
   For comparison, every sample of the period through the ORM.

Nothing here is a test: it only prints its figures.
"""
import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchlib import CONFIG, create, drop, median_ms  # noqa: E402


def bench(database, runs, days, interval):
    from trytond import config
    config.update_etc(CONFIG)
    if os.environ.get('TRYTOND_DATABASE__PATH'):
        config.set('database', 'path', os.environ['TRYTOND_DATABASE__PATH'])
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(database)
    pool.init()
    from trytond.modules.edu_monitoring import alert as alert_module
    with Transaction().start(database, 0) as transaction:
        Sample = pool.get('edu.monitoring.sample')
        now = dt.datetime.now().replace(microsecond=0)
        count = days * 24 * 60 // interval
        started = time.perf_counter()
        Sample.create([{
                    'date': now - dt.timedelta(minutes=interval * i),
                    'cpu_percent': 10.0 + i % 50,
                    'ram_used_percent': 40.0 + i % 30,
                    'disk_free_percent': 60.0 - i % 20,
                    } for i in range(1, count + 1)])
        insert_s = time.perf_counter() - started
        Configuration = pool.get('edu.monitoring.configuration')
        readings = Sample.read_metrics(Configuration(1))

        with mock.patch.object(alert_module, 'send_message_transactional'):
            real_ms = median_ms(Sample.take_sample, runs)
            with mock.patch.object(
                    Sample, 'read_metrics', return_value=readings):
                db_ms = median_ms(Sample.take_sample, runs)
            read_ms = median_ms(
                lambda: Sample.read_metrics(Configuration(1)), runs)

        Hourly = pool.get('edu.monitoring.sample.hourly')
        fields_names = ['date', 'cpu_percent', 'ram_used_percent',
            'disk_free_percent']

        def graph_day():
            rows = Sample.search_read(
                [('date', '>=', now - dt.timedelta(days=1))],
                fields_names=fields_names, order=[('date', 'ASC')])
            assert rows

        def graph_hourly():
            rows = Hourly.search_read(
                [('date', '>=', now - dt.timedelta(days=days))],
                fields_names=fields_names, order=[('date', 'ASC')])
            assert len(rows) >= days * 24

        def graph_all():
            rows = Sample.search_read(
                [('date', '>=', now - dt.timedelta(days=days))],
                fields_names=fields_names, order=[('date', 'ASC')])
            assert len(rows) >= count
        day_ms = median_ms(graph_day, runs)
        hourly_ms = median_ms(graph_hourly, runs)
        all_ms = median_ms(graph_all, max(runs // 4, 1))
        transaction.rollback()
    from trytond import backend
    # no connection left open: the database can be dropped
    backend.Database(database).close()
    print(f"backend {backend.name}, {count} samples "
        f"({days} days every {interval} min) inserted in {insert_s:.1f} s")
    print(f"  one sample + alert check (real psutil): {real_ms:8.1f} ms")
    print(f"  one sample + alert check (database only): {db_ms:6.1f} ms")
    print(f"  read_metrics alone (psutil): {read_ms:19.1f} ms")
    print(f"  graph query, samples of the last 24 hours: {day_ms:7.1f} ms")
    print(f"  graph query, hourly averages of {days} days: "
        f"{hourly_ms:5.1f} ms")
    print(f"  (every sample of {days} days, not what sao asks: "
        f"{all_ms:.1f} ms)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=20)
    parser.add_argument('--days', type=int, default=30)
    parser.add_argument('--interval', type=int, default=5,
        help="minutes between two samples")
    parser.add_argument('--database',
        help="an existing database with edu_monitoring (rolled back)")
    args = parser.parse_args()
    if args.database:
        bench(args.database, args.runs, args.days, args.interval)
        return
    with tempfile.TemporaryDirectory() as directory:
        os.environ.setdefault('TRYTOND_DATABASE__PATH', directory)
        database = f'bench_monitoring_{os.getpid()}'
        create(database, 'edu_monitoring')
        try:
            bench(database, args.runs, args.days, args.interval)
        finally:
            drop(database)


if __name__ == '__main__':
    sys.exit(main())
