# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of the resolutions and the execution control of edu_edms
(R22.9, R5.8):

* a resolution is given, changed and deleted by the management of its
  organisation, read by the clerk (who keeps the control) and by the users
  party to it (its executors, its author), by nobody else;
* an executor writes the own line (the report) and reads the lines of the
  resolutions it executes; nobody but the management assigns executors;
* the deadline history and the execution-control register are read-only
  for everybody (written by the server); the register shows a user the own
  tasks, the management and the clerk the whole organisation;
* nothing of school B is reached from school A.
"""
import datetime as dt
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from tests.access_matrix import (
    ROLES, AccessMatrix, Probe, build_two_schools, expand)

NOBODY = {role: '----' for role in ROLES}
MANAGEMENT = ('director', 'deputy_director')
EXPECTED = {
    **expand('edu.edms.resolution', {
            **NOBODY,
            **{role: 'rcwd' for role in MANAGEMENT},
            'clerk': 'r---',
            # the responsible executor and the co-executor of the sample
            'teacher': 'r---',
            'accountant': 'r---',
            }),
    **expand('edu.edms.resolution.executor', {
            **NOBODY,
            **{role: 'rcwd' for role in MANAGEMENT},
            'clerk': 'r---',
            # the sample line is the teacher's: it writes its report
            'teacher': 'rw--',
            # the co-executor reads the line, does not write it
            'accountant': 'r---',
            }),
    **expand('edu.edms.resolution.deadline', {
            **NOBODY,
            **{role: 'r---' for role in MANAGEMENT},
            'clerk': 'r---',
            'teacher': 'r---',
            'accountant': 'r---',
            }),
    **expand('edu.edms.control', {
            **NOBODY,
            **{role: 'r---' for role in MANAGEMENT},
            'clerk': 'r---',
            # the sample row is the teacher's task
            'teacher': 'r---',
            }),
    }
MODELS = ('edu.edms.resolution', 'edu.edms.resolution.executor',
    'edu.edms.resolution.deadline', 'edu.edms.control')


def control_probes(schools):
    """Return the probes: a resolution of school A's director on an
    incoming letter (the teacher responsible, the accountant co-executor)
    and one of school B (its teacher executor)"""
    pool = Pool()
    Document = pool.get('edu.edms.document')
    Resolution = pool.get('edu.edms.resolution')
    Executor = pool.get('edu.edms.resolution.executor')
    History = pool.get('edu.edms.resolution.deadline')
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    kind = ModelData.get_id('edu_edms', 'kind_incoming')
    today = pool.get('ir.date').today()
    users = schools.users

    def letter(school):
        document, = Document.create([{'company': school, 'kind': kind,
                    'summary': "Хат / Письмо"}])
        return document

    def resolution(document, author, executors, days=10):
        record, = Resolution.create([{
                    'document': document.id, 'author': author,
                    'text': "Орындау / Исполнить",
                    'deadline': today + dt.timedelta(days=days),
                    'executors': [('create', [
                                {'user': u, 'responsible': i == 0}
                                for i, u in enumerate(executors)])],
                    }])
        # a change of the deadline for the history
        Resolution.write([record], {
                'deadline': today + dt.timedelta(days=days + 1)})
        return record

    serials = iter(range(1, 1000))

    def fresh_user():
        "A new user of school A (an executor is named once a resolution)"
        user, = User.create([{'login': 'x.executor%s' % next(serials),
                    'name': "Орындаушы", 'company': schools.school_a,
                    'companies': [('add', [schools.school_a])]}])
        return user.id

    doc_a = letter(schools.school_a)
    doc_b = letter(schools.school_b)
    own = resolution(doc_a, users['director'],
        [users['teacher'], users['accountant']])
    other = resolution(doc_b, schools.users_b['hr_officer'],
        [schools.users_b['teacher']])
    schools.resolution_a, schools.resolution_b = own.id, other.id
    line_a, = [l for l in own.executors if l.responsible]
    line_b, = other.executors
    history_a, = History.search([('resolution', '=', own.id)])
    history_b, = History.search([('resolution', '=', other.id)])
    return {
        'edu.edms.resolution': Probe('edu.edms.resolution',
            own=own.id, other=other.id, write_field='text',
            create_values=lambda: {'document': doc_a.id,
                'author': users['director'], 'text': "Жаңа",
                'deadline': today + dt.timedelta(days=3),
                'executors': [('create', [{'user': users['methodist'],
                                'responsible': True}])]},
            make_record=lambda: resolution(doc_a, users['director'],
                [users['tutor']]).id),
        'edu.edms.resolution.executor': Probe(
            'edu.edms.resolution.executor',
            own=line_a.id, other=line_b.id, write_field='report',
            create_values=lambda: {'resolution': own.id,
                'user': fresh_user(), 'responsible': False},
            make_record=lambda: Executor.create([{'resolution': own.id,
                        'user': fresh_user(), 'responsible': False,
                        }])[0].id),
        'edu.edms.resolution.deadline': Probe(
            'edu.edms.resolution.deadline',
            own=history_a.id, other=history_b.id,
            write_field='new_deadline',
            create_values=lambda: {'resolution': own.id,
                'old_deadline': today, 'new_deadline': today}),
        'edu.edms.control': Probe('edu.edms.control',
            own=line_a.id * 2, other=line_b.id * 2,
            write_values=lambda record: {'deadline': record.deadline}),
        }


class AccessMatrixEdmsControlTestCase(unittest.TestCase):
    "Access matrix of the resolutions and the execution control"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_edms'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_access_matrix(self):
        """Resolutions: the management gives them, the clerk and the
        parties read them, the executor writes the own report; the
        register and the history are read-only; school B is out of reach"""
        pool = Pool()
        Resolution = pool.get('edu.edms.resolution')
        Executor = pool.get('edu.edms.resolution.executor')
        schools = build_two_schools()
        probes = control_probes(schools)
        matrix = AccessMatrix(schools.users, probes)
        # the register is a read-only SQL view: its isolation is checked
        # by searching school B's rows (a write of a view is not possible)
        matrix.check(EXPECTED, isolated_models=list(MODELS[:3]),
            foreign_domains={
                'edu.edms.resolution': [
                    ('company', '=', schools.school_b)],
                'edu.edms.control': [('company', '=', schools.school_b)],
                })

        # the register: the teacher sees the own task only, the clerk all
        line_a = probes['edu.edms.resolution.executor'].own
        self.assertEqual(matrix.visible('teacher', 'edu.edms.control'),
            [line_a * 2])
        self.assertEqual(matrix.visible('accountant', 'edu.edms.control'),
            [l.id * 2 for l in Resolution(schools.resolution_a).executors
                if l.user.id == schools.users['accountant']])
        self.assertEqual(
            len(matrix.visible('clerk', 'edu.edms.control')),
            len(matrix.visible('director', 'edu.edms.control')))
        # the executor does not re-assign the line to somebody else
        with matrix.as_user(schools.users['teacher']):
            with self.assertRaises(Exception):
                Executor.write([Executor(line_a)],
                    {'user': schools.users['methodist']})
            with self.assertRaises(Exception):
                Executor.write([Executor(line_a)], {'responsible': False})
        self.assertEqual(Executor(line_a).user.id, schools.users['teacher'])
