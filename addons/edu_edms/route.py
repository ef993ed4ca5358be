# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Approval routes and signing of documents (R22.3, R22.4, R22.7, R22.10).

A route template of a document kind lists steps by **stage**: the steps
of one stage run in parallel, the stages in sequence (a purely sequential
route has one step per stage, a parallel one a single stage, a mixed one
parallel groups in sequence).  Each step names a user, or a group of which
any member in the document's organisation may decide, an action (approve
or sign) and a number of days to decide.

``start_route`` copies the route into the document's steps of a new
**round** (the planned steps of that round when the author or the clerk
prepared them, else the template of the kind) and makes the first stage
pending.  A step's user approves, rejects (comment required: the document
is 'rejected') or returns the document for revision (comment required:
the document is back to 'registered'/'draft'); the remaining steps of the
round are 'skipped' and the same route is planned for the next round,
which the author may edit and start again — the decided steps of the old
rounds stay as the history of the document's approval.  When every stage
is done the document is 'approved', or 'signed' when its last step was a
signing step.  Within a stage the signing steps wait for its approvals: a
signing step is pending only once everything before it is approved.

``Document.sign(document, cms, user=None)`` (also callable over RPC by the
portal's signing page, which talks to NCALayer) verifies the CMS over the
main file's bytes with ``edu.eds.signature.add`` — chain, validity,
revocation, the signer's IIN, the kind's roles and BIN — links the
signature to the user's pending signing step and moves the route on.  Any
failed check raises edu_eds' translated error and leaves the step, the
document and the signatures unchanged; the main file must also be the one
the route started with.

The deadline of a pending step is its pending date plus the step's days
(calendar days, no working-day calendar); the daily cron
``escalate_overdue`` notifies the approver and the organisation's
management once per overdue step.
"""
import datetime as dt
import hashlib

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access

from .exceptions import RouteError, RouteValidationError
from .notification import notify

ACTIONS = [
    ('approve', "Approve"),
    ('sign', "Sign"),
    ]
STEP_STATES = [
    ('waiting', "Waiting"),
    ('pending', "Pending"),
    ('approved', "Approved"),
    ('signed', "Signed"),
    ('rejected', "Rejected"),
    ('returned', "Returned"),
    ('skipped', "Skipped"),
    ]
OPEN_STATES = {'waiting', 'pending'}
#: the document states from which a route may be started
STARTABLE = {'draft', 'registered', 'rejected'}
#: the fields of a step only the route itself writes
SYSTEM_FIELDS = {'document', 'round', 'state', 'deadline', 'pending_date',
    'decided_at', 'decided_by', 'signature', 'escalated'}
#: groups whose members edit the route of any document of their company
EDITOR_GROUPS = [('edu_base', 'group_edu_clerk'),
    ('edu_base', 'group_edu_management')]


def _state_string(record):
    "Return the translated state of record"
    selection = record.__class__.fields_get(['state'])['state']['selection']
    return dict(selection).get(record.state, record.state or '')


def _group_ids(xml_ids):
    ModelData = Pool().get('ir.model.data')
    return [ModelData.get_id(m, x) for m, x in xml_ids]


def _user_group_ids(user_id):
    "Return the ids of the groups of user_id"
    User = Pool().get('res.user')
    with Transaction().set_user(user_id), without_check_access():
        return set(User.get_groups())


def _company_users(company, group_xml_ids):
    "Return the active users of the groups in company"
    User = Pool().get('res.user')
    with without_check_access():
        return User.search([
                ('groups', 'in', _group_ids(group_xml_ids)),
                ('companies', '=', company.id),
                ('active', '=', True),
                ], order=[('id', 'ASC')])


class DocumentKind(metaclass=PoolMeta):
    __name__ = 'edu.edms.document.kind'

    route_template = fields.Many2One(
        'edu.edms.route.template', "Route Template",
        domain=[
            ('kind', 'in', [None, Eval('id', -1)]),
            ],
        help="The approval route copied into the documents of this kind "
        "when their approval starts.")


class RouteTemplate(ModelSQL, ModelView):
    "Route template"
    __name__ = 'edu.edms.route.template'
    __string__ = "Route Template"

    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One(
        'company.company', "Organisation", required=True)
    kind = fields.Many2One(
        'edu.edms.document.kind', "Document Kind",
        domain=[('company', 'in', [None, Eval('company', -1)])],
        help="The kind of the documents the route is for: its documents "
        "of the organisation follow this route when the kind names no "
        "template of the organisation.")
    steps = fields.One2Many(
        'edu.edms.route.template.step', 'template', "Steps")
    active = fields.Boolean("Active")

    @staticmethod
    def default_active():
        return True

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def step_values(self):
        "Return the values of the document steps copied from the template"
        return [{
                'stage': s.stage,
                'user': s.user.id if s.user else None,
                'group': s.group.id if s.group else None,
                'action': s.action,
                'deadline_days': s.deadline_days,
                } for s in sorted(self.steps, key=lambda s: (s.stage, s.id))]


class _StepMixin:
    "Fields common to the steps of templates and of documents"
    __slots__ = ()
    stage = fields.Integer(
        "Stage", required=True,
        domain=[('stage', '>=', 1)],
        help="The stages run in sequence; the steps of one stage run in "
        "parallel.")
    user = fields.Many2One(
        'res.user', "User", ondelete='RESTRICT',
        states={
            'required': ~Eval('group'),
            'invisible': Bool(Eval('group')),
            })
    group = fields.Many2One(
        'res.group', "Group", ondelete='RESTRICT',
        states={
            'required': ~Eval('user'),
            'invisible': Bool(Eval('user')),
            },
        help="Any member of the group in the document's organisation may "
        "decide the step.")
    action = fields.Selection(ACTIONS, "Action", required=True, sort=False)
    deadline_days = fields.Integer(
        "Days to Decide",
        domain=[If(Eval('deadline_days'), ('deadline_days', '>=', 0), ())],
        help="Calendar days from the day the step becomes pending.")

    @staticmethod
    def default_stage():
        return 1

    @staticmethod
    def default_action():
        return 'approve'

    @staticmethod
    def default_deadline_days():
        return 3

    @classmethod
    def validate_fields(cls, steps, field_names):
        super().validate_fields(steps, field_names)
        if field_names & {'user', 'group'}:
            for step in steps:
                if bool(step.user) == bool(step.group):
                    raise RouteValidationError(gettext(
                            'edu_edms.msg_step_user_group'))

    @property
    def approver_name(self):
        if self.user:
            return self.user.rec_name
        if self.group:
            return self.group.rec_name
        return ''


class RouteTemplateStep(_StepMixin, ModelSQL, ModelView):
    "Route template step"
    __name__ = 'edu.edms.route.template.step'
    __string__ = "Route Template Step"

    template = fields.Many2One(
        'edu.edms.route.template', "Template", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('template')
        cls._order = [('stage', 'ASC'), ('id', 'ASC')]


class DocumentStep(_StepMixin, ModelSQL, ModelView):
    "Document approval step"
    __name__ = 'edu.edms.document.step'
    __string__ = "Approval Step"

    document = fields.Many2One(
        'edu.edms.document', "Document", required=True, ondelete='CASCADE',
        readonly=True)
    company = fields.Function(
        fields.Many2One('company.company', "Organisation"),
        'get_company', searcher='search_company')
    round = fields.Integer("Round", readonly=True,
        help="Each start of the approval is a new round; the steps of the "
        "earlier rounds are kept as history.")
    state = fields.Selection(
        STEP_STATES, "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    comment = fields.Text(
        "Comment",
        states={
            'readonly': Eval('state') != 'pending',
            },
        help="Required to reject or to return the document.")
    pending_date = fields.Date("Pending Since", readonly=True)
    deadline = fields.Date("Deadline", readonly=True)
    decided_at = fields.Timestamp("Decided At", readonly=True)
    decided_by = fields.Many2One('res.user', "Decided By", readonly=True)
    signature = fields.Many2One(
        'edu.eds.signature', "Signature", readonly=True, ondelete='RESTRICT')
    escalated = fields.Boolean("Escalated", readonly=True,
        help="The overdue step was reported to the management.")
    overdue = fields.Function(fields.Boolean("Overdue"), 'get_overdue')
    sign_url = fields.Function(
        fields.Char("Signing Page",
            help="Sign on this page of the portal with NCALayer."),
        'get_sign_url')
    mine = fields.Function(
        fields.Boolean("Mine",
            help="The steps the current user may decide."),
        'get_mine', searcher='search_mine')
    document_summary = fields.Function(
        fields.Char("Summary"), 'get_document_field')
    document_number = fields.Function(
        fields.Char("Number"), 'get_document_field')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # the steps of the documents the user may see (the document's
        # access and record rules apply too)
        cls.__access__.add('document')
        cls._order = [('round', 'DESC'), ('stage', 'ASC'), ('id', 'ASC')]
        for name in ['stage', 'user', 'group', 'action', 'deadline_days']:
            field = getattr(cls, name)
            field.states = dict(field.states)
            field.states['readonly'] = ~Eval('state').in_(['waiting'])
            field.depends = set(field.depends) | {'state'}
        cls._buttons.update({
                'approve': {
                    'invisible': ((Eval('state') != 'pending')
                        | (Eval('action') != 'approve')),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'action'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'pending',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'return_': {
                    'invisible': Eval('state') != 'pending',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'waiting'

    @staticmethod
    def default_escalated():
        return False

    def get_company(self, name):
        return self.document.company.id if self.document.company else None

    @classmethod
    def search_company(cls, name, clause):
        return [('document.company',) + tuple(clause[1:])]

    def get_mine(self, name):
        return self.is_approver(Transaction().user)

    @classmethod
    def search_mine(cls, name, clause):
        """Search the steps of the user or of the user's groups in the
        user's organisations"""
        pool = Pool()
        User = pool.get('res.user')
        user_id = Transaction().user
        with without_check_access():
            user = User(user_id)
            companies = [c.id for c in user.companies]
        domain = ['OR',
            ('user', '=', user_id),
            [('group', 'in', list(_user_group_ids(user_id))),
                ('document.company', 'in', companies)],
            ]
        _, operator, value = clause
        if (operator == '=') != bool(value):
            with without_check_access():
                ids = [s.id for s in cls.search(domain)]
            return [('id', 'not in', ids)]
        return domain

    def get_document_field(self, name):
        return getattr(self.document, name[len('document_'):], None)

    def get_overdue(self, name):
        Date = Pool().get('ir.date')
        return bool(self.state == 'pending' and self.deadline
            and self.deadline < Date.today())

    def get_sign_url(self, name):
        if self.action != 'sign' or self.state != 'pending':
            return None
        return self.document.get_sign_url(None)

    def get_rec_name(self, name):
        return '%s / %s: %s' % (
            self.document.rec_name, self.stage, self.approver_name)

    # -- who ---------------------------------------------------------------

    def approvers(self):
        "Return the users who may decide the step"
        User = Pool().get('res.user')
        if self.user:
            return [self.user] if self.user.active else []
        company = self.document.company
        with without_check_access():
            return User.search([
                    ('groups', '=', self.group.id),
                    ('companies', '=', company.id),
                    ('active', '=', True),
                    ], order=[('id', 'ASC')])

    def is_approver(self, user_id):
        "Tell if user_id may decide the step"
        User = Pool().get('res.user')
        if self.user:
            return self.user.id == user_id
        if not self.group:
            return False
        with without_check_access():
            user = User(user_id)
            return (self.group.id in _user_group_ids(user_id)
                and self.document.company in user.companies)

    # -- user changes: decided steps are history --------------------------

    @classmethod
    def _check_editor(cls, documents):
        "Only the author, the clerk or the management edit the route"
        transaction = Transaction()
        user_id = transaction.user
        if not transaction.check_access or user_id == 0:
            return
        groups = _user_group_ids(user_id)
        editor = bool(groups & set(_group_ids(EDITOR_GROUPS)))
        for document in documents:
            if not (editor or (document.author
                        and document.author.id == user_id)):
                raise AccessError(gettext(
                        'edu_edms.msg_step_editor',
                        document=document.rec_name))

    @classmethod
    def _is_editor(cls):
        "Tell if the current user is a clerk or of the management"
        transaction = Transaction()
        user_id = transaction.user
        if not transaction.check_access or user_id == 0:
            return True
        return bool(_user_group_ids(user_id)
            & set(_group_ids(EDITOR_GROUPS)))

    @classmethod
    def _check_editable(cls, steps, values=None, delete=False):
        """The decided steps are history; in a running round only the
        waiting steps are edited (the approver comments the pending one)
        and only the clerk or the management delete its steps"""
        editor = None
        for step in steps:
            document = step.document
            if step.state not in OPEN_STATES:
                raise AccessError(gettext(
                        'edu_edms.msg_step_history',
                        step=step.rec_name,
                        state=step.state_string))
            current = (document.state == 'on_approval'
                and step.round == document.route_round)
            planned = (document.state != 'on_approval'
                and step.round == (document.route_round or 0) + 1)
            if not (current or planned):
                raise AccessError(gettext(
                        'edu_edms.msg_step_history',
                        step=step.rec_name,
                        state=step.state_string))
            if not current:
                continue
            if delete:
                if editor is None:
                    editor = cls._is_editor()
                if not editor:
                    raise AccessError(gettext(
                            'edu_edms.msg_step_current_delete',
                            step=step.rec_name))
            elif (step.state == 'pending' and values is not None
                    and values.keys() - {'comment'}):
                raise AccessError(gettext(
                        'edu_edms.msg_step_pending_readonly',
                        step=step.rec_name))

    @classmethod
    def _check_sign_kept(cls, steps, values=None, delete=False):
        """A running round of a document whose kind requires a signature
        keeps a signing step"""
        changed = {s.id for s in steps}
        if not delete and (values or {}).get('action', 'sign') == 'sign':
            return
        for document in {s.document for s in steps}:
            kind = document.kind
            if (document.state != 'on_approval' or not kind
                    or not (kind.required_roles() or kind.signature_bin)):
                continue
            kept = [s for s in document.steps
                if s.round == document.route_round
                and s.state in OPEN_STATES | {'signed'}
                and s.action == 'sign' and s.id not in changed]
            if not kept:
                raise RouteError(gettext(
                        'edu_edms.msg_route_sign_required',
                        document=document.rec_name))

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Document = pool.get('edu.edms.document')
        transaction = Transaction()
        vlist = [v.copy() for v in vlist]
        documents = Document.browse({v['document'] for v in vlist
                if v.get('document')})
        by_id = {d.id: d for d in documents}
        if transaction.check_access:
            cls._check_editor(documents)
            for values in vlist:
                if (SYSTEM_FIELDS - {'document', 'round'}) & values.keys():
                    raise AccessError(gettext(
                            'edu_edms.msg_step_system_field'))
        for values in vlist:
            document = by_id.get(values.get('document'))
            if document is None:
                continue
            if document.state == 'on_approval':
                values.setdefault('round', document.route_round)
            else:
                values.setdefault('round', (document.route_round or 0) + 1)
            if (transaction.check_access
                    and document.state not in STARTABLE | {'on_approval'}):
                raise AccessError(gettext(
                        'edu_edms.msg_step_document_state',
                        document=document.rec_name,
                        state=_state_string(document)))
        steps = super().create(vlist)
        if transaction.check_access:
            with without_check_access():
                Document._advance(
                    [d for d in documents if d.state == 'on_approval'])
        return steps

    @classmethod
    def write(cls, *args):
        transaction = Transaction()
        if transaction.check_access:
            actions = iter(args)
            for steps, values in zip(actions, actions):
                if SYSTEM_FIELDS & values.keys():
                    raise AccessError(gettext(
                            'edu_edms.msg_step_system_field'))
                cls._check_editable(steps, values=values)
                cls._check_sign_kept(steps, values=values)
                if values.keys() - {'comment'}:
                    cls._check_editor({s.document for s in steps})
                if 'comment' in values:
                    for step in steps:
                        if not step.is_approver(transaction.user):
                            raise AccessError(gettext(
                                    'edu_edms.msg_step_not_yours',
                                    step=step.rec_name,
                                    approver=step.approver_name))
        super().write(*args)

    @classmethod
    def delete(cls, steps):
        Document = Pool().get('edu.edms.document')
        transaction = Transaction()
        documents = list({s.document for s in steps})
        if transaction.check_access:
            cls._check_editor(documents)
            cls._check_editable(steps, delete=True)
            cls._check_sign_kept(steps, delete=True)
        super().delete(steps)
        if transaction.check_access:
            with without_check_access():
                Document._advance(
                    [d for d in Document.browse(documents)
                        if d.state == 'on_approval'])

    @classmethod
    def copy(cls, steps, default=None):
        default = default.copy() if default is not None else {}
        for name in ['state', 'comment', 'pending_date', 'deadline',
                'decided_at', 'decided_by', 'signature', 'escalated']:
            default.setdefault(name, None)
        default['state'] = 'waiting'
        default['escalated'] = False
        return super().copy(steps, default=default)

    # -- decisions ---------------------------------------------------------

    @classmethod
    def _check_decision(cls, steps, action=None, comment=False):
        user_id = Transaction().user
        for step in steps:
            if step.state != 'pending':
                if step.state == 'waiting':
                    raise RouteError(gettext(
                            'edu_edms.msg_step_not_pending',
                            step=step.rec_name))
                raise RouteError(gettext(
                        'edu_edms.msg_step_decided',
                        step=step.rec_name, state=step.state_string))
            if not step.is_approver(user_id):
                raise AccessError(gettext(
                        'edu_edms.msg_step_not_yours',
                        step=step.rec_name,
                        approver=step.approver_name))
            if action and step.action != action:
                raise RouteError(gettext(
                        'edu_edms.msg_step_sign_action',
                        step=step.rec_name))
            if comment and not (step.comment or '').strip():
                raise RouteError(gettext(
                        'edu_edms.msg_step_comment_required',
                        document=step.document.rec_name))

    @classmethod
    def _lock_documents(cls, steps):
        Document = Pool().get('edu.edms.document')
        documents = Document.browse(list({s.document.id for s in steps}))
        Document.lock(documents)
        # re-read after the lock: a parallel approver may have decided
        return documents, cls.browse([s.id for s in steps])

    @classmethod
    def _decide(cls, steps, state, **values):
        Date = Pool().get('ir.date')
        values.update({
                'state': state,
                'decided_at': dt.datetime.now(),
                'decided_by': Transaction().user,
                })
        with without_check_access():
            cls.write(steps, values)
        return Date.today()

    @classmethod
    @ModelView.button
    def approve(cls, steps):
        "Approve the pending steps of the user (R22.3)"
        Document = Pool().get('edu.edms.document')
        documents, steps = cls._lock_documents(steps)
        cls._check_decision(steps, action='approve')
        cls._decide(steps, 'approved')
        with without_check_access():
            Document._advance(Document.browse(documents))

    @classmethod
    @ModelView.button
    def reject(cls, steps):
        "Reject the document: comment required, the author is told"
        cls._end_round(steps, 'rejected')

    @classmethod
    @ModelView.button
    def return_(cls, steps):
        "Return the document to its author for revision: comment required"
        cls._end_round(steps, 'returned')

    @classmethod
    def _end_round(cls, steps, state):
        Document = Pool().get('edu.edms.document')
        documents, steps = cls._lock_documents(steps)
        cls._check_decision(steps, comment=True)
        cls._decide(steps, state)
        by_document = {}
        for step in steps:
            by_document.setdefault(step.document.id, step)
        with without_check_access():
            for document in Document.browse(list(by_document)):
                step = by_document[document.id]
                document._close_round(state, step)

    # -- escalation --------------------------------------------------------

    @classmethod
    def escalate_overdue(cls, date=None):
        """Notify once the approver and the organisation's management of
        each pending step past its deadline (cron, daily)"""
        Date = Pool().get('ir.date')
        if date is None:
            date = Date.today()
        with without_check_access():
            steps = cls.search([
                    ('state', '=', 'pending'),
                    ('deadline', '<', date),
                    ('escalated', '=', False),
                    ('document.state', '=', 'on_approval'),
                    ], order=[('id', 'ASC')])
            for step in steps:
                document = step.document
                users = {u.id for u in step.approvers()}
                users |= {u.id for u in _company_users(
                        document.company,
                        [('edu_base', 'group_edu_management')])}
                notify(users, 'edu_edms.msg_notify_overdue', document,
                    deadline=step.deadline.isoformat(),
                    approver=step.approver_name)
            cls.write(steps, {'escalated': True})
        return steps


class Document(metaclass=PoolMeta):
    __name__ = 'edu.edms.document'

    steps = fields.One2Many(
        'edu.edms.document.step', 'document', "Approval Steps",
        order=[('round', 'DESC'), ('stage', 'ASC'), ('id', 'ASC')],
        help="The route of the approval: the steps of the current round "
        "and the history of the earlier rounds.")
    route_round = fields.Integer("Approval Round", readonly=True)
    route_sha256 = fields.Char(
        "Approved File SHA-256", readonly=True,
        help="The digest of the main file when the approval started: the "
        "file signed must be the file approved.")
    sign_url = fields.Function(
        fields.Char("Signing Page",
            help="The page of the portal where the document is signed "
            "with NCALayer."),
        'get_sign_url')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'start_route': {
                    'invisible': ~Eval('state').in_(sorted(STARTABLE)),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'load_route': {
                    'invisible': ~Eval('state').in_(sorted(STARTABLE)),
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                })
        cls.__rpc__.update({
                'sign': RPC(readonly=False, instantiate=0, result=int),
                })

    @staticmethod
    def default_route_round():
        return 0

    @classmethod
    def copy(cls, documents, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('steps', None)
        default.setdefault('route_round', 0)
        default.setdefault('route_sha256', None)
        return super().copy(documents, default=default)

    def get_sign_url(self, name):
        from trytond.url import http_host
        database = Transaction().database.name
        return '%s/%s/portal/edms/#/document/%s' % (
            http_host(), database, self.id)

    def _main_file_bytes(self):
        "Return the main file and its current bytes"
        main = self.get_main_file()
        if main is None:
            return None, None
        return main, bytes(main.data or b'')

    def _planned_steps(self):
        next_round = (self.route_round or 0) + 1
        return [s for s in self.steps if s.round == next_round]

    def _template(self):
        """Return the route template of the document: the kind's when it
        is of the document's organisation, else the organisation's
        template of the kind"""
        Template = Pool().get('edu.edms.route.template')
        if not self.kind:
            return None
        template = self.kind.route_template
        if (template and template.active
                and template.company == self.company):
            return template
        with without_check_access():
            templates = Template.search([
                    ('kind', '=', self.kind.id),
                    ('company', '=', self.company.id),
                    ], order=[('id', 'ASC')], limit=1)
        return templates[0] if templates else None

    @classmethod
    @ModelView.button
    def load_route(cls, documents):
        """Plan the next round from the kind's route template, replacing
        the planned steps (the author edits them before starting)"""
        pool = Pool()
        Step = pool.get('edu.edms.document.step')
        Step._check_editor(documents)
        to_delete, to_create = [], []
        for document in documents:
            template = document._template()
            if not template:
                raise RouteError(gettext(
                        'edu_edms.msg_route_no_template',
                        document=document.rec_name))
            to_delete.extend(document._planned_steps())
            to_create.extend({**v,
                    'document': document.id,
                    'round': (document.route_round or 0) + 1,
                    } for v in template.step_values())
        with without_check_access():
            Step.delete(to_delete)
            Step.create(to_create)

    @classmethod
    @ModelView.button
    def start_route(cls, documents):
        """Start a new round of approval: the planned steps, else the
        template of the kind; the first stage becomes pending (R22.3)"""
        pool = Pool()
        Step = pool.get('edu.edms.document.step')
        Step._check_editor(documents)
        cls.lock(documents)
        documents = cls.browse(documents)
        to_create = []
        for document in documents:
            if document.state not in STARTABLE:
                raise RouteError(gettext(
                        'edu_edms.msg_route_state',
                        document=document.rec_name,
                        state=_state_string(document)))
            if document.get_main_file() is None:
                raise RouteError(gettext(
                        'edu_edms.msg_route_no_file',
                        document=document.rec_name))
            if not document._planned_steps():
                template = document._template()
                if not template or not template.steps:
                    raise RouteError(gettext(
                            'edu_edms.msg_route_no_steps',
                            document=document.rec_name))
                to_create.extend({**v,
                        'document': document.id,
                        'round': (document.route_round or 0) + 1,
                        } for v in template.step_values())
        with without_check_access():
            Step.create(to_create)
            for document in cls.browse(documents):
                main, content = document._main_file_bytes()
                cls.write([document], {
                        'route_round': (document.route_round or 0) + 1,
                        'route_sha256': (hashlib.sha256(content).hexdigest()
                            if main else None),
                        'state': 'on_approval',
                        })
            cls._advance(cls.browse(documents))

    @classmethod
    def _advance(cls, documents):
        """Move the route of the documents on approval on: make the next
        stage pending, or end the approval when every step is done"""
        pool = Pool()
        Step = pool.get('edu.edms.document.step')
        Date = pool.get('ir.date')
        today = Date.today()
        for document in cls.browse(documents):
            if document.state != 'on_approval':
                continue
            steps = [s for s in document.steps
                if s.round == document.route_round]
            open_ = [s for s in steps if s.state in OPEN_STATES]
            if not open_:
                signed = [s for s in steps if s.state == 'signed']
                state = 'signed' if signed else 'approved'
                cls.write([document], {'state': state})
                users = [document.author] if document.author else []
                if state == 'signed':
                    notify(users, 'edu_edms.msg_notify_signed', document,
                        user=signed[-1].decided_by.rec_name
                        if signed[-1].decided_by else '')
                else:
                    notify(users, 'edu_edms.msg_notify_approved', document)
                continue
            stage = min(s.stage for s in open_)
            current = [s for s in open_ if s.stage == stage]
            # a signing step waits for the approvals of its own stage
            approvals = [s for s in current if s.action == 'approve']
            activate = [s for s in (approvals or current)
                if s.state == 'waiting']
            for step in activate:
                Step.write([step], {
                        'state': 'pending',
                        'pending_date': today,
                        'deadline': today + dt.timedelta(
                            days=step.deadline_days or 0),
                        'escalated': False,
                        })
                message = ('edu_edms.msg_notify_sign'
                    if step.action == 'sign'
                    else 'edu_edms.msg_notify_approve')
                notify(step.approvers(), message, document,
                    deadline=(today + dt.timedelta(
                            days=step.deadline_days or 0)).isoformat())

    def _close_round(self, state, step):
        """End the current round after a rejection or a return: the open
        steps are skipped, the same route is planned for the next round
        and the author is told"""
        pool = Pool()
        Step = pool.get('edu.edms.document.step')
        steps = [s for s in self.steps if s.round == self.route_round]
        Step.write([s for s in steps if s.state in OPEN_STATES],
            {'state': 'skipped'})
        Step.create([{
                    'document': self.id,
                    'round': self.route_round + 1,
                    'stage': s.stage,
                    'user': s.user.id if s.user else None,
                    'group': s.group.id if s.group else None,
                    'action': s.action,
                    'deadline_days': s.deadline_days,
                    } for s in steps])
        if state == 'rejected':
            new_state = 'rejected'
            message = 'edu_edms.msg_notify_rejected'
        else:
            new_state = 'registered' if self.number else 'draft'
            message = 'edu_edms.msg_notify_returned'
        self.__class__.write([self], {'state': new_state})
        users = [self.author] if self.author else []
        notify(users, message, self,
            user=step.decided_by.rec_name if step.decided_by else '',
            comment=(step.comment or '').strip())

    @classmethod
    def sign(cls, document, cms, user=None):
        """Sign document with the CMS of its main file by user (default:
        the current user), at the user's pending signing step (R22.4,
        R22.10).  edu_eds verifies the signature (chain, validity,
        revocation, IIN of the user, roles and BIN of the kind); any
        failure raises its translated error and nothing is changed.
        Return the edu.eds.signature record."""
        pool = Pool()
        Signature = pool.get('edu.eds.signature')
        Step = pool.get('edu.edms.document.step')
        User = pool.get('res.user')
        transaction = Transaction()
        if isinstance(document, (list, tuple)):
            document, = document
        document = cls(int(document))
        if user is None:
            user = transaction.user
        user_id = int(user)
        if (transaction.check_access and transaction.user != 0
                and user_id != transaction.user):
            raise AccessError(gettext('edu_edms.msg_sign_other_user'))
        if isinstance(cms, str):
            cms = cms.encode('ascii')
        # the document must be readable by the user (record rules)
        cls.read([document.id], ['id'])
        cls.lock([document])
        document = cls(document.id)
        steps = [s for s in document.steps
            if s.round == document.route_round
            and document.state == 'on_approval'
            and s.action == 'sign' and s.state == 'pending'
            and s.is_approver(user_id)]
        if not steps:
            raise RouteError(gettext(
                    'edu_edms.msg_sign_no_step',
                    document=document.rec_name))
        step = steps[0]
        main, content = document._main_file_bytes()
        if main is None:
            raise RouteError(gettext(
                    'edu_edms.msg_sign_no_file',
                    document=document.rec_name))
        if (document.route_sha256
                and hashlib.sha256(content).hexdigest()
                != document.route_sha256):
            raise RouteError(gettext(
                    'edu_edms.msg_sign_file_changed',
                    document=document.rec_name))
        kind = document.kind
        roles = kind.required_roles() if kind else set()
        bin_ = None
        if kind and kind.signature_bin:
            bin_ = document.company.bin if document.company else None
            if not bin_:
                raise RouteError(gettext(
                        'edu_edms.msg_sign_no_bin',
                        document=document.rec_name))
        with without_check_access():
            signature = Signature.add(document, content, cms,
                file_name=main.name, user=User(user_id),
                roles=roles or None, bin=bin_, company=document.company)
            Step.write([step], {
                    'state': 'signed',
                    'signature': signature.id,
                    'decided_at': dt.datetime.now(),
                    'decided_by': user_id,
                    })
            cls._advance([document])
        return signature


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('edu.edms.document.step|escalate_overdue',
                "Escalate Overdue Approval Steps"))
