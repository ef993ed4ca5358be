# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the class journal (R27.12, R27.8 СОр/СОч).

For school № 12: the dated lessons of the first two months of the current
academic year (from 1 September) generated from the active timetable
(edu_timetable's demo part); for the lessons already past, held, a journal
entry per enrolled learner (about 93 % present, some late, sick or absent
with or without a valid reason) and a formative mark on about 40 % of the
learner-lessons (1..10, around each learner's own level); in the first
quarter 2 or 3 section summative works (СОр) per class and subject and the
quarter work (СОч) for the subjects of 2 hours a week or more, with a
score per learner; first-graders get no mark (attendance only), as in
Kazakh schools.  Then the quarter marks of the first quarter are computed,
and the quarter is closed if it has ended by the demo date.

The lessons go through the ORM (``Lesson.generate``); the entries and the
results, generated consistent with the enrolments, are inserted in
batches of raw values for speed (their rules are those of the ORM: the
learner enrolled in the lesson's class and subgroup, one entry per lesson
and learner, marks 1..10, no mark when absent).

Called by scripts/create_db.py with the summary of scripts/demo_data.load();
returns its figures.
"""
import datetime as dt
import random
import time
from collections import Counter, defaultdict

SEED = 1225
BATCH = 2000
ABSENCES = [('late', 30), ('sick', 35), ('absent_excused', 20),
    ('absent', 15)]


def load(summary):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool()
    try:
        pool.get('edu.lesson')
    except KeyError:
        return {'skipped': 'edu_school is not activated'}
    company = summary.get('companies', {}).get('school')
    if not company:
        return {'skipped': 'no school'}
    started = time.monotonic()
    with Transaction().set_context(company=company['id']):
        figures = _school(company['id'])
    figures['seconds'] = round(time.monotonic() - started, 2)
    return figures


def _school(company_id, today=None):
    from trytond.pool import Pool
    pool = Pool()
    Year = pool.get('edu.academic.year')
    Timetable = pool.get('edu.timetable')
    Lesson = pool.get('edu.lesson')

    today = today or dt.date.today()
    year = Year.find(company_id, today)
    if not year:
        years = Year.search([('company', '=', company_id)],
            order=[('start_date', 'DESC')], limit=1)
        year = years[0] if years else None
    if not year:
        return {'skipped': 'no academic year (edu_learning demo)'}
    timetables = Timetable.search([
            ('company', '=', company_id), ('year', '=', year.id),
            ('state', '=', 'active')])
    if not timetables:
        return {'skipped': 'no active timetable (edu_timetable demo)'}
    periods = list(year.periods)
    if not periods:
        return {'skipped': 'no academic period'}
    start = year.start_date
    end = _two_months(start)
    figures = {}
    t0 = time.monotonic()
    figures['lessons'] = sum(
        Lesson.generate(t, start, end) for t in timetables)

    # the portal opens on the current week: its lessons and those of the
    # two weeks before exist too, with their journal when past
    recent = max(start, end + dt.timedelta(days=1),
        today - dt.timedelta(days=today.weekday() + 14))
    recent_end = min(year.end_date,
        today + dt.timedelta(days=6 - today.weekday()))
    if recent <= recent_end:
        figures['lessons'] += sum(
            Lesson.generate(t, recent, recent_end) for t in timetables)
    figures['lessons_s'] = round(time.monotonic() - t0, 1)

    rng = random.Random(SEED)
    past = min(end, today - dt.timedelta(days=1))
    t0 = time.monotonic()
    lessons = _past_lessons(company_id, start, past)
    recent_past = min(recent_end, today - dt.timedelta(days=1))
    if recent <= recent_past:
        lessons += _past_lessons(company_id, recent, recent_past)
    enrolled = _enrolments(company_id, year)
    level = {}
    entries = _entries(company_id, lessons, enrolled, level, rng)
    figures['journal_entries'] = entries['count']
    figures['present_percent'] = entries['present_percent']
    figures['marked_percent'] = entries['marked_percent']
    figures['entries_s'] = round(time.monotonic() - t0, 1)

    t0 = time.monotonic()
    q1 = periods[0]
    works, results = _summative(company_id, q1, lessons, enrolled, level,
        rng, past)
    # the quarter in progress has its first СОр (the СОч comes at its
    # end), scored when already written
    current = next((p for p in periods
            if p.start_date <= today <= p.end_date), None)
    if current and current != q1 and current.state == 'open':
        more = _summative(company_id, current, lessons, enrolled, level,
            rng, today - dt.timedelta(days=1), quarter=False)
        works, results = works + more[0], results + more[1]
    figures['summative_works'] = works
    figures['summative_results'] = results
    figures['summative_s'] = round(time.monotonic() - t0, 1)

    t0 = time.monotonic()
    figures.update(_quarter_marks(q1, today))
    figures['marks_s'] = round(time.monotonic() - t0, 1)
    return figures


def _two_months(start):
    "The last day of the second month from start (1 Sep → 31 Oct)"
    month = start.month + 2
    year = start.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, 1) - dt.timedelta(days=1)


def _past_lessons(company_id, start, end):
    """Mark the lessons from start to end held; return them as tuples
    (id, date, class, subject, subgroup, teacher)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Lesson = Pool().get('edu.lesson')
    lesson = Lesson.__table__()
    cursor = Transaction().connection.cursor()
    where = ((lesson.company == company_id) & (lesson.date >= start)
        & (lesson.date <= end) & (lesson.state == 'planned'))
    cursor.execute(*lesson.update([lesson.state], ['held'], where=where))
    cursor.execute(*lesson.select(lesson.id, lesson.date, lesson.class_,
            lesson.subject, lesson.subgroup, lesson.teacher,
            where=(lesson.company == company_id) & (lesson.date >= start)
            & (lesson.date <= end) & (lesson.state == 'held'),
            order_by=[lesson.date.asc, lesson.id.asc]))
    return [(i, _date(d), c, s, g, t) for i, d, c, s, g, t in cursor]


def _date(value):
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _enrolments(company_id, year):
    "Return {class id: [(learner, start, end, subgroup, grade)]}"
    from trytond.pool import Pool
    pool = Pool()
    Enrolment = pool.get('edu.class.enrolment')
    Class = pool.get('edu.class')
    classes = {c.id: c.grade for c in Class.search([
                ('company', '=', company_id), ('year', '=', year.id)])}
    result = defaultdict(list)
    for row in Enrolment.search_read([
                ('class_', 'in', list(classes)),
                ], fields_names=['class_', 'learner', 'start_date',
                'end_date', 'subgroup']):
        result[row['class_']].append((row['learner'], row['start_date'],
                row['end_date'], row['subgroup'], classes[row['class_']]))
    return result


def _on(enrolments, date, subgroup):
    "The learners of the enrolments present in the class at date"
    for learner, start, end, group, grade in enrolments:
        if start <= date and (not end or end >= date) and (
                not subgroup or not group or group == subgroup):
            yield learner, grade


def _mark(rng, level):
    return max(1, min(10, round(rng.gauss(level, 1.3))))


def _entries(company_id, lessons, enrolled, level, rng):
    "Insert the journal entries of the past lessons in raw batches"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Entry = Pool().get('edu.journal.entry')
    entry = Entry.__table__()
    cursor = Transaction().connection.cursor()
    now = dt.datetime.now()
    columns = [entry.lesson, entry.learner, entry.company, entry.attendance,
        entry.mark, entry.create_uid, entry.create_date]
    kinds = [k for k, _ in ABSENCES]
    weights = [w for _, w in ABSENCES]
    batch, count, present, marked = [], 0, 0, 0
    for lesson_id, date, class_id, subject, subgroup, teacher in lessons:
        for learner, grade in _on(enrolled.get(class_id, []), date,
                subgroup):
            if learner not in level:
                level[learner] = min(9.6, max(4.0, rng.gauss(7.3, 1.2)))
            if rng.random() < .93:
                attendance = 'present'
                present += 1
            else:
                attendance = rng.choices(kinds, weights)[0]
            mark = None
            if (grade >= 2 and attendance in {'present', 'late'}
                    and rng.random() < .445):
                mark = _mark(rng, level[learner])
                marked += 1
            batch.append([lesson_id, learner, company_id, attendance, mark,
                    0, now])
            count += 1
            if len(batch) >= BATCH:
                cursor.execute(*entry.insert(columns, batch))
                batch = []
    if batch:
        cursor.execute(*entry.insert(columns, batch))
    return {
        'count': count,
        'present_percent': round(100 * present / count, 1) if count else 0,
        'marked_percent': round(100 * marked / count, 1) if count else 0,
        }


def _summative(company_id, period, lessons, enrolled, level, rng, past,
        quarter=True):
    """Create 2 or 3 СОр per class and subject of the quarter and the СОч
    (subjects of 2 hours a week or more); results for the works already
    written"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Work = pool.get('edu.summative.work')
    Result = pool.get('edu.summative.result')
    by_pair = defaultdict(list)
    for lesson_id, date, class_id, subject, subgroup, teacher in lessons:
        if period.start_date <= date <= period.end_date:
            by_pair[class_id, subject].append((date, teacher))
    grades = {c: rows[0][4] for c, rows in enrolled.items() if rows}
    weeks = max(1, ((min(past, period.end_date) - period.start_date).days
            + 1) / 7)
    vlist = []
    for (class_id, subject), rows in sorted(by_pair.items()):
        if grades.get(class_id, 0) < 2 or len(rows) < 4:
            continue
        teachers = Counter(t for _, t in rows if t)
        if not teachers:
            continue
        teacher = teachers.most_common(1)[0][0]
        dates = sorted({d for d, _ in rows})
        hours = len(rows) / weeks
        sections = 3 if hours >= 2 else 2
        for n in range(sections):
            date = dates[min(len(dates) - 1,
                    (n + 1) * len(dates) // (sections + 1))]
            vlist.append({'company': company_id, 'period': period.id,
                    'class_': class_id, 'subject': subject,
                    'teacher': teacher, 'kind': 'section',
                    'name': f"БЖБ {n + 1}", 'date': date,
                    'max_score': rng.choice([10, 12, 15, 20])})
        if quarter and hours >= 2:
            vlist.append({'company': company_id, 'period': period.id,
                    'class_': class_id, 'subject': subject,
                    'teacher': teacher, 'kind': 'quarter',
                    'name': "ТЖБ", 'date': dates[-1],
                    'max_score': rng.choice([20, 25, 30])})
    works = []
    for i in range(0, len(vlist), 200):
        works.extend(Work.create(vlist[i:i + 200]))
    result = Result.__table__()
    cursor = Transaction().connection.cursor()
    now = dt.datetime.now()
    columns = [result.work, result.learner, result.company, result.score,
        result.create_uid, result.create_date]
    batch, count = [], 0
    for work in works:
        if work.date > past:
            continue
        for learner, _ in _on(enrolled.get(work.class_.id, []), work.date,
                None):
            ability = level.get(learner, 7.0) / 10
            share = max(0.0, min(1.0, rng.gauss(ability, 0.15)))
            batch.append([work.id, learner, company_id,
                    round(share * work.max_score), 0, now])
            count += 1
            if len(batch) >= BATCH:
                cursor.execute(*result.insert(columns, batch))
                batch = []
    if batch:
        cursor.execute(*result.insert(columns, batch))
    return len(works), count


def _quarter_marks(period, today):
    """Compute the quarter marks; close the quarter if it has ended (the
    closing computes them)"""
    from trytond.pool import Pool
    pool = Pool()
    Period = pool.get('edu.academic.period')
    PeriodMark = pool.get('edu.period.mark')
    if period.end_date < today:
        Period.close([period])
        closed = True
    else:
        PeriodMark.compute_period([period])
        closed = False
    marks = PeriodMark.search_read([('period', '=', period.id)],
        fields_names=['mark'])
    distribution = Counter(m['mark'] for m in marks)
    return {
        'quarter_marks': len(marks),
        'quarter_marks_5_4_3_2': '/'.join(
            str(distribution.get(m, 0)) for m in (5, 4, 3, 2)),
        'quarter_closed': closed,
        }
