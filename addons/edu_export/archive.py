# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Encrypted backups made from inside the server (R3), with the archive
format and the primitives of ``scripts/backup_lib.py`` (AES-256-GCM; a tar
of ``manifest.json``, the database dump and ``filestore/``), so that an
archive of the cron is restored by ``scripts/restore.py`` like one of
``scripts/backup.py``.

On SQLite the dump is SQLite's online backup of the database file (or, for
the in-memory database of the tests, its SQL dump replayed in a file); on
PostgreSQL it is ``pg_dump --format=custom`` in an exported snapshot, as
``scripts/backup.py`` makes it.
"""
import importlib.util
import os
import sqlite3
import subprocess
import sys

import trytond.config as config
from trytond import backend
from trytond.transaction import Transaction

_MODULES = {}


def scripts_dir():
    "The scripts/ directory of the Bilim ERP checkout"
    path = (os.environ.get('BILIM_SCRIPTS')
        or config.get('edu_backup', 'scripts', default=None))
    if not path:
        here = os.path.dirname(os.path.realpath(__file__))
        path = os.path.join(os.path.dirname(os.path.dirname(here)), 'scripts')
    return path


def _load(name, alias=None):
    """Import scripts/<name>.py as the module alias (default: name, the
    name under which scripts/backup.py and restore.py import backup_lib)"""
    alias = alias or name
    if name not in _MODULES:
        if alias in sys.modules:
            _MODULES[name] = sys.modules[alias]
        else:
            directory = scripts_dir()
            spec = importlib.util.spec_from_file_location(
                alias, os.path.join(directory, f'{name}.py'))
            module = importlib.util.module_from_spec(spec)
            sys.modules[alias] = module
            spec.loader.exec_module(module)
            _MODULES[name] = module
    return _MODULES[name]


def lib():
    "scripts/backup_lib.py"
    return _load('backup_lib')


def BackupError():
    return lib().BackupError


def key_file():
    return config.get('edu_backup', 'key_file', default=None) or None


def key_configured():
    "Whether a key is given by the environment or the configuration"
    return bool(os.environ.get(lib().KEY_ENV, '').strip() or key_file())


def load_key():
    "The key (BILIM_BACKUP_KEY or [edu_backup] key_file); BackupError"
    return lib().load_key(key_file())


def _dump_sqlite(workdir):
    """Copy the database into workdir: SQLite's online backup of the file
    (as scripts/backup.py does), or, for a database without a file (the
    in-memory database of the tests), its SQL dump through the open
    connection replayed into a new file"""
    bl = lib()
    target = os.path.join(workdir, bl.SQLITE_DUMP)
    database = Transaction().database.name
    source = (bl.sqlite_file(config, database)
        if database != ':memory:' else None)
    dst = sqlite3.connect(target)
    try:
        if source and os.path.isfile(source):
            src = sqlite3.connect(f'file:{source}?mode=ro', uri=True)
            try:
                src.backup(dst)
            finally:
                src.close()
        else:
            dst.executescript('\n'.join(
                    Transaction().connection.iterdump()))
            dst.commit()
    finally:
        dst.close()
    conn = sqlite3.connect(f'file:{target}?mode=ro', uri=True)
    try:
        tables = bl.sqlite_tables(conn)
        modules = bl.read_modules(conn)
    finally:
        conn.close()
    return target, tables, None, modules


def _dump_postgresql(database, workdir):
    """pg_dump --format=custom and the checksums of the tables in one
    exported snapshot (as scripts/backup.py does)"""
    bl = lib()
    target = os.path.join(workdir, bl.PG_DUMP)
    tables, sequences, modules = bl.dump_postgresql_snapshot(
        config, database, target)
    return target, tables, sequences, modules


def make_archive(output, key):
    """Write the encrypted backup of the current database to output and
    return its manifest"""
    bl = lib()
    database = Transaction().database.name
    workdir = bl.private_tempdir(output)
    partial = output + '.part'
    try:
        if backend.name == 'sqlite':
            dump, tables, sequences, modules = _dump_sqlite(workdir)
        else:
            dump, tables, sequences, modules = _dump_postgresql(
                database, workdir)
        if database == ':memory:':
            filestore, files = None, {}
        else:
            filestore = bl.filestore_dir(config, database)
            files = bl.filestore_files(filestore)
        manifest = bl.write_archive(output, key, database=database,
            backend=backend.name, dump=dump, modules=modules, tables=tables,
            sequences=sequences, filestore=filestore, files=files)
    finally:
        bl.remove_tree(workdir)
        if os.path.exists(partial):
            os.remove(partial)
    return manifest


def verify_archive(path, key):
    """Decrypt and authenticate the archive, then check its content against
    its manifest without restoring: the row count and checksum of every
    table of a SQLite dump, the readability of a PostgreSQL dump
    (``pg_restore --list``), the checksum of every attachment.  Return
    (manifest, differences); raise BackupError when it cannot be
    decrypted (wrong key, damaged or altered)."""
    bl = lib()
    workdir = bl.private_tempdir(path)
    try:
        content, manifest = bl.open_archive(path, key, workdir)
        differences = []
        dump = os.path.join(content, manifest.get('dump') or '-')
        if not os.path.isfile(dump):
            differences.append('the database dump is missing')
        elif manifest.get('backend') == 'sqlite':
            conn = sqlite3.connect(f'file:{dump}?mode=ro', uri=True)
            try:
                tables = bl.sqlite_tables(conn)
            except sqlite3.DatabaseError as exc:
                differences.append(f'the database dump is unreadable: {exc}')
            else:
                differences.extend(bl.compare(manifest, tables))
            finally:
                conn.close()
        else:
            result = subprocess.run(['pg_restore', '--list', dump],
                capture_output=True, text=True)
            if result.returncode:
                differences.append('the database dump is unreadable: '
                    + result.stderr.strip()[:500])
        files = bl.filestore_files(os.path.join(content, bl.FILESTORE))
        for rel, sha in sorted(manifest.get('filestore', {}).items()):
            if files.get(rel) != sha:
                differences.append(f'filestore {rel}: missing or different')
        return manifest, differences
    finally:
        bl.remove_tree(workdir)
