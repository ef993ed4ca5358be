#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Keys of the restricted personal data of Bilim ERP (edu_privacy, R10,
R5.16).

Usage::

    python scripts/privacy_keys.py generate [--id KEY_ID]
    python scripts/privacy_keys.py rotate DBNAME [--all] [--batch N] [-c trytond.conf]
    python scripts/privacy_keys.py verify DBNAME [-c trytond.conf]

``generate`` prints a new key entry ``id:base64`` (32 random bytes, AES-256)
on stdout and, on stderr, the shape of the new configuration: the new key
first, then the ids of the keys configured now (their values are never
printed).

``rotate`` encrypts again, with the current (first) key, every record
sealed with another key (every record with ``--all``), in batches of
``--batch`` records, all in one transaction: if it stops, nothing is
changed and it can be run again.  It prints the counts; a record that fails
its integrity check is skipped, reported as a security event and makes the
exit status 1.  When it reports 0 skipped, the old keys can be removed from
the configuration.

``verify`` checks the checksum of every record; every mismatch is printed
and reported as a critical security event (kind ``integrity``); exit
status 1 when there is one.

The configuration comes from ``TRYTOND_CONFIG`` or ``-c``; the keys from
``TRYTOND_BILIM_PRIVACY__KEYS`` or the ``[bilim_privacy] keys`` option, or
the file named by ``TRYTOND_BILIM_PRIVACY__KEYS_FILE`` /
``[bilim_privacy] keys_file``.
"""
import argparse
import os
import re
import sys
from pathlib import Path


def _crypto():
    "Import edu_privacy's crypto module without starting Tryton's pool"
    try:
        from trytond.modules.edu_privacy import crypto
    except ImportError:
        sys.path.insert(0, str(
                Path(__file__).resolve().parent.parent / 'addons'))
        from edu_privacy import crypto
    return crypto


def generate(args):
    crypto = _crypto()
    key_id = args.key_id or crypto.generate_key_id()
    if not crypto.KEY_ID_RE.match(key_id):
        print(f"invalid key id {key_id!r}: letters, digits, _ . - "
            "(at most 32)", file=sys.stderr)
        return 2
    entry = f'{key_id}:{crypto.generate_key()}'
    from trytond import config
    if args.configfile:
        config.update_etc(args.configfile)
    current = config.get(crypto.SECTION, crypto.OPTION, default='') or ''
    path = config.get(crypto.SECTION, crypto.FILE_OPTION, default='')
    if not current.strip() and path and os.path.isfile(path):
        with open(path, encoding='ascii') as fp:
            current = fp.read()
    print(entry)
    # the old keys are named, never printed
    old_ids = [e.split(':', 1)[0] for e in re.split(r'[\s,;]+', current)
        if e.strip()]
    print("# put it first and keep the old keys after it until 'rotate' "
        "reports 0 skipped:", file=sys.stderr)
    print("# TRYTOND_BILIM_PRIVACY__KEYS=" + ','.join(
            [f'{key_id}:<new key>'] + [f'{k}:<its key>' for k in old_ids]),
        file=sys.stderr)
    return 0


def _open(args):
    from trytond import config
    config.update_etc(args.configfile)
    from trytond.pool import Pool
    Pool.start()
    pool = Pool(args.database)
    pool.init()
    return pool


def rotate(args):
    pool = _open(args)
    from trytond.exceptions import UserError
    from trytond.transaction import Transaction
    with Transaction().start(args.database, 0, context={}) as transaction:
        Restricted = pool.get('edu.person.restricted')
        try:
            rotated, skipped = Restricted.rotate_keys(
                everything=args.all, batch_size=args.batch)
        except UserError as error:
            transaction.rollback()
            print(error.message, file=sys.stderr)
            return 2
        from trytond.modules.edu_privacy.restricted import keyring
        current = keyring().current_id
        total = Restricted.search([], count=True)
        transaction.commit()
    print(f"key {current}: {rotated} records encrypted again, "
        f"{len(skipped)} skipped, {total} in all")
    for record_id in skipped:
        print(f"SKIPPED edu.person.restricted,{record_id}: "
            "integrity check failed (see the security events)")
    return 1 if skipped else 0


def verify(args):
    pool = _open(args)
    from trytond.exceptions import UserError
    from trytond.transaction import Transaction
    with Transaction().start(args.database, 0, context={}) as transaction:
        Restricted = pool.get('edu.person.restricted')
        try:
            failures = Restricted.check_integrity()
        except UserError as error:
            transaction.rollback()
            print(error.message, file=sys.stderr)
            return 2
        total = Restricted.search([], count=True)
        transaction.commit()
    for record_id, reason in failures:
        print(f"MISMATCH edu.person.restricted,{record_id}: {reason}")
    if failures:
        print(f"restricted data: {len(failures)} of {total} records "
            "fail the integrity check")
        return 1
    print(f"restricted data intact: {total} records")
    return 0


def main(argv=None):
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument('-c', '--config', dest='configfile',
        default=os.environ.get('TRYTOND_CONFIG'),
        help="the trytond configuration file (default: TRYTOND_CONFIG)")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest='command', required=True)
    command = commands.add_parser('generate', parents=[common],
        help="print a new key")
    command.add_argument('--id', dest='key_id',
        help="the key id (default: k<date><random>)")
    command.set_defaults(func=generate)
    command = commands.add_parser('rotate', parents=[common],
        help="encrypt again with the current key")
    command.add_argument('database')
    command.add_argument('--all', action='store_true',
        help="every record, not only those of an older key")
    command.add_argument('--batch', type=int, default=500,
        help="records per batch (default 500)")
    command.set_defaults(func=rotate)
    command = commands.add_parser('verify', parents=[common],
        help="verify the checksums, report mismatches")
    command.add_argument('database')
    command.set_defaults(func=verify)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == '__main__':
    sys.exit(main())
