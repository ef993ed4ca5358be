#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the timetable (edu_timetable, R27.8).

    .venv/bin/python scripts/bench/bench_timetable.py [--runs 10] \\
        [--classes 36] [--database NAME]

On a new throw-away database (SQLite in a temporary directory, or the
backend of ``TRYTOND_DATABASE__URI``, e.g. PostgreSQL) with edu_timetable
activated, or on ``--database`` if given (nothing is committed there): a
school of ``--classes`` classes, as many teachers and rooms, 7 bells; then

1. a whole week (Monday to Saturday, 7 lessons a day for every class,
   classes × 42 lessons) created in one call, the conflict check included;
2. the conflict check of the whole week alone (``Slot.conflicts``): its
   time, median of --runs, and its number of SQL queries (one per chunk of
   ``MAX_QUERY_PARAMS`` lessons);
3. the change of one lesson's room (one write, checked);
4. ``Substitution.lessons_on`` of a school day (the portal's "today").

Nothing here is a test: it only prints its figures.
"""
import argparse
import datetime as dt
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchlib import CONFIG, create, drop, median_ms  # noqa: E402


def bench(database, runs, classes):
    from trytond import config
    config.update_etc(CONFIG)
    if os.environ.get('TRYTOND_DATABASE__PATH'):
        config.set('database', 'path', os.environ['TRYTOND_DATABASE__PATH'])
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(database)
    pool.init()
    from trytond import backend
    from trytond.modules.company.tests import create_company
    from trytond.modules.edu_base import kz_id
    with Transaction().start(database, 0) as transaction:
        Party = pool.get('party.party')
        Year = pool.get('edu.academic.year')
        Class = pool.get('edu.class')
        Subject = pool.get('edu.subject')
        Schedule = pool.get('edu.bell.schedule')
        Room = pool.get('edu.room')
        Timetable = pool.get('edu.timetable')
        Slot = pool.get('edu.timetable.slot')
        Substitution = pool.get('edu.substitution')
        company = create_company()
        start = dt.date(2025, 9, 1)
        year, = Year.create([{'company': company.id, 'name': '2025-2026',
                    'start_date': start, 'end_date': dt.date(2026, 5, 25),
                    'period_kind': 'quarter'}])
        records = Class.create([{'company': company.id, 'year': year.id,
                    'name': f'{5 + i // 4} {"АӘБВ"[i % 4]}{i}',
                    'grade': 5 + i // 4 % 7, 'letter': "АӘБВ"[i % 4],
                    'language': 'kk'} for i in range(classes)])
        subject, = Subject.create([{'name': "Пән", 'code': 'BENCH',
                    'area': 'other', 'company': company.id}])
        teachers = Party.create([{'is_person': True, 'is_staff': True,
                    'last_name': "Мұғалім", 'first_name': str(i),
                    'iin': kz_id.make_iin(dt.date(1980, 1, 1), 'male',
                        10 * i + 10),
                    'organisation': company.id} for i in range(classes)])
        schedule, = Schedule.create([{'company': company.id, 'name': "1",
                    'bells': [('create', [{'number': n + 1,
                                    'start_time': dt.time(8 + n, 0),
                                    'end_time': dt.time(8 + n, 45)}
                                for n in range(7)])]}])
        bells = list(schedule.bells)
        rooms = Room.create([{'company': company.id, 'name': str(100 + i)}
                for i in range(classes)])
        timetable, = Timetable.create([{'company': company.id,
                    'year': year.id, 'name': "Кесте", 'start_date': start,
                    'end_date': dt.date(2025, 12, 28)}])
        # teacher (class + lesson) mod n: never twice at the same time
        vlist = [{'timetable': timetable.id, 'weekday': str(day),
                'bell': bell.id, 'class_': class_.id,
                'subject': subject.id,
                'teacher': teachers[(c + b) % classes].id,
                'room': rooms[c].id}
            for day in range(6) for b, bell in enumerate(bells)
            for c, class_ in enumerate(records)]
        started = time.perf_counter()
        slots = Slot.create(vlist)
        create_s = time.perf_counter() - started


        def conflicts():
            assert not Slot.conflicts(slots)
        conflicts_ms = median_ms(conflicts, runs)
        chunks = -(-len(slots) // backend.MAX_QUERY_PARAMS)

        def write_one():
            Slot.write([slots[0]], {'room': rooms[0].id})
        write_ms = median_ms(write_one, runs)
        Timetable.activate([timetable])

        def day():
            assert len(Substitution.lessons_on(
                    company.id, dt.date(2025, 9, 8))) == classes * 7
        day_ms = median_ms(day, runs)
        transaction.rollback()
    backend.Database(database).close()
    print(f"backend {backend.name}, {classes} classes, {len(slots)} "
        f"lessons a week")
    print(f"  create the week with its conflict check: {create_s:8.2f} s")
    print(f"  conflict check of the week alone: {conflicts_ms:11.1f} ms "
        f"({chunks} quer{'y' if chunks == 1 else 'ies'})")
    print(f"  change of one lesson, checked: {write_ms:14.1f} ms")
    print(f"  lessons of a day ({classes * 7}), lessons_on: "
        f"{day_ms:7.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=10)
    parser.add_argument('--classes', type=int, default=36)
    parser.add_argument('--database',
        help="an existing database with edu_timetable (rolled back)")
    args = parser.parse_args()
    if args.database:
        bench(args.database, args.runs, args.classes)
        return
    with tempfile.TemporaryDirectory() as directory:
        os.environ.setdefault('TRYTOND_DATABASE__PATH', directory)
        database = f'bench_timetable_{os.getpid()}'
        create(database, 'edu_timetable')
        try:
            bench(database, args.runs, args.classes)
        finally:
            drop(database)


if __name__ == '__main__':
    sys.exit(main())
