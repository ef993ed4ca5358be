# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of edu_privacy: encryption at rest (R10), key rotation, blind
indexes, masked journal (R5.13) and integrity control (R5.16)."""
import base64
import contextlib
import datetime as dt
import json
import os
import tempfile
import unittest

from sql import Table

import trytond.config as config
from trytond.modules.company.tests import create_company
from trytond.modules.edu_base.kz_id import make_iin
from trytond.modules.edu_privacy import crypto
from trytond.modules.edu_privacy.exceptions import (
    IntegrityRefusedError, PrivacyKeyError, SearchError)
from trytond.modules.edu_privacy.restricted import (
    RESTRICTED, dump_value, load_value)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

TABLE = Table('edu_person_restricted')
VALUES = {
    'health_group': '3',
    'chronic_conditions': "Бронх демікпесі / бронхиальная астма",
    'allergies': "Penicillin-Allergie-77",
    'social_categories': ['large_family', 'low_income'],
    'disability_group': 'child',
    'disability_until': dt.date(2027, 5, 31),
    'disability_certificate': "MSE-2026-004512",
    }


def new_key(key_id):
    return f'{key_id}:{crypto.generate_key()}'


@contextlib.contextmanager
def privacy_keys(text, option=crypto.OPTION):
    """Configure [bilim_privacy] keys = text (None: no key) for a while,
    whatever the environment says (keys_file is emptied too)"""
    if not config.has_section(crypto.SECTION):
        config.add_section(crypto.SECTION)
    options = [option] if option != crypto.OPTION else [
        crypto.OPTION, crypto.FILE_OPTION]
    saved = {o: config.get(crypto.SECTION, o, default='') for o in options}
    for name in options:
        config.set(crypto.SECTION, name,
            (text or '') if name == option else '')
    try:
        yield
    finally:
        for name, value in saved.items():
            config.set(crypto.SECTION, name, value)


def _person(serial, school=None, last="Сынақов"):
    Party = Pool().get('party.party')
    if school is None:
        school = create_company().id
    party, = Party.create([{
                'is_person': True,
                'organisation': school,
                'last_name': last,
                'first_name': "Тест",
                'iin': make_iin(dt.date(2012, 3, 4), 'female', serial),
                }])
    return party


def _raw(record_id):
    "The stored row, read by SQL"
    cursor = Transaction().connection.cursor()
    columns = [f'{n}_cipher' for n in RESTRICTED] + [
        'disability_group_index', 'social_categories_index', 'key_id',
        'checksum']
    cursor.execute(*TABLE.select(*(getattr(TABLE, c) for c in columns),
            where=TABLE.id == record_id))
    row = dict(zip(columns, cursor.fetchone()))
    for name in RESTRICTED:
        if row[f'{name}_cipher'] is not None:
            row[f'{name}_cipher'] = bytes(row[f'{name}_cipher'])
    return row


class CryptoTestCase(unittest.TestCase):
    "The encryption primitives, without a database"

    def setUp(self):
        self.ring = crypto.KeyRing.from_text(
            new_key('k2') + ',\n' + new_key('k1'))

    def test_round_trip(self):
        "A value encrypted for a record and field decrypts back (R10)"
        cipher = self.ring.encrypt("астма", 'm', 7, 'allergies')
        self.assertEqual(self.ring.key_id_of(cipher), 'k2')
        self.assertNotIn("астма".encode('utf-8'), cipher)
        self.assertEqual(
            self.ring.decrypt(cipher, 'm', 7, 'allergies'), "астма")
        # a fresh nonce each time
        self.assertNotEqual(
            cipher, self.ring.encrypt("астма", 'm', 7, 'allergies'))

    def test_associated_data(self):
        "A ciphertext moved to another record or field does not decrypt"
        cipher = self.ring.encrypt("II", 'm', 7, 'disability_group')
        with self.assertRaises(crypto.DecryptError):
            self.ring.decrypt(cipher, 'm', 8, 'disability_group')
        with self.assertRaises(crypto.DecryptError):
            self.ring.decrypt(cipher, 'm', 7, 'health_group')
        tampered = bytearray(cipher)
        tampered[-1] ^= 1
        with self.assertRaises(crypto.DecryptError):
            self.ring.decrypt(bytes(tampered), 'm', 7, 'disability_group')

    def test_old_key_decrypts(self):
        "A key later in the ring decrypts, the first one encrypts"
        cipher = self.ring.encrypt("x", 'm', 1, 'f', key_id='k1')
        self.assertEqual(self.ring.key_id_of(cipher), 'k1')
        self.assertEqual(self.ring.decrypt(cipher, 'm', 1, 'f'), "x")
        alone = crypto.KeyRing(
            [(k, self.ring._keys[k]) for k in ['k2']])
        with self.assertRaises(crypto.KeyRingError) as cm:
            alone.decrypt(cipher, 'm', 1, 'f')
        self.assertEqual(cm.exception.reason, 'unknown')

    def test_wrong_key(self):
        "The same key id with other bytes does not decrypt"
        cipher = self.ring.encrypt("x", 'm', 1, 'f')
        other = crypto.KeyRing.from_text(new_key('k2'))
        with self.assertRaises(crypto.DecryptError):
            other.decrypt(cipher, 'm', 1, 'f')

    def test_parse_keys(self):
        "Missing, short, malformed or repeated keys are refused"
        for text, reason in [
                ('', 'missing'), (' , ', 'missing'),
                ('k1:' + base64.b64encode(os.urandom(16)).decode(),
                    'invalid'),
                ('k1:not-base64!', 'invalid'),
                (crypto.generate_key(), 'invalid'),
                (new_key('k1') + ',' + new_key('k1'), 'invalid'),
                ]:
            with self.subTest(text=text):
                with self.assertRaises(crypto.KeyRingError) as cm:
                    crypto.parse_keys(text)
                self.assertEqual(cm.exception.reason, reason)
        keys = crypto.parse_keys(crypto.format_keys(
                [('a', os.urandom(32)), ('b', os.urandom(32))]))
        self.assertEqual([k for k, _ in keys], ['a', 'b'])

    def test_blind_index_and_checksum(self):
        "Equal values give equal tokens; the checksum covers every part"
        self.assertEqual(self.ring.blind_index('g', 'child'),
            self.ring.blind_index('g', 'child'))
        self.assertNotEqual(self.ring.blind_index('g', 'child'),
            self.ring.blind_index('g', 'group_1'))
        self.assertNotEqual(self.ring.blind_index('g', 'child'),
            self.ring.blind_index('g', 'child', key_id='k1'))
        parts = [('a', b'\x01\x02'), ('b', None)]
        digest = self.ring.checksum('k2', 'm', 1, 5, parts)
        self.assertEqual(digest, self.ring.checksum('k2', 'm', 1, 5, parts))
        self.assertNotEqual(digest, self.ring.checksum('k2', 'm', 1, 6, parts))
        self.assertNotEqual(digest, self.ring.checksum(
                'k2', 'm', 1, 5, [('a', b'\x01\x03'), ('b', None)]))
        self.assertNotEqual(digest, self.ring.checksum(
                'k2', 'm', 1, 5, [('a', b'\x01\x02'), ('b', b'')]))

    def test_padding(self):
        "Selection values are padded to the same length"
        self.assertEqual(len(dump_value('selection', None)),
            len(dump_value('selection', 'group_1')))
        self.assertEqual(load_value('date', dump_value(
                    'date', dt.date(2027, 1, 2))), dt.date(2027, 1, 2))
        self.assertEqual(load_value('multiselection', dump_value(
                    'multiselection', ['b', 'a'])), ('a', 'b'))


class EduPrivacyTestCase(ModuleTestCase):
    "Test edu_privacy module"
    module = 'edu_privacy'

    def setUp(self):
        super().setUp()
        self.keys = new_key('k1')
        stack = contextlib.ExitStack()
        stack.enter_context(privacy_keys(self.keys))
        self.addCleanup(stack.close)

    def _create(self, person=None, **values):
        Restricted = Pool().get('edu.person.restricted')
        person = person or _person(1)
        record, = Restricted.create([{'person': person.id, **values}])
        return record

    @with_transaction()
    def test_round_trip(self):
        "The values are read back in clear by the ORM (R10)"
        Restricted = Pool().get('edu.person.restricted')
        record = self._create(**VALUES)
        record = Restricted(record.id)
        for name, value in VALUES.items():
            if name == 'social_categories':
                value = tuple(sorted(value))
            self.assertEqual(getattr(record, name), value, name)
        self.assertEqual(record.key_id, 'k1')
        self.assertEqual(record.rec_name, record.person.rec_name)

    @with_transaction()
    def test_no_plaintext_in_database(self):
        "The stored columns hold ciphertext only (read by SQL)"
        record = self._create(**VALUES)
        row = _raw(record.id)
        stored = b' '.join(v if isinstance(v, bytes) else str(v).encode()
            for v in row.values() if v is not None)
        for name, value in VALUES.items():
            values = value if isinstance(value, list) else [value]
            for v in values:
                text = v.isoformat() if isinstance(v, dt.date) else str(v)
                if len(text) < 5:
                    # one or two characters occur by chance in random bytes
                    continue
                self.assertNotIn(text.encode('utf-8'), stored, name)
        for name in RESTRICTED:
            cipher = row[f'{name}_cipher']
            self.assertEqual(crypto.KeyRing.key_id_of(cipher), 'k1')
        # an empty record is encrypted too: a NULL would tell "no value"
        empty = self._create(person=_person(2))
        self.assertTrue(all(_raw(empty.id)[f'{n}_cipher'] is not None
                for n in RESTRICTED))
        self.assertEqual(len(_raw(empty.id)['disability_group_cipher']),
            len(row['disability_group_cipher']))

    @with_transaction()
    def test_copied_ciphertext_fails(self):
        "A ciphertext copied to another record does not decrypt"
        Restricted = Pool().get('edu.person.restricted')
        first = self._create(**VALUES)
        second = self._create(person=_person(2))
        cursor = Transaction().connection.cursor()
        cursor.execute(*TABLE.update([TABLE.allergies_cipher],
                [TABLE.select(TABLE.allergies_cipher,
                        where=TABLE.id == first.id)],
                where=TABLE.id == second.id))
        with self.assertRaises(PrivacyKeyError):
            Restricted(second.id).allergies

    @with_transaction()
    def test_missing_key(self):
        "Without a key, a clear error and nothing written"
        Restricted = Pool().get('edu.person.restricted')
        person = _person(1)
        with privacy_keys(None):
            with self.assertRaises(PrivacyKeyError) as cm:
                Restricted.create([{'person': person.id, **VALUES}])
        self.assertIn('[bilim_privacy] keys', cm.exception.message)
        self.assertEqual(Restricted.search([], count=True), 0)

    @with_transaction()
    def test_keys_file(self):
        "The key ring may come from a file (a Docker or systemd secret)"
        Restricted = Pool().get('edu.person.restricted')
        record = self._create(**VALUES)
        with tempfile.NamedTemporaryFile('w', suffix='.keys') as fp:
            fp.write(self.keys + '\n')
            fp.flush()
            with privacy_keys(None), privacy_keys(fp.name,
                    option=crypto.FILE_OPTION):
                self.assertEqual(Restricted(record.id).allergies,
                    VALUES['allergies'])
            with privacy_keys(None), privacy_keys(fp.name + '.missing',
                    option=crypto.FILE_OPTION):
                with self.assertRaises(PrivacyKeyError):
                    Restricted(record.id).allergies

    @with_transaction()
    def test_wrong_key(self):
        "A wrong key refuses to read and to write; nothing is changed"
        Restricted = Pool().get('edu.person.restricted')
        record = self._create(**VALUES)
        before = _raw(record.id)
        with privacy_keys(new_key('k1')):
            with self.assertRaises(PrivacyKeyError) as cm:
                Restricted(record.id).allergies
            self.assertIn('"k1"', cm.exception.message)
            with self.assertRaises(PrivacyKeyError):
                Restricted.write([Restricted(record.id)],
                    {'allergies': "Жаңа"})
        self.assertEqual(_raw(record.id), before)
        with privacy_keys('k1:' + base64.b64encode(b'short').decode()):
            with self.assertRaises(PrivacyKeyError) as cm:
                Restricted(record.id).allergies
            self.assertIn('"k1"', cm.exception.message)

    @with_transaction()
    def test_rotation(self):
        "Rotation encrypts every value with the new key; the old key can go"
        pool = Pool()
        Restricted = pool.get('edu.person.restricted')
        AuditEntry = pool.get('edu.audit.entry')
        school = create_company().id
        records = [self._create(person=_person(n, school), **VALUES)
            for n in range(1, 4)]
        old = {r.id: _raw(r.id) for r in records}
        k2 = new_key('k2')
        with privacy_keys(k2 + ',' + self.keys):
            # before the rotation, the old key still decrypts
            self.assertEqual(Restricted(records[0].id).allergies,
                VALUES['allergies'])
            rotated, skipped = Restricted.rotate_keys(batch_size=2)
            self.assertEqual((rotated, skipped), (3, []))
            # nothing left to rotate
            self.assertEqual(Restricted.rotate_keys(), (0, []))
        with privacy_keys(k2):
            for record in records:
                row = _raw(record.id)
                self.assertEqual(row['key_id'], 'k2')
                for name in RESTRICTED:
                    self.assertEqual(crypto.KeyRing.key_id_of(
                            row[f'{name}_cipher']), 'k2')
                    self.assertNotEqual(row[f'{name}_cipher'],
                        old[record.id][f'{name}_cipher'])
                record = Restricted(record.id)
                self.assertEqual(record.disability_certificate,
                    VALUES['disability_certificate'])
            self.assertEqual(Restricted.check_integrity(), [])
            self.assertEqual(len(Restricted.search(
                        [('disability_group', '=', 'child')])), 3)
        entry, = AuditEntry.search([
                ('operation', '=', 'privacy_key_rotation')],
            order=[('id', 'ASC')], limit=1)
        self.assertEqual(json.loads(entry.changes)['rotated'], 3)

    @with_transaction()
    def test_blind_index_search(self):
        "The disability group and social status are searched for equality"
        Restricted = Pool().get('edu.person.restricted')
        school = create_company().id
        child = self._create(person=_person(1, school), **VALUES)
        adult = self._create(person=_person(2, school),
            disability_group='group_2', social_categories=['orphan'])
        none = self._create(person=_person(3, school))

        def ids(domain):
            return {r.id for r in Restricted.search(domain)}
        self.assertEqual(ids([('disability_group', '=', 'child')]),
            {child.id})
        self.assertEqual(ids([('disability_group', 'in',
                        ['child', 'group_2'])]), {child.id, adult.id})
        self.assertEqual(ids([('disability_group', '=', None)]), {none.id})
        self.assertEqual(ids([('disability_group', '!=', 'child')]),
            {adult.id, none.id})
        self.assertEqual(ids([('social_categories', 'in', ['low_income'])]),
            {child.id})
        self.assertEqual(ids([('social_categories', 'in',
                        ['orphan', 'large_family'])]), {child.id, adult.id})
        self.assertEqual(ids([('social_categories', 'not in',
                        ['orphan'])]), {child.id, none.id})
        self.assertEqual(ids([('social_categories', '=', None)]), {none.id})
        with self.assertRaises(SearchError):
            Restricted.search([('disability_group', 'ilike', '%chi%')])
        # the other values cannot be searched at all
        with self.assertRaises(Exception):
            Restricted.search([('allergies', 'ilike', '%Pen%')])
        # a change moves the record in the index
        Restricted.write([child], {'disability_group': 'group_1'})
        self.assertEqual(ids([('disability_group', '=', 'child')]), set())
        self.assertEqual(ids([('disability_group', '=', 'group_1')]),
            {child.id})

    @with_transaction()
    def test_journal_masked(self):
        "Creation, change and deletion are journalled, values masked"
        pool = Pool()
        Restricted = pool.get('edu.person.restricted')
        AuditEntry = pool.get('edu.audit.entry')
        record = self._create(**VALUES)
        Restricted.write([record], {'allergies': "Жаңғақ"})
        # writing the same value again is not a change
        Restricted.write([record], {'allergies': "Жаңғақ"})
        Restricted.delete([record])
        entries = AuditEntry.search([
                ('model', '=', 'edu.person.restricted'),
                ('record_id', '=', record.id),
                ], order=[('id', 'ASC')])
        self.assertEqual([e.action for e in entries],
            ['create', 'write', 'delete'])
        created = json.loads(entries[0].changes)
        self.assertEqual(created['disability_group'], [None, '********'])
        self.assertIn('person', created)
        # empty values are masked too: the journal does not tell which
        # restricted values a person has
        empty = self._create(person=_person(2))
        entry, = AuditEntry.search([
                ('model', '=', 'edu.person.restricted'),
                ('record_id', '=', empty.id)])
        self.assertEqual(json.loads(entry.changes)['disability_group'],
            [None, '********'])
        self.assertEqual(set(json.loads(entry.changes)),
            {'person', *RESTRICTED})
        self.assertEqual(json.loads(entries[1].changes),
            {'allergies': ['********', '********']})
        text = ' '.join(e.changes for e in entries)
        for value in ["Жаңғақ", VALUES['allergies'], 'child',
                'large_family', VALUES['disability_certificate']]:
            self.assertNotIn(value, text)
        self.assertIsNone(AuditEntry.verify_chain())

    @with_transaction()
    def test_integrity_event(self):
        "A row changed by SQL is reported as a critical security event"
        pool = Pool()
        Restricted = pool.get('edu.person.restricted')
        Event = pool.get('edu.security.event')
        Cron = pool.get('ir.cron')
        school = create_company().id
        intact = self._create(person=_person(1, school), **VALUES)
        record = self._create(person=_person(2, school), **VALUES)
        moved = self._create(person=_person(3, school))
        cron, = Cron.search([('method', '=',
                    'edu.person.restricted|cron_verify_integrity')])
        Cron.run_once([cron])
        self.assertEqual(Event.search([('kind', '=', 'integrity')]), [])

        cursor = Transaction().connection.cursor()
        # a ciphertext replaced by the one of another record
        cursor.execute(*TABLE.update([TABLE.disability_group_cipher],
                [TABLE.select(TABLE.disability_group_cipher,
                        where=TABLE.id == intact.id)],
                where=TABLE.id == record.id))
        # the data of a person given to another one
        cursor.execute(*TABLE.update([TABLE.person], [_person(4, school).id],
                where=TABLE.id == moved.id))
        Restricted._clear_cache([record.id, moved.id])
        Cron.run_once([cron])
        events = Event.search([('kind', '=', 'integrity')],
            order=[('record', 'ASC')])
        self.assertEqual(sorted(e.record for e in events), sorted([
                    f'edu.person.restricted,{record.id}',
                    f'edu.person.restricted,{moved.id}']))
        self.assertTrue(all(e.severity == 'critical' for e in events))
        self.assertTrue(all(e.source == 'edu_privacy' for e in events))
        self.assertEqual(Restricted.check_integrity(report=False),
            [(record.id, 'checksum'), (moved.id, 'checksum')])
        # the tampered record is not sealed again, neither by a change nor
        # by a rotation
        with self.assertRaises(IntegrityRefusedError):
            Restricted.write([Restricted(moved.id)], {'allergies': "x"})
        with privacy_keys(new_key('k2') + ',' + self.keys):
            rotated, skipped = Restricted.rotate_keys()
        self.assertEqual(rotated, 1)
        self.assertEqual(sorted(skipped), sorted([record.id, moved.id]))
        # a record that does not decrypt any more can still be deleted
        with self.assertRaises(PrivacyKeyError):
            Restricted(record.id).disability_group
        Restricted.delete([Restricted(record.id)])
        self.assertEqual(Restricted.search([('id', '=', record.id)]), [])

    @with_transaction()
    def test_cron_without_key(self):
        "The daily check that cannot run for want of a key is reported"
        pool = Pool()
        Event = pool.get('edu.security.event')
        Cron = pool.get('ir.cron')
        cron, = Cron.search([('method', '=',
                    'edu.person.restricted|cron_verify_integrity')])
        with privacy_keys(None):
            # nothing to check, nothing to report
            Cron.run_once([cron])
            self.assertEqual(Event.search([('kind', '=', 'integrity')]), [])
        self._create(**VALUES)
        with privacy_keys(None):
            Cron.run_once([cron])
        event, = Event.search([('kind', '=', 'integrity')])
        self.assertEqual(event.severity, 'critical')
        self.assertIn('[bilim_privacy] keys', event.description)

    @with_transaction()
    def test_unknown_key_reported(self):
        "A record whose key was removed is reported, not silently skipped"
        Restricted = Pool().get('edu.person.restricted')
        record = self._create(**VALUES)
        with privacy_keys(new_key('k9')):
            self.assertEqual(Restricted.check_integrity(report=False),
                [(record.id, 'unknown_key')])
            with self.assertRaises(PrivacyKeyError) as cm:
                Restricted(record.id).allergies
            self.assertIn('"k1"', cm.exception.message)


del ModuleTestCase
