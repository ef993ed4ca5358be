# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Shared code of scripts/backup.py and scripts/restore.py (R3).

An archive ``*.bilim-backup`` is::

    MAGIC (8 bytes) | FORMAT (1) | nonce (12) | ciphertext | tag (16)

the ciphertext being a tar, encrypted with AES-256-GCM (the header is the
associated data), that holds ``manifest.json``, the database dump
(``database.sqlite`` or ``database.pgdump``) and ``filestore/`` (the
attachments of the database).  The key comes from BILIM_BACKUP_KEY (base64 of
32 bytes) or a key file; it is never written into the archive nor printed.

The manifest lists per table the row count and a SHA-256 over the canonical
text of every row in primary-key order, computed the same way at restore.
"""
import base64
import binascii
import datetime
import decimal
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = os.path.join(ROOT, 'addons')
KEY_ENV = 'BILIM_BACKUP_KEY'
MAGIC = b'BILIMBAK'
FORMAT = b'\x01'
NONCE_SIZE = 12
TAG_SIZE = 16
HEADER_SIZE = len(MAGIC) + len(FORMAT) + NONCE_SIZE
CHUNK = 1 << 20
MANIFEST = 'manifest.json'
SQLITE_DUMP = 'database.sqlite'
PG_DUMP = 'database.pgdump'
FILESTORE = 'filestore'
# the same default as scripts/create_db.py
os.environ.setdefault(
    'TRYTOND_DATABASE__PATH', os.path.join(ROOT, 'build', 'db'))


class BackupError(Exception):
    "An error reported to the user with its message only"


# --- configuration -------------------------------------------------------

def load_config(config_file=None):
    "Read the Tryton configuration (TRYTOND_* variables, then the file)"
    from trytond import config
    if config_file is None:
        config_file = os.environ.get(
            'TRYTOND_CONFIG', os.path.join(ROOT, 'trytond.conf'))
    config.update_etc(config_file)
    return config


def backend_name(config):
    uri = config.get('database', 'uri') or 'sqlite://'
    scheme = urllib.parse.urlparse(uri).scheme.split('+')[0]
    if scheme == 'sqlite':
        return 'sqlite'
    if scheme in {'postgresql', 'postgres'}:
        return 'postgresql'
    raise BackupError(f"unsupported database backend {scheme!r}")


def database_path(config):
    return os.path.normpath(config.get('database', 'path'))


def sqlite_file(config, database):
    return os.path.join(database_path(config), database + '.sqlite')


def filestore_dir(config, database):
    "The directory of the attachments of database (trytond/filestore.py)"
    prefix = config.get('attachment', 'store_prefix', default=None)
    return os.path.join(database_path(config), prefix or database)


def shared_filestore(config):
    return bool(config.get('attachment', 'store_prefix', default=None))


def check_name(database):
    if (not database or database.startswith('.') or '/' in database
            or '\\' in database or '\0' in database):
        raise BackupError(f"invalid database name {database!r}")


# --- PostgreSQL ----------------------------------------------------------

def pg_params(config):
    "The connection parameters of the URI: {libpq keyword: value}"
    uri = urllib.parse.urlparse(config.get('database', 'uri'))
    params = {}
    if uri.hostname:
        params['host'] = uri.hostname
    if uri.port:
        params['port'] = str(uri.port)
    if uri.username:
        params['user'] = urllib.parse.unquote(uri.username)
    if uri.password:
        params['password'] = urllib.parse.unquote(uri.password)
    for key, values in urllib.parse.parse_qs(uri.query).items():
        if key in {'sslmode', 'sslrootcert', 'sslcert', 'sslkey',
                'connect_timeout', 'application_name'}:
            params[key] = values[-1]
    return params


def pg_env(config, database):
    "The environment of pg_dump / pg_restore: credentials in PG* variables"
    env = os.environ.copy()
    names = {
        'host': 'PGHOST', 'port': 'PGPORT', 'user': 'PGUSER',
        'password': 'PGPASSWORD', 'sslmode': 'PGSSLMODE',
        'sslrootcert': 'PGSSLROOTCERT', 'sslcert': 'PGSSLCERT',
        'sslkey': 'PGSSLKEY', 'connect_timeout': 'PGCONNECT_TIMEOUT',
        'application_name': 'PGAPPNAME',
        }
    for key, value in pg_params(config).items():
        env[names[key]] = value
    env['PGDATABASE'] = database
    return env


def pg_connect(config, database, autocommit=False):
    import psycopg
    return psycopg.connect(
        dbname=database, autocommit=autocommit, **pg_params(config))


def pg_exists(config, database):
    with pg_connect(config, 'postgres', autocommit=True) as conn:
        return bool(conn.execute(
                'SELECT 1 FROM pg_database WHERE datname = %s',
                (database,)).fetchone())


def pg_create(config, database):
    from psycopg import sql
    with pg_connect(config, 'postgres', autocommit=True) as conn:
        # as trytond's backend creates a database
        conn.execute(sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'unicode'"
                ).format(sql.Identifier(database)))


def pg_drop(config, database):
    from psycopg import sql
    with pg_connect(config, 'postgres', autocommit=True) as conn:
        conn.execute(sql.SQL('DROP DATABASE IF EXISTS {} WITH (FORCE)')
            .format(sql.Identifier(database)))


def run_tool(cmd, env):
    try:
        result = subprocess.run(
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
    except FileNotFoundError:
        raise BackupError(f"{cmd[0]} is not installed (PostgreSQL client)")
    if result.returncode:
        raise BackupError(
            f"{cmd[0]} failed: {result.stderr.strip() or result.returncode}")


# --- checksums -----------------------------------------------------------

def canonical(value):
    "A typed, unambiguous text of a column value"
    if value is None:
        text = 'N'
    elif isinstance(value, (bytes, bytearray, memoryview)):
        text = 'B' + bytes(value).hex()
    elif isinstance(value, bool):
        text = 'b' + ('1' if value else '0')
    elif isinstance(value, int):
        text = 'i' + str(value)
    elif isinstance(value, float):
        text = 'f' + repr(value)
    elif isinstance(value, decimal.Decimal):
        text = 'd' + str(value)
    elif isinstance(value, str):
        text = 's' + value
    elif isinstance(value, (datetime.datetime, datetime.date,
                datetime.time)):
        text = 't' + value.isoformat()
    else:
        text = 'o' + str(value)
    return f'{len(text)}:{text}'


def table_digest(cursor, table, columns, order_by_id):
    """Return (row count, SHA-256) of table: the rows in id order, or sorted
    by their canonical text when the table has no id column"""
    quoted = ', '.join('"%s"' % c.replace('"', '""') for c in columns)
    query = 'SELECT %s FROM "%s"' % (quoted, table.replace('"', '""'))
    if order_by_id:
        query += ' ORDER BY "id"'
    cursor.execute(query)
    rows = []
    digest = hashlib.sha256()
    count = 0
    while True:
        batch = cursor.fetchmany(5000)
        if not batch:
            break
        for row in batch:
            count += 1
            text = '|'.join(canonical(v) for v in row).encode('utf-8')
            row_hash = hashlib.sha256(text).hexdigest()
            if order_by_id:
                digest.update(row_hash.encode('ascii') + b'\n')
            else:
                rows.append(row_hash)
    for row_hash in sorted(rows):
        digest.update(row_hash.encode('ascii') + b'\n')
    return count, digest.hexdigest()


def sqlite_tables(conn):
    "{table: {'rows': n, 'sha256': hex}} of every table of the SQLite file"
    cursor = conn.cursor()
    tables = {}
    names = [r[0] for r in cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "ORDER BY name")]
    for name in names:
        columns = [r[1] for r in cursor.execute(
                'PRAGMA table_info("%s")' % name.replace('"', '""'))]
        count, sha = table_digest(cursor, name, columns, 'id' in columns)
        tables[name] = {'rows': count, 'sha256': sha}
    return tables


def pg_tables(conn):
    """{table: {'rows': n, 'sha256': hex}} of the tables of the current
    schema, and {sequence: last value}"""
    cursor = conn.cursor()
    cursor.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name IN ("
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE') "
        "ORDER BY table_name, ordinal_position")
    columns = {}
    for table, column in cursor.fetchall():
        columns.setdefault(table, []).append(column)
    tables = {}
    for name in sorted(columns):
        count, sha = table_digest(
            cursor, name, columns[name], 'id' in columns[name])
        tables[name] = {'rows': count, 'sha256': sha}
    cursor.execute(
        "SELECT sequencename, last_value FROM pg_sequences "
        "WHERE schemaname = current_schema() ORDER BY sequencename")
    sequences = {name: value for name, value in cursor.fetchall()}
    return tables, sequences


def read_modules(conn):
    "The (name, state) rows of ir_module (sqlite3 or psycopg connection)"
    return conn.execute(
        'SELECT name, state FROM ir_module ORDER BY name').fetchall()


def bilim_modules(rows):
    "The Bilim modules (addons/*) of the ir_module rows, with their versions"
    from trytond.modules import get_module_info
    ours = {name for name in os.listdir(ADDONS)
        if os.path.isfile(os.path.join(ADDONS, name, 'tryton.cfg'))}
    modules = {}
    for name, state in rows:
        if name in ours:
            try:
                version = get_module_info(name).get('version', '')
            except Exception:
                version = ''
            modules[name] = {'state': state, 'version': version}
    return modules


def compare(manifest, tables, sequences=None):
    "The list of differences between the manifest and the restored figures"
    differences = []
    expected = manifest['tables']
    for name in sorted(set(expected) | set(tables)):
        old, new = expected.get(name), tables.get(name)
        if old is None:
            differences.append(f'{name}: not in the backup')
        elif new is None:
            differences.append(f'{name}: missing after restore')
        elif old['rows'] != new['rows']:
            differences.append(
                f"{name}: {old['rows']} rows in the backup, "
                f"{new['rows']} restored")
        elif old['sha256'] != new['sha256']:
            differences.append(f'{name}: checksum differs '
                f"({old['rows']} rows)")
    if sequences is not None:
        for name in sorted(
                set(manifest.get('sequences', {})) | set(sequences)):
            old = manifest.get('sequences', {}).get(name)
            new = sequences.get(name)
            if old != new:
                differences.append(
                    f'sequence {name}: {old} in the backup, {new} restored')
    return differences


def filestore_files(directory):
    "{relative path: sha256} of the files under directory"
    files = {}
    if not os.path.isdir(directory):
        return files
    for dirpath, _, filenames in os.walk(directory):
        for filename in filenames:
            path = os.path.join(dirpath, filename)
            rel = os.path.relpath(path, directory).replace(os.sep, '/')
            files[rel] = file_sha256(path)
    return files


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as fp:
        for chunk in iter(lambda: fp.read(CHUNK), b''):
            digest.update(chunk)
    return digest.hexdigest()


# --- key and encryption --------------------------------------------------

def new_key():
    return base64.b64encode(os.urandom(32)).decode('ascii')


def load_key(key_file=None):
    "The 32-byte key of --key-file or BILIM_BACKUP_KEY; refuse without one"
    if key_file:
        try:
            with open(key_file, 'rb') as fp:
                raw = fp.read()
        except OSError as exc:
            raise BackupError(
                f"cannot read the key file {key_file}: {exc.strerror}")
        source = f'the key file {key_file}'
        text = raw.strip()
    else:
        text = os.environ.get(KEY_ENV, '').strip().encode('ascii', 'replace')
        source = KEY_ENV
        if not text:
            raise BackupError(
                f"no encryption key: set {KEY_ENV} (base64 of 32 bytes) or "
                "give --key-file; create a key with "
                "'python scripts/backup.py --new-key' and keep it safe, "
                "without it the backups cannot be restored")
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        key = b''
    if len(key) != 32:
        raise BackupError(
            f"{source} is not a valid key: it must be the base64 of 32 bytes "
            "(see 'python scripts/backup.py --new-key')")
    return key


class EncryptingWriter:
    "A write-only file object that encrypts into fp (AES-256-GCM)"

    def __init__(self, fp, key):
        from cryptography.hazmat.primitives.ciphers import (
            Cipher, algorithms, modes)
        nonce = os.urandom(NONCE_SIZE)
        header = MAGIC + FORMAT + nonce
        self.fp = fp
        self.encryptor = Cipher(
            algorithms.AES(key), modes.GCM(nonce)).encryptor()
        self.encryptor.authenticate_additional_data(header)
        fp.write(header)

    def write(self, data):
        self.fp.write(self.encryptor.update(data))
        return len(data)

    def finish(self):
        self.fp.write(self.encryptor.finalize())
        self.fp.write(self.encryptor.tag)


def decrypt_file(archive, key, output):
    """Decrypt archive into the file output; raise BackupError when the key is
    wrong or the archive was altered (output must then be discarded)"""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers import (
        Cipher, algorithms, modes)
    message = (f"cannot decrypt {archive}: wrong key, or the archive is "
        "damaged or was altered")
    try:
        size = os.path.getsize(archive)
        fp = open(archive, 'rb')
    except OSError as exc:
        raise BackupError(f"cannot read {archive}: {exc.strerror}")
    with fp, open(output, 'wb') as out:
        header = fp.read(HEADER_SIZE)
        if (len(header) < HEADER_SIZE or size < HEADER_SIZE + TAG_SIZE
                or not header.startswith(MAGIC)):
            raise BackupError(f"{archive} is not a Bilim ERP backup")
        if header[len(MAGIC):len(MAGIC) + 1] != FORMAT:
            raise BackupError(f"{archive}: unknown backup format version")
        nonce = header[len(MAGIC) + 1:]
        fp.seek(size - TAG_SIZE)
        tag = fp.read(TAG_SIZE)
        fp.seek(HEADER_SIZE)
        decryptor = Cipher(
            algorithms.AES(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(header)
        remaining = size - HEADER_SIZE - TAG_SIZE
        while remaining:
            chunk = fp.read(min(CHUNK, remaining))
            if not chunk:
                raise BackupError(message)
            remaining -= len(chunk)
            out.write(decryptor.update(chunk))
        try:
            out.write(decryptor.finalize())
        except InvalidTag:
            raise BackupError(message)


def private_tempdir(near):
    "A temporary directory readable by the owner only, next to near"
    directory = os.path.dirname(os.path.abspath(near))
    try:
        return tempfile.mkdtemp(prefix='.bilim-backup-', dir=directory)
    except OSError:
        return tempfile.mkdtemp(prefix='bilim-backup-')


def extract(tar_path, destination):
    "Extract the tar, refusing members outside destination or not plain"
    with tarfile.open(tar_path, 'r:') as tar:
        for member in tar.getmembers():
            name = os.path.normpath(member.name)
            if (name.startswith(('/', '..')) or os.path.isabs(name)
                    or not (member.isfile() or member.isdir())):
                raise BackupError(
                    f"unexpected member {member.name!r} in the archive")
        tar.extractall(destination, filter='data')


def fail(message):
    print(f'error: {message}', file=sys.stderr)
    return 1


def remove_tree(path):
    shutil.rmtree(path, ignore_errors=True)


def dump_postgresql_snapshot(config, database, target):
    """pg_dump --format=custom of database into target, and the checksums
    of its tables computed in the same exported snapshot; return (tables,
    sequences, modules)"""
    import psycopg
    with pg_connect(config, database) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        # the dump and the checksums see the same snapshot
        snapshot, = conn.execute('SELECT pg_export_snapshot()').fetchone()
        run_tool(['pg_dump', '--format=custom', f'--snapshot={snapshot}',
                f'--file={target}'], pg_env(config, database))
        tables, sequences = pg_tables(conn)
        modules = read_modules(conn)
        conn.rollback()
    return tables, sequences, modules


def write_archive(output, key, *, database, backend, dump, modules, tables,
        sequences, filestore, files):
    """Write the encrypted archive: the manifest, the dump and the files of
    the filestore, to ``output + '.part'`` then renamed to output (the
    caller removes a ``.part`` left by a failure); return the manifest"""
    import io
    import json
    import trytond
    manifest = {
        'format': 1,
        'database': database,
        'backend': backend,
        'trytond_version': trytond.__version__,
        'created_at': datetime.datetime.now(
            datetime.timezone.utc).isoformat(timespec='seconds'),
        'dump': os.path.basename(dump),
        'modules': bilim_modules(modules),
        'tables': tables,
        'sequences': sequences if sequences is not None else {},
        'filestore': files,
        }
    data = json.dumps(manifest, indent=1, sort_keys=True).encode('utf-8')
    partial = output + '.part'
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'wb') as fp:
        writer = EncryptingWriter(fp, key)
        with tarfile.open(fileobj=writer, mode='w|',
                format=tarfile.PAX_FORMAT) as tar:
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(datetime.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=os.path.basename(dump))
            for rel in sorted(files):
                tar.add(os.path.join(filestore, *rel.split('/')),
                    arcname=f'{FILESTORE}/{rel}')
        writer.finish()
        fp.flush()
        os.fsync(fp.fileno())
    os.replace(partial, output)
    return manifest


def open_archive(archive, key, workdir):
    """Decrypt and authenticate archive into workdir, extract it and return
    (content directory, manifest); raise BackupError when it cannot be
    decrypted (wrong key, damaged or altered) or has no valid manifest"""
    import json
    plain = os.path.join(workdir, 'archive.tar')
    decrypt_file(archive, key, plain)
    content = os.path.join(workdir, 'content')
    os.mkdir(content, 0o700)
    extract(plain, content)
    os.remove(plain)
    try:
        with open(os.path.join(content, MANIFEST), 'rb') as fp:
            manifest = json.load(fp)
    except (OSError, ValueError):
        raise BackupError(f"{archive} has no valid manifest")
    return content, manifest
