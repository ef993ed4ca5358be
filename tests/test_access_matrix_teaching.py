# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_teaching (R27.9, R27.10, R27.11, R27.18, R12).

- lesson plans: a teacher writes the own plans and reads the shared ones;
  the methodist and the management read every plan; nobody else;
- homework and its files: the teacher of the lesson sets them; the
  homeroom teacher, the methodist and the management read them; the
  learners of the class and their parents read them;
- submissions: a learner creates and changes the own work until it is
  graded and never reads another's; the teacher of the lesson returns and
  grades it, a teacher of another class cannot; a parent reads the
  children's work;
- the teaching configuration is the management's and the system
  administrator's; the period archives are read by the management;
- no role of school A reaches a record of school B.
"""
import datetime as dt
import itertools
import unittest

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from tests.access_matrix import (
    ROLES, AccessMatrix, Probe, build_two_schools, expand)

MODELS = ('edu.lesson.plan', 'edu.lesson.material', 'edu.homework',
    'edu.homework.submission', 'edu.teaching.configuration',
    'edu.period.archive')
NOBODY = {role: '----' for role in ROLES}
MANAGEMENT = {'director': 'r---', 'deputy_director': 'r---'}
EXPECTED = {
    # the teacher's own plan, not shared: the tutor does not read it
    **expand('edu.lesson.plan', {**NOBODY, **MANAGEMENT,
            'methodist': 'r---', 'teacher': 'rwcd'}),
    # a file of the teacher's homework for the class of the tutor, the
    # learner and the parent's child
    **expand('edu.lesson.material', {**NOBODY, **MANAGEMENT,
            'methodist': 'r---', 'teacher': 'rwcd', 'tutor': 'r---',
            'learner': 'r---', 'parent': 'r---'}),
    **expand('edu.homework', {**NOBODY, **MANAGEMENT,
            'methodist': 'r---', 'teacher': 'rwcd', 'tutor': 'r---',
            'learner': 'r---', 'parent': 'r---'}),
    # the learner's answer: written by the learner only (the teacher
    # writes the mark and the comment, see below)
    **expand('edu.homework.submission', {**NOBODY, **MANAGEMENT,
            'methodist': 'r---', 'teacher': 'r---', 'tutor': 'r---',
            'learner': 'rwc-', 'parent': 'r---'}),
    **expand('edu.teaching.configuration', {**NOBODY,
            'director': 'rwc-', 'deputy_director': 'rwc-',
            'sysadmin': 'rwc-'}),
    **expand('edu.period.archive', {**NOBODY, **MANAGEMENT}),
    }


def teaching_probes(schools, data):
    "Return the probes of the models of edu_teaching"
    pool = Pool()
    Plan = pool.get('edu.lesson.plan')
    Material = pool.get('edu.lesson.material')
    Homework = pool.get('edu.homework')
    Configuration = pool.get('edu.teaching.configuration')
    Archive = pool.get('edu.period.archive')
    serial = itertools.count(1)
    due = data.today + dt.timedelta(days=3)

    def plan_values():
        return {'company': schools.school_a,
            'teacher': schools.persons['teacher'], 'subject': data.subject,
            'grade': 7, 'title': f"Сынақ жоспары {next(serial)}"}

    def material_values():
        return {'homework': data.homework_a, 'name': "Сілтеме",
            'kind': 'link', 'url': 'https://bilimland.kz/'}

    def homework_values():
        return {'lesson': data.lesson_a, 'description': "Сынақ",
            'due_date': due}

    def submission_values():
        # a new homework of the learner's class, submitted to for the
        # first time
        homework, = Homework.create([homework_values()])
        return {'homework': homework.id,
            'learner': schools.persons['learner'], 'text': "Жауап"}

    configuration_a, configuration_b = Configuration.create([
            {'company': schools.school_a, 'provider': 'jitsi',
                'base_url': 'https://meet.jit.si'},
            {'company': schools.school_b, 'provider': 'jitsi',
                'base_url': 'https://meet.jit.si'}])
    archive_a, archive_b = Archive.create([{
                'company': schools.school_a, 'period': data.period_a,
                'class_': data.class_a, 'messages': 0,
                }, {
                'company': schools.school_b,
                'period': Pool().get('edu.academic.year')(
                    data.year_b).periods[0].id,
                'class_': data.class_b, 'messages': 0,
                }])
    plan_b_material, = Material.create([{
                'plan': data.plan_b, 'name': "B", 'kind': 'text',
                'text': "B"}])
    return {
        'edu.lesson.plan': Probe('edu.lesson.plan',
            own=data.plan_a, other=data.plan_b, write_field='title',
            create_values=plan_values,
            make_record=lambda: Plan.create([plan_values()])[0].id),
        'edu.lesson.material': Probe('edu.lesson.material',
            own=data.homework_material_a, other=plan_b_material.id,
            write_field='name', create_values=material_values,
            make_record=lambda: Material.create(
                [material_values()])[0].id),
        'edu.homework': Probe('edu.homework',
            own=data.homework_a, other=data.homework_b,
            write_field='description', create_values=homework_values,
            make_record=lambda: Homework.create(
                [homework_values()])[0].id),
        'edu.homework.submission': Probe('edu.homework.submission',
            own=data.submission_a, other=data.submission_b,
            write_field='text', create_values=submission_values),
        'edu.teaching.configuration': Probe('edu.teaching.configuration',
            own=configuration_a.id, other=configuration_b.id,
            write_field='provider'),
        'edu.period.archive': Probe('edu.period.archive',
            own=archive_a.id, other=archive_b.id, write_field='messages'),
        }


class AccessMatrixTeachingTestCase(unittest.TestCase):
    "Access matrix of lesson plans, homework and distance learning"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_teaching'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def setup(self):
        from trytond.modules.edu_teaching.tests.tools import (
            build_homework, build_teaching)
        schools = build_two_schools()
        data = build_teaching(schools)
        build_homework(schools, data)
        matrix = AccessMatrix(schools.users, teaching_probes(schools, data))
        return schools, data, matrix

    @with_transaction()
    def test_access_matrix(self):
        "Every role of school A on every model; school B out of reach"
        schools, data, matrix = self.setup()
        matrix.check(EXPECTED, isolated_models=MODELS)

    def attempt(self, matrix, role_or_user, func):
        "Return True if func() succeeds as the user, else the refusal"
        user = matrix.users.get(role_or_user, role_or_user)
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        cursor.execute('SAVEPOINT attempt')
        try:
            with matrix.as_user(user):
                func()
            return True
        except UserError as exception:
            return exception
        finally:
            cursor.execute('ROLLBACK TO SAVEPOINT attempt')
            transaction.cache.clear()

    @with_transaction()
    def test_grading_negatives(self):
        """The learner cannot grade nor read another learner's work; a
        teacher cannot grade the homework of a class they do not teach;
        the teacher of the lesson can (R27.11)"""
        pool = Pool()
        Submission = pool.get('edu.homework.submission')
        schools, data, matrix = self.setup()
        own = Submission(data.submission_a)
        other_class = Submission(data.submission_a2)

        def grade(submission, mark):
            def func():
                Submission.write([Submission(submission.id)], {'mark': mark})
                Submission.grade([Submission(submission.id)])
            return func

        # the learner: no mark, no grading, no other learner's work
        self.assertIsNot(self.attempt(matrix, 'learner',
                grade(own, 10)), True)
        self.assertIsNot(self.attempt(matrix, 'learner',
                lambda: Submission.grade([own])), True)
        self.assertIsNot(self.attempt(matrix, 'learner',
                lambda: Submission.return_([own])), True)
        self.assertEqual(
            matrix.visible('learner', 'edu.homework.submission'),
            [data.submission_a])
        self.assertIsNot(self.attempt(matrix, 'learner',
                lambda: Submission.read([data.submission_other], ['text'])),
            True)
        # the parent reads the child's work only
        self.assertEqual(
            matrix.visible('parent', 'edu.homework.submission'),
            [data.submission_a])
        # the teacher of 7 А does not teach 8 Б
        self.assertIsNot(self.attempt(matrix, 'teacher',
                grade(other_class, 6)), True)
        self.assertIsNot(self.attempt(matrix, 'teacher',
                lambda: Submission.return_([other_class])), True)
        # the homeroom teacher and the methodist read but do not grade
        for role in ('tutor', 'methodist', 'director'):
            self.assertIsNot(self.attempt(matrix, role, grade(own, 7)), True,
                role)
        # the teacher of the lesson returns and grades
        self.assertIs(self.attempt(matrix, 'teacher', grade(own, 8)), True)
        self.assertIs(self.attempt(matrix, 'teacher',
                lambda: Submission.return_([own])), True)
        # the colleague grades the work of 8 Б
        self.assertIs(self.attempt(matrix, schools.sample_a['user'],
                grade(other_class, 6)), True)

    @with_transaction()
    def test_graded_work_is_closed(self):
        "A graded work is no longer changed by its learner (R27.11)"
        pool = Pool()
        Submission = pool.get('edu.homework.submission')
        schools, data, matrix = self.setup()
        own = Submission(data.submission_a)
        with matrix.as_user(schools.users['teacher']):
            Submission.write([own], {'mark': 9})
            Submission.grade([own])
        refusal = self.attempt(matrix, 'learner',
            lambda: Submission.write([own], {'text': "басқа жауап"}))
        self.assertIsNot(refusal, True)
        self.assertEqual(Submission(own.id).mark, 9)

    @with_transaction()
    def test_plans_shared_and_methodist(self):
        """A shared plan is read by the teachers of the organisation, an
        own plan by its teacher and the methodist only (R27.9)"""
        pool = Pool()
        Plan = pool.get('edu.lesson.plan')
        schools, data, matrix = self.setup()
        self.assertNotIn(data.plan_a, matrix.visible('tutor',
                'edu.lesson.plan'))
        Plan.write([Plan(data.plan_a)], {'shared': True})
        self.assertIn(data.plan_a, matrix.visible('tutor',
                'edu.lesson.plan'))
        # shared is read, not written, by a colleague
        self.assertIsNot(self.attempt(matrix, 'tutor',
                lambda: Plan.write([Plan(data.plan_a)], {'title': "x"})),
            True)
        self.assertIn(data.plan_a, matrix.visible('methodist',
                'edu.lesson.plan'))
        # school B's shared plan stays in school B
        self.assertNotIn(data.plan_b, matrix.visible('teacher',
                'edu.lesson.plan'))
