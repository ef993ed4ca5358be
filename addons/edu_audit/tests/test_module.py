# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import contextlib
import datetime as dt
import json
from unittest.mock import patch

from sql import Table

from trytond import backend
from trytond.modules.company.tests import create_company
from trytond.modules.edu_audit.audit import compute_hash, mask_iin
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


del ModuleTestCase
