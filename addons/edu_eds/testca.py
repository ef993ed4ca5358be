# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A test PKI built like NCA RK's (R20, R22.10): a root "НҰЦ RK TEST ROOT",
an intermediate "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST", subjects with
``SERIALNUMBER=IIN…``, ``OU=BIN…``, O, CN, SURNAME, G, C=KZ, the role OIDs
1.2.398.3.3.4.1.x in the extended key usage next to 1.3.6.1.5.5.7.3.4, AIA
OCSP and CDP URLs; a CRL, an OCSP responder and a CRL server on 127.0.0.1
and CMS SignedData made like NCALayer makes them.

For tests, the demo and the simulated NCALayer only: everything is
generated in a directory (never committed: build/ is git-ignored), no key
of a real person ever.  RSA keys are the slow part: they are kept in the
directory and reloaded by :meth:`TestPKI.load`; a pool of spare keys in
``$EDS_TEST_KEY_POOL`` (default: <tmp>/bilim-eds-test-keys) is reused by
every new PKI so test modules start fast.
"""
import datetime as dt
import hashlib
import http.server
import json
import os
import re
import socket
import tempfile
import threading

from asn1crypto import algos, cms, core
from asn1crypto import ocsp as aocsp
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .certificate import EKU_SIGNING, ROLE_OIDS, parse_certificate

__all__ = ['TestPKI', 'Subject', 'build_signed_data', 'unused_port']

ROOT_NAME = "НҰЦ RK TEST ROOT"
INTERMEDIATE_NAME = "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST"
OCSP_SIGNING = '1.3.6.1.5.5.7.3.9'
_UTC = dt.timezone.utc


def _now():
    return dt.datetime.now(_UTC).replace(microsecond=0)


def unused_port():
    "Return a port of 127.0.0.1 on which nothing listens"
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _pool_directory():
    return os.environ.get('EDS_TEST_KEY_POOL') or os.path.join(
        tempfile.gettempdir(), 'bilim-eds-test-keys')


def _new_key(index):
    """Return the RSA-2048 key number ``index`` of the shared pool of test
    keys, generating and keeping it when missing"""
    directory = _pool_directory()
    path = os.path.join(directory, 'key-%04d.pem' % index)
    try:
        with open(path, 'rb') as f:
            return serialization.load_pem_private_key(f.read(), None)
    except (OSError, ValueError):
        pass
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    try:
        os.makedirs(directory, exist_ok=True)
        tmp = '%s.%s.tmp' % (path, os.getpid())
        with open(tmp, 'wb') as f:
            f.write(_key_pem(key))
        os.replace(tmp, path)
    except OSError:
        pass
    return key


def _key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


class Subject:
    "A certificate holder of the test PKI with its private key"

    def __init__(self, name, cert, key):
        self.name = name
        self.cert = cert
        self.key = key
        self.info = parse_certificate(self.cert_der)
        self.iin = self.info.iin
        self.bin = self.info.bin

    @property
    def cert_der(self):
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def cert_pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self):
        return _key_pem(self.key)

    @property
    def serial(self):
        return self.cert.serial_number

    def __repr__(self):
        return '<Subject %s %s>' % (self.name, self.iin)


def build_signed_data(cert_der, key, content, *, attached=False,
        signing_time=None, pss=False, certificates=None, signed_attrs=True,
        algorithms=None):
    """Return the DER of a CMS SignedData over ``content`` by the RSA
    ``key`` of the certificate ``cert_der`` with the signed attributes
    NCALayer puts: content-type, signing-time, message-digest (SHA-256)"""
    cert = ax509.Certificate.load(cert_der)
    digest = hashlib.sha256(content).digest()
    signing_time = signing_time or _now()
    if signing_time.tzinfo is None:
        signing_time = signing_time.replace(tzinfo=_UTC)
    signer = {
        'version': 'v1',
        'sid': cms.SignerIdentifier({
                'issuer_and_serial_number': cms.IssuerAndSerialNumber({
                        'issuer': cert.issuer,
                        'serial_number': cert.serial_number,
                        })}),
        'digest_algorithm': algos.DigestAlgorithm({'algorithm': 'sha256'}),
        }
    if pss:
        signature_algorithm = algos.SignedDigestAlgorithm({
                'algorithm': 'rsassa_pss',
                'parameters': algos.RSASSAPSSParams({
                        'hash_algorithm': {'algorithm': 'sha256'},
                        'mask_gen_algorithm': {
                            'algorithm': 'mgf1',
                            'parameters': {'algorithm': 'sha256'}},
                        'salt_length': 32,
                        }),
                })
        pad = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    else:
        signature_algorithm = algos.SignedDigestAlgorithm(
            {'algorithm': 'rsassa_pkcs1v15'})
        pad = padding.PKCS1v15()
    if signed_attrs:
        attributes = [
            cms.CMSAttribute({'type': 'content_type', 'values': ['data']}),
            cms.CMSAttribute({'type': 'signing_time',
                    'values': [cms.Time({'utc_time': signing_time})]}),
            cms.CMSAttribute({'type': 'message_digest',
                    'values': [digest]}),
            ]
        # DER: a SET OF is sorted by the encodings of its elements
        attributes.sort(key=lambda a: a.dump())
        attrs = cms.CMSAttributes(attributes)
        to_sign = attrs.dump()
        signer['signed_attrs'] = attrs
    else:
        to_sign = content
    signer['signature_algorithm'] = signature_algorithm
    signer['signature'] = key.sign(to_sign, pad, hashes.SHA256())
    if algorithms:
        # (digest OID, signature OID) claimed, for tests of algorithms
        # this library cannot sign with (GOST)
        signer['digest_algorithm'] = algos.DigestAlgorithm(
            {'algorithm': algorithms[0]})
        signer['signature_algorithm'] = algos.SignedDigestAlgorithm(
            {'algorithm': algorithms[1]})
    encap = {'content_type': 'data'}
    if attached:
        encap['content'] = content
    certs = [cert] + [ax509.Certificate.load(c) for c in certificates or []]
    signed_data = cms.SignedData({
            'version': 'v1',
            'digest_algorithms': [
                algos.DigestAlgorithm({'algorithm': 'sha256'})],
            'encap_content_info': encap,
            'certificates': [cms.CertificateChoices({'certificate': c})
                for c in certs],
            'signer_infos': [cms.SignerInfo(signer)],
            })
    return cms.ContentInfo({
            'content_type': 'signed_data',
            'content': signed_data,
            }).dump()


class _Server:
    "An HTTP server of the test PKI on 127.0.0.1 (OCSP or CRL)"

    def __init__(self, pki, kind, down=False, mode='ok', delegated=False,
            port=0):
        self.pki = pki
        self.kind = kind
        self.down = down
        #: CRL: 'ok', 'empty' (zero bytes), 'garbage', 'expired', 'missing'
        #: OCSP: 'ok', 'forged' (signed by a foreign key), 'error'
        self.mode = mode
        self.delegated = delegated
        self.requests = 0
        self.httpd = None
        self.thread = None
        if down:
            self.port = unused_port()
        else:
            self.httpd = http.server.ThreadingHTTPServer(
                ('127.0.0.1', port), self._handler())
            self.httpd.daemon_threads = True
            self.port = self.httpd.server_address[1]
        base = 'http://127.0.0.1:%s' % self.port
        self.ocsp_url = base + '/ocsp'
        self.crl_url = base + '/crl/nca_rsa_test.crl'
        self.url = self.ocsp_url if kind == 'ocsp' else self.crl_url
        if kind == 'both':
            self.url = base

    def _handler(self):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, code, body, content_type):
                self.send_response(code)
                self.send_header('Content-Type', content_type)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                server.requests += 1
                if server.kind not in {'crl', 'both'}:
                    return self._reply(405, b'', 'text/plain')
                if server.mode == 'missing':
                    return self._reply(404, b'not found', 'text/plain')
                body = server.pki.crl_bytes(server.mode)
                self._reply(200, body, 'application/pkix-crl')

            def do_POST(self):
                server.requests += 1
                length = int(self.headers.get('Content-Length') or 0)
                data = self.rfile.read(length)
                if server.kind not in {'ocsp', 'both'}:
                    return self._reply(405, b'', 'text/plain')
                if server.mode == 'error':
                    return self._reply(500, b'error', 'text/plain')
                body = server.pki.ocsp_response(data, mode=server.mode,
                    delegated=server.delegated)
                self._reply(200, body, 'application/ocsp-response')
        return Handler

    def __enter__(self):
        if self.httpd:
            self.thread = threading.Thread(
                target=self.httpd.serve_forever, daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join()


class TestPKI:
    """A root, an intermediate and the subjects they issued, kept in
    ``directory``.  ``ocsp_url`` and ``crl_url`` (or ``base_url``) are put
    in the AIA and CDP of the certificates issued afterwards."""
    __test__ = False  # not a pytest test class

    def __init__(self, directory):
        self.directory = os.path.abspath(directory)
        self.state = {}
        self.root = self.intermediate = None
        self.root_key = self.intermediate_key = None
        self.responder = self.responder_key = None

    # -- persistence -------------------------------------------------
    def _path(self, name):
        return os.path.join(self.directory, name)

    def _save_state(self):
        with open(self._path('state.json'), 'w') as f:
            json.dump(self.state, f, indent=1, sort_keys=True)

    def _write(self, name, cert, key):
        with open(self._path(name + '.crt'), 'wb') as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
        with open(self._path(name + '.key'), 'wb') as f:
            f.write(_key_pem(key))
        os.chmod(self._path(name + '.key'), 0o600)

    def _read(self, name):
        with open(self._path(name + '.crt'), 'rb') as f:
            cert = x509.load_pem_x509_certificate(f.read())
        with open(self._path(name + '.key'), 'rb') as f:
            key = serialization.load_pem_private_key(f.read(), None)
        return cert, key

    def _key(self):
        index = self.state.get('next_key', 0)
        self.state['next_key'] = index + 1
        return _new_key(index)

    @classmethod
    def create(cls, directory, *, algorithm='rsa', key_offset=0):
        """Create a new test PKI in directory (replacing any there).
        Keys are taken from the pool from ``key_offset`` on: give another
        offset to a second PKI that must not share the keys of the first
        (e.g. a foreign CA)."""
        if algorithm != 'rsa':
            raise ValueError("the test PKI makes RSA keys only "
                "(GOST goes to the external verifier)")
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if re.search(r'\.(crt|key|crl)$|^state\.json$', name):
                os.remove(os.path.join(directory, name))
        pki = cls(directory)
        pki.state = {'algorithm': algorithm, 'next_key': key_offset,
            'revoked': {},
            'subjects': {}, 'ocsp_url': None, 'crl_url': None,
            'crl_number': 1}
        now = _now()
        pki.root_key = pki._key()
        root_name = x509.Name([
                x509.NameAttribute(NameOID.COMMON_NAME, ROOT_NAME),
                x509.NameAttribute(NameOID.COUNTRY_NAME, 'KZ')])
        pki.root = (x509.CertificateBuilder()
            .subject_name(root_name).issuer_name(root_name)
            .public_key(pki.root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=3650))
            .not_valid_after(now + dt.timedelta(days=3650 * 2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=1),
                critical=True)
            .add_extension(_ca_usage(), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(
                    pki.root_key.public_key()), critical=False)
            .sign(pki.root_key, hashes.SHA256()))
        pki.intermediate_key = pki._key()
        pki.intermediate = (x509.CertificateBuilder()
            .subject_name(x509.Name([
                        x509.NameAttribute(NameOID.COMMON_NAME,
                            INTERMEDIATE_NAME),
                        x509.NameAttribute(NameOID.COUNTRY_NAME, 'KZ')]))
            .issuer_name(root_name)
            .public_key(pki.intermediate_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=3000))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0),
                critical=True)
            .add_extension(_ca_usage(), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(
                    pki.intermediate_key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    pki.root_key.public_key()), critical=False)
            .sign(pki.root_key, hashes.SHA256()))
        # a delegated OCSP responder certificate (EKU OCSPSigning)
        pki.responder_key = pki._key()
        pki.responder = (x509.CertificateBuilder()
            .subject_name(x509.Name([
                        x509.NameAttribute(NameOID.COMMON_NAME,
                            "OCSP RESPONDER TEST"),
                        x509.NameAttribute(NameOID.COUNTRY_NAME, 'KZ')]))
            .issuer_name(pki.intermediate.subject)
            .public_key(pki.responder_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False)
            .sign(pki.intermediate_key, hashes.SHA256()))
        pki._write('root', pki.root, pki.root_key)
        pki._write('intermediate', pki.intermediate, pki.intermediate_key)
        pki._write('ocsp_responder', pki.responder, pki.responder_key)
        pki._save_state()
        return pki

    @classmethod
    def load(cls, directory):
        "Reload the test PKI kept in directory"
        pki = cls(directory)
        with open(pki._path('state.json')) as f:
            pki.state = json.load(f)
        pki.root, pki.root_key = pki._read('root')
        pki.intermediate, pki.intermediate_key = pki._read('intermediate')
        pki.responder, pki.responder_key = pki._read('ocsp_responder')
        return pki

    @classmethod
    def open(cls, directory):
        "Load the PKI of directory, creating it when there is none"
        if os.path.exists(os.path.join(directory, 'state.json')):
            return cls.load(directory)
        return cls.create(directory)

    # -- URLs -------------------------------------------------------
    @property
    def ocsp_url(self):
        return self.state.get('ocsp_url')

    @ocsp_url.setter
    def ocsp_url(self, value):
        self.state['ocsp_url'] = value
        self._save_state()

    @property
    def crl_url(self):
        return self.state.get('crl_url')

    @crl_url.setter
    def crl_url(self, value):
        self.state['crl_url'] = value
        self._save_state()

    @property
    def base_url(self):
        return self.state.get('base_url')

    @base_url.setter
    def base_url(self, value):
        "Set the OCSP and CRL URLs under one base"
        value = (value or '').rstrip('/') or None
        self.state['base_url'] = value
        self.state['ocsp_url'] = value and value + '/ocsp'
        self.state['crl_url'] = value and value + '/crl/nca_rsa_test.crl'
        self._save_state()

    # -- subjects ---------------------------------------------------
    def issue(self, name, iin, *, bin=None, roles=('individual',),
            organisation=None, not_before=None, not_after=None,
            full_name=None, ocsp_url=None, crl_url=None, extra_eku=(),
            signing=True, key_usage=('digital_signature',
                'content_commitment')):
        """Issue a certificate to ``name`` (the file name in the directory)
        with IIN ``iin``; ``bin`` and ``organisation`` for an employee of a
        legal entity; ``roles`` the role codes put in the EKU; ``signing``
        adds the signing EKU, ``extra_eku`` other OIDs (EKU_AUTH for an
        authentication key); ``key_usage`` the bits of the keyUsage (names
        of ``x509.KeyUsage``)."""
        if not re.fullmatch(r'[\w.-]+', name) or name in {
                'root', 'intermediate', 'ocsp_responder'}:
            raise ValueError("invalid subject name %r" % name)
        now = _now()
        not_before = not_before or now - dt.timedelta(days=1)
        not_after = not_after or now + dt.timedelta(days=365)
        full_name = full_name or 'TEST %s' % name.upper()
        surname, _, given = full_name.partition(' ')
        attributes = [
            x509.NameAttribute(NameOID.COMMON_NAME, full_name),
            x509.NameAttribute(NameOID.SURNAME, surname),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, 'IIN%s' % iin),
            x509.NameAttribute(NameOID.COUNTRY_NAME, 'KZ'),
            ]
        if given:
            attributes.append(x509.NameAttribute(NameOID.GIVEN_NAME, given))
        if organisation:
            attributes.append(
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
        if bin:
            attributes.append(x509.NameAttribute(
                    NameOID.ORGANIZATIONAL_UNIT_NAME, 'BIN%s' % bin))
        key = self._key()
        eku = [x509.ObjectIdentifier(ROLE_OIDS[r]) for r in roles]
        if signing:
            eku.append(x509.ObjectIdentifier(EKU_SIGNING))
        eku.extend(x509.ObjectIdentifier(o) for o in extra_eku)
        builder = (x509.CertificateBuilder()
            .subject_name(x509.Name(attributes))
            .issuer_name(self.intermediate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None),
                critical=True)
            .add_extension(x509.KeyUsage(**_usage(key_usage)), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.intermediate_key.public_key()), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(
                    key.public_key()), critical=False))
        if eku:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage(eku), critical=False)
        ocsp_url = ocsp_url or self.ocsp_url
        crl_url = crl_url or self.crl_url
        if ocsp_url:
            builder = builder.add_extension(
                x509.AuthorityInformationAccess([x509.AccessDescription(
                            x509.AuthorityInformationAccessOID.OCSP,
                            x509.UniformResourceIdentifier(ocsp_url))]),
                critical=False)
        if crl_url:
            builder = builder.add_extension(
                x509.CRLDistributionPoints([x509.DistributionPoint(
                            full_name=[x509.UniformResourceIdentifier(
                                    crl_url)],
                            relative_name=None, reasons=None,
                            crl_issuer=None)]),
                critical=False)
        cert = builder.sign(self.intermediate_key, hashes.SHA256())
        self._write(name, cert, key)
        self.state['subjects'][name] = '%X' % cert.serial_number
        self._save_state()
        return Subject(name, cert, key)

    def subject(self, name):
        "Return the subject ``name`` issued before"
        cert, key = self._read(name)
        return Subject(name, cert, key)

    def subjects(self):
        return [self.subject(n) for n in sorted(self.state['subjects'])]

    def revoke(self, subject, when=None):
        "Revoke the certificate of subject (a Subject or its name)"
        if isinstance(subject, str):
            subject = self.subject(subject)
        when = when or _now() - dt.timedelta(seconds=1)
        self.state['revoked']['%X' % subject.serial] = when.isoformat()
        self.state['crl_number'] = self.state.get('crl_number', 1) + 1
        self._save_state()

    def is_revoked(self, serial):
        "Return the revocation time of the serial (int) or None"
        when = self.state['revoked'].get('%X' % serial)
        return dt.datetime.fromisoformat(when) if when else None

    def trusted_certificates(self):
        "Return the DER of the root and of the intermediate"
        return [c.public_bytes(serialization.Encoding.DER)
            for c in [self.root, self.intermediate]]

    @property
    def root_der(self):
        return self.root.public_bytes(serialization.Encoding.DER)

    @property
    def intermediate_der(self):
        return self.intermediate.public_bytes(serialization.Encoding.DER)

    # -- CRL and OCSP -----------------------------------------------
    def crl(self, *, this_update=None, next_update=None):
        "Return the DER CRL of the intermediate"
        this_update = this_update or _now() - dt.timedelta(minutes=5)
        next_update = next_update or this_update + dt.timedelta(days=1)
        builder = (x509.CertificateRevocationListBuilder()
            .issuer_name(self.intermediate.subject)
            .last_update(this_update).next_update(next_update)
            .add_extension(x509.CRLNumber(self.state.get('crl_number', 1)),
                critical=False))
        for serial, when in sorted(self.state['revoked'].items()):
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(int(serial, 16))
                .revocation_date(dt.datetime.fromisoformat(when))
                .build())
        crl = builder.sign(self.intermediate_key, hashes.SHA256())
        return crl.public_bytes(serialization.Encoding.DER)

    def crl_bytes(self, mode='ok'):
        "Return what the CRL server serves in ``mode``"
        if mode == 'empty':
            return b''
        if mode == 'garbage':
            return b'this is not a CRL'
        if mode == 'expired':
            past = _now() - dt.timedelta(days=10)
            return self.crl(this_update=past,
                next_update=past + dt.timedelta(days=1))
        return self.crl()

    def write_crl(self, path=None, mode='ok'):
        "Write the CRL into a file (for file:// URLs); return its path"
        path = path or self._path('nca_rsa_test.crl')
        with open(path, 'wb') as f:
            f.write(self.crl_bytes(mode))
        return path

    def ocsp_response(self, request_der, *, mode='ok', delegated=False):
        "Return the DER OCSP response to an OCSP request"
        try:
            request = ocsp.load_der_ocsp_request(request_der)
        except ValueError:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.MALFORMED_REQUEST).public_bytes(
                serialization.Encoding.DER)
        serial = request.serial_number
        name = next((n for n, s in self.state['subjects'].items()
                if int(s, 16) == serial), None)
        if name is None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED).public_bytes(
                serialization.Encoding.DER)
        subject = self.subject(name)
        revoked_at = self.is_revoked(serial)
        now = _now()
        if revoked_at:
            status = ocsp.OCSPCertStatus.REVOKED
        else:
            status = ocsp.OCSPCertStatus.GOOD
        this_update = now - dt.timedelta(minutes=1)
        next_update = now + dt.timedelta(hours=1)
        if mode == 'stale':
            # an old answer without nextUpdate (replayed)
            this_update, next_update = now - dt.timedelta(days=2), None
        elif mode == 'no_nonce':
            # a pre-produced answer an hour old, no nonce echoed
            this_update = now - dt.timedelta(hours=1)
        builder = ocsp.OCSPResponseBuilder().add_response(
            cert=subject.cert, issuer=self.intermediate,
            algorithm=request.hash_algorithm, cert_status=status,
            this_update=this_update, next_update=next_update,
            revocation_time=revoked_at, revocation_reason=None)
        if delegated:
            responder, key = self.responder, self.responder_key
            builder = builder.certificates([responder])
        else:
            responder, key = self.intermediate, self.intermediate_key
        builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH,
            responder)
        for extension in request.extensions:
            if mode in {'no_nonce', 'fresh_no_nonce'}:
                break
            if isinstance(extension.value, x509.OCSPNonce):
                builder = builder.add_extension(extension.value,
                    critical=False)
        data = builder.sign(key, hashes.SHA256()).public_bytes(
            serialization.Encoding.DER)
        if mode == 'forged':
            # a response whose signature does not verify
            response = aocsp.OCSPResponse.load(data)
            basic = response['response_bytes']['response'].parsed
            signature = bytearray(basic['signature'].native)
            signature[10] ^= 0xFF
            basic['signature'] = bytes(signature)
            data = aocsp.OCSPResponse({
                    'response_status': 'successful',
                    'response_bytes': {
                        'response_type': 'basic_ocsp_response',
                        'response': core.ParsableOctetString(
                            basic.dump(force=True)),
                        },
                    }).dump()
        return data

    def ocsp_responder(self, down=False, mode='ok', delegated=False):
        """Return a context manager running an OCSP responder on 127.0.0.1
        (``.url``); ``down=True`` gives the URL of a closed port; ``mode``
        'error' (HTTP 500), 'forged' (bad signature), 'stale' (thisUpdate
        two days old, no nextUpdate), 'no_nonce' (an hour old, nonce not
        echoed), 'fresh_no_nonce' (fresh, nonce not echoed)"""
        return _Server(self, 'ocsp', down=down, mode=mode,
            delegated=delegated)

    def crl_server(self, down=False, mode='ok'):
        """Return a context manager serving the CRL over HTTP (``.url``);
        ``mode`` 'empty', 'garbage', 'expired' or 'missing' (404) serve a
        broken one; ``down=True`` gives the URL of a closed port"""
        return _Server(self, 'crl', down=down, mode=mode)

    def server(self, port=0):
        """Return a context manager running the OCSP responder (POST
        ``.ocsp_url``) and the CRL (GET ``.crl_url``) on one port of
        127.0.0.1 (for the demo: ``base_url`` = ``.url``)"""
        return _Server(self, 'both', port=port)

    # -- signing ----------------------------------------------------
    def sign_cms(self, subject, content, *, attached=False,
            signing_time=None, pss=False, chain=False):
        """Return the DER CMS SignedData of ``content`` signed by subject
        (SHA-256, RSA PKCS#1 v1.5 or PSS, signed attributes like NCALayer,
        the signer certificate embedded; ``chain`` adds the intermediate)"""
        if isinstance(subject, str):
            subject = self.subject(subject)
        return build_signed_data(subject.cert_der, subject.key, content,
            attached=attached, signing_time=signing_time, pss=pss,
            certificates=[self.intermediate_der] if chain else None)


def _usage(names):
    "Return the keyword arguments of x509.KeyUsage with names set"
    usage = dict.fromkeys(['digital_signature', 'content_commitment',
            'key_encipherment', 'data_encipherment', 'key_agreement',
            'key_cert_sign', 'crl_sign', 'encipher_only', 'decipher_only'],
        False)
    for name in names:
        if name not in usage:
            raise ValueError('unknown key usage %r' % name)
        usage[name] = True
    return usage


def _ca_usage():
    return x509.KeyUsage(digital_signature=False, content_commitment=False,
        key_encipherment=False, data_encipherment=False, key_agreement=False,
        key_cert_sign=True, crl_sign=True, encipher_only=False,
        decipher_only=False)
