# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the organisation's archive of documents (R22.13): last
year's case of the orders on main activity of school № 12 (01-01,
kept permanently), its orders registered and signed last year with the
test PKI (verified by edu_eds), the case closed — its documents archived
with their retention — and the inventory (опись) of last year for the
transfer to the state archive, filled and confirmed.

Runs after scripts/demo_edu_edms.py (the test PKI, the certificates and
the route templates come from there).  Returns its figures.
"""
import datetime as dt
import random
import time

SEED = 2208
ORDERS = [
    "Оқу жылының басталуы туралы",
    "Мектептің жылдық жұмыс жоспарын бекіту туралы",
    "Пән апталықтарын өткізу туралы",
    "Мектепішілік бақылау қорытындысы туралы",
    "Оқу жылын аяқтау туралы",
    "Жазғы жөндеу жұмыстарын ұйымдастыру туралы",
    ]


def load(summary):
    from trytond.pool import Pool
    pool = Pool()
    try:
        pool.get('edu.edms.archive.inventory')
    except KeyError:
        return {'skipped': 'edu_edms_archive is not activated'}
    company = summary.get('companies', {}).get('school')
    if not company:
        return {'skipped': 'no school'}
    import demo_edu_edms as base
    started = time.monotonic()
    figures = base.run_locked(lambda: _load(company['id']),
        base.LOCKED_MODELS + ['edu.edms.archive.inventory'],
        company=company['id'], companies=[company['id']],
        _check_access=False, language='kk')
    figures['seconds'] = round(time.monotonic() - started, 2)
    return figures


def _load(company_id):
    import demo_edu_edms as base
    from trytond.pool import Pool
    pool = Pool()
    Company = pool.get('company.company')
    Case = pool.get('edu.edms.nomenclature')
    Document = pool.get('edu.edms.document')
    Inventory = pool.get('edu.edms.archive.inventory')
    Date = pool.get('ir.date')
    today = Date.today()
    year = today.year - 1
    if Inventory.search([('company', '=', company_id), ('year', '=', year)],
            limit=1):
        return {'skipped': 'already loaded'}
    company = Company(company_id)
    users = base._users()
    if 'director' not in users or 'clerk' not in users:
        return {'skipped': 'no demo users'}
    pki, subjects = base.setup_pki(company, users)
    index, kk, ru, years, _ = base.CASES[0]
    with base_language('kk'):
        case, = Case.create([base._only(Case, {
                        'company': company_id, 'year': year, 'index': index,
                        'name': kk, 'retention_years': years,
                        'state': 'open'})])
    with base_language('ru'):
        Case.write([case], {'name': ru})
    kind = base.kinds()['order_main']
    flow = base.Flow(company, users, pki, subjects, {index: case},
        random.Random(SEED), today)
    documents = []
    for n, title in enumerate(ORDERS, 1):
        date = dt.date(year, 1, 1) + dt.timedelta(days=n * 58)
        lines = ["БҰЙЫРАМЫН:", f"1. {title.replace(' туралы', '')}.",
            "2. Бұйрықтың орындалуын бақылауды өзіме қалдырамын."]
        with Transaction_context(edms_draft=True):
            document, = Document.create([base._only(Document, {
                            'company': company_id,
                            'kind': kind.id,
                            'date': date,
                            'summary': title,
                            'case': case.id,
                            'author': users['clerk'].id,
                            'files': [('create', [{
                                            'name': f'order-{year}-{n}.pdf',
                                            'data': base.pdf_file(
                                                f"БҰЙРЫҚ. {title}", lines,
                                                ('Директор',
                                                    users['director'].name)),
                                            'mimetype': 'application/pdf',
                                            }])],
                            })])
        # registered last year in the journal of that year
        Document.write([document], {
                'number': f'{index}/{n}', 'sequence': n,
                'registration_date': date, 'state': 'registered'})
        flow.route(document, 'signed')
        documents.append(document)
    Case.close([case])
    archived = Document.search([('case', '=', case.id),
            ('state', '=', 'archived')])
    inventory, = Inventory.create([base._only(Inventory, {
                    'company': company_id, 'year': year,
                    'number': f'1-{year}',
                    'date': today,
                    'archive_name': "Астана қаласының мемлекеттік архиві",
                    })])
    Inventory.fill([inventory])
    Inventory.confirm([inventory])
    inventory = Inventory(inventory.id)
    return {
        'archived documents': len(archived),
        'signatures verified': flow.signed,
        'inventory lines': len(inventory.lines),
        'inventory': inventory.state,
        }


def base_language(code):
    from trytond.transaction import Transaction
    return Transaction().set_context(language=code)


def Transaction_context(**context):
    from trytond.transaction import Transaction
    return Transaction().set_context(**context)
