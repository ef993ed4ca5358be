#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Export the document archive of an organisation in open form (R22.12).

    python scripts/export_edms_archive.py bilim --bin 040940001017 archive.zip
    python scripts/export_edms_archive.py bilim --company 3 --archived-only a.zip

Writes the zip of edu_edms_archive's export (index.json, index.xml, the
JSON Schema of a card, per document card.json, card.xml, the files and the
CMS signatures with their JSON, manifest.json with the SHA-256 of every
file) and registers it in the list of archive exports, as the wizard does.
Only the documents of that organisation are written.  The configuration
comes from TRYTOND_CONFIG (or -c), the backend from TRYTOND_DATABASE__URI.
"""
import argparse
import hashlib
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault(
    'TRYTOND_DATABASE__PATH', os.path.join(ROOT, 'build', 'db'))


def progress(done, total, label):
    print(f'   [{done}/{total}] {label}', file=sys.stderr, flush=True)


def export_archive(database, output, company=None, bin=None,
        archived_only=False, progress=None):
    """Write the archive export of the organisation (id or BIN) of database
    to output (a .zip path); return (documents, sha256).  Raise
    LookupError when the organisation is not found."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(database)
    pool.init()
    with Transaction().start(database, 0, context={}) as transaction:
        Company = pool.get('company.company')
        Export = pool.get('edu.edms.archive.export')
        from trytond.modules.edu_edms_archive.export import ArchiveBuilder
        if company:
            companies = Company.search([('id', '=', company)])
        else:
            companies = Company.search([('party.bin', '=', bin)])
        if len(companies) != 1:
            raise LookupError(company or bin)
        company, = companies
        built = ArchiveBuilder(company, archived_only=archived_only,
            progress=progress).build()
        data = built.to_zip()
        with open(output, 'wb') as fp:
            fp.write(data)
        os.chmod(output, 0o600)
        export, = Export.create([{
                    'company': company.id,
                    'archived_only': archived_only,
                    }])
        Export.record(export, built, data)
        transaction.commit()
    return built.index['count'], hashlib.sha256(data).hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('database')
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument('--company', type=int,
        help="the id of the organisation (company.company)")
    group.add_argument('--bin', help="the BIN of the organisation")
    parser.add_argument('output', help="the .zip file to write")
    parser.add_argument('--archived-only', action='store_true',
        help="only the documents of closed cases")
    parser.add_argument('-c', '--config', help="the trytond configuration "
        "file (default TRYTOND_CONFIG, else trytond.conf)")
    parser.add_argument('-q', '--quiet', action='store_true')
    args = parser.parse_args()

    output = os.path.abspath(args.output)
    if not output.endswith('.zip'):
        return fail("the output must be a .zip file")
    if os.path.exists(output):
        return fail(f"{args.output} exists already")
    from trytond import config
    config.update_etc(args.config or os.environ.get(
            'TRYTOND_CONFIG', os.path.join(ROOT, 'trytond.conf')))
    started = time.monotonic()
    try:
        count, sha256 = export_archive(args.database, output,
            company=args.company, bin=args.bin,
            archived_only=args.archived_only,
            progress=None if args.quiet else progress)
    except LookupError:
        return fail(f"no organisation {args.company or args.bin}")
    print(f"== {count} documents written to {args.output} "
        f"(SHA-256 {sha256}) in {time.monotonic() - started:.1f} s")
    return 0


def fail(message):
    print(f'error: {message}', file=sys.stderr)
    return 1


if __name__ == '__main__':
    sys.exit(main())
