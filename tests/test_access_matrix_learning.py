# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_learning: roles × learning models × operations
(R27.1, R27.2, R27.4, R27.6, R27.12; R5.8, R5.10, R12).

- academic years and periods, subjects and classes are read by the staff
  of the school and by learners and parents; the management and the
  methodists keep them (only the management deletes years, periods and
  classes); the national subject catalogue is kept by the platform only;
- enrolments are read by the teaching staff, written by the management,
  methodists and the clerk (through orders), deleted by the management;
  a learner reads only its own, a parent only its children's;
- orders on the contingent are kept by the management, methodists and
  the clerk; teachers read them; learners and parents do not;
- teacher records are kept by HR; the management, methodists and the
  auditor read them all, a teacher only its own;
- achievements: kept by the management and methodists, read by teachers,
  by the learner and its parents;
- study plans: kept by the management and methodists, read by teachers.
Nobody of school A reaches a record of school B.
"""
import datetime as dt
import itertools
import unittest

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from tests.access_matrix import (
    OPERATIONS, ROLES, AccessMatrix, Probe, build_two_schools, expand)

NOBODY = dict.fromkeys(ROLES, '----')
CALENDAR = {**NOBODY,
    'director': 'rcwd', 'deputy_director': 'rcwd', 'methodist': 'rcw-',
    'teacher': 'r---', 'tutor': 'r---', 'learner': 'r---', 'parent': 'r---',
    'hr_officer': 'r---', 'clerk': 'r---', 'auditor': 'r---',
    'ministry_integration': 'r---'}
SUBJECT = {**CALENDAR, 'methodist': 'rcwd'}
ENROLMENT = {**NOBODY,
    'director': 'rcwd', 'deputy_director': 'rcwd', 'methodist': 'rcw-',
    'clerk': 'rcw-', 'teacher': 'r---', 'tutor': 'r---',
    'learner': 'r---', 'parent': 'r---', 'auditor': 'r---',
    'ministry_integration': 'r---'}
MOVEMENT = {**NOBODY,
    'director': 'rcwd', 'deputy_director': 'rcwd', 'methodist': 'rcw-',
    'clerk': 'rcwd', 'teacher': 'r---', 'tutor': 'r---', 'auditor': 'r---',
    'ministry_integration': 'r---'}
# the sample is the teacher's own record: the tutor does not see it
TEACHER_RECORD = {**NOBODY,
    'director': 'r---', 'deputy_director': 'r---', 'methodist': 'r---',
    'teacher': 'r---', 'hr_officer': 'rcwd', 'auditor': 'r---'}
ACHIEVEMENT = {**NOBODY,
    'director': 'rcwd', 'deputy_director': 'rcwd', 'methodist': 'rcwd',
    'teacher': 'r---', 'tutor': 'r---', 'clerk': 'r---',
    'learner': 'r---', 'parent': 'r---', 'auditor': 'r---'}
STUDY_PLAN = {**NOBODY,
    'director': 'rcwd', 'deputy_director': 'rcwd', 'methodist': 'rcwd',
    'teacher': 'r---', 'tutor': 'r---', 'auditor': 'r---',
    'ministry_integration': 'r---'}

EXPECTED = {
    **expand('edu.academic.year', CALENDAR),
    **expand('edu.academic.period', CALENDAR),
    **expand('edu.subject', SUBJECT),
    **expand('edu.class', CALENDAR),
    **expand('edu.class.enrolment', ENROLMENT),
    **expand('edu.contingent.movement', MOVEMENT),
    **expand('edu.teacher.record', TEACHER_RECORD),
    **expand('edu.learner.achievement', ACHIEVEMENT),
    **expand('edu.study.plan', STUDY_PLAN),
    **expand('edu.study.plan.line', STUDY_PLAN),
    }
MODELS = sorted({m for _, m, _ in EXPECTED})


class Samples:
    "The learning records of schools A and B, made as the super-user"

    def __init__(self, schools):
        pool = Pool()
        self.pool = pool
        self.schools = schools
        self.counter = itertools.count(1)
        self.period_counter = itertools.count(1)
        Year = pool.get('edu.academic.year')
        Subject = pool.get('edu.subject')
        Enrolment = pool.get('edu.class.enrolment')
        Movement = pool.get('edu.contingent.movement')
        Record = pool.get('edu.teacher.record')
        Achievement = pool.get('edu.learner.achievement')
        Plan = pool.get('edu.study.plan')
        a, b = schools.school_a, schools.school_b
        self.year_a, self.year_b = Year.create([
                self.year_values(a, 2026), self.year_values(b, 2026)])
        Year.create_periods([self.year_a, self.year_b])
        # a year without periods, for the periods the probes create
        self.spare_year, = Year.create([self.year_values(a, 2040)])
        self.class_a = self.new_class(a, self.year_a, "7 Ә")
        self.class_b = self.new_class(b, self.year_b, "7 Ә")
        self.other_class_a = self.new_class(a, self.year_a, "8 А")
        persons = schools.persons
        learner, other_learner = persons['learner'], persons['other_learner']
        self.enrolment_a, self.other_enrolment_a, self.enrolment_b = (
            Enrolment.create([
                    self.enrolment_values(self.class_a, learner),
                    self.enrolment_values(
                        self.other_class_a, other_learner),
                    self.enrolment_values(
                        self.class_b, schools.persons_b['learner']),
                    ]))
        self.movement_a, self.movement_b = Movement.create([
                self.movement_values(a, learner, self.class_a),
                self.movement_values(
                    b, schools.persons_b['learner'], self.class_b),
                ])
        self.subject_a, self.subject_b = Subject.create([
                self.subject_values(a), self.subject_values(b)])
        self.national, = Subject.search([('code', '=', 'MATHEMATICS')])
        self.record_a, self.colleague_record_a, self.record_b = (
            Record.create([
                    self.record_values(a, persons['teacher']),
                    self.record_values(a, schools.sample_a['party']),
                    self.record_values(b, schools.persons_b['teacher']),
                    ]))
        self.achievement_a, self.other_achievement_a, self.achievement_b = (
            Achievement.create([
                    self.achievement_values(a, learner),
                    self.achievement_values(a, other_learner),
                    self.achievement_values(
                        b, schools.persons_b['learner']),
                    ]))
        self.plan_a, self.plan_b = Plan.create([
                self.plan_values(a, self.year_a),
                self.plan_values(b, self.year_b)])
        Line = pool.get('edu.study.plan.line')
        self.line_a, self.line_b = Line.create([
                {'plan': self.plan_a.id, 'subject': self.national.id,
                    'hours': 5},
                {'plan': self.plan_b.id, 'subject': self.national.id,
                    'hours': 5}])

    # -- values ------------------------------------------------------------
    def year_values(self, company, start):
        return {'company': company, 'name': f"{start}–{start + 1}",
            'start_date': dt.date(start, 9, 1),
            'end_date': dt.date(start + 1, 5, 25)}

    def new_class(self, company, year, name):
        Class = self.pool.get('edu.class')
        class_, = Class.create([{'company': company, 'year': year.id,
                    'name': name, 'grade': int(name.split()[0]),
                    'language': 'kk'}])
        return class_

    def enrolment_values(self, class_, learner):
        return {'class_': class_.id, 'learner': learner,
            'start_date': dt.date(2026, 9, 1)}

    def movement_values(self, company, learner, class_):
        return {'company': company, 'kind': 'enrolment',
            'number': f"ORDER-{next(self.counter)}",
            'date': dt.date(2026, 8, 28),
            'effective_date': dt.date(2026, 9, 1),
            'learner': learner, 'to_class': class_.id}

    def subject_values(self, company):
        n = next(self.counter)
        return {'company': company, 'name': f"Үйірме {n}",
            'code': f'CLUB{n}', 'area': 'other'}

    def record_values(self, company, person):
        return {'company': company, 'person': person, 'kind': 'course',
            'name': "Өрлеу курсы", 'hours': 72,
            'date': dt.date(2025, 3, 1)}

    def achievement_values(self, company, learner):
        return {'company': company, 'learner': learner, 'kind': 'olympiad',
            'name': "Математика олимпиадасы", 'level': 'district',
            'date': dt.date(2026, 11, 20)}

    def plan_values(self, company, year):
        return {'company': company, 'year': year.id,
            'name': f"План {next(self.counter)}", 'grade': 7}

    def new_learner(self):
        Company = self.pool.get('company.company')
        learner = self.schools.person(Company(self.schools.school_a),
            "Сынақова",
            "Айым", dt.date(2014, 4, 4), 'female', is_learner=True)
        return learner.id

    def period_values(self):
        n = next(self.period_counter)
        start = dt.date(2040, 9, 1) + dt.timedelta(days=n)
        return {'year': self.spare_year.id, 'number': n,
            'name': f"P{n}", 'start_date': start, 'end_date': start}

    # -- probes ------------------------------------------------------------
    def maker(self, model, values):
        def make():
            return self.pool.get(model).create([values()])[0].id
        return make

    def probes(self):
        a = self.schools.school_a
        Year = self.pool.get('edu.academic.year')
        Plan = self.pool.get('edu.study.plan')
        years = itertools.count(2050, 2)
        year_values = lambda: self.year_values(a, next(years))  # noqa: E731

        def new_plan():
            return Plan.create([self.plan_values(a, self.year_a)])[0].id

        def line_values():
            return {'plan': new_plan(), 'subject': self.national.id,
                'hours': 2}
        class_names = (f"9 {n}" for n in itertools.count(1))
        class_values = lambda: {  # noqa: E731
            'company': a, 'year': self.year_a.id, 'name': next(class_names),
            'grade': 9, 'language': 'ru'}
        enrolment_values = lambda: self.enrolment_values(  # noqa: E731
            self.other_class_a, self.new_learner())
        movement_values = lambda: self.movement_values(  # noqa: E731
            a, self.new_learner(), self.class_a)
        teacher = self.schools.persons['teacher']
        specs = {
            'edu.academic.year': (self.year_a, None, 'name', year_values),
            'edu.academic.period': (self.year_a.periods[0],
                self.year_b.periods[0], 'name', self.period_values),
            'edu.subject': (self.subject_a, self.subject_b, 'name',
                lambda: self.subject_values(a)),
            'edu.class': (self.class_a, self.class_b, 'name', class_values),
            'edu.class.enrolment': (self.enrolment_a, self.enrolment_b,
                'subgroup', enrolment_values),
            'edu.contingent.movement': (self.movement_a, self.movement_b,
                'note', movement_values),
            'edu.teacher.record': (self.record_a, self.record_b, 'name',
                lambda: self.record_values(a, teacher)),
            'edu.learner.achievement': (self.achievement_a,
                self.achievement_b, 'name',
                lambda: self.achievement_values(
                    a, self.schools.persons['learner'])),
            'edu.study.plan': (self.plan_a, self.plan_b, 'name',
                lambda: self.plan_values(a, self.year_a)),
            'edu.study.plan.line': (self.line_a, self.line_b, 'hours',
                line_values),
            }
        probes = {}
        for model, (own, other, field, values) in specs.items():
            if model == 'edu.academic.year':
                other = Year.search([('company', '=',
                            self.schools.school_b)])[0]
            probes[model] = Probe(model, own=own.id,
                other=other.id if other else None, write_field=field,
                create_values=values, make_record=self.maker(model, values))
        return probes


class LearningAccessMatrixTestCase(unittest.TestCase):
    "Access matrix of the edu_learning models"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_learning'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def test_expected_table_is_complete(self):
        "EXPECTED covers the 14 roles × 10 models × 4 operations"
        self.assertEqual(len(MODELS), 10)
        self.assertEqual(
            len(EXPECTED), len(ROLES) * len(MODELS) * len(OPERATIONS))

    @with_transaction()
    def test_access_matrix(self):
        """Each role does on the learning data what its work needs and no
        more; school A never reaches school B (R27, R5.10, R12)"""
        schools = build_two_schools()
        samples = Samples(schools)
        matrix = AccessMatrix(schools.users, samples.probes())
        matrix.check(EXPECTED, isolated_models=MODELS)

    @with_transaction()
    def test_learner_parent_teacher_see_their_own(self):
        """A learner sees only itself, a parent only its children, a
        teacher only its own teacher records"""
        pool = Pool()
        Enrolment = pool.get('edu.class.enrolment')
        schools = build_two_schools()
        samples = Samples(schools)
        matrix = AccessMatrix(schools.users, samples.probes())
        own = samples.enrolment_a.id
        other = samples.other_enrolment_a.id
        for role in ['learner', 'parent']:
            with self.subTest(role=role):
                self.assertEqual(
                    matrix.visible(role, 'edu.class.enrolment'), [own])
                self.assertEqual(matrix.visible(role, 'edu.class'),
                    [samples.class_a.id])
                self.assertEqual(
                    matrix.visible(role, 'edu.learner.achievement'),
                    [samples.achievement_a.id])
                with matrix.as_user(schools.users[role]):
                    with self.assertRaises(UserError):
                        Enrolment.read([other], ['rec_name'])
        # the staff see both learners of school A
        self.assertEqual(
            sorted(matrix.visible('teacher', 'edu.class.enrolment')),
            sorted([own, other]))
        self.assertEqual(matrix.visible('teacher', 'edu.teacher.record'),
            [samples.record_a.id])
        self.assertEqual(
            sorted(matrix.visible('methodist', 'edu.teacher.record')),
            sorted([samples.record_a.id, samples.colleague_record_a.id]))
        # learners and parents read the calendar and the catalogue
        self.assertEqual(len(matrix.visible('parent', 'edu.academic.period')),
            4)
        self.assertIn(samples.national.id,
            matrix.visible('learner', 'edu.subject'))

    @with_transaction()
    def test_national_catalogue(self):
        """A school's management changes its own subjects, never the
        national catalogue; the platform administrator does (R27.6)"""
        pool = Pool()
        Subject = pool.get('edu.subject')
        schools = build_two_schools()
        samples = Samples(schools)
        matrix = AccessMatrix(schools.users, samples.probes())
        national = samples.national
        for role in ['director', 'methodist']:
            with self.subTest(role=role):
                with matrix.as_user(schools.users[role]):
                    with self.assertRaises(UserError):
                        Subject.write([Subject(national.id)],
                            {'short_name': "Мат."})
                    with self.assertRaises(UserError):
                        Subject.create([{'name': "Жалған",
                                    'code': f'FAKE_{role}',
                                    'area': 'other', 'company': None}])
                    Subject.write([Subject(samples.subject_a.id)],
                        {'short_name': "Үйірме"})
        with matrix.as_user(1):
            Subject.write([Subject(national.id)], {'short_name': "Мат."})

    @with_transaction()
    def test_buttons(self):
        """Only the management reopens a period or a year; the clerk
        confirms orders but does not close periods (R27.12, R27.4)"""
        pool = Pool()
        Button = pool.get('ir.model.button')
        ModelData = pool.get('ir.model.data')

        def group(name):
            return ModelData.get_id('edu_base', name)

        def groups(model, name):
            button, = Button.search([('model', '=', model),
                    ('name', '=', name)])
            return {g.id for g in button.groups}
        for model in ['edu.academic.period', 'edu.academic.year']:
            reopen = groups(model, 'reopen')
            self.assertIn(group('group_edu_management'), reopen)
            self.assertNotIn(group('group_edu_methodist'), reopen)
            self.assertNotIn(group('group_edu_clerk'), reopen)
            self.assertNotIn(group('group_edu_clerk'), groups(model, 'close'))
        confirm = groups('edu.contingent.movement', 'confirm')
        self.assertIn(group('group_edu_clerk'), confirm)
        self.assertNotIn(group('group_edu_teaching'), confirm)
