# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_export: roles × exports and backups × operations
(R13, R3, R5.10).

The system administrator of a school asks for the open export of its
organisation (the wizard creates the record), reads and deletes the exports
of its organisations only, and never those of another school; the server
fills them.  The register of backups is written by the server: the system
administrator and the auditor read it.  The school's system administrator
reads the backup configuration; only the platform administrators change it
(a backup holds every organisation of the database).  Nobody else reaches any of these (see
tests/access_matrix.py for the meaning of a cell).
"""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from tests.access_matrix import (
    OPERATIONS, ROLES, AccessMatrix, Probe, build_two_schools, expand)

NOBODY = {role: '----' for role in ROLES}

EXPECTED = {
    **expand('edu.export', {**NOBODY, 'sysadmin': 'rc-d'}),
    **expand('edu.backup', {**NOBODY, 'sysadmin': 'r---',
            'auditor': 'r---'}),
    **expand('edu.backup.configuration', {**NOBODY, 'sysadmin': 'r---'}),
    }


def edu_export_probes(schools):
    "The probes of the models of edu_export, records made as the root"
    pool = Pool()
    Export = pool.get('edu.export')
    Backup = pool.get('edu.backup')
    Configuration = pool.get('edu.backup.configuration')

    def new_export(company=schools.school_a):
        return Export.create([{'company': company}])[0].id

    def new_backup():
        return Backup.create([{'state': 'failed', 'path': '/nowhere',
                    'error': "probe"}])[0].id

    configuration = Configuration(1)
    configuration.retention = 5
    configuration.save()
    return {
        'edu.export': Probe('edu.export',
            own=new_export(), other=new_export(schools.school_b),
            write_field='summary',
            create_values=lambda: {'company': schools.school_a},
            make_record=new_export),
        'edu.backup': Probe('edu.backup',
            own=new_backup(), write_field='error',
            create_values=lambda: {'state': 'done', 'path': '/forged'},
            make_record=new_backup),
        'edu.backup.configuration': Probe('edu.backup.configuration',
            own=Configuration.get_singleton().id, write_field='retention',
            create_values=lambda: {'retention': 4},
            make_record=None, read_fields=('retention', 'directory')),
        }


class ExportAccessMatrixTestCase(unittest.TestCase):
    "Access matrix of the edu_export models"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_export'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def test_expected_table_is_complete(self):
        "EXPECTED covers the 14 roles × 3 models × 4 operations"
        self.assertEqual(
            len(EXPECTED), len(ROLES) * 3 * len(OPERATIONS))

    @with_transaction()
    def test_access_matrix(self):
        """Only the system administrator exports and configures the
        backups; the auditor reads the backups too; nobody changes an
        export or a backup; no export of school B is reached from school A
        (R13, R3, R5.10)"""
        schools = build_two_schools()
        matrix = AccessMatrix(schools.users, edu_export_probes(schools))
        matrix.check(EXPECTED, isolated_models=['edu.export'])

    @with_transaction()
    def test_sysadmin_exports_own_school_only(self):
        """The wizard of the system administrator of school A exports
        school A; asking for school B is refused by the record rules"""
        from trytond.model.exceptions import AccessError
        pool = Pool()
        Export = pool.get('edu.export')
        Company = pool.get('company.company')
        schools = build_two_schools()
        matrix = AccessMatrix(schools.users, {})
        with matrix.as_user(schools.users['sysadmin']):
            export = Export.request(Company(schools.school_a))
            self.assertEqual(export.state, 'done')
            with self.assertRaises(AccessError):
                Export.request(Company(schools.school_b))
