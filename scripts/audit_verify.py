#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Verify the hash chain of the audit journal of a Bilim ERP database
(edu_audit, R5.16).

Usage::

    python scripts/audit_verify.py DBNAME [-c trytond.conf]

Recomputes the hash of every entry in id order.  Exit status 0 when the
journal is intact; 1 when it is broken: the id of the first broken entry is
printed and a critical security event (kind ``audit_chain``) is reported in
the database.  The configuration comes from ``TRYTOND_CONFIG`` or ``-c``.
"""
import argparse
import os
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('database', help="the database name")
    parser.add_argument('-c', '--config', dest='configfile',
        default=os.environ.get('TRYTOND_CONFIG'),
        help="the trytond configuration file (default: TRYTOND_CONFIG)")
    args = parser.parse_args(argv)

    from trytond import config
    config.update_etc(args.configfile)
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Pool.start()
    pool = Pool(args.database)
    pool.init()
    with Transaction().start(args.database, 0, context={}) as transaction:
        AuditEntry = pool.get('edu.audit.entry')
        count = AuditEntry.search([], count=True)
        broken = AuditEntry.check_chain()
        broken_id = broken.id if broken else None
        transaction.commit()
    if broken_id:
        print(f"audit journal BROKEN at entry {broken_id}")
        print(broken_id)
        return 1
    print(f"audit journal intact: {count} entries")
    return 0


if __name__ == '__main__':
    sys.exit(main())
