# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_audit (R5.13, R5.15, R5.16): the audit journal and
the statistics of use are read by the system administrator and the auditor
of the school, by nobody else, and nobody creates, changes or deletes an
entry or a figure through the application.  The statistics of the users of
a sibling school are hidden.

With edu_audit activated, the whole edu_base matrix is checked again: every
role that changes personal data journals it without being given any right
on the journal.
"""
import unittest

from trytond.pool import Pool
from trytond.transaction import Transaction
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
STATISTICS = ('edu.audit.statistics', 'edu.audit.statistics.role')
for _model in STATISTICS:
    EXPECTED.update(expand(_model, {
                **{role: '----' for role in ROLES},
                'sysadmin': 'r---',
                'auditor': 'r---',
                }))


def statistics_probe(model, schools):
    """Return the probe of a statistics model: the figures of an action of
    the HR officer of school A and of the teacher of school B"""
    pool = Pool()
    AuditEntry = pool.get('edu.audit.entry')
    Model = pool.get(model)
    transaction = Transaction()
    rows = {}
    for name, user in [('stat_probe_a', schools.users['hr_officer']),
            ('stat_probe_b', schools.users_b['teacher'])]:
        with transaction.set_user(user):
            AuditEntry.log_action(name, description="probe")
        row, = Model.search([('operation', '=', name), ('user', '=', user),
                ('kind', '=', 'critical')])
        rows[name] = row.id
    return Probe(model, own=rows['stat_probe_a'],
        other=rows['stat_probe_b'], write_field='operation')


def audit_probes(schools):
    "Return the probes of edu_base and of the audit journal"
    pool = Pool()
    AuditEntry = pool.get('edu.audit.entry')
    # an action of school A's HR officer, one of school B's teacher: the
    # journal of a school shows the actions of its own users
    with Transaction().set_user(schools.users['hr_officer']):
        own, = AuditEntry.log_action('probe_a', description="school A")
    with Transaction().set_user(schools.users_b['teacher']):
        other, = AuditEntry.log_action('probe_b', description="school B")
    return {
        **edu_base_probes(schools),
        'edu.audit.entry': Probe('edu.audit.entry',
            own=own.id, other=other.id, write_field='description',
            create_values=lambda: {
                'action': 'critical', 'description': "forged"},
            make_record=lambda: AuditEntry.log_action(
                'probe', description="throw-away")[0].id),
        **{m: statistics_probe(m, schools) for m in STATISTICS},
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
        # the statistics are computed, never written: their isolation is
        # that no role finds a figure of a user of school B
        matrix.check(EXPECTED,
            isolated_models=[*ISOLATED_MODELS, 'edu.audit.entry'],
            foreign_domains={**school_b_domains(schools), **{
                    m: [('user', 'in', list(schools.users_b.values()))]
                    for m in STATISTICS}})
        # the changes made by the roles are journalled, chained
        self.assertIsNone(AuditEntry.verify_chain())
        authors = {e.user.id for e in AuditEntry.search([
                    ('model', '=', 'party.party'),
                    ('action', '=', 'create'),
                    ('user', '!=', None),
                    ])}
        self.assertIn(schools.users['hr_officer'], authors)
        # the auditor of school A counts the actions of school A's users
        # only; the platform administrator counts everybody's
        ids = matrix.visible('auditor', 'edu.audit.statistics')
        Statistics = Pool().get('edu.audit.statistics')
        seen = {r.user.id for r in Statistics.browse(ids)}
        self.assertIn(schools.users['hr_officer'], seen)
        self.assertFalse(seen & set(schools.users_b.values()))
        everybody = {r.user.id for r in Statistics.search([]) if r.user}
        self.assertIn(schools.users_b['teacher'], everybody)
