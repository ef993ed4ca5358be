# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""History of access rights (R5.8).

Every change of who may do what is journalled in ``edu.rights.log``: the
roles and groups given to or taken from a user, the user's organisations and
activation, and the definition of groups, roles, model and field access and
record rules.  An entry says who changed what, when, on which user, and the
values before and after.  Entries are written by the server only; nobody can
change or delete them through the application.
"""
import datetime as dt

from trytond import backend
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction
from trytond.tools import grouped_slice

from .model import AppendOnlyMixin

ACTIONS = [
    ('create', "Created"),
    ('write', "Changed"),
    ('delete', "Deleted"),
    ]


class RightsLog(AppendOnlyMixin, ModelSQL, ModelView):
    "Rights history entry"
    __name__ = 'edu.rights.log'
    _append_only_message = 'edu_base.msg_rights_log_readonly'

    date = fields.Timestamp("Date", readonly=True)
    author = fields.Many2One('res.user', "Changed by", readonly=True)
    user = fields.Many2One(
        'res.user', "User Concerned", readonly=True, ondelete='SET NULL')
    action = fields.Selection(ACTIONS, "Action", readonly=True)
    model = fields.Char("Model", readonly=True)
    model_name = fields.Function(fields.Char("Object"), 'get_model_name')
    record_id = fields.Integer("Record ID", readonly=True)
    record_name = fields.Char("Record", readonly=True)
    changes = fields.Text("Changes", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def get_model_name(cls, logs, name):
        pool = Pool()
        Model = pool.get('ir.model')
        names = {m.name: m.string for m in Model.search([
                    ('name', 'in', list({l.model for l in logs})),
                    ])}
        return {l.id: names.get(l.model, l.model) for l in logs}

    @classmethod
    def record(cls, entries):
        "Store entries: dicts of user, action, model, record_id, ..."
        if not entries:
            return
        transaction = Transaction()
        author = transaction.user
        now = dt.datetime.now()
        for entry in entries:
            entry.setdefault('author', author)
            entry.setdefault('date', now)
        with transaction.set_user(0), transaction.set_context(
                _check_access=False):
            cls.create(entries)


def _journalled():
    "Module installation (user 0) is not a change of rights by a person"
    return Transaction().user != 0


def _value(record, name):
    "Return a printable value of a field of record"
    value = getattr(record, name, None)
    if isinstance(value, (list, tuple)):
        return ', '.join(sorted(getattr(v, 'rec_name', str(v)) for v in value))
    if hasattr(value, 'rec_name'):
        return value.rec_name
    if value is None:
        return ''
    return str(value)


class RightsLogMixin:
    """Journal the changes of a model that grants rights.

    ``_rights_fields`` names the fields whose changes are journalled and
    ``_rights_user`` the field that points to the user concerned.
    """
    __slots__ = ()
    _rights_fields = ()
    _rights_user = None

    def _rights_log_user(self):
        if self._rights_user:
            user = getattr(self, self._rights_user, None)
            return user.id if user else None

    def _rights_record_name(self):
        return self.rec_name

    def _rights_snapshot(self):
        return {f: _value(self, f) for f in self._rights_fields}

    @classmethod
    def _rights_entry(cls, record, action, changes):
        return {
            'user': record._rights_log_user(),
            'action': action,
            'model': cls.__name__,
            'record_id': record.id,
            'record_name': record._rights_record_name()[:255],
            'changes': changes,
            }

    @classmethod
    def on_write(cls, records, values):
        callbacks = super().on_write(records, values)
        fields_ = [f for f in cls._rights_fields if f in values]
        if not fields_ or not _journalled():
            return callbacks
        before = {r.id: {f: _value(r, f) for f in fields_} for r in records}
        ids = list(before)

        def journal():
            RightsLog = Pool().get('edu.rights.log')
            entries = []
            for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
                for record in cls.browse(sub_ids):
                    lines = []
                    for f in fields_:
                        new = _value(record, f)
                        if new != before[record.id][f]:
                            lines.append('%s: %s → %s' % (
                                    f, before[record.id][f] or '∅', new or '∅'))
                    if lines:
                        entries.append(cls._rights_entry(
                                record, 'write', '\n'.join(lines)))
            RightsLog.record(entries)
        return callbacks + [journal]

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if mode == 'write' or not _journalled():
            return
        RightsLog = Pool().get('edu.rights.log')
        entries = []
        for record in records:
            lines = ['%s: %s' % (f, v)
                for f, v in record._rights_snapshot().items() if v]
            entries.append(cls._rights_entry(record, mode, '\n'.join(lines)))
        RightsLog.record(entries)


class User(RightsLogMixin, metaclass=PoolMeta):
    __name__ = 'res.user'
    _rights_fields = ('active', 'groups', 'companies', 'login')

    def _rights_log_user(self):
        return self.id


class UserRole(RightsLogMixin, metaclass=PoolMeta):
    __name__ = 'res.user.role'
    _rights_fields = ('role', 'from_date', 'to_date')
    _rights_user = 'user'

    def _rights_record_name(self):
        return f'{self.user.rec_name} — {self.role.rec_name}'

    @classmethod
    def on_delete(cls, assignments):
        # user_role leaves the groups of a user without any role untouched:
        # taking away the last role must take its groups away too
        pool = Pool()
        User = pool.get('res.user')
        callbacks = super().on_delete(assignments)
        if users := {a.user.id for a in assignments}:
            callbacks.append(lambda: User.sync_roles(
                    User.browse(list(users)), clear=True))
        return callbacks


class Role(RightsLogMixin, metaclass=PoolMeta):
    __name__ = 'res.role'
    _rights_fields = ('name', 'groups')


class Group(RightsLogMixin, metaclass=PoolMeta):
    __name__ = 'res.group'
    _rights_fields = ('name', 'parent')


class ModelAccess(RightsLogMixin, metaclass=PoolMeta):
    __name__ = 'ir.model.access'
    _rights_fields = ('model', 'group', 'perm_read', 'perm_write',
        'perm_create', 'perm_delete')


class ModelFieldAccess(RightsLogMixin, metaclass=PoolMeta):
    __name__ = 'ir.model.field.access'
    _rights_fields = ('field', 'group', 'perm_read', 'perm_write')


class RuleGroup(RightsLogMixin, metaclass=PoolMeta):
    __name__ = 'ir.rule.group'
    _rights_fields = ('name', 'model', 'global_p', 'default_p', 'groups',
        'perm_read', 'perm_write', 'perm_create', 'perm_delete')


class Rule(RightsLogMixin, metaclass=PoolMeta):
    __name__ = 'ir.rule'
    _rights_fields = ('rule_group', 'domain')
