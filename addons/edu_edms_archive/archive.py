# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The organisation's archive of closed cases and the inventory (опись)
for the transfer to the state archive (R22.13).

- Closing a case of the nomenclature (``edu.edms.nomenclature.close``)
  archives its documents: state ``archived``, ``archive_date`` (today) and
  ``retention_until`` = 31 December of the case's year + its retention
  years (0 or empty retention = kept permanently: no date).  Drafts and
  cancelled documents are left as they are.
- An archived document and its files are read-only for everybody (the
  server refuses any change or deletion); its signatures can still be
  re-verified (they are records of edu_eds).
- ``edu.edms.archive.inventory``: the inventory of the closed cases of an
  organisation and a year, one line per case (index, title, dates of the
  first and last document, number of documents, retention), states draft
  → confirmed → transferred (date and number of the transfer act); printed
  as PDF and XLSX in Kazakh or Russian.
- Documents whose retention has ended are listed by the action "Due for
  Destruction"; nothing is deleted automatically: destruction needs an act
  approved by the expert commission, made outside this module.
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, XlsxDocument)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import PYSON, Eval, Or
from trytond.transaction import Transaction, without_check_access

from .exceptions import InventoryError

#: fields the server keeps up to date on an archived document
SYSTEM_FIELDS = {'search_text', 'search_vector', 'verify_token'}
#: fields the server keeps up to date on a file of an archived document
FILE_SYSTEM_FIELDS = {'text', 'preview_cache', 'preview_sha256'}
#: states of the documents that are not archived with their case
NOT_ARCHIVED = ['draft', 'cancelled', 'archived']
INVENTORY_STATES = [
    ('draft', "Draft"),
    ('confirmed', "Confirmed"),
    ('transferred', "Transferred"),
    ]


def retention_until(year, retention_years):
    "31 December of year + retention_years; None when permanent"
    if not retention_years or not year:
        return None
    return dt.date(year + retention_years, 12, 31)


class Nomenclature(metaclass=PoolMeta):
    __name__ = 'edu.edms.nomenclature'

    @classmethod
    def close(cls, nomenclatures):
        super().close(nomenclatures)
        Document = Pool().get('edu.edms.document')
        Document.archive_cases(nomenclatures)


