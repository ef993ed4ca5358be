# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Restricted personal data of a person, encrypted at rest (R10, R12, R5.16).

``edu.person.restricted`` holds, one-to-one with a person
(``party.party`` with ``is_person``), the data of restricted access that the
order asks to protect: the **health status** (health group, chronic
conditions, allergies), the **social status** (large family, low income,
orphan, without parental care, special educational needs) and the
**disability** (group, valid until, certificate number).

Storage (see :mod:`.crypto`):

- every restricted value is a ``fields.Function`` over a ``fields.Binary``
  column ``<name>_cipher`` holding its AES-256-GCM ciphertext (the JSON of
  the value, padded to 32 bytes so that the length does not tell the
  value), with the key id inside and ``edu.person.restricted,<id>,<name>``
  as associated data: the database, its files and its backups never hold a
  value in clear, and a ciphertext moved to another record or field does
  not decrypt;
- the getter decrypts for the users whose access rights let them read the
  record (model access and record rules); the setter *seals* the record:
  all its values are encrypted again with the current key, the blind
  indexes and the checksum recomputed, in one SQL update;
- only the disability group and the social categories are searchable,
  through a **blind index** (HMAC-SHA-256 tokens compared for equality);
  the other values cannot be searched or sorted;
- the **checksum** (HMAC-SHA-256 over the ciphertexts, the indexes, the
  key id and the person) is verified by the daily ``ir.cron`` task and by
  ``scripts/privacy_keys.py verify``; every mismatch is reported as a
  critical security event of kind ``integrity`` (R5.16);
- creation, change and deletion are journalled in ``edu.audit.entry``
  (R5.13) with the restricted values masked, empty ones included: the
  journal says which field changed, never its value nor whether it is
  empty.
