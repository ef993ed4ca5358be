# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The audit journal (R5.13, R5.14, R5.16).

``edu.audit.entry`` journals who changed which personal data, when, from
which address, with the values before and after, and the critical actions
of the system (rights changes, second-factor resets, ...).

The journal is a hash chain: each entry stores the SHA-256 of a canonical
serialisation of its content and of the hash of the entry before it
(``previous_hash``).  Changing, inserting or deleting an entry outside the
application breaks the chain, which :meth:`AuditEntry.verify_chain` finds.

Appends are serialised: the head of the chain (id and hash of the last
entry) is kept in the one-row table ``edu_audit_entry_head``, locked with
``SELECT ... FOR UPDATE`` by every append and updated with the new head.
PostgreSQL runs Tryton's transactions in REPEATABLE READ: a transaction
that appends while another one appended and committed since its snapshot
gets a serialisation failure on that row, and Tryton's dispatcher retries
it; so two transactions never chain on the same entry.  SQLite serialises
writers by itself.  The head also gives the last entry, so removing entries
at the end of the chain is detected too.

Critical actions are also written to the log of the database server
(R5.14): on PostgreSQL with the function ``bilim_audit_log(text)``, created
by the module, which does ``RAISE LOG 'bilim audit: %', msg`` (the text is
a bound parameter of ``SELECT bilim_audit_log(%s)``, never spliced into
SQL; LOG messages reach the server log with the default
``log_min_messages = warning``, as LOG ranks above WARNING there); on
SQLite, which has no server log, with Python's logging at WARNING level
on the logger ``bilim.audit``.
"""
import datetime as dt
import hashlib
import json
import logging

from sql import For, Table

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.edu_base.model import AppendOnlyMixin
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access


logger = logging.getLogger('bilim.audit')

ACTIONS = [
    ('create', "Created"),
    ('write', "Changed"),
    ('delete', "Deleted"),
    ('critical', "Critical Action"),
    ]
#: the fields whose content the hash covers, in this order
HASHED_FIELDS = ('date', 'user', 'ip_address', 'action', 'operation',
    'model', 'record_id', 'record_name', 'changed_fields', 'changes',
    'description', 'previous_hash')
HEAD_TABLE = 'edu_audit_entry_head'
BATCH = 1000


def mask_iin(value):
    "Return an IIN masked as 9701******23"
    value = str(value or '')
    if len(value) <= 6:
        return '*' * len(value)
    return value[:4] + '*' * (len(value) - 6) + value[-2:]


#: value of a password field in the journal: that it changed, never what
PASSWORD_MASK = '********'


def mask_value(field_name, value):
    "Return value as it may be journalled for a field named field_name"
    if value in (None, ''):
        return value
    if 'password' in field_name:
        return PASSWORD_MASK
    if field_name == 'iin' or field_name.endswith('_iin'):
        return mask_iin(value)
    return value


def _canonical(value):
    if isinstance(value, dt.datetime):
        return value.strftime('%Y-%m-%dT%H:%M:%S.%f')
    if value == '':
        return None
    return value


def compute_hash(values):
    "Return the SHA-256 hex digest of the hashed content of values"
    content = {f: _canonical(values.get(f)) for f in HASHED_FIELDS}
    data = json.dumps(content, sort_keys=True, ensure_ascii=False,
        separators=(',', ':'))
    return hashlib.sha256(data.encode('utf-8')).hexdigest()


class AuditEntry(AppendOnlyMixin, ModelSQL, ModelView):
    "Audit journal entry"
    __name__ = 'edu.audit.entry'
    _append_only_message = 'edu_audit.msg_entry_readonly'

    date = fields.Timestamp("Date", readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True,
        ondelete='RESTRICT', help="The author of the action.")
    ip_address = fields.Char("IP Address", readonly=True, strip=False)
    action = fields.Selection(ACTIONS, "Action", readonly=True, sort=False)
    operation = fields.Char("Operation", readonly=True, strip=False,
        help="The name of the critical action.")
    model = fields.Char("Model", readonly=True, strip=False)
    model_name = fields.Function(fields.Char("Object"), 'get_model_name')
    record_id = fields.Integer("Record ID", readonly=True)
    record_name = fields.Char("Record", readonly=True, strip=False)
    changed_fields = fields.Char("Fields Changed", readonly=True,
        strip=False)
    changes = fields.Text("Old and New Values", readonly=True,
        help="The values before and after, as JSON {field: [old, new]}; "
        "sensitive values are masked.")
    description = fields.Text("Description", readonly=True)
    previous_hash = fields.Char("Previous Hash", readonly=True, strip=False)
    hash = fields.Char("Hash", readonly=True, strip=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.update({
                Index(t, (t.date, Index.Range(order='DESC'))),
                Index(t, (t.user, Index.Equality())),
                Index(t, (t.model, Index.Equality()),
                    (t.record_id, Index.Equality())),
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        if not backend.TableHandler.table_exist(HEAD_TABLE):
            cursor.execute(f'CREATE TABLE "{HEAD_TABLE}" ('
                'id INTEGER PRIMARY KEY, last_id INTEGER, '
                'last_hash VARCHAR)')
        head = Table(HEAD_TABLE)
        cursor.execute(*head.select(head.id, where=head.id == 1))
        if not cursor.fetchone():
            # a database journalled before the head existed chains on its
            # last entry
            entry = cls.__table__()
            cursor.execute(*entry.select(entry.id, entry.hash,
                    order_by=[entry.id.desc], limit=1))
            last_id, last_hash = cursor.fetchone() or (None, None)
            cursor.execute(*head.insert(
                    [head.id, head.last_id, head.last_hash],
                    [[1, last_id, last_hash]]))
        if backend.name == 'postgresql':
            cursor.execute(
                'CREATE OR REPLACE FUNCTION bilim_audit_log(msg text) '
                'RETURNS void LANGUAGE plpgsql AS $$ BEGIN '
                "RAISE LOG 'bilim audit: %', msg; END $$")

    @classmethod
    def get_model_name(cls, entries, name):
        pool = Pool()
        Model = pool.get('ir.model')
        models = list({e.model for e in entries if e.model})
        names = {m.name: m.string for m in Model.search([
                    ('name', 'in', models),
                    ])} if models else {}
        return {e.id: names.get(e.model, e.model) for e in entries}

    # -- appending --------------------------------------------------------
    @classmethod
    def _lock_head(cls):
        "Lock the head of the chain and return (last id, last hash)"
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        head = Table(HEAD_TABLE)
        query = head.select(head.last_id, head.last_hash,
            where=head.id == 1)
        if transaction.database.has_select_for():
            query.for_ = For('UPDATE')
        cursor.execute(*query)
        row = cursor.fetchone()
        return row if row else (None, None)

    @classmethod
    def _set_head(cls, last_id, last_hash):
        cursor = Transaction().connection.cursor()
        head = Table(HEAD_TABLE)
        cursor.execute(*head.update(
                [head.last_id, head.last_hash], [last_id, last_hash],
                where=head.id == 1))

    @classmethod
    def append(cls, entries):
        """Store entries (dicts of the fields of an entry), chained, in one
        batch, and return them.  Date, author and IP address default to
        now and to the user and the address of the request."""
        if not entries:
            return []
        transaction = Transaction()
        now = dt.datetime.now()
        request = transaction.context.get('_request') or {}
        ip_address = request.get('remote_addr')
        user = transaction.user or None
        with without_check_access(), transaction.set_user(0):
            _, previous = cls._lock_head()
            vlist = []
            for entry in entries:
                values = {
                    'date': now, 'user': user, 'ip_address': ip_address,
                    **entry}
                values['previous_hash'] = previous
                values['hash'] = previous = compute_hash(values)
                vlist.append(values)
            records = cls.create(vlist)
            cls._set_head(records[-1].id, previous)
        return records

    @classmethod
    def log_action(cls, action_name, records=None, description='',
            details=None):
        """Journal the critical action ``action_name`` (e.g. 'mfa_reset',
        'rights_change') on records (one entry per record, or one entry
        without record), with a description and details (a dict, masked
        like changed values).  The action also goes to the log of the
        database server (R5.14).  Returns the entries."""
        changes = None
        changed = None
        if details:
            masked = {str(k): _jsonable(mask_value(str(k), v))
                for k, v in details.items()}
            changes = json.dumps(masked, ensure_ascii=False, sort_keys=True)
            changed = ','.join(sorted(masked))
        base = {
            'action': 'critical',
            'operation': action_name,
            'changed_fields': changed,
            'changes': changes,
            'description': description or None,
            }
        if records:
            entries = [{**base,
                    'model': r.__name__,
                    'record_id': r.id,
                    'record_name': _rec_name(r),
                    } for r in records]
        else:
            entries = [base]
        result = cls.append(entries)
        cls.log_to_database(result)
        return result

    @classmethod
    def log_to_database(cls, entries):
        "Write critical entries to the log of the database server (R5.14)"
        lines = []
        for entry in entries:
            lines.append(' '.join(str(p) for p in [
                        f'#{entry.id}', entry.operation or entry.action,
                        f'user={entry.user.id if entry.user else 0}',
                        f'ip={entry.ip_address or "-"}',
                        f'{entry.model},{entry.record_id}'
                        if entry.model else '',
                        ' | '.join((entry.description or '').splitlines()),
                        ] if p))
        if backend.name == 'postgresql':
            cursor = Transaction().connection.cursor()
            for line in lines:
                cursor.execute('SELECT bilim_audit_log(%s)', (line,))
        else:
            for line in lines:
                logger.warning('bilim audit: %s', line)

    # -- verification -----------------------------------------------------
    @classmethod
    def verify_chain(cls):
        """Recompute the hashes in id order; return the first entry that
        breaks the chain (changed, inserted, or following a removed entry),
        the last entry if entries were removed at the end, or None"""
        with without_check_access(), Transaction().set_context(
                _check_access=False):
            last_id, last_hash = cls._read_head()
            previous = None
            previous_id = 0
            while True:
                entries = cls.search([('id', '>', previous_id)],
                    order=[('id', 'ASC')], limit=BATCH)
                if not entries:
                    break
                for entry in entries:
                    values = {f: _stored(entry, f) for f in HASHED_FIELDS}
                    if (entry.previous_hash != previous
                            or entry.hash != compute_hash(values)):
                        return entry
                    previous = entry.hash
                    previous_id = entry.id
            if (previous_id or None) != last_id or previous != last_hash:
                return cls(previous_id) if previous_id else None
        return None

    @classmethod
    def _read_head(cls):
        cursor = Transaction().connection.cursor()
        head = Table(HEAD_TABLE)
        cursor.execute(*head.select(head.last_id, head.last_hash,
                where=head.id == 1))
        return cursor.fetchone() or (None, None)

    @classmethod
    def check_chain(cls):
        """Verify the chain; report a critical security event when it is
        broken and return the first broken entry or None"""
        pool = Pool()
        Event = pool.get('edu.security.event')
        broken = cls.verify_chain()
        if broken:
            Event.report('audit_chain', 'critical',
                gettext('edu_audit.msg_chain_broken', entry=broken.id),
                source='edu_audit', record=f'{cls.__name__},{broken.id}')
        return broken

    @classmethod
    def cron_verify_chain(cls):
        "Daily verification of the journal (ir.cron)"
        broken = cls.check_chain()
        if broken:
            logger.error('audit journal broken at entry %s', broken.id)


def _stored(entry, name):
    value = getattr(entry, name)
    if isinstance(value, ModelSQL):
        return value.id
    return value


def _rec_name(record):
    return (record.rec_name or '')[:255] or None


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, 'rec_name'):
        return value.rec_name
    return str(value)
