# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Encryption of restricted personal data at rest (R10, R5.16).

Pure functions, without Tryton, so that they are tested on their own:

- the **key ring** comes from the configuration option ``[bilim_privacy]
  keys`` (environment ``TRYTOND_BILIM_PRIVACY__KEYS``) or from the file
  named by ``[bilim_privacy] keys_file``: a list of
  ``key-id:base64-key`` separated by commas, spaces or new lines, each key
  32 random bytes (AES-256); the **first** key is the current one, used to
  encrypt, the others only decrypt (old keys kept until a rotation is done);
- a value is sealed with **AES-256-GCM**; the ciphertext carries a version
  byte and the id of its key, and the associated data binds it to the
  record and the field (``model,id,field``): a ciphertext copied to another
  record or field does not decrypt;
- a **blind index** (HMAC-SHA-256 with a key derived from the encryption
  key, HKDF info ``bilim-privacy:index``) lets equality searches run
  without decrypting and without a LIKE on ciphertext;
- the **checksum** of a record (HMAC-SHA-256 with a key derived with HKDF
  info ``bilim-privacy:integrity``) covers the ciphertexts, the blind
  indexes, the key id and the person: any change made outside the
  application (SQL, a restored file, a copied row) no longer matches.

No key is ever in the repository: ``generate_key()`` (or
``scripts/privacy_keys.py generate``) makes one.
"""
import base64
import binascii
import hashlib
import hmac
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ['KeyRingError', 'DecryptError', 'KeyRing', 'generate_key',
    'generate_key_id', 'parse_keys', 'format_keys']

SECTION = 'bilim_privacy'
OPTION = 'keys'
FILE_OPTION = 'keys_file'
VERSION = 1
KEY_SIZE = 32
NONCE_SIZE = 12
KEY_ID_RE = re.compile(r'^[A-Za-z0-9_.-]{1,32}$')
_SEPARATORS = re.compile(r'[\s,;]+')


class KeyRingError(Exception):
    """The key ring is missing or invalid.

    ``reason`` is one of ``missing``, ``invalid`` or ``unknown`` (a
    ciphertext or a record names a key id that is not in the ring).
    """

    def __init__(self, reason, key_id=None):
        super().__init__(reason, key_id)
        self.reason = reason
        self.key_id = key_id


class DecryptError(Exception):
    "A ciphertext does not decrypt: wrong key, or altered or moved data"

    def __init__(self, key_id):
        super().__init__(key_id)
        self.key_id = key_id


def generate_key():
    "Return a new random AES-256 key, base64 encoded"
    return base64.b64encode(os.urandom(KEY_SIZE)).decode('ascii')


def generate_key_id(date=None):
    "Return a key id such as k20261127a1b2 (date and random suffix)"
    import datetime as dt
    date = date or dt.date.today()
    return f'k{date:%Y%m%d}{os.urandom(2).hex()}'


def parse_keys(text):
    """Return the list of (key id, key bytes) of the configured text.

    Raises KeyRingError('missing') when the text is empty and
    KeyRingError('invalid', key_id) for a malformed entry, a key that is
    not 32 bytes of base64, or a key id given twice.
    """
    entries = [e for e in _SEPARATORS.split(text or '') if e]
    if not entries:
        raise KeyRingError('missing')
    keys, seen = [], set()
    for entry in entries:
        key_id, sep, encoded = entry.partition(':')
        if not sep or not KEY_ID_RE.match(key_id) or key_id in seen:
            raise KeyRingError('invalid', key_id if sep else None)
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise KeyRingError('invalid', key_id)
        if len(key) != KEY_SIZE:
            raise KeyRingError('invalid', key_id)
        seen.add(key_id)
        keys.append((key_id, key))
    return keys


def format_keys(keys):
    "Return the configuration text of [(key id, key bytes or base64)]"
    parts = []
    for key_id, key in keys:
        if isinstance(key, bytes):
            key = base64.b64encode(key).decode('ascii')
        parts.append(f'{key_id}:{key}')
    return ','.join(parts)


def _derive(key, purpose):
    return HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None,
        info=b'bilim-privacy:' + purpose).derive(key)


def _frame(*parts):
    "Length-prefixed concatenation: no two lists of parts give the same bytes"
    data = bytearray()
    for part in parts:
        if part is None:
            data += b'\xff\xff\xff\xff'
            continue
        if isinstance(part, str):
            part = part.encode('utf-8')
        elif isinstance(part, int):
            part = str(part).encode('ascii')
        data += len(part).to_bytes(4, 'big') + bytes(part)
    return bytes(data)


class KeyRing:
    "The configured keys: the first encrypts, all decrypt"

    def __init__(self, keys):
        if not keys:
            raise KeyRingError('missing')
        self._keys = dict(keys)
        self.current_id = keys[0][0]
        self._derived = {}

    @classmethod
    def from_text(cls, text):
        return cls(parse_keys(text))

    @property
    def key_ids(self):
        return list(self._keys)

    def __contains__(self, key_id):
        return key_id in self._keys

    def _key(self, key_id):
        try:
            return self._keys[key_id]
        except KeyError:
            raise KeyRingError('unknown', key_id)

    def _derived_key(self, key_id, purpose):
        cache_key = (key_id, purpose)
        if cache_key not in self._derived:
            self._derived[cache_key] = _derive(self._key(key_id), purpose)
        return self._derived[cache_key]

    # -- values -----------------------------------------------------------
    @staticmethod
    def associated_data(model, record_id, field):
        return f'{model},{int(record_id)},{field}'.encode('utf-8')

    def encrypt(self, plaintext, model, record_id, field, key_id=None):
        """Return the ciphertext of plaintext (str) for the field of the
        record, with the current key unless key_id is given"""
        key_id = key_id or self.current_id
        header = bytes([VERSION, len(key_id)]) + key_id.encode('ascii')
        nonce = os.urandom(NONCE_SIZE)
        sealed = AESGCM(self._key(key_id)).encrypt(nonce,
            plaintext.encode('utf-8'),
            header + self.associated_data(model, record_id, field))
        return header + nonce + sealed

    @staticmethod
    def key_id_of(ciphertext):
        "Return the key id a ciphertext names"
        ciphertext = bytes(ciphertext)
        if len(ciphertext) < 2 or ciphertext[0] != VERSION:
            raise DecryptError(None)
        size = ciphertext[1]
        return ciphertext[2:2 + size].decode('ascii', 'replace')

    def decrypt(self, ciphertext, model, record_id, field):
        """Return the plaintext (str) of ciphertext; raise DecryptError
        when it does not decrypt for this record and field and
        KeyRingError('unknown') when its key is not in the ring"""
        ciphertext = bytes(ciphertext)
        key_id = self.key_id_of(ciphertext)
        key = self._key(key_id)
        header_size = 2 + ciphertext[1]
        header = ciphertext[:header_size]
        nonce = ciphertext[header_size:header_size + NONCE_SIZE]
        sealed = ciphertext[header_size + NONCE_SIZE:]
        try:
            plaintext = AESGCM(key).decrypt(nonce, sealed,
                header + self.associated_data(model, record_id, field))
        except (InvalidTag, ValueError):
            raise DecryptError(key_id)
        return plaintext.decode('utf-8')

    # -- blind index and checksum ------------------------------------------
    def blind_index(self, field, value, key_id=None):
        """Return the hex HMAC-SHA-256 of the value of field: equal values
        give equal tokens under the same key, nothing else is revealed"""
        key = self._derived_key(key_id or self.current_id, b'index')
        return hmac.new(key, _frame(field, value), hashlib.sha256).hexdigest()

    def blind_indexes(self, field, value):
        "Return the tokens of value under every key of the ring"
        return [self.blind_index(field, value, k) for k in self._keys]

    def checksum(self, key_id, model, record_id, person_id, parts):
        """Return the hex HMAC-SHA-256 of a record: its model, id, person,
        key id and parts (a list of (name, bytes or str or None))"""
        key = self._derived_key(key_id, b'integrity')
        items = [b'bilim-privacy-checksum-v1', model, record_id,
            person_id, key_id]
        for name, value in parts:
            items.extend([name, value])
        return hmac.new(key, _frame(*items), hashlib.sha256).hexdigest()
