# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the timetable and the teaching load (R27.8, R27.13).

For school № 12 and school № 45: a bell schedule of the first shift (8:00,
45-minute lessons, breaks of 5, 10 and 15 minutes, 7 lessons), the rooms
(a home room per class, language rooms for the second subgroups, computer
rooms, laboratories, a gym, a hall), the teaching load computed from the
study plans of the current academic year (edu_learning's demo part) with
the teachers assigned by their position ("Математика пәнінің мұғалімі"
teaches mathematics, algebra and geometry; a primary-class teacher the
subjects of one primary class), an active weekly timetable Monday to
Saturday placed greedily from the assignments without any conflict, and a
couple of substitutions in the current week.  The demo ``teacher`` user
teaches mathematics in the demo ``learner``'s class.

Called by scripts/create_db.py with the summary of scripts/demo_data.load();
returns the figures (hours placed and unplaced per school).
"""
import datetime as dt
import time
from collections import defaultdict
from decimal import Decimal

BELLS = [  # start, end: 45 minutes, breaks of 5, 10, 15, 10, 5, 5 minutes
    ((8, 0), (8, 45)), ((8, 50), (9, 35)), ((9, 45), (10, 30)),
    ((10, 45), (11, 30)), ((11, 40), (12, 25)), ((12, 30), (13, 15)),
    ((13, 20), (14, 5)),
    ]
SECOND_SHIFT = [
    ((14, 20), (15, 5)), ((15, 10), (15, 55)), ((16, 5), (16, 50)),
    ((17, 0), (17, 45)), ((17, 50), (18, 35)),
    ]
DAYS = 6  # Monday to Saturday; primary classes are filled Monday-Friday
MAX_LOAD = 24  # weekly hours over which a teacher is not given more
NORM = 16

# the position's words → the subjects (xml ids of edu_learning's catalogue)
POSITIONS = [
    ('Математика', ['mathematics', 'algebra', 'geometry',
            'algebra_analysis']),
    ('Қазақ тілі', ['kazakh_language', 'kazakh_literature',
            'kazakh_language_literature']),
    ('Орыс тілі', ['russian_language', 'russian_literature',
            'russian_language_literature']),
    ('Ағылшын', ['english']),
    ('Информатика', ['informatics', 'digital_literacy']),
    ('Физика', ['physics']),
    ('Химия', ['chemistry']),
    ('Биология', ['biology', 'natural_science']),
    ('География', ['geography']),
    ('Тарих', ['history_kazakhstan', 'world_history', 'law',
            'global_competences', 'self_knowledge']),
    ('Дене шынықтыру', ['physical_education', 'military_training']),
    ('Музыка', ['music']),
    ('Көркем еңбек', ['art_work', 'graphics_design']),
    ]
PRIMARY = 'Бастауыш'
# subjects of a primary class taught by specialists
SPECIALIST = {'english', 'physical_education', 'music'}
MATHS = {'mathematics', 'algebra', 'geometry', 'algebra_analysis'}
LAB = {'physics': 'laboratory', 'chemistry': 'laboratory',
    'biology': 'laboratory', 'informatics': 'computer',
    'digital_literacy': 'computer', 'physical_education': 'gym'}


def load(summary):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool()
    try:
        pool.get('edu.timetable')
    except KeyError:
        return {'skipped': 'edu_timetable is not activated'}
    started = time.monotonic()
    figures = {}
    users = {u['login']: u for u in summary.get('users', [])}
    for key in ('school', 'school45'):
        company = summary.get('companies', {}).get(key)
        if not company:
            continue
        with Transaction().set_context(company=company['id']):
            figures[key] = _school(company['id'], users)
    figures['seconds'] = round(time.monotonic() - started, 2)
    return figures


def _subject_codes():
    "Return {subject id: catalogue name (xml id without 'subject_')}"
    from trytond.pool import Pool
    ModelData = Pool().get('ir.model.data')
    data = ModelData.search([
            ('module', '=', 'edu_learning'), ('model', '=', 'edu.subject')])
    return {d.db_id: d.fs_id[len('subject_'):] for d in data
        if d.fs_id.startswith('subject_')}


def _school(company_id, users):
    from trytond.pool import Pool
    pool = Pool()
    Year = pool.get('edu.academic.year')
    Class = pool.get('edu.class')
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    Enrolment = pool.get('edu.class.enrolment')
    Assignment = pool.get('edu.teaching.assignment')
    Schedule = pool.get('edu.bell.schedule')
    Room = pool.get('edu.room')

    today = dt.date.today()
    year = Year.find(company_id, today)
    if not year:
        years = Year.search([('company', '=', company_id)],
            order=[('start_date', 'DESC')], limit=1)
        year = years[0] if years else None
    if not year:
        return {'skipped': 'no academic year (edu_learning demo)'}
    classes = Class.search([('year', '=', year.id)])
    if not classes:
        return {'skipped': 'no class (edu_learning demo)'}

    # -- bells and rooms ---------------------------------------------------
    schedule, = Schedule.create([{
                'company': company_id, 'name': "1-ауысым", 'shift': 1,
                'bells': [('create', [{
                                'number': n, 'start_time': dt.time(*s),
                                'end_time': dt.time(*e)}
                            for n, (s, e) in enumerate(BELLS, 1)])],
                }])
    Schedule.create([{
                'company': company_id, 'name': "2-ауысым", 'shift': 2,
                'bells': [('create', [{
                                'number': n, 'start_time': dt.time(*s),
                                'end_time': dt.time(*e)}
                            for n, (s, e) in enumerate(SECOND_SHIFT, 1)])],
                }])
    bells = list(schedule.bells)
    room_values = []
    for i, class_ in enumerate(classes):
        floor = 1 + i // 12
        room_values.append({'company': company_id, 'kind': 'classroom',
                'name': f'{floor}{i % 12 + 1:02d}', 'capacity': 30})
    # a language room for the second subgroup of every third class
    specials = [(f"Тіл кабинеті {n}", 'classroom', 15)
        for n in range(1, max(4, len(classes) // 3) + 1)]
    specials += [("Информатика кабинеті 1", 'computer', 15),
        ("Информатика кабинеті 2", 'computer', 15),
        ("Физика зертханасы", 'laboratory', 30),
        ("Химия зертханасы", 'laboratory', 30),
        ("Биология зертханасы", 'laboratory', 30),
        ("Спорт залы", 'gym', 60),
        ("Акт залы", 'hall', 200)]
    room_values += [{'company': company_id, 'name': n, 'kind': k,
            'capacity': c} for n, k, c in specials]
    rooms = Room.create(room_values)
    home = {c.id: r for c, r in zip(classes, rooms)}
    pools = defaultdict(list)
    for room in rooms[len(classes):]:
        pools[room.kind].append(room)
    pools['language'] = [r for r in rooms[len(classes):]
        if r.name.startswith("Тіл")]

    # -- teaching load -----------------------------------------------------
    Assignment.compute(year)
    assignments = Assignment.search([('year', '=', year.id)])
    codes = _subject_codes()
    employees = Employee.search([('company', '=', company_id)])
    teachers_of = defaultdict(list)  # subject code → teacher parties
    primary = []
    for employee in employees:
        position = employee.position or ''
        party = employee.party
        if not party.is_staff:
            continue
        if position.startswith(PRIMARY):
            primary.append(party)
            continue
        for word, subjects in POSITIONS:
            if word in position:
                for code in subjects:
                    teachers_of[code].append(party)
    load = defaultdict(Decimal)
    chosen = {}

    # the demo teacher teaches mathematics in the demo learner's class
    teacher_user = users.get('teacher')
    learner_user = users.get('learner')
    if teacher_user and learner_user:
        teacher = Party.search([('iin', '=', teacher_user['person_iin']),
                ('organisation', '=', company_id)])
        learner = Party.search([('iin', '=', learner_user['person_iin']),
                ('organisation', '=', company_id)])
        if teacher and learner:
            enrolment = Enrolment.current([learner[0].id],
                min(max(today, year.start_date), year.end_date)).get(
                learner[0].id)
            if enrolment:
                for a in assignments:
                    if (a.class_ == enrolment.class_
                            and codes.get(a.subject.id) in MATHS):
                        chosen[a.id] = teacher[0]
                        load[teacher[0].id] += a.hours

    # a primary class: one primary-class teacher takes its subjects
    primary_of = {}
    for class_ in sorted(classes, key=lambda c: c.name):
        if class_.grade <= 4 and primary:
            teacher = min(primary, key=lambda p: (load[p.id], p.id))
            primary_of[class_.id] = teacher
            load[teacher.id] += 1  # spread the classes first
    for teacher in primary:
        load[teacher.id] = Decimal(0)

    siblings = defaultdict(list)  # (class, subject) → its assignments
    for a in assignments:
        siblings[(a.class_.id, a.subject.id)].append(a)
    # the biggest hours first, each to the least loaded teacher able
    for a in sorted(assignments, key=lambda a: (-a.hours, a.id)):
        if a.id in chosen:
            continue
        code = codes.get(a.subject.id)
        candidates = []
        if a.class_.grade <= 4 and code not in SPECIALIST:
            if a.class_.id in primary_of:
                candidates = [primary_of[a.class_.id]]
        else:
            candidates = teachers_of.get(code, [])
            if not candidates and a.class_.id in primary_of:
                candidates = [primary_of[a.class_.id]]
        # the other subgroup's teacher would give both at once
        other = [chosen.get(b.id)
            for b in siblings[(a.class_.id, a.subject.id)]
            if b.id != a.id] if a.subgroup else []
        able = [t for t in candidates
            if load[t.id] + a.hours <= MAX_LOAD and t not in other]
        if not able:
            continue  # vacant
        teacher = min(able, key=lambda t: (load[t.id], t.id))
        chosen[a.id] = teacher
        load[teacher.id] += a.hours
    by_teacher = defaultdict(list)
    for a in assignments:
        if a.id in chosen:
            by_teacher[chosen[a.id]].append(a)
    to_write = []
    for teacher, records in by_teacher.items():
        to_write.extend([records, {'teacher': teacher.id}])
    if to_write:
        Assignment.write(*to_write)

    result = _timetable(company_id, year, classes, assignments, chosen,
        bells, home, pools, codes)
    teacher_loads = [v for v in load.values() if v]
    result.update({
            'classes': len(classes),
            'rooms': len(rooms),
            'assignments': len(assignments),
            'weekly_hours': float(sum(a.hours for a in assignments)),
            'vacant_hours': float(sum(a.hours for a in assignments
                    if a.id not in chosen)),
            'teachers': len(teacher_loads),
            'teachers_over_norm': sum(1 for v in teacher_loads if v > NORM),
            'average_load': round(
                float(sum(teacher_loads) / len(teacher_loads)), 1)
            if teacher_loads else 0,
            })
    result.update(_substitutions(company_id, year))
    return result


def _timetable(company_id, year, classes, assignments, chosen, bells, home,
        pools, codes):
    """Place the weekly lessons greedily without any conflict and create
    the active timetable; return the figures"""
    from trytond.pool import Pool
    pool = Pool()
    Timetable = pool.get('edu.timetable')
    Slot = pool.get('edu.timetable.slot')

    # units: the lessons given together (both subgroups of a split subject
    # with their two teachers), with their number per week
    groups = defaultdict(list)
    for a in assignments:
        groups[(a.class_.id, a.subject.id)].append(a)
    units = []
    for (class_id, subject_id), records in groups.items():
        teachers = [chosen.get(a.id) for a in records]
        hours = max(a.hours for a in records)
        count = max(1, int(hours + Decimal('0.5'))) if hours >= Decimal(
            '0.5') else 0
        if len(records) > 1 and (teachers[0] is None
                or teachers[0] != teachers[1]):
            units.append((records, count))
        else:
            for a in records:
                units.append(([a], count))
    grade = {c.id: c.grade for c in classes}
    teacher_hours = defaultdict(int)
    for records, count in units:
        for a in records:
            if chosen.get(a.id):
                teacher_hours[chosen[a.id].id] += count

    def weight(unit):
        records, count = unit
        return (-max(teacher_hours.get(chosen[a.id].id, 0)
                if chosen.get(a.id) else 0 for a in records), -count,
            records[0].id)
    units.sort(key=weight)

    busy_teacher = set()  # (teacher id, day, bell)
    busy_class = set()  # (class id, day, bell)
    busy_room = set()  # (room id, day, bell)
    per_day = defaultdict(int)  # (class id, day) → lessons
    subject_days = defaultdict(set)  # (class id, subject id) → days
    vlist = []
    unplaced = 0
    for records, count in units:
        class_id = records[0].class_.id
        subject_id = records[0].subject.id
        code = codes.get(subject_id)
        days = 5 if grade[class_id] <= 4 else DAYS
        max_bell = 5 if grade[class_id] <= 1 else (
            6 if grade[class_id] <= 4 else len(bells))
        for _ in range(count):
            placed = False
            for allow_same_day in (False, True):
                order = sorted(range(days),
                    key=lambda d: (per_day[(class_id, d)], d))
                for day in order:
                    if (not allow_same_day
                            and day in subject_days[(class_id, subject_id)]):
                        continue
                    for b in range(max_bell):
                        if (class_id, day, b) in busy_class:
                            continue
                        teachers = [chosen[a.id].id for a in records
                            if chosen.get(a.id)]
                        if any((t, day, b) in busy_teacher
                                for t in teachers):
                            continue
                        rooms = _rooms(records, home, pools, code, day, b,
                            busy_room)
                        if rooms is None:
                            continue
                        for a, room in zip(records, rooms):
                            teacher = chosen.get(a.id)
                            vlist.append({
                                    'weekday': str(day),
                                    'bell': bells[b].id,
                                    'class_': class_id,
                                    'subject': subject_id,
                                    'teacher': teacher.id if teacher
                                    else None,
                                    'room': room.id if room else None,
                                    'subgroup': a.subgroup,
                                    'company': company_id,
                                    })
                            if room:
                                busy_room.add((room.id, day, b))
                        for t in teachers:
                            busy_teacher.add((t, day, b))
                        busy_class.add((class_id, day, b))
                        per_day[(class_id, day)] += 1
                        subject_days[(class_id, subject_id)].add(day)
                        placed = True
                        break
                    if placed:
                        break
                if placed:
                    break
            if not placed:
                unplaced += 1
    timetable, = Timetable.create([{
                'company': company_id, 'year': year.id,
                'name': "Негізгі сабақ кестесі",
                'start_date': year.start_date, 'end_date': year.end_date,
                }])
    for values in vlist:
        values['timetable'] = timetable.id
    slots = Slot.create(vlist)
    assert not Slot.conflicts(slots)
    Timetable.activate([timetable])
    return {
        'lessons_per_week': len(slots),
        'unplaced_lessons': unplaced,
        }


def _rooms(records, home, pools, code, day, bell, busy_room):
    """Return a room per assignment of the unit (home room, a language
    room for the second subgroup, the laboratory, computer room or gym of
    the subject when free) or None when no room is free"""
    result = []
    taken = set()

    def free(candidates):
        for room in candidates:
            if (room.id, day, bell) not in busy_room and room.id not in taken:
                return room

    for a in records:
        room = None
        kind = LAB.get(code)
        if kind:
            room = free(pools.get(kind, []))
        if room is None and a.subgroup == '2':
            room = free(pools.get('language', []))
            if room is None:
                return None
        if room is None and kind == 'gym':
            result.append(None)  # the sports ground
            continue
        if room is None:
            room = home[a.class_.id]
            if (room.id, day, bell) in busy_room or room.id in taken:
                return None
        taken.add(room.id)
        result.append(room)
    return result


def _substitutions(company_id, year):
    "Substitute two lessons of the current week by free colleagues"
    from trytond.pool import Pool
    pool = Pool()
    Substitution = pool.get('edu.substitution')
    Employee = pool.get('company.employee')
    today = dt.date.today()
    day = min(max(today, year.start_date), year.end_date)
    while day.weekday() > 4:
        day += dt.timedelta(days=1)
    lessons = Substitution.lessons_on(company_id, day)
    staff = [e.party for e in Employee.search([
                ('company', '=', company_id),
                ('position', 'ilike', '%мұғалім%')]) if e.party.is_staff]
    made = []
    absent = None
    for lesson in lessons:
        if lesson.teacher and lesson.class_.grade >= 5:
            absent = lesson.teacher
            break
    if not absent:
        return {'substitutions': 0}
    for lesson in lessons:
        if lesson.teacher != absent or len(made) >= 2:
            continue
        busy = {l.teacher for l in lessons if l.teacher
            and l.start_time < lesson.end_time
            and lesson.start_time < l.end_time}
        free = [p for p in staff if p not in busy and p != absent]
        if not free:
            continue
        made.extend(Substitution.create([{
                        'company': company_id, 'date': day,
                        'slot': lesson.slot.id, 'substitute': free[0].id,
                        'reason': 'training',
                        'note': "Біліктілікті арттыру курсы"}]))
        lessons = Substitution.lessons_on(company_id, day)
    return {'substitutions': len(made), 'substitution_date': str(day)}
