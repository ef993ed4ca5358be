#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Back up a Bilim ERP database and its filestore into an encrypted archive.

    python scripts/backup.py --new-key > bilim-backup.key   # keep it safe
    BILIM_BACKUP_KEY=... python scripts/backup.py bilim bilim.bilim-backup
    python scripts/backup.py bilim out.bilim-backup --key-file bilim-backup.key

The archive (AES-256-GCM, see scripts/backup_lib.py) holds the database dump
(SQLite: a consistent copy by SQLite's online backup; PostgreSQL:
``pg_dump --format=custom`` in the snapshot the checksums are computed in),
the attachments of the database and a manifest with the row count and the
checksum of every table.  Restore with scripts/restore.py.  The configuration
comes from TRYTOND_CONFIG (or -c), the backend from TRYTOND_DATABASE__URI.
"""
import argparse
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import backup_lib as lib  # noqa: E402


def dump_sqlite(config, database, workdir):
    source = lib.sqlite_file(config, database)
    if not os.path.isfile(source):
        raise lib.BackupError(f"database {database} does not exist "
            f"({source})")
    target = os.path.join(workdir, lib.SQLITE_DUMP)
    src = sqlite3.connect(f'file:{source}?mode=ro', uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    conn = sqlite3.connect(f'file:{target}?mode=ro', uri=True)
    try:
        tables = lib.sqlite_tables(conn)
        modules = lib.read_modules(conn)
    finally:
        conn.close()
    return target, tables, None, modules


def dump_postgresql(config, database, workdir):
    if not lib.pg_exists(config, database):
        raise lib.BackupError(f"database {database} does not exist")
    target = os.path.join(workdir, lib.PG_DUMP)
    tables, sequences, modules = lib.dump_postgresql_snapshot(
        config, database, target)
    return target, tables, sequences, modules


def backup(config, database, output, key):
    backend = lib.backend_name(config)
    lib.check_name(database)
    workdir = lib.private_tempdir(output)
    partial = output + '.part'
    try:
        if backend == 'sqlite':
            dump, tables, sequences, modules = dump_sqlite(
                config, database, workdir)
        else:
            dump, tables, sequences, modules = dump_postgresql(
                config, database, workdir)
        filestore = lib.filestore_dir(config, database)
        files = lib.filestore_files(filestore)
        manifest = lib.write_archive(output, key, database=database,
            backend=backend, dump=dump, modules=modules, tables=tables,
            sequences=sequences, filestore=filestore, files=files)
    finally:
        lib.remove_tree(workdir)
        if os.path.exists(partial):
            os.remove(partial)
    return manifest


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('database', nargs='?')
    parser.add_argument('output', nargs='?',
        help="the archive to write, e.g. bilim.bilim-backup")
    parser.add_argument('-c', '--config', help="the trytond configuration "
        "file (default TRYTOND_CONFIG, else trytond.conf)")
    parser.add_argument('--key-file',
        help=f"file holding the key (default: ${lib.KEY_ENV})")
    parser.add_argument('--new-key', action='store_true',
        help="print a new random key and exit")
    args = parser.parse_args()
    if args.new_key:
        print(lib.new_key())
        return 0
    if not args.database or not args.output:
        parser.error('DATABASE and OUTPUT are required')
    try:
        key = lib.load_key(args.key_file)
        config = lib.load_config(args.config)
        manifest = backup(config, args.database, args.output, key)
    except lib.BackupError as exc:
        return lib.fail(str(exc))
    except subprocess.SubprocessError as exc:
        return lib.fail(str(exc))
    rows = sum(t['rows'] for t in manifest['tables'].values())
    print(f"== backup of {args.database} ({manifest['backend']}) written to "
        f"{args.output}: {len(manifest['tables'])} tables, {rows} rows, "
        f"{len(manifest['filestore'])} files, "
        f"{os.path.getsize(args.output)} bytes")
    return 0


if __name__ == '__main__':
    sys.exit(main())
