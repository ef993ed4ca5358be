# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_security: roles × security registers × operations
(R5.12, R5.20, R5.10).

The register of security events and the register of failed logins are read
by the school's system administrator and the auditor only; nobody creates,
changes or deletes a record through the application — the server writes
them (see tests/access_matrix.py for the meaning of a cell).
"""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from tests.access_matrix import (
    OPERATIONS, ROLES, AccessMatrix, Probe, build_two_schools, expand)

REGISTER = {
    'director': '----',
    'deputy_director': '----',
    'methodist': '----',
    'teacher': '----',
    'tutor': '----',
    'learner': '----',
    'parent': '----',
    'accountant': '----',
    'chief_accountant': '----',
    'hr_officer': '----',
    'clerk': '----',
    'sysadmin': 'r---',
    'auditor': 'r---',
    'ministry_integration': '----',
    }

EXPECTED = {
    **expand('edu.security.event', REGISTER),
    **expand('edu.login.failure', REGISTER),
    }


def edu_security_probes(schools=None):
    """Return the probes of the registers, with records made as the root;
    with the schools, the records of school B are an event concerning its
    teacher and a failed login of its teacher's account"""
    pool = Pool()
    Event = pool.get('edu.security.event')
    Failure = pool.get('edu.login.failure')
    User = pool.get('res.user')
    other_event = other_failure = None
    if schools is not None:
        teacher_b = User(schools.users_b['teacher'])
        other_event = Event.report('other', 'warning', "Probe of school B",
            source='test', user=teacher_b).id
        other_failure = Failure.record(teacher_b.login, 'wrong_password').id

    def new_event():
        return Event.report(
            'other', 'info', "Probe", source='test').id

    def new_failure():
        return Failure.record('probe', 'unknown_login').id

    return {
        'edu.security.event': Probe('edu.security.event',
            own=new_event(), other=other_event, write_field='description',
            create_values=lambda: {
                'kind': 'other', 'severity': 'info',
                'description': "Forged"},
            make_record=new_event),
        'edu.login.failure': Probe('edu.login.failure',
            own=new_failure(), other=other_failure, write_field='reason',
            create_values=lambda: {
                'login': 'forged', 'reason': 'wrong_password'},
            make_record=new_failure),
        }


class SecurityAccessMatrixTestCase(unittest.TestCase):
    "Access matrix of the edu_security registers"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_security'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def test_expected_table_is_complete(self):
        "EXPECTED covers the 14 roles × 2 registers × 4 operations"
        self.assertEqual(
            len(EXPECTED), len(ROLES) * 2 * len(OPERATIONS))

    @with_transaction()
    def test_access_matrix(self):
        """Only the system administrator and the auditor read the security
        registers; nobody creates, changes or deletes their records
        (R5.12, R5.20)"""
        schools = build_two_schools()
        matrix = AccessMatrix(schools.users, edu_security_probes(schools))
        # a school's administrator and auditor do not see the events and
        # failed logins of another school's accounts (R5.10, R12)
        matrix.check(EXPECTED, isolated_models=[
                'edu.security.event', 'edu.login.failure'])
        # the events of the server (no account) are seen by both schools'
        # administrators, and the platform administrator sees everything
        Event = Pool().get('edu.security.event')
        seen = set(matrix.visible('sysadmin', 'edu.security.event'))
        self.assertIn(matrix.probes['edu.security.event'].own, seen)
        self.assertNotIn(matrix.probes['edu.security.event'].other, seen)
        self.assertIn(matrix.probes['edu.security.event'].other,
            [e.id for e in Event.search([])])
