# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of edu_timetable: bells, conflicts of the weekly timetable checked
in one query per batch, substitutions, the lessons of a day, the teaching
load (R27.8, R27.13)."""
import datetime as dt
import itertools
import math
from decimal import Decimal

from trytond import backend
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

YEAR_START = dt.date(2025, 9, 1)
YEAR_END = dt.date(2026, 5, 25)
_serials = itertools.count(7000, 7)


def person(company, last, first, **values):
    from trytond.modules.edu_base import kz_id
    Party = Pool().get('party.party')
    party, = Party.create([{
                'is_person': True, 'last_name': last, 'first_name': first,
                'iin': kz_id.make_iin(dt.date(1984, 2, 3), 'male',
                    next(_serials)),
                'organisation': company.id, **values}])
    return party


class count_queries:
    "Count the SQL statements executed by the transaction's cursors"

    def __enter__(self):
        self.count = 0
        connection = Transaction().connection
        counter = self

        class Cursor:
            def __init__(self, cursor):
                self._cursor = cursor

            def execute(self, *args, **kwargs):
                counter.count += 1
                return self._cursor.execute(*args, **kwargs)

            def __getattr__(self, name):
                return getattr(self._cursor, name)

            def __iter__(self):
                return iter(self._cursor)

        self._connection = connection
        # the connection objects of sqlite3 and psycopg2 are C types:
        # wrap the transaction's connection instead
        Transaction().connection = _Connection(connection, Cursor)
        return self

    def __exit__(self, *exc):
        Transaction().connection = self._connection
        return False


class _Connection:
    def __init__(self, connection, cursor_class):
        self._connection = connection
        self._cursor_class = cursor_class

    def cursor(self, *args, **kwargs):
        return self._cursor_class(self._connection.cursor(*args, **kwargs))

    def __getattr__(self, name):
        return getattr(self._connection, name)


class savepoint:
    """Roll the block back when it raises: a refused operation leaves
    nothing behind in the test transaction"""
    _serial = itertools.count()

    def __enter__(self):
        self.name = f'edu_timetable_{next(self._serial)}'
        self.cursor = Transaction().connection.cursor()
        self.cursor.execute(f'SAVEPOINT {self.name}')
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.cursor.execute(f'ROLLBACK TO SAVEPOINT {self.name}')
            Transaction().cache.clear()
        self.cursor.execute(f'RELEASE SAVEPOINT {self.name}')
        return False


def build(company, classes=2):
    "Return a namespace of a small school's year, classes, bells and staff"
    pool = Pool()
    Year = pool.get('edu.academic.year')
    Class = pool.get('edu.class')
    Subject = pool.get('edu.subject')
    Schedule = pool.get('edu.bell.schedule')
    Room = pool.get('edu.room')
    Timetable = pool.get('edu.timetable')

    class NS:
        pass
    ns = NS()
    ns.year, = Year.create([{
                'company': company.id, 'name': '2025-2026',
                'start_date': YEAR_START, 'end_date': YEAR_END,
                'period_kind': 'quarter'}])
    ns.classes = Class.create([{
                'company': company.id, 'year': ns.year.id,
                'name': f'{5 + i // 3} {"АӘБ"[i % 3]}', 'grade': 5 + i // 3,
                'letter': "АӘБ"[i % 3], 'language': 'kk'}
            for i in range(classes)])
    ns.maths, ns.english = Subject.create([{
                'name': "Математика", 'code': 'UT-M', 'area': 'mathematics',
                'company': company.id}, {
                'name': "Ағылшын тілі", 'code': 'UT-E', 'area': 'language',
                'company': company.id}])
    schedule, = Schedule.create([{
                'company': company.id, 'name': "1", 'shift': 1,
                'bells': [('create', [{
                                'number': n + 1,
                                'start_time': dt.time(8 + n, 0),
                                'end_time': dt.time(8 + n, 45)}
                            for n in range(7)])]}])
    ns.bells = list(schedule.bells)
    ns.rooms = Room.create([{'company': company.id, 'name': str(100 + i)}
            for i in range(classes)])
    ns.teachers = [person(company, "Мұғалім", str(i), is_staff=True)
        for i in range(classes)]
    ns.timetable, = Timetable.create([{
                'company': company.id, 'year': ns.year.id, 'name': "Кесте",
                'start_date': YEAR_START, 'end_date': YEAR_END}])
    return ns


class EduTimetableTestCase(ModuleTestCase):
    "Test the timetable module"
    module = 'edu_timetable'

    @with_transaction()
    def test_bells(self):
        "A bell starts before it ends; bells of a schedule do not overlap"
        pool = Pool()
        Schedule = pool.get('edu.bell.schedule')
        Bell = pool.get('edu.bell')
        company = create_company()
        with set_company(company):
            schedule, = Schedule.create([{'name': "2-ауысым", 'shift': 2}])
            Bell.create([
                    {'schedule': schedule.id, 'number': 1,
                        'start_time': dt.time(13, 0),
                        'end_time': dt.time(13, 45)},
                    # back to back with the first: allowed
                    {'schedule': schedule.id, 'number': 2,
                        'start_time': dt.time(13, 45),
                        'end_time': dt.time(14, 30)}])
            with self.assertRaisesRegex(ValidationError, 'before it ends'):
                Bell.create([{'schedule': schedule.id, 'number': 3,
                            'start_time': dt.time(15, 0),
                            'end_time': dt.time(15, 0)}])
            with self.assertRaisesRegex(ValidationError,
                    r'overlaps lesson 2 \(13:45–14:30\)'):
                Bell.create([{'schedule': schedule.id, 'number': 4,
                            'start_time': dt.time(14, 0),
                            'end_time': dt.time(14, 50)}])
            # another schedule may have the same times
            other, = Schedule.create([{'name': "Бастауыш", 'shift': 1,
                        'bells': [('create', [{'number': 1,
                                        'start_time': dt.time(13, 0),
                                        'end_time': dt.time(13, 40)}])]}])
            self.assertEqual(other.bells[0].company, company)
            self.assertEqual(
                [b.id for b in Bell.search([('company', '=', company.id)])],
                [b.id for b in Bell.search([])])

    @with_transaction()
    def test_conflicts_one_query_per_batch(self):
        """A generated week of lessons is checked in one query; a conflict
        inside the batch is found and names both lessons (R27.8)"""
        pool = Pool()
        Slot = pool.get('edu.timetable.slot')
        company = create_company()
        with set_company(company):
            ns = build(company, classes=6)
            # 6 classes × 5 days × 7 lessons, teacher and room i with
            # class i: 210 lessons, no conflict
            vlist = [{
                    'timetable': ns.timetable.id, 'weekday': str(d),
                    'bell': bell.id, 'class_': class_.id,
                    'subject': ns.maths.id, 'teacher': teacher.id,
                    'room': room.id}
                for d in range(5) for bell in ns.bells
                for class_, teacher, room in zip(
                    ns.classes, ns.teachers, ns.rooms)]
            slots = Slot.create(vlist)
            self.assertEqual(len(slots), 210)
            self.assertEqual(slots[0].company, company)
            with count_queries() as counter:
                self.assertEqual(Slot.conflicts(slots), [])
            self.assertEqual(counter.count,
                math.ceil(len(slots) / backend.MAX_QUERY_PARAMS))

            # two new lessons of the same teacher at the same time, on a
            # Saturday free of other lessons: refused together
            with self.assertRaises(ValidationError) as cm:
                Slot.create([{
                            'timetable': ns.timetable.id, 'weekday': '5',
                            'bell': ns.bells[0].id,
                            'class_': ns.classes[i].id,
                            'subject': ns.english.id,
                            'teacher': ns.teachers[0].id} for i in range(2)])
            message = cm.exception.message
            self.assertIn('Мұғалім 0', message)
            self.assertIn('Saturday 1 (08:00–08:45), 5 А', message)
            self.assertIn('Saturday 1 (08:00–08:45), 5 Ә', message)

    @with_transaction()
    def test_conflict_kinds(self):
        "Teacher, room, class, subgroups, other timetable, closed dates"
        pool = Pool()
        Slot = pool.get('edu.timetable.slot')
        Timetable = pool.get('edu.timetable')
        company = create_company()
        with set_company(company):
            ns = build(company, classes=2)
            a, b = ns.classes
            bell = ns.bells[0]

            def slot(class_, teacher=None, room=None, subgroup=None,
                    timetable=None, bell=bell, weekday='0'):
                return {'timetable': (timetable or ns.timetable).id,
                    'weekday': weekday, 'bell': bell.id,
                    'class_': class_.id, 'subject': ns.english.id,
                    'teacher': teacher.id if teacher else None,
                    'room': room.id if room else None,
                    'subgroup': subgroup}
            first, = Slot.create([slot(a, ns.teachers[0], ns.rooms[0],
                        subgroup='1')])
            cases = [
                (slot(b, ns.teachers[0]), 'The teacher Мұғалім 0'),
                (slot(b, room=ns.rooms[0]), 'The room 100'),
                (slot(a), 'The class 5 А'),
                (slot(a, subgroup='1'), 'The class 5 А'),
                ]
            for values, start in cases:
                with self.subTest(values=values):
                    with self.assertRaises(ValidationError) as cm, \
                            savepoint():
                        Slot.create([values])
                    self.assertTrue(
                        cm.exception.message.startswith(start),
                        cm.exception.message)
                    self.assertIn(first.rec_name, cm.exception.message)
            # the other subgroup, another bell, another day: free
            Slot.create([slot(a, ns.teachers[1], ns.rooms[1], '2'),
                    slot(a, ns.teachers[0], bell=ns.bells[1]),
                    slot(a, ns.teachers[0], weekday='1')])
            # a timetable of other dates does not collide; moving it over
            # the first does
            later, = Timetable.create([{
                        'company': company.id, 'year': ns.year.id,
                        'name': "2", 'start_date': dt.date(2026, 1, 12),
                        'end_date': YEAR_END}])
            Timetable.write([ns.timetable], {
                    'end_date': dt.date(2025, 12, 31)})
            Slot.create([slot(b, ns.teachers[0], timetable=later)])
            with self.assertRaisesRegex(ValidationError, 'Мұғалім 0'), \
                    savepoint():
                Timetable.write([later], {'start_date': YEAR_START})
            # outside the academic year: refused
            with self.assertRaisesRegex(ValidationError, 'academic year'):
                Timetable.write([later], {
                        'end_date': dt.date(2026, 6, 30)})

    @with_transaction()
    def test_lessons_on(self):
        """The lessons of a day come from the active timetables and the
        substitutions in two queries of lessons, whatever their number"""
        pool = Pool()
        Slot = pool.get('edu.timetable.slot')
        Timetable = pool.get('edu.timetable')
        Substitution = pool.get('edu.substitution')
        company = create_company()
        with set_company(company):
            ns = build(company, classes=3)
            Slot.create([{
                        'timetable': ns.timetable.id, 'weekday': '0',
                        'bell': bell.id, 'class_': class_.id,
                        'subject': ns.maths.id, 'teacher': teacher.id,
                        'room': room.id}
                    for bell in reversed(ns.bells[:4])
                    for class_, teacher, room in zip(
                        ns.classes, ns.teachers, ns.rooms)])
            monday = dt.date(2025, 9, 8)
            # a draft timetable gives no lesson
            self.assertEqual(Substitution.lessons_on(company.id, monday), [])
            Timetable.activate([ns.timetable])
            lessons = Substitution.lessons_on(company.id, monday)
            self.assertEqual(len(lessons), 12)
            self.assertEqual([l.bell.number for l in lessons],
                [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4])
            self.assertEqual([l.class_.name for l in lessons[:3]],
                sorted(c.name for c in ns.classes))
            slot, teacher, room = lessons[0]
            self.assertEqual(slot.class_, ns.classes[0])
            self.assertEqual((teacher, room),
                (ns.teachers[0], ns.rooms[0]))
            self.assertEqual(lessons[0].start,
                dt.datetime(2025, 9, 8, 8, 0))
            self.assertIsNone(lessons[0].substitution)
            # a new teacher substitutes the teacher of 5 А at the first
            # lesson
            substitute = person(company, "Орынбасар", "Ақан", is_staff=True)
            substitution, = Substitution.create([{
                        'company': company.id, 'date': monday,
                        'slot': slot.id, 'substitute': substitute.id,
                        'reason': 'illness'}])
            lessons = Substitution.lessons_on(company.id, monday)
            self.assertEqual(lessons[0].teacher, substitute)
            self.assertEqual(lessons[0].room, ns.rooms[0])
            self.assertEqual(lessons[0].substitution, substitution)
            # the substitute cannot take 5 Ә at the same time
            with self.assertRaisesRegex(ValidationError,
                    'substitutes at the lesson'):
                Substitution.create([{
                            'company': company.id, 'date': monday,
                            'slot': lessons[1].slot.id,
                            'substitute': substitute.id,
                            'reason': 'illness'}])
            # the next Monday keeps the timetable; Sunday has no lesson
            self.assertEqual(Substitution.lessons_on(
                    company.id, monday + dt.timedelta(days=7))[0].teacher,
                ns.teachers[0])
            self.assertEqual(Substitution.lessons_on(
                    company.id, monday - dt.timedelta(days=1)), [])
            # constant number of queries: 3 classes or 6 classes
            with count_queries() as small:
                Substitution.lessons_on(company.id, monday)
            Slot.create([{
                        'timetable': ns.timetable.id, 'weekday': '0',
                        'bell': bell.id, 'class_': class_.id,
                        'subject': ns.maths.id}
                    for bell in ns.bells[4:] for class_ in ns.classes])
            Transaction().cache.clear()
            with count_queries() as large:
                self.assertEqual(
                    len(Substitution.lessons_on(company.id, monday)), 21)
            self.assertLessEqual(large.count, small.count + 2)

    @with_transaction()
    def test_configuration_per_organisation(self):
        "The threshold and the norm are kept per organisation (R27.13)"
        pool = Pool()
        Configuration = pool.get('edu.timetable.configuration')
        company_a = create_company()
        company_b = create_company(name="B")
        config = Configuration(1)
        with set_company(company_a):
            Configuration.write([config], {
                    'subgroup_threshold': 20,
                    'weekly_norm': Decimal(18)})
        self.assertEqual(Configuration.values_of(company_a.id),
            (20, Decimal(18)))
        self.assertEqual(Configuration.values_of(company_b.id),
            (24, Decimal(16)))

    @with_transaction()
    def test_compute_load(self):
        """The load follows the plan and the class sizes; vacant hours are
        counted; the per-teacher totals compare with the norm (R27.13)"""
        pool = Pool()
        Plan = pool.get('edu.study.plan')
        Enrolment = pool.get('edu.class.enrolment')
        Assignment = pool.get('edu.teaching.assignment')
        LoadTeacher = pool.get('edu.teaching.load.teacher')
        Configuration = pool.get('edu.timetable.configuration')
        company = create_company()
        with set_company(company):
            ns = build(company, classes=2)
            Configuration.write([Configuration(1)], {
                    'subgroup_threshold': 2})
            Plan.create([{
                        'company': company.id, 'year': ns.year.id,
                        'name': "5", 'grade': 5,
                        'lines': [('create', [
                                    {'subject': ns.maths.id,
                                        'hours': Decimal(5)},
                                    {'subject': ns.english.id,
                                        'hours': Decimal(3),
                                        'subgroups': True}])]}])
            learners = [person(company, "Оқушы", str(i), is_learner=True)
                for i in range(3)]
            Enrolment.create([{'class_': ns.classes[0].id, 'learner': l.id,
                        'start_date': YEAR_START} for l in learners[:2]]
                + [{'class_': ns.classes[1].id, 'learner': learners[2].id,
                        'start_date': YEAR_START}])
            figures = Assignment.compute(ns.year, dt.date(2025, 9, 2))
            self.assertEqual(figures, {'created': 5, 'updated': 0,
                    'deleted': 0, 'kept': 0})
            assignments = Assignment.search([])
            self.assertEqual(sum(a.hours for a in assignments), Decimal(19))
            maths = [a for a in assignments if a.subject == ns.maths]
            Assignment.write(maths, {'teacher': ns.teachers[0].id})
            rows = {r.teacher: r for r in LoadTeacher.search([])}
            self.assertEqual(rows[ns.teachers[0]].total, Decimal(10))
            self.assertEqual(rows[ns.teachers[0]].difference, Decimal(-6))
            self.assertEqual(rows[ns.teachers[0]].status, 'under')
            self.assertEqual(rows[None].total, Decimal(9))
            self.assertEqual(rows[None].status, 'vacant')
            # a norm for every organisation applies when the organisation
            # has none of its own
            ConfigurationCompany = pool.get(
                'edu.timetable.configuration.company')
            ConfigurationCompany.delete(ConfigurationCompany.search([]))
            ConfigurationCompany.create([{'company': None,
                        'subgroup_threshold': 2,
                        'weekly_norm': Decimal(18)}])
            rows = {r.teacher: r for r in LoadTeacher.search([])}
            self.assertEqual(rows[ns.teachers[0]].norm, Decimal(18))
            self.assertEqual(Configuration.values_of(company.id),
                (2, Decimal(18)))
            # computing again changes nothing and keeps the teachers
            self.assertEqual(Assignment.compute(ns.year, dt.date(2025, 9, 2)),
                {'created': 0, 'updated': 0, 'deleted': 0, 'kept': 2})


del ModuleTestCase
