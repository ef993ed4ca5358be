# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Documents of edu_edms (R22.2, R22.6, R22.8): registration into the
journal of the kind with gapless numbers per organisation, kind and year,
the card's validation (dates, correspondent's BIN/IIN), files (size and
type checks, executables refused by extension and magic bytes, text
extraction, preview with a fake LibreOffice) and the keyword search, on
SQLite (LIKE over a Python-lowercased text) and PostgreSQL (tsvector)."""
import datetime as dt
import io
import os
import stat
import tempfile
import unittest
import zipfile
from contextlib import contextmanager
from types import SimpleNamespace
from unittest.mock import patch

from trytond import backend
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.edu_base.kz_id import make_bin, make_iin
from trytond.modules.edu_edms import file as edms_file
from trytond.modules.edu_edms.exceptions import (
    DocumentValidationError, FileValidationError)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

PDF_MAGIC = b'%PDF-1.4\n'


@contextmanager
def savepoint():
    "Roll back what the block did, as the failed request would be"
    cursor = Transaction().connection.cursor()
    cursor.execute('SAVEPOINT edms_document_test')
    try:
        yield
    finally:
        cursor.execute('ROLLBACK TO SAVEPOINT edms_document_test')
        Transaction().cache.clear()


def make_pdf(text):
    "Return a one-page PDF holding text (reportlab)"
    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_docx(text):
    "Return a minimal docx whose body holds text"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        archive.writestr('[Content_Types].xml', '<Types/>')
        archive.writestr('word/document.xml', (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>%s'
                '</w:t></w:r></w:p><w:p><w:r><w:t>соңы</w:t></w:r></w:p>'
                '</w:body></w:document>') % text)
    return buffer.getvalue()


def make_odt(text):
    "Return a minimal odt whose content holds text"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        archive.writestr('mimetype', 'application/vnd.oasis.opendocument.text')
        archive.writestr('content.xml', (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<office:document-content xmlns:office="urn:oasis:names:tc:'
                'opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:'
                'tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
                '<text:p>%s</text:p></office:text></office:body>'
                '</office:document-content>') % text)
    return buffer.getvalue()


class TextExtractionTestCase(unittest.TestCase):
    "Text of the files for the search (no database)"

    def test_formats(self):
        "txt, csv, html, xml, docx, odt and pdf give their text (R22.6)"
        extract = edms_file.extract_text
        self.assertEqual(extract('a.txt', 'Бұйрық №5'.encode()), 'Бұйрық №5')
        self.assertEqual(
            extract('a.txt', 'Приказ'.encode('cp1251')), 'Приказ')
        self.assertIn('жоспар', extract('a.csv', 'а;жоспар\n'.encode()))
        text = extract('a.html', (
                '<html><script>var x="secret";</script><p>Оқу &amp; '
                'тәрбие</p></html>').encode())
        self.assertEqual(text, 'Оқу & тәрбие')
        self.assertEqual(
            extract('a.xml', '<a><b>хат</b><c>мәтіні</c></a>'.encode()),
            'хат мәтіні')
        self.assertEqual(extract('a.docx', make_docx('Шарт')), 'Шарт соңы')
        self.assertEqual(extract('a.odt', make_odt('Есеп')), 'Есеп')
        self.assertIn('Contract 2026', extract('a.pdf', make_pdf(
                    'Contract 2026')))
        # no text in images, archives, unknown types
        self.assertEqual(extract('a.png', b'\x89PNG\r\n'), '')
        # capped
        self.assertEqual(len(extract('a.txt', b'x ' * 10, limit=7)), 7)

    def test_hostile_files(self):
        "Entity bombs, external entities and broken files give no text"
        extract = edms_file.extract_text
        bomb = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>')
        self.assertEqual(extract('a.xml', bomb), '')
        external = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY e SYSTEM '
            b'"file:///etc/passwd">]><l>&e;</l>')
        self.assertEqual(extract('a.xml', external), '')
        self.assertEqual(extract('a.pdf', b'%PDF-1.4 broken'), '')
        self.assertEqual(extract('a.docx', b'PK not a zip'), '')

    def test_check_file(self):
        "Executables and scripts refused by extension and by magic bytes"
        limits = (1024, set(edms_file.extension('x.' + e) for e in (
                    'exe', 'bat', 'cmd', 'com', 'js', 'vbs', 'msi', 'scr',
                    'ps1', 'sh')), None)
        with patch('trytond.modules.edu_edms.file.gettext',
                side_effect=lambda msg, **kw: msg):
            for name in ('a.exe', 'b.BAT', 'c.cmd', 'd.com', 'e.js',
                    'f.vbs', 'g.msi', 'h.scr', 'i.ps1', 'j.sh'):
                with self.assertRaises(FileValidationError, msg=name):
                    edms_file.check_file(name, b'data', limits)
            for data in (b'MZ\x90\x00', b'\x7fELF\x02\x01'):
                with self.assertRaises(FileValidationError) as cm:
                    edms_file.check_file('letter.pdf', data, limits)
                self.assertEqual(
                    cm.exception.message, 'edu_edms.msg_file_forbidden')
            with self.assertRaises(FileValidationError) as cm:
                edms_file.check_file('big.pdf', b'x' * 1025, limits)
            self.assertEqual(cm.exception.message, 'edu_edms.msg_file_size')
            edms_file.check_file('ok.pdf', PDF_MAGIC, limits)
            with self.assertRaises(FileValidationError) as cm:
                edms_file.check_file(
                    'a.txt', b'x', (1024, set(), {'pdf'}))
            self.assertEqual(
                cm.exception.message, 'edu_edms.msg_file_not_allowed')


class DocumentTestCase(unittest.TestCase):
    "Documents, registration, files and search"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['edu_edms'])
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    # -- helpers -----------------------------------------------------------
    def kind(self, xml_id):
        ModelData = Pool().get('ir.model.data')
        Kind = Pool().get('edu.edms.document.kind')
        return Kind(ModelData.get_id('edu_edms', xml_id))

    def sender(self, name="Білім басқармасы", serial=31):
        Party = Pool().get('party.party')
        party, = Party.create([{
                    'name': name, 'bin': make_bin(2001, 3, serial)}])
        return party

    def document(self, kind='kind_incoming', **values):
        Document = Pool().get('edu.edms.document')
        values.setdefault('summary', "Хат")
        values.setdefault('kind', self.kind(kind).id)
        document, = Document.create([values])
        return document

    # -- registration ------------------------------------------------------
    @with_transaction()
    def test_registration_numbers(self):
        """Numbers are gapless per organisation, kind and year; the case's
        index starts the number when the kind has a case (R22.2)"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Journal = pool.get('edu.edms.journal')
        Nomenclature = pool.get('edu.edms.nomenclature')
        Kind = pool.get('edu.edms.document.kind')
        today = pool.get('ir.date').today()
        company = create_company()
        other = create_company(name="Second School")
        with set_company(company):
            sender = self.sender()
            first = self.document(correspondent=sender.id,
                correspondent_number='12-3/456',
                correspondent_date=today)
            second = self.document(correspondent=sender.id)
            out = self.document('kind_outgoing', correspondent=sender.id)
            order = self.document('kind_order_main')
            self.assertEqual(first.number, 'ВХ-1')
            self.assertEqual(second.number, 'ВХ-2')
            self.assertEqual(out.number, 'ИСХ-1')
            self.assertEqual(order.number, 'ОД-1')
            self.assertEqual(first.state, 'registered')
            self.assertEqual(first.registration_date, today)
            self.assertEqual(first.correspondent_number, '12-3/456')
            self.assertEqual(first.direction, 'incoming')
            journal = first.journal
            self.assertEqual(
                (journal.kind, journal.year, journal.last_number),
                (self.kind('kind_incoming'), today.year, 2))
            self.assertEqual(list(journal.documents), [first, second])
            # a failed registration takes no number
            with savepoint():
                with self.assertRaises(DocumentValidationError):
                    self.document(date=today + dt.timedelta(days=3))
            self.assertEqual(self.document().number, 'ВХ-3')

            # a kind of the organisation with a case of the year
            case, = Nomenclature.create([{'year': today.year,
                        'index': '01-12', 'name': "Бұйрықтар",
                        'retention_years': 0}])
            kind, = Kind.create([{'code': 'ORDX', 'name': "Бұйрық",
                        'direction': 'order', 'order_type': 'main',
                        'case': case.id, 'prefix': 'Х'}])
            numbered = Document.create([{'kind': kind.id,
                        'summary': "Бұйрық %s" % i} for i in range(2)])
            self.assertEqual([d.number for d in numbered],
                ['01-12/1', '01-12/2'])
            self.assertEqual({d.case for d in numbered}, {case})
            # a document filed into a case by the clerk: the case counts
            # the numbers of all the kinds filed into it
            filed = self.document(case=case.id)
            self.assertEqual(filed.number, '01-12/3')
            self.assertEqual(filed.case, case)
        with set_company(other):
            self.assertEqual(self.document().number, 'ВХ-1')
        self.assertEqual(Journal.search([
                    ('company', '=', company.id),
                    ('kind', '=', self.kind('kind_incoming').id)],
                count=True), 1)

    @with_transaction()
    def test_registration_number_duplicate(self):
        """Two kinds sharing a case of the nomenclature count its numbers
        together; two kinds with the same prefix cannot give the same
        number twice: the registration is refused with the number, nothing
        registered"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Nomenclature = pool.get('edu.edms.nomenclature')
        Kind = pool.get('edu.edms.document.kind')
        today = pool.get('ir.date').today()
        company = create_company()
        with set_company(company):
            case, = Nomenclature.create([{'year': today.year,
                        'index': '01-14', 'name': "Бұйрықтар",
                        'retention_years': 0}])
            kind_a, kind_b = Kind.create([{'code': code, 'name': code,
                        'direction': 'order', 'order_type': 'main',
                        'case': case.id} for code in ['ORDA', 'ORDB']])
            numbered = Document.create([{'kind': k.id,
                        'summary': "Бұйрық"} for k in [kind_a, kind_b]])
            self.assertEqual([d.number for d in numbered],
                ['01-14/1', '01-14/2'])
            prefix_a, prefix_b = Kind.create([{'code': code, 'name': code,
                        'direction': 'internal', 'prefix': 'Ж'}
                    for code in ['INA', 'INB']])
            first, = Document.create([{'kind': prefix_a.id,
                        'summary': "Хат A"}])
            self.assertEqual(first.number, 'Ж-1')
            with Transaction().set_context(edms_draft=True):
                second, = Document.create([{'kind': prefix_b.id,
                            'summary': "Хат B"}])
            with self.assertRaises(DocumentValidationError) as cm:
                Document.register([second])
            self.assertIn('Ж-1', cm.exception.message)
            second = Document(second.id)
            self.assertEqual((second.state, second.number), ('draft', None))
            self.assertEqual(Document.search(
                    [('number', '=', 'Ж-1')], count=True), 1)

    @with_transaction()
    def test_draft_cancel_delete(self):
        """A draft (context edms_draft) is registered by the button; only
        drafts are deleted; the registration fields are the server's"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        company = create_company()
        with set_company(company):
            with Transaction().set_context(edms_draft=True):
                draft = self.document('kind_internal')
            self.assertEqual((draft.state, draft.number), ('draft', None))
            Document.register([draft])
            self.assertEqual((draft.state, draft.number),
                ('registered', 'ВН-1'))
            with self.assertRaises(AccessError):
                Document.delete([draft])
            Document.cancel([draft])
            self.assertEqual(draft.state, 'cancelled')
            with Transaction().set_context(edms_draft=True):
                other = self.document('kind_internal')
            Document.delete([other])
            # a client cannot set or change a number
            with Transaction().set_context(_check_access=True), \
                    self.assertRaises(AccessError):
                Document.write([draft], {'number': 'ВН-99'})
            copy, = Document.copy([draft])
            self.assertEqual(
                (copy.number, copy.state), ('ВН-2', 'registered'))

    # -- validation --------------------------------------------------------
    @with_transaction()
    def test_validation(self):
        """Incoming dates not in the future, deadline not before the date,
        the correspondent's BIN/IIN checked (R22.2)"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Party = pool.get('party.party')
        today = pool.get('ir.date').today()
        company = create_company()
        with set_company(company):
            tomorrow = today + dt.timedelta(days=1)
            for values in [{'date': tomorrow},
                    {'correspondent_date': tomorrow},
                    {'deadline': today - dt.timedelta(days=1)}]:
                with savepoint(), self.assertRaises(
                        DocumentValidationError):
                    self.document(**values)
            # an outgoing letter may be dated ahead
            self.document('kind_outgoing', date=tomorrow)
            # a person correspondent with a good IIN
            person, = Party.create([{'name': "Асқаров Болат",
                        'is_person': True, 'last_name': "Асқаров",
                        'first_name': "Болат",
                        'iin': make_iin(dt.date(1980, 5, 17), 'male', 7)}])
            document = self.document(correspondent=person.id)
            self.assertEqual(document.correspondent_tax_id, person.iin)
            self.assertEqual(Document.search([
                        ('correspondent_tax_id', '=', person.iin)]),
                [document])
            # a BIN broken in the database (legacy data) is refused
            sender = self.sender()
            table = Party.__table__()
            cursor = Transaction().connection.cursor()
            broken = sender.bin[:-1] + str((int(sender.bin[-1]) + 1) % 10)
            cursor.execute(*table.update(
                    [table.bin], [broken], where=table.id == sender.id))
            Transaction().cache.clear()
            with savepoint(), self.assertRaises(
                    DocumentValidationError) as cm:
                self.document(correspondent=sender.id)
            self.assertIn(broken, cm.exception.message)

    # -- files -------------------------------------------------------------
    @with_transaction()
    def test_files(self):
        """Files are checked, hashed, their text extracted; the first one is
        the main file that signatures cover"""
        import hashlib
        pool = Pool()
        File = pool.get('edu.edms.file')
        Configuration = pool.get('edu.edms.configuration')
        company = create_company()
        with set_company(company):
            document = self.document()
            pdf = make_pdf('Letter about the olympiad')
            first, second = File.create([
                    {'document': document.id, 'name': 'letter.pdf',
                        'data': pdf},
                    {'document': document.id, 'name': 'annex.txt',
                        'data': 'Қосымша'.encode()},
                    ])
            self.assertEqual(first.sha256, hashlib.sha256(pdf).hexdigest())
            self.assertEqual(first.size, len(pdf))
            self.assertEqual(first.mimetype, 'application/pdf')
            self.assertEqual(second.text, 'Қосымша')
            document = document.__class__(document.id)
            self.assertEqual(document.main_file, first)
            self.assertEqual(document.get_signed_content(), pdf)
            # a signature names the file it covers (ЕСЭДО annexes)
            self.assertEqual(document.get_signed_content(
                    SimpleNamespace(file_name='annex.txt')),
                'Қосымша'.encode())
            self.assertEqual(document.get_signed_content(
                    SimpleNamespace(file_name='other.pdf')), pdf)
            self.assertEqual(document.get_signed_content(
                    SimpleNamespace(file_name=None)), pdf)
            self.assertEqual(document.signatures, ())
            for name, data in [('setup.exe', b'x'), ('run.sh', b'#!'),
                    ('letter.pdf', b'MZ\x90\x00\x03'),
                    ('letter.docx', b'\x7fELF\x02')]:
                with savepoint(), self.assertRaises(FileValidationError):
                    File.create([{'document': document.id, 'name': name,
                                'data': data}])
            # renaming to a forbidden type is refused too
            with savepoint(), self.assertRaises(FileValidationError):
                File.write([second], {'name': 'annex.js'})
            config = Configuration(1)
            config.max_file_size = 1
            config.allowed_extensions = 'pdf, docx'
            config.save()
            with savepoint(), self.assertRaises(FileValidationError):
                File.create([{'document': document.id, 'name': 'big.pdf',
                            'data': PDF_MAGIC + b'0' * 1024 * 1024}])
            with savepoint(), self.assertRaises(FileValidationError):
                File.create([{'document': document.id, 'name': 'a.txt',
                            'data': b'text'}])

    @with_transaction()
    def test_preview(self):
        """PDF and images previewed as they are; office files converted by
        LibreOffice when installed (a fake soffice here), cached; else no
        preview (downloaded)"""
        pool = Pool()
        File = pool.get('edu.edms.file')
        company = create_company()
        with set_company(company):
            document = self.document()
            pdf = make_pdf('preview')
            png = b'\x89PNG\r\n\x1a\n' + b'0' * 16
            docx = make_docx('Шарт')
            files = File.create([
                    {'document': document.id, 'name': n, 'data': d}
                    for n, d in [('a.pdf', pdf), ('b.png', png),
                        ('c.docx', docx), ('d.zip', b'PK\x03\x04')]])
            with patch.dict(os.environ, {'PATH': '/nonexistent'}):
                previews = [File(f.id).preview for f in files]
                self.assertFalse(File(files[2].id).preview_available)
            self.assertEqual(previews, [pdf, png, None, None])
            self.assertEqual(File(files[2].id).preview_name, 'c.pdf')

            with tempfile.TemporaryDirectory() as directory:
                calls = os.path.join(directory, 'calls')
                soffice = os.path.join(directory, 'soffice')
                with open(soffice, 'w') as fp:
                    # converts like LibreOffice: <outdir>/<stem>.pdf
                    fp.write('#!/bin/sh\n'
                        'echo "$@" >> %s\n'
                        'while [ "$1" != "--outdir" ]; do shift; done\n'
                        'out="$2"; src="$3"\n'
                        'base="${src##*/}"; stem="${base%%.*}"\n'
                        'printf "%%%%PDF-1.4 converted" > "$out/$stem.pdf"\n'
                        % calls)
                os.chmod(soffice, stat.S_IRWXU)
                with patch.dict(os.environ, {'PATH': directory}):
                    self.assertTrue(File(files[2].id).preview_available)
                    preview = File(files[2].id).preview
                    self.assertEqual(preview, b'%PDF-1.4 converted')
                    self.assertEqual(File(files[2].id).preview, preview)
                with open(calls) as fp:
                    self.assertEqual(len(fp.readlines()), 1)
                self.assertIn('--headless', open(calls).read())
            # cached on the record: served without LibreOffice
            with patch.dict(os.environ, {'PATH': '/nonexistent'}):
                self.assertEqual(
                    File(files[2].id).preview, b'%PDF-1.4 converted')
            # a new content drops the cache
            File.write([File(files[2].id)], {'data': make_docx('Жаңа')})
            with patch.dict(os.environ, {'PATH': '/nonexistent'}):
                self.assertIsNone(File(files[2].id).preview)

    # -- search ------------------------------------------------------------
    @with_transaction()
    def test_keyword_search(self):
        """Keywords of the summary, text and files, every word required,
        Kazakh letters folded, on SQLite and PostgreSQL (R22.6)"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        File = pool.get('edu.edms.file')
        company = create_company()
        with set_company(company):
            olympiad = self.document(
                summary="ОЛИМПИАДА туралы ҚҰЖАТ", body="Өңірлік кезең")
            budget = self.document(summary="Бюджет жоспары")
            contract = self.document('kind_contract', summary="Шарт")
            File.create([{'document': contract.id, 'name': 'contract.docx',
                        'data': make_docx('Жылыту жүйесін жөндеу')}])
            report = self.document(summary="Report")
            File.create([{'document': report.id, 'name': 'report.pdf',
                        'data': make_pdf('Annual heating report')}])

            def find(words, operator='ilike'):
                return set(Document.search([('keywords', operator, words)]))

            self.assertEqual(find('олимпиада'), {olympiad})
            self.assertEqual(find('құжат олимпиада'), {olympiad})
            self.assertEqual(find('ӨҢІРЛІК'), {olympiad})
            self.assertEqual(find('олимпиада бюджет'), set())
            self.assertEqual(find('жөндеу'), {contract})
            self.assertEqual(find('heating'), {report})
            self.assertEqual(find('ВХ-2'), {budget})
            self.assertEqual(find('жоспары', 'not ilike'),
                {olympiad, contract, report})
            self.assertEqual(len(find('')), 4)
            # a change of the summary or of a file is searched at once
            Document.write([budget], {'summary': "Смета"})
            self.assertEqual(find('бюджет'), set())
            self.assertEqual(find('смета'), {budget})
            File.delete(contract.files)
            self.assertEqual(find('жөндеу'), set())
            # combined with the other attributes
            self.assertEqual(set(Document.search([
                            ('keywords', 'ilike', 'heating'),
                            ('direction', '=', 'incoming')])), {report})
            if backend.name == 'postgresql':
                cursor = Transaction().connection.cursor()
                cursor.execute('SELECT COUNT(*) FROM edu_edms_document '
                    'WHERE search_vector IS NOT NULL')
                self.assertEqual(cursor.fetchone()[0], 4)
                cursor.execute("SELECT indexdef FROM pg_indexes WHERE "
                    "tablename = 'edu_edms_document' AND "
                    "indexname LIKE '%search_vector%'")
                self.assertIn('gin', cursor.fetchone()[0].lower())

    # -- registration journal report ---------------------------------------
    @with_transaction()
    def test_journal_report(self):
        "The registration journal prints as PDF and XLSX, one row a number"
        pool = Pool()
        Journal = pool.get('edu.edms.journal')
        company = create_company()
        with set_company(company):
            sender = self.sender()
            first = self.document(correspondent=sender.id,
                correspondent_number='03-11/7', summary="Бірінші хат")
            self.document(summary="Екінші хат")
            journal = Journal(first.journal.id)
            XlsxReport = pool.get('edu.edms.journal.report_xlsx',
                type='report')
            # printed by the clerk and the management only
            with self.assertRaises(AccessError):
                XlsxReport.execute([journal.id], {})
            with Transaction().set_user(0):
                ext, content, _, _ = XlsxReport.execute([journal.id], {})
            self.assertEqual(ext, 'xlsx')
            with zipfile.ZipFile(io.BytesIO(content)) as book:
                strings = book.read('xl/sharedStrings.xml').decode()
            for text in ['ВХ-1', 'ВХ-2', 'Бірінші хат', '03-11/7',
                    sender.bin, 'Екінші хат']:
                self.assertIn(text, strings)
            PdfReport = pool.get('edu.edms.journal.report', type='report')
            with Transaction().set_user(0):
                ext, content, _, _ = PdfReport.execute([journal.id], {})
            self.assertEqual(ext, 'pdf')
            self.assertTrue(bytes(content).startswith(b'%PDF'))
