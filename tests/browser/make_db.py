#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Create a Bilim ERP database for the browser test, as scripts/create_db.py
does, with a small demo organisation.

    python tests/browser/make_db.py DBNAME [--learners 60] [--staff 20] \
        [--demo-parts]

With ``--demo-parts`` the demo parts of the platform modules
(``scripts/demo_edu_*.py``, each ``load(summary)``) are loaded after the
organisation, each in its own transaction, as ``scripts/create_db.py``
does for the demo (test_sao_security.py; test_sao_kazakh.py does without).

Run it in its own process with TRYTOND_CONFIG, TRYTOND_DATABASE__URI and
TRYTOND_DATABASE__PATH set (the test's fixture does).  The last line of the
output is a JSON object: the demo password, the logins, the demo users
(login, role, name, language), the timings and what each demo part made.
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
    parser.add_argument('--demo-parts', action='store_true',
        help="also load the demo parts scripts/demo_edu_*.py")
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
    parts = {}
    if args.demo_parts:
        parts = load_demo_parts(args.database, summary)
    print(json.dumps({
                'password': getattr(demo_data, 'DEMO_PASSWORD', None),
                'logins': summary.get('logins', []),
                # login, role, name and language of the demo users
                'users': [{k: u.get(k) for k in (
                                'login', 'role', 'name', 'language')}
                    for u in summary.get('users', [])],
                'demo_parameters': kwargs,
                'create_seconds': round(created - started, 1),
                'demo_seconds': round(loaded - created, 1),
                'demo_parts': parts,
                }, ensure_ascii=False, default=str))


def load_demo_parts(database, summary):
    """Load the demo parts of scripts/create_db.py's demo_parts(), each in
    its own transaction; return {name: {'made': ..., 'seconds': ...}}"""
    import importlib

    import create_db
    from trytond.transaction import Transaction
    parts = {}
    for name in create_db.demo_parts():
        started = time.monotonic()
        part = importlib.import_module(name)
        with Transaction().start(database, 0) as transaction:
            made = part.load(summary) or {}
            transaction.commit()
        parts[name] = {
            'made': made,
            'seconds': round(time.monotonic() - started, 1),
            }
    return parts


if __name__ == '__main__':
    main()
