# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Execution control (R22.9): the register of everything awaited and the
report "Execution discipline".

The register ``edu.edms.control`` is one SQL view (``table_query``) over
two sources:

- the executor lines of the resolutions (not cancelled), with the
  resolution's deadline;
- the outgoing documents with an ``answer_deadline``: controlled until an
  incoming document is linked to them as ``related`` (the answer), the
  controller being the document's executor (else its author).

Each row shows the document number, the summary, the executor, the
deadline, the days left (negative: overdue) and is highlighted ``danger``
when overdue and ``warning`` when due within 3 days.  The report counts,
per executor and for the deadlines of a period: total, done on time, done
late, open and overdue; PDF (edu_account.printing when importable) and
XLSX, in Kazakh or Russian.
"""
import datetime as dt

from sql import Cast, Literal, Null, Union
from sql.conditionals import Case, Coalesce
from sql.operators import Mul

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateReport, StateView, Wizard

from .exceptions import ResolutionError
from .notification import notify
from .resolution import CLOSED_DOCUMENT_STATES, today

try:  # edu_account's printing, guarded: edu_edms does not depend on it
    from trytond.modules.edu_account.printing import (
        FileReport, PdfDocument, XlsxDocument, translated)
except ImportError:  # pragma: no cover
    PdfDocument = XlsxDocument = None

    def translated(message_id, **variables):
        return gettext(message_id, **variables)

    class FileReport(Report):
        extension = 'pdf'

        @classmethod
        def _execute(cls, records, header, data, action):
            return cls.extension, cls.render(records, data)

#: days before the deadline when a row is highlighted as 'warning'
WARNING_DAYS = 3
KINDS = [
    ('resolution', "Resolution"),
    ('answer', "Answer Awaited"),
    ]
CONTROL_STATES = [
    ('open', "Open"),
    ('done', "Done"),
    ]


class Document(metaclass=PoolMeta):
    "Documents under execution control"
    __name__ = 'edu.edms.document'

    resolutions = fields.One2Many(
        'edu.edms.resolution', 'document', "Resolutions", readonly=True)
    answer_deadline = fields.Date(
        "Answer Deadline",
        states={
            'invisible': Eval('direction') != 'outgoing',
            },
        help="An outgoing letter awaiting an answer stays under control "
        "until an incoming document is linked to it as related.")
    answer_date = fields.Date(
        "Answered On", readonly=True,
        states={
            'invisible': ~Eval('answer_deadline'),
            },
        help="The registration date of the first incoming related "
        "document.")
    answer_overdue_notified = fields.Date(
        "Answer Overdue Notified On", readonly=True)
    execution_previous_state = fields.Char(
        "State Before Execution", readonly=True)

    @classmethod
    def copy(cls, documents, default=None):
        default = default.copy() if default is not None else {}
        for name in ('resolutions', 'answer_date',
                'answer_overdue_notified', 'execution_previous_state'):
            default.setdefault(name, None)
        return super().copy(documents, default=default)

    @classmethod
    def update_execution(cls, documents):
        """'executed' when all the (not cancelled) resolutions are done,
        back to the previous state when one is reopened"""
        documents = cls.browse([d.id for d in documents if d])
        to_executed, to_back = [], {}
        for document in documents:
            resolutions = [r for r in document.resolutions
                if r.state != 'cancelled']
            executed = bool(resolutions) and all(
                r.state == 'done' for r in resolutions)
            if executed and document.state not in (
                    'executed', *CLOSED_DOCUMENT_STATES):
                to_executed.append(document)
            elif not executed and document.state == 'executed':
                previous = document.execution_previous_state or 'registered'
                to_back.setdefault(previous, []).append(document)
        with without_check_access():
            for document in to_executed:
                cls.write([document], {
                        'state': 'executed',
                        'execution_previous_state': document.state,
                        })
            for state, documents in to_back.items():
                cls.write(documents, {
                        'state': state,
                        'execution_previous_state': None,
                        })

    @classmethod
    def create(cls, vlist):
        documents = super().create(vlist)
        cls.update_answers(documents)
        return documents

    @classmethod
    def write(cls, *args):
        super().write(*args)
        documents = []
        actions = iter(args)
        for records, values in zip(actions, actions):
            if 'related' in values:
                documents.extend(records)
        if documents:
            cls.update_answers(documents)

    @classmethod
    def update_answers(cls, documents):
        """Set answer_date of the outgoing documents among documents and
        their related ones from their incoming related documents"""
        with without_check_access():
            documents = cls.browse([d.id for d in documents])
            candidates = {d for d in documents}
            for document in documents:
                candidates.update(getattr(document, 'related', []) or [])
                candidates.update(cls.search([
                            ('related', '=', document.id)]))
            changes = {}
            for document in candidates:
                if getattr(document, 'direction', None) != 'outgoing':
                    continue
                answers = set(getattr(document, 'related', []) or [])
                answers.update(cls.search([('related', '=', document.id)]))
                dates = [a.registration_date or a.date or today()
                    for a in answers
                    if getattr(a, 'direction', None) == 'incoming']
                answer_date = min(dates) if dates else None
                if document.answer_date != answer_date:
                    changes.setdefault(answer_date, []).append(document)
            for answer_date, records in changes.items():
                super().write(records, {'answer_date': answer_date})

    @classmethod
    def notify_answer_overdue(cls):
        """Cron part: the executor (else the author) of an outgoing letter
        whose answer is overdue, once a day"""
        date = today()
        with without_check_access():
            documents = cls.search([
                    ('answer_deadline', '<', date),
                    ('answer_date', '=', None),
                    ('state', 'not in', ['draft', 'cancelled']),
                    ['OR',
                        ('answer_overdue_notified', '=', None),
                        ('answer_overdue_notified', '<', date),
                        ],
                    ], order=[('id', 'ASC')])
            for document in documents:
                user = document.executor or document.author
                if not user:
                    continue
                notify([user], 'edu_edms.msg_notify_answer_overdue',
                    document,
                    deadline=document.answer_deadline.strftime('%d.%m.%Y'),
                    days=(date - document.answer_deadline).days)
            if documents:
                super().write(documents, {'answer_overdue_notified': date})
        return documents


class Control(ModelSQL, ModelView):
    "Execution control"
    __name__ = 'edu.edms.control'
    __string__ = "Execution Control"

    company = fields.Many2One('company.company', "Organisation")
    kind = fields.Selection(KINDS, "Kind")
    document = fields.Many2One('edu.edms.document', "Document")
    resolution = fields.Many2One('edu.edms.resolution', "Resolution")
    line = fields.Many2One('edu.edms.resolution.executor', "Executor Line")
    user = fields.Many2One('res.user', "Executor")
    author = fields.Many2One('res.user', "Author")
    responsible = fields.Boolean("Responsible")
    deadline = fields.Date("Deadline")
    state = fields.Selection(CONTROL_STATES, "State")
    done_date = fields.Date("Done On")
    number = fields.Function(fields.Char("Number"), 'get_document_field')
    summary = fields.Function(fields.Char("Summary"), 'get_document_field')
    task = fields.Function(fields.Char("Task"), 'get_task')
    days_left = fields.Function(
        fields.Integer("Days Left",
            help="Days until the deadline; negative when overdue."),
        'get_days_left')
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')
    due_week = fields.Function(
        fields.Boolean("Due This Week"), 'get_due_week',
        searcher='search_due_week')
    mine = fields.Function(
        fields.Boolean("Mine"), 'get_mine', searcher='search_mine')
    visual = fields.Function(fields.Char("Visual"), 'get_visual')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('deadline', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Line = pool.get('edu.edms.resolution.executor')
        Resolution = pool.get('edu.edms.resolution')
        Document = pool.get('edu.edms.document')
        Kind = pool.get('edu.edms.document.kind')
        line = Line.__table__()
        resolution = Resolution.__table__()
        document = Document.__table__()
        kind = Kind.__table__()
        null_int = Cast(Null, 'INTEGER')

        def common(table):
            return [
                Literal(0).as_('create_uid'),
                table.create_date.as_('create_date'),
                null_int.as_('write_uid'),
                table.write_date.as_('write_date'),
                ]

        resolutions = line.join(
            resolution, condition=line.resolution == resolution.id
            ).select(
            Mul(line.id, 2).as_('id'),
            *common(line),
            resolution.company.as_('company'),
            Literal('resolution').as_('kind'),
            resolution.document.as_('document'),
            resolution.id.as_('resolution'),
            line.id.as_('line'),
            line.user.as_('user'),
            resolution.author.as_('author'),
            line.responsible.as_('responsible'),
            resolution.deadline.as_('deadline'),
            Case((resolution.state == 'done', 'done'),
                else_=line.state).as_('state'),
            Case((resolution.state == 'done',
                    Coalesce(line.done_date, resolution.done_date)),
                else_=line.done_date).as_('done_date'),
            where=resolution.state != 'cancelled')
        answers = document.join(
            kind, condition=document.kind == kind.id
            ).select(
            (Mul(document.id, 2) + 1).as_('id'),
            *common(document),
            document.company.as_('company'),
            Literal('answer').as_('kind'),
            document.id.as_('document'),
            null_int.as_('resolution'),
            null_int.as_('line'),
            Coalesce(document.executor, document.author).as_('user'),
            document.author.as_('author'),
            Literal(True).as_('responsible'),
            document.answer_deadline.as_('deadline'),
            Case((document.answer_date != Null, 'done'),
                else_='open').as_('state'),
            document.answer_date.as_('done_date'),
            where=(kind.direction == 'outgoing')
            & (document.answer_deadline != Null)
            & ~document.state.in_(['draft', 'cancelled']))
        return Union(resolutions, answers, all_=True)

    @classmethod
    def get_document_field(cls, rows, names):
        result = {n: {} for n in names}
        for row in rows:
            if 'number' in names:
                result['number'][row.id] = row.document.number
            if 'summary' in names:
                result['summary'][row.id] = (
                    row.document.summary or '')[:200]
        return result

    def get_task(self, name):
        if self.kind == 'resolution':
            return (self.resolution.text or '')[:200]
        return gettext('edu_edms.msg_control_answer_task')

    def get_days_left(self, name):
        if self.deadline and self.state == 'open':
            return (self.deadline - today()).days

    def get_overdue(self, name):
        return bool(self.state == 'open' and self.deadline
            and self.deadline < today())

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause[:3]
        if (operator == '=') == bool(value):
            return [('state', '=', 'open'), ('deadline', '<', today())]
        return ['OR', ('state', '!=', 'open'), ('deadline', '>=', today())]

    @staticmethod
    def _week():
        date = today()
        return date, date + dt.timedelta(days=6 - date.weekday())

    def get_due_week(self, name):
        start, end = self._week()
        return bool(self.state == 'open' and self.deadline
            and start <= self.deadline <= end)

    @classmethod
    def search_due_week(cls, name, clause):
        _, operator, value = clause[:3]
        start, end = cls._week()
        domain = [('state', '=', 'open'),
            ('deadline', '>=', start), ('deadline', '<=', end)]
        if (operator == '=') == bool(value):
            return domain
        return ['OR', ('state', '!=', 'open'), ('deadline', '<', start),
            ('deadline', '>', end)]

    def get_mine(self, name):
        return self.user and self.user.id == Transaction().user

    @classmethod
    def search_mine(cls, name, clause):
        _, operator, value = clause[:3]
        operator = '=' if (operator == '=') == bool(value) else '!='
        return [('user', operator, Transaction().user)]

    def get_visual(self, name):
        if self.state != 'open' or not self.deadline:
            return ''
        days = (self.deadline - today()).days
        if days < 0:
            return 'danger'
        if days <= WARNING_DAYS:
            return 'warning'
        return ''

    @classmethod
    def discipline(cls, company, date_from, date_to, users=None):
        """Return the rows of the report "Execution discipline": one dict
        per executor (sorted by name) with total, on_time, late, open,
        overdue, for the rows of company whose deadline is in the period;
        the last dict (user None) is the total"""
        date = today()
        domain = [
            ('company', '=', int(company)),
            ('deadline', '>=', date_from),
            ('deadline', '<=', date_to),
            ]
        if users:
            domain.append(('user', 'in', [int(u) for u in users]))
        counts = {}
        keys = ('total', 'on_time', 'late', 'open', 'overdue')
        for row in cls.search(domain):
            user = row.user
            count = counts.setdefault(user, dict.fromkeys(keys, 0))
            count['total'] += 1
            if row.state == 'done':
                if row.done_date and row.done_date > row.deadline:
                    count['late'] += 1
                else:
                    count['on_time'] += 1
            elif row.deadline < date:
                count['overdue'] += 1
            else:
                count['open'] += 1
        result = []
        for user in sorted(counts, key=lambda u: (u.rec_name if u else '')):
            result.append({'user': user, **counts[user]})
        total = {'user': None, **dict.fromkeys(keys, 0)}
        for row in result:
            for key in keys:
                total[key] += row[key]
        result.append(total)
        return result


class DisciplineStart(ModelView):
    "Execution discipline"
    __name__ = 'edu.edms.control.discipline.start'
    __string__ = "Execution Discipline"

    company = fields.Many2One('company.company', "Organisation",
        required=True)
    date_from = fields.Date("From", required=True,
        domain=[('date_from', '<=', Eval('date_to'))])
    date_to = fields.Date("To", required=True)
    users = fields.Many2Many('res.user', None, None, "Executors",
        help="Leave empty for every executor.")

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_date_from():
        return today().replace(day=1)

    @staticmethod
    def default_date_to():
        return today()


class Discipline(Wizard):
    "Execution discipline"
    __name__ = 'edu.edms.control.discipline'

    start = StateView('edu.edms.control.discipline.start',
        'edu_edms.control_discipline_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("XLSX", 'xlsx', 'tryton-print'),
            Button("PDF", 'pdf', 'tryton-print', default=True),
            ])
    pdf = StateReport('edu.edms.control.discipline.report')
    xlsx = StateReport('edu.edms.control.discipline.report_xlsx')

    def _data(self):
        return {
            'company': self.start.company.id,
            'date_from': self.start.date_from.isoformat(),
            'date_to': self.start.date_to.isoformat(),
            'users': [u.id for u in self.start.users],
            }

    def do_pdf(self, action):
        return action, self._data()

    def do_xlsx(self, action):
        return action, self._data()


def _discipline_table(data):
    "Return (title, header, rows) of the report in the printing language"
    pool = Pool()
    Control = pool.get('edu.edms.control')
    Company = pool.get('company.company')
    company = Company(data['company'])
    date_from = dt.date.fromisoformat(data['date_from'])
    date_to = dt.date.fromisoformat(data['date_to'])
    rows = Control.discipline(company, date_from, date_to,
        users=data.get('users') or None)
    title = translated('edu_edms.msg_discipline_title',
        company=company.rec_name,
        date_from=date_from.strftime('%d.%m.%Y'),
        date_to=date_to.strftime('%d.%m.%Y'))
    header = [translated('edu_edms.msg_discipline_' + c) for c in (
            'executor', 'total', 'on_time', 'late', 'open', 'overdue',
            'percent')]
    lines = []
    for row in rows:
        name = (row['user'].rec_name if row['user']
            else translated('edu_edms.msg_discipline_all'))
        done = row['on_time'] + row['late'] + row['overdue']
        percent = round(100 * row['on_time'] / done) if done else 100
        lines.append([name, row['total'], row['on_time'], row['late'],
                row['open'], row['overdue'], percent])
    return title, header, lines


class DisciplineReport(FileReport):
    "Execution discipline (PDF)"
    __name__ = 'edu.edms.control.discipline.report'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        if PdfDocument is None:
            raise ResolutionError(gettext('edu_edms.msg_printing_missing'))
        title, header, lines = _discipline_table(data)
        pdf = PdfDocument(title, font_size=9)
        pdf.table([header] + [[str(v) for v in l] for l in lines],
            col_widths=[0.34, 0.11, 0.11, 0.11, 0.11, 0.11, 0.11],
            numeric=range(1, 7), bold_rows=(len(lines),))
        pdf.paragraph(translated('edu_edms.msg_discipline_note'), 'small')
        return pdf.build()


class DisciplineReportXlsx(FileReport):
    "Execution discipline (XLSX)"
    __name__ = 'edu.edms.control.discipline.report_xlsx'
    extension = 'xlsx'

    @classmethod
    def render(cls, records, data):
        if XlsxDocument is None:
            raise ResolutionError(gettext('edu_edms.msg_printing_missing'))
        title, header, lines = _discipline_table(data)
        book = XlsxDocument()
        book.sheet(translated('edu_edms.msg_discipline_sheet'), title,
            header, lines, bold_rows=(len(lines) - 1,),
            widths=[36, 10, 12, 12, 10, 12, 10])
        return book.build()
