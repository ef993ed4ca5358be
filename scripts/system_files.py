#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Build or verify the manifest of the system files of Bilim ERP
(edu_monitoring, R5.17).

Usage::

    python scripts/system_files.py build DBNAME [-c trytond.conf] [--root PATH ...]
    python scripts/system_files.py verify DBNAME [-c trytond.conf] [--root PATH ...]
    python scripts/system_files.py build --manifest FILE [--root PATH ...]
    python scripts/system_files.py verify --manifest FILE [--root PATH ...]

The manifest holds the SHA-256 digest of every file of the installed code
(the Bilim modules, the Tryton server package) and of the configuration
file (``TRYTOND_CONFIG`` or ``-c``), or of the files under the ``--root``
paths given.  With a database, it is kept in ``edu.monitoring.file`` (the
roots of the monitoring configuration by default) and ``verify`` reports
any added, removed or changed file as a critical security event (kind
``system_files``).  With ``--manifest`` no database is needed: the manifest
is a JSON file (written with mode 0600; keep it where the service user
cannot write, e.g. root-owned).

Exit status of ``verify``: 0 when the files match, 1 when some differ (they
are printed), 2 without a manifest.
"""
import argparse
import os
import sys


def print_changes(added, removed, changed):
    for label, paths in [('added', added), ('removed', removed),
            ('changed', changed)]:
        for path in paths:
            print(f'{label}\t{path}')


def with_manifest(args):
    from trytond.modules.edu_monitoring import manifest
    roots = args.roots or manifest.default_roots()
    if args.action == 'build':
        files = manifest.scan(roots)
        manifest.dump(files, args.manifest)
        print(f"manifest written to {args.manifest}: {len(files)} files")
        return 0
    if not os.path.exists(args.manifest):
        print(f"no manifest {args.manifest}: build it first",
            file=sys.stderr)
        return 2
    reference = manifest.load(args.manifest)
    added, removed, changed = manifest.compare(
        reference, manifest.scan(roots))
    return report(added, removed, changed, len(reference))


def report(added, removed, changed, count):
    if added or removed or changed:
        print_changes(added, removed, changed)
        print(f"system files MODIFIED: {len(added)} added, "
            f"{len(removed)} removed, {len(changed)} changed")
        return 1
    print(f"system files intact: {count} files")
    return 0


def with_database(args):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Pool.start()
    pool = Pool(args.database)
    pool.init()
    with Transaction().start(args.database, 0, context={}) as transaction:
        SystemFile = pool.get('edu.monitoring.file')
        roots = args.roots or None
        if args.action == 'build':
            count = SystemFile.build(roots)
            transaction.commit()
            print(f"manifest of {args.database} built: {count} files")
            return 0
        count = SystemFile.search([], count=True)
        if not count:
            print(f"no manifest in {args.database}: build it first",
                file=sys.stderr)
            return 2
        added, removed, changed = SystemFile.verify(roots)
        transaction.commit()
    return report(added, removed, changed, count)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('action', choices=['build', 'verify'])
    parser.add_argument('database', nargs='?',
        help="the database whose manifest is used")
    parser.add_argument('--manifest', metavar='FILE',
        help="a JSON manifest file instead of a database")
    parser.add_argument('--root', dest='roots', action='append',
        metavar='PATH', help="a file or directory to hash (repeatable; "
        "default: the configured roots)")
    parser.add_argument('-c', '--config', dest='configfile',
        default=os.environ.get('TRYTOND_CONFIG'),
        help="the trytond configuration file (default: TRYTOND_CONFIG)")
    args = parser.parse_args(argv)
    if bool(args.database) == bool(args.manifest):
        parser.error("give either a database or --manifest FILE")

    if args.configfile:
        # the configuration file is part of the default roots
        os.environ['TRYTOND_CONFIG'] = os.path.abspath(args.configfile)
    from trytond import config
    config.update_etc(args.configfile)
    if args.manifest:
        return with_manifest(args)
    return with_database(args)


if __name__ == '__main__':
    sys.exit(main())
