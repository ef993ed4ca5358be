#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Restore a Bilim ERP backup (scripts/backup.py) into a new database.

    BILIM_BACKUP_KEY=... python scripts/restore.py bilim.bilim-backup bilim2
    python scripts/restore.py bilim.bilim-backup bilim2 --key-file KEYFILE

The archive is decrypted and authenticated first: with a wrong key or an
altered archive nothing is restored.  An existing database (or a non-empty
filestore of that name) is refused.  After the restore the row count and
checksum of every table (and the attachments' files) are recomputed and
compared with the manifest; a difference is printed and the exit status is 1.
The configuration comes from TRYTOND_CONFIG (or -c), the backend from
TRYTOND_DATABASE__URI (the same backend as the backup's).
"""
import argparse
import os
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import backup_lib as lib  # noqa: E402


def target_exists(config, backend, database):
    if backend == 'sqlite':
        return os.path.exists(lib.sqlite_file(config, database))
    return lib.pg_exists(config, database)


def filestore_busy(config, database):
    "A filestore of the database name exists already (not shared)"
    if lib.shared_filestore(config):
        return False
    directory = lib.filestore_dir(config, database)
    return os.path.isdir(directory) and bool(os.listdir(directory))


def restore_filestore(config, database, source, files):
    "Copy the files; in a shared store refuse to overwrite a different file"
    target = lib.filestore_dir(config, database)
    copied = []
    for rel in sorted(files):
        src = os.path.join(source, *rel.split('/'))
        dst = os.path.join(target, *rel.split('/'))
        if os.path.exists(dst):
            if lib.file_sha256(dst) == files[rel]:
                continue
            raise lib.BackupError(f"a different file {dst} exists already")
        os.makedirs(os.path.dirname(dst), mode=0o770, exist_ok=True)
        shutil.copyfile(src, dst)
        copied.append(dst)
    return target, copied


def restore(config, archive, database, key):
    backend = lib.backend_name(config)
    lib.check_name(database)
    if target_exists(config, backend, database):
        raise lib.BackupError(f"database {database} exists already: "
            "restore into a new database")
    if filestore_busy(config, database):
        raise lib.BackupError(f"the filestore "
            f"{lib.filestore_dir(config, database)} exists already")
    workdir = lib.private_tempdir(archive)
    created = None
    copied = []
    try:
        content, manifest = lib.open_archive(archive, key, workdir)
        if manifest.get('backend') != backend:
            raise lib.BackupError(
                f"the backup is of a {manifest.get('backend')} database; "
                f"the configured backend is {backend}")
        dump = os.path.join(content, manifest['dump'])
        if backend == 'sqlite':
            target = lib.sqlite_file(config, database)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            partial = target + '.part'
            shutil.copyfile(dump, partial)
            created = target
            os.replace(partial, target)
        else:
            lib.pg_create(config, database)
            created = database
            lib.run_tool(['pg_restore', '--no-owner', '--exit-on-error',
                    '--single-transaction', f'--dbname={database}', dump],
                lib.pg_env(config, database))
        filestore, copied = restore_filestore(
            config, database, os.path.join(content, lib.FILESTORE),
            manifest.get('filestore', {}))
    except BaseException:
        # nothing half-restored
        if created and backend == 'sqlite':
            for suffix in ['', '-wal', '-shm', '-journal']:
                if os.path.exists(created + suffix):
                    os.remove(created + suffix)
        elif created:
            lib.pg_drop(config, database)
        for path in copied:
            if os.path.exists(path):
                os.remove(path)
        if copied and not lib.shared_filestore(config):
            lib.remove_tree(lib.filestore_dir(config, database))
        raise
    finally:
        lib.remove_tree(workdir)
    return manifest, verify(config, backend, database, manifest, filestore)


def verify(config, backend, database, manifest, filestore):
    "The differences between the restored database and the manifest"
    if backend == 'sqlite':
        conn = sqlite3.connect(
            f'file:{lib.sqlite_file(config, database)}?mode=ro', uri=True)
        try:
            tables = lib.sqlite_tables(conn)
        finally:
            conn.close()
        sequences = None
    else:
        with lib.pg_connect(config, database) as conn:
            tables, sequences = lib.pg_tables(conn)
            conn.rollback()
    differences = lib.compare(manifest, tables, sequences)
    files = lib.filestore_files(filestore)
    for rel, sha in sorted(manifest.get('filestore', {}).items()):
        if files.get(rel) != sha:
            differences.append(f'filestore {rel}: missing or different')
    return differences


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('archive')
    parser.add_argument('database', help="the new database")
    parser.add_argument('-c', '--config', help="the trytond configuration "
        "file (default TRYTOND_CONFIG, else trytond.conf)")
    parser.add_argument('--key-file',
        help=f"file holding the key (default: ${lib.KEY_ENV})")
    args = parser.parse_args()
    try:
        key = lib.load_key(args.key_file)
        config = lib.load_config(args.config)
        manifest, differences = restore(
            config, args.archive, args.database, key)
    except lib.BackupError as exc:
        return lib.fail(str(exc))
    except subprocess.SubprocessError as exc:
        return lib.fail(str(exc))
    tables = manifest['tables']
    rows = sum(t['rows'] for t in tables.values())
    if differences:
        print(f"== restore of {args.archive} into {args.database}: "
            f"{len(differences)} differences with the backup "
            "(the database is kept for inspection):", file=sys.stderr)
        for line in differences:
            print(f'   {line}', file=sys.stderr)
        return 1
    print(f"== {args.archive} restored into {args.database} "
        f"({manifest['backend']}, backup of {manifest['database']} at "
        f"{manifest['created_at']}): {len(tables)} tables, {rows} rows, "
        f"{len(manifest.get('filestore', {}))} files; counts and checksums "
        "equal")
    return 0


if __name__ == '__main__':
    sys.exit(main())
