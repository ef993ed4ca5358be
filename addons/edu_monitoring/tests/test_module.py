# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from unittest import mock

from trytond.exceptions import UserError
from trytond.modules.edu_monitoring import alert as alert_module
from trytond.modules.edu_monitoring import manifest
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

DISK = '/srv/bilim'


def readings(**values):
    "Return the readings of a healthy server, changed by values"
    result = {
        'cpu_percent': 12.0,
        'load': (0.5, 0.4, 0.3),
        'ram_used_percent': 40.0,
        'ram_free_percent': 60.0,
        'disks': {DISK: 70.0},
        'interfaces_up': 1,
        'bytes_sent': 1000,
        'bytes_received': 5000,
        'processes': {'trytond': 1},
        'database_ok': True,
        }
    result.update(values)
    return result


@contextmanager
def system(**values):
    """Patch the sampler to return readings(**values) and the mailer;
    yield the mock of send_message_transactional"""
    Sample = Pool().get('edu.monitoring.sample')
    with mock.patch.object(Sample, 'read_metrics',
                return_value=readings(**values)), \
            mock.patch.object(
                alert_module, 'send_message_transactional') as send:
        yield send


class EduMonitoringTestCase(ModuleTestCase):
    "Test edu_monitoring module"
    module = 'edu_monitoring'

    def setup_admins(self):
        """Return the administrators notified: the admin and a system
        administrator, with their e-mails"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        admin, = User.search([('login', '=', 'admin')])
        admin.email = 'admin@bilim.kz'
        admin.save()
        sysadmin, = User.create([{
                    'login': 'sysadmin', 'name': "Андрей Петров",
                    'email': 'sysadmin@bilim.kz',
                    'groups': [('add', [ModelData.get_id(
                                    'edu_base', 'group_edu_admin')])],
                    }])
        auditor, = User.create([{
                    'login': 'auditor', 'name': "Жанар Бекова",
                    'email': 'auditor@bilim.kz',
                    'groups': [('add', [ModelData.get_id(
                                    'edu_base', 'group_edu_auditor')])],
                    }])
        return admin, sysadmin, auditor

    @with_transaction()
    def test_full_disk_alert_raised_once_and_cleared(self):
        """A full disk raises one alert, notified in the application and by
        e-mail to the administrators, kept while the disk stays full and
        resolved when space is freed (R5.18, R5.19, R5.20)"""
        pool = Pool()
        Sample = pool.get('edu.monitoring.sample')
        Alert = pool.get('edu.monitoring.alert')
        Event = pool.get('edu.security.event')
        Notification = pool.get('res.notification')
        admin, sysadmin, auditor = self.setup_admins()
        start = dt.datetime(2026, 11, 27, 10, 0)

        with system() as send:
            Sample.take_sample(start)
        self.assertEqual(Alert.search([]), [])
        send.assert_not_called()

        with system(disks={DISK: 4.5}) as send:
            Sample.take_sample(start + dt.timedelta(minutes=5))
            Sample.take_sample(start + dt.timedelta(minutes=10))
        alert, = Alert.search([])
        self.assertEqual(alert.metric, 'disk')
        self.assertEqual(alert.key, DISK)
        self.assertEqual(alert.state, 'open')
        self.assertEqual(alert.severity, 'critical')
        self.assertEqual(alert.first_seen, start + dt.timedelta(minutes=5))
        self.assertEqual(alert.last_seen, start + dt.timedelta(minutes=10))
        self.assertEqual(alert.value, 4.5)
        self.assertIn(DISK, alert.description)
        # raised once: one e-mail, one event, one notification each
        self.assertEqual(send.call_count, 1)
        msg, from_, to_addrs = send.call_args.args
        self.assertEqual(to_addrs, ['admin@bilim.kz', 'sysadmin@bilim.kz'])
        self.assertIn(DISK, msg['Subject'])
        self.assertIn(DISK, msg.get_content())
        event, = Event.search([('kind', '=', 'monitoring')])
        self.assertEqual(event.severity, 'critical')
        self.assertEqual(event.record, f'edu.monitoring.alert,{alert.id}')
        notifications = Notification.search([])
        self.assertEqual(
            sorted(n.user.login for n in notifications),
            ['admin', 'sysadmin'])
        self.assertTrue(all(n.unread and DISK in n.label
                for n in notifications))
        # they open the alerts
        self.assertEqual(
            {n.action.name for n in notifications}, {'Alerts'})
        self.assertEqual({n.records for n in notifications},
            {f'[{alert.id}]'})

        with system(disks={DISK: 35.0}) as send:
            Sample.take_sample(start + dt.timedelta(minutes=15))
            Sample.take_sample(start + dt.timedelta(minutes=20))
        alert, = Alert.search([])
        self.assertEqual(alert.state, 'resolved')
        self.assertEqual(alert.resolved_at, start + dt.timedelta(minutes=15))
        self.assertEqual(alert.last_seen, start + dt.timedelta(minutes=10))
        self.assertEqual(send.call_count, 1)
        self.assertIn(DISK, send.call_args.args[0]['Subject'])
        events = Event.search(
            [('kind', '=', 'monitoring')], order=[('id', 'ASC')])
        self.assertEqual([e.severity for e in events], ['critical', 'info'])
        self.assertEqual(len(Notification.search([])), 4)
        self.assertEqual(Notification.search([('user', '=', auditor)]), [])

        # a new full disk is a new alert
        with system(disks={DISK: 2.0}):
            Sample.take_sample(start + dt.timedelta(minutes=25))
        self.assertEqual(
            [a.state for a in Alert.search([], order=[('id', 'ASC')])],
            ['resolved', 'open'])

    @with_transaction()
    def test_alert_languages(self):
        """Each administrator is notified in their language; the alert reads
        in the language of the reader (R17, R5.19)"""
        pool = Pool()
        Sample = pool.get('edu.monitoring.sample')
        Alert = pool.get('edu.monitoring.alert')
        Notification = pool.get('res.notification')
        Lang = pool.get('ir.lang')
        User = pool.get('res.user')
        admin, sysadmin, auditor = self.setup_admins()
        kk, = Lang.search([('code', '=', 'kk')])
        # the translations of the activated modules, as the language
        # wizard loads them (only the root may)
        with Transaction().set_user(0):
            Lang.load_translations([kk])
        User.write([sysadmin], {'language': kk.id})

        with system(disks={DISK: 4.5}) as send:
            Sample.take_sample()
        labels = {n.user.login: n.label for n in Notification.search([])}
        self.assertEqual(labels['admin'],
            f'Monitoring alert: Free disk space of {DISK} is low: '
            '4.5 % free (minimum: 10.0 %).')
        self.assertEqual(labels['sysadmin'],
            f'Мониторинг ескертуі: {DISK} дискісінде бос орын аз: '
            '4,5 % бос (ең аз шегі: 10,0 %).')
        subjects = {tuple(c.args[2]): c.args[0]['Subject']
            for c in send.call_args_list}
        self.assertEqual(set(subjects),
            {('admin@bilim.kz',), ('sysadmin@bilim.kz',)})
        self.assertIn('дискісінде', subjects[('sysadmin@bilim.kz',)])
        alert, = Alert.search([])
        with Transaction().set_context(language='kk'):
            self.assertIn('бос орын аз', Alert(alert.id).description)

    @with_transaction()
    def test_cpu_sustained(self):
        """The CPU raises an alert only after the configured number of
        consecutive samples over the maximum (R5.19)"""
        pool = Pool()
        Sample = pool.get('edu.monitoring.sample')
        Alert = pool.get('edu.monitoring.alert')
        Status = pool.get('edu.monitoring.status')
        Configuration = pool.get('edu.monitoring.configuration')
        config = Configuration(1)
        config.cpu_max = 80
        config.cpu_samples = 3
        config.save()
        start = dt.datetime(2026, 11, 27, 10, 0)

        def sample(minute, cpu):
            with system(cpu_percent=cpu):
                Sample.take_sample(start + dt.timedelta(minutes=minute))
            status, = Status.search([('metric', '=', 'cpu')])
            return status.status

        self.assertEqual(sample(0, 95), 'warning')
        self.assertEqual(sample(5, 96), 'warning')
        # a dip starts the count again
        self.assertEqual(sample(10, 50), 'ok')
        self.assertEqual(sample(15, 97), 'warning')
        self.assertEqual(sample(20, 98), 'warning')
        self.assertEqual(Alert.search([]), [])
        self.assertEqual(sample(25, 99), 'critical')
        alert, = Alert.search([])
        self.assertEqual((alert.metric, alert.state, alert.severity),
            ('cpu', 'open', 'warning'))
        self.assertEqual(sample(30, 99), 'critical')
        self.assertEqual(len(Alert.search([])), 1)
        self.assertEqual(sample(35, 20), 'ok')
        self.assertEqual(alert.state, 'resolved')

    @with_transaction()
    def test_process_and_database(self):
        """A required process that is not running and an unreachable
        database raise critical alerts (R5.18, R5.19)"""
        pool = Pool()
        Sample = pool.get('edu.monitoring.sample')
        Alert = pool.get('edu.monitoring.alert')
        Status = pool.get('edu.monitoring.status')
        Configuration = pool.get('edu.monitoring.configuration')
        config = Configuration(1)
        config.processes = 'trytond trytond-cron'
        config.save()

        with system(processes={'trytond': 2, 'trytond-cron': 0,
                    'trytond-worker': 0}, database_ok=False):
            sample = Sample.take_sample()
        self.assertFalse(sample.processes_ok)
        self.assertFalse(sample.database_ok)
        alerts = Alert.search([])
        self.assertEqual(
            sorted((a.metric, a.key, a.severity) for a in alerts),
            [('database', None, 'critical'),
                ('process', 'trytond-cron', 'critical')])
        states = {(s.metric, s.key): s.status for s in Status.search([])}
        self.assertEqual(states[('process', 'trytond')], 'ok')
        self.assertEqual(states[('process', 'trytond-cron')], 'critical')
        # not required: shown, not alerted
        self.assertEqual(states[('process', 'trytond-worker')], 'warning')
        self.assertEqual(states[('database', None)], 'critical')

        with system(processes={'trytond': 2, 'trytond-cron': 1},
                database_ok=True):
            sample = Sample.take_sample()
        self.assertTrue(sample.processes_ok)
        self.assertEqual(Alert.search([('state', '=', 'open')]), [])

    @with_transaction()
    def test_status_and_rates(self):
        """The current state lists the latest reading of each metric; the
        network rates come from the counters of two samples (R5.18)"""
        pool = Pool()
        Sample = pool.get('edu.monitoring.sample')
        Status = pool.get('edu.monitoring.status')
        start = dt.datetime(2026, 11, 27, 10, 0)
        with system(bytes_sent=1000, bytes_received=5000,
                disks={DISK: 70.0, '/var/backups': 15.0}):
            first = Sample.take_sample(start)
        self.assertIsNone(first.sent_rate)
        with system(bytes_sent=61000, bytes_received=125000,
                ram_used_percent=85.0, disks={DISK: 70.0}):
            second = Sample.take_sample(start + dt.timedelta(minutes=1))
        self.assertEqual(second.sent_rate, 1000.0)
        self.assertEqual(second.received_rate, 2000.0)
        self.assertEqual(second.disk_free_percent, 70.0)
        states = [(s.metric, s.key, s.status, s.date)
            for s in Status.search([])]
        date = second.date
        self.assertEqual(states, [
                ('cpu', None, 'ok', date),
                ('ram', None, 'warning', date),
                ('disk', DISK, 'ok', date),
                ('network', None, 'ok', date),
                ('process', 'trytond', 'ok', date),
                ('database', None, 'ok', date),
                ])

        # counters reset by a reboot give no rate
        with system(bytes_sent=10, bytes_received=10):
            third = Sample.take_sample(start + dt.timedelta(minutes=2))
        self.assertIsNone(third.sent_rate)

    @with_transaction()
    def test_read_metrics(self):
        "The sampler reads the real system with psutil (R5.18)"
        pool = Pool()
        Sample = pool.get('edu.monitoring.sample')
        Configuration = pool.get('edu.monitoring.configuration')
        config = Configuration(1)
        with tempfile.TemporaryDirectory() as directory:
            config.disk_paths = f'{directory}\n{directory}/not/yet'
            values = Sample.read_metrics(config)
        self.assertTrue(0 <= values['cpu_percent'] <= 100)
        self.assertTrue(0 < values['ram_used_percent'] < 100)
        self.assertTrue(0 < values['ram_free_percent'] < 100)
        self.assertEqual(
            sorted(values['disks']), [directory, f'{directory}/not/yet'])
        self.assertTrue(all(0 < v <= 100 for v in values['disks'].values()))
        self.assertEqual(len(values['load']), 3)
        self.assertGreaterEqual(values['bytes_sent'], 0)
        self.assertEqual(
            sorted(values['processes']),
            ['trytond', 'trytond-cron', 'trytond-worker'])
        self.assertIs(values['database_ok'], True)

        # the default path is the database and filestore path
        config.disk_paths = None
        self.assertEqual(
            config.get_disk_paths(), [manifest.database_path()])

    @with_transaction()
    def test_retention_purge(self):
        "The samples older than the retention are purged (R5.18)"
        pool = Pool()
        Sample = pool.get('edu.monitoring.sample')
        Configuration = pool.get('edu.monitoring.configuration')
        config = Configuration(1)
        self.assertEqual(config.retention_days, 30)
        config.retention_days = 7
        config.save()
        now = dt.datetime(2026, 11, 27, 12, 0)
        Sample.create([{'date': now - dt.timedelta(days=d, hours=1)}
                for d in range(10)])
        self.assertEqual(Sample.purge(now), 3)
        dates = [s.date for s in Sample.search([])]
        self.assertEqual(len(dates), 7)
        self.assertTrue(all(d >= now - dt.timedelta(days=7) for d in dates))
        self.assertEqual(Sample.purge(now), 0)

        with self.assertRaises(UserError):
            Configuration.write([config], {'retention_days': 0})

    @with_transaction()
    def test_hourly(self):
        """The samples averaged by hour feed the graphs over days: one row
        an hour (R5.18)"""
        pool = Pool()
        Sample = pool.get('edu.monitoring.sample')
        Hourly = pool.get('edu.monitoring.sample.hourly')
        start = dt.datetime(2026, 11, 27, 10, 0)
        Sample.create([{
                    'date': start + dt.timedelta(minutes=20 * i),
                    'cpu_percent': cpu, 'ram_used_percent': ram,
                    'disk_free_percent': disk,
                    } for i, (cpu, ram, disk) in enumerate([
                        (10.0, 40.0, 50.0), (20.0, 45.0, 49.0),
                        (60.0, 42.0, 48.5), (95.0, 80.0, 30.0)])])
        rows = Hourly.search([], order=[('date', 'ASC')])
        self.assertEqual(
            [(r.date, r.samples, r.cpu_percent, r.cpu_max,
                    r.ram_used_percent, r.disk_free_percent)
                for r in rows], [
                (start, 3, 30.0, 60.0, 45.0, 48.5),
                (start + dt.timedelta(hours=1), 1, 95.0, 95.0, 80.0, 30.0),
                ])
        self.assertEqual(len(Hourly.search(
                    [('date', '>=', start + dt.timedelta(minutes=30))])), 1)

    def test_manifest_json(self):
        "A manifest written to a JSON file reads back the same (R5.17)"
        with tempfile.TemporaryDirectory() as root:
            with open(os.path.join(root, 'a.py'), 'w') as file:
                file.write('print("сәлем")\n')
            os.makedirs(os.path.join(root, '__pycache__'))
            with open(os.path.join(root, '__pycache__', 'a.pyc'), 'w'):
                pass
            files = manifest.scan([root])
            self.assertEqual(list(files), [os.path.join(root, 'a.py')])
            path = os.path.join(root, 'manifest.json')
            manifest.dump(files, path)
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
            self.assertEqual(manifest.load(path), files)
            self.assertEqual(manifest.compare(files, files), ([], [], []))

    def test_command_manifest(self):
        """scripts/system_files.py builds and verifies a JSON manifest
        without a database; its exit status tells a modified file
        (R5.17)"""
        script = os.path.join(os.path.dirname(__file__), '..', '..', '..',
            'scripts', 'system_files.py')
        if not os.path.exists(script):
            self.skipTest("not run from the Bilim ERP repository")

        def command(*args):
            return subprocess.run([sys.executable, script, *args],
                capture_output=True, text=True, timeout=120)

        with tempfile.TemporaryDirectory() as root:
            code = os.path.join(root, 'code')
            os.makedirs(code)
            with open(os.path.join(code, 'model.py'), 'w') as file:
                file.write('x = 1\n')
            path = os.path.join(root, 'manifest.json')
            result = command('verify', '--manifest', path, '--root', code)
            self.assertEqual(result.returncode, 2, result.stderr)
            result = command('build', '--manifest', path, '--root', code)
            self.assertEqual(result.returncode, 0, result.stderr)
            result = command('verify', '--manifest', path, '--root', code)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn('intact: 1 files', result.stdout)
            with open(os.path.join(code, 'model.py'), 'a') as file:
                file.write('y = 2\n')
            result = command('verify', '--manifest', path, '--root', code)
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertIn(
                'changed\t' + os.path.join(code, 'model.py'), result.stdout)

    @with_transaction()
    def test_system_files(self):
        """The manifest detects a changed, an added and a removed file and
        reports them as a critical security event (R5.17)"""
        pool = Pool()
        SystemFile = pool.get('edu.monitoring.file')
        Configuration = pool.get('edu.monitoring.configuration')
        Event = pool.get('edu.security.event')
        with tempfile.TemporaryDirectory() as root:
            code = os.path.join(root, 'code')
            os.makedirs(os.path.join(code, 'pkg'))
            conf = os.path.join(root, 'trytond.conf')
            for path, text in [
                    (os.path.join(code, 'pkg', 'model.py'), 'x = 1\n'),
                    (os.path.join(code, 'pkg', 'view.xml'), '<form/>\n'),
                    (conf, '[database]\n')]:
                with open(path, 'w') as file:
                    file.write(text)
            config = Configuration(1)
            config.file_roots = f'{code}\n{conf}'
            config.save()

            # without a manifest, nothing to compare
            self.assertEqual(SystemFile.verify(), ([], [], []))
            with self.assertRaises(UserError):
                Configuration.verify_manifest([config])

            self.assertEqual(SystemFile.build(), 3)
            self.assertEqual(
                {(f.path[len(root):], f.kind) for f in SystemFile.search([])},
                {('/code/pkg/model.py', 'code'),
                    ('/code/pkg/view.xml', 'code'),
                    ('/trytond.conf', 'config')})
            self.assertEqual(SystemFile.verify(), ([], [], []))
            self.assertEqual(
                Event.search([('kind', '=', 'system_files'),
                        ('severity', '=', 'critical')]), [])

            with open(os.path.join(code, 'pkg', 'model.py'), 'a') as file:
                file.write('import os; os.system("id")\n')
            with open(os.path.join(code, 'pkg', 'backdoor.py'), 'w') as file:
                file.write('pass\n')
            os.remove(os.path.join(code, 'pkg', 'view.xml'))
            added, removed, changed = SystemFile.verify()
            self.assertEqual(added, [os.path.join(code, 'pkg', 'backdoor.py')])
            self.assertEqual(removed, [os.path.join(code, 'pkg', 'view.xml')])
            self.assertEqual(changed, [os.path.join(code, 'pkg', 'model.py')])
            event, = Event.search([('kind', '=', 'system_files'),
                    ('severity', '=', 'critical')])
            for name in ['backdoor.py', 'view.xml', 'model.py']:
                self.assertIn(name, event.description)

            # the button answers in the notifications of the user
            Configuration.verify_manifest([config])
            Notification = pool.get('res.notification')
            notification, = Notification.search([])
            self.assertIn('3', notification.label)

            # a new reference accepts the files as they are
            self.assertEqual(SystemFile.build(), 3)
            self.assertEqual(SystemFile.verify(), ([], [], []))

    @with_transaction()
    def test_system_log(self):
        """The new lines of the system log are read once and the matching
        ones reported as security events (R5.20)"""
        pool = Pool()
        SystemLog = pool.get('edu.monitoring.system_log')
        Configuration = pool.get('edu.monitoring.configuration')
        Event = pool.get('edu.security.event')
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, 'auth.log')
            with open(path, 'w') as file:
                file.write(
                    'Nov 27 10:00:01 srv sshd[1]: Accepted publickey for '
                    'deploy\n'
                    'Nov 27 10:00:02 srv sshd[2]: Failed password for root '
                    'from 203.0.113.9 port 22 ssh2\n'
                    'Nov 27 10:00:03 srv sudo: pam_unix(sudo:auth): '
                    'authentication failure; user=www-data\n'
                    'Nov 27 10:00:04 srv sudo: bolat : user NOT in sudoers\n'
                    '2026-11-27 10:00:05 ERROR trytond.wsgi boom\n'
                    'Nov 27 10:00:06 srv sshd[3]: Failed password for ')
            config = Configuration(1)
            config.log_path = path
            config.save()

            events = SystemLog.read_log()
            self.assertEqual([(e.kind, e.severity) for e in events], [
                    ('system_log', 'warning'),
                    ('system_log', 'warning'),
                    ('system_log', 'critical'),
                    ('system_log', 'warning'),
                    ])
            self.assertIn('203.0.113.9', events[0].description)
            self.assertEqual(events[0].source, path)
            # read once
            self.assertEqual(SystemLog.read_log(), [])

            # the line not ended yet is read when it is complete
            with open(path, 'a') as file:
                file.write('admin from 198.51.100.7 port 22 ssh2\n'
                    'Nov 27 10:01:00 srv CRON[9]: session opened\n')
            event, = SystemLog.read_log()
            self.assertIn('198.51.100.7', event.description)
            self.assertEqual(SystemLog.read_log(), [])

            # a rotated log is read from its start
            os.rename(path, path + '.1')
            with open(path, 'w') as file:
                file.write('2026-11-27 11:00:00 CRITICAL trytond down\n')
            event, = SystemLog.read_log()
            self.assertEqual(event.severity, 'critical')

            # a log that disappears is reported once
            os.remove(path)
            event, = SystemLog.read_log()
            self.assertEqual(event.severity, 'warning')
            self.assertEqual(SystemLog.read_log(), [])
            self.assertEqual(
                len(Event.search([('kind', '=', 'system_log')])), 7)


del ModuleTestCase
