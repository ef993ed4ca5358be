# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_mfa (R5.11, R5.10, R12).

The recovery codes of the second factor and the codes sent by SMS are
read by nobody through the application: the server alone handles them.
The consents that switch off a learner's second factor are kept by the
school's system administrator (read, recorded, deactivated when withdrawn,
never deleted) and read by the auditor; nobody else sees them, and no role
of school A reaches those of school B.  "Log out everywhere" closes a
user's own sessions, and those of the school's accounts for the school's
system administrator only.  The edu_base matrix still holds with edu_mfa
activated.
"""
import datetime as dt
import unittest

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from tests.access_matrix import (
    OPERATIONS, ROLES, AccessMatrix, Probe, build_two_schools,
    edu_base_probes, expand)
from tests.test_access_matrix import EXPECTED as EDU_BASE_EXPECTED
from tests.test_access_matrix import ISOLATED_MODELS, school_b_domains

EXPECTED = {}

# Recovery codes: only hashes, handled by the server alone.
EXPECTED.update(expand('edu.mfa.recovery_code', {
            role: '----' for role in ROLES}))

# Consents of a legal representative that switch off the second factor of
# a learner under 16: the system administrator records them and
# deactivates them when withdrawn; the auditor reads them.
EXPECTED.update(expand('edu.mfa.exemption', {
            **{role: '----' for role in ROLES},
            'sysadmin': 'rcw-',
            'auditor': 'r---',
            }))

MFA_ISOLATED_MODELS = ['edu.mfa.exemption', 'edu.mfa.recovery_code']


def _model_data_id(module, name):
    return Pool().get('ir.model.data').get_id(module, name)


def mfa_probes(schools):
    """Add to schools a learner account with a consent in each school and
    recovery codes of a teacher in each school; return the probes"""
    pool = Pool()
    Party = pool.get('party.party')
    User = pool.get('res.user')
    Relation = pool.get('party.relation')
    Exemption = pool.get('edu.mfa.exemption')
    RecoveryCode = pool.get('edu.mfa.recovery_code')
    mother_type = _model_data_id('edu_base', 'relation_mother')

    # school B: a learner with an account and the mother
    mother_b, = Party.create([{
                'is_person': True, 'last_name': "Оспанова",
                'first_name': "Мәдина", 'is_representative': True,
                'iin': schools.new_iin(dt.date(1986, 6, 6), 'female'),
                'organisation': schools.school_b,
                }])
    Relation.create([{'from_': mother_b.id,
                'to': schools.persons_b['learner'], 'type': mother_type}])
    learner_b, = User.create([{
                'login': 'b.learner', 'name': "Оспанова Алина",
                'person': schools.persons_b['learner'],
                'companies': [('add', [schools.school_b])],
                'company': schools.school_b,
                }])

    def consent_values(user, learner, representative):
        return {'user': user, 'learner': learner,
            'representative': representative,
            'consent_date': dt.date.today(), 'document': '№ 1/2026'}

    def values_a():
        return consent_values(schools.users['learner'],
            schools.persons['learner'], schools.persons['parent'])

    def new_exemption():
        return Exemption.create([values_a()])[0].id

    own = new_exemption()
    other, = Exemption.create([consent_values(learner_b.id,
                schools.persons_b['learner'], mother_b.id)])

    codes = {}
    for key, user_id in (('a', schools.users['teacher']),
            ('b', schools.users_b['teacher'])):
        RecoveryCode.renew(User(user_id))
        codes[key] = RecoveryCode.search([('user', '=', user_id)])[0].id

    return {
        'edu.mfa.exemption': Probe('edu.mfa.exemption', own, other.id,
            write_field='document', create_values=values_a,
            make_record=new_exemption),
        'edu.mfa.recovery_code': Probe('edu.mfa.recovery_code',
            codes['a'], codes['b'], write_field='used',
            create_values=lambda: {'user': schools.users['teacher'],
                'code_hash': 'x'},
            make_record=lambda: RecoveryCode.create([{
                        'user': schools.users['teacher'],
                        'code_hash': 'x'}])[0].id),
        }


class AccessMatrixMFATestCase(unittest.TestCase):
    "Access matrix of edu_mfa"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_mfa'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def matrix(self):
        schools = build_two_schools()
        probes = {**edu_base_probes(schools), **mfa_probes(schools)}
        return schools, AccessMatrix(schools.users, probes)

    def test_expected_table_is_complete(self):
        "EXPECTED covers the 14 roles × 2 models × 4 operations"
        self.assertEqual(len(EXPECTED), len(ROLES) * 2 * len(OPERATIONS))

    @with_transaction()
    def test_access_matrix(self):
        """Each role may do exactly what EXPECTED (with edu_base's) says
        and no role of school A reaches a record of school B"""
        schools, matrix = self.matrix()
        matrix.check({**EDU_BASE_EXPECTED, **EXPECTED},
            isolated_models=ISOLATED_MODELS + MFA_ISOLATED_MODELS,
            foreign_domains={
                **school_b_domains(schools),
                'edu.mfa.exemption': [
                    ('learner.organisation', '=', schools.school_b)],
                })

    @with_transaction()
    def test_recovery_codes_not_served(self):
        "The recovery codes have no remote method at all"
        RecoveryCode = Pool().get('edu.mfa.recovery_code')
        self.assertFalse({'read', 'search', 'create', 'write', 'delete'}
            & set(RecoveryCode.__rpc__))

    @with_transaction()
    def test_secret_hidden_from_every_role(self):
        "No role reads, searches or writes the secret of the second factor"
        pool = Pool()
        User = pool.get('res.user')
        schools, matrix = self.matrix()
        teacher = User(schools.users['teacher'])
        User.write([teacher], {'mfa_secret': 'JBSWY3DPEHPK3PXP',
                'mfa_enabled': True})
        for role in ('sysadmin', 'teacher', 'auditor'):
            with matrix.as_user(schools.users[role]):
                values, = User.read([teacher.id], ['mfa_secret'])
                self.assertIsNone(values['mfa_secret'], role)
                with self.assertRaises(AccessError):
                    User.search([('mfa_secret', 'like', 'J%')])
                with self.assertRaises(AccessError):
                    User.write([User(teacher.id)], {'mfa_secret': 'AAAA'})
        self.assertEqual(
            User._mfa_get_login(teacher.login)[1], 'JBSWY3DPEHPK3PXP')

    @with_transaction()
    def test_school_administrator_resets_school_accounts_only(self):
        """The school's system administrator resets the second factor of
        the school's accounts, journalled; not a platform administrator's"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Entry = pool.get('edu.audit.entry')
        Event = pool.get('edu.security.event')
        schools, matrix = self.matrix()
        admin = User(ModelData.get_id('res', 'user_admin'))
        teacher = User(schools.users['teacher'])
        User.write([admin, teacher], {
                'mfa_secret': 'JBSWY3DPEHPK3PXP', 'mfa_enabled': True})
        with matrix.as_user(schools.users['sysadmin']):
            User.mfa_clear([User(teacher.id)])
            with self.assertRaises(AccessError):
                User.mfa_clear([User(admin.id)])
        self.assertFalse(User(teacher.id).mfa_enabled)
        self.assertEqual(User._mfa_get_login(teacher.login)[1], None)
        self.assertEqual(
            User._mfa_get_login(admin.login)[1], 'JBSWY3DPEHPK3PXP')
        entries = Entry.search([('operation', '=', 'mfa_reset')])
        self.assertEqual([e.record_id for e in entries], [teacher.id])
        events = Event.search([('kind', '=', 'mfa')])
        self.assertEqual([(e.user.id, e.severity) for e in events],
            [(teacher.id, 'warning')])

    @with_transaction()
    def test_sms_codes_not_served(self):
        "The codes sent by SMS have no remote method at all"
        SMSCode = Pool().get('res.user.login.sms_code')
        self.assertFalse({'read', 'search', 'create', 'write', 'delete'}
            & set(SMSCode.__rpc__))

    @with_transaction()
    def test_logout_everywhere_by_role(self):
        """Every role closes its own sessions; the school's system
        administrator closes those of the school's accounts, not those of
        a platform administrator nor of school B; no other role closes
        another account's sessions (R5.10)"""
        pool = Pool()
        User = pool.get('res.user')
        Session = pool.get('ir.session')
        ModelData = pool.get('ir.model.data')
        schools, matrix = self.matrix()
        admin = ModelData.get_id('res', 'user_admin')
        teacher = schools.users['teacher']
        teacher_b = schools.users_b['teacher']

        def sessions(user_id):
            return Session.search([('create_uid', '=', user_id)], count=True)

        def open_session(user_id):
            with Transaction().set_user(user_id):
                Session.new()

        for role, user_id in schools.users.items():
            open_session(user_id)
            with matrix.as_user(user_id):
                User.logout_sessions([User(user_id)])
            self.assertEqual(sessions(user_id), 0, role)

        for user_id in (teacher, teacher_b, admin):
            open_session(user_id)
        for role, user_id in schools.users.items():
            targets = [teacher] if role != 'teacher' else [
                schools.users['learner']]
            for target in targets + [teacher_b, admin]:
                with matrix.as_user(user_id):
                    allowed = role == 'sysadmin' and target == teacher
                    if allowed:
                        User.logout_sessions([User(target)])
                    else:
                        with self.assertRaises(AccessError, msg=(
                                    role, target)):
                            User.logout_sessions([User(target)])
        self.assertEqual(
            [sessions(u) for u in (teacher, teacher_b, admin)], [0, 1, 1])

    @with_transaction()
    def test_mobile_of_second_factor_read_by_administrators(self):
        """The mobile of the second factor, which may come from the
        person's record, is read by the administrators only (R12)"""
        pool = Pool()
        User = pool.get('res.user')
        schools, matrix = self.matrix()
        teacher = schools.users['teacher']
        User.write([User(teacher)], {'mobile': '+7 701 555 12 34'})
        for role, user_id in schools.users.items():
            with matrix.as_user(user_id):
                if role == 'sysadmin':
                    values, = User.read([teacher], ['mfa_mobile'])
                    self.assertEqual(values['mfa_mobile'], '+77015551234')
                else:
                    with self.assertRaises(AccessError, msg=role):
                        User.read([teacher], ['mfa_mobile'])
