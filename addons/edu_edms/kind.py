# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Kinds of documents and their registration journals (R22.2).

Every kind has its own journal per organisation and year.  The number of a
registered document is ``<case index>/<n>`` when it is filed into a case of
the registration year (its own, else the case with the index of the kind's
case), ``n`` counted per case (organisation, year, index: kinds sharing a
case share its numbers); else ``<prefix>-<n>`` (the kind's code when it has
no prefix) with ``n`` the journal's sequence.  Both count from 1 without
gaps: the journal's counter row, resp. the case's row, is locked (``SELECT
… FOR UPDATE`` on PostgreSQL, the database write lock on SQLite), the
journal table while the year's journal is created, and a failed
registration rolls it back.  A number already given in the organisation
(e.g. two kinds with the same prefix) is refused."""
from sql import Literal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import JournalError
from .search import clear_cache

DIRECTIONS = [
    ('incoming', "Incoming"),
    ('outgoing', "Outgoing"),
    ('internal', "Internal"),
    ('order', "Order"),
    ('contract', "Contract"),
    ]
ORDER_TYPES = [
    (None, ""),
    ('main', "On Main Activity"),
    ('personnel', "On Personnel"),
    ('students', "On Students"),
    ]
#: role codes of edu_eds (EKU 1.2.398.3.3.4.1.x)
ROLE_CODES = {'individual', 'legal', 'first_head', 'signer', 'finance',
    'hr', 'employee'}


class DocumentKind(DeactivableMixin, ModelSQL, ModelView):
    "Document kind"
    __string__ = "Document Kind"
    __name__ = 'edu.edms.document.kind'

    company = fields.Many2One(
        'company.company', "Organisation",
        help="Empty for the kinds shared by all organisations.")
    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True, translate=True)
    direction = fields.Selection(DIRECTIONS, "Direction", required=True)
    order_type = fields.Selection(
        ORDER_TYPES, "Order Type",
        states={
            'invisible': Eval('direction') != 'order',
            'required': Eval('direction') == 'order',
            })
    case = fields.Many2One(
        'edu.edms.nomenclature', "Case",
        domain=[If(Eval('company'),
                ('company', '=', Eval('company', -1)),
                ())],
        help="The case the documents are filed into; each year the case "
        "with the same index of that year's nomenclature is used.")
    prefix = fields.Char(
        "Prefix", strip=True,
        help="Starts the number when the kind has no case for the year.")
    signature_roles = fields.Char(
        "Signature Roles",
        help="Comma-separated role codes of which the signer's certificate "
        "must carry at least one (first_head, signer, employee, hr, "
        "finance, legal, individual); empty accepts any.")
    signature_bin = fields.Boolean(
        "Signature BIN",
        help="The BIN of the signer's certificate must be the "
        "organisation's BIN.")
    control_days = fields.Integer(
        "Execution Days", domain=[
            If(Eval('control_days'), ('control_days', '>=', 0), ())],
        help="Default number of days to execute a document of this kind.")
    journals = fields.One2Many(
        'edu.edms.journal', 'kind', "Registration Journals", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_code_uniq', Unique(t, t.company, t.code),
                'edu_edms.msg_kind_code_unique'),
            ]
        cls._order = [('direction', 'ASC'), ('code', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def validate_fields(cls, kinds, field_names):
        super().validate_fields(kinds, field_names)
        if field_names & {'signature_roles'}:
            from .exceptions import KindValidationError
            for kind in kinds:
                unknown = set(kind.required_roles()) - ROLE_CODES
                if unknown:
                    raise KindValidationError(gettext(
                            'edu_edms.msg_kind_roles',
                            kind=kind.rec_name,
                            roles=', '.join(sorted(unknown)),
                            known=', '.join(sorted(ROLE_CODES))))

    def required_roles(self):
        "Return the set of role codes required from the signer's certificate"
        return {r.strip() for r in (self.signature_roles or '').split(',')
            if r.strip()}

    def case_for_year(self, company, year):
        "Return the case of the nomenclature of company for year, or None"
        Nomenclature = Pool().get('edu.edms.nomenclature')
        if not self.case:
            return None
        return Nomenclature.case_for(company, year, self.case.index)

    def format_number(self, sequence, case=None):
        "Return the registration number of sequence"
        if case:
            return '%s/%s' % (case.index, sequence)
        return '%s-%s' % (self.prefix or self.code, sequence)


class Journal(ModelSQL, ModelView):
    "Registration journal"
    __string__ = "Registration Journal"
    __name__ = 'edu.edms.journal'

    company = fields.Many2One(
        'company.company', "Organisation", required=True, readonly=True)
    kind = fields.Many2One(
        'edu.edms.document.kind', "Kind", required=True, readonly=True,
        ondelete='RESTRICT')
    year = fields.Integer("Year", required=True, readonly=True)
    last_number = fields.Integer(
        "Last Number", required=True, readonly=True)
    documents = fields.One2Many(
        'edu.edms.document', 'journal', "Documents", readonly=True,
        order=[('sequence', 'ASC')])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_kind_year_uniq', Unique(t, t.company, t.kind, t.year),
                'edu_edms.msg_journal_unique'),
            ]
        cls._order = [('year', 'DESC'), ('kind', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_last_number():
        return 0

    def get_rec_name(self, name):
        return '%s %s' % (self.kind.rec_name, self.year)

    @classmethod
    def next_number(cls, company, kind, year):
        """Return (journal, n): the next number of the journal of company,
        kind and year, the counter row locked until the transaction ends"""
        transaction = Transaction()
        journals = cls.search([
                ('company', '=', int(company)),
                ('kind', '=', int(kind)),
                ('year', '=', year),
                ], limit=1)
        if not journals:
            # the first registration of the year creates the journal: the
            # table is locked so that a parallel one waits (PostgreSQL:
            # the transaction is retried) instead of breaking the unique
            # constraint
            cls.lock()
            journals = cls.search([
                    ('company', '=', int(company)),
                    ('kind', '=', int(kind)),
                    ('year', '=', year),
                    ], limit=1)
        if journals:
            journal, = journals
        else:
            journal, = cls.create([{
                        'company': int(company),
                        'kind': int(kind),
                        'year': year,
                        'last_number': 0,
                        }])
        cls.lock([journal])
        table = cls.__table__()
        cursor = transaction.connection.cursor()
        # the UPDATE takes the write lock on SQLite; re-read after it
        cursor.execute(*table.update(
                [table.last_number], [table.last_number + Literal(1)],
                where=table.id == journal.id))
        cursor.execute(*table.select(
                table.last_number, where=table.id == journal.id))
        number, = cursor.fetchone()
        clear_cache(cls, [journal.id])
        return journal, number


try:  # edu_account's printing, guarded: edu_edms does not depend on it
    from trytond.modules.edu_account.printing import (
        FileReport, PdfDocument, XlsxDocument, translated)
except ImportError:  # pragma: no cover
    from trytond.report import Report
    PdfDocument = XlsxDocument = None

    def translated(message_id, **variables):
        return gettext(message_id, **variables)

    class FileReport(Report):
        extension = 'pdf'

        @classmethod
        def _execute(cls, records, header, data, action):
            return cls.extension, cls.render(records, data)

JOURNAL_COLUMNS = ('sequence', 'registration_date', 'number', 'date',
    'correspondent', 'correspondent_number', 'summary', 'executor',
    'deadline', 'state')


def journal_tables(journals):
    """Return [(sheet name, title, header, rows)] of the registration
    journals in the printing language"""
    pool = Pool()
    Document = pool.get('edu.edms.document')
    states = dict(Document.fields_get(['state'])['state']['selection'])
    header = [translated('edu_edms.msg_journal_column_' + c)
        for c in JOURNAL_COLUMNS]
    tables = []
    for journal in journals:
        title = translated('edu_edms.msg_journal_title',
            kind=journal.kind.name, year=journal.year,
            company=journal.company.rec_name)
        rows = []
        for document in Document.search([('journal', '=', journal.id)],
                order=[('sequence', 'ASC')]):
            correspondent = ''
            if document.correspondent:
                correspondent = document.correspondent.rec_name
                if document.correspondent_tax_id:
                    correspondent += ' (%s)' % document.correspondent_tax_id
            sender = document.correspondent_number or ''
            if document.correspondent_date:
                sender += ' %s' % document.correspondent_date.strftime(
                    '%d.%m.%Y')
            rows.append([
                    document.sequence,
                    document.registration_date.strftime('%d.%m.%Y')
                    if document.registration_date else '',
                    document.number or '',
                    document.date.strftime('%d.%m.%Y')
                    if document.date else '',
                    correspondent,
                    sender.strip(),
                    document.summary or '',
                    document.executor.rec_name if document.executor else '',
                    document.deadline.strftime('%d.%m.%Y')
                    if document.deadline else '',
                    states.get(document.state, document.state),
                    ])
        tables.append(('%s %s' % (journal.kind.code, journal.year), title,
                header, rows))
    return tables


class JournalReport(FileReport):
    "Registration journal (PDF)"
    __name__ = 'edu.edms.journal.report'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        if PdfDocument is None:
            raise JournalError(gettext('edu_edms.msg_journal_printing'))
        tables = journal_tables(records)
        pdf = PdfDocument(tables[0][1] if tables else '', landscape=True,
            font_size=8)
        for index, (_, title, header, rows) in enumerate(tables):
            if index:
                pdf.heading(title)
            pdf.table([header] + [[str(v) for v in r] for r in rows],
                col_widths=[0.04, 0.08, 0.08, 0.08, 0.16, 0.1, 0.22, 0.1,
                    0.07, 0.07], numeric=(0,))
        return pdf.build()


class JournalReportXlsx(FileReport):
    "Registration journal (XLSX)"
    __name__ = 'edu.edms.journal.report_xlsx'
    extension = 'xlsx'

    @classmethod
    def render(cls, records, data):
        if XlsxDocument is None:
            raise JournalError(gettext('edu_edms.msg_journal_printing'))
        book = XlsxDocument()
        for name, title, header, rows in journal_tables(records):
            book.sheet(name, title, header, rows,
                widths=[6, 12, 12, 12, 36, 18, 60, 24, 12, 16])
        return book.build()
