# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the personnel records (R19.11): the staff of school № 12 as
employees with their personnel cards, the staff schedule, the personnel
orders of 2026 and the monthly timesheets.

- every employee of the school gets a personnel number, a position of the
  catalogue (``edu.hr.position``, from the position text of the demo
  organisation), a staff rate, the education and diploma, the prior
  service of the labour book and the hire record of the employment
  history (``edu.hr.employment``) from the date of hiring, with the
  monthly official salary of the non-teaching staff (the teachers are paid
  from the tarification, scripts/demo_edu_tarification.py);
- the staff schedule (штатное расписание) approved on 1 September 2025;
- the personnel orders of 2026 up to the demo date, confirmed in the order
  of their dates: two hires (a teacher of English in January, a
  technical worker in March), a transfer (a tutor becomes methodist), a
  rate change (a clerk or the librarian to 1.5 rates), the summer annual
  leaves of the teachers (56 days) and of the staff (24 days), a sick
  leave in February and the dismissal of a guard at the end of May;
- the timesheets (табель, ``edu.hr.timesheet``) of January 2026 to the
  month of the demo date filled from the calendar (holidays, transfers),
  the history and the leaves; the complete months confirmed.

Called by scripts/create_db.py with the summary of scripts/demo_data.load()
(after demo_edu_learning: the teachers' category records); returns its
figures.
"""
import datetime as dt
import random
import time
from decimal import Decimal

SEED = 1906
YEAR = 2026
SCHEDULE_DATE = dt.date(2025, 9, 1)

#: position text of the demo organisation (a fragment, lower case) →
#: candidate codes of edu.hr.position, the first that exists is taken
POSITIONS = [
    ('мұғалімі', ['teacher']),
    ('орынбасары', ['deputy_director', 'deputy']),
    ('директор', ['director']),
    ('бас бухгалтер', ['chief_accountant']),
    ('бухгалтер', ['accountant']),
    ('экономист', ['economist', 'accountant']),
    ('кадр', ['hr_officer', 'hr', 'personnel_officer']),
    ('іс жүргізуші', ['clerk']),
    ('хатшы', ['secretary', 'clerk']),
    ('әдіскер', ['methodist']),
    ('тьютор', ['tutor']),
    ('психолог', ['psychologist', 'methodist']),
    ('әлеуметтік педагог', ['social_teacher', 'social_pedagogue',
            'methodist']),
    ('кітапханашы', ['librarian', 'clerk']),
    ('жүйелік әкімші', ['sysadmin', 'engineer', 'clerk']),
    ('ішкі бақылау', ['auditor', 'accountant']),
    ('техникалық', ['cleaner', 'technical_worker']),
    ('күзетші', ['guard', 'watchman']),
    ]
#: monthly official salary (KZT, one rate) by position code — the
#: non-teaching staff (block A, C, D); teachers come from the tarification
SALARY = {
    'director': 520000, 'deputy_director': 455000, 'deputy': 455000,
    'chief_accountant': 410000, 'accountant': 320000, 'economist': 300000,
    'hr_officer': 280000, 'hr': 280000, 'personnel_officer': 280000,
    'clerk': 230000, 'secretary': 210000, 'methodist': 340000,
    'tutor': 300000, 'psychologist': 310000, 'social_teacher': 300000,
    'social_pedagogue': 300000, 'librarian': 220000, 'sysadmin': 290000,
    'engineer': 290000, 'auditor': 300000, 'cleaner': 165000,
    'technical_worker': 165000, 'guard': 170000, 'watchman': 170000,
    'cook': 190000,
    }
UNIVERSITIES = [
    "Л.Н. Гумилев атындағы ЕҰУ", "Абай атындағы ҚазҰПУ",
    "С. Сейфуллин атындағы ҚазАТЗУ", "Е.А. Бөкетов атындағы ҚарУ",
    "Ы. Алтынсарин атындағы АрқМПИ",
    ]


def load(summary):
    from trytond.pool import Pool
    pool = Pool()
    try:
        pool.get('edu.hr.position')
        pool.get('edu.hr.order')
    except KeyError:
        return {'skipped': 'edu_hr is not activated'}
    company = summary.get('companies', {}).get('school')
    if not company:
        return {'skipped': 'no school'}
    started = time.monotonic()
    from trytond.transaction import Transaction
    with Transaction().set_context(company=company['id'],
            _check_access=False):
        figures = _load(company['id'])
    figures['seconds'] = round(time.monotonic() - started, 2)
    return figures


def _positions():
    "Return {code: position} of the catalogue"
    from trytond.pool import Pool
    Position = Pool().get('edu.hr.position')
    return {p.code: p for p in Position.search([])}


def position_of(text, positions):
    "The catalogue position of a position text of the demo organisation"
    text = (text or '').lower()
    for fragment, codes in POSITIONS:
        if fragment in text:
            for code in codes:
                if code in positions:
                    return positions[code]
    teaching = [p for p in positions.values() if p.is_teacher]
    if 'мұғалім' in text and teaching:
        return teaching[0]
    others = [p for p in positions.values() if not p.is_teacher]
    return others[0] if others else next(iter(positions.values()))


def salary_of(position, rng):
    "The monthly official salary of a non-teaching position (None: teacher)"
    if position.is_teacher:
        return None
    base = SALARY.get(position.code, 250000)
    return Decimal(round(base * rng.uniform(.97, 1.05), -3))


def _load(company_id):
    from trytond.pool import Pool
    pool = Pool()
    Employee = pool.get('company.employee')
    Employment = pool.get('edu.hr.employment')
    Date = pool.get('ir.date')
    today = Date.today()
    rng = random.Random(SEED)
    figures = {}
    if Employment.search([('company', '=', company_id)], limit=1):
        return {'skipped': 'already loaded'}
    positions = _positions()
    employees = Employee.search([('company', '=', company_id)],
        order=[('id', 'ASC')])
    cards, history = [], []
    for number, employee in enumerate(employees, 1):
        position = position_of(employee.position, positions)
        hired = employee.start_date or dt.date(2015, 8, 25)
        level = 'higher'
        if position.code in ('cleaner', 'technical_worker', 'guard',
                'watchman', 'cook'):
            level = rng.choice(['secondary', 'tvet'])
        elif rng.random() < .08:
            level = 'postgraduate'
        graduated = dt.date(max(hired.year - rng.randint(0, 2), 1985), 6, 25)
        rate = Decimal('1.00')
        if position.code in ('secretary', 'sysadmin', 'librarian'):
            rate = Decimal('0.50') if rng.random() < .5 else rate
        values = {
            'personnel_number': f'{number:04d}',
            'hr_position': position.id,
            'rate': rate,
            'education_level': level,
            'diploma': (f"{rng.choice(['ЖБ-Б', 'ЖБ-М', 'ТКБ'])} "
                f"{rng.randint(100000, 999999)}, "
                f"{graduated.strftime('%d.%m.%Y')}"),
            # the service before the school (labour book), up to 8 years
            'prior_service_days': (rng.randint(0, 8 * 365)
                if rng.random() < .6 else 0),
            }
        cards.extend([[employee], _only(Employee, values)])
        history.append(_only(Employment, {
                    'employee': employee.id,
                    'company': company_id,
                    'kind': 'hire',
                    'date_from': hired,
                    'position': position.id,
                    'department': (employee.department.id
                        if employee.department else None),
                    'rate': rate,
                    'salary': salary_of(position, rng),
                    }))
    if cards:
        Employee.write(*cards)
    Employment.create(history)
    figures['employees'] = len(employees)
    figures['history'] = len(history)
    figures.update(_staff_schedule(company_id))
    if today >= dt.date(YEAR, 1, 1):
        figures.update(_orders(company_id, positions, rng, today))
        figures.update(_timesheets(company_id, today))
    return figures


def _only(Model, values):
    "The values of the fields Model has"
    return {k: v for k, v in values.items() if k in Model._fields}


def _staff_schedule(company_id):
    """The staff schedule approved on 1 September 2025: the rates of every
    department × position of the employees then employed, the teachers'
    rates by their load (1 rate for 16 hours), a vacant half-rate of a
    teacher of English"""
    from trytond.pool import Pool
    pool = Pool()
    try:
        Schedule = pool.get('edu.hr.staff.schedule')
    except KeyError:
        return {}
    Employment = pool.get('edu.hr.employment')
    rows = {}
    for line in Employment.search([('company', '=', company_id),
                ('kind', '=', 'hire')]):
        key = (line.department.id if line.department else None,
            line.position.id)
        rates, salary = rows.get(key, (Decimal(0), Decimal(0)))
        rows[key] = (rates + (line.rate or 0),
            max(salary, getattr(line, 'salary', None) or 0))
    Line = pool.get('edu.hr.staff.schedule.line')
    lines = []
    for (department, position), (rates, salary) in sorted(
            rows.items(), key=lambda i: (i[0][0] or 0, i[0][1])):
        lines.append(_only(Line, {
                    'department': department, 'position': position,
                    'rates': rates, 'salary': salary or None}))
    schedule, = Schedule.create([_only(Schedule, {
                    'company': company_id,
                    'date': SCHEDULE_DATE,
                    'lines': [('create', lines)],
                    })])
    if hasattr(Schedule, 'approve'):
        Schedule.approve([schedule])
    return {'staff_schedule_lines': len(lines)}


def _new_person(company_id, name, sex, birth_date, iin_seed):
    "A new staff party of the school (IIN valid, fictitious)"
    from trytond.pool import Pool
    Party = Pool().get('party.party')
    last, first, patronymic = name.split(' ')
    values = {'name': name, 'is_person': True, 'is_staff': True,
        'last_name': last, 'first_name': first, 'patronymic': patronymic,
        'sex': sex, 'organisation': company_id, 'birth_date': birth_date}
    if 'iin' in Party._fields:
        values['iin'] = _iin(birth_date, sex, iin_seed)
    party, = Party.create([_only(Party, values)])
    return party


def _iin(birth_date, sex, serial):
    "A valid IIN (12 digits, control digit of the two weightings)"
    century = 3 if birth_date.year < 2000 else 5
    digit = century + (1 if sex == 'female' else 0)
    base = birth_date.strftime('%y%m%d') + str(digit) + f'{serial:04d}'
    for weights in (range(1, 12), [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]):
        control = sum(int(d) * w for d, w in zip(base, weights)) % 11
        if control != 10:
            return base + str(control)
    return _iin(birth_date, sex, serial + 1)


def _orders(company_id, positions, rng, today):
    """The personnel orders of 2026 up to the demo date, confirmed in the
    order of their dates"""
    from trytond.pool import Pool
    pool = Pool()
    Order = pool.get('edu.hr.order')
    Employee = pool.get('company.employee')
    Department = pool.get('edu.department')

    staff = Employee.search([('company', '=', company_id)],
        order=[('id', 'ASC')])

    def having(*codes):
        return [e for e in staff if e.hr_position
            and e.hr_position.code in codes and not e.end_date]
    teachers = [e for e in staff if e.hr_position
        and e.hr_position.is_teacher]
    department = {d.code: d for d in Department.search([
                ('company', '=', company_id)]) if d.code}

    def department_of(employee):
        return employee.department.id if employee.department else None

    plan = []  # (date, values)
    # hires: a teacher of English and a technical worker
    english = _new_person(company_id, "Жұмабекова Айгерім Серікқызы",
        'female', dt.date(1998, 4, 17), 4101)
    cleaner = _new_person(company_id, "Петренко Ольга Викторовна",
        'female', dt.date(1979, 11, 2), 4102)
    teacher_position = positions.get('teacher') or next(
        p for p in positions.values() if p.is_teacher)
    cleaner_position = (positions.get('cleaner')
        or positions.get('technical_worker')
        or position_of('техникалық', positions))
    new_english, new_cleaner = Employee.create([
            _only(Employee, {'company': company_id, 'party': english.id,
                    'position': "Ағылшын тілі пәнінің мұғалімі",
                    'department': (teachers[0].department.id
                        if teachers and teachers[0].department else None),
                    'education_level': 'higher',
                    'diploma': "ЖБ-Б 1203344, 30.06.2021",
                    'prior_service_days': 730,
                    'personnel_number': f'{len(staff) + 1:04d}'}),
            _only(Employee, {'company': company_id, 'party': cleaner.id,
                    'position': "Техникалық қызметкер",
                    'department': department_of(having(
                            'cleaner', 'technical_worker')[0])
                    if having('cleaner', 'technical_worker') else None,
                    'education_level': 'secondary',
                    'prior_service_days': 3650,
                    'personnel_number': f'{len(staff) + 2:04d}'}),
            ])
    plan.append((dt.date(YEAR, 1, 12), {'kind': 'hire',
                'employee': new_english.id,
                'position': teacher_position.id,
                'department': new_english.department.id
                if new_english.department else None,
                'rate': Decimal('1.00'),
                'reason': "Өтініш / Заявление; 3.2.3-бап. Конкурс нәтижесі "
                "/ по итогам конкурса"}))
    plan.append((dt.date(YEAR, 3, 2), {'kind': 'hire',
                'employee': new_cleaner.id,
                'position': cleaner_position.id,
                'department': new_cleaner.department.id
                if new_cleaner.department else None,
                'rate': Decimal('1.00'),
                'salary': Decimal(SALARY.get(cleaner_position.code, 165000)),
                'reason': "Өтініш / Заявление"}))
    # a transfer: a tutor becomes methodist
    tutors = having('tutor')
    if tutors and 'methodist' in positions:
        tutor = tutors[-1]
        plan.append((dt.date(YEAR, 2, 2), {'kind': 'transfer',
                    'employee': tutor.id,
                    'position': positions['methodist'].id,
                    'department': (department.get('methodical')
                        or tutor.department).id
                    if (department.get('methodical') or tutor.department)
                    else None,
                    'rate': Decimal('1.00'),
                    'salary': Decimal(SALARY['methodist']),
                    'reason': "Қызметкердің келісімі / С согласия работника"}))
    # a rate change: a clerk (or the librarian) to 1.5 rates from April
    secretaries = having('secretary', 'clerk', 'librarian')
    if secretaries:
        secretary = secretaries[-1]
        plan.append((dt.date(YEAR, 4, 1), {'kind': 'rate',
                    'employee': secretary.id,
                    'rate': Decimal('1.50'),
                    'reason': "Қосымша жүктеме / Дополнительная нагрузка"}))
    # a sick leave in February (certificate of temporary incapacity)
    if teachers:
        sick = teachers[3 % len(teachers)]
        plan.append((dt.date(YEAR, 2, 9), {'kind': 'leave',
                    'employee': sick.id, 'leave_kind': 'sick',
                    'date_to': dt.date(YEAR, 2, 13),
                    'reason': "Еңбекке уақытша жарамсыздық парағы / "
                    "Лист временной нетрудоспособности № 0271543"}))
    # the summer annual leaves: teachers 56 calendar days, staff 24
    guards = having('guard', 'watchman')
    dismissed = guards[-1] if guards else None
    leavers = [e for e in staff if e.hr_position and e != dismissed][:40]
    for i, employee in enumerate(leavers):
        if employee.hr_position.is_teacher:
            start = dt.date(YEAR, 6, 15) + dt.timedelta(days=7 * (i % 3))
            days = 56
        else:
            start = dt.date(YEAR, 7, 1) + dt.timedelta(days=14 * (i % 3))
            days = 24
        plan.append((start, {'kind': 'leave', 'employee': employee.id,
                    'leave_kind': 'annual',
                    'date_to': start + dt.timedelta(days=days - 1),
                    'reason': "Жыл сайынғы еңбек демалысы / "
                    "Ежегодный оплачиваемый трудовой отпуск"}))
    # the dismissal of a guard at the end of May
    if dismissed:
        plan.append((dt.date(YEAR, 5, 29), {'kind': 'dismissal',
                    'employee': dismissed.id,
                    'reason': "Өз еркімен, ЕК 56-бабы / По собственному "
                    "желанию, ст. 56 ТК РК"}))

    vlist = []
    for date, values in sorted(plan, key=lambda p: (p[0], p[1]['kind'])):
        if date > today:
            continue
        # the order is signed a few days before the date it takes effect
        signed = date - dt.timedelta(days=3 if values['kind'] == 'leave'
            else 0)
        vlist.append(_only(Order, {'company': company_id,
                    'date': min(signed, date), 'date_from': date,
                    **values}))
    orders = Order.create(vlist)
    for order in orders:
        # one by one: a later order sees the history of the earlier ones
        Order.confirm([order])
    kinds = {}
    for order in orders:
        kinds[order.kind] = kinds.get(order.kind, 0) + 1
    return {'orders': len(orders),
        **{f'orders_{k}': v for k, v in sorted(kinds.items())}}


def _timesheets(company_id, today):
    """The timesheets of January to the demo date's month, filled; the
    complete months confirmed"""
    from trytond.pool import Pool
    Timesheet = Pool().get('edu.hr.timesheet')
    made = []
    for month in range(1, 13):
        first = dt.date(YEAR, month, 1)
        if first > today:
            break
        timesheet, = Timesheet.create([{'company': company_id,
                    'month': first}])
        Timesheet.fill([timesheet])
        made.append(timesheet)
    done = [t for t in made if (t.month.year, t.month.month)
        < (today.year, today.month)]
    if done and hasattr(Timesheet, 'confirm'):
        Timesheet.confirm(done)
    return {'timesheets': len(made), 'timesheets_confirmed': len(done)}
