# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Resolutions (поручения) on registered documents (R22.9, R22.7).

A member of the management writes a resolution on a registered document:
a text, a deadline and executors — one responsible executor and any
co-executors.  Each executor reports (a text and an optional file) and
marks the line done; the resolution is done when its responsible executor
is done (the co-executors' reports are collected on it).  The document
becomes 'executed' when all its resolutions are done, and goes back to its
previous state when one is reopened.  A change of the deadline is kept in
``edu.edms.resolution.deadline`` (a small log written by the server only).
New executors are notified "to execute"; the daily cron
``notify_overdue`` tells the executors and the author of each overdue line,
once a day per line.
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import ResolutionError
from .notification import notify

STATES = [
    ('open', "Open"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]
LINE_STATES = [
    ('open', "Open"),
    ('done', "Done"),
    ]
#: document states on which no resolution may be given
CLOSED_DOCUMENT_STATES = ('draft', 'cancelled', 'archived', 'rejected')


def today():
    return Pool().get('ir.date').today()


def is_manager(user_id=None):
    "Whether the user is of the management group (or the root)"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    transaction = Transaction()
    user_id = transaction.user if user_id is None else user_id
    if user_id == 0:
        return True
    group = ModelData.get_id('edu_base', 'group_edu_management')
    with transaction.set_user(user_id):
        return group in User.get_groups()


class Resolution(Workflow, ModelSQL, ModelView):
    "Resolution"
    __name__ = 'edu.edms.resolution'
    __string__ = "Resolution"

    _states = {'readonly': Eval('state') != 'open'}

    company = fields.Many2One(
        'company.company', "Organisation", required=True, readonly=True)
    document = fields.Many2One(
        'edu.edms.document', "Document", required=True, ondelete='CASCADE',
        domain=[
            ('company', '=', Eval('company', -1)),
            ('number', '!=', None),
            ('state', 'not in', CLOSED_DOCUMENT_STATES),
            ],
        states={'readonly': Eval('id', -1) >= 0})
    author = fields.Many2One(
        'res.user', "Author", required=True, states=_states,
        help="The member of the management who gives the resolution.")
    text = fields.Text("Text", required=True, states=_states)
    deadline = fields.Date("Deadline", required=True, states=_states)
    executors = fields.One2Many(
        'edu.edms.resolution.executor', 'resolution', "Executors",
        states=_states)
    responsible = fields.Function(
        fields.Many2One('res.user', "Responsible Executor"),
        'get_responsible', searcher='search_responsible')
    executor_users = fields.Function(
        fields.Many2Many('res.user', None, None, "Executor Users"),
        'get_executor_users', searcher='search_executor_users')
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)
    done_date = fields.Date("Done On", readonly=True)
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')
    deadline_history = fields.One2Many(
        'edu.edms.resolution.deadline', 'resolution', "Deadline History",
        readonly=True)
    document_number = fields.Function(
        fields.Char("Document Number"), 'get_document_field')
    document_summary = fields.Function(
        fields.Text("Summary"), 'get_document_field')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.document, Index.Range())),
                Index(t, (t.state, Index.Equality()),
                    (t.deadline, Index.Range())),
                })
        cls._order = [('deadline', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('open', 'done'),
            ('open', 'cancelled'),
            ('done', 'open'),
            ('cancelled', 'open'),
            }
        cls._buttons.update({
                'cancel': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') == 'open',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_author():
        return Transaction().user or None

    @staticmethod
    def default_state():
        return 'open'

    @fields.depends('document', '_parent_document.company')
    def on_change_document(self):
        if self.document and self.document.company:
            self.company = self.document.company

    def get_rec_name(self, name):
        number = self.document.number if self.document else ''
        return f'{number}: {(self.text or "")[:60]}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('document.number', operator, value),
            ('text', operator, value),
            ]

    def get_responsible(self, name):
        for line in self.executors:
            if line.responsible:
                return line.user.id

    @classmethod
    def search_responsible(cls, name, clause):
        return [('executors', 'where', [
                    ('responsible', '=', True),
                    ('user',) + tuple(clause[1:]),
                    ])]

    def get_executor_users(self, name):
        return [l.user.id for l in self.executors]

    @classmethod
    def search_executor_users(cls, name, clause):
        """The resolutions of which the user is an executor, in SQL: the
        record rules use it without going through the executors' rules"""
        pool = Pool()
        Line = pool.get('edu.edms.resolution.executor')
        line = Line.__table__()
        _, operator, value = clause[:3]
        if operator not in {'=', 'in'} or value is None:
            return [('executors.user',) + tuple(clause[1:])]
        users = [int(v) for v in (value if operator == 'in' else [value])]
        return [('id', 'in', line.select(
                    line.resolution, where=line.user.in_(users or [-1])))]

    def get_overdue(self, name):
        return bool(self.state == 'open' and self.deadline
            and self.deadline < today())

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause[:3]
        overdue = [('state', '=', 'open'), ('deadline', '<', today())]
        if (operator == '=') == bool(value):
            return overdue
        return ['OR', ('state', '!=', 'open'), ('deadline', '>=', today())]

    @classmethod
    def get_document_field(cls, resolutions, names):
        result = {n: {} for n in names}
        for resolution in resolutions:
            document = resolution.document
            if 'document_number' in names:
                result['document_number'][resolution.id] = document.number
            if 'document_summary' in names:
                result['document_summary'][resolution.id] = document.summary
        return result

    @classmethod
    def validate_fields(cls, resolutions, field_names):
        super().validate_fields(resolutions, field_names)
        if field_names & {'executors', 'state', 'company', 'document'}:
            cls.check_executors(resolutions)

    @classmethod
    def check_executors(cls, resolutions):
        for resolution in resolutions:
            if resolution.document.company != resolution.company:
                raise ResolutionError(gettext(
                        'edu_edms.msg_resolution_company',
                        resolution=resolution.rec_name))
            if resolution.state != 'open':
                continue
            responsible = [l for l in resolution.executors if l.responsible]
            if len(responsible) != 1:
                raise ResolutionError(gettext(
                        'edu_edms.msg_resolution_one_responsible',
                        resolution=resolution.rec_name))
            users = [l.user for l in resolution.executors]
            if len(users) != len(set(users)):
                raise ResolutionError(gettext(
                        'edu_edms.msg_resolution_executor_twice',
                        resolution=resolution.rec_name))

    @classmethod
    def check_document_state(cls, resolutions):
        for resolution in resolutions:
            if (resolution.document.state in CLOSED_DOCUMENT_STATES
                    or not resolution.document.number):
                raise ResolutionError(gettext(
                        'edu_edms.msg_resolution_document_state',
                        document=resolution.document.rec_name))

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Document = pool.get('edu.edms.document')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('document'):
            # the organisation is always the document's
            values['company'] = Document(values['document']).company.id
        return values

    @classmethod
    def create(cls, vlist):
        resolutions = super().create(vlist)
        cls.check_document_state(resolutions)
        cls.update_documents(resolutions)
        Executor = Pool().get('edu.edms.resolution.executor')
        Executor.notify_new([l for r in resolutions for l in r.executors])
        return resolutions

    @classmethod
    def write(cls, *args):
        pool = Pool()
        History = pool.get('edu.edms.resolution.deadline')
        Executor = pool.get('edu.edms.resolution.executor')
        actions = iter(args)
        history = []
        for resolutions, values in zip(actions, actions):
            if 'deadline' in values:
                new = values['deadline']
                if isinstance(new, str):
                    new = dt.date.fromisoformat(new)
                for resolution in resolutions:
                    if resolution.deadline != new:
                        history.append({
                                'resolution': resolution.id,
                                'old_deadline': resolution.deadline,
                                'new_deadline': new,
                                'user': Transaction().user or None,
                                })
        before = {l.id for r in sum(args[::2], []) for l in r.executors}
        super().write(*args)
        resolutions = sum(args[::2], [])
        if any('state' in v for v in args[1::2]):
            # after the workflow has written the new state
            cls.update_documents(resolutions)
        if history:
            with without_check_access():
                History.create(history)
        new_lines = [l for r in cls.browse([r.id for r in resolutions])
            for l in r.executors if l.id not in before]
        Executor.notify_new(new_lines)

    @classmethod
    def copy(cls, resolutions, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'open')
        default.setdefault('done_date', None)
        default.setdefault('deadline_history', None)
        return super().copy(resolutions, default=default)

    @classmethod
    def check_modification(
            cls, mode, resolutions, values=None, external=False):
        super().check_modification(
            mode, resolutions, values=values, external=external)
        if mode == 'delete':
            for resolution in resolutions:
                if any(l.state == 'done' for l in resolution.executors):
                    raise ResolutionError(gettext(
                            'edu_edms.msg_resolution_delete_reported',
                            resolution=resolution.rec_name))

    @classmethod
    def delete(cls, resolutions):
        documents = list({r.document for r in resolutions})
        super().delete(resolutions)
        Document = Pool().get('edu.edms.document')
        Document.update_execution(documents)

    @classmethod
    def update_documents(cls, resolutions):
        Document = Pool().get('edu.edms.document')
        Document.update_execution(list({r.document for r in resolutions}))

    @classmethod
    @Workflow.transition('done')
    def done(cls, resolutions):
        "Done when the responsible executor is done (set by the server)"
        cls.write(resolutions, {'done_date': today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, resolutions):
        cls.check_manager(resolutions)
        cls.write(resolutions, {'done_date': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, resolutions):
        pool = Pool()
        Executor = pool.get('edu.edms.resolution.executor')
        cls.check_manager(resolutions)
        cls.write(resolutions, {'done_date': None})
        lines = [l for r in resolutions for l in r.executors
            if l.responsible]
        Executor.write(lines, {'state': 'open', 'done_date': None})

    @classmethod
    def check_manager(cls, resolutions):
        "Only the author or the management changes a resolution's state"
        user = Transaction().user
        if is_manager(user):
            return
        for resolution in resolutions:
            if resolution.author.id != user:
                raise ResolutionError(gettext(
                        'edu_edms.msg_resolution_not_author',
                        resolution=resolution.rec_name))

    @classmethod
    def update_state(cls, resolutions):
        "Set done/open from the responsible executor's line"
        to_done, to_open = [], []
        for resolution in resolutions:
            responsible = [l for l in resolution.executors if l.responsible]
            finished = bool(responsible) and all(
                l.state == 'done' for l in responsible)
            if resolution.state == 'open' and finished:
                to_done.append(resolution)
            elif resolution.state == 'done' and not finished:
                to_open.append(resolution)
        if to_done:
            cls.done(to_done)
        if to_open:
            cls.write(to_open, {'state': 'open', 'done_date': None})


class ResolutionExecutor(ModelSQL, ModelView):
    "Resolution executor"
    __name__ = 'edu.edms.resolution.executor'
    __string__ = "Resolution Executor"

    resolution = fields.Many2One(
        'edu.edms.resolution', "Resolution", required=True,
        ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "Executor", required=True,
        states={'readonly': Eval('state') != 'open'})
    responsible = fields.Boolean(
        "Responsible", states={'readonly': Eval('state') != 'open'},
        help="The main executor: the resolution is done when this "
        "executor is done; the others are co-executors.")
    state = fields.Selection(
        LINE_STATES, "State", readonly=True, required=True)
    report = fields.Text(
        "Report", states={'readonly': Eval('state') != 'open'})
    report_file = fields.Binary(
        "Report File", filename='report_file_name',
        file_id='report_file_id',
        states={'readonly': Eval('state') != 'open'})
    report_file_name = fields.Char(
        "Report File Name", states={'readonly': Eval('state') != 'open'})
    report_file_id = fields.Char("Report File ID", readonly=True)
    done_date = fields.Date("Done On", readonly=True)
    deadline = fields.Function(
        fields.Date("Deadline"), 'get_resolution_field',
        searcher='search_resolution_field')
    document = fields.Function(
        fields.Many2One('edu.edms.document', "Document"),
        'get_resolution_field', searcher='search_resolution_field')
    company = fields.Function(
        fields.Many2One('company.company', "Organisation"),
        'get_resolution_field', searcher='search_resolution_field')
    resolution_state = fields.Function(
        fields.Selection(STATES, "Resolution State"),
        'get_resolution_field', searcher='search_resolution_field')
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue')
    mine = fields.Function(
        fields.Boolean("Mine"), 'get_mine', searcher='search_mine')
    overdue_notified = fields.Date(
        "Overdue Notified On", readonly=True,
        help="The day the overdue notice was last sent (once a day).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.user, Index.Range()),
                    (t.state, Index.Equality())),
                })
        cls._order = [('resolution', 'ASC'), ('responsible', 'DESC'),
            ('id', 'ASC')]
        cls._buttons.update({
                'do': {
                    'invisible': Eval('state') != 'open',
                    'readonly': Eval('resolution_state') != 'open',
                    'depends': ['state', 'resolution_state'],
                    },
                'undo': {
                    'invisible': Eval('state') != 'done',
                    'readonly': Eval('resolution_state') == 'cancelled',
                    'depends': ['state', 'resolution_state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'open'

    @staticmethod
    def default_responsible():
        return False

    def get_rec_name(self, name):
        return f'{self.user.rec_name} — {self.resolution.rec_name}'

    @classmethod
    def get_resolution_field(cls, lines, names):
        result = {n: {} for n in names}
        for line in lines:
            resolution = line.resolution
            for name in names:
                if name == 'resolution_state':
                    value = resolution.state
                else:
                    value = getattr(resolution, name)
                    if isinstance(value, ModelSQL):
                        value = value.id
                result[name][line.id] = value
        return result

    @classmethod
    def search_resolution_field(cls, name, clause):
        name = {'resolution_state': 'state'}.get(clause[0], clause[0])
        return [('resolution.' + name,) + tuple(clause[1:])]

    @classmethod
    def order_deadline(cls, tables):
        pool = Pool()
        Resolution = pool.get('edu.edms.resolution')
        table, _ = tables[None]
        if 'resolution' not in tables:
            resolution = Resolution.__table__()
            tables['resolution'] = {
                None: (resolution, table.resolution == resolution.id),
                }
        resolution, _ = tables['resolution'][None]
        return [resolution.deadline]

    def get_overdue(self, name):
        return bool(self.state == 'open'
            and self.resolution.state == 'open'
            and self.resolution.deadline < today())

    def get_mine(self, name):
        return self.user.id == Transaction().user

    @classmethod
    def search_mine(cls, name, clause):
        _, operator, value = clause[:3]
        operator = '=' if (operator == '=') == bool(value) else '!='
        return [('user', operator, Transaction().user)]

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        if field_names & {'user', 'responsible', 'resolution'}:
            Resolution = Pool().get('edu.edms.resolution')
            Resolution.check_executors(list({l.resolution for l in lines}))
        if field_names & {'user', 'resolution'}:
            for line in lines:
                companies = {c.id for c in line.user.companies}
                if line.resolution.company.id not in companies:
                    raise ResolutionError(gettext(
                            'edu_edms.msg_resolution_executor_company',
                            user=line.user.rec_name,
                            resolution=line.resolution.rec_name))

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode == 'delete':
            for line in lines:
                if line.state == 'done':
                    raise ResolutionError(gettext(
                            'edu_edms.msg_resolution_delete_reported',
                            resolution=line.resolution.rec_name))

    @classmethod
    def write(cls, *args):
        super().write(*args)
        actions = iter(args)
        resolutions = set()
        for lines, values in zip(actions, actions):
            if values.keys() & {'state', 'responsible'}:
                resolutions.update(l.resolution for l in lines)
        if resolutions:
            Resolution = Pool().get('edu.edms.resolution')
            Resolution.update_state(
                Resolution.browse([r.id for r in resolutions]))

    @classmethod
    def check_executor(cls, lines):
        "Only the executor, the author or the management marks a line"
        user = Transaction().user
        if is_manager(user):
            return
        for line in lines:
            if user not in {line.user.id, line.resolution.author.id}:
                raise ResolutionError(gettext(
                        'edu_edms.msg_resolution_not_executor',
                        resolution=line.resolution.rec_name))

    @classmethod
    @ModelView.button
    def do(cls, lines):
        "The executor has executed: the report is kept, the line done"
        cls.check_executor(lines)
        for line in lines:
            if line.resolution.state != 'open':
                raise ResolutionError(gettext(
                        'edu_edms.msg_resolution_not_open',
                        resolution=line.resolution.rec_name))
            if line.responsible and not (line.report or '').strip():
                raise ResolutionError(gettext(
                        'edu_edms.msg_resolution_report_required',
                        resolution=line.resolution.rec_name))
        cls.write([l for l in lines if l.state == 'open'], {
                'state': 'done', 'done_date': today()})

    @classmethod
    @ModelView.button
    def undo(cls, lines):
        cls.check_executor(lines)
        cls.write([l for l in lines if l.state == 'done'], {
                'state': 'open', 'done_date': None})

    @classmethod
    def notify_new(cls, lines):
        "Tell each new executor: to execute (R22.7)"
        for line in lines:
            if line.state != 'open' or line.resolution.state != 'open':
                continue
            notify([line.user], 'edu_edms.msg_notify_resolution_execute',
                line.resolution.document,
                deadline=line.resolution.deadline.strftime('%d.%m.%Y'),
                text=(line.resolution.text or '')[:100])

    @classmethod
    def notify_overdue(cls):
        """Cron: tell the executors and the author of every overdue open
        line, once a day per line (R22.7, R22.9)"""
        date = today()
        with without_check_access():
            lines = cls.search([
                    ('state', '=', 'open'),
                    ('resolution.state', '=', 'open'),
                    ('resolution.deadline', '<', date),
                    ['OR',
                        ('overdue_notified', '=', None),
                        ('overdue_notified', '<', date),
                        ],
                    ], order=[('id', 'ASC')])
            for line in lines:
                resolution = line.resolution
                days = (date - resolution.deadline).days
                notify([line.user, resolution.author],
                    'edu_edms.msg_notify_resolution_overdue',
                    resolution.document,
                    executor=line.user.rec_name,
                    deadline=resolution.deadline.strftime('%d.%m.%Y'),
                    days=days)
            if lines:
                super().write(lines, {'overdue_notified': date})
        Document = Pool().get('edu.edms.document')
        if hasattr(Document, 'notify_answer_overdue'):
            Document.notify_answer_overdue()
        return lines


class ResolutionDeadline(ModelSQL, ModelView):
    "Resolution deadline change"
    __name__ = 'edu.edms.resolution.deadline'
    __string__ = "Resolution Deadline Change"

    resolution = fields.Many2One(
        'edu.edms.resolution', "Resolution", required=True,
        ondelete='CASCADE', readonly=True)
    old_deadline = fields.Date("Old Deadline", readonly=True)
    new_deadline = fields.Date("New Deadline", readonly=True)
    user = fields.Many2One('res.user', "Changed By", readonly=True)
    changed_at = fields.Function(
        fields.Timestamp("Changed At"), 'get_changed_at')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]

    def get_changed_at(self, name):
        return self.create_date


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('edu.edms.resolution.executor|notify_overdue',
                "Notify Overdue Resolutions"))
