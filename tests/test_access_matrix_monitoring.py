# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_monitoring: roles × monitoring models × operations
(R5.17, R5.18, R5.19, R5.10).

The samples (and their hourly averages), the current state, the alerts and
the manifest of the system files are read by the system administrator and
the auditor only; nobody creates, changes or deletes them through the
application — the server writes them.  The system administrator alone
changes the configuration (the thresholds); the auditor reads it (see
tests/access_matrix.py for the meaning of a cell).
"""
import datetime as dt
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from tests.access_matrix import (
    OPERATIONS, ROLES, AccessMatrix, Probe, build_two_schools, expand)

NOBODY = dict.fromkeys(ROLES, '----')
READ = {**NOBODY, 'sysadmin': 'r---', 'auditor': 'r---'}
CONFIGURE = {**NOBODY, 'sysadmin': 'r-w-', 'auditor': 'r---'}

EXPECTED = {
    **expand('edu.monitoring.sample', READ),
    **expand('edu.monitoring.sample.hourly', READ),
    **expand('edu.monitoring.status', READ),
    **expand('edu.monitoring.alert', READ),
    **expand('edu.monitoring.file', READ),
    **expand('edu.monitoring.configuration', CONFIGURE),
    }


def edu_monitoring_probes():
    "Return the probes of the monitoring models, records made as the root"
    pool = Pool()
    Sample = pool.get('edu.monitoring.sample')
    Status = pool.get('edu.monitoring.status')
    Alert = pool.get('edu.monitoring.alert')
    SystemFile = pool.get('edu.monitoring.file')
    Configuration = pool.get('edu.monitoring.configuration')
    now = dt.datetime(2026, 11, 27, 10, 0)

    def new_sample():
        return Sample.create([{'date': now, 'cpu_percent': 10.0}])[0].id

    def new_status():
        return Status.create([{'metric': 'cpu', 'status': 'ok',
                        'value': 10.0}])[0].id

    def new_alert():
        return Alert.create([{'metric': 'disk', 'key': '/srv',
                        'state': 'open', 'severity': 'critical',
                        'first_seen': now, 'last_seen': now,
                        'value': 3.0, 'threshold': 10.0}])[0].id

    def new_file():
        return SystemFile.create([{'path': '/srv/probe.py',
                        'digest': '0' * 64, 'size': 1, 'kind': 'code',
                        'date': now}])[0].id

    # the singleton's row, as the server makes it
    Configuration.write([Configuration(1)], {'retention_days': 30})
    configuration = Configuration.get_singleton()
    # the first sample of its hour: its id is the id of the hour
    sample = new_sample()
    return {
        'edu.monitoring.sample': Probe('edu.monitoring.sample',
            own=sample, write_field='cpu_percent',
            create_values=lambda: {'date': now, 'cpu_percent': 1.0},
            make_record=new_sample),
        'edu.monitoring.sample.hourly': Probe(
            'edu.monitoring.sample.hourly',
            own=sample, write_field='samples'),
        'edu.monitoring.status': Probe('edu.monitoring.status',
            own=new_status(), write_field='detail',
            create_values=lambda: {'metric': 'ram', 'status': 'ok'},
            make_record=new_status),
        'edu.monitoring.alert': Probe('edu.monitoring.alert',
            own=new_alert(), write_field='state',
            create_values=lambda: {'metric': 'cpu', 'state': 'open',
                'value': 99.0},
            make_record=new_alert),
        'edu.monitoring.file': Probe('edu.monitoring.file',
            own=new_file(), write_field='digest',
            create_values=lambda: {'path': '/srv/forged.py',
                'digest': '1' * 64},
            make_record=new_file),
        'edu.monitoring.configuration': Probe(
            'edu.monitoring.configuration',
            own=configuration.id, write_field='cpu_max'),
        }


class MonitoringAccessMatrixTestCase(unittest.TestCase):
    "Access matrix of the edu_monitoring models"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_monitoring'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def test_expected_table_is_complete(self):
        "EXPECTED covers the 14 roles × 6 models × 4 operations"
        self.assertEqual(
            len(EXPECTED), len(ROLES) * 6 * len(OPERATIONS))

    @with_transaction()
    def test_access_matrix(self):
        """Only the system administrator and the auditor read the
        monitoring; only the system administrator changes its
        configuration; nobody writes a sample, an alert or the manifest
        through the application (R5.17-R5.19)"""
        schools = build_two_schools()
        matrix = AccessMatrix(schools.users, edu_monitoring_probes())
        matrix.assert_expected(EXPECTED)

    @with_transaction()
    def test_buttons(self):
        """The manifest is built and verified from the configuration by the
        system administrator, not by the auditor (R5.17)"""
        pool = Pool()
        Button = pool.get('ir.model.button')
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        sysadmin = Group(ModelData.get_id('edu_base', 'group_edu_admin'))
        auditor = Group(ModelData.get_id('edu_base', 'group_edu_auditor'))
        buttons = Button.search([
                ('model', '=', 'edu.monitoring.configuration')])
        self.assertEqual(sorted(b.name for b in buttons),
            ['build_manifest', 'verify_manifest'])
        for button in buttons:
            self.assertIn(sysadmin, button.groups)
            self.assertNotIn(auditor, button.groups)
