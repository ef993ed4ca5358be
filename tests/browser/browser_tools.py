# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the browser tests share: the tools they drive (Debian's chromium,
playwright-core from npm in build/node), where they put their pictures and
reports, and the environment of the trytond server they start on a SQLite
database of their own."""
import os
import shutil

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
CHROMIUM = '/usr/bin/chromium'
NODE_DIR = os.path.join(ROOT, 'build', 'node')
SAO_DIR = os.path.join(ROOT, 'build', 'sao')
SETUP_HINT = "install it with ./scripts/setup-browser.sh (make test does)"


def output_dir():
    base = os.environ.get(
        'BILIM_TEST_OUTPUT', os.path.join(ROOT, 'test-output'))
    path = os.path.join(base, 'browser')
    os.makedirs(path, exist_ok=True)
    return path


def node():
    return shutil.which('node')


def check_tools(sao=False):
    "Fail (not skip) when a tool of the browser test is missing"
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f'{CHROMIUM} (Debian package chromium)')
    if not node():
        missing.append('node')
    if not os.path.isfile(os.path.join(
                NODE_DIR, 'node_modules', 'playwright-core', 'package.json')):
        missing.append(f'playwright-core in {NODE_DIR}')
    if sao and not os.path.isfile(os.path.join(SAO_DIR, 'index.html')):
        missing.append(f'the sao web client in {SAO_DIR} '
            '(./scripts/setup.sh --sao)')
    if missing:
        pytest.fail('browser test tools missing: ' + ', '.join(missing)
            + '; ' + SETUP_HINT, pytrace=False)


def server_env(db_path, **extra):
    "The environment of a trytond server on its own SQLite database"
    env = os.environ.copy()
    # the test's own SQLite database, even in a PostgreSQL run
    for name in list(env):
        if name.startswith('TRYTOND_DATABASE__'):
            del env[name]
    env.update({
            'TRYTOND_CONFIG': os.path.join(ROOT, 'trytond.conf'),
            'TRYTOND_DATABASE__URI': 'sqlite://',
            'TRYTOND_DATABASE__PATH': db_path,
            'PYTHONUNBUFFERED': '1',
            **extra,
            })
    return env
