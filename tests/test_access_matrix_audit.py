# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_audit (R5.13, R5.16): the audit journal is read by
the system administrator and the auditor of the school, by nobody else, and
nobody creates, changes or deletes an entry through the application.

With edu_audit activated, the whole edu_base matrix is checked again: every
role that changes personal data journals it without being given any right
on the journal.
"""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from tests.access_matrix import (
    ROLES, AccessMatrix, Probe, build_two_schools, edu_base_probes, expand)
from tests.test_access_matrix import EXPECTED as EDU_BASE_EXPECTED
from tests.test_access_matrix import ISOLATED_MODELS, school_b_domains

EXPECTED = {**EDU_BASE_EXPECTED, **expand('edu.audit.entry', {
            **{role: '----' for role in ROLES},
            'sysadmin': 'r---',
            'auditor': 'r---',
            })}


def audit_probes(schools):
    "Return the probes of edu_base and of the audit journal"
    pool = Pool()
    AuditEntry = pool.get('edu.audit.entry')
    own, = AuditEntry.search([
            ('model', '=', 'party.party'),
            ('record_id', '=', schools.sample_a['party']),
            ('action', '=', 'create'),
            ])
    return {
        **edu_base_probes(schools),
        'edu.audit.entry': Probe('edu.audit.entry',
            own=own.id, write_field='description',
            create_values=lambda: {
                'action': 'critical', 'description': "forged"},
            make_record=lambda: AuditEntry.log_action(
                'probe', description="throw-away")[0].id),
        }


class AccessMatrixAuditTestCase(unittest.TestCase):
    "Access matrix of the audit journal"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_audit'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_access_matrix(self):
        """The journal is read by the administrator and the auditor only,
        written by nobody; every edu_base cell still holds (R5.13, R5.16)"""
        AuditEntry = Pool().get('edu.audit.entry')
        schools = build_two_schools()
        matrix = AccessMatrix(schools.users, audit_probes(schools))
        matrix.check(EXPECTED, isolated_models=ISOLATED_MODELS,
            foreign_domains=school_b_domains(schools))
        # the changes made by the roles are journalled, chained
        self.assertIsNone(AuditEntry.verify_chain())
        authors = {e.user.id for e in AuditEntry.search([
                    ('model', '=', 'party.party'),
                    ('action', '=', 'create'),
                    ('user', '!=', None),
                    ])}
        self.assertIn(schools.users['hr_officer'], authors)
