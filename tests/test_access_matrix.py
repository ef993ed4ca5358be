# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_base: roles × models × operations (R5.8, R5.10,
R12, R25.10, R27.18, R34.20, R36.14).

Every cell is tried for real by the user holding the role in school A of a
district (see tests/access_matrix.py).  Later modules extend ``EXPECTED``
with rows of their own models::

    from tests.test_access_matrix import EXPECTED as EDU_BASE_EXPECTED
    EXPECTED = {**EDU_BASE_EXPECTED, **expand('edu.lesson', {...})}

Notation of the tables below: the letters of the allowed operations among
r(ead), c(reate), w(rite), d(elete); '-' for a refused one.  "read" is about
a sample record of school A that the role has no personal link to: a
teacher colleague of the mathematics methodical association (its person,
employee record and account), the school's card, the mathematics
association, a town of the КАТО classifier.
"""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from tests.access_matrix import (
    OPERATIONS, ROLES, AccessMatrix, build_two_schools, edu_base_probes,
    expand, format_table)

EXPECTED = {}

# Persons (party.party): the register of staff, learners and parents.
# Staff roles read every person of their school (class lists, staff lists);
# HR, the accounting office and the clerk register persons; nobody outside
# the school and the supervising education department sees them (R12).
EXPECTED.update(expand('party.party', {
            'director': 'r---',
            'deputy_director': 'r---',
            'methodist': 'r---',
            'teacher': 'r---',
            'tutor': 'r---',
            # a learner sees only their own record, a parent their own and
            # their children's (tested below), never a teacher's
            'learner': '----',
            'parent': '----',
            'accountant': 'rcw-',
            # the chief accountant registers counterparties and accountable
            # persons like the accountant; nobody but the platform
            # administrator deletes a school's persons
            'chief_accountant': 'rcw-',
            'hr_officer': 'rcw-',
            'clerk': 'rcw-',
            # the system administrator keeps accounts, not personal data
            'sysadmin': 'r---',
            'auditor': 'r---',
            'ministry_integration': 'r---',
            }))

# Employees (company.employee): HR keeps them; teaching staff see the
# colleagues of their own department tree only — the tutor works in the
# languages association, so the mathematics colleague is hidden.
EXPECTED.update(expand('company.employee', {
            'director': 'r---',
            'deputy_director': 'r---',
            'methodist': 'r---',
            'teacher': 'r---',
            'tutor': '----',
            # learners and parents do not browse the staff records
            'learner': '----',
            'parent': '----',
            'accountant': 'r---',
            'chief_accountant': 'r---',
            'hr_officer': 'rcwd',
            'clerk': 'r---',
            'sysadmin': 'r---',
            'auditor': 'r---',
            'ministry_integration': 'r---',
            }))

# The organisation's card: everybody of the school reads it, the system
# administrator keeps it; organisations are created by the super-user only.
EXPECTED.update(expand('company.company', {
            role: 'r-w-' if role == 'sysadmin' else 'r---' for role in ROLES}))

# The organisational structure: HR and the administrator build it, the
# management renames and re-heads departments.
EXPECTED.update(expand('edu.department', {
            'director': 'r-w-',
            'deputy_director': 'r-w-',
            'methodist': 'r---',
            'teacher': 'r---',
            'tutor': 'r---',
            'learner': 'r---',
            'parent': 'r---',
            'accountant': 'r---',
            'chief_accountant': 'r---',
            'hr_officer': 'rcwd',
            'clerk': 'r---',
            'sysadmin': 'rcwd',
            'auditor': 'r---',
            'ministry_integration': 'r---',
            }))

# КАТО is a national classifier: read by all, kept by the super-user.
EXPECTED.update(expand('edu.kato', {role: 'r---' for role in ROLES}))

# Accounts (R5.7): the system administrator creates and edits them; users
# are never deleted, only deactivated (Tryton keeps them for the logs).
# Learners and parents see their own account only.
EXPECTED.update(expand('res.user', {
            **{role: 'r---' for role in ROLES},
            'learner': '----',
            'parent': '----',
            'sysadmin': 'rcw-',
            }))

# Role assignments (R5.8): the system administrator assigns roles.
EXPECTED.update(expand('res.user.role', {
            **{role: 'r---' for role in ROLES},
            'learner': '----',
            'parent': '----',
            'sysadmin': 'rcwd',
            }))

# The rights history (R5.8): read by the management, the administrator and
# the auditor, written by the server alone, changed or deleted by nobody.
EXPECTED.update(expand('edu.rights.log', {
            **{role: '----' for role in ROLES},
            'director': 'r---',
            'deputy_director': 'r---',
            'sysadmin': 'r---',
            'auditor': 'r---',
            }))

#: the models whose records of school B no role of school A may reach
ISOLATED_MODELS = [
    'party.party', 'company.employee', 'edu.department', 'company.company',
    'res.user', 'res.user.role', 'edu.rights.log']


def school_b_domains(schools):
    "Domains that select every person, employee and department of school B"
    return {
        'party.party': [('organisation', '=', schools.school_b)],
        'company.employee': [('company', '=', schools.school_b)],
        'edu.department': [('company', '=', schools.school_b)],
        'res.user': [('companies', '=', schools.school_b)],
        'res.user.role': [('user.companies', '=', schools.school_b)],
        }


class AccessMatrixTestCase(unittest.TestCase):
    "Access matrix of the edu_base role catalogue"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_base'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def matrix(self):
        schools = build_two_schools()
        return schools, AccessMatrix(schools.users, edu_base_probes(schools))

    def test_expected_table_is_complete(self):
        "EXPECTED covers the 14 roles × 8 models × 4 operations (R5.8)"
        models = {m for _, m, _ in EXPECTED}
        self.assertEqual(len(ROLES), 14)
        self.assertEqual(len(models), 8)
        self.assertEqual(
            len(EXPECTED), len(ROLES) * len(models) * len(OPERATIONS))

    @with_transaction()
    def test_role_catalogue_matches_harness(self):
        "The harness knows exactly the roles of the catalogue (R5.8)"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        records = ModelData.search([
                ('module', '=', 'edu_base'),
                ('model', '=', 'res.role'),
                ])
        self.assertEqual(
            sorted(r.fs_id for r in records),
            sorted(f'role_{r}' for r in ROLES))

    @with_transaction()
    def test_access_matrix(self):
        """Each role may do exactly what EXPECTED says and no role of school
        A reaches a record of school B (R5.8, R5.10, R12)"""
        schools, matrix = self.matrix()
        matrix.check(EXPECTED, isolated_models=ISOLATED_MODELS,
            foreign_domains=school_b_domains(schools))

    @with_transaction()
    def test_school_b_and_district(self):
        "B's HR sees B only; the district department sees both (R5.8)"
        pool = Pool()
        Party = pool.get('party.party')
        schools, _ = self.matrix()
        matrix = AccessMatrix({
                'b_hr': schools.users_b['hr_officer'],
                'district': schools.district_user,
                }, {})
        persons_a = {p.id for p in Party.search([
                    ('organisation', '=', schools.school_a)])}
        persons_b = {p.id for p in Party.search([
                    ('organisation', '=', schools.school_b)])}
        self.assertGreaterEqual(len(persons_a), 15)
        self.assertEqual(len(persons_b), 3)

        seen = set(matrix.visible('b_hr', 'party.party', [
                    ('is_person', '=', True)]))
        self.assertEqual(seen & persons_a, set())
        self.assertEqual(seen & persons_b, persons_b)

        seen = set(matrix.visible('district', 'party.party', [
                    ('is_person', '=', True)]))
        self.assertEqual(seen & (persons_a | persons_b), persons_a | persons_b)
        seen = set(matrix.visible('district', 'company.employee'))
        self.assertIn(schools.sample_a['employee'], seen)
        self.assertIn(schools.sample_b['employee'], seen)
        self.assertEqual(
            set(matrix.visible('district', 'company.company')),
            {schools.district, schools.school_a, schools.school_b})

    @with_transaction()
    def test_learner_and_parent_own_records(self):
        "A learner sees self, a parent self and child (R27.18, R5.10)"
        schools, matrix = self.matrix()
        persons = [('is_person', '=', True)]
        self.assertEqual(
            matrix.visible('learner', 'party.party', persons),
            [schools.persons['learner']])
        self.assertEqual(
            sorted(matrix.visible('parent', 'party.party', persons)),
            sorted([schools.persons['parent'], schools.persons['learner']]))
        self.assertEqual(
            matrix.visible('learner', 'res.user'),
            [schools.users['learner']])
        self.assertEqual(
            matrix.visible('parent', 'res.user'),
            [schools.users['parent']])

    @with_transaction()
    def test_school_administrator_cannot_escalate(self):
        """A school's system administrator manages the school's accounts and
        nothing more: not a platform administrator's account, not the groups
        of an account, not another school (R5.8, R5.10)"""
        from trytond.model.exceptions import AccessError
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        schools, matrix = self.matrix()
        admin = User(ModelData.get_id('res', 'user_admin'))
        User.write([admin], {'companies': [('add', [schools.school_a])]})
        admin_group = ModelData.get_id('res', 'group_admin')
        sysadmin = schools.users['sysadmin']
        teacher = schools.users['teacher']
        with matrix.as_user(sysadmin):
            # the administrator of the platform is out of reach
            with self.assertRaises(AccessError):
                User.write([User(admin.id)], {'password': 'Takeover2026x'})
            with self.assertRaises(AccessError):
                User.write([User(admin.id)], {'active': False})
            # groups are given through roles only
            with self.assertRaises(AccessError):
                User.write([User(sysadmin)], {
                        'groups': [('add', [admin_group])]})
            # another school is out of reach, for the own account too
            for user_id in (sysadmin, teacher):
                with self.assertRaises(AccessError):
                    User.write([User(user_id)], {
                            'companies': [('add', [schools.school_b])]})
            with self.assertRaises(AccessError):
                User.create([{
                            'login': 'intruder',
                            'companies': [('add', [schools.school_b])],
                            }])
            # the own school's accounts are the administrator's work
            new, = User.create([{
                        'login': 'a.newteacher',
                        'name': "Жаңа мұғалім",
                        'companies': [('add', [schools.school_a])],
                        'company': schools.school_a,
                        'roles': [('create', [{
                                        'role': ModelData.get_id(
                                            'edu_base', 'role_teacher'),
                                        }])],
                        }])
            User.write([User(teacher)], {'active': False})
        self.assertEqual(User(admin.id).active, True)
        self.assertNotIn(admin_group, [g.id for g in User(sysadmin).groups])
        self.assertEqual(
            [c.id for c in User(sysadmin).companies], [schools.school_a])
        self.assertIn(
            ModelData.get_id('edu_base', 'group_edu_teaching'),
            [g.id for g in User(new.id).groups])
        self.assertFalse(User(teacher).active)

    @with_transaction()
    def test_teacher_sees_own_department_tree(self):
        "A teacher sees the employees of own department tree only (R5.8)"
        schools, matrix = self.matrix()
        seen = set(matrix.visible('teacher', 'company.employee'))
        self.assertEqual(seen, {
                schools.employees['teacher'], schools.employees['methodist'],
                schools.sample_a['employee']})
        # the deputy director, head of the teaching staff, sees them all
        seen = set(matrix.visible('deputy_director', 'company.employee'))
        self.assertTrue(set(schools.employees.values()) <= seen)

    @with_transaction()
    def test_harness_reports_leak(self):
        "Without the organisation rule on persons the harness fails (R12)"
        pool = Pool()
        RuleGroup = pool.get('ir.rule.group')
        ModelData = pool.get('ir.model.data')
        schools, matrix = self.matrix()
        matrix.assert_isolated(['party.party'])

        # only the root user may delete a rule of the base configuration
        with Transaction().set_user(0):
            RuleGroup.delete([RuleGroup(ModelData.get_id(
                            'edu_base', 'rule_group_party_organisation'))])

        with self.assertRaises(AssertionError) as cm:
            matrix.assert_isolated(['party.party'])
        message = str(cm.exception)
        self.assertIn("Records of school B reached by school A", message)
        for role in ['director', 'teacher', 'hr_officer', 'clerk']:
            self.assertRegex(
                message, rf'\n{role} +\| party\.party +\| search B ')
        self.assertNotRegex(message, r'\nlearner +\|')
        with self.assertRaises(AssertionError) as cm:
            matrix.assert_no_foreign_records(school_b_domains(schools))
        self.assertRegex(str(cm.exception),
            r'\nteacher +\| party\.party +\| search B +\| refused +\| '
            r'allowed +\| 3 record\(s\)')

        # the full check reports the leak in its single table, and nothing
        # else: the expected table itself still holds
        with self.assertRaises(AssertionError) as cm:
            matrix.check(EXPECTED, isolated_models=ISOLATED_MODELS,
                foreign_domains=school_b_domains(schools))
        lines = str(cm.exception).splitlines()
        self.assertTrue(lines[1].startswith('Access matrix mismatches ('))
        rows = [l for l in lines[4:] if l.strip()]
        self.assertTrue(rows)
        self.assertEqual(
            {tuple(c.strip() for c in r.split('|')[1:3]) for r in rows},
            {('party.party', 'search B'), ('party.party', 'read B'),
                ('party.party', 'write B')})

    @with_transaction()
    def test_harness_reports_all_mismatches(self):
        "A wrong expectation is reported, all of them in one table"
        _, matrix = self.matrix()
        expected = {
            ('teacher', 'party.party', 'read'): True,
            ('teacher', 'party.party', 'delete'): True,  # wrong
            ('learner', 'party.party', 'read'): True,  # wrong
            ('sysadmin', 'res.user', 'delete'): True,  # wrong: deactivate
            }
        with self.assertRaises(AssertionError) as cm:
            matrix.assert_expected(expected, complete=False)
        message = str(cm.exception)
        self.assertIn("Access matrix mismatches (3):", message)
        self.assertRegex(message,
            r'\nteacher +\| party\.party +\| delete +\| allowed +\| '
            r'refused +\| model access')
        self.assertRegex(message,
            r'\nlearner +\| party\.party +\| read +\| allowed +\| refused '
            r'+\| record rule hides')
        self.assertRegex(message,
            r'\nsysadmin +\| res\.user +\| delete +\| allowed +\| refused '
            r'+\| For logging purposes users cannot be deleted')
        self.assertNotIn('\nteacher  | party.party | read', message)

        missing = matrix.missing(expected, roles=['teacher'],
            models=['party.party'])
        self.assertEqual(
            [c.operation for c in missing], ['create', 'write'])

    def test_format_table(self):
        "The mismatch table is aligned and names every column"
        from tests.access_matrix import Cell
        table = format_table([
                Cell('teacher', 'party.party', 'write', False, True, ''),
                Cell('chief_accountant', 'edu.kato', 'read', True, 'ERROR',
                    'KeyError: x'),
                ])
        self.assertEqual(table.splitlines(), [
                "Access matrix mismatches (2):",
                "role             | model       | operation | expected | "
                "actual  | detail",
                "-----------------+-------------+-----------+----------+"
                "---------+-------",
                "teacher          | party.party | write     | refused  | "
                "allowed |",
                "chief_accountant | edu.kato    | read      | allowed  | "
                "ERROR   | KeyError: x",
                ])
