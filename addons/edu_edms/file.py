# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Files of documents (R22.2, R22.6): stored in the filestore like
attachments, checked (size, type: executables and scripts refused by
extension and by their MZ/ELF magic bytes), their text extracted for the
keyword search (txt, csv, html, xml through defusedxml, docx/odt, pdf with
pypdf; capped) and previewed on the card: PDF and images as they are,
office files converted to PDF by LibreOffice when ``soffice`` is installed
(cached on the record), otherwise downloaded."""
import hashlib
import html
import io
import logging
import mimetypes
import os
import re
import shutil
import subprocess
import tempfile
import zipfile

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .exceptions import FileValidationError
from .search import MAX_FILE_TEXT, clear_cache

logger = logging.getLogger(__name__)

if config.getboolean('attachment', 'filestore', default=True):
    FILE_ID = 'file_id'
    STORE_PREFIX = config.get('attachment', 'store_prefix', default=None)
else:
    FILE_ID = None
    STORE_PREFIX = None

#: shown in the browser as they are (no SVG: it may carry scripts)
PREVIEW_AS_IS = {'pdf', 'png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp'}
#: converted to PDF by LibreOffice when installed
OFFICE = {'doc', 'docx', 'odt', 'xls', 'xlsx', 'ods', 'ppt', 'pptx', 'rtf'}
#: magic bytes of executables
EXECUTABLE_MAGIC = (b'MZ', b'\x7fELF')
#: seconds LibreOffice may take to convert one file
CONVERT_TIMEOUT = 120
#: the largest member of a docx/odt read for its text (bytes)
MAX_ZIP_MEMBER = 20 * 1024 * 1024


def extension(name):
    "Return the lowercased extension of name without the dot"
    return os.path.splitext(name or '')[1].lstrip('.').lower()


def _xml_text(data):
    from defusedxml import ElementTree
    root = ElementTree.fromstring(data)
    return ' '.join(t.strip() for t in root.itertext() if t.strip())


def _zip_xml_text(data, member):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
        if info.file_size > MAX_ZIP_MEMBER:
            return ''
        content = archive.read(member)
    # paragraphs end with </w:p> (docx) or </text:p> (odt): keep them apart
    content = re.sub(rb'</(w|text):p>', rb' </\1:p>', content)
    return _xml_text(content)


def _decode(data):
    for encoding in ('utf-8-sig', 'cp1251'):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode('utf-8', 'replace')


def _pdf_text(data):
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(data))
    parts, length = [], 0
    for page in reader.pages:
        text = page.extract_text() or ''
        parts.append(text)
        length += len(text)
        if length >= MAX_FILE_TEXT:
            break
    return '\n'.join(parts)


def extract_text(name, data, limit=MAX_FILE_TEXT):
    """Return the text of a file for the search (at most limit characters),
    '' when the type has no text or the file cannot be read"""
    if not data or data.startswith(EXECUTABLE_MAGIC):
        return ''
    ext = extension(name)
    try:
        if ext in {'txt', 'csv', 'md'}:
            text = _decode(data[:limit * 4])
        elif ext in {'html', 'htm'}:
            text = _decode(data[:limit * 8])
            text = re.sub(r'(?is)<(script|style)\b.*?</\1>', ' ', text)
            text = html.unescape(re.sub(r'(?s)<[^>]*>', ' ', text))
        elif ext == 'xml':
            text = _xml_text(data)
        elif ext == 'docx':
            text = _zip_xml_text(data, 'word/document.xml')
        elif ext == 'odt':
            text = _zip_xml_text(data, 'content.xml')
        elif ext == 'pdf':
            text = _pdf_text(data)
        else:
            return ''
    except Exception as exception:
        logger.info("no text extracted from %s: %s", name, exception)
        return ''
    return ' '.join(text.split())[:limit]


def check_file(name, data, limits, document=''):
    """Raise FileValidationError when the file is too large, of a forbidden
    (or not allowed) type or an executable by its magic bytes"""
    max_size, forbidden, allowed = limits
    ext = extension(name)
    if ext in forbidden or (data or b'').startswith(EXECUTABLE_MAGIC):
        raise FileValidationError(gettext(
                'edu_edms.msg_file_forbidden', name=name, document=document))
    if allowed is not None and ext not in allowed:
        raise FileValidationError(gettext(
                'edu_edms.msg_file_not_allowed', name=name,
                document=document, allowed=', '.join(sorted(allowed))))
    size = len(data or b'')
    if size > max_size:
        raise FileValidationError(gettext(
                'edu_edms.msg_file_size', name=name, document=document,
                size=round(size / 1024 / 1024, 1),
                maximum=max_size // 1024 // 1024))


def convert_to_pdf(name, data, timeout=CONVERT_TIMEOUT):
    """Return the PDF converted by LibreOffice (soffice on PATH) from an
    office file, None when LibreOffice is missing or the conversion fails"""
    soffice = shutil.which('soffice')
    if not soffice or not data:
        return None
    ext = extension(name)
    with tempfile.TemporaryDirectory(prefix='edms-preview-') as directory:
        source = os.path.join(directory, 'document.' + ext)
        with open(source, 'wb') as fp:
            fp.write(data)
        try:
            subprocess.run([soffice, '--headless', '--norestore',
                    '-env:UserInstallation=file://%s/profile' % directory,
                    '--convert-to', 'pdf', '--outdir', directory, source],
                check=True, timeout=timeout, capture_output=True,
                cwd=directory)
        except (subprocess.SubprocessError, OSError) as exception:
            logger.warning("preview of %s not converted: %s", name, exception)
            return None
        target = os.path.join(directory, 'document.pdf')
        if not os.path.exists(target):
            return None
        with open(target, 'rb') as fp:
            pdf = fp.read()
    return pdf if pdf.startswith(b'%PDF') else None


class File(ModelSQL, ModelView):
    "Document file"
    __string__ = "Document File"
    __name__ = 'edu.edms.file'

    document = fields.Many2One(
        'edu.edms.document', "Document", required=True, ondelete='CASCADE')
    company = fields.Function(
        fields.Many2One('company.company', "Organisation"),
        'get_company', searcher='search_company')
    name = fields.Char("Name", required=True)
    data = fields.Binary(
        "File", filename='name', required=True,
        file_id=FILE_ID, store_prefix=STORE_PREFIX)
    file_id = fields.Char("File ID", readonly=True)
    mimetype = fields.Char("MIME Type", readonly=True)
    size = fields.Integer("Size (Bytes)", readonly=True)
    sha256 = fields.Char(
        "SHA-256", readonly=True,
        help="Digest of the stored bytes: a signature covers these bytes.")
    text = fields.Text(
        "Text", readonly=True, loading='lazy',
        help="The text extracted for the keyword search.")
    preview = fields.Function(fields.Binary(
            "Preview", filename='preview_name',
            help="PDF and images are shown here; office files are "
            "converted to PDF when LibreOffice is installed on the server, "
            "otherwise the file is downloaded."), 'get_preview')
    preview_name = fields.Function(
        fields.Char("Preview Name"), 'get_preview_name')
    preview_available = fields.Function(
        fields.Boolean("Preview Available"), 'get_preview_available')
    preview_cache = fields.Binary("Preview Cache", readonly=True)
    preview_sha256 = fields.Char("Preview Digest", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('document', 'ASC'), ('id', 'ASC')]
        cls.__access__.add('document')

    def get_company(self, name):
        return self.document.company.id if self.document else None

    @classmethod
    def search_company(cls, name, clause):
        return [('document.company',) + tuple(clause[1:])]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if 'data' in values or 'name' in values:
            data = values.get('data')
            if 'data' in values and data is not None:
                data = bytes(data)
                values['size'] = len(data)
                values['sha256'] = hashlib.sha256(data).hexdigest()
                values['text'] = extract_text(
                    values.get('name') or '', data)
                values['preview_cache'] = None
                values['preview_sha256'] = None
            if values.get('name'):
                values['mimetype'] = (
                    mimetypes.guess_type(values['name'])[0]
                    or 'application/octet-stream')
        return values

    @classmethod
    def validate(cls, files):
        super().validate(files)
        limits = Pool().get('edu.edms.configuration').get_limits()
        for file in files:
            check_file(file.name, file.data, limits,
                document=file.document.rec_name if file.document else '')

    @classmethod
    def check_modification(cls, mode, files, values=None, external=False):
        """The files of a document on approval, approved, signed, sent or
        archived are frozen (the file approved is the file signed)"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        super().check_modification(
            mode, files, values=values, external=external)
        if not external or mode == 'create' or (mode == 'write' and values
                and set(values) <= {'text', 'preview_cache',
                    'preview_sha256'}):
            return
        documents = {f.document for f in files if f.document}
        if mode == 'write' and values and values.get('document'):
            documents.add(Document(values['document']))
        Document.check_files_unlocked(list(documents))

    @classmethod
    def create(cls, vlist):
        Document = Pool().get('edu.edms.document')
        if Transaction().check_access:
            with without_check_access():
                Document.check_files_unlocked(Document.browse(
                        list({int(v['document']) for v in vlist
                                if v.get('document') is not None})))
        files = super().create(vlist)
        cls._update_documents(files)
        return files

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        refresh = []
        for records, values in zip(actions, actions):
            if 'name' in values and 'data' not in values:
                refresh.extend(records)
        super().write(*args)
        cls._refresh_text(refresh)
        cls._update_documents(sum(args[::2], []))

    @classmethod
    def on_delete(cls, files):
        callback = super().on_delete(files)
        document_ids = {f.document.id for f in files if f.document}

        def update():
            Document = Pool().get('edu.edms.document')
            Document.update_search(Document.browse(
                    Document.search([('id', 'in', list(document_ids))])))
        if document_ids:
            callback.append(update)
        return callback

    @classmethod
    def _refresh_text(cls, files):
        for file in files:
            text = extract_text(file.name, file.data)
            if text != (file.text or ''):
                cls.write([file], {'text': text})

    @classmethod
    def _update_documents(cls, files):
        Document = Pool().get('edu.edms.document')
        documents = list({f.document for f in files if f.document})
        if documents:
            Document.set_default_main_file(
                Document.browse([d.id for d in documents]))
            Document.update_search(documents)

    def get_preview_name(self, name):
        ext = extension(self.name)
        if ext in OFFICE:
            return os.path.splitext(self.name)[0] + '.pdf'
        return self.name

    def get_preview_available(self, name):
        ext = extension(self.name)
        return ext in PREVIEW_AS_IS or (
            ext in OFFICE and bool(
                self.preview_cache or shutil.which('soffice')))

    @classmethod
    def get_preview(cls, files, name):
        """Return the preview of the files: PDF/images as they are, office
        files converted to PDF once (cached), None otherwise"""
        result = {}
        for file in files:
            ext = extension(file.name)
            if ext in PREVIEW_AS_IS:
                result[file.id] = file.data
            elif ext in OFFICE:
                result[file.id] = file.office_preview()
            else:
                result[file.id] = None
        return result

    def office_preview(self):
        "Return the cached PDF of an office file, converting it when needed"
        if self.preview_cache and self.preview_sha256 == self.sha256:
            return self.preview_cache
        pdf = convert_to_pdf(self.name, self.data)
        if pdf is not None and not Transaction().readonly:
            table = self.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update(
                    [table.preview_cache, table.preview_sha256],
                    [self.__class__.preview_cache.sql_format(pdf),
                        self.sha256],
                    where=table.id == self.id))
            clear_cache(self.__class__, [self.id])
        return pdf