class Document(metaclass=PoolMeta):
    __name__ = 'edu.edms.document'

    archive_date = fields.Date("Archived On", readonly=True)
    retention_until = fields.Date("Kept Until", readonly=True,
        help="Empty: kept permanently.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        archived = Eval('state') == 'archived'
        for name in dir(cls):
            field = getattr(cls, name, None)
            if not isinstance(field, fields.Field):
                continue
            if name in {'id', 'state', 'create_uid', 'create_date',
                    'write_uid', 'write_date', 'rec_name'}:
                continue
            if isinstance(field, fields.Function) and not field.setter:
                continue
            readonly = field.states.get('readonly')
            if readonly is True:
                continue
            field.states = dict(field.states)
            if isinstance(readonly, PYSON):
                field.states['readonly'] = Or(readonly, archived)
            else:
                field.states['readonly'] = archived
            field.depends = set(field.depends) | {'state'}

    @classmethod
    def archive_cases(cls, cases):
        """Archive the documents of the closed cases (R22.13); return the
        documents archived"""
        today = Pool().get('ir.date').today()
        archived = []
        with without_check_access():
            documents = cls.search([
                    ('case', 'in', [c.id for c in cases]),
                    ('state', 'not in', NOT_ARCHIVED),
                    ])
            by_case = {}
            for document in documents:
                by_case.setdefault(document.case, []).append(document)
            to_write = []
            for case, records in by_case.items():
                to_write.extend([records, {
                            'state': 'archived',
                            'archive_date': today,
                            'retention_until': retention_until(
                                case.year, case.retention_years),
                            }])
                archived.extend(records)
            if to_write:
                with Transaction().set_context(_edms_archiving=True):
                    cls.write(*to_write)
        return archived

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode not in {'write', 'delete'}:
            return
        if Transaction().context.get('_edms_archiving'):
            return
        if mode == 'write' and values and set(values) <= SYSTEM_FIELDS:
            return
        for record in records:
            if record.state == 'archived':
                raise AccessError(gettext(
                        'edu_edms_archive.msg_document_archived',
                        document=record.rec_name))

    @classmethod
    def copy(cls, documents, default=None):
        default = dict(default or {})
        default.setdefault('archive_date', None)
        default.setdefault('retention_until', None)
        return super().copy(documents, default=default)


class File(metaclass=PoolMeta):
    __name__ = 'edu.edms.file'

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        pool = Pool()
        Document = pool.get('edu.edms.document')
        if Transaction().context.get('_edms_archiving'):
            return
        if (mode == 'write' and values
                and set(values) <= FILE_SYSTEM_FIELDS):
            return
        # create: called after the creation, with the new records
        documents = [r.document for r in records if r.document]
        if mode == 'write' and values and values.get('document'):
            documents.append(Document(values['document']))
        for document in documents:
            if document.state == 'archived':
                raise AccessError(gettext(
                        'edu_edms_archive.msg_document_archived',
                        document=document.rec_name))


class Inventory(Workflow, ModelSQL, ModelView):
    "Archive Inventory"
    __name__ = 'edu.edms.archive.inventory'
    __string__ = "Archive Inventory"

    _states = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One('company.company', "Organisation",
        required=True, states=_states, ondelete='RESTRICT')
    year = fields.Integer("Year", required=True, states=_states)
    number = fields.Char("Number", required=True, states=_states)
    date = fields.Date("Date", required=True, states=_states)
    archive_name = fields.Char("State Archive", states=_states,
        help="The archive the cases are transferred to.")
    lines = fields.One2Many('edu.edms.archive.inventory.line', 'inventory',
        "Cases", states=_states)
    state = fields.Selection(INVENTORY_STATES, "State", readonly=True,
        required=True, sort=False)
    transfer_date = fields.Date("Transfer Date",
        states={
            'readonly': Eval('state') == 'transferred',
            'required': Eval('state') == 'transferred',
            })
    act_number = fields.Char("Transfer Act",
        states={
            'readonly': Eval('state') == 'transferred',
            'required': Eval('state') == 'transferred',
            },
        help="The number of the act of acceptance and transfer.")
    documents = fields.Function(fields.Integer("Documents"),
        'get_documents')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('number', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'confirmed'),
            ('confirmed', 'draft'),
            ('confirmed', 'transferred'),
            }
        cls._buttons.update({
                'fill': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'confirmed',
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'transfer': {
                    'invisible': Eval('state') != 'confirmed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_date(cls):
        return dt.date.today()

    @classmethod
    def default_year(cls):
        return dt.date.today().year - 1

    def get_rec_name(self, name):
        return f'{self.number} ({self.year})'

    def get_documents(self, name):
        return sum(l.documents or 0 for l in self.lines)

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'delete':
            for inventory in records:
                if inventory.state != 'draft':
                    raise AccessError(gettext(
                            'edu_edms_archive.msg_inventory_delete',
                            inventory=inventory.rec_name))

    @classmethod
    @ModelView.button
    def fill(cls, inventories):
        "One line per closed case of the organisation and the year"
        pool = Pool()
        Case = pool.get('edu.edms.nomenclature')
        Document = pool.get('edu.edms.document')
        Line = pool.get('edu.edms.archive.inventory.line')
        Line.delete([l for i in inventories for l in i.lines])
        to_create = []
        for inventory in inventories:
            with without_check_access():
                cases = Case.search([
                        ('company', '=', inventory.company.id),
                        ('year', '=', inventory.year),
                        ('state', '=', 'closed'),
                        ], order=[('index', 'ASC'), ('id', 'ASC')])
                for sequence, case in enumerate(cases, 1):
                    documents = Document.search([
                            ('case', '=', case.id),
                            ('state', '=', 'archived'),
                            ])
                    dates = [d.registration_date or d.date
                        for d in documents
                        if (d.registration_date or d.date)]
                    to_create.append({
                            'inventory': inventory.id,
                            'sequence': sequence,
                            'case': case.id,
                            'index': case.index,
                            'title': case.name,
                            'date_from': min(dates) if dates else None,
                            'date_to': max(dates) if dates else None,
                            'documents': len(documents),
                            'retention_years': case.retention_years or 0,
                            'article': getattr(case, 'article', None),
                            })
        Line.create(to_create)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, inventories):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, inventories):
        for inventory in inventories:
            if not inventory.lines:
                raise InventoryError(gettext(
                        'edu_edms_archive.msg_inventory_empty',
                        inventory=inventory.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('transferred')
    def transfer(cls, inventories):
        for inventory in inventories:
            if not inventory.transfer_date or not inventory.act_number:
                raise InventoryError(gettext(
                        'edu_edms_archive.msg_inventory_transfer_act',
                        inventory=inventory.rec_name))


class InventoryLine(ModelSQL, ModelView):
    "Archive Inventory Line"
    __name__ = 'edu.edms.archive.inventory.line'
    __string__ = "Archive Inventory Line"

    _states = {'readonly': Eval('inventory_state') != 'draft'}

    inventory = fields.Many2One('edu.edms.archive.inventory', "Inventory",
        required=True, ondelete='CASCADE')
    inventory_state = fields.Function(
        fields.Selection(INVENTORY_STATES, "Inventory State"),
        'on_change_with_inventory_state')
    sequence = fields.Integer("No.", states=_states)
    case = fields.Many2One('edu.edms.nomenclature', "Case",
        states=_states, ondelete='RESTRICT',
        domain=[('state', '=', 'closed')])
    index = fields.Char("Index", required=True, states=_states)
    title = fields.Char("Title", required=True, states=_states)
    date_from = fields.Date("From", states=_states)
    date_to = fields.Date("To", states=_states)
    documents = fields.Integer("Documents", states=_states)
    retention_years = fields.Integer("Retention (Years)", states=_states,
        help="0: permanent.")
    article = fields.Char("Article", states=_states,
        help="The article of the standard list of retention periods.")
    note = fields.Char("Note", states=_states)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('inventory', 'ASC'), ('sequence', 'ASC'),
            ('id', 'ASC')]

    @fields.depends('inventory', '_parent_inventory.state')
    def on_change_with_inventory_state(self, name=None):
        return self.inventory.state if self.inventory else 'draft'

    @fields.depends('case')
    def on_change_case(self):
        if self.case:
            self.index = self.case.index
            self.title = self.case.name
            self.retention_years = self.case.retention_years or 0

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        pool = Pool()
        Inventory = pool.get('edu.edms.archive.inventory')
        # create: called after the creation, with the new records
        inventories = [r.inventory for r in records]
        if mode == 'write' and values and values.get('inventory'):
            inventories.append(Inventory(values['inventory']))
        for inventory in inventories:
            if inventory.state != 'draft':
                raise AccessError(gettext(
                        'edu_edms_archive.msg_inventory_not_draft',
                        inventory=inventory.rec_name))


def retention_text(years):
    if not years:
        return gettext('edu_edms_archive.msg_inventory_permanent')
    return gettext('edu_edms_archive.msg_inventory_years', years=years)


def _date(value):
    return value.strftime('%d.%m.%Y') if value else ''


def inventory_table(inventory):
    "The header and the rows of an inventory (PDF and XLSX)"
    t = gettext
    header = [t('edu_edms_archive.msg_inventory_no'),
        t('edu_edms_archive.msg_inventory_index'),
        t('edu_edms_archive.msg_inventory_case'),
        t('edu_edms_archive.msg_inventory_dates'),
        t('edu_edms_archive.msg_inventory_count'),
        t('edu_edms_archive.msg_inventory_retention'),
        t('edu_edms_archive.msg_inventory_note')]
    rows = []
    for i, line in enumerate(inventory.lines, 1):
        rows.append([line.sequence or i, line.index, line.title,
                '%s — %s' % (_date(line.date_from), _date(line.date_to)),
                line.documents or 0,
                retention_text(line.retention_years),
                line.note or ''])
    return header, rows


def inventory_title(inventory):
    return gettext('edu_edms_archive.msg_inventory_title',
        number=inventory.number, year=inventory.year)


class InventoryReport(FileReport):
    "Archive Inventory (PDF)"
    __name__ = 'edu.edms.archive.inventory.report'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        from reportlab.platypus import PageBreak
        pdf = None
        for inventory in records:
            title = inventory_title(inventory)
            if pdf is None:
                pdf = PdfDocument(title, landscape=True)
            else:
                pdf.story.append(PageBreak())
                pdf.heading(title)
            pdf.paragraph(inventory.company.rec_name, 'heading')
            if inventory.archive_name:
                pdf.paragraph(inventory.archive_name)
            header, rows = inventory_table(inventory)
            pdf.table([header] + rows, numeric=(0, 4),
                col_widths=[0.05, 0.1, 0.38, 0.17, 0.08, 0.12, 0.1])
            pdf.spacer()
            pdf.paragraph(gettext('edu_edms_archive.msg_inventory_total',
                    cases=len(rows), documents=inventory.documents))
            if inventory.state == 'transferred':
                pdf.paragraph(gettext(
                        'edu_edms_archive.msg_inventory_transferred',
                        act=inventory.act_number,
                        date=_date(inventory.transfer_date)))
            pdf.signatures([
                    (gettext('edu_edms_archive.msg_inventory_compiler'), ''),
                    (gettext('edu_edms_archive.msg_inventory_approver'), ''),
                    ])
        return pdf.build()


class InventoryXlsxReport(FileReport):
    "Archive Inventory (XLSX)"
    __name__ = 'edu.edms.archive.inventory.xlsx'
    extension = 'xlsx'

    @classmethod
    def render(cls, records, data):
        xlsx = XlsxDocument()
        for inventory in records:
            header, rows = inventory_table(inventory)
            xlsx.sheet(f'{inventory.number}-{inventory.id}',
                inventory_title(inventory), header, rows,
                widths=[6, 12, 50, 24, 10, 16, 20])
        return xlsx.build()