"""
import datetime as dt
import hashlib
import hmac
import json
import os

from sql import Null
from sql.aggregate import Count

import trytond.config as config
from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.edu_audit.audit import PASSWORD_MASK
from trytond.modules.edu_audit.journal import PersonalDataJournalMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from . import crypto
from .exceptions import IntegrityRefusedError, PrivacyKeyError, SearchError

MODEL = 'edu.person.restricted'
#: restricted values and their type, in the order of the checksum
RESTRICTED = {
    'health_group': 'selection',
    'chronic_conditions': 'text',
    'allergies': 'text',
    'social_categories': 'multiselection',
    'disability_group': 'selection',
    'disability_until': 'date',
    'disability_certificate': 'char',
    }
#: the restricted values searchable through a blind index
INDEXED = ('disability_group', 'social_categories')
PAD = 32
BATCH = 500

HEALTH_GROUPS = [
    (None, ""),
    ('1', "I"),
    ('2', "II"),
    ('3', "III"),
    ('4', "IV"),
    ('5', "V"),
    ]
SOCIAL_CATEGORIES = [
    ('large_family', "Large Family"),
    ('low_income', "Low-Income Family"),
    ('orphan', "Orphan"),
    ('without_parental_care', "Without Parental Care"),
    ('special_needs', "Special Educational Needs"),
    ]
DISABILITY_GROUPS = [
    (None, ""),
    ('group_1', "Group I"),
    ('group_2', "Group II"),
    ('group_3', "Group III"),
    ('child', "Child with Disability"),
    ]

_rings = {}
_UNREADABLE = object()


def configured_keys():
    """Return the text of the key ring: the option ``[bilim_privacy] keys``
    (``TRYTOND_BILIM_PRIVACY__KEYS``) or else the content of the file named
    by ``[bilim_privacy] keys_file`` (``TRYTOND_BILIM_PRIVACY__KEYS_FILE``,
    e.g. a Docker or systemd secret)"""
    text = config.get(crypto.SECTION, crypto.OPTION, default='') or ''
    if not text.strip():
        path = config.get(crypto.SECTION, crypto.FILE_OPTION, default='')
        if path and os.path.isfile(path):
            with open(path, encoding='ascii', errors='replace') as fp:
                text = fp.read()
    return text


def keyring():
    """Return the configured key ring; raise a translated PrivacyKeyError
    when it is missing or invalid"""
    text = configured_keys()
    ring = _rings.get(text)
    if ring is None:
        try:
            ring = crypto.KeyRing.from_text(text)
        except crypto.KeyRingError as error:
            raise _key_error(error)
        _rings.clear()
        _rings[text] = ring
    return ring


def _key_error(error, record=None):
    if error.reason == 'missing':
        return PrivacyKeyError(gettext('edu_privacy.msg_key_missing'))
    if error.reason == 'invalid':
        return PrivacyKeyError(gettext('edu_privacy.msg_key_invalid',
                key=error.key_id or '?'))
    return PrivacyKeyError(gettext('edu_privacy.msg_key_unknown',
            key=error.key_id or '?', record=record or '?'))


def dump_value(type_, value):
    "Return the padded JSON text of a restricted value"
    if type_ == 'multiselection':
        value = sorted(value or [])
    elif type_ == 'date' and value:
        value = value.isoformat()
    elif value == '':
        value = None
    text = json.dumps(value, ensure_ascii=False, separators=(',', ':'))
    size = len(text.encode('utf-8'))
    return text + ' ' * (-size % PAD)


def load_value(type_, text):
    "Return the restricted value of its JSON text"
    value = json.loads(text)
    if type_ == 'multiselection':
        return tuple(value or ())
    if type_ == 'date' and value:
        return dt.date.fromisoformat(value)
    return value


class Masked(str):
    """How a restricted value is journalled: printed (and stored) as the
    mask, compared by a digest of the clear value kept in memory only, so
    that the journal knows *whether* it changed, never *what* it is"""
    def __new__(cls, value):
        self = super().__new__(cls, PASSWORD_MASK)
        self._digest = hashlib.sha256(
            repr(value).encode('utf-8')).digest()
        return self

    def __eq__(self, other):
        return (isinstance(other, Masked)
            and hmac.compare_digest(self._digest, other._digest))

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__


def _restricted(field):
    return fields.Function(field, 'get_restricted', setter='set_restricted')


class PersonRestricted(
        PersonalDataJournalMixin, ModelSQL, ModelView):
    "Restricted personal data"
    __name__ = MODEL
    __string__ = "Restricted Personal Data"

    person = fields.Many2One(
        'party.party', "Person", required=True, ondelete='CASCADE',
        domain=[('is_person', '=', True)],
        states={'readonly': Eval('id', -1) >= 0},
        help="The person whose restricted data these are.")
    organisation = fields.Function(fields.Many2One(
            'company.company', "Organisation"), 'get_organisation',
        searcher='search_organisation')

    health_group = _restricted(fields.Selection(
            HEALTH_GROUPS, "Health Group", sort=False,
            help="The health group of the medical record (I to V)."))
    chronic_conditions = _restricted(fields.Text("Chronic Conditions"))
    allergies = _restricted(fields.Text(
            "Allergies", help="Allergies and intolerances to know about."))
    social_categories = fields.Function(fields.MultiSelection(
            SOCIAL_CATEGORIES, "Social Status", sort=False,
            help="The social categories of the person or of the family."),
        'get_restricted', setter='set_restricted',
        searcher='search_social_categories')
    disability_group = fields.Function(fields.Selection(
            DISABILITY_GROUPS, "Disability Group", sort=False),
        'get_restricted', setter='set_restricted',
        searcher='search_disability_group')
    disability_until = _restricted(fields.Date(
            "Disability Valid Until",
            help="The date until which the disability is established."))
    disability_certificate = _restricted(fields.Char(
            "Disability Certificate",
            help="The number of the certificate of disability."))

    # the stored form: ciphertexts, blind indexes, key id and checksum; no
    # user reads or writes them (see the field access in restricted.xml)
    health_group_cipher = fields.Binary("Health Group (encrypted)")
    chronic_conditions_cipher = fields.Binary(
        "Chronic Conditions (encrypted)")
    allergies_cipher = fields.Binary("Allergies (encrypted)")
    social_categories_cipher = fields.Binary("Social Status (encrypted)")
    disability_group_cipher = fields.Binary("Disability Group (encrypted)")
    disability_until_cipher = fields.Binary(
        "Disability Valid Until (encrypted)")
    disability_certificate_cipher = fields.Binary(
        "Disability Certificate (encrypted)")
    disability_group_index = fields.Char(
        "Disability Group Index", readonly=True, strip=False)
    social_categories_index = fields.Char(
        "Social Status Index", readonly=True, strip=False)
    key_id = fields.Char("Key", readonly=True,
        help="The id of the encryption key of the record.")
    checksum = fields.Char("Checksum", readonly=True, strip=False,
        help="HMAC-SHA-256 of the encrypted record, checked daily.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('person_unique', Unique(t, t.person),
                'edu_privacy.msg_person_unique'),
            ]
        cls._order = [('id', 'DESC')]

    # -- names --------------------------------------------------------------
    def get_rec_name(self, name):
        return self.person.rec_name if self.person else ''

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('person.rec_name',) + tuple(clause[1:])]

    def get_organisation(self, name):
        return (self.person.organisation.id
            if self.person and self.person.organisation else None)

    @classmethod
    def search_organisation(cls, name, clause):
        return [('person.organisation',) + tuple(clause[1:])]

    # -- reading ------------------------------------------------------------
    @classmethod
    def _stored_rows(cls, ids):
        "Yield the stored rows of ids as dicts, read by SQL"
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        columns = ['id', 'person', 'key_id', 'checksum',
            'disability_group_index', 'social_categories_index'] + [
            f'{n}_cipher' for n in RESTRICTED]
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*table.select(
                    *(getattr(table, c) for c in columns),
                    where=reduce_ids(table.id, list(sub_ids))))
            for row in cursor:
                row = dict(zip(columns, row))
                for name in RESTRICTED:
                    value = row[f'{name}_cipher']
                    row[f'{name}_cipher'] = (
                        bytes(value) if value is not None else None)
                yield row

    @classmethod
    def _decrypt_row(cls, ring, row):
        "Return the clear values of a stored row"
        values = {}
        for name, type_ in RESTRICTED.items():
            cipher = row[f'{name}_cipher']
            if cipher is None:
                values[name] = load_value(type_, 'null')
                continue
            try:
                text = ring.decrypt(cipher, MODEL, row['id'], name)
            except crypto.KeyRingError as error:
                raise _key_error(error, record=row['id'])
            except crypto.DecryptError as error:
                raise PrivacyKeyError(gettext(
                        'edu_privacy.msg_decrypt_failed',
                        record=row['id'], key=error.key_id or '?'))
            values[name] = load_value(type_, text)
        return values

    @classmethod
    def get_restricted(cls, records, names):
        ring = keyring()
        result = {n: {} for n in names}
        for row in cls._stored_rows([r.id for r in records]):
            values = cls._decrypt_row(ring, row)
            for name in names:
                result[name][row['id']] = values[name]
        return result

    # -- writing ------------------------------------------------------------
    @classmethod
    def set_restricted(cls, records, name, value):
        cls._seal([r.id for r in records], {name: value})

    @classmethod
    def _expected_checksum(cls, ring, row):
        "Return the checksum the stored row should have"
        parts = [(f'{n}_cipher', row[f'{n}_cipher']) for n in RESTRICTED]
        parts += [(f'{n}_index', row[f'{n}_index']) for n in INDEXED]
        return ring.checksum(row['key_id'], MODEL, row['id'], row['person'],
            parts)

    @classmethod
    def _row_intact(cls, ring, row):
        """Return None when the stored row matches its checksum, else the
        reason: 'checksum' or 'unknown_key'"""
        if row['key_id'] not in ring:
            return 'unknown_key'
        expected = cls._expected_checksum(ring, row)
        if not row['checksum'] or not hmac.compare_digest(
                row['checksum'], expected):
            return 'checksum'
        return None

    @classmethod
    def _blank(cls, row):
        "Whether the row was never sealed (a record being created)"
        return (row['checksum'] is None and row['key_id'] is None
            and all(row[f'{n}_cipher'] is None for n in RESTRICTED))

    @classmethod
    def _seal(cls, ids, changes=None, verify=True):
        """Encrypt again every value of the records ids with the current
        key, applying changes ({name: value}), and store their ciphertexts,
        blind indexes, key id and checksum.  With verify, a record that
        does not match its checksum is refused: sealing it again would
        hide the change made outside the application."""
        ring = keyring()
        changes = changes or {}
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        columns = [f'{n}_cipher' for n in RESTRICTED] + [
            f'{n}_index' for n in INDEXED] + ['key_id', 'checksum']
        for row in cls._stored_rows(ids):
            # a wrong key fails here, before the checksum is compared
            values = cls._decrypt_row(ring, row)
            if verify and not cls._blank(row):
                if cls._row_intact(ring, row) == 'checksum':
                    raise IntegrityRefusedError(gettext(
                            'edu_privacy.msg_integrity_refused',
                            record=row['id']))
            values.update(changes)
            stored = {'id': row['id'], 'person': row['person'],
                'key_id': ring.current_id}
            for name, type_ in RESTRICTED.items():
                stored[f'{name}_cipher'] = ring.encrypt(
                    dump_value(type_, values[name]), MODEL, row['id'], name)
            stored['disability_group_index'] = ring.blind_index(
                'disability_group', values['disability_group'] or None)
            stored['social_categories_index'] = ' %s ' % ' '.join(sorted(
                    ring.blind_index('social_categories', c)
                    for c in values['social_categories'] or ()))
            stored['checksum'] = cls._expected_checksum(ring, stored)
            cursor.execute(*table.update(
                    [getattr(table, c) for c in columns],
                    [cls._fields[c].sql_format(stored[c]) for c in columns],
                    where=table.id == row['id']))
        cls._clear_cache(ids)

    @classmethod
    def _clear_cache(cls, ids):
        transaction = Transaction()
        for cache in transaction.cache.values():
            if cls.__name__ in cache:
                for id_ in ids:
                    cache[cls.__name__].pop(id_, None)

    @classmethod
    def create(cls, vlist):
        keyring()  # a missing or wrong key refuses before anything is written
        records = super().create(vlist)
        # records created without a restricted value are sealed too: every
        # record has all its ciphertexts and its checksum
        blank = [r['id'] for r in cls._stored_rows([r.id for r in records])
            if r['checksum'] is None]
        if blank:
            cls._seal(blank)
        return records

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        reseal = []
        for records, values in zip(actions, actions):
            if set(values) & (set(RESTRICTED) | {'person'}):
                keyring()
            if 'person' in values:
                reseal.extend(r.id for r in records)
        super().write(*args)
        if reseal:
            # the person is part of the checksum; a record moved to another
            # person by the application is sealed again
            cls._seal(reseal, verify=False)

    @classmethod
    def copy(cls, records, default=None):
        default = dict(default or {})
        for name in RESTRICTED:
            default.setdefault(f'{name}_cipher', None)
        for name in INDEXED:
            default.setdefault(f'{name}_index', None)
        default.setdefault('key_id', None)
        default.setdefault('checksum', None)
        return super().copy(records, default=default)

    # -- searching ----------------------------------------------------------
    @classmethod
    def _search_values(cls, name, clause):
        "Return (positive, values) of an equality clause on name"
        _, operator, value = clause[:3]
        if operator in {'=', '!='}:
            values = [value]
        elif operator in {'in', 'not in'}:
            values = list(value or [])
        else:
            raise SearchError(gettext('edu_privacy.msg_search_operator',
                    field=cls._fields[name].string, operator=operator))
        return operator in {'=', 'in'}, values

    @classmethod
    def search_disability_group(cls, name, clause):
        ring = keyring()
        positive, values = cls._search_values(name, clause)
        tokens = [t for v in values
            for t in ring.blind_indexes('disability_group', v or None)]
        return [('disability_group_index',
                'in' if positive else 'not in', tokens)]

    @classmethod
    def search_social_categories(cls, name, clause):
        """'in' finds the records having any of the categories, 'not in'
        those having none of them; '=' with None (or []) finds the records
        without category"""
        ring = keyring()
        _, operator, value = clause[:3]
        if operator in {'=', '!='} and not value:
            if operator == '=':
                return ['OR',
                    ('social_categories_index', '=', '  '),
                    ('social_categories_index', '=', None),
                    ]
            return [
                ('social_categories_index', '!=', '  '),
                ('social_categories_index', '!=', None),
                ]
        positive, values = cls._search_values(name, clause)
        tokens = [t for v in values
            for t in ring.blind_indexes('social_categories', v)]
        if not tokens:
            return [('id', '=', None)] if positive else []
        # the index holds space-separated hex tokens: a token is matched
        # whole, LIKE never runs on a ciphertext
        if positive:
            return ['OR', *(
                    ('social_categories_index', 'like', f'% {t} %')
                    for t in tokens)]
        return [
            ('social_categories_index', '!=', None),
            *(('social_categories_index', 'not like', f'% {t} %')
                for t in tokens)]

    # -- audit journal (R5.13) -----------------------------------------------
    @classmethod
    def _audit_fields(cls):
        return ['person', *RESTRICTED]

    def _audit_value(self, name):
        # an empty value is masked too: the journal does not tell whether a
        # person has a disability, only that the field was recorded
        if name in RESTRICTED:
            try:
                value = getattr(self, name)
            except PrivacyKeyError:
                # a record that does not decrypt (altered, or of a removed
                # key) can still be deleted: the journal needs no value
                value = _UNREADABLE
            if value in ('', ()) or value == []:
                value = None
            return Masked(value)
        return super()._audit_value(name)

    # -- integrity (R5.16) ----------------------------------------------------
    @classmethod
    def count_stored(cls):
        "Return the number of records, whatever the user's record rules"
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.select(Count(table.id)))
        return cursor.fetchone()[0]

    @classmethod
    def check_integrity(cls, report=True):
        """Verify the checksum of every record; return the list of
        (id, reason) of those that do not match, reason being 'checksum'
        or 'unknown_key'.  With report, each of them is reported as a
        critical security event of kind 'integrity'."""
        pool = Pool()
        Event = pool.get('edu.security.event')
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.select(table.id, order_by=[table.id.asc]))
        ids = [i for i, in cursor]
        if not ids:
            return []
        ring = keyring()
        failures = []
        for sub_ids in grouped_slice(ids, BATCH):
            for row in cls._stored_rows(list(sub_ids)):
                reason = cls._row_intact(ring, row)
                if reason:
                    failures.append((row['id'], row['person'], reason))
        failures.sort()
        if report:
            for record_id, person_id, reason in failures:
                message = ('edu_privacy.msg_integrity_mismatch'
                    if reason == 'checksum'
                    else 'edu_privacy.msg_integrity_unknown_key')
                Event.report('integrity', 'critical',
                    gettext(message, record=record_id,
                        person=person_id or '?'),
                    source='edu_privacy', record=f'{MODEL},{record_id}')
        return [(i, r) for i, _, r in failures]

    @classmethod
    def cron_verify_integrity(cls):
        """Daily verification of the restricted data (ir.cron); a check
        that cannot run (no key, invalid key) is a critical event too"""
        pool = Pool()
        Event = pool.get('edu.security.event')
        try:
            cls.check_integrity()
        except PrivacyKeyError as error:
            Event.report('integrity', 'critical',
                gettext('edu_privacy.msg_integrity_not_run',
                    error=error.message),
                source='edu_privacy')

    # -- key rotation ---------------------------------------------------------
    @classmethod
    def rotate_keys(cls, everything=False, batch_size=BATCH):
        """Encrypt again with the current key the records sealed with
        another key (every record with everything), in batches; return
        (rotated, skipped): the records that fail their integrity check
        are skipped and reported, not laundered.  Journalled as the
        critical action 'privacy_key_rotation'."""
        pool = Pool()
        AuditEntry = pool.get('edu.audit.entry')
        ring = keyring()
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        where = None
        if not everything:
            where = ((table.key_id != ring.current_id)
                | (table.key_id == Null))
        cursor.execute(*table.select(table.id, where=where,
                order_by=[table.id.asc]))
        ids = [i for i, in cursor]
        rotated, skipped = 0, []
        for sub_ids in grouped_slice(ids, batch_size):
            sub_ids = list(sub_ids)
            good = []
            for row in cls._stored_rows(sub_ids):
                if cls._blank(row) or not cls._row_intact(ring, row):
                    good.append(row['id'])
                else:
                    skipped.append(row['id'])
            cls._seal(good, verify=False)
            rotated += len(good)
        if skipped:
            cls.check_integrity()
        AuditEntry.log_action('privacy_key_rotation',
            description=gettext('edu_privacy.msg_rotation_done',
                key=ring.current_id, rotated=rotated, skipped=len(skipped)),
            details={'key_id': ring.current_id, 'rotated': rotated,
                'skipped': len(skipped)})
        return rotated, skipped


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            (f'{MODEL}|cron_verify_integrity',
                "Verify Restricted Personal Data"))
