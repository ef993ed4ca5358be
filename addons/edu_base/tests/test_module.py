# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import os

import polib

from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import create_company
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

LOCALE = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'locale')


def po_message(language, message_id):
    "Return the translation of an ir.message of edu_base from its .po file"
    path = os.path.join(LOCALE, f'{language}.po')
    context = f'model:ir.message,text:{message_id}'
    for entry in polib.pofile(path):
        if entry.msgctxt == context:
            return entry.msgstr
    raise AssertionError(f'{message_id} is missing from {path}')


class EduBaseTestCase(ModuleTestCase):
    "Test Edu Base module"
    module = 'edu_base'

    def _person(self, company, **values):
        Party = Pool().get('party.party')
        party, = Party.create([{
                    'is_person': True,
                    'last_name': "Сейітов",
                    'first_name': "Бауыржан",
                    'organisation': company.id,
                    **values,
                    }])
        return party

    def test_sqlite_cache_sync_keeps_transaction(self):
        """When Tryton's cache sync falls due as a transaction starts, the
        transaction stays transactional on SQLite (nothing autocommits)"""
        from trytond import backend
        from trytond.cache import MemoryCache
        from trytond.tests.test_tryton import DB_NAME
        if backend.name != 'sqlite':
            self.skipTest('SQLite only')
        pool = Pool(DB_NAME)
        pool.init()
        MemoryCache._clean_last = dt.datetime.now() - dt.timedelta(days=1)
        with Transaction().start(DB_NAME, 0) as transaction:
            self.assertGreater(MemoryCache._clean_last,
                dt.datetime.now() - dt.timedelta(hours=1), 'sync ran')
            self.assertIsNotNone(transaction.connection.isolation_level)
            Party = pool.get('party.party')
            party, = Party.create([{'name': 'Rolled back'}])
            transaction.rollback()
        with Transaction().start(DB_NAME, 0):
            self.assertFalse(Party.search([('name', '=', 'Rolled back')]))

    @with_transaction()
    def test_iin_checksum_message(self):
        "An invalid IIN is refused with the ir.message text (R19.1, R5.4)"
        company = create_company()
        with self.assertRaises(ValidationError) as cm:
            self._person(company, iin='900515300019')
        self.assertEqual(cm.exception.message,
            'The IIN "900515300019" of "Сейітов Бауыржан" is not valid: '
            'its control digit does not match.')

    @with_transaction()
    def test_iin_messages_by_reason(self):
        "Each reason of kz_id has its own message naming the IIN (R19.1)"
        company = create_company()
        name = "Сейітов Бауыржан"
        cases = [
            ('9005153000',
                f'The IIN "9005153000" of "{name}" must have exactly 12 '
                'digits.'),
            ('90051530001A',
                f'The IIN "90051530001A" of "{name}" must contain only '
                'digits.'),
            ('901315300013',  # month 13
                f'The IIN "901315300013" of "{name}" is not valid: its '
                'first six digits are not a date of birth.'),
            ('900515700013',  # century digit 7
                f'The IIN "900515700013" of "{name}" is not valid: its '
                'seventh digit must give the century and the sex (1 to 6).'),
            ]
        for iin, message in cases:
            with self.subTest(iin=iin):
                with self.assertRaises(ValidationError) as cm:
                    self._person(company, iin=iin)
                self.assertEqual(cm.exception.message, message)

    @with_transaction()
    def test_iin_future_message(self):
        "An IIN born in the future is refused (R19.1)"
        from trytond.modules.edu_base import kz_id
        company = create_company()
        iin = kz_id.make_iin(dt.date.today() + dt.timedelta(days=2), 'male', 1)
        with self.assertRaises(ValidationError) as cm:
            self._person(company, iin=iin)
        self.assertIn(f'"{iin}"', cm.exception.message)
        self.assertIn('its date of birth is in the future',
            cm.exception.message)

    @with_transaction()
    def test_iin_mismatch_messages(self):
        "Birth date and sex contradicting the IIN are refused (R19.1)"
        company = create_company()
        with self.assertRaises(ValidationError) as cm:
            self._person(company, iin='900515300018',
                birth_date=dt.date(1990, 5, 16))
        self.assertEqual(cm.exception.message,
            'The birth date 16.05.1990 of "Сейітов Бауыржан" does not match '
            'the IIN "900515300018", which gives 15.05.1990.')
        with self.assertRaises(ValidationError) as cm:
            # a failed creation stays in the transaction: another IIN
            self._person(company, iin='900515300028', sex='female')
        self.assertEqual(cm.exception.message,
            'The sex of "Сейітов Бауыржан" does not match the IIN '
            '"900515300028".')

    @with_transaction()
    def test_iin_not_person_message(self):
        "An organisation cannot carry an IIN (R19.1)"
        Party = Pool().get('party.party')
        with self.assertRaises(ValidationError) as cm:
            Party.create([{'name': "ЖШС Дала", 'iin': '900515300018'}])
        self.assertEqual(cm.exception.message,
            'Only a person can have an IIN; "ЖШС Дала" is not marked as a '
            'person.')

    @with_transaction()
    def test_bin_messages(self):
        "An invalid BIN is refused with the ir.message text (R19.1)"
        Party = Pool().get('party.party')
        cases = [
            ('040940000218', 'its control digit does not match.'),
            ('041340000218', 'its third and fourth digits must be a month '
                'of registration.'),
            ('040930000212', 'its fifth digit must be 4, 5 or 6 (kind of '
                'legal entity).'),
            ]
        for bin_, end in cases:
            with self.subTest(bin=bin_):
                with self.assertRaises(ValidationError) as cm:
                    Party.create([{'name': "ЖШС Дала", 'bin': bin_}])
                self.assertEqual(cm.exception.message,
                    f'The BIN "{bin_}" of "ЖШС Дала" is not valid: {end}')

    @with_transaction()
    def test_iin_unique_message(self):
        "A second person with the same IIN is refused (R19.1)"
        company = create_company()
        self._person(company, iin='900515300018')
        with self.assertRaises(UserError) as cm:
            self._person(company, iin='900515 300018',
                last_name="Басқа")
        self.assertEqual(cm.exception.message,
            'A person with this IIN is already registered.')

    @with_transaction()
    def test_iin_message_translated_en(self):
        "Without translation the message is English (R17)"
        company = create_company()
        with Transaction().set_context(language='en'):
            with self.assertRaises(ValidationError) as cm:
                self._person(company, iin='900515300019')
        self.assertEqual(cm.exception.message,
            'The IIN "900515300019" of "Сейітов Бауыржан" is not valid: '
            'its control digit does not match.')

    @with_transaction()
    def test_iin_message_translated_ru_kk(self):
        "The IIN error is shown in Russian or Kazakh (R17)"
        pool = Pool()
        Lang = pool.get('ir.lang')
        company = create_company()
        languages = Lang.search([('code', 'in', ['ru', 'kk'])])
        self.assertEqual(len(languages), 2)
        # only the root user may change the languages of the base data
        with Transaction().set_user(0):
            Lang.load_translations(languages)

        for language, iin in [('ru', '900515300019'), ('kk', '900515300017')]:
            with self.subTest(language=language):
                expected = po_message(language, 'msg_iin_checksum')
                self.assertTrue(expected, f'no {language} translation')
                with Transaction().set_context(language=language):
                    with self.assertRaises(ValidationError) as cm:
                        self._person(company, iin=iin)
                self.assertEqual(cm.exception.message, expected % {
                        'code': iin, 'party': "Сейітов Бауыржан"})
                self.assertNotIn('control digit', cm.exception.message)


del ModuleTestCase
