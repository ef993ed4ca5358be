#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Create or update a Bilim ERP database, idempotently.

    python scripts/create_db.py bilim --demo     # create, activate, demo data
    python scripts/create_db.py bilim --banner   # print address and logins

A new database is initialised with every Bilim module (``addons/*``) and its
dependencies, Kazakh and Russian made translatable and loaded (R17), and, with
``--demo``, the demo organisation of ``scripts/demo_data.py``.  An existing
database is updated only when a module file changed since the last run.
The configuration comes from TRYTOND_CONFIG (the Makefile sets it).
"""
import argparse
import importlib
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = os.path.join(ROOT, 'addons')
BIN = os.path.dirname(sys.executable)
LANGUAGES = ['kk', 'ru']
# the demo administrator; the demo users are listed by demo_data
ADMIN_PASSWORD = os.environ.get('BILIM_ADMIN_PASSWORD', 'Admin2026!kz')
URL = 'http://localhost:8000'
os.environ.setdefault(
    'TRYTOND_DATABASE__PATH', os.path.join(ROOT, 'build', 'db'))
os.environ.setdefault('TRYTOND_WEB__ROOT', os.path.join(ROOT, 'build', 'sao'))


def bilim_modules():
    return sorted(
        name for name in os.listdir(ADDONS)
        if os.path.isfile(os.path.join(ADDONS, name, 'tryton.cfg')))


def newest_module_file():
    newest = 0
    for dirpath, _, filenames in os.walk(ADDONS):
        for filename in filenames:
            if filename.endswith(('.py', '.xml', '.cfg', '.po')):
                newest = max(newest, os.path.getmtime(
                        os.path.join(dirpath, filename)))
    return newest


def config_file():
    return os.environ.get(
        'TRYTOND_CONFIG', os.path.join(ROOT, 'trytond.conf'))


def admin(database, *args, password=None):
    env = os.environ.copy()
    cmd = [os.path.join(BIN, 'trytond-admin'), '-c', config_file(),
        '-d', database, *args]
    with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
        if password:
            passfile.write(password)
            passfile.flush()
            env['TRYTONPASSFILE'] = passfile.name
        subprocess.run(cmd, check=True, env=env)


def open_pool(database):
    from trytond import config
    config.update_etc(config_file())
    from trytond.pool import Pool
    pool = Pool(database)
    pool.init()
    return pool


def is_sqlite():
    uri = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://')
    return uri.startswith('sqlite')


def sqlite_file(database):
    return os.path.join(
        os.environ['TRYTOND_DATABASE__PATH'], database + '.sqlite')


def database_exists(database):
    if is_sqlite():
        return os.path.exists(sqlite_file(database))
    from trytond import backend, config
    config.update_etc(config_file())
    return database in backend.Database('postgres').connect().list()


def create(database):
    if is_sqlite():
        os.makedirs(os.path.dirname(sqlite_file(database)), exist_ok=True)
        open(sqlite_file(database), 'a').close()
    else:
        from trytond import backend, config
        config.update_etc(config_file())
        db = backend.Database('postgres').connect()
        connection = db.get_connection(autocommit=True)
        try:
            db.create(connection, database)
        finally:
            db.put_connection(connection)
    started = time.monotonic()
    admin(database, '--all', '--email', 'admin@bilim.invalid', '-l', 'ru',
        password=ADMIN_PASSWORD)
    admin(database, '-u', *bilim_modules(), '--activate-dependencies',
        '-l', *LANGUAGES)
    print(f'== database {database} created in '
        f'{time.monotonic() - started:.1f} s')


def demo_loaded(database):
    from trytond.transaction import Transaction
    pool = open_pool(database)
    with Transaction().start(database, 0, readonly=True):
        Company = pool.get('company.company')
        return bool(Company.search([('edu_kind', '=', 'school')], limit=1))


def load_demo(database, seed):
    sys.path.insert(0, os.path.join(ROOT, 'scripts'))
    import demo_data
    from trytond.transaction import Transaction
    open_pool(database)
    started = time.monotonic()
    with Transaction().start(database, 0) as transaction:
        summary = demo_data.load(seed=seed)
        transaction.commit()
    print(f'== demo organisation loaded in {time.monotonic() - started:.1f} s')
    # the platform modules show their part of the demo (monitoring samples,
    # journal entries, ...): scripts/demo_<module>.py, each load(summary)
    # in its own transaction after the organisation
    for name in demo_parts():
        started = time.monotonic()
        part = importlib.import_module(name)
        with Transaction().start(database, 0) as transaction:
            made = part.load(summary) or {}
            transaction.commit()
        figures = ', '.join(f'{k} {v}' for k, v in made.items())
        print(f'== demo {name[5:]}: {figures} '
            f'({time.monotonic() - started:.1f} s)')
    return summary


def module_depends(module):
    "The modules that addons/<module>/tryton.cfg depends on"
    import configparser
    config = configparser.ConfigParser()
    config.read(os.path.join(ADDONS, module, 'tryton.cfg'))
    return config.get('tryton', 'depends', fallback='').split()


def demo_parts():
    """The demo parts of the modules (scripts/demo_<module>.py): a module's
    part after the parts of the modules it depends on, else by name"""
    scripts = os.path.join(ROOT, 'scripts')
    names = sorted(name[:-3] for name in os.listdir(scripts)
        if name.startswith('demo_edu_') and name.endswith('.py'))
    modules = set(bilim_modules())
    ordered, done = [], set()

    def visit(module, seen=()):
        if module in done or module not in modules or module in seen:
            return
        for depend in sorted(module_depends(module)):
            visit(depend, (*seen, module))
        done.add(module)
        ordered.append(module)
    for name in names:
        visit(name[len('demo_'):])
    rank = {m: i for i, m in enumerate(ordered)}
    return sorted(names, key=lambda n: (rank.get(n[len('demo_'):], -1), n))


def banner(database):
    "Print the address and the demo logins, read from the database"
    sys.path.insert(0, os.path.join(ROOT, 'scripts'))
    import demo_data
    from trytond.transaction import Transaction
    pool = open_pool(database)
    print()
    print(f'Bilim ERP is starting on {URL}  (database: {database})')
    print(f'  portal for teachers, learners and parents: {URL}/{database}/portal/')
    print(f'  administrator: admin / {ADMIN_PASSWORD}')
    with Transaction().start(database, 0, readonly=True):
        User = pool.get('res.user')
        users = User.search([
                ('roles', '!=', None),
                ('password_hash', '!=', None),
                ], order=[('id', 'ASC')])
        if users:
            print(f'  demo users, password {demo_data.DEMO_PASSWORD}:')
        for user in users:
            roles = ', '.join(r.role.name for r in user.roles)
            company = user.company.rec_name if user.company else ''
            print(f'    {user.login:18} {roles} — {company}')
    print('  Stop with Ctrl+C.')
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('database')
    parser.add_argument('--demo', action='store_true',
        help="load the demo organisation into a new database")
    parser.add_argument('--seed', type=int, default=2026)
    parser.add_argument('--banner', action='store_true',
        help="only print the address and the logins")
    args = parser.parse_args()
    if args.banner:
        banner(args.database)
        return
    stamp = os.path.join(ROOT, 'build', f'.{args.database}.updated')
    if not database_exists(args.database):
        create(args.database)
    elif (not os.path.exists(stamp)
            or os.path.getmtime(stamp) < newest_module_file()):
        print(f'== updating the modules of {args.database}')
        admin(args.database, '-u', *bilim_modules(),
            '--activate-dependencies', '-l', *LANGUAGES)
    os.makedirs(os.path.dirname(stamp), exist_ok=True)
    open(stamp, 'w').close()
    if args.demo and not demo_loaded(args.database):
        load_demo(args.database, args.seed)


if __name__ == '__main__':
    main()
