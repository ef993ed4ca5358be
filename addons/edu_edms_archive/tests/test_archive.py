# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""edu_edms_archive on a database (R22.11, R22.12, R22.13): the printout
with stamps and QR code read back with pypdf, the package zip, the public
verification page through Tryton's WSGI application, the archive of a
closed case, the inventory and the full archive export whose signatures
re-verify from the exported files alone.  Runs on SQLite and PostgreSQL.
"""
import datetime as dt
import io
import json
import os
import re
import tempfile
import unittest
import zipfile
from xml.etree import ElementTree as ET

from werkzeug.test import Client

from trytond.model.exceptions import AccessError
from trytond.modules.edu_eds.cms import verify_cms
from trytond.modules.edu_eds.tests.tools import (
    configure_eds, load_translations, test_pki)
from trytond.modules.edu_eds.trust import TrustStore
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from trytond.modules.edu_edms_archive.exceptions import InventoryError
from trytond.modules.edu_edms_archive.export import MANIFEST, read_zip

MAIN = 'Бұйрық мәтіні: оқушыларды қабылдау туралы.\n'.encode('utf-8')
ANNEX = b'%PDF-1.4\n% annex\n'


def committed(func, user=0):
    "Run func in a transaction (retried for table locks), commit it"
    from trytond.transaction import TransactionError
    extras = {}
    while True:
        with Transaction().start(DB_NAME, user, **extras) as transaction:
            try:
                result = func()
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            transaction.commit()
            return result


def pdf_text(data):
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(data))
    return '\n'.join(page.extract_text() for page in reader.pages)


def squash(text):
    return re.sub(r'\s+', '', text)


def report(name, records, language, user):
    "Execute the report as user (access checks as in the client)"
    pool = Pool()
    Report = pool.get(name, type='report')
    User = pool.get('res.user')
    with Transaction().set_user(user):
        context = User.get_preferences(context_only=True)
        context['language'] = language
        with Transaction().set_context(context):
            ext, content, _, _ = Report.execute(
                [r.id for r in records], {})
    return ext, bytes(content)


class ArchiveTestCase(unittest.TestCase):
    "Printout, verification page, archive, inventory and export"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_edms_archive'])
        cls.pki = test_pki()

        def setup():
            load_translations()
            load_translations(module='edu_edms_archive')
            configure_eds(cls.pki)
            return cls._create_data(cls.pki)
        cls.ids = committed(setup)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @classmethod
    def _create_data(cls, pki):
        from trytond.modules.edu_base import kz_id
        pool = Pool()
        Currency = pool.get('currency.currency')
        Party = pool.get('party.party')
        Company = pool.get('company.company')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Case = pool.get('edu.edms.nomenclature')
        Document = pool.get('edu.edms.document')
        Signature = pool.get('edu.eds.signature')
        Date = pool.get('ir.date')
        year = Date.today().year
        ids = {}

        kzt, = Currency.create([{
                    'name': 'Tenge', 'code': 'KZT', 'symbol': '₸'}])
        schools = []
        for i, name in enumerate(["№1 мектеп", "№2 мектеп"]):
            party, = Party.create([{
                        'name': name,
                        'bin': kz_id.make_bin(2004, 9, 20 + i)}])
            school, = Company.create([{
                        'party': party.id, 'currency': kzt.id,
                        'edu_kind': 'school',
                        'kato': ModelData.get_id(
                            'edu_base', 'kato_110000000'),
                        'instruction_languages': ['kk', 'ru'],
                        }])
            schools.append(school)
        school, other = schools
        director_person, = Party.create([{
                    'is_person': True, 'last_name': "Сейітов",
                    'first_name': "Бауыржан",
                    'iin': kz_id.make_iin(dt.date(1980, 5, 17), 'male', 310),
                    'organisation': school.id}])
        director, clerk, outsider = User.create([{
                    'login': 'director', 'name': "Сейітов Бауыржан",
                    'person': director_person.id,
                    'companies': [('add', [school.id])],
                    'company': school.id,
                    'roles': [('create', [{'role': ModelData.get_id(
                                        'edu_base', 'role_director')}])],
                    }, {
                    'login': 'clerk', 'name': "Тоқтарова Мадина",
                    'companies': [('add', [school.id])],
                    'company': school.id,
                    'roles': [('create', [{'role': ModelData.get_id(
                                        'edu_base', 'role_clerk')}])],
                    }, {
                    'login': 'outsider', 'name': "Нұрланов Ерлан",
                    'companies': [('add', [school.id])],
                    'company': school.id,
                    'roles': [('create', [{'role': ModelData.get_id(
                                        'edu_base', 'role_teacher')}])],
                    }])
        ids.update(school=school.id, other=other.id, director=director.id,
            clerk=clerk.id, outsider=outsider.id,
            iin=director_person.iin, bin=school.party.bin)
        subject = pki.issue('archive_director', director_person.iin,
            bin=school.party.bin, roles=('legal', 'first_head'),
            organisation=school.party.name,
            full_name="СЕЙІТОВ БАУЫРЖАН")
        ids['serial'] = format(subject.serial, 'X')

        kind = ModelData.get_id('edu_edms', 'kind_internal')
        cases = Case.create([{
                    'company': school.id, 'year': year, 'index': '01-05',
                    'name': "Директордың бұйрықтары", 'retention_years': 5,
                    'article': '19а'}, {
                    'company': school.id, 'year': year, 'index': '01-01',
                    'name': "Жарғы", 'retention_years': 0}, {
                    'company': school.id, 'year': 2015, 'index': '02-01',
                    'name': "Хат алмасу", 'retention_years': 3}, {
                    'company': other.id, 'year': year, 'index': '01-05',
                    'name': "Басқа мектептің істері",
                    'retention_years': 5}])
        ids['cases'] = [c.id for c in cases]

        def document(company, case, summary, files):
            doc, = Document.create([{
                        'company': company.id, 'kind': kind,
                        'summary': summary, 'case': case.id,
                        'executor': director.id,
                        'files': [('create', [{'name': n, 'data': d}
                                    for n, d in files])],
                        }])
            return doc
        docs = [
            document(school, cases[0], "Оқушыларды қабылдау туралы",
                [('order.txt', MAIN), ('annex.pdf', ANNEX)]),
            document(school, cases[0], "Өзгертілетін құжат",
                [('changed.txt', b'original text\n')]),
            document(school, cases[1], "Мектеп жарғысы",
                [('charter.txt', b'charter\n')]),
            document(school, cases[2], "Ескі хат", [('old.txt', b'old\n')]),
            document(other, cases[3], "Құпия басқа мектеп",
                [('secret.txt', b'secret of B\n')]),
            ]
        ids['docs'] = [d.id for d in docs]
        for doc in docs[:4] + docs[4:]:
            content = doc.get_signed_content()
            Signature.add(doc, content, pki.sign_cms(subject, content),
                file_name=doc.get_main_file().name, user=director,
                company=doc.company)
        return ids

    def client(self):
        from trytond.wsgi import app
        return Client(app)

    # -- printout ----------------------------------------------------
    @with_transaction()
    def test_printout_pdf(self):
        "The PDF has the card, the stamp fields and the URL under the QR"
        Document = Pool().get('edu.edms.document')
        document = Document(self.ids['docs'][0])
        for language, stamp, label in [
                ('kk', "Электрондық цифрлық қолтаңбамен қол қойылды",
                    "Қол қойған"),
                ('ru', "Подписано ЭЦП", "Подписант")]:
            with self.subTest(language=language):
                ext, data = report('edu.edms.document.printout',
                    [document], language, self.ids['director'])
                self.assertEqual(ext, 'pdf')
                text = pdf_text(data)
                flat = squash(text)
                self.assertIn(squash(stamp), flat)
                self.assertIn(squash(label), flat)
                self.assertIn(squash(document.number), flat)
                self.assertIn(squash("Оқушыларды қабылдау туралы"), flat)
                self.assertIn(self.ids['iin'], flat)
                self.assertIn(self.ids['bin'], flat)
                self.assertIn(self.ids['serial'], flat)
                self.assertIn(squash("СЕЙІТОВ БАУЫРЖАН"), flat)
                token = Document(document.id).verify_token
                self.assertTrue(token and len(token) >= 24)
                self.assertIn(squash(
                        f'/{DB_NAME}/edms/verify/{token}'), flat)
        # the token stays the same once made
        report('edu.edms.document.printout', [document], 'ru',
            self.ids['clerk'])
        self.assertEqual(Document(document.id).verify_token, token)
        # a user who is not party to the document prints nothing
        for name in ['edu.edms.document.printout',
                'edu.edms.document.package']:
            with self.assertRaises(AccessError):
                report(name, [document], 'ru', self.ids['outsider'])

    @with_transaction()
    def test_package_zip(self):
        "The package holds files, DER CMS + JSON, the PDF and card.json"
        pool = Pool()
        Document = pool.get('edu.edms.document')
        document = Document(self.ids['docs'][0])
        ext, data = report('edu.edms.document.package', [document], 'kk',
            self.ids['director'])
        self.assertEqual(ext, 'zip')
        files = read_zip(data)
        self.assertEqual(files['files/order.txt'], MAIN)
        self.assertEqual(files['files/annex.pdf'], ANNEX)
        self.assertTrue(files['printout.pdf'].startswith(b'%PDF'))
        cms = files['signatures/1.cms']
        self.assertEqual(cms[:1], b'\x30')  # DER SEQUENCE
        signer = json.loads(files['signatures/1.json'])
        self.assertEqual(signer['iin'], self.ids['iin'])
        self.assertEqual(signer['status'], 'valid')
        card = json.loads(files['card.json'])
        self.assertEqual(card['number'], document.number)
        self.assertEqual(card['main_file'], 'order.txt')
        self.assertEqual(len(card['signatures']), 1)
        trust = TrustStore(self.pki.trusted_certificates())
        self.assertTrue(verify_cms(cms, files['files/order.txt'], trust,
                None).valid)
        # over the annex instead of the signed file: refused
        self.assertEqual(verify_cms(cms, files['files/annex.pdf'], trust,
                None).status, 'content_mismatch')

    # -- verification page ------------------------------------------
    def _token(self, index):
        with Transaction().start(DB_NAME, 0) as transaction:
            Document = Pool().get('edu.edms.document')
            token = Document.token_of(Document(self.ids['docs'][index]))
            transaction.commit()
        return token

    def test_verify_page(self):
        "The public page re-verifies and shows the card, IIN masked"
        token = self._token(0)
        client = self.client()
        response = client.get(f'/{DB_NAME}/edms/verify/{token}?lang=ru')
        self.assertEqual(response.status_code, 200)
        html = response.get_data(as_text=True)
        self.assertIn("Оқушыларды қабылдау туралы", html)
        self.assertIn("Подписано ЭЦП", html)
        self.assertIn("Все подписи документа действительны", html)
        self.assertIn('data-status="valid"', html)
        self.assertIn(self.ids['iin'][:6] + '******', html)
        self.assertNotIn(self.ids['iin'], html)
        self.assertNotIn(MAIN.decode('utf-8').strip(), html)
        self.assertIn("default-src 'none'",
            response.headers['Content-Security-Policy'])
        # Kazakh by Accept-Language
        response = client.get(f'/{DB_NAME}/edms/verify/{token}',
            headers={'Accept-Language': 'kk-KZ,kk;q=0.9'})
        self.assertIn("Электрондық цифрлық қолтаңбамен қол қойылды",
            response.get_data(as_text=True))

    def test_verify_page_stores_nothing(self):
        """Anonymous visits never write the stored result (e.g. an OCSP
        outage); the live result is reused for a while"""
        from unittest.mock import patch

        from trytond.modules.edu_edms_archive import verify
        verify.clear_cache()
        token = self._token(0)
        resource = 'edu.edms.document,%s' % self.ids['docs'][0]

        def stored():
            with Transaction().start(DB_NAME, 0):
                Signature = Pool().get('edu.eds.signature')
                return [(s.id, s.status, s.status_detail, s.verified_at,
                        s.write_date) for s in Signature.search(
                        [('resource', '=', resource)])]

        def last_check(status):
            def set_status():
                Signature = Pool().get('edu.eds.signature')
                Signature.write(Signature.search(
                        [('resource', '=', resource)]), {'status': status})
            committed(set_status)
        # the last check of the signature ran during an OCSP outage
        last_check('revocation_unknown')
        try:
            before = stored()
            self.assertTrue(before)
            client = self.client()
            with patch.object(verify, 'live_verifications',
                    wraps=verify.live_verifications) as live:
                for _ in range(2):
                    response = client.get(
                        f'/{DB_NAME}/edms/verify/{token}?lang=ru')
                    self.assertEqual(response.status_code, 200)
                    html = response.get_data(as_text=True)
                    self.assertIn('data-status="valid"', html)
                    self.assertNotIn('revocation_unknown', html)
            self.assertEqual(live.call_count, 1)
            self.assertEqual(stored(), before)
        finally:
            last_check('valid')

    def test_verify_page_unknown(self):
        "An unknown token or database is a 404 page"
        client = self.client()
        response = client.get(f'/{DB_NAME}/edms/verify/unknown-token')
        self.assertEqual(response.status_code, 404)
        self.assertIn("Документ с таким кодом проверки не найден",
            client.get(f'/{DB_NAME}/edms/verify/x?lang=ru').get_data(
                as_text=True))
        response = client.get('/no_such_database_x/edms/verify/abc')
        self.assertEqual(response.status_code, 404)

    def test_verify_page_tampered(self):
        "A file changed after signing is shown as not valid, in red"
        token = self._token(1)
        with Transaction().start(DB_NAME, 0) as transaction:
            File = Pool().get('edu.edms.file')
            Document = Pool().get('edu.edms.document')
            file, = Document(self.ids['docs'][1]).files
            File.write([file], {'data': b'forged text\n'})
            transaction.commit()
        try:
            response = self.client().get(
                f'/{DB_NAME}/edms/verify/{token}?lang=kk')
            html = response.get_data(as_text=True)
            self.assertEqual(response.status_code, 200)
            self.assertIn('data-status="content_mismatch"', html)
            self.assertNotIn("Құжаттың барлық қолтаңбалары жарамды.", html)
            # shown, not stored: the page writes nothing
            with Transaction().start(DB_NAME, 0):
                Signature = Pool().get('edu.eds.signature')
                signature, = Signature.search([('resource', '=',
                            'edu.edms.document,%s' % self.ids['docs'][1])])
                self.assertEqual(signature.status, 'valid')
        finally:
            with Transaction().start(DB_NAME, 0) as transaction:
                File.write([File(file.id)], {'data': b'original text\n'})
                transaction.commit()

    # -- archive -----------------------------------------------------
    @with_transaction()
    def test_close_case_archives(self):
        "Closing a case archives its documents, read-only, with retention"
        pool = Pool()
        Case = pool.get('edu.edms.nomenclature')
        Document = pool.get('edu.edms.document')
        File = pool.get('edu.edms.file')
        year = pool.get('ir.date').today().year
        cases = Case.browse(self.ids['cases'][:3])
        Case.close(cases)
        current, permanent, old = Document.browse(self.ids['docs'][:1]
            + self.ids['docs'][2:4])
        for document in (current, permanent, old):
            self.assertEqual(document.state, 'archived')
            self.assertIsNotNone(document.archive_date)
        self.assertEqual(current.retention_until, dt.date(year + 5, 12, 31))
        self.assertIsNone(permanent.retention_until)
        self.assertEqual(old.retention_until, dt.date(2018, 12, 31))
        # the document of school B is untouched
        self.assertNotEqual(Document(self.ids['docs'][4]).state, 'archived')
        with self.assertRaises(AccessError):
            Document.write([current], {'summary': "changed"})
        with self.assertRaises(AccessError):
            Document.write([current], {'state': 'registered'})
        file = File(current.files[0].id)
        self.assertEqual(file.document.state, 'archived')
        with self.assertRaises(AccessError):
            File.write([file], {'data': b'changed'})
        with self.assertRaises(AccessError):
            File.create([{'document': current.id, 'name': 'new.txt',
                        'data': b'new'}])
        with self.assertRaises(AccessError):
            File.delete([current.files[0]])
        # still printable: the token is stored whatever the state
        self.assertTrue(Document.token_of(current))
        # due for destruction: retention ended, nothing deleted
        today = pool.get('ir.date').today()
        due = Document.search([('state', '=', 'archived'),
                ('retention_until', '!=', None),
                ('retention_until', '<', today)])
        self.assertEqual([d.id for d in due], [old.id])

    @with_transaction()
    def test_inventory(self):
        "The inventory lists the closed cases, confirmed then transferred"
        pool = Pool()
        Case = pool.get('edu.edms.nomenclature')
        Inventory = pool.get('edu.edms.archive.inventory')
        year = pool.get('ir.date').today().year
        Case.close(Case.browse(self.ids['cases']))
        inventory, = Inventory.create([{
                    'company': self.ids['school'], 'year': year,
                    'number': '1', 'archive_name': "Облыстық мұрағат"}])
        with self.assertRaises(InventoryError):
            Inventory.confirm([inventory])
        Inventory.fill([inventory])
        inventory = Inventory(inventory.id)
        self.assertEqual([l.index for l in inventory.lines],
            ['01-01', '01-05'])
        orders = inventory.lines[1]
        self.assertEqual(orders.documents, 2)
        self.assertEqual(orders.retention_years, 5)
        self.assertEqual(inventory.documents, 3)
        Inventory.confirm([inventory])
        with self.assertRaises(AccessError):
            pool.get('edu.edms.archive.inventory.line').write(
                [orders], {'note': "x"})
        with self.assertRaises(InventoryError):
            Inventory.transfer([inventory])
        Inventory.write([inventory], {'transfer_date': dt.date.today(),
                'act_number': 'А-7'})
        Inventory.transfer([inventory])
        self.assertEqual(inventory.state, 'transferred')
        with self.assertRaises(AccessError):
            Inventory.delete([inventory])
        for language, words in [('kk', "істер тізімдемесі"),
                ('ru', "Опись дел")]:
            ext, data = report('edu.edms.archive.inventory.report',
                [inventory], language, self.ids['clerk'])
            self.assertEqual(ext, 'pdf')
            flat = squash(pdf_text(data))
            self.assertIn(squash(words), flat)
            self.assertIn(squash("Директордың бұйрықтары"), flat)
            self.assertIn('А-7', flat)
            self.assertNotIn(squash("Басқа мектептің"), flat)
        ext, data = report('edu.edms.archive.inventory.xlsx', [inventory],
            'ru', self.ids['clerk'])
        self.assertEqual(ext, 'xlsx')
        strings = zipfile.ZipFile(io.BytesIO(data)).read(
            'xl/sharedStrings.xml').decode('utf-8')
        self.assertIn("Опись дел № 1 за %s год" % year, strings)
        self.assertIn("Директордың бұйрықтары", strings)
        self.assertIn("Постоянно", strings)

    # -- export ------------------------------------------------------
    def check_export(self, data):
        "Re-read an export zip: manifest, counts, signatures, isolation"
        files = read_zip(data)
        manifest = json.loads(files[MANIFEST])
        self.assertEqual(set(manifest['files']), set(files) - {MANIFEST})
        import hashlib
        for path, digest in manifest['files'].items():
            self.assertEqual(hashlib.sha256(files[path]).hexdigest(),
                digest, path)
        index = json.loads(files['index.json'])
        schema = json.loads(files['schema/card.schema.json'])
        self.assertEqual(schema['$schema'],
            'https://json-schema.org/draft/2020-12/schema')
        ET.fromstring(files['index.xml'])
        cards = [p for p in files if p.endswith('/card.json')]
        self.assertEqual(index['count'], len(cards))
        self.assertEqual(len(index['documents']), len(cards))
        trust = TrustStore(self.pki.trusted_certificates())
        checked = 0
        for entry in index['documents']:
            folder = entry['folder']
            card = json.loads(files[f'{folder}/card.json'])
            for key in schema['required']:
                self.assertIn(key, card)
            ET.fromstring(files[f'{folder}/card.xml'])
            self.assertEqual(len(card['signatures']), entry['signatures'])
            by_name = {f['name']: f for f in card['files']}
            for signature in card['signatures']:
                cms = files[f"{folder}/{signature['cms']}"]
                signed = by_name[signature['file_name']]
                content = files[f"{folder}/{signed['path']}"]
                verification = verify_cms(cms, content, trust, None)
                self.assertTrue(verification.valid, verification.detail)
                self.assertEqual(verification.signer.cert.iin,
                    self.ids['iin'])
                json.loads(files[f"{folder}/signatures/"
                        f"{signature['n']}.json"])
                checked += 1
        self.assertGreaterEqual(checked, 1)
        everything = b''.join(files.values())
        self.assertNotIn('Құпия басқа мектеп'.encode('utf-8'), everything)
        self.assertNotIn(b'secret of B', everything)
        return index, files

    @with_transaction()
    def test_export(self):
        "The archive export re-reads, re-verifies and is isolated"
        pool = Pool()
        Export = pool.get('edu.edms.archive.export')
        Company = pool.get('company.company')
        school = Company(self.ids['school'])
        export = Export.request(school)
        self.assertEqual(export.state, 'done')
        index, files = self.check_export(bytes(export.file))
        self.assertEqual(index['count'], 4)
        self.assertEqual(export.documents, 4)
        self.assertEqual(index['organisation']['bin'], self.ids['bin'])
        # archived only: after closing the case of the orders
        Case = pool.get('edu.edms.nomenclature')
        Case.close([Case(self.ids['cases'][0])])
        export = Export.request(school, archived_only=True)
        index, _ = self.check_export(bytes(export.file))
        self.assertEqual(index['count'], 2)

    @with_transaction()
    def test_export_queued(self):
        "Above the configured number of documents the export is queued"
        pool = Pool()
        Export = pool.get('edu.edms.archive.export')
        Configuration = pool.get('edu.edms.archive.configuration')
        Company = pool.get('company.company')
        configuration = Configuration(1)
        configuration.queue_documents = 2
        configuration.save()
        export = Export.request(Company(self.ids['school']))
        self.assertEqual(export.state, 'queued')
        Export.run([export])
        self.assertEqual(export.state, 'done')
        self.check_export(bytes(export.file))

    def test_export_script(self):
        "scripts/export_edms_archive.py writes the same export"
        import importlib.util
        root = os.path.dirname(os.path.dirname(os.path.dirname(
                    os.path.dirname(os.path.abspath(__file__)))))
        path = os.path.join(root, 'scripts', 'export_edms_archive.py')
        spec = importlib.util.spec_from_file_location('export_script', path)
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        with tempfile.TemporaryDirectory() as directory:
            output = os.path.join(directory, 'archive.zip')
            count, sha256 = script.export_archive(DB_NAME, output,
                bin=self.ids['bin'])
            with open(output, 'rb') as fp:
                data = fp.read()
        self.assertEqual(count, 4)
        self.check_export(data)
        with self.assertRaises(LookupError):
            script.export_archive(DB_NAME, output, bin='000000000000')

    @with_transaction()
    def test_export_wizard(self):
        "The clerk exports the own school's archive, not another one's"
        from trytond.exceptions import UserError
        pool = Pool()
        Wizard = pool.get('edu.edms.archive.export.wizard', type='wizard')
        User = pool.get('res.user')
        transaction = Transaction()
        with transaction.set_user(self.ids['clerk']):
            context = User.get_preferences(context_only=True)
            with transaction.set_context(context, _check_access=True):
                session_id, _, _ = Wizard.create()
                result = Wizard.execute(session_id, {'start': {
                            'company': self.ids['school'],
                            'archived_only': False}}, 'export')
                values = result['view']['defaults']
                self.check_export(bytes(values['file']))
                Wizard.delete(session_id)
                session_id, _, _ = Wizard.create()
                with self.assertRaises(UserError):
                    Wizard.execute(session_id, {'start': {
                                'company': self.ids['other'],
                                'archived_only': False}}, 'export')
