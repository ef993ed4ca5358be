#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The test certification centre built like NCA RK's (R20, R22.10), for
the demo, the simulated NCALayer and manual tests.  NEVER a key of a real
person: every key is generated here, kept in the directory (default
``build/eds-test-ca``, git-ignored) and must never be committed.

Usage::

    python scripts/eds_test_ca.py create [--dir DIR] [--base-url URL]
    python scripts/eds_test_ca.py issue NAME IIN [--bin BIN]
        [--roles legal,first_head] [--organisation O] [--full-name "A B"]
        [--days 365] [--expired]
    python scripts/eds_test_ca.py revoke NAME
    python scripts/eds_test_ca.py crl [--out FILE]
    python scripts/eds_test_ca.py show [NAME]
    python scripts/eds_test_ca.py serve [--port 8765]

``create`` replaces the PKI of the directory; ``--base-url`` sets the OCSP
(``<base>/ocsp``) and CRL (``<base>/crl/nca_rsa_test.crl``) URLs written in
the certificates issued afterwards.  ``show`` prints JSON.  ``serve`` runs
the OCSP responder and the CRL server on 127.0.0.1 until interrupted.
"""
import argparse
import datetime as dt
import json
import os
import sys
import threading

from trytond.modules.edu_eds.certificate import ROLE_OIDS, parse_certificate
from trytond.modules.edu_eds.testca import TestPKI

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DIR = os.path.join(ROOT, 'build', 'eds-test-ca')


def _info(info):
    return {
        'serial': info.serial, 'subject': info.subject,
        'issuer': info.issuer, 'iin': info.iin, 'bin': info.bin,
        'roles': info.roles, 'not_before': info.not_before.isoformat(),
        'not_after': info.not_after.isoformat(),
        'ocsp_urls': info.ocsp_urls, 'crl_urls': info.crl_urls,
        'fingerprint': info.fingerprint,
        }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--dir', default=DEFAULT_DIR,
        help="directory of the test PKI (default: %(default)s)")
    commands = parser.add_subparsers(dest='command', required=True)
    create = commands.add_parser('create', help="create the root and "
        "the intermediate (replaces the PKI of the directory)")
    create.add_argument('--base-url')
    issue = commands.add_parser('issue', help="issue a certificate")
    issue.add_argument('name')
    issue.add_argument('iin')
    issue.add_argument('--bin')
    issue.add_argument('--roles', default='individual',
        help="comma-separated among %s" % ', '.join(ROLE_OIDS))
    issue.add_argument('--organisation')
    issue.add_argument('--full-name')
    issue.add_argument('--days', type=int, default=365)
    issue.add_argument('--expired', action='store_true',
        help="a certificate expired 30 days ago")
    revoke = commands.add_parser('revoke', help="revoke a certificate")
    revoke.add_argument('name')
    crl = commands.add_parser('crl', help="write the CRL (DER)")
    crl.add_argument('--out')
    show = commands.add_parser('show', help="print the PKI as JSON")
    show.add_argument('name', nargs='?')
    serve = commands.add_parser('serve',
        help="run the OCSP responder and the CRL server on 127.0.0.1")
    serve.add_argument('--port', type=int, default=8765)
    args = parser.parse_args(argv)

    if args.command == 'create':
        pki = TestPKI.create(args.dir)
        if args.base_url:
            pki.base_url = args.base_url
        print("test PKI created in %s" % pki.directory)
        return 0
    try:
        pki = TestPKI.load(args.dir)
    except FileNotFoundError:
        print("no test PKI in %s: run 'create' first" % args.dir,
            file=sys.stderr)
        return 2
    if args.command == 'issue':
        roles = [r.strip() for r in args.roles.split(',') if r.strip()]
        unknown = set(roles) - set(ROLE_OIDS)
        if unknown:
            parser.error("unknown roles: %s" % ', '.join(sorted(unknown)))
        now = dt.datetime.now(dt.timezone.utc)
        if args.expired:
            not_before = now - dt.timedelta(days=400)
            not_after = now - dt.timedelta(days=30)
        else:
            not_before = now - dt.timedelta(days=1)
            not_after = now + dt.timedelta(days=args.days)
        subject = pki.issue(args.name, args.iin, bin=args.bin, roles=roles,
            organisation=args.organisation, full_name=args.full_name,
            not_before=not_before, not_after=not_after)
        print(json.dumps(_info(subject.info), ensure_ascii=False, indent=1))
    elif args.command == 'revoke':
        pki.revoke(args.name)
        print("revoked %s" % args.name)
    elif args.command == 'crl':
        print(pki.write_crl(args.out))
    elif args.command == 'serve':
        with pki.server(port=args.port) as server:
            print("OCSP %s\nCRL %s" % (server.ocsp_url, server.crl_url),
                flush=True)
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                pass
    elif args.command == 'show':
        if args.name:
            data = _info(pki.subject(args.name).info)
        else:
            data = {
                'directory': pki.directory,
                'ocsp_url': pki.ocsp_url, 'crl_url': pki.crl_url,
                'root': _info(parse_certificate(pki.root_der)),
                'intermediate': _info(
                    parse_certificate(pki.intermediate_der)),
                'subjects': {s.name: _info(s.info)
                    for s in pki.subjects()},
                'revoked': sorted(pki.state['revoked']),
                }
        print(json.dumps(data, ensure_ascii=False, indent=1))
    return 0


if __name__ == '__main__':
    sys.exit(main())
