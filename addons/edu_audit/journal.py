# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Automatic journal of the changes of personal data (R5.13, R5.16).

:class:`PersonalDataJournalMixin`, added by ``PoolMeta`` to persons
(``party.party`` with ``is_person``), their addresses and contact
mechanisms, family links, employees and user accounts, appends one
:class:`~.audit.AuditEntry` per created, changed or deleted record, with
the old and new values of the fields (sensitive values masked), in one
batch per operation.  It follows the pattern of ``edu_base``'s rights
history (``on_write`` keeps the values before the write, a callback
compares them with the values after it) and reuses its value rendering.
The pairs of one ``write(*args)`` and the writes of the values computed at
creation (``compute_fields``) do not make entries of their own: the first
callback journals all the pending changes of the model at once.

The creation of every ``edu.rights.log`` entry is journalled too, as the
critical action ``rights_change``.

Like the rights history, what the server does as the root user (module
installation, data loads) is not journalled: only actions of a person.
"""
import json
import weakref

from trytond import backend
from trytond.model import fields
from trytond.modules.edu_base.rights import _journalled, _value
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .audit import PASSWORD_MASK, mask_value

#: fields of every model that are the journal's own business, not data
TECHNICAL_FIELDS = {'id', 'rec_name', 'create_uid', 'create_date',
    'write_uid', 'write_date'}
#: the changes of each transaction waiting for the end of their write
_PENDING = weakref.WeakKeyDictionary()


class PersonalDataJournalMixin:
    "Journal the creation, change and deletion of personal data"
    __slots__ = ()
    #: fields never journalled, in addition to the technical ones
    _audit_exclude = ()

    @classmethod
    def _audit_fields(cls):
        "Return the names of the journalled fields"
        return [name for name, field in cls._fields.items()
            if name not in TECHNICAL_FIELDS
            and name not in cls._audit_exclude
            and not isinstance(field, (
                    fields.Function, fields.One2Many, fields.Binary))]

    def _audit_journalled(self):
        "Whether the record holds personal data to journal"
        return True

    def _audit_value(self, name):
        "Return the value of field name as it is journalled"
        type_ = self._fields[name]._type
        if type_ == 'boolean':
            value = bool(getattr(self, name, False))
        elif type_ in {'integer', 'float'}:
            value = getattr(self, name, None)
        else:
            value = _value(self, name) or None
        return mask_value(name, value)

    @classmethod
    def _audit_entry(cls, record, action, changes):
        return {
            'action': action,
            'model': cls.__name__,
            'record_id': record.id,
            'record_name': (record.rec_name or '')[:255] or None,
            'changed_fields': ','.join(changes)[:1024] or None,
            'changes': json.dumps(
                changes, ensure_ascii=False, sort_keys=True),
            }

    @classmethod
    def _compute_fields(cls, records, field_names=None):
        if field_names is None:
            # at creation, the values computed are part of the creation
            # entry: their write is not a change of its own
            with Transaction().set_context(_edu_audit_creating=cls.__name__):
                return super()._compute_fields(records, field_names)
        return super()._compute_fields(records, field_names)

    @classmethod
    def on_write(cls, records, values):
        callbacks = super().on_write(records, values)
        transaction = Transaction()
        if (not _journalled() or transaction.context.get(
                    '_edu_audit_creating') == cls.__name__):
            return callbacks
        names = [f for f in cls._audit_fields() if f in values]
        # a password is journalled as changed, never with its value
        secrets = sorted(f for f in values
            if 'password' in f and f in cls._fields and f not in names)
        if not (names or secrets):
            return callbacks
        before = {r.id: {f: r._audit_value(f) for f in names}
            for r in records}
        journalled = {r.id for r in records if r._audit_journalled()}
        # write(*args) calls on_write once per (records, values) pair: the
        # first callback journals the changes of all the pairs in one batch
        pending = _PENDING.setdefault(transaction, {}).setdefault(
            cls.__name__, [])
        pending.append((names, secrets, before, journalled))

        def journal():
            items = _PENDING.get(transaction, {}).pop(cls.__name__, [])
            entries = []
            for names, secrets, before, journalled in items:
                entries.extend(cls._audit_changes(
                        names, secrets, before, journalled))
            Pool().get('edu.audit.entry').append(entries)
        return callbacks + [journal]

    @classmethod
    def _audit_changes(cls, names, secrets, before, journalled):
        "Return the entries of the changes since before"
        entries = []
        for sub_ids in grouped_slice(list(before), backend.MAX_QUERY_PARAMS):
            for record in cls.browse(sub_ids):
                if (record.id not in journalled
                        and not record._audit_journalled()):
                    continue
                old = before[record.id]
                changes = {f: [PASSWORD_MASK, PASSWORD_MASK] for f in secrets}
                for name in names:
                    new = record._audit_value(name)
                    if new != old[name]:
                        changes[name] = [old[name], new]
                if changes:
                    entries.append(cls._audit_entry(record, 'write', changes))
        return entries

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if mode == 'write' or not _journalled():
            return
        AuditEntry = Pool().get('edu.audit.entry')
        names = cls._audit_fields()
        entries = []
        for record in records:
            if not record._audit_journalled():
                continue
            changes = {}
            for name in names:
                value = record._audit_value(name)
                if value is not None and value is not False:
                    changes[name] = (
                        [None, value] if mode == 'create' else [value, None])
            entries.append(cls._audit_entry(record, mode, changes))
        AuditEntry.append(entries)


class Party(PersonalDataJournalMixin, metaclass=PoolMeta):
    __name__ = 'party.party'
    # derived from the code to sort it
    _audit_exclude = ('code_alnum', 'code_digit')

    def _audit_journalled(self):
        return bool(self.is_person)


class Address(PersonalDataJournalMixin, metaclass=PoolMeta):
    __name__ = 'party.address'

    def _audit_journalled(self):
        return bool(self.party and self.party.is_person)


class ContactMechanism(PersonalDataJournalMixin, metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'
    # derived from the value to search it
    _audit_exclude = ('value_compact',)

    def _audit_journalled(self):
        return bool(self.party and self.party.is_person)


class Relation(PersonalDataJournalMixin, metaclass=PoolMeta):
    __name__ = 'party.relation'


class Employee(PersonalDataJournalMixin, metaclass=PoolMeta):
    __name__ = 'company.employee'


class User(PersonalDataJournalMixin, metaclass=PoolMeta):
    __name__ = 'res.user'


class RightsLog(metaclass=PoolMeta):
    "Journal every rights change as a critical action"
    __name__ = 'edu.rights.log'

    @classmethod
    def on_modification(cls, mode, logs, field_names=None):
        super().on_modification(mode, logs, field_names=field_names)
        if mode != 'create':
            return
        AuditEntry = Pool().get('edu.audit.entry')
        entries = []
        for log in logs:
            details = {
                'action': log.action,
                'model': log.model,
                'record_id': log.record_id,
                'user': log.user.rec_name if log.user else None,
                }
            entries.append({
                    'user': log.author.id if log.author else None,
                    'action': 'critical',
                    'operation': 'rights_change',
                    'model': cls.__name__,
                    'record_id': log.id,
                    'record_name': (log.record_name or '')[:255] or None,
                    'changed_fields': ','.join(sorted(details)),
                    'changes': json.dumps(
                        details, ensure_ascii=False, sort_keys=True),
                    'description': log.changes or None,
                    })
        AuditEntry.log_to_database(AuditEntry.append(entries))
