# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The open export of an organisation's data (R12, R13).

A system administrator asks for the export of an organisation (with the
organisations it supervises) with the wizard "Export Organisation Data";
the same export is made by ``scripts/export_org.py``.  Each export is an
``edu.export`` record: who asked, when, the state, the counts, and the zip
(CSV and XLSX per business object with Kazakh and Russian headers, the JSON
Schema, the manifest with SHA-256 checksums and the SQL dump, see
``writer.py``) kept in the filestore.  A large export runs in Tryton's queue
(``__queue__``, the worker) and the wizard says so; a small one runs at once
and the wizard gives the file to download.  Every export is journalled as a
critical action (``edu.audit.entry.log_action('export', ...)``, R5.13).
"""
import datetime as dt
import hashlib
import io
import json
import logging
import os
import zipfile

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import (
    Transaction, inactive_records, without_check_access)
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import registry, writer
from .bigint import BigInteger

logger = logging.getLogger(__name__)

STATES = [
    ('queued', "Queued"),
    ('done', "Done"),
    ('failed', "Failed"),
    ]


def queue_rows():
    "Above this number of rows the export runs in the queue"
    return config.getint('edu_export', 'queue_rows', default=50000)


def download_size():
    "Above this size (bytes) the wizard does not offer the file itself"
    return config.getint(
        'edu_export', 'download_size', default=50 * 1024 * 1024)


class OrganisationExport(ModelSQL, ModelView):
    "Organisation Export"
    __name__ = 'edu.export'
    __string__ = "Organisation Export"

    company = fields.Many2One(
        'company.company', "Organisation", required=True, readonly=True,
        ondelete='CASCADE')
    user = fields.Many2One('res.user', "Requested By", readonly=True,
        ondelete='SET NULL')
    date = fields.Timestamp("Date", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, sort=False)
    file = fields.Binary("File", filename='file_name', file_id='file_id',
        readonly=True)
    file_id = fields.Char("File ID", readonly=True)
    file_name = fields.Char("File Name", readonly=True)
    size = BigInteger("Size", readonly=True, help="In bytes.")
    sha256 = fields.Char("SHA-256", readonly=True)
    objects = fields.Integer("Objects", readonly=True)
    rows = BigInteger("Rows", readonly=True)
    summary = fields.Text("Summary", readonly=True)
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
    def edu_export_domain(cls, company_ids):
        "The exports themselves are not exported"
        return None

    def get_rec_name(self, name):
        return f'{self.company.rec_name} ({self.date:%Y-%m-%d %H:%M})'

    @classmethod
    def estimate_rows(cls, company):
        "The number of rows the export of company would hold"
        pool = Pool()
        Company = pool.get('company.company')
        with Transaction().set_user(0), without_check_access():
            company = Company(company.id)
            ids = registry.organisation_tree(company)
            parties = [c.party.id for c in Company.browse(ids)]
            objects, _ = registry.discover(ids, parties)
            total = 0
            for obj in objects:
                Model = pool.get(obj.model)
                with inactive_records():
                    total += Model.search(obj.domain, count=True)
        return total

    @classmethod
    def run(cls, exports):
        "Make the files of the exports (called at once or by the queue)"
        pool = Pool()
        Company = pool.get('company.company')
        for export in exports:
            try:
                with Transaction().set_user(0), without_check_access():
                    company = Company(export.company.id)
                    built = writer.Export(company, progress=lambda d, t, l:
                        logger.info('export %s: %s/%s %s',
                            export.id, d, t, l)).build()
                    data = built.to_zip()
            except Exception as exception:
                logger.exception('export %s failed', export.id)
                with without_check_access():
                    cls.write([export], {
                            'state': 'failed',
                            'error': str(exception)[:2000],
                            })
                continue
            cls.record(export, built, data)

    @classmethod
    def record(cls, export, built, data=None, path=None):
        """Register the built export (writer.Export) on the record: with
        the zip data kept in the filestore, or the path where the command
        wrote it; and journal it"""
        pool = Pool()
        AuditEntry = pool.get('edu.audit.entry')
        manifest = built.manifest
        rows = sum(o['rows'] for o in manifest['objects'].values())
        values = {
            'state': 'done',
            'objects': len(manifest['objects']),
            'rows': rows,
            'summary': '\n'.join(f'{key}: {info["rows"]}'
                for key, info in manifest['objects'].items()),
            'error': None,
            }
        if data is not None:
            bin_ = manifest['organisation']['bin'] or str(export.company.id)
            stamp = manifest['created_at'][:19].replace(':', '')
            values.update({
                    'file': data,
                    'file_name': f'bilim-export-{bin_}-{stamp}.zip',
                    'size': len(data),
                    'sha256': hashlib.sha256(data).hexdigest(),
                    })
        else:
            if path and os.path.isfile(path):
                with open(path, 'rb') as fp:
                    content = fp.read()
            else:
                content = built.files[writer.MANIFEST]
            values.update({
                    'file_name': path,
                    'size': len(content),
                    'sha256': hashlib.sha256(content).hexdigest(),
                    })
        with without_check_access():
            cls.write([export], values)
        AuditEntry.log_action('export', [export.company],
            description=gettext('edu_export.msg_export_journal',
                organisation=export.company.rec_name),
            details={
                'organisations': manifest['organisations'],
                'objects': len(manifest['objects']),
                'rows': rows,
                'sha256': values['sha256'],
                'file': values['file_name'],
                })

    @classmethod
    def request(cls, company):
        """Create the export of company for the current user; run it at
        once when small, in the queue otherwise; return it"""
        export, = cls.create([{'company': company.id}])
        if cls.estimate_rows(company) > queue_rows():
            with Transaction().set_context(queue_name='edu_export'):
                cls.__queue__.run([export])
        else:
            cls.run([export])
        return export


class ExportStart(ModelView):
    "Export Organisation Data"
    __name__ = 'edu.export.organisation.start'
    __string__ = "Export Organisation Data"
    company = fields.Many2One('company.company', "Organisation",
        required=True,
        help="The organisation to export, with the organisations it "
        "supervises.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')


class ExportResult(ModelView):
    "Export Organisation Data"
    __name__ = 'edu.export.organisation.result'
    __string__ = "Organisation Data Exported"
    export = fields.Many2One('edu.export', "Export", readonly=True)
    message = fields.Text("Result", readonly=True)
    file = fields.Binary("File", filename='file_name', readonly=True)
    file_name = fields.Char("File Name", readonly=True)


class ExportWizard(Wizard):
    "Export Organisation Data"
    __name__ = 'edu.export.organisation'
    start = StateView('edu.export.organisation.start',
        'edu_export.export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView('edu.export.organisation.result',
        'edu_export.export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_export(self):
        Export = Pool().get('edu.export')
        export = Export.request(self.start.company)
        self._export = export.id
        return 'result'

    def default_result(self, fields):
        Export = Pool().get('edu.export')
        export_id = getattr(self, '_export', None)
        if not export_id:
            return {}
        with without_check_access():
            export = Export(export_id)
            values = {'export': export.id}
            if export.state == 'done':
                values['message'] = gettext(
                    'edu_export.msg_export_done',
                    rows=export.rows, objects=export.objects,
                    sha256=export.sha256)
                if export.size <= download_size():
                    values['file'] = export.file
                    values['file_name'] = export.file_name
                else:
                    values['message'] += '\n' + gettext(
                        'edu_export.msg_export_large')
            elif export.state == 'failed':
                values['message'] = gettext(
                    'edu_export.msg_export_failed', error=export.error)
            else:
                values['message'] = gettext('edu_export.msg_export_queued')
        return values


def manifest_of(data):
    "The manifest of the zip bytes data"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read(writer.MANIFEST))
