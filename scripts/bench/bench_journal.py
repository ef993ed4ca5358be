#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the class journal (edu_school, R27.12).

    .venv/bin/python scripts/bench/bench_journal.py [--runs 20] \\
        [--postgresql postgresql://user:password@host:5432/] \\
        [--database NAME]

On a new throw-away database (SQLite in a temporary directory by default,
PostgreSQL with ``--postgresql`` or ``TRYTOND_DATABASE__URI``) with
edu_school activated, or on ``--database`` (nothing is committed there):

1. two schools, each with a class, its learners, maths lessons of the first
   quarter, a journal entry per learner and lesson (a formative mark on
   about 40 % of them), 3 section summative works (СОр) and the quarter
   work (СОч) with a result per learner, and the quarter marks: a small
   class of 10 learners × 20 lessons and a full one of 30 learners × 70
   lessons;
2. as the maths teacher of each class (record rules applied), the server
   time of ``JournalEntry.grid`` (the whole journal of the quarter),
   ``JournalEntry.record`` (an entry changed) and
   ``SummativeResult.record`` (a score changed): the median of --runs
   calls, and the number of SQL statements each runs, which must not grow
   with the number of learners and lessons.

Nothing here is a test: it only prints its figures.
"""
import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchlib import CONFIG, create, drop, median_ms  # noqa: E402

SIZES = [(10, 20), (30, 70)]


def school_days(start, end):
    day = start
    while day <= end:
        if day.weekday() < 5:
            yield day
        day += dt.timedelta(days=1)


def build(pool, size, index):
    "Create a school with a class of size = (learners, lessons)"
    from trytond.modules.edu_school.tests.tools import build_school, person
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    Currency = pool.get('currency.currency')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    Lesson = pool.get('edu.lesson')
    Entry = pool.get('edu.journal.entry')
    Work = pool.get('edu.summative.work')
    Result = pool.get('edu.summative.result')
    PeriodMark = pool.get('edu.period.mark')

    learners, lessons = size
    currency = Currency.search([('code', '=', 'KZT')])
    if not currency:
        currency = Currency.create([{'name': 'Tenge', 'code': 'KZT',
                    'symbol': '₸'}])
    school, = Company.create([{
                'party': Party.create([{'name': f"№ {index} мектеп"}])[0].id,
                'currency': currency[0].id}])
    pupils = [person(school.id, f"Оқушы{n:02d}", "Бенч",
            dt.date(2012, 1 + n % 12, 1 + n % 28),
            'female' if n % 2 else 'male', is_learner=True).id
        for n in range(learners)]
    ns = build_school(school.id, learner_ids=pupils, learners=learners,
        suffix=f' {index}')
    days = list(school_days(ns.q1.start_date, ns.q1.end_date))
    times = [dt.time(8, 30), dt.time(9, 25), dt.time(10, 30)]
    vlist = [{'company': school.id, 'class_': ns.class_.id,
            'subject': ns.maths.id, 'teacher': ns.teacher.id,
            'date': days[i % len(days)],
            'start_time': times[i // len(days)],
            'topic': f"Тақырып {i + 1}"} for i in range(lessons)]
    created = Lesson.create(vlist)
    random.seed(27 + index)
    entries = []
    for lesson in created:
        for pupil in pupils:
            roll = random.random()
            attendance = ('present' if roll < .93 else
                random.choice(['late', 'sick', 'absent_excused', 'absent']))
            mark = (random.choice([5, 6, 7, 7, 8, 8, 8, 9, 9, 10])
                if attendance in {'present', 'late'}
                and random.random() < .4 else None)
            entries.append({'lesson': lesson.id, 'learner': pupil,
                    'attendance': attendance, 'mark': mark})
    for i in range(0, len(entries), 1000):
        Entry.create(entries[i:i + 1000])
    works = Work.create([{
                'class_': ns.class_.id, 'subject': ns.maths.id,
                'teacher': ns.teacher.id, 'kind': kind, 'name': name,
                'date': date, 'max_score': max_score}
            for kind, name, date, max_score in [
                ('section', "СОр 1", dt.date(2025, 9, 19), 10),
                ('section', "СОр 2", dt.date(2025, 10, 3), 15),
                ('section', "СОр 3", dt.date(2025, 10, 10), 12),
                ('quarter', "СОч", dt.date(2025, 10, 20), 25)]])
    Result.create([{'work': w.id, 'learner': p,
                'score': random.randint(w.max_score // 3, w.max_score)}
            for w in works for p in pupils])
    PeriodMark.compute(ns.class_, ns.maths, ns.q1)
    user, = User.create([{
                'login': f'bench.teacher{index}', 'name': "Мұғалім",
                'person': ns.teacher.id,
                'companies': [('add', [school.id])], 'company': school.id,
                'roles': [('create', [{'role': ModelData.get_id(
                                    'edu_base', 'role_teacher')}])],
                }])
    ns.user, ns.works, ns.lessons = user, works, created
    return ns


def bench(database, runs):
    from trytond import config
    config.update_etc(CONFIG)
    if os.environ.get('TRYTOND_DATABASE__PATH'):
        config.set('database', 'path', os.environ['TRYTOND_DATABASE__PATH'])
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(database)
    pool.init()
    from trytond.modules.edu_school.tests.tools import QueryCounter
    results = []
    with Transaction().start(database, 0) as transaction, \
            transaction.set_context(_check_access=False):
        User = pool.get('res.user')
        Entry = pool.get('edu.journal.entry')
        Result = pool.get('edu.summative.result')
        for index, size in enumerate(SIZES, 1):
            started = time.perf_counter()
            ns = build(pool, size, index)
            build_s = time.perf_counter() - started
            lesson = ns.lessons[len(ns.lessons) // 2]
            learner = ns.learners[-1]
            work = ns.works[0]
            marks = iter(range(10 ** 6))
            with transaction.set_user(ns.user.id):
                context = User.get_preferences(context_only=True)
            with transaction.set_user(ns.user.id), \
                    transaction.set_context(context, _check_access=True):
                def grid():
                    return Entry.grid(ns.class_.id, ns.maths.id, ns.q1.id)

                def record():
                    return Entry.record(lesson.id, learner.id,
                        attendance='present', mark=6 + next(marks) % 4)

                def score():
                    return Result.record(work.id, learner.id,
                        5 + next(marks) % 5)
                figures = {}
                for name, func in [('grid', grid), ('record', record),
                        ('result', score)]:
                    func()  # warm the caches of the transaction
                    with QueryCounter() as counter:
                        value = func()
                    figures[name] = (median_ms(func, runs), counter.count)
                    if name == 'grid':
                        cells = len(value['cells'])
            results.append((size, build_s, cells, figures))
        transaction.rollback()
    backend.Database(database).close()
    print(f"backend {backend.name}; median of {runs} runs, as the class's "
        "teacher (record rules applied)")
    print(f"  {'learners × lessons':20} {'cells':>6}  "
        f"{'grid()':>18}  {'record()':>18}  {'result record()':>18}")
    for (learners, lessons), build_s, cells, figures in results:
        row = '  '.join(f"{ms:7.1f} ms {n:3} SQL"
            for ms, n in (figures['grid'], figures['record'],
                figures['result']))
        print(f"  {f'{learners} × {lessons}':20} {cells:6}  {row}"
            f"   (built in {build_s:.1f} s)")
    counts = {name: {r[3][name][1] for r in results}
        for name in ('grid', 'record', 'result')}
    print("  SQL statements constant: " + ', '.join(
            f"{name} {'yes' if len(c) == 1 else 'NO'}"
            for name, c in counts.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=20)
    parser.add_argument('--postgresql', metavar='URI',
        help="run on PostgreSQL at URI (postgresql://user:pw@host:port/)")
    parser.add_argument('--database',
        help="an existing database with edu_school (rolled back)")
    args = parser.parse_args()
    if args.postgresql:
        os.environ['TRYTOND_DATABASE__URI'] = args.postgresql
    if args.database:
        bench(args.database, args.runs)
        return
    with tempfile.TemporaryDirectory() as directory:
        os.environ.setdefault('TRYTOND_DATABASE__PATH', directory)
        database = f'bench_journal_{os.getpid()}'
        create(database, 'edu_school')
        try:
            bench(database, args.runs)
        finally:
            drop(database)


if __name__ == '__main__':
    sys.exit(main())
