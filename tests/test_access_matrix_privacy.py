# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_privacy: roles × restricted personal data ×
operations (R5.10, R10, R12).

The restricted personal data (health, social status, disability) are read
and kept by the director and the deputy directors (Bilim: Management) of
the person's own organisation only: not by teachers or tutors, not by the
school's system administrator nor the auditor (who see the masked journal
and the integrity events), not by the district education department that
supervises the school (see tests/access_matrix.py for a cell's meaning).
"""
import datetime as dt
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from tests.access_matrix import (
    OPERATIONS, ROLES, AccessMatrix, Probe, build_two_schools, expand)

MODEL = 'edu.person.restricted'
RESTRICTED = {
    'director': 'rcwd',
    'deputy_director': 'rcwd',
    'methodist': '----',
    'teacher': '----',
    'tutor': '----',
    'learner': '----',
    'parent': '----',
    'accountant': '----',
    'chief_accountant': '----',
    'hr_officer': '----',
    'clerk': '----',
    'sysadmin': '----',
    'auditor': '----',
    'ministry_integration': '----',
    }

EXPECTED = expand(MODEL, RESTRICTED)


def edu_privacy_probes(ns):
    "Return the probe of the restricted data, records made as the root"
    pool = Pool()
    Restricted = pool.get(MODEL)
    Company = pool.get('company.company')
    school_a = Company(ns.school_a)

    def new_learner():
        return ns.person(school_a, "Сынақова", "Дана",
            dt.date(2014, 6, 1), 'female', is_learner=True).id

    def new_record():
        record, = Restricted.create([{
                    'person': new_learner(),
                    'disability_group': 'child',
                    }])
        return record.id

    own, = Restricted.create([{
                'person': ns.persons['learner'],
                'health_group': '2',
                'allergies': "Цитрус",
                'social_categories': ['large_family'],
                }])
    other, = Restricted.create([{
                'person': ns.persons_b['learner'],
                'disability_group': 'group_3',
                }])
    return {
        MODEL: Probe(MODEL, own=own.id, other=other.id,
            write_field='allergies',
            create_values=lambda: {
                'person': new_learner(), 'health_group': '1'},
            make_record=new_record,
            read_fields=('rec_name', 'allergies', 'disability_group')),
        }


class PrivacyAccessMatrixTestCase(unittest.TestCase):
    "Access matrix of the restricted personal data"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_privacy'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def setUp(self):
        from trytond.modules.edu_privacy.tests.test_module import (
            new_key, privacy_keys)
        manager = privacy_keys(new_key('matrix'))
        manager.__enter__()
        self.addCleanup(manager.__exit__, None, None, None)

    def test_expected_table_is_complete(self):
        "EXPECTED covers the 14 roles × 1 model × 4 operations"
        self.assertEqual(len(EXPECTED), len(ROLES) * len(OPERATIONS))

    @with_transaction()
    def test_access_matrix(self):
        """Only the management of the person's school reads, creates,
        changes and deletes restricted data; no role of school A reaches
        those of school B (R5.10, R12)"""
        schools = build_two_schools()
        matrix = AccessMatrix(schools.users, edu_privacy_probes(schools))
        matrix.check(EXPECTED, isolated_models=[MODEL])

    @with_transaction()
    def test_supervising_department(self):
        """The director of the district department supervising the school
        does not see the restricted data of its persons"""
        schools = build_two_schools()
        probes = edu_privacy_probes(schools)
        matrix = AccessMatrix(
            {'director': schools.district_user, **{
                    f'a.{r}': u for r, u in schools.users.items()}},
            probes)
        self.assertEqual(matrix.visible('director', MODEL), [])
        self.assertEqual(matrix.visible('a.director', MODEL),
            [probes[MODEL].own])
