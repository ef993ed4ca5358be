# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import contextlib
import datetime as dt
import io
import json
import re
import zipfile
from collections import Counter
from unittest.mock import patch

from sql import Table

from trytond import backend
from trytond.modules.company.tests import create_company
from trytond.modules.edu_audit.audit import compute_hash, mask_iin
from trytond.modules.edu_audit.statistics import SUBSYSTEM_FOLD
from trytond.modules.edu_base.kz_id import make_iin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


def _school():
    "Return the id of a new organisation"
    return create_company().id


def _person_values(serial, school, last="Сынақов"):
    return {
        'is_person': True,
        'organisation': school,
        'last_name': last,
        'first_name': "Тест",
        'iin': make_iin(dt.date(1997, 1, 15), 'male', serial),
        }


class EduAuditTestCase(ModuleTestCase):
    "Test edu_audit module"
    module = 'edu_audit'

    def test_mask_iin(self):
        "An IIN is journalled with its middle digits hidden (R5.16)"
        self.assertEqual(mask_iin('970115300123'), '9701******23')
        self.assertEqual(mask_iin('12345'), '*****')
        self.assertEqual(mask_iin(None), '')

    def test_hash_canonical(self):
        "The hash covers the content and the previous hash"
        values = {'date': dt.datetime(2026, 1, 2, 3, 4, 5, 6),
            'action': 'write', 'changes': '{}', 'previous_hash': 'a' * 64}
        digest = compute_hash(values)
        self.assertEqual(len(digest), 64)
        self.assertEqual(digest, compute_hash(dict(values)))
        self.assertEqual(digest, compute_hash({**values, 'description': ''}))
        self.assertNotEqual(
            digest, compute_hash({**values, 'previous_hash': 'b' * 64}))
        self.assertNotEqual(digest, compute_hash({**values, 'user': 1}))

    @with_transaction()
    def test_log_action(self):
        "A critical action is journalled with the IP address and masked"
        pool = Pool()
        AuditEntry = pool.get('edu.audit.entry')
        User = pool.get('res.user')
        admin = User(1)
        # SQLite has no server log: the line goes to Python's logging; on
        # PostgreSQL it goes through bilim_audit_log() to the server log
        sqlite = backend.name == 'sqlite'
        logs = (self.assertLogs('bilim.audit', 'WARNING') if sqlite
            else contextlib.nullcontext())
        with Transaction().set_context(
                _request={'remote_addr': '10.0.0.7'}), logs as captured:
            entry, = AuditEntry.log_action('mfa_reset', records=[admin],
                description="Second factor reset",
                details={'iin': '970115300123', 'password': 'secret',
                    'reason': "lost phone"})
        if sqlite:
            self.assertIn('mfa_reset', captured.output[0])
            self.assertIn('ip=10.0.0.7', captured.output[0])
        else:
            cursor = Transaction().connection.cursor()
            cursor.execute("SELECT COUNT(*) FROM pg_proc "
                "WHERE proname = 'bilim_audit_log'")
            self.assertEqual(cursor.fetchone()[0], 1)
        self.assertEqual(entry.action, 'critical')
        self.assertEqual(entry.operation, 'mfa_reset')
        self.assertEqual(entry.ip_address, '10.0.0.7')
        self.assertEqual(entry.user, admin)
        self.assertEqual(entry.model, 'res.user')
        self.assertEqual(entry.record_id, admin.id)
        self.assertEqual(json.loads(entry.changes), {
                'iin': '9701******23', 'password': '********',
                'reason': "lost phone"})
        self.assertIsNone(AuditEntry.verify_chain())

    @with_transaction()
    def test_batch_append(self):
        "The persons created together are journalled in one create"
        pool = Pool()
        Party = pool.get('party.party')
        AuditEntry = pool.get('edu.audit.entry')
        school = _school()
        with patch.object(AuditEntry, 'create',
                wraps=AuditEntry.create) as create:
            parties = Party.create(
                [_person_values(n, school) for n in range(1, 6)])
        self.assertEqual(create.call_count, 1)
        entries = AuditEntry.search([
                ('model', '=', 'party.party'), ('action', '=', 'create')])
        self.assertEqual(
            {e.record_id for e in entries}, {p.id for p in parties})
        with patch.object(AuditEntry, 'create',
                wraps=AuditEntry.create) as create:
            Party.write(parties, {'first_name': "Жаңа"})
        self.assertEqual(create.call_count, 1)
        self.assertIsNone(AuditEntry.verify_chain())

    @with_transaction()
    def test_chain_links(self):
        "Each entry chains on the one before it"
        pool = Pool()
        Party = pool.get('party.party')
        AuditEntry = pool.get('edu.audit.entry')
        school = _school()
        Party.create([_person_values(n, school) for n in range(1, 4)])
        entries = AuditEntry.search([], order=[('id', 'ASC')])
        self.assertGreaterEqual(len(entries), 3)
        for before, after in zip(entries, entries[1:]):
            self.assertEqual(after.previous_hash, before.hash)

    @with_transaction()
    def test_removed_entries_detected(self):
        "Entries removed in the database, last ones too, break the chain"
        pool = Pool()
        Party = pool.get('party.party')
        AuditEntry = pool.get('edu.audit.entry')
        school = _school()
        Party.create([_person_values(n, school) for n in range(1, 5)])
        entries = AuditEntry.search([], order=[('id', 'ASC')])
        table = Table('edu_audit_entry')
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete(where=table.id == entries[-1].id))
        self.assertEqual(AuditEntry.verify_chain(), entries[-2])
        cursor.execute(*table.delete(where=table.id == entries[1].id))
        self.assertEqual(AuditEntry.verify_chain(), entries[2])

    @with_transaction()
    def test_person_only(self):
        "An organisation's party is not personal data"
        pool = Pool()
        Party = pool.get('party.party')
        AuditEntry = pool.get('edu.audit.entry')
        _school()  # persons need an organisation in the context
        party, = Party.create([{'name': "ЖШС Сынақ"}])
        self.assertEqual(AuditEntry.search([
                    ('model', '=', 'party.party'),
                    ('record_id', '=', party.id)]), [])

    @with_transaction()
    def test_cron_reports_broken_chain(self):
        "The daily check reports a broken chain as a security event"
        pool = Pool()
        Party = pool.get('party.party')
        AuditEntry = pool.get('edu.audit.entry')
        school = _school()
        Event = pool.get('edu.security.event')
        Cron = pool.get('ir.cron')
        Party.create([_person_values(1, school)])
        cron, = Cron.search([
                ('method', '=', 'edu.audit.entry|cron_verify_chain')])
        Cron.run_once([cron])
        self.assertEqual(Event.search([('kind', '=', 'audit_chain')]), [])
        entry, = AuditEntry.search([('model', '=', 'party.party')])
        table = Table('edu_audit_entry')
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.changes], ['{}'],
                where=table.id == entry.id))
        Cron.run_once([cron])
        event, = Event.search([('kind', '=', 'audit_chain')])
        self.assertEqual(event.severity, 'critical')
        self.assertEqual(event.record, f'edu.audit.entry,{entry.id}')


    # -- statistics of use (R5.15) -----------------------------------------
    def _statistics_data(self):
        """Two schools; a user of school A with the roles teacher and HR
        officer, a user of school B with the role clerk; actions of both
        over two days, failed logins and a session"""
        pool = Pool()
        User = pool.get('res.user')
        Party = pool.get('party.party')
        AuditEntry = pool.get('edu.audit.entry')
        LoginFailure = pool.get('edu.login.failure')
        Session = pool.get('ir.session')
        ModelData = pool.get('ir.model.data')
        transaction = Transaction()
        school_a, school_b = _school(), _school()

        def role(name):
            return ModelData.get_id('edu_base', f'role_{name}')

        def user(login, school, roles):
            return User.create([{
                        'login': login, 'name': login,
                        'companies': [('add', [school])], 'company': school,
                        'roles': [('create', [{'role': role(r)}
                                    for r in roles])],
                        }])[0]
        u1 = user('stat.a', school_a, ['teacher', 'hr_officer'])
        u2 = user('stat.b', school_b, ['clerk'])
        yesterday = dt.datetime.now() - dt.timedelta(days=1)
        with transaction.set_user(u1.id):
            persons = Party.create(
                [_person_values(n, school_a) for n in range(1, 4)])
            Party.write(persons[:1], {'first_name': "Жаңа"})
            AuditEntry.log_action('stat_probe', records=[u1])
            AuditEntry.append([{'action': 'critical',
                        'operation': 'stat_probe', 'date': yesterday}])
            Session.new()
        with transaction.set_user(u2.id):
            Party.create(
                [_person_values(n, school_b, "Басқа") for n in range(5, 7)])
            AuditEntry.log_action('stat_probe')
        LoginFailure.create([
                {'date': yesterday, 'login': 'stat.a', 'user': u1.id,
                    'reason': 'wrong_password'},
                {'date': dt.datetime.now(), 'login': 'stat.b',
                    'user': u2.id, 'reason': 'wrong_password'},
                {'date': dt.datetime.now(), 'login': 'nobody',
                    'reason': 'unknown_login'},
                ])
        return school_a, school_b, u1, u2, role

    def _expected_journal(self, entries):
        "Return the counts of entries by (day, subsystem, user, action)"
        Model = Pool().get('ir.model')
        modules = {m.name: m.module for m in Model.search([])}

        def subsystem(model):
            module = modules.get(model)
            return SUBSYSTEM_FOLD.get(module, module)
        return Counter((e.date.date(), subsystem(e.model),
                e.user.id if e.user else None, e.action) for e in entries)

    @with_transaction()
    def test_statistics_counts(self):
        "The statistics count what a search of the journal finds (R5.15)"
        pool = Pool()
        Statistics = pool.get('edu.audit.statistics')
        AuditEntry = pool.get('edu.audit.entry')
        _, _, u1, u2, role = self._statistics_data()

        journal = Counter()
        others = Counter()
        for row in Statistics.search([]):
            key = (row.date, row.subsystem,
                row.user.id if row.user else None, row.kind)
            if row.kind in {'login_failure', 'session'}:
                others[key] += row.count
            else:
                journal[key] += row.count
        self.assertEqual(
            journal, self._expected_journal(AuditEntry.search([])))
        today = dt.date.today()
        self.assertEqual(journal[(today, 'edu_base', u1.id, 'create')], 3)
        self.assertEqual(journal[(today, 'edu_base', u2.id, 'create')], 2)
        self.assertEqual(journal[(today, 'res', u1.id, 'critical')], 1)
        self.assertEqual(journal[(today, None, u2.id, 'critical')], 1)
        self.assertEqual(journal[(
                    today - dt.timedelta(days=1), None, u1.id, 'critical')],
            1)
        failures = {k: v for k, v in others.items()
            if k[3] == 'login_failure'}
        self.assertEqual(failures, {
                (today - dt.timedelta(days=1), 'edu_security', u1.id,
                    'login_failure'): 1,
                (today, 'edu_security', u2.id, 'login_failure'): 1,
                (today, 'edu_security', None, 'login_failure'): 1,
                })
        self.assertEqual(others[(today, 'ir', u1.id, 'session')], 1)

        # the filters of the context
        with Transaction().set_context(user=u1.id):
            self.assertEqual({r.user for r in Statistics.search([])}, {u1})
        with Transaction().set_context(role=role('clerk')):
            self.assertEqual({r.user for r in Statistics.search([])}, {u2})
        with Transaction().set_context(subsystem='res'):
            self.assertEqual({r.subsystem for r in Statistics.search([])},
                {'res'})
        with Transaction().set_context(from_date=today, to_date=today):
            self.assertEqual({r.date for r in Statistics.search([])},
                {today})
        with Transaction().set_context(period='month'):
            rows = Statistics.search([('user', '=', u1.id)])
            self.assertTrue(all(r.date.day == 1 for r in rows))
            self.assertEqual(sum(r.count for r in rows if r.kind != 'session'
                    and r.kind != 'login_failure'),
                AuditEntry.search([('user', '=', u1.id)], count=True))

    @with_transaction()
    def test_statistics_roles(self):
        "An action counts under every role its author holds (R5.15)"
        pool = Pool()
        StatisticsRole = pool.get('edu.audit.statistics.role')
        AuditEntry = pool.get('edu.audit.entry')
        _, _, u1, u2, role = self._statistics_data()
        per_role = Counter()
        for row in StatisticsRole.search([('kind', 'in',
                        ['create', 'write', 'delete', 'critical'])]):
            per_role[(row.role.id if row.role else None,
                    row.user.id if row.user else None)] += row.count
        u1_entries = AuditEntry.search([('user', '=', u1.id)], count=True)
        u2_entries = AuditEntry.search([('user', '=', u2.id)], count=True)
        self.assertEqual(per_role[(role('teacher'), u1.id)], u1_entries)
        self.assertEqual(per_role[(role('hr_officer'), u1.id)], u1_entries)
        self.assertEqual(per_role[(role('clerk'), u2.id)], u2_entries)
        self.assertEqual(per_role[(role('teacher'), u2.id)], 0)
        # the ids of the rows are unique
        rows = StatisticsRole.search([])
        self.assertEqual(len({r.id for r in rows}), len(rows))
        with Transaction().set_context(role=role('teacher')):
            self.assertEqual({(r.role.id, r.user) for r in
                    StatisticsRole.search([])}, {(role('teacher'), u1)})

    @with_transaction()
    def test_statistics_isolation_and_export(self):
        """The auditor of a school counts the actions of its users only,
        exports them to XLSX, and the export is journalled (R5.15)"""
        pool = Pool()
        User = pool.get('res.user')
        Statistics = pool.get('edu.audit.statistics')
        StatisticsRole = pool.get('edu.audit.statistics.role')
        AuditEntry = pool.get('edu.audit.entry')
        ModelData = pool.get('ir.model.data')
        Export = pool.get('edu.audit.statistics.export', type='wizard')
        school_a, _, u1, u2, role = self._statistics_data()
        auditor, = User.create([{
                    'login': 'stat.auditor', 'name': "Бекова Жанар",
                    'companies': [('add', [school_a])], 'company': school_a,
                    'roles': [('create', [{'role': role('auditor')}])],
                    }])
        transaction = Transaction()
        with transaction.set_user(auditor.id):
            context = User.get_preferences(context_only=True)
            with transaction.set_context(context, _check_access=True):
                users = {r.user for r in Statistics.search([])}
                role_users = {r.user for r in StatisticsRole.search([])}
                self.assertIn(u1, users)
                self.assertNotIn(u2, users)
                self.assertNotIn(None, users)
                self.assertEqual(role_users, users)
                visible = Counter()
                for row in Statistics.search([('user', '=', u1.id)]):
                    visible[row.kind] += row.count

                session_id, _, _ = Export.create()
                today = dt.date.today()
                result = Export.execute(session_id, {'start': {
                            'from_date': today - dt.timedelta(days=1),
                            'to_date': today,
                            'period': 'total',
                            'grouping': 'user',
                            }}, 'export')
                Export.delete(session_id)
        self.assertIn(ModelData.get_id('edu_base', 'group_edu_auditor'),
            [g.id for g in auditor.groups])
        values = result['view']['defaults']
        self.assertTrue(values['file_name'].endswith('.xlsx'))
        book = zipfile.ZipFile(io.BytesIO(values['file']))
        strings = re.findall(r'<t[^>]*>([^<]*)</t>',
            book.read('xl/sharedStrings.xml').decode('utf-8'))
        sheet = book.read('xl/worksheets/sheet1.xml').decode('utf-8')
        cells = {}
        for attributes, content in re.findall(
                r'<c ([^>]*)>(.*?)</c>', sheet):
            ref = re.search(r'r="([A-Z]+\d+)"', attributes).group(1)
            value = re.search(r'<v>([^<]*)</v>', content).group(1)
            cells[ref] = (strings[int(value)]
                if 't="s"' in attributes else value)
        # user, action, operation, count; one row per (user, action, op.)
        rows = {}
        for n in range(2, values['count'] + 2):
            rows.setdefault(cells[f'A{n}'], Counter())[cells[f'B{n}']] += (
                int(float(cells[f'D{n}'])))
        self.assertEqual(cells['A1'], "User")
        self.assertNotIn(u2.rec_name, rows)
        totals = rows[u1.rec_name]
        kinds = dict(Statistics.fields_get(['kind'])['kind']['selection'])
        self.assertEqual({k: totals[kinds[k]] for k in visible}, visible)
        entry, = AuditEntry.search([('operation', '=', 'statistics_export')])
        self.assertEqual(entry.user, auditor)
        self.assertEqual(json.loads(entry.changes)['rows'], values['count'])


del ModuleTestCase
