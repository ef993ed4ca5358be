# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_analytics (R27.5, R27.15, R5.10, R12).

The reports of progress, attendance and teacher results are read by the
management and the methodists of the organisation; a teacher reads the
progress of the subjects they teach (every subject of the class they are
the homeroom teacher of), the attendance of the classes they teach and
their own results; nobody else reads anything, nobody writes.  The figures
of school B are out of reach of every role of school A.
"""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from tests.access_matrix import (
    ROLES, AccessMatrix, Probe, build_two_schools, expand)

NOBODY = {role: '----' for role in ROLES}
READERS = {'director': 'r---', 'deputy_director': 'r---',
    'methodist': 'r---'}
EXPECTED = {}
# the maths of the class: the teacher teaches it, the tutor teaches physics
EXPECTED.update(expand('edu.analytics.progress', {
            **NOBODY, **READERS, 'teacher': 'r---'}))
# the attendance of the class: both teach in it
EXPECTED.update(expand('edu.analytics.attendance', {
            **NOBODY, **READERS, 'teacher': 'r---', 'tutor': 'r---'}))
# the teacher's own results
EXPECTED.update(expand('edu.analytics.teacher', {
            **NOBODY, **READERS, 'teacher': 'r---'}))
MODELS = ['edu.analytics.progress', 'edu.analytics.attendance',
    'edu.analytics.teacher']


def build_analytics(schools):
    """The school of edu_school's tests in both schools: in school A the
    teacher teaches maths and the tutor physics in 7 Ә; a journal filled
    for September 2025"""
    from trytond.modules.edu_analytics.tests.test_module import fill_journal
    from trytond.modules.edu_school.tests.tools import build_school
    pool = Pool()
    Progress = pool.get('edu.analytics.progress')
    Attendance = pool.get('edu.analytics.attendance')
    TeacherResult = pool.get('edu.analytics.teacher')
    ns = {}
    for key, company, teacher, colleague, suffix in [
            ('a', schools.school_a, schools.persons['teacher'],
                schools.persons['tutor'], ''),
            ('b', schools.school_b, schools.persons_b['teacher'],
                None, '-B')]:
        with Transaction().set_context(company=company):
            school = build_school(company, teacher_id=teacher,
                colleague_id=colleague, learners=4, suffix=suffix)
            fill_journal(school)
        ns[key] = school
        school.progress, = Progress.search([
                ('company', '=', company),
                ('subject', '=', school.maths.id)])
        school.attendance, = Attendance.search([('company', '=', company)])
        school.result, = TeacherResult.search([
                ('company', '=', company),
                ('teacher', '=', school.teacher.id)])
    return ns


class AccessMatrixAnalyticsTestCase(unittest.TestCase):
    "Access matrix of the analytics"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_analytics'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_access_matrix(self):
        "Each role reads what the matrix says, nothing of school B (R27.5)"
        schools = build_two_schools()
        ns = build_analytics(schools)
        probes = {
            'edu.analytics.progress': Probe('edu.analytics.progress',
                own=ns['a'].progress.id, other=ns['b'].progress.id,
                write_field='learners'),
            'edu.analytics.attendance': Probe('edu.analytics.attendance',
                own=ns['a'].attendance.id, other=ns['b'].attendance.id,
                write_field='lessons'),
            'edu.analytics.teacher': Probe('edu.analytics.teacher',
                own=ns['a'].result.id, other=ns['b'].result.id,
                write_field='lessons'),
            }
        matrix = AccessMatrix(schools.users, probes)
        # the reports are computed, never written: their isolation is that
        # no role finds or reads a figure of school B
        matrix.check(EXPECTED,
            foreign_domains={m: [('company', '=', schools.school_b)]
                for m in MODELS})
        for role in ['director', 'methodist', 'teacher', 'tutor']:
            for model, probe in probes.items():
                Model = Pool().get(model)
                with self.subTest(role=role, model=model), \
                        matrix.as_user(matrix.users[role]):
                    allowed, _ = matrix._attempt(lambda: Model.read(
                            [probe.other], ['rec_name']))
                    self.assertIs(allowed, False)

    @with_transaction()
    def test_teacher_scope(self):
        """A subject teacher sees the own subject, the homeroom teacher
        every subject of the class, the director everything"""
        pool = Pool()
        Class = pool.get('edu.class')
        schools = build_two_schools()
        ns = build_analytics(schools)
        matrix = AccessMatrix(schools.users, {})
        school = ns['a']

        def subjects(role, model='edu.analytics.progress'):
            Model = pool.get(model)
            return {Model(i).subject for i in matrix.visible(role, model)}

        self.assertEqual(subjects('teacher'), {school.maths})
        self.assertEqual(subjects('tutor'), {school.physics})
        self.assertEqual(subjects('director'),
            {school.maths, school.physics})
        self.assertEqual(subjects('tutor', 'edu.analytics.teacher'),
            {school.physics})
        # the methodist, homeroom teacher of the class, sees both subjects
        # as a methodist; a homeroom teacher who teaches nothing there too
        Class.write([school.class_], {
                'homeroom_teacher': schools.persons['methodist']})
        pool.get('ir.rule').clear_edu_values()
        self.assertEqual(subjects('methodist'),
            {school.maths, school.physics})
        Class.write([school.class_], {
                'homeroom_teacher': schools.persons['tutor']})
        pool.get('ir.rule').clear_edu_values()
        self.assertEqual(subjects('tutor'), {school.maths, school.physics})
        self.assertEqual(subjects('teacher'), {school.maths})
        for role in ['learner', 'parent', 'hr_officer', 'accountant']:
            with self.subTest(role=role):
                self.assertFalse(_readable(matrix, role))


def _readable(matrix, role):
    "Whether the role's user may read the progress at all"
    ModelAccess = Pool().get('ir.model.access')
    with matrix.as_user(matrix.users[role]):
        return ModelAccess.check('edu.analytics.progress', 'read',
            raise_exception=False)
