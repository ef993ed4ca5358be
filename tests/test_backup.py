# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Backup and restore (R3): scripts/backup.py and scripts/restore.py.

A small real database (every Bilim module, a small demo organisation and an
attachment stored in the filestore) is built in a subprocess, as
tests/browser/make_db.py does: in a temporary directory on SQLite, or on the
PostgreSQL server of TRYTOND_DATABASE__URI with unique database names dropped
at the end.  It is backed up and restored into a new database: the restore
reports equal row counts and checksums of every table and the attachment's
bytes come back.  A missing key, a wrong key and an altered archive fail
with a clear message and leave no target database behind.
"""
import base64
import json
import os
import subprocess
import sys
import urllib.parse
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(ROOT, 'scripts')
PYTHON = sys.executable
ATTACHMENT = (b'Bilim backup test \x00\xff ' + os.urandom(64)
    + 'Қазақша'.encode())

BUILD = r'''
import json, sys
sys.path.insert(0, sys.argv[1])
import create_db, demo_data
from trytond.transaction import Transaction
database = sys.argv[2]
create_db.create(database)
pool = create_db.open_pool(database)
with Transaction().start(database, 0, context={}) as transaction:
    demo_data.load(learners=30, staff=10, second_school=False)
    Company = pool.get('company.company')
    Attachment = pool.get('ir.attachment')
    company, = Company.search([], limit=1)
    attachment, = Attachment.create([{
        'name': 'backup-test.bin',
        'resource': str(company),
        'data': bytes.fromhex(sys.argv[3]),
        }])
    file_id = attachment.file_id
    transaction.commit()
print(json.dumps({'file_id': file_id}))
'''

READ = r'''
import json, sys
sys.path.insert(0, sys.argv[1])
import create_db
from trytond.transaction import Transaction
database = sys.argv[2]
pool = create_db.open_pool(database)
with Transaction().start(database, 0, readonly=True):
    Attachment = pool.get('ir.attachment')
    attachment, = Attachment.search([('name', '=', 'backup-test.bin')])
    print(json.dumps({'file_id': attachment.file_id,
        'data': bytes(attachment.data).hex()}))
'''

# the check of scripts/restore.py against the manifest of an archive
VERIFY = r'''
import base64, json, os, sys
sys.path.insert(0, sys.argv[1])
import backup_lib, restore
archive, database = sys.argv[2:4]
config = backup_lib.load_config()
workdir = backup_lib.private_tempdir(archive)
try:
    plain = os.path.join(workdir, 'a.tar')
    backup_lib.decrypt_file(
        archive, backup_lib.load_key(), plain)
    backup_lib.extract(plain, workdir)
    with open(os.path.join(workdir, 'manifest.json')) as fp:
        manifest = json.load(fp)
finally:
    backup_lib.remove_tree(workdir)
differences = restore.verify(config, backup_lib.backend_name(config),
    database, manifest, backup_lib.filestore_dir(config, database))
print(json.dumps([differences, manifest]))
'''


def is_postgresql():
    return os.environ.get(
        'TRYTOND_DATABASE__URI', 'sqlite://').startswith('postgres')


def pg_connect():
    import psycopg
    uri = urllib.parse.urlparse(os.environ['TRYTOND_DATABASE__URI'])
    return psycopg.connect(
        dbname='postgres', autocommit=True, host=uri.hostname,
        port=uri.port, user=urllib.parse.unquote(uri.username or '') or None,
        password=urllib.parse.unquote(uri.password or '') or None)


def pg_databases():
    with pg_connect() as conn:
        return {r[0] for r in conn.execute('SELECT datname FROM pg_database')}


def pg_drop(names):
    from psycopg import sql
    with pg_connect() as conn:
        for name in names:
            conn.execute(sql.SQL('DROP DATABASE IF EXISTS {} WITH (FORCE)')
                .format(sql.Identifier(name)))


@pytest.fixture(scope='module')
def env(tmp_path_factory):
    path = tmp_path_factory.mktemp('backup')
    env = os.environ.copy()
    for name in ['DB_NAME', 'DB_CACHE', 'BILIM_BACKUP_KEY']:
        env.pop(name, None)
    env['TRYTOND_CONFIG'] = os.path.join(ROOT, 'trytond.conf')
    env['TRYTOND_DATABASE__URI'] = os.environ.get(
        'TRYTOND_DATABASE__URI', 'sqlite://')
    env['TRYTOND_DATABASE__PATH'] = str(path / 'db')
    os.makedirs(env['TRYTOND_DATABASE__PATH'])
    return env


@pytest.fixture(scope='module')
def names():
    suffix = uuid.uuid4().hex[:10]
    names = {
        'source': f'bilim_bk_src_{suffix}',
        'restored': f'bilim_bk_dst_{suffix}',
        'wrong_key': f'bilim_bk_wk_{suffix}',
        'tampered': f'bilim_bk_tm_{suffix}',
        'no_key': f'bilim_bk_nk_{suffix}',
        }
    yield names
    if is_postgresql():
        pg_drop(names.values())


def run(env, *args, key=None, script=None, check=False):
    env = dict(env)
    if key is not None:
        env['BILIM_BACKUP_KEY'] = key
    cmd = ([PYTHON, '-c', script] if script
        else [PYTHON, os.path.join(SCRIPTS, args[0])]) + list(
        args[1:] if not script else args)
    result = subprocess.run(cmd, env=env, capture_output=True, text=True,
        cwd=ROOT, timeout=600)
    if check and result.returncode:
        pytest.fail(f'{cmd[1]} failed ({result.returncode}):\n'
            f'{result.stdout}\n{result.stderr}', pytrace=False)
    return result


@pytest.fixture(scope='module')
def source(env, names):
    result = run(env, SCRIPTS, names['source'], ATTACHMENT.hex(),
        script=BUILD, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope='module')
def key():
    result = subprocess.run(
        [PYTHON, os.path.join(SCRIPTS, 'backup.py'), '--new-key'],
        capture_output=True, text=True, check=True)
    key = result.stdout.strip()
    assert len(base64.b64decode(key, validate=True)) == 32
    return key


@pytest.fixture(scope='module')
def archive(env, names, source, key, tmp_path_factory):
    path = str(tmp_path_factory.mktemp('archive') / 'school.bilim-backup')
    result = run(env, 'backup.py', names['source'], path, key=key,
        check=True)
    assert key not in result.stdout + result.stderr
    return path


def database_exists(env, name):
    if is_postgresql():
        return name in pg_databases()
    return os.path.exists(
        os.path.join(env['TRYTOND_DATABASE__PATH'], name + '.sqlite'))


def assert_nothing_restored(env, name):
    assert not database_exists(env, name)
    assert not os.path.exists(
        os.path.join(env['TRYTOND_DATABASE__PATH'], name))


def test_archive_is_encrypted(archive, key):
    with open(archive, 'rb') as fp:
        data = fp.read()
    assert data.startswith(b'BILIMBAK')
    for clear in [b'manifest.json', b'SQLite format', b'PGDMP',
            ATTACHMENT[:24], key.encode()]:
        assert clear not in data


def test_restore_equal(env, names, source, archive, key):
    result = run(env, 'restore.py', archive, names['restored'], key=key,
        check=True)
    assert 'counts and checksums equal' in result.stdout
    assert key not in result.stdout + result.stderr

    restored = json.loads(run(env, SCRIPTS, names['restored'],
            script=READ, check=True).stdout.strip().splitlines()[-1])
    assert bytes.fromhex(restored['data']) == ATTACHMENT
    assert restored['file_id'] == source['file_id']
    # the attachment is read from the new database's own filestore
    file_id = source['file_id']
    assert os.path.isfile(os.path.join(env['TRYTOND_DATABASE__PATH'],
            names['restored'], file_id[0:2], file_id[2:4], file_id))

    # an existing database is refused and left as it is
    again = run(env, 'restore.py', archive, names['restored'], key=key)
    assert again.returncode != 0
    assert 'exists already' in again.stderr
    assert database_exists(env, names['restored'])


def test_restore_detects_difference(env, names, archive, key):
    "The check compares with the manifest: a changed row is reported"
    if is_postgresql():
        import psycopg
        uri = urllib.parse.urlparse(os.environ['TRYTOND_DATABASE__URI'])
        conn = psycopg.connect(dbname=names['restored'], autocommit=True,
            host=uri.hostname, port=uri.port,
            user=urllib.parse.unquote(uri.username or '') or None,
            password=urllib.parse.unquote(uri.password or '') or None)
    else:
        import sqlite3
        conn = sqlite3.connect(os.path.join(
                env['TRYTOND_DATABASE__PATH'],
                names['restored'] + '.sqlite'), isolation_level=None)
    try:
        conn.execute("UPDATE party_party SET name = name || 'x' "
            "WHERE id = (SELECT MIN(id) FROM party_party)")
    finally:
        conn.close()
    result = run(env, SCRIPTS, archive, names['restored'], key=key,
        script=VERIFY, check=True)
    differences, manifest = json.loads(result.stdout.strip().splitlines()[-1])
    assert differences == ['party_party: checksum differs '
        f"({manifest['tables']['party_party']['rows']} rows)"]
    assert manifest['tables']['party_party']['rows'] >= 40
    assert 'edu_base' in manifest['modules']
    assert manifest['backend'] == (
        'postgresql' if is_postgresql() else 'sqlite')


def test_no_key(env, names, archive):
    for script, args in [('backup.py', [names['source'], archive + '.x']),
            ('restore.py', [archive, names['no_key']])]:
        result = run(env, script, *args)
        assert result.returncode != 0
        assert 'no encryption key' in result.stderr
        assert not os.path.exists(archive + '.x')
    assert_nothing_restored(env, names['no_key'])


def test_wrong_key(env, names, archive, key):
    other = run(env, 'backup.py', '--new-key', check=True).stdout.strip()
    assert other != key
    result = run(env, 'restore.py', archive, names['wrong_key'], key=other)
    assert result.returncode != 0
    assert 'wrong key' in result.stderr
    assert 'Traceback' not in result.stderr
    assert_nothing_restored(env, names['wrong_key'])


def test_tampered(env, names, archive, key, tmp_path):
    with open(archive, 'rb') as fp:
        data = bytearray(fp.read())
    data[len(data) // 2] ^= 0x01
    tampered = str(tmp_path / 'tampered.bilim-backup')
    with open(tampered, 'wb') as fp:
        fp.write(data)
    result = run(env, 'restore.py', tampered, names['tampered'], key=key)
    assert result.returncode != 0
    assert 'altered' in result.stderr
    assert 'Traceback' not in result.stderr
    assert_nothing_restored(env, names['tampered'])
