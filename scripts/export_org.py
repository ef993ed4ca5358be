#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Export all the main data of an organisation in open form (R13).

    python scripts/export_org.py bilim --bin 040940001017 school.zip
    python scripts/export_org.py bilim --company 3 school-export/

The organisation (by its id or its BIN) is exported with the organisations
it supervises: a CSV file and an XLSX sheet per business object with Kazakh
and Russian column headers, the JSON Schema of every file, a manifest with
the counts and the SHA-256 of each file, and the organisation's rows as
plain SQL (see docs/export-backup.md).  OUT ending in ``.zip`` is a zip;
otherwise a new directory.  Nothing of another organisation is written.
The export is journalled in the audit journal and kept in the list of
organisation exports, as one made with the wizard.  The configuration comes
from TRYTOND_CONFIG (or -c), the backend from TRYTOND_DATABASE__URI.
"""
import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault(
    'TRYTOND_DATABASE__PATH', os.path.join(ROOT, 'build', 'db'))


def progress(done, total, label):
    print(f'   [{done}/{total}] {label}', file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('database')
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument('--company', type=int,
        help="the id of the organisation (company.company)")
    group.add_argument('--bin', help="the BIN of the organisation")
    parser.add_argument('output',
        help="a .zip file, or a directory to create")
    parser.add_argument('-c', '--config', help="the trytond configuration "
        "file (default TRYTOND_CONFIG, else trytond.conf)")
    parser.add_argument('-q', '--quiet', action='store_true')
    args = parser.parse_args()

    output = os.path.abspath(args.output)
    as_zip = output.endswith('.zip')
    if os.path.exists(output) and (as_zip or os.listdir(output)):
        return fail(f"{args.output} exists already")

    from trytond import config
    config.update_etc(args.config or os.environ.get(
            'TRYTOND_CONFIG', os.path.join(ROOT, 'trytond.conf')))
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(args.database)
    pool.init()
    started = time.monotonic()
    with Transaction().start(args.database, 0, context={}) as transaction:
        Company = pool.get('company.company')
        Export = pool.get('edu.export')
        from trytond.modules.edu_export import writer
        if args.company:
            companies = Company.search([('id', '=', args.company)])
        else:
            companies = Company.search([('party.bin', '=', args.bin)])
        if len(companies) != 1:
            return fail(f"no organisation {args.company or args.bin}")
        company, = companies
        built = writer.Export(company,
            progress=None if args.quiet else progress).build()
        if as_zip:
            built.to_zip(output)
            os.chmod(output, 0o600)
        else:
            built.to_directory(output)
        # registered and journalled as an export of the wizard
        export, = Export.create([{'company': company.id}])
        Export.record(export, built, path=output)
        name = company.rec_name
        transaction.commit()
    manifest = built.manifest
    rows = sum(o['rows'] for o in manifest['objects'].values())
    print(f"== {name}: {len(manifest['objects'])} objects, "
        f"{rows} rows, {len(manifest['organisations'])} organisation(s) "
        f"written to {args.output} in {time.monotonic() - started:.1f} s")
    return 0


def fail(message):
    print(f'error: {message}', file=sys.stderr)
    return 1


if __name__ == '__main__':
    sys.exit(main())
