#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Create a Bilim ERP database for the browser test, as scripts/create_db.py
does, with a small demo organisation.

    python tests/browser/make_db.py DBNAME [--learners 60] [--staff 20]

Run it in its own process with TRYTOND_CONFIG, TRYTOND_DATABASE__URI and
TRYTOND_DATABASE__PATH set (the test's fixture does).  The last line of the
output is a JSON object: the demo password, the logins and the timings.
"""
import argparse
import inspect
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'scripts'))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('database')
    parser.add_argument('--seed', type=int, default=2026)
    parser.add_argument('--learners', type=int, default=60)
    parser.add_argument('--staff', type=int, default=20)
    parser.add_argument('--second-school', action='store_true')
    args = parser.parse_args()

    import create_db
    import demo_data

    started = time.monotonic()
    create_db.create(args.database)
    created = time.monotonic()

    from trytond.transaction import Transaction
    create_db.open_pool(args.database)
    wanted = {
        'seed': args.seed,
        'learners': args.learners,
        'staff': args.staff,
        'second_school': args.second_school,
        }
    # pass only the parameters that this version of demo_data supports
    accepted = inspect.signature(demo_data.load).parameters
    kwargs = {k: v for k, v in wanted.items() if k in accepted}
    with Transaction().start(args.database, 0, context={}) as transaction:
        summary = demo_data.load(**kwargs)
        transaction.commit()
    loaded = time.monotonic()

    summary = summary if isinstance(summary, dict) else {}
    print(json.dumps({
                'password': getattr(demo_data, 'DEMO_PASSWORD', None),
                'logins': summary.get('logins', []),
                'demo_parameters': kwargs,
                'create_seconds': round(created - started, 1),
                'demo_seconds': round(loaded - created, 1),
                }, ensure_ascii=False))


if __name__ == '__main__':
    main()
