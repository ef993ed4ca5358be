# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A simulated NCALayer for tests and the demo (R22.4, R5.3).

NCALayer is the application of NCA RK that users install on their computer:
a websocket server on ``wss://127.0.0.1:13579`` to which the web page sends
JSON requests and which signs with the user's key after its own dialog.
This module speaks the same protocol with the keys of a test PKI
(``testca.TestPKI``), so that browser tests, doctests and the demo can sign
without a real NCALayer and without real keys.

The protocol, as the real NCALayer 1.4 speaks it:

- on connect it greets with ``{"result": {"version": "1.4"}}``; a text
  ``--heartbeat--`` is answered with the same text;
- ``{"module": "kz.gov.pki.knca.basics", "method": "sign", "args": {
  "allowedStorages": [...], "format": "cms", "data": "<base64>" | [...],
  "signingParams": {"decode": true, "encapsulate": false, "digested":
  false, "tsaProfile": null}, "signerParams": {"extKeyUsageOids": [...]},
  "locale": "ru"}}`` → ``{"status": true, "body": {"result": ["<base64
  CMS>", ...]}}`` (one CMS per data item); a cancelled key dialog →
  ``{"status": true, "body": {}}`` (no result, as NCALayer does);
  failures → ``{"status": false, "code": "<CODE>", "message": "…"}``
  with NCALayer's codes (``INVALID_SIGNING_PARAMS``, ``SIGNING_FAILURE``,
  ``INVOCATION_ERROR``…);
- the older ``kz.gov.pki.knca.commonUtils``: ``createCAdESFromBase64``
  (args ``[storage, "SIGNATURE", b64, attached]``) →
  ``{"code": "200", "message": "", "responseObject": "<b64 CMS>"}``,
  ``getKeyInfo`` (args ``[storage]``) → ``{"code": "200",
  "responseObject": {alias, keyId, algorithm, subjectCn, subjectDn,
  issuerCn, issuerDn, serialNumber, certNotBefore, certNotAfter,
  authorityKeyIdentifier, pem}}``, ``getActiveTokens`` →
  ``{"code": "200", "responseObject": []}``; a cancelled dialog →
  ``{"code": "500", "message": "action.canceled"}``;
- an unknown module → ``{"success": false, "errorCode":
  "MODULE_NOT_FOUND"}``.

Usage::

    with NCALayerSimulator(pki, 'director') as sim:
        cms = sign(sim.url, b'content')          # detached CMS, DER bytes
        sim.select('teacher')                    # another person's key
        sim.mode = 'cancel'                      # the user cancels
        sim.requests                             # what the pages sent

``pki`` is a ``testca.TestPKI`` or the directory of one; ``subject`` a
subject name of that PKI (``<name>.crt`` / ``<name>.key`` there) or a
Subject.  ``tls=True`` serves ``wss://`` with a server certificate for
127.0.0.1 issued by the PKI's intermediate (``ncalayer-tls.crt`` in the
PKI's directory; ``tls_certificate`` is the root clients must trust and
``tls_context()`` a client context trusting it), or pass an
``ssl.SSLContext`` or a (certificate, key) pair of files.
"""
import asyncio
import base64
import binascii
import datetime as dt
import json
import os
import ssl
import tempfile
import threading

__all__ = ['NCALayerSimulator', 'NCALayerError', 'NCALayerCancelled',
    'sign', 'key_info', 'VERSION', 'BASICS', 'COMMON_UTILS']

VERSION = '1.4'
BASICS = 'kz.gov.pki.knca.basics'
COMMON_UTILS = 'kz.gov.pki.knca.commonUtils'
HEARTBEAT = '--heartbeat--'
MODES = ('sign', 'cancel', 'error')
ALMATY = dt.timezone(dt.timedelta(hours=5))


class NCALayerError(Exception):
    "A failure reported by NCALayer (code, message)"

    def __init__(self, code, message=''):
        super().__init__(f'{code}: {message}' if message else code)
        self.code = code
        self.message = message


class NCALayerCancelled(NCALayerError):
    "The user closed NCALayer's key dialog"

    def __init__(self):
        super().__init__('canceled', 'action.canceled')


def _load_pki(pki):
    if isinstance(pki, (str, os.PathLike)):
        from .testca import TestPKI
        return TestPKI.load(os.fspath(pki))
    return pki


def _resolve_subject(pki, subject):
    "A Subject of the PKI from its name (or the Subject itself)"
    if not isinstance(subject, str):
        return subject
    for attribute in ('subject', 'get_subject', 'load_subject', 'get'):
        method = getattr(pki, attribute, None)
        if callable(method):
            try:
                found = method(subject)
            except (KeyError, LookupError, FileNotFoundError, TypeError):
                continue
            if found is not None:
                return found
    subjects = getattr(pki, 'subjects', None)
    if isinstance(subjects, dict) and subject in subjects:
        return subjects[subject]
    raise LookupError(f'no subject {subject!r} in the test PKI')


def _certificate(subject):
    from cryptography import x509
    der = getattr(subject, 'cert_der', None)
    if der is None:
        der = getattr(subject, 'der', None)
    return x509.load_der_x509_certificate(der), der


def _dn(name):
    return name.rfc4514_string()


def _cn(name):
    from cryptography.x509.oid import NameOID
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return values[0].value if values else ''


def key_info(subject):
    "NCALayer's getKeyInfo responseObject of a subject's certificate"
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    cert, der = _certificate(subject)

    def almaty(value):
        return value.astimezone(ALMATY).strftime('%d.%m.%Y %H:%M:%S')
    try:
        aki = cert.extensions.get_extension_for_class(
            x509.AuthorityKeyIdentifier).value.key_identifier.hex()
    except x509.ExtensionNotFound:
        aki = ''
    try:
        ski = cert.extensions.get_extension_for_class(
            x509.SubjectKeyIdentifier).value.digest.hex()
    except x509.ExtensionNotFound:
        ski = ''
    public_key = cert.public_key()
    algorithm = type(public_key).__name__.replace('PublicKey', '').upper()
    return {
        'alias': ski or format(cert.serial_number, 'x'),
        'keyId': ski,
        'algorithm': 'RSA' if 'RSA' in algorithm else algorithm,
        'subjectCn': _cn(cert.subject),
        'subjectDn': _dn(cert.subject),
        'issuerCn': _cn(cert.issuer),
        'issuerDn': _dn(cert.issuer),
        'serialNumber': format(cert.serial_number, 'x'),
        'certNotBefore': almaty(cert.not_valid_before_utc),
        'certNotAfter': almaty(cert.not_valid_after_utc),
        'authorityKeyIdentifier': aki,
        'pem': cert.public_bytes(Encoding.PEM).decode('ascii'),
        }


def _eku(subject):
    from cryptography import x509
    cert, _ = _certificate(subject)
    try:
        usage = cert.extensions.get_extension_for_class(
            x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return set()
    return {oid.dotted_string for oid in usage}


def _for_signing(subject):
    """Whether the subject's certificate is of a signing key (the rule of
    ``CertInfo.for_signing``): NCALayer offers only those for a
    'SIGNATURE' key type, authentication keys for 'AUTHENTICATION'"""
    from .certificate import parse_certificate
    _, der = _certificate(subject)
    return parse_certificate(der).for_signing


def _server_certificate(directory, pki=None):
    """A TLS server certificate and key for 127.0.0.1 / localhost (PEM
    files in directory), as NCALayer has its own for wss://127.0.0.1;
    issued by the test PKI's intermediate when it has one (the file holds
    the chain; clients trust the PKI's root), else self-signed.  Return
    (certificate chain path, key path, path of what clients trust)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    issuer = getattr(pki, 'intermediate', None)
    issuer_key = getattr(pki, 'intermediate_key', None)
    root = getattr(pki, 'root', None)
    if issuer is None or issuer_key is None or root is None:
        issuer = issuer_key = root = None
    cert_path = os.path.join(directory, 'ncalayer-tls.crt')
    key_path = os.path.join(directory, 'ncalayer-tls.key')
    ca_path = os.path.join(directory, 'ncalayer-tls-ca.crt')
    now = dt.datetime.now(dt.timezone.utc)
    if all(os.path.isfile(p) for p in (cert_path, key_path, ca_path)):
        with open(cert_path, 'rb') as fp:
            cert = x509.load_pem_x509_certificate(fp.read())
        with open(ca_path, 'rb') as fp:
            ca = x509.load_pem_x509_certificate(fp.read())
        fresh = cert.not_valid_after_utc > now + dt.timedelta(days=1)
        same = (root is None and ca == cert) or (
            root is not None and ca == root and cert.issuer == issuer.subject)
        if fresh and same:
            return cert_path, key_path, ca_path
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
            x509.NameAttribute(NameOID.COMMON_NAME, '127.0.0.1'),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME,
                'NCALayer simulator (TEST)'),
            ])
    builder = (x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer is not None else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.SubjectAlternativeName([
                    x509.DNSName('localhost'),
                    x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]),
            critical=False)
        .add_extension(x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
    if issuer is None:
        # a self-signed certificate is its own trust anchor
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=0), critical=True)
        cert = builder.sign(key, hashes.SHA256())
        chain = [cert]
        anchor = cert
    else:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=False, path_length=None),
            critical=True)
        cert = builder.sign(issuer_key, hashes.SHA256())
        chain = [cert, issuer]
        anchor = root
    os.makedirs(directory, exist_ok=True)
    with open(key_path, 'wb') as fp:
        fp.write(key.private_bytes(serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption()))
    os.chmod(key_path, 0o600)
    with open(cert_path, 'wb') as fp:
        for item in chain:
            fp.write(item.public_bytes(serialization.Encoding.PEM))
    with open(ca_path, 'wb') as fp:
        fp.write(anchor.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path, ca_path


class NCALayerSimulator:
    """A local websocket server speaking NCALayer's protocol, signing with
    the key of a test PKI subject.  A context manager; ``url`` once
    started.  ``mode``: 'sign' (default), 'cancel' (the user closes the
    dialog) or 'error' (NCALayer fails with SIGNING_FAILURE)."""

    def __init__(self, pki, subject, host='127.0.0.1', port=0, tls=None,
            version=VERSION):
        self.pki = _load_pki(pki)
        self.host = host
        self.port = port
        self.version = version
        self.mode = 'sign'
        self.requests = []
        self.signed = []
        self.tls_certificate = None
        self._ssl = None
        if tls is True:
            directory = getattr(self.pki, 'directory', None) or getattr(
                self.pki, 'path', None) or tempfile.mkdtemp(
                prefix='ncalayer-sim-')
            cert_path, key_path, ca_path = _server_certificate(
                os.fspath(directory), self.pki)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert_path, key_path)
            self._ssl = context
            self.tls_certificate = ca_path
        elif isinstance(tls, ssl.SSLContext):
            self._ssl = tls
        elif tls:
            cert_path, key_path = tls
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert_path, key_path)
            self._ssl = context
            self.tls_certificate = cert_path
        self.subject = None
        self.select(subject)
        self._loop = None
        self._thread = None
        self._server = None
        self._stop = None
        self._lock = threading.Lock()

    # -- control ------------------------------------------------------------
    def select(self, subject):
        "Sign from now on with another subject's key (name or Subject)"
        self.subject = _resolve_subject(self.pki, subject)
        return self.subject

    def tls_context(self):
        "A client SSLContext trusting the simulator's server certificate"
        context = ssl.create_default_context()
        if self.tls_certificate:
            context.load_verify_locations(self.tls_certificate)
        return context

    @property
    def url(self):
        scheme = 'wss' if self._ssl else 'ws'
        return f'{scheme}://{self.host}:{self.port}'

    def start(self):
        if self._thread:
            return self
        started = threading.Event()
        errors = []

        def run():
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._serve(started))
            except Exception as error:  # reported to start()
                errors.append(error)
                started.set()
            finally:
                loop.close()
        self._thread = threading.Thread(
            target=run, name='ncalayer-sim', daemon=True)
        self._thread.start()
        started.wait(30)
        if errors:
            self._thread = None
            raise errors[0]
        return self

    def stop(self):
        if not self._thread:
            return
        loop = self._loop
        if loop and self._stop is not None:
            loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(15)
        self._thread = None
        self._loop = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- the server ----------------------------------------------------------
    async def _serve(self, started):
        from websockets.asyncio.server import serve
        self._stop = asyncio.Event()
        async with serve(self._handler, self.host, self.port,
                ssl=self._ssl, max_size=64 * 2 ** 20,
                # a loaded test machine may take longer than websockets'
                # 10 s default for the (TLS) opening handshake
                open_timeout=60, ping_interval=None) as server:
            self._server = server
            if not self.port:
                self.port = server.sockets[0].getsockname()[1]
            started.set()
            await self._stop.wait()
            server.close()
            await server.wait_closed()

    async def _handler(self, connection):
        from websockets.exceptions import ConnectionClosed
        try:
            await connection.send(json.dumps(
                    {'result': {'version': self.version}}))
            async for message in connection:
                if message == HEARTBEAT:
                    await connection.send(HEARTBEAT)
                    continue
                reply = await asyncio.get_running_loop().run_in_executor(
                    None, self.answer, message)
                await connection.send(json.dumps(reply, ensure_ascii=False))
        except ConnectionClosed:
            pass

    def answer(self, message):
        "The reply to one request (a JSON text); public for unit tests"
        try:
            request = json.loads(message)
        except (TypeError, ValueError):
            return {'status': False, 'code': 'INVALID_REQUEST',
                'message': 'request is not JSON'}
        if not isinstance(request, dict):
            return {'status': False, 'code': 'INVALID_REQUEST',
                'message': 'request is not a JSON object'}
        with self._lock:
            self.requests.append(request)
        module = request.get('module')
        if module == BASICS:
            return self._basics(request)
        if module == COMMON_UTILS:
            return self._common_utils(request)
        return {'success': False, 'errorCode': 'MODULE_NOT_FOUND'}

    def _sign(self, content, attached):
        with self._lock:
            subject = self.subject
        cms = self.pki.sign_cms(subject, content, attached=attached)
        with self._lock:
            self.signed.append((getattr(subject, 'name', None), content))
        return cms

    def _basics(self, request):
        method = request.get('method')
        args = request.get('args') or {}
        if method != 'sign':
            return {'status': False, 'code': 'INVOCATION_ERROR',
                'message': f'unknown method {method}'}
        if not isinstance(args, dict):
            return {'status': False, 'code': 'INVALID_SIGNING_PARAMS',
                'message': 'args must be an object'}
        if (args.get('format') or 'cms') != 'cms':
            return {'status': False, 'code': 'INVALID_SIGNING_PARAMS',
                'message': 'the simulator signs format "cms" only'}
        params = args.get('signingParams') or {}
        if params.get('digested'):
            return {'status': False, 'code': 'INVALID_SIGNING_PARAMS',
                'message': 'digested data is not supported'}
        data = args.get('data')
        items = data if isinstance(data, list) else [data]
        if not items or any(not isinstance(i, str) for i in items):
            return {'status': False, 'code': 'INVALID_SIGNING_PARAMS',
                'message': 'data must be a string or a list of strings'}
        contents = []
        for item in items:
            if params.get('decode'):
                try:
                    contents.append(base64.b64decode(item, validate=True))
                except (binascii.Error, ValueError):
                    return {'status': False,
                        'code': 'INVALID_SIGNING_PARAMS',
                        'message': 'data is not base64'}
            else:
                contents.append(item.encode('utf-8'))
        if self.mode == 'cancel':
            return {'status': True, 'body': {}}
        if self.mode == 'error':
            return {'status': False, 'code': 'SIGNING_FAILURE',
                'message': 'simulated signing failure'}
        wanted = set((args.get('signerParams') or {}).get(
                'extKeyUsageOids') or [])
        if wanted and not wanted <= _eku(self.subject):
            # NCALayer finds no key of the storages fitting the filter
            return {'status': False, 'code': 'SIGNING_FAILURE',
                'message': 'no key fits extKeyUsageOids'}
        attached = bool(params.get('encapsulate'))
        try:
            result = [base64.b64encode(self._sign(c, attached)).decode(
                    'ascii') for c in contents]
        except Exception as error:
            return {'status': False, 'code': 'SIGNING_FAILURE',
                'message': str(error)}
        return {'status': True, 'body': {'result': result}}

    def _common_utils(self, request):
        method = request.get('method')
        args = request.get('args') or []
        reply = None
        if method == 'getActiveTokens':
            reply = {'code': '200', 'message': '', 'responseObject': []}
        elif method == 'getVersion':
            reply = {'code': '200', 'message': '',
                'responseObject': {'version': self.version}}
        elif method in ('getKeyInfo', 'createCAdESFromBase64',
                'createCMSSignatureFromBase64'):
            if self.mode == 'cancel':
                reply = {'code': '500', 'message': 'action.canceled'}
            elif self.mode == 'error':
                reply = {'code': '500', 'message': 'simulated failure'}
            elif method == 'getKeyInfo':
                reply = {'code': '200', 'message': '',
                    'responseObject': key_info(self.subject)}
            else:
                if not isinstance(args, list) or len(args) < 3:
                    reply = {'code': '500',
                        'message': 'args: [storage, keyType, b64, attach]'}
                elif args[1] == 'SIGNATURE' and not _for_signing(
                        self.subject):
                    # an authentication key is not offered for signing
                    reply = {'code': '500',
                        'message': 'no key of type SIGNATURE'}
                else:
                    try:
                        content = base64.b64decode(args[2], validate=True)
                        cms = self._sign(content,
                            bool(args[3]) if len(args) > 3 else False)
                        reply = {'code': '200', 'message': '',
                            'responseObject': base64.b64encode(
                                cms).decode('ascii')}
                    except (binascii.Error, ValueError, TypeError) as error:
                        reply = {'code': '500', 'message': str(error)}
        elif method == 'changeLocale':
            reply = {'code': '200', 'message': ''}
        else:
            reply = {'code': '500', 'message': f'unknown method {method}'}
        if 'uuid' in request:
            reply['uuid'] = request['uuid']
        return reply


