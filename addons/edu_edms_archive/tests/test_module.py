# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""edu_edms_archive: the module and its pure helpers (masking of the IIN,
retention dates, folder names, XML of the cards, the QR code, the JSON
Schema).  The database tests are test_archive.py and
scenario_edms_archive.rst (R22.11, R22.12, R22.13)."""
import datetime as dt
import json
import unittest
from xml.etree import ElementTree as ET

from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase

from trytond.modules.edu_edms_archive import archive, export, printout


class HelpersTestCase(unittest.TestCase):
    "The helpers without a database"

    def test_mask_iin(self):
        "Only the first 6 digits (the birth date) of an IIN are shown"
        self.assertEqual(printout.mask_iin('800101300125'), '800101******')
        self.assertEqual(printout.mask_iin(None), '')
        self.assertEqual(printout.mask_iin(''), '')

    def test_retention_until(self):
        "31 December of the year + retention; None is permanent (R22.13)"
        self.assertEqual(archive.retention_until(2026, 5),
            dt.date(2031, 12, 31))
        self.assertEqual(archive.retention_until(2015, 3),
            dt.date(2018, 12, 31))
        self.assertIsNone(archive.retention_until(2026, 0))
        self.assertIsNone(archive.retention_until(2026, None))

    def test_folder_name(self):
        "Document numbers become unique, safe folder names (R22.12)"
        used = set()
        self.assertEqual(export.folder_name('01-05/12', used, 7), '01-05_12')
        self.assertEqual(export.folder_name('01-05/12', used, 8),
            '01-05_12-8')
        self.assertEqual(export.folder_name('../..', used, 9), 'document-9')
        self.assertEqual(export.folder_name(None, used, 10), 'document-10')
        self.assertEqual(export.folder_name('Ө/П-3', used, 11), 'Ө_П-3')

    def test_safe_name(self):
        self.assertEqual(printout.safe_name('../../etc/passwd'), 'passwd')
        self.assertEqual(printout.safe_name('C:\\x\\бұйрық 1.pdf'),
            'бұйрық_1.pdf')
        self.assertEqual(printout.safe_name('..', 'file-3'), 'file-3')

    def test_card_xml(self):
        "The XML card keeps the structure and the Cyrillic text"
        data = {'number': '01-05/1', 'summary': "Бұйрық <1> & 2",
            'date': dt.date(2026, 9, 1), 'correspondent': None,
            'files': [{'name': 'a.txt', 'main': True}]}
        root = ET.fromstring(export.to_xml('card', data))
        ns = '{%s}' % export.XML_NAMESPACE
        self.assertEqual(root.find(ns + 'summary').text, "Бұйрық <1> & 2")
        self.assertEqual(root.find(ns + 'date').text, '2026-09-01')
        self.assertEqual(root.find(ns + 'correspondent').get('nil'), 'true')
        item = root.find(f'{ns}files/{ns}item')
        self.assertEqual(item.find(ns + 'main').text, 'true')

    def test_schema(self):
        "The card schema is JSON Schema 2020-12 and names its fields"
        schema = json.loads(json.dumps(export.CARD_SCHEMA))
        self.assertEqual(schema['$schema'],
            'https://json-schema.org/draft/2020-12/schema')
        for name in schema['required']:
            self.assertIn(name, schema['properties'])
        signature = schema['properties']['signatures']['items']
        for name in signature['required']:
            self.assertIn(name, signature['properties'])

    def test_qr_png(self):
        "The QR code is a PNG image"
        data = printout.qr_png('https://edu.example.kz/bilim/edms/verify/x')
        self.assertEqual(data[:8], b'\x89PNG\r\n\x1a\n')

    def test_to_json(self):
        value = json.loads(printout.to_json({'at': dt.datetime(2026, 1, 2,
                        3, 4, 5), 'name': "Әлиева"}))
        self.assertEqual(value, {'at': '2026-01-02T03:04:05',
                'name': "Әлиева"})


class EduEdmsArchiveTestCase(CompanyTestMixin, ModuleTestCase):
    "Test edu_edms_archive module"
    module = 'edu_edms_archive'


del ModuleTestCase
