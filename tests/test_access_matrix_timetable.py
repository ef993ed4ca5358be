# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_timetable (R27.8, R27.13, R27.18, R12).

- the management (director, deputy) and the methodist keep the rooms,
  bells, timetables, substitutions and teaching assignments; teaching staff
  read the organisation's timetable;
- a learner reads the lessons (and substitutions) of the own class, a
  parent those of the children's classes, never another class's;
- a teacher reads the own teaching assignments and load; the management,
  the methodist, HR and the accounting office (tarification) read every
  teacher's load; only the management changes the configuration;
- the rest of the back office sees nothing of the timetable, and no role of
  school A reaches school B.
"""
import datetime as dt
import itertools
import unittest
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from tests.access_matrix import (
    ROLES, AccessMatrix, Probe, build_two_schools, expand)

NOBODY = {role: '----' for role in ROLES}
KEEPERS = {'director': 'rcwd', 'deputy_director': 'rcwd',
    'methodist': 'rcwd'}
TIMETABLE_READERS = {'teacher': 'r---', 'tutor': 'r---',
    'learner': 'r---', 'parent': 'r---'}
TIMETABLE_MODELS = ('edu.room', 'edu.bell.schedule', 'edu.bell',
    'edu.timetable', 'edu.timetable.slot', 'edu.substitution')
LOAD_READERS = {'director': 'r---', 'deputy_director': 'r---',
    'methodist': 'r---', 'teacher': 'r---', 'accountant': 'r---',
    'chief_accountant': 'r---', 'hr_officer': 'r---'}

EXPECTED = {}
for _model in TIMETABLE_MODELS:
    EXPECTED.update(expand(_model, {
                **NOBODY, **KEEPERS, **TIMETABLE_READERS}))
# the teacher reads the own assignments; the tutor teaches nothing here
EXPECTED.update(expand('edu.teaching.assignment', {
            **NOBODY, **KEEPERS, 'teacher': 'r---'}))
for _model in ('edu.teaching.load', 'edu.teaching.load.teacher'):
    EXPECTED.update(expand(_model, {**NOBODY, **LOAD_READERS}))
EXPECTED.update(expand('edu.timetable.configuration', {
            **NOBODY, 'director': 'r-w-', 'deputy_director': 'r-w-',
            'methodist': 'r---'}))
EXPECTED.update(expand('edu.timetable.configuration.company', {
            **NOBODY, 'director': 'rcw-', 'deputy_director': 'rcw-',
            'methodist': 'r---'}))

ISOLATED_MODELS = [*TIMETABLE_MODELS, 'edu.teaching.assignment',
    'edu.timetable.configuration.company']
# computed by SQL, never written: their isolation is that no role finds a
# figure of school B
REPORTS = ['edu.teaching.load', 'edu.teaching.load.teacher']

YEAR_START = dt.date(2025, 9, 1)
YEAR_END = dt.date(2026, 5, 25)
TERM_END = dt.date(2025, 12, 26)


def build_timetables(schools):
    """Give each school a year, two classes (the learner of school A in the
    first), maths, bells, a room, an active timetable of the first term
    (maths in the first class every weekday by the teacher), a
    substitution, a teaching assignment and its configuration"""
    pool = Pool()
    Party = pool.get('party.party')
    Year = pool.get('edu.academic.year')
    Class = pool.get('edu.class')
    Enrolment = pool.get('edu.class.enrolment')
    Subject = pool.get('edu.subject')
    Schedule = pool.get('edu.bell.schedule')
    Room = pool.get('edu.room')
    Timetable = pool.get('edu.timetable')
    Substitution = pool.get('edu.substitution')
    Assignment = pool.get('edu.teaching.assignment')
    Configuration = pool.get('edu.timetable.configuration')
    ConfigurationCompany = pool.get('edu.timetable.configuration.company')
    Rule = pool.get('ir.rule')
    ns = schools
    Party.write(Party.browse([ns.persons['teacher'], ns.persons['tutor'],
                ns.persons['methodist'], ns.sample_a['party'],
                ns.persons_b['teacher'], ns.persons_b['hr_officer']]),
        {'is_staff': True})
    ns.configuration = Configuration.get_singleton() or (
        Configuration.create([{}])[0])

    def school(company, teacher, substitute, learner, suffix):
        s = {}
        s['year'], = Year.create([{
                    'company': company, 'name': '2025-2026',
                    'start_date': YEAR_START, 'end_date': YEAR_END,
                    'period_kind': 'quarter'}])
        s['class'], s['other_class'] = Class.create([{
                    'company': company, 'year': s['year'].id,
                    'name': '7 Ә', 'grade': 7, 'letter': 'Ә',
                    'language': 'kk'}, {
                    'company': company, 'year': s['year'].id,
                    'name': '8 Б', 'grade': 8, 'letter': 'Б',
                    'language': 'kk'}])
        Enrolment.create([{'class_': s['class'].id, 'learner': learner,
                    'start_date': YEAR_START}])
        s['maths'], = Subject.create([{
                    'name': "Математика" + suffix, 'code': 'TT-M' + suffix,
                    'area': 'mathematics', 'company': company}])
        s['schedule'], = Schedule.create([{
                    'company': company, 'name': "1-ауысым", 'shift': 1,
                    'bells': [('create', [
                                {'number': 1, 'start_time': dt.time(8, 0),
                                    'end_time': dt.time(8, 45)},
                                {'number': 2, 'start_time': dt.time(8, 50),
                                    'end_time': dt.time(9, 35)},
                                ])]}])
        s['bell'] = s['schedule'].bells[0]
        s['bell2'] = s['schedule'].bells[1]
        s['room'], = Room.create([{'company': company, 'name': "204",
                    'capacity': 30}])
        s['timetable'], = Timetable.create([{
                    'company': company, 'year': s['year'].id,
                    'name': "1-тоқсан", 'start_date': YEAR_START,
                    'end_date': TERM_END,
                    'slots': [('create', [{
                                    'weekday': str(d), 'bell': s['bell'].id,
                                    'class_': s['class'].id,
                                    'subject': s['maths'].id,
                                    'teacher': teacher,
                                    'room': s['room'].id,
                                    } for d in range(5)] + [{
                                    'weekday': '0', 'bell': s['bell'].id,
                                    'class_': s['other_class'].id,
                                    'subject': s['maths'].id,
                                    }])]}])
        Timetable.activate([s['timetable']])
        slots = s['timetable'].slots
        s['slots'] = sorted([t for t in slots if t.class_ == s['class']],
            key=lambda t: t.weekday)
        s['other_slot'], = [t for t in slots if t.class_ != s['class']]
        s['substitution'], = Substitution.create([{
                    'company': company, 'date': dt.date(2025, 9, 1),
                    'slot': s['slots'][0].id, 'substitute': substitute,
                    'reason': 'illness'}])
        s['assignment'], = Assignment.create([{
                    'company': company, 'year': s['year'].id,
                    'class_': s['class'].id, 'subject': s['maths'].id,
                    'teacher': teacher, 'hours': Decimal(5)}])
        s['configuration'], = ConfigurationCompany.create([{
                    'company': company, 'subgroup_threshold': 24,
                    'weekly_norm': Decimal(16)}])
        return s

    ns.tt_a = school(ns.school_a, ns.persons['teacher'],
        ns.sample_a['party'], ns.persons['learner'], '')
    ns.tt_b = school(ns.school_b, ns.persons_b['teacher'],
        ns.persons_b['hr_officer'], ns.persons_b['learner'], ' B')
    Rule.clear_edu_values()
    return ns


def timetable_probes(ns):
    pool = Pool()
    Room = pool.get('edu.room')
    Schedule = pool.get('edu.bell.schedule')
    Bell = pool.get('edu.bell')
    Timetable = pool.get('edu.timetable')
    Slot = pool.get('edu.timetable.slot')
    Substitution = pool.get('edu.substitution')
    Subject = pool.get('edu.subject')
    Assignment = pool.get('edu.teaching.assignment')
    ConfigurationCompany = pool.get('edu.timetable.configuration.company')
    a, b = ns.tt_a, ns.tt_b
    serial = itertools.count(1)

    def make(Model, values):
        return lambda: Model.create([values()])[0].id

    def room_values():
        return {'company': ns.school_a, 'name': f"P{next(serial)}"}

    def schedule_values():
        return {'company': ns.school_a, 'name': f"P{next(serial)}",
            'shift': 2}

    def bell_values():
        # one-minute bells in the afternoon: no overlap
        n = next(serial)
        start = 12 * 60 + 2 * n
        return {'schedule': a['schedule'].id, 'number': 10 + n,
            'start_time': dt.time(start // 60, start % 60),
            'end_time': dt.time((start + 1) // 60, (start + 1) % 60)}

    # one-day timetables after the first term: no lesson collides
    days = (dt.date(2026, 1, 5) + dt.timedelta(days=i)
        for i in itertools.count())

    def timetable_values():
        day = next(days)
        return {'company': ns.school_a, 'year': a['year'].id,
            'name': f"P{next(serial)}", 'start_date': day, 'end_date': day}

    def slot_values():
        timetable = Timetable.create([timetable_values()])[0]
        return {'timetable': timetable.id, 'weekday': '0',
            'bell': a['bell'].id, 'class_': a['class'].id,
            'subject': a['maths'].id}

    # each substitution on another school day of the first term
    school_days = (d for d in (YEAR_START + dt.timedelta(days=i)
            for i in itertools.count(1)) if d.weekday() < 5)

    def substitution_values():
        day = next(school_days)
        return {'company': ns.school_a, 'date': day,
            'slot': a['slots'][day.weekday()].id,
            'substitute': ns.sample_a['party'], 'reason': 'illness'}

    def assignment_values():
        subject, = Subject.create([{'name': "Пән", 'area': 'other',
                    'code': f'TT-P{next(serial)}', 'company': ns.school_a}])
        return {'company': ns.school_a, 'year': a['year'].id,
            'class_': a['class'].id, 'subject': subject.id,
            'hours': Decimal(1)}

    def configuration_values():
        return {'company': ns.school_a, 'subgroup_threshold': 24,
            'weekly_norm': Decimal(16)}

    return {
        'edu.room': Probe('edu.room', own=a['room'].id, other=b['room'].id,
            write_field='name', create_values=room_values,
            make_record=make(Room, room_values)),
        'edu.bell.schedule': Probe('edu.bell.schedule',
            own=a['schedule'].id, other=b['schedule'].id,
            write_field='name', create_values=schedule_values,
            make_record=make(Schedule, schedule_values)),
        'edu.bell': Probe('edu.bell', own=a['bell'].id, other=b['bell'].id,
            write_field='end_time', create_values=bell_values,
            make_record=make(Bell, bell_values)),
        'edu.timetable': Probe('edu.timetable',
            own=a['timetable'].id, other=b['timetable'].id,
            write_field='name', create_values=timetable_values,
            make_record=make(Timetable, timetable_values)),
        'edu.timetable.slot': Probe('edu.timetable.slot',
            own=a['slots'][1].id, other=b['slots'][1].id,
            write_field='room', create_values=slot_values,
            make_record=make(Slot, slot_values)),
        'edu.substitution': Probe('edu.substitution',
            own=a['substitution'].id, other=b['substitution'].id,
            write_field='reason', create_values=substitution_values,
            make_record=make(Substitution, substitution_values)),
        'edu.teaching.assignment': Probe('edu.teaching.assignment',
            own=a['assignment'].id, other=b['assignment'].id,
            write_field='hours', create_values=assignment_values,
            make_record=make(Assignment, assignment_values)),
        'edu.teaching.load': Probe('edu.teaching.load',
            own=a['assignment'].id, other=b['assignment'].id,
            write_field='hours'),
        'edu.teaching.load.teacher': Probe('edu.teaching.load.teacher',
            own=a['assignment'].id, other=b['assignment'].id,
            write_field='total'),
        'edu.timetable.configuration': Probe('edu.timetable.configuration',
            own=ns.configuration.id, write_field='subgroup_threshold'),
        'edu.timetable.configuration.company': Probe(
            'edu.timetable.configuration.company',
            own=a['configuration'].id, other=b['configuration'].id,
            write_field='weekly_norm', create_values=configuration_values,
            make_record=make(ConfigurationCompany, configuration_values)),
        }


class AccessMatrixTimetableTestCase(unittest.TestCase):
    "Access matrix of the timetable and the teaching load"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_timetable'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_access_matrix(self):
        "Each role does what the matrix says, nothing of school B (R27.18)"
        schools = build_timetables(build_two_schools())
        matrix = AccessMatrix(schools.users, timetable_probes(schools))
        matrix.check(EXPECTED, isolated_models=ISOLATED_MODELS,
            foreign_domains={
                model: [('company', '=', schools.school_b)]
                for model in ISOLATED_MODELS + REPORTS})

    @with_transaction()
    def test_own_class_only(self):
        """A learner and a parent read the lessons and substitutions of the
        own (children's) class only; staff read every class (R27.8)"""
        pool = Pool()
        Substitution = pool.get('edu.substitution')
        schools = build_timetables(build_two_schools())
        a = schools.tt_a
        matrix = AccessMatrix(schools.users, {})
        own = {s.id for s in a['slots']}
        every = own | {a['other_slot'].id}
        for role in ['learner', 'parent']:
            self.assertEqual(
                set(matrix.visible(role, 'edu.timetable.slot')), own, role)
        for role in ['teacher', 'tutor', 'methodist', 'director']:
            self.assertEqual(
                set(matrix.visible(role, 'edu.timetable.slot')), every, role)
        # a substitution in another class is hidden from the learner
        other, = Substitution.create([{
                    'company': schools.school_a,
                    'date': dt.date(2025, 9, 8), 'slot': a['other_slot'].id,
                    'substitute': schools.persons['tutor'],
                    'reason': 'training'}])
        self.assertEqual(matrix.visible('learner', 'edu.substitution'),
            [a['substitution'].id])
        self.assertIn(other.id, matrix.visible('tutor', 'edu.substitution'))
        # the learner's day: the own class's lesson, substituted
        with matrix.as_user(schools.users['learner']):
            lessons = Substitution.lessons_on(
                schools.school_a, dt.date(2025, 9, 1))
            self.assertEqual([l.slot.id for l in lessons],
                [a['slots'][0].id])
            self.assertEqual(lessons[0].teacher.id,
                schools.sample_a['party'])

    @with_transaction()
    def test_own_load_only(self):
        "A teacher reads the own assignments and load, not a colleague's"
        pool = Pool()
        Assignment = pool.get('edu.teaching.assignment')
        schools = build_timetables(build_two_schools())
        a = schools.tt_a
        colleague, = Assignment.create([{
                    'company': schools.school_a, 'year': a['year'].id,
                    'class_': a['other_class'].id, 'subject': a['maths'].id,
                    'teacher': schools.sample_a['party'],
                    'hours': Decimal(4)}])
        matrix = AccessMatrix(schools.users, {})
        self.assertEqual(
            matrix.visible('teacher', 'edu.teaching.assignment'),
            [a['assignment'].id])
        loads = matrix.visible('teacher', 'edu.teaching.load.teacher')
        self.assertEqual(loads, [a['assignment'].id])
        self.assertEqual(
            len(matrix.visible('accountant', 'edu.teaching.load.teacher')),
            2)
        self.assertIn(colleague.id,
            matrix.visible('methodist', 'edu.teaching.assignment'))

    @with_transaction()
    def test_compute_load_rights(self):
        """The methodist computes the teaching load of the school (the
        wizard's work); a teacher cannot (R27.13)"""
        pool = Pool()
        Assignment = pool.get('edu.teaching.assignment')
        Plan = pool.get('edu.study.plan')
        Year = pool.get('edu.academic.year')
        schools = build_timetables(build_two_schools())
        a = schools.tt_a
        Plan.create([{'company': schools.school_a, 'year': a['year'].id,
                    'name': "7", 'grade': 7,
                    'lines': [('create', [{'subject': a['maths'].id,
                                    'hours': Decimal(5)}])]}])
        matrix = AccessMatrix(schools.users, {})
        with matrix.as_user(schools.users['methodist']):
            figures = Assignment.compute(Year(a['year'].id))
        # the hand-made assignment of 7 Ә maths is the plan's now
        self.assertEqual(figures, {'created': 0, 'updated': 1,
                'deleted': 0, 'kept': 1})
        self.assertEqual(a['assignment'].teacher.id,
            schools.persons['teacher'])
        with matrix.as_user(schools.users['teacher']):
            with self.assertRaises(UserError):
                Assignment.compute(Year(a['year'].id))