# -- a Python client, for doctests and scripts --------------------------------

def _connect(url, timeout, ssl_context):
    from websockets.sync.client import connect
    kwargs = {'open_timeout': timeout, 'close_timeout': timeout,
        'max_size': 64 * 2 ** 20}
    if url.startswith('wss:'):
        kwargs['ssl'] = ssl_context or ssl.create_default_context()
    return connect(url, **kwargs)


def _exchange(url, request, timeout, ssl_context):
    with _connect(url, timeout, ssl_context) as connection:
        greeting = json.loads(connection.recv(timeout))
        if not (greeting.get('result') or {}).get('version'):
            raise NCALayerError('PROTOCOL', f'unexpected greeting {greeting}')
        connection.send(json.dumps(request))
        return json.loads(connection.recv(timeout))


def sign(url, data, attached=False, timeout=10, ssl_context=None,
        extKeyUsageOids=(), locale='ru'):
    """Sign data (bytes) through the NCALayer at url with basics.sign;
    the CMS (DER bytes).  NCALayerCancelled when the user cancels,
    NCALayerError on a failure."""
    answer = _exchange(url, {
            'module': BASICS,
            'method': 'sign',
            'args': {
                'allowedStorages': ['PKCS12'],
                'format': 'cms',
                'data': base64.b64encode(data).decode('ascii'),
                'signingParams': {'decode': True, 'encapsulate': attached,
                    'digested': False, 'tsaProfile': None},
                'signerParams': {'extKeyUsageOids': list(extKeyUsageOids)},
                'locale': locale,
                },
            }, timeout, ssl_context)
    if not answer.get('status'):
        raise NCALayerError(answer.get('code') or answer.get(
                'errorCode') or 'ERROR', answer.get('message', ''))
    result = (answer.get('body') or {}).get('result')
    if not result:
        raise NCALayerCancelled()
    if isinstance(result, list):
        result = result[0]
    return base64.b64decode(result)


def create_cades(url, data, attached=False, timeout=10, ssl_context=None,
        storage='PKCS12'):
    "The older commonUtils.createCAdESFromBase64; the CMS (DER bytes)"
    answer = _exchange(url, {
            'module': COMMON_UTILS,
            'method': 'createCAdESFromBase64',
            'args': [storage, 'SIGNATURE',
                base64.b64encode(data).decode('ascii'), attached],
            }, timeout, ssl_context)
    if answer.get('code') != '200':
        if answer.get('message') == 'action.canceled':
            raise NCALayerCancelled()
        raise NCALayerError(answer.get('code', 'ERROR'),
            answer.get('message', ''))
    return base64.b64decode(answer['responseObject'])


def get_key_info(url, timeout=10, ssl_context=None, storage='PKCS12'):
    "commonUtils.getKeyInfo: the dict NCALayer gives"
    answer = _exchange(url, {
            'module': COMMON_UTILS, 'method': 'getKeyInfo',
            'args': [storage]}, timeout, ssl_context)
    if answer.get('code') != '200':
        if answer.get('message') == 'action.canceled':
            raise NCALayerCancelled()
        raise NCALayerError(answer.get('code', 'ERROR'),
            answer.get('message', ''))
    return answer['responseObject']
