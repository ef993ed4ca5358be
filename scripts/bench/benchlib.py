# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the benchmark scripts share: the median of timed runs and the
throw-away database with a module activated (SQLite under
``TRYTOND_DATABASE__PATH`` or the backend of ``TRYTOND_DATABASE__URI``)."""
import os
import secrets
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CONFIG = os.path.join(ROOT, 'trytond.conf')
VENV_BIN = os.path.join(ROOT, '.venv', 'bin')


def median_ms(func, runs):
    "Return the median time of runs calls of func, in milliseconds"
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def create(database, module):
    "Create database with module (and its dependencies) activated"
    uri = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://')
    if uri.startswith('sqlite'):
        path = os.environ['TRYTOND_DATABASE__PATH']
        open(os.path.join(path, database + '.sqlite'), 'w').close()
    else:
        import psycopg
        with psycopg.connect(uri.rstrip('/') + '/postgres',
                autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{database}"')
    admin = os.path.join(VENV_BIN, 'trytond-admin')
    with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
        passfile.write(secrets.token_urlsafe(16) + 'a1\n')
        passfile.flush()
        subprocess.run([admin, '-c', CONFIG, '-d', database, '--all',
                '--email', 'admin@localhost',
                '-u', module, '--activate-dependencies'],
            check=True, stdin=subprocess.DEVNULL,
            env={**os.environ, 'TRYTONPASSFILE': passfile.name},
            stdout=subprocess.DEVNULL)


def drop(database):
    "Drop the PostgreSQL database (the SQLite file goes with its directory)"
    uri = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://')
    if not uri.startswith('sqlite'):
        import psycopg
        with psycopg.connect(uri.rstrip('/') + '/postgres',
                autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}"')


def __getattr__(name):
    """QueryCounter: the statement counter of the tests
    (edu_school/tests/tools.py), imported once trytond is configured"""
    if name == 'QueryCounter':
        from trytond.modules.edu_school.tests.tools import QueryCounter
        return QueryCounter
    raise AttributeError(name)
