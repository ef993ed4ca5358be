# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The full export of an organisation's document archive in open
structured form (R22.12).

A zip (format ``bilim-edms-archive`` version 1):

- ``index.json`` and ``index.xml``: the organisation, the date and one
  entry per document (number, kind, dates, summary, folder, counts);
- ``schema/card.schema.json``: the JSON Schema (draft 2020-12) of a card;
- ``documents/<number>/card.json`` and ``card.xml``: the card (attributes,
  case, archive dates, files with SHA-256, signatures with signer fields and
  status); ``files/<name>``: the files as stored; ``signatures/<n>.cms``
  (DER CMS SignedData, detached or attached as signed) and
  ``signatures/<n>.json``;
- ``manifest.json``: the SHA-256 of every other file.

Every signature can be verified again from the zip alone: the CMS and the
file it signs (``file_name`` of the signature's JSON).  Only the documents
of the organisation are written.

``edu.edms.archive.export`` registers each export (who, when, state, the
number of documents, the zip in the filestore with its SHA-256).  The
wizard "Export Document Archive" runs a small export at once and queues a
large one (more documents than ``queue_documents`` of the configuration,
200 by default) in Tryton's queue; progress is logged as edu_export does.
``scripts/export_edms_archive.py`` makes the same zip from the command line.
"""
import datetime as dt
import hashlib
import io
import json
import logging
import re
import zipfile
from xml.etree import ElementTree as ET

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .printout import package_entries, to_json

logger = logging.getLogger(__name__)

FORMAT = 'bilim-edms-archive'
VERSION = 1
INDEX_JSON = 'index.json'
INDEX_XML = 'index.xml'
SCHEMA = 'schema/card.schema.json'
MANIFEST = 'manifest.json'
XML_NAMESPACE = 'urn:bilim:edms:archive:1'
STATES = [
    ('queued', "Queued"),
    ('done', "Done"),
    ('failed', "Failed"),
    ]

_DATE = {'type': ['string', 'null'], 'format': 'date'}
_DATETIME = {'type': ['string', 'null'], 'format': 'date-time'}
_TEXT = {'type': ['string', 'null']}
CARD_SCHEMA = {
    '$schema': 'https://json-schema.org/draft/2020-12/schema',
    '$id': 'urn:bilim:edms:archive:1:card',
    'title': 'Bilim ERP document card',
    'type': 'object',
    'required': ['id', 'number', 'kind', 'state', 'organisation',
        'summary', 'files', 'signatures'],
    'properties': {
        'id': {'type': 'integer'},
        'number': _TEXT,
        'kind': {'type': 'object', 'properties': {
                'code': _TEXT, 'name': _TEXT, 'direction': _TEXT}},
        'state': {'type': 'string'},
        'registration_date': _DATE,
        'date': _DATE,
        'organisation': {'type': 'object', 'required': ['name'],
            'properties': {'name': {'type': 'string'}, 'bin': _TEXT}},
        'correspondent': {'type': ['object', 'null'], 'properties': {
                'name': {'type': 'string'}, 'tax_id': _TEXT}},
        'correspondent_number': _TEXT,
        'correspondent_date': _DATE,
        'summary': {'type': 'string'},
        'body': _TEXT,
        'author': _TEXT,
        'executor': _TEXT,
        'deadline': _DATE,
        'case': {'type': ['object', 'null'], 'properties': {
                'index': _TEXT, 'name': _TEXT,
                'year': {'type': ['integer', 'null']},
                'retention_years': {'type': ['integer', 'null']}}},
        'archive_date': _DATE,
        'retention_until': _DATE,
        'main_file': _TEXT,
        'files': {'type': 'array', 'items': {
                'type': 'object',
                'required': ['name', 'path', 'size', 'sha256'],
                'properties': {
                    'name': {'type': 'string'},
                    'path': {'type': 'string'},
                    'size': {'type': 'integer'},
                    'sha256': {'type': 'string',
                        'pattern': '^[0-9a-f]{64}$'},
                    'mimetype': _TEXT,
                    'main': {'type': 'boolean'},
                    }}},
        'signatures': {'type': 'array', 'items': {
                'type': 'object',
                'required': ['n', 'cms', 'status', 'signer'],
                'properties': {
                    'n': {'type': 'integer'},
                    'cms': {'type': 'string'},
                    'attached': {'type': 'boolean'},
                    'file_name': _TEXT,
                    'content_sha256': _TEXT,
                    'signer': {'type': 'string'},
                    'iin': _TEXT,
                    'bin': _TEXT,
                    'organisation': _TEXT,
                    'certificate_serial': _TEXT,
                    'certificate_issuer': _TEXT,
                    'certificate_not_before': _DATETIME,
                    'certificate_not_after': _DATETIME,
                    'roles': _TEXT,
                    'algorithm': _TEXT,
                    'signing_time': _DATETIME,
                    'status': {'type': 'string'},
                    'status_text': _TEXT,
                    'verified_at': _DATETIME,
                    }}},
        },
    }


def folder_name(number, used, document_id):
    "A unique folder for a document number (unsafe characters as _)"
    name = re.sub(r'[^\w.\-]+', '_', number or '', flags=re.UNICODE)
    name = name.strip('._')[:80] or f'document-{document_id}'
    if name in used:
        name = f'{name}-{document_id}'
    used.add(name)
    return name


def _xml_value(parent, key, value):
    element = ET.SubElement(parent, key)
    if isinstance(value, dict):
        for k, v in value.items():
            _xml_value(element, k, v)
    elif isinstance(value, list):
        for item in value:
            _xml_value(element, 'item', item)
    elif value is None:
        element.set('nil', 'true')
    elif isinstance(value, bool):
        element.text = 'true' if value else 'false'
    elif isinstance(value, (dt.date, dt.datetime)):
        element.text = value.isoformat()
    else:
        element.text = str(value)
    return element


def to_xml(root_name, data):
    "The XML bytes of JSON-like data"
    root = ET.Element(root_name, {'xmlns': XML_NAMESPACE})
    for key, value in data.items():
        _xml_value(root, key, value)
    ET.indent(root)
    return ET.tostring(root, encoding='utf-8', xml_declaration=True)


class ArchiveBuilder:
    """The files of the archive export of company's documents;
    ``progress(done, total, label)`` is called after each document"""

    def __init__(self, company, archived_only=False, progress=None):
        self.company = company
        self.archived_only = archived_only
        self.progress = progress
        self.files = {}
        self.index = None

    def documents(self):
        Document = Pool().get('edu.edms.document')
        domain = [('company', '=', self.company.id)]
        if self.archived_only:
            domain.append(('state', '=', 'archived'))
        else:
            domain.append(('state', '!=', 'draft'))
        return Document.search(domain,
            order=[('registration_date', 'ASC'), ('id', 'ASC')])

    def build(self):
        documents = self.documents()
        total = len(documents)
        used = set()
        entries = []
        for done, document in enumerate(documents, 1):
            folder = folder_name(document.number, used, document.id)
            prefix = f'documents/{folder}/'
            files, card = package_entries(document, None)
            for path, data in files.items():
                if path == 'card.json':
                    continue
                self.files[prefix + path] = data
            self.files[prefix + 'card.json'] = to_json(card)
            self.files[prefix + 'card.xml'] = to_xml('card', card)
            entries.append({
                    'id': document.id,
                    'number': document.number,
                    'kind': card['kind']['name'],
                    'state': document.state,
                    'registration_date': card['registration_date'],
                    'date': card['date'],
                    'summary': document.summary,
                    'folder': prefix.rstrip('/'),
                    'files': len(card['files']),
                    'signatures': len(card['signatures']),
                    'retention_until': card['retention_until'],
                    })
            if self.progress:
                self.progress(done, total, document.number or '')
        self.index = {
            'format': FORMAT,
            'version': VERSION,
            'created_at': dt.datetime.now(dt.timezone.utc).isoformat(),
            'organisation': {
                'name': self.company.rec_name,
                'bin': getattr(self.company.party, 'bin', None),
                },
            'archived_only': self.archived_only,
            'count': len(entries),
            'documents': entries,
            }
        self.files[INDEX_JSON] = to_json(self.index)
        self.files[INDEX_XML] = to_xml('archive', self.index)
        self.files[SCHEMA] = json.dumps(CARD_SCHEMA, indent=2).encode()
        self.files[MANIFEST] = to_json({
                'format': FORMAT,
                'version': VERSION,
                'created_at': self.index['created_at'],
                'algorithm': 'sha256',
                'files': {p: hashlib.sha256(d).hexdigest()
                    for p, d in sorted(self.files.items())},
                })
        return self

    def to_zip(self, path=None):
        output = path or io.BytesIO()
        with zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(self.files):
                archive.writestr(name, self.files[name])
        return None if path else output.getvalue()


class ArchiveExport(ModelSQL, ModelView):
    "Document Archive Export"
    __name__ = 'edu.edms.archive.export'
    __string__ = "Document Archive Export"

    company = fields.Many2One('company.company', "Organisation",
        required=True, readonly=True, ondelete='CASCADE')
    user = fields.Many2One('res.user', "Requested By", readonly=True,
        ondelete='SET NULL')
    date = fields.Timestamp("Date", readonly=True)
    archived_only = fields.Boolean("Archived Only", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, sort=False)
    documents = fields.Integer("Documents", readonly=True)
    file = fields.Binary("File", filename='file_name', file_id='file_id',
        readonly=True)
    file_id = fields.Char("File ID", readonly=True)
    file_name = fields.Char("File Name", readonly=True)
    size = fields.Integer("Size", readonly=True, help="In bytes.")
    sha256 = fields.Char("SHA-256", readonly=True)
    error = fields.Text("Error", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_state(cls):
        return 'queued'

    @classmethod
    def default_date(cls):
        return dt.datetime.now()

    @classmethod
    def default_user(cls):
        return Transaction().user or None

    @classmethod
    def default_archived_only(cls):
        return False

    def get_rec_name(self, name):
        return f'{self.company.rec_name} ({self.date:%Y-%m-%d %H:%M})'

    @classmethod
    def run(cls, exports):
        "Build the zips of the exports (at once or in the queue)"
        pool = Pool()
        Company = pool.get('company.company')
        for export in exports:
            try:
                with Transaction().set_user(0), without_check_access():
                    company = Company(export.company.id)
                    built = ArchiveBuilder(company,
                        archived_only=export.archived_only,
                        progress=lambda d, t, l: logger.info(
                            'edms archive export %s: %s/%s %s',
                            export.id, d, t, l)).build()
                    data = built.to_zip()
            except Exception as exception:
                logger.exception('edms archive export %s failed', export.id)
                with without_check_access():
                    cls.write([export], {
                            'state': 'failed',
                            'error': str(exception)[:2000],
                            })
                continue
            cls.record(export, built, data)

    @classmethod
    def record(cls, export, built, data):
        bin_ = (built.index['organisation']['bin']
            or str(export.company.id))
        stamp = built.index['created_at'][:19].replace(':', '')
        with without_check_access():
            cls.write([export], {
                    'state': 'done',
                    'documents': built.index['count'],
                    'file': data,
                    'file_name': f'edms-archive-{bin_}-{stamp}.zip',
                    'size': len(data),
                    'sha256': hashlib.sha256(data).hexdigest(),
                    'error': None,
                    })

    @classmethod
    def request(cls, company, archived_only=False):
        """Create the export for the current user; run at once when small,
        in the queue otherwise; return it"""
        pool = Pool()
        Configuration = pool.get('edu.edms.archive.configuration')
        with without_check_access():
            limit = Configuration(1).queue_documents
            export, = cls.create([{
                        'company': company.id,
                        'archived_only': archived_only,
                        }])
            count = len(ArchiveBuilder(
                    company, archived_only=archived_only).documents())
        if limit is not None and count > limit:
            with Transaction().set_context(queue_name='edu_edms_archive'):
                cls.__queue__.run([export])
        else:
            cls.run([export])
        return export


class ExportStart(ModelView):
    "Export Document Archive"
    __name__ = 'edu.edms.archive.export.start'
    __string__ = "Export Document Archive"

    company = fields.Many2One('company.company', "Organisation",
        required=True, domain=[
            ('id', 'in', Eval('context', {}).get('companies', [])),
            ])
    archived_only = fields.Boolean("Archived Only",
        help="Export only the documents of closed cases.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')


class ExportResult(ModelView):
    "Export Document Archive"
    __name__ = 'edu.edms.archive.export.result'
    __string__ = "Document Archive Exported"

    export = fields.Many2One('edu.edms.archive.export', "Export",
        readonly=True)
    message = fields.Text("Result", readonly=True)
    file = fields.Binary("File", filename='file_name', readonly=True)
    file_name = fields.Char("File Name", readonly=True)


class ExportWizard(Wizard):
    "Export Document Archive"
    __name__ = 'edu.edms.archive.export.wizard'
    start = StateView('edu.edms.archive.export.start',
        'edu_edms_archive.export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView('edu.edms.archive.export.result',
        'edu_edms_archive.export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_export(self):
        Export = Pool().get('edu.edms.archive.export')
        User = Pool().get('res.user')
        transaction = Transaction()
        with without_check_access():
            companies = ({c.id for c in User(transaction.user).companies}
                if transaction.user else set())
        if (transaction.user and transaction.check_access
                and self.start.company.id not in companies):
            raise AccessError(gettext(
                    'edu_edms_archive.msg_export_company',
                    company=self.start.company.rec_name))
        export = Export.request(self.start.company,
            archived_only=bool(self.start.archived_only))
        self._export = export.id
        return 'result'

    def default_result(self, fields):
        Export = Pool().get('edu.edms.archive.export')
        export_id = getattr(self, '_export', None)
        if not export_id:
            return {}
        with without_check_access():
            export = Export(export_id)
            values = {'export': export.id}
            if export.state == 'done':
                values['message'] = gettext(
                    'edu_edms_archive.msg_export_done',
                    documents=export.documents, sha256=export.sha256)
                values['file'] = export.file
                values['file_name'] = export.file_name
            elif export.state == 'failed':
                values['message'] = gettext(
                    'edu_edms_archive.msg_export_failed',
                    error=export.error)
            else:
                values['message'] = gettext(
                    'edu_edms_archive.msg_export_queued')
        return values


def read_zip(data):
    "The {path: bytes} of an export zip"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
