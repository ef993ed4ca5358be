# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the tarification (R19.16, R27.13): the teachers'
tarification list of school № 12 on 1 September 2025 and its changes in
January 2026.

- the annual list of 1 September 2025 (``edu.tarification.list.make``: every
  teacher of the school with the education, the diploma, the category of
  the teacher records, the years of service of the employment history, the
  coefficient, ДО = БДО × coefficient and the supplements), the weekly load
  entered from the school's distribution of hours (16–26 hours; the
  timetable's demo comes later), then approved;
- in January 2026: a 'change' list from 12 January for the teacher of
  English hired that day (scripts/demo_edu_hr.py), and, after a teacher's
  attestation raised her category from moderator to expert on 15 January,
  the "Recompute" wizard's list from 15 January of every teacher whose
  category, service band or load changed since 1 September, approved (the
  lines of 1 September end on 14 January: history kept).

Called by scripts/create_db.py with the summary of scripts/demo_data.load()
after demo_edu_hr; returns its figures.
"""
import datetime as dt
import random
import time
from decimal import Decimal

SEED = 1907
ANNUAL = dt.date(2025, 9, 1)
HIRED = dt.date(2026, 1, 12)
ATTESTED = dt.date(2026, 1, 15)
HOURS = [16, 16, 18, 18, 18, 20, 20, 22, 24, 26, 12, 14]


def load(summary):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    try:
        pool.get('edu.tarification.list')
        pool.get('edu.hr.employment')
    except KeyError:
        return {'skipped': 'edu_tarification is not activated'}
    company = summary.get('companies', {}).get('school')
    if not company:
        return {'skipped': 'no school'}
    started = time.monotonic()
    with Transaction().set_context(company=company['id'],
            _check_access=False):
        figures = _load(company['id'])
    figures['seconds'] = round(time.monotonic() - started, 2)
    return figures


def _load(company_id):
    from trytond.pool import Pool
    pool = Pool()
    Company = pool.get('company.company')
    TList = pool.get('edu.tarification.list')
    Line = pool.get('edu.tarification.line')
    Date = pool.get('ir.date')
    company = Company(company_id)
    if TList.search([('company', '=', company_id)], limit=1):
        return {'skipped': 'already loaded'}
    from trytond.modules.edu_tarification.wizard import teachers
    rng = random.Random(SEED)
    today = Date.today()
    figures = {}

    staff = teachers(company, ANNUAL)
    annual = TList.make(company, ANNUAL, 'annual', staff)
    TList.write([annual], {'description':
            "2025–2026 оқу жылының тарификациясы / "
            "Тарификация на 2025–2026 учебный год"})
    # the weekly load of the school's distribution of hours
    writes = []
    for line in annual.lines:
        hours = Decimal(rng.choice(HOURS))
        values = {'weekly_hours': hours}
        if 'notebook' in Line._fields:
            position = (line.employee.position or '').lower()
            values['notebook'] = any(s in position for s in (
                    'бастауыш', 'математика', 'қазақ тілі', 'орыс тілі',
                    'ағылшын'))
        if 'english' in Line._fields:
            values['english'] = (rng.random() < .25 and any(
                    s in (line.employee.position or '').lower()
                    for s in ('информатика', 'физика', 'химия',
                        'биология')))
        writes.extend([[line], values])
    if writes:
        Line.write(*writes)
    TList.compute([annual])
    TList.approve([annual])
    annual = TList(annual.id)
    figures['annual_lines'] = len(annual.lines)
    figures['annual_monthly_kzt'] = annual.total
    if today < ATTESTED:
        return figures

    # the teacher of English hired on 12 January
    hired = [e for e in teachers(company, HIRED)
        if e.start_date and e.start_date >= dt.date(2026, 1, 1)]
    changes = []
    if hired:
        change = TList.make(company, HIRED, 'change', hired)
        TList.write([change], {'description':
                "Жаңа мұғалім / Принят новый учитель"})
        Line.write(list(change.lines), {'weekly_hours': Decimal(18)})
        TList.compute([change])
        TList.approve([change])
        changes.append(change)

    # a teacher's attestation: moderator → expert on 15 January
    promoted = _attestation(company, staff)
    Recompute = pool.get('edu.tarification.recompute', type='wizard')
    changed = Recompute.changed(company, ATTESTED)
    if changed:
        change = TList.make(company, ATTESTED, 'change', changed)
        TList.write([change], {'description':
                "Аттестация, еңбек өтілі / Аттестация, стаж"})
        # the load does not change in the middle of the year
        current = {l.employee.id: l.weekly_hours for l in annual.lines}
        writes = []
        for line in change.lines:
            if line.employee.id in current:
                writes.extend([[line], {
                            'weekly_hours': current[line.employee.id]}])
        if writes:
            Line.write(*writes)
            TList.compute([change])
        TList.approve([change])
        changes.append(change)
    figures['change_lists'] = len(changes)
    figures['change_lines'] = sum(len(c.lines) for c in changes)
    figures['promoted'] = promoted
    return figures


def _attestation(company, staff):
    """Record the attestation of the first teacher-moderator: expert from
    15 January 2026; return her name"""
    from trytond.pool import Pool
    pool = Pool()
    Record = pool.get('edu.teacher.record')
    Line = pool.get('edu.tarification.line')
    categories = Line.category_at({e.party.id for e in staff}, ATTESTED)
    for employee in staff:
        if categories.get(employee.party.id) == 'moderator':
            break
    else:
        employee = staff[0]
    Record.create([{
                'person': employee.party.id,
                'company': company.id,
                'kind': 'attestation',
                'name': "Педагог-сарапшы / Педагог-эксперт",
                'category': 'expert',
                'date': ATTESTED,
                'valid_until': ATTESTED.replace(year=ATTESTED.year + 5),
                'number': "15-Қ",
                }])
    return employee.rec_name
