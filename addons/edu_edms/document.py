# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Documents (R22.2, R22.6, R22.8): the card (kind, number, date,
correspondent with BIN/IIN, summary, executor, deadline, related documents,
files), the registration into the journal of the kind (automatic on
creation or receipt, gapless numbers per organisation, kind and year, see
kind.py) and the keyword search (search.py)."""
import datetime as dt
import functools

from sql import Column

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.edu_base import kz_id
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from . import search as _search
from .exceptions import DocumentValidationError
from .kind import DIRECTIONS

STATES = [
    ('draft', "Draft"),
    ('registered', "Registered"),
    ('on_approval', "On Approval"),
    ('approved', "Approved"),
    ('rejected', "Rejected"),
    ('signed', "Signed"),
    ('sent', "Sent"),
    ('received', "Received"),
    ('executed', "Executed"),
    ('archived', "Archived"),
    ('cancelled', "Cancelled"),
    ]
#: fields only the registration writes
REGISTRATION_FIELDS = {'number', 'sequence', 'journal', 'registration_date'}
#: fields only the server writes (buttons, the route, crons, the archive,
#: ЕСЭДО): refused in the writes of the clients (those existing on the model)
SYSTEM_FIELDS = {'state', 'route_sha256', 'route_round', 'verify_token',
    'archive_date', 'retention_until', 'signature_problem',
    'signature_problem_reason'}
#: the states in which the files of a document are frozen (what is
#: approved or signed); a returned or rejected route opens them again
FILES_LOCKED_STATES = {'on_approval', 'approved', 'signed', 'sent',
    'archived'}
#: fields whose change refreshes the search text
SEARCH_FIELDS = {'summary', 'body', 'number', 'correspondent',
    'correspondent_number', 'kind'}
_READONLY = ~Eval('state').in_(['draft', 'registered'])


def _internal_write(func):
    "Let the workflow of func write the system fields"
    @functools.wraps(func)
    def wrapper(cls, *args, **kwargs):
        with Transaction().set_context(_edms_internal_write=True):
            return func(cls, *args, **kwargs)
    return wrapper


class Document(Workflow, ModelSQL, ModelView):
    "Document"
    __string__ = "Document"
    __name__ = 'edu.edms.document'
    _rec_name = 'number'

    company = fields.Many2One(
        'company.company', "Organisation", required=True,
        states={'readonly': Eval('state') != 'draft'})
    kind = fields.Many2One(
        'edu.edms.document.kind', "Kind", required=True,
        domain=[('company', 'in', [None, Eval('company', -1)])],
        states={'readonly': Eval('state') != 'draft'})
    direction = fields.Function(
        fields.Selection(DIRECTIONS, "Direction"),
        'on_change_with_direction', searcher='search_direction')
    number = fields.Char(
        "Number", readonly=True,
        help="Set on registration: <case index>/<n> or <prefix>-<n>.")
    sequence = fields.Integer("Sequence", readonly=True)
    journal = fields.Many2One(
        'edu.edms.journal', "Registration Journal", readonly=True)
    registration_date = fields.Date("Registration Date", readonly=True)
    date = fields.Date(
        "Date", required=True, states={'readonly': _READONLY},
        help="The date of the document (for incoming: the sender's date).")
    correspondent = fields.Many2One(
        'party.party', "Correspondent", states={'readonly': _READONLY},
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The sender of an incoming or the addressee of an outgoing "
        "document.")
    correspondent_tax_id = fields.Function(
        fields.Char("Correspondent BIN/IIN"), 'get_correspondent_tax_id',
        searcher='search_correspondent_tax_id')
    correspondent_number = fields.Char(
        "Correspondent Number", strip=True, states={'readonly': _READONLY},
        help="The sender's own registration number.")
    correspondent_date = fields.Date(
        "Correspondent Date", states={'readonly': _READONLY})
    summary = fields.Text(
        "Summary", required=True, states={'readonly': _READONLY})
    body = fields.Text("Text", states={'readonly': _READONLY})
    author = fields.Many2One(
        'res.user', "Author", required=True,
        states={'readonly': Eval('state') != 'draft'})
    executor = fields.Many2One('res.user', "Executor")
    deadline = fields.Date(
        "Deadline", help="The date by which the document must be executed.")
    related = fields.Many2Many(
        'edu.edms.document-related', 'document', 'related',
        "Related Documents",
        domain=[('id', '!=', Eval('id', -1)),
            ('company', '=', Eval('company', -1))])
    files = fields.One2Many(
        'edu.edms.file', 'document', "Files",
        states={'readonly': _READONLY})
    main_file = fields.Many2One(
        'edu.edms.file', "Main File",
        domain=[('document', '=', Eval('id', -1))],
        states={'readonly': _READONLY},
        help="The file that is signed; the first file when empty.")
    case = fields.Many2One(
        'edu.edms.nomenclature', "Case",
        domain=[('company', '=', Eval('company', -1))],
        help="The case of the nomenclature the document is filed into.")
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)
    keywords = fields.Function(
        fields.Char("Keywords",
            help="Words of the summary, the text or the attached files."),
        'get_keywords', searcher='search_keywords')
    search_text = fields.Text("Search Text", readonly=True, loading='lazy')
    signatures = fields.Function(
        fields.Many2Many('edu.eds.signature', None, None, "Signatures"),
        'get_signatures')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('registration_date', 'DESC NULLS FIRST'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'registered'),
            ('draft', 'cancelled'),
            ('registered', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'register': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'registered']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        cursor = Transaction().connection.cursor()
        _search.create_columns(cursor, cls._table)

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_author():
        return Transaction().user

    @fields.depends('kind')
    def on_change_with_direction(self, name=None):
        return self.kind.direction if self.kind else None

    @classmethod
    def search_direction(cls, name, clause):
        return [('kind.direction',) + tuple(clause[1:])]

    @fields.depends('kind', 'date', 'deadline')
    def on_change_kind(self):
        if (self.kind and self.kind.control_days and self.date
                and not self.deadline):
            self.deadline = self.date + dt.timedelta(
                days=self.kind.control_days)

    def get_correspondent_tax_id(self, name):
        if self.correspondent:
            return self.correspondent.bin or self.correspondent.iin
        return None

    @classmethod
    def search_correspondent_tax_id(cls, name, clause):
        return ['OR',
            ('correspondent.bin',) + tuple(clause[1:]),
            ('correspondent.iin',) + tuple(clause[1:]),
            ]

    def get_rec_name(self, name):
        summary = (self.summary or '').strip().splitlines()
        summary = summary[0][:60] if summary else ''
        if self.number:
            return '%s %s' % (self.number, summary)
        return summary

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator = clause[:2]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('number', *clause[1:]),
            ('summary', *clause[1:]),
            ('correspondent_number', *clause[1:]),
            ]

    def get_keywords(self, name):
        return None

    @classmethod
    def search_keywords(cls, name, clause):
        "Full-text search of the summary, text and files (R22.6)"
        _, operator, value = clause[:3]
        query = _search.matching_query(cls.__table__(), value or '')
        if query is None:
            return []
        if operator.startswith('not') or operator.startswith('!'):
            return [('id', 'not in', query)]
        return [('id', 'in', query)]

    @classmethod
    def get_signatures(cls, documents, name):
        pool = Pool()
        result = {d.id: [] for d in documents}
        try:
            Signature = pool.get('edu.eds.signature')
        except KeyError:
            return result
        signatures = Signature.search([
                ('resource', 'in', ['%s,%s' % (cls.__name__, d.id)
                        for d in documents]),
                ], order=[('id', 'ASC')])
        for signature in signatures:
            result[signature.resource.id].append(signature.id)
        return result

    def get_main_file(self):
        "Return the file that is signed: the main file or the first one"
        if self.main_file:
            return self.main_file
        return self.files[0] if self.files else None

    def files_locked(self):
        """Tell if the files of the document are frozen: on approval,
        approved, signed, sent or archived (also once executed after)"""
        state = self.state
        if state == 'executed':
            state = getattr(self, 'execution_previous_state', None)
        return state in FILES_LOCKED_STATES

    def get_signed_content(self, signature=None):
        """Return the current bytes of the file signed by signature: the
        file of the document named as the signature's file, else the main
        file"""
        file = None
        file_name = getattr(signature, 'file_name', None)
        if file_name:
            for candidate in self.files:
                if candidate.name == file_name:
                    file = candidate
                    break
        if file is None:
            file = self.get_main_file()
        return bytes(file.data) if file and file.data is not None else None

    @classmethod
    def validate_fields(cls, documents, field_names):
        super().validate_fields(documents, field_names)
        if field_names & {'date', 'deadline', 'kind', 'correspondent_date'}:
            cls.check_dates(documents)
        if field_names & {'correspondent'}:
            cls.check_correspondent(documents)
        if field_names & {'main_file'}:
            for document in documents:
                if (document.main_file
                        and document.main_file.document != document):
                    raise DocumentValidationError(gettext(
                            'edu_edms.msg_main_file_other',
                            document=document.rec_name))

    @classmethod
    def check_dates(cls, documents):
        today = Pool().get('ir.date').today()
        for document in documents:
            if document.deadline and document.date and (
                    document.deadline < document.date):
                raise DocumentValidationError(gettext(
                        'edu_edms.msg_deadline_before_date',
                        document=document.rec_name,
                        deadline=document.deadline, date=document.date))
            if document.kind and document.kind.direction == 'incoming':
                for value in (document.date, document.correspondent_date):
                    if value and value > today:
                        raise DocumentValidationError(gettext(
                                'edu_edms.msg_incoming_date_future',
                                document=document.rec_name, date=value))

    @classmethod
    def check_correspondent(cls, documents):
        "The correspondent's BIN/IIN must pass the checksum (edu_base)"
        for document in documents:
            party = document.correspondent
            if not party:
                continue
            for kind, code, validate in (
                    ('bin', party.bin, kz_id.validate_bin),
                    ('iin', party.iin, kz_id.validate_iin)):
                if not code:
                    continue
                try:
                    validate(code)
                except kz_id.InvalidCode as error:
                    raise DocumentValidationError(gettext(
                            'edu_edms.msg_correspondent_tax_id',
                            document=document.rec_name,
                            reason=gettext(
                                f'edu_base.msg_{kind}_{error.reason}',
                                code=code, party=party.rec_name)))

    @classmethod
    def check_modification(cls, mode, documents, values=None, external=False):
        super().check_modification(
            mode, documents, values=values, external=external)
        if mode == 'write' and external and (
                set(values) & REGISTRATION_FIELDS):
            raise AccessError(gettext(
                    'edu_edms.msg_registration_readonly'))
        if (mode == 'write' and external
                and not Transaction().context.get('_edms_internal_write')):
            system = SYSTEM_FIELDS & set(cls._fields) & set(values)
            if system:
                names = cls.fields_get(sorted(system))
                raise AccessError(gettext(
                        'edu_edms.msg_document_system_fields',
                        fields=', '.join(
                            names[n]['string'] for n in sorted(system))))
        if mode == 'write' and external and 'main_file' in values:
            cls.check_files_unlocked(documents)
        if mode == 'delete':
            for document in documents:
                if document.state != 'draft':
                    raise AccessError(gettext(
                            'edu_edms.msg_delete_draft_only',
                            document=document.rec_name))

    @classmethod
    def check_files_unlocked(cls, documents):
        "Refuse to change the files of the documents whose files are frozen"
        states = None
        for document in documents:
            if document.files_locked():
                if states is None:
                    states = dict(cls.fields_get(
                            ['state'])['state']['selection'])
                raise AccessError(gettext(
                        'edu_edms.msg_document_files_locked',
                        document=document.rec_name,
                        state=states.get(document.state, document.state)))

    @classmethod
    def copy(cls, documents, default=None):
        default = default.copy() if default is not None else {}
        for name in REGISTRATION_FIELDS | {'main_file', 'search_text'}:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        default.setdefault('author', Transaction().user)
        return super().copy(documents, default=default)

    @classmethod
    def create(cls, vlist):
        documents = super().create(vlist)
        if not Transaction().context.get('edms_draft'):
            cls.register([d for d in documents if d.state == 'draft'])
        cls.update_search(documents)
        return documents

    @classmethod
    def write(cls, *args):
        super().write(*args)
        changed = []
        actions = iter(args)
        for records, values in zip(actions, actions):
            if set(values) & SEARCH_FIELDS:
                changed.extend(records)
        if changed:
            cls.update_search(cls.browse(list({d.id for d in changed})))

    @classmethod
    @ModelView.button
    @_internal_write
    @Workflow.transition('registered')
    def register(cls, documents):
        """Register the documents: file into the case of the year, take the
        next number of the kind's journal (R22.2)"""
        pool = Pool()
        Journal = pool.get('edu.edms.journal')
        today = pool.get('ir.date').today()
        with without_check_access():
            cls._register(documents, today, Journal)
        cls.update_search(documents)

    @classmethod
    def _register(cls, documents, today, Journal):
        Nomenclature = Pool().get('edu.edms.nomenclature')
        for document in sorted(documents, key=lambda d: d.id):
            if document.number:
                continue
            year = today.year
            case = document.case or document.kind.case_for_year(
                document.company, year)
            journal, sequence = Journal.next_number(
                document.company, document.kind, year)
            # numbered by the case: counted per case (kinds may share it)
            if case and case.year == year:
                number = document.kind.format_number(
                    Nomenclature.next_number(case), case)
            else:
                number = document.kind.format_number(sequence)
            duplicates = cls.search([
                    ('company', '=', document.company.id),
                    ('number', '=', number),
                    ('id', '!=', document.id),
                    ], limit=1)
            if duplicates:
                raise DocumentValidationError(gettext(
                        'edu_edms.msg_number_duplicate',
                        number=number,
                        document=duplicates[0].rec_name,
                        kind=document.kind.rec_name))
            super().write([document], {
                    'number': number,
                    'sequence': sequence,
                    'journal': journal.id,
                    'registration_date': today,
                    'case': case.id if case else None,
                    })

    @classmethod
    @ModelView.button
    @_internal_write
    @Workflow.transition('cancelled')
    def cancel(cls, documents):
        pass

    @classmethod
    def set_default_main_file(cls, documents):
        "Make the first file the main file of documents without one"
        to_write = []
        for document in documents:
            if not document.main_file and document.files:
                to_write.extend([[document], {
                            'main_file': document.files[0].id}])
        if to_write:
            super().write(*to_write)

    @classmethod
    def search_text_of(cls, document):
        "Return the lowercased search text of a document"
        parts = [document.number, document.correspondent_number,
            document.summary, document.body,
            document.correspondent.rec_name if document.correspondent
            else None]
        for file in document.files:
            parts.append(file.name)
            parts.append(file.text)
        text = _search.normalise(' '.join(p for p in parts if p))
        return text[:_search.MAX_SEARCH_TEXT]

    @classmethod
    def update_search(cls, documents):
        """Recompute search_text (and search_vector on PostgreSQL) of the
        documents in SQL"""
        if not documents:
            return
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for document in cls.browse([d.id for d in documents]):
            text = cls.search_text_of(document)
            columns, values = [table.search_text], [text]
            if _search.is_postgresql():
                columns.append(Column(table, 'search_vector'))
                values.append(_search.ToTsVector('simple', text))
            cursor.execute(*table.update(
                    columns, values, where=table.id == document.id))
        _search.clear_cache(cls, [d.id for d in documents])


class DocumentRelated(ModelSQL):
    "Related documents"
    __string__ = "Related Document"
    __name__ = 'edu.edms.document-related'

    document = fields.Many2One(
        'edu.edms.document', "Document", required=True, ondelete='CASCADE')
    related = fields.Many2One(
        'edu.edms.document', "Related", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('document')
