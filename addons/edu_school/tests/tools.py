# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A small school for the tests of edu_school: an academic year 2025/2026
with its quarters, a class "7 Ә" with learners, maths and physics, a bell
schedule, a room and an active weekly timetable.  Run inside a Tryton test
transaction as the root user; it commits nothing."""
import datetime as dt
import itertools
import types

from trytond.pool import Pool

YEAR_START = dt.date(2025, 9, 1)
YEAR_END = dt.date(2026, 5, 25)
_serials = itertools.count(5000)
_issued = set()


def new_iin(birth, sex):
    "Return an IIN not issued yet in this process"
    from trytond.modules.edu_base import kz_id
    while True:
        code = kz_id.make_iin(birth, sex, next(_serials))
        if code not in _issued:
            _issued.add(code)
            return code


def person(company_id, last, first, birth, sex='female', **values):
    Party = Pool().get('party.party')
    party, = Party.create([{
                'is_person': True,
                'last_name': last,
                'first_name': first,
                'iin': new_iin(birth, sex),
                'organisation': company_id,
                **values,
                }])
    return party


def build_school(company_id, teacher_id=None, colleague_id=None,
        homeroom_id=None, learner_ids=(), learners=4, suffix=''):
    """Create the school's academic year, class, subjects, timetable and
    return them as a namespace; teacher_id teaches maths (Monday 1st and
    Wednesday 2nd lesson), colleague_id physics (Tuesday 1st lesson)"""
    pool = Pool()
    Year = pool.get('edu.academic.year')
    Subject = pool.get('edu.subject')
    Class = pool.get('edu.class')
    Enrolment = pool.get('edu.class.enrolment')
    Schedule = pool.get('edu.bell.schedule')
    Room = pool.get('edu.room')
    Timetable = pool.get('edu.timetable')
    Party = pool.get('party.party')

    ns = types.SimpleNamespace()
    year, = Year.create([{
                'company': company_id, 'name': '2025-2026',
                'start_date': YEAR_START, 'end_date': YEAR_END,
                'period_kind': 'quarter'}])
    Year.create_periods([year])
    ns.year = year
    ns.periods = list(year.periods)
    ns.q1 = ns.periods[0]

    if not teacher_id:
        teacher_id = person(company_id, "Нұрланов", "Ерлан",
            dt.date(1985, 4, 12), 'male', is_staff=True).id
    if not colleague_id:
        colleague_id = person(company_id, "Әлиев", "Тимур",
            dt.date(1990, 1, 15), 'male', is_staff=True).id
    Party.write(Party.browse([teacher_id, colleague_id]), {'is_staff': True})
    ns.teacher, ns.colleague = Party(teacher_id), Party(colleague_id)
    learner_ids = list(learner_ids)
    names = ["Асанова Айгерім", "Бекұлы Нұрсұлтан", "Ғалымова Дана",
        "Жақсылықов Ерасыл", "Ибраева Камила", "Қасымов Мирас"]
    for i in range(max(0, learners - len(learner_ids))):
        last, first = names[i % len(names)].split()
        learner_ids.append(person(company_id, last, first,
                dt.date(2012, 3, 1 + i), is_learner=True).id)
    ns.learners = Party.browse(learner_ids)

    ns.maths, ns.physics = Subject.create([{
                'name': "Математика" + suffix,
                'code': 'MATH-T' + suffix, 'area': 'mathematics',
                'company': company_id,
                }, {
                'name': "Физика" + suffix,
                'code': 'PHYS-T' + suffix, 'area': 'science',
                'company': company_id,
                }])
    ns.class_, = Class.create([{
                'company': company_id, 'year': year.id, 'name': '7 Ә',
                'grade': 7, 'letter': 'Ә', 'language': 'kk',
                'homeroom_teacher': homeroom_id,
                }])
    Enrolment.create([{
                'class_': ns.class_.id, 'learner': l,
                'start_date': YEAR_START} for l in learner_ids])
    schedule, = Schedule.create([{
                'company': company_id, 'name': "1-ауысым", 'shift': 1,
                'bells': [('create', [
                            {'number': 1, 'start_time': dt.time(8, 30),
                                'end_time': dt.time(9, 15)},
                            {'number': 2, 'start_time': dt.time(9, 25),
                                'end_time': dt.time(10, 10)},
                            ])],
                }])
    ns.bell1, ns.bell2 = schedule.bells
    ns.room, = Room.create([{
                'company': company_id, 'name': "204", 'kind': 'classroom',
                'capacity': 30}])
    ns.timetable, = Timetable.create([{
                'company': company_id, 'year': year.id,
                'name': "Негізгі кесте", 'start_date': YEAR_START,
                'end_date': YEAR_END,
                'slots': [('create', [
                            {'weekday': '0', 'bell': ns.bell1.id,
                                'class_': ns.class_.id,
                                'subject': ns.maths.id,
                                'teacher': teacher_id, 'room': ns.room.id},
                            {'weekday': '2', 'bell': ns.bell2.id,
                                'class_': ns.class_.id,
                                'subject': ns.maths.id,
                                'teacher': teacher_id, 'room': ns.room.id},
                            {'weekday': '1', 'bell': ns.bell1.id,
                                'class_': ns.class_.id,
                                'subject': ns.physics.id,
                                'teacher': colleague_id},
                            ])],
                }])
    Timetable.activate([ns.timetable])
    return ns


class QueryCounter:
    """Count the SQL statements executed while the context is open (the
    ``execute`` of the backend's cursor class: SQLite or PostgreSQL)"""

    def __init__(self):
        self.count = 0
        self._restore = None

    def __enter__(self):
        from trytond import backend
        counter = self
        if backend.name == 'sqlite':
            import sqlite3

            from trytond.backend.sqlite.database import SQLiteCursor
            cursor_class, base = SQLiteCursor, sqlite3.Cursor
        else:
            from trytond.backend.postgresql.database import LoggingCursor
            cursor_class, base = LoggingCursor, LoggingCursor
        original = cursor_class.__dict__.get('execute')
        call = original or base.execute

        def execute(self, *args, **kwargs):
            counter.count += 1
            return call(self, *args, **kwargs)

        cursor_class.execute = execute

        def restore():
            if original is None:
                del cursor_class.execute
            else:
                cursor_class.execute = original
        self._restore = restore
        return self

    def __exit__(self, *exc):
        self._restore()
        return False


class savepoint:
    """Run the block in a savepoint rolled back when it raises, so that a
    refused operation leaves nothing behind in the test transaction"""
    _serial = itertools.count()

    def __enter__(self):
        from trytond.transaction import Transaction
        self.name = f'edu_school_{next(self._serial)}'
        self.transaction = Transaction()
        self.cursor = self.transaction.connection.cursor()
        self.cursor.execute(f'SAVEPOINT {self.name}')
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.cursor.execute(f'ROLLBACK TO SAVEPOINT {self.name}')
            # the ids of the rolled back rows may be given again: forget
            # what the transaction read of them
            self.transaction.cache.clear()
            self.transaction.counter += 1
        self.cursor.execute(f'RELEASE SAVEPOINT {self.name}')
        return False
