# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Verification of NCA RK CMS signatures (R20, R22.4, R22.10): every bad
input of issue 7 is rejected with its own status and its own kk/ru
message, and nothing is stored as signed.

One test PKI for the module (setUpModule), with its OCSP responder and CRL
server on 127.0.0.1; the RSA keys come from the pool of test keys."""
import base64
import datetime as dt
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import unittest

from asn1crypto import cms as acms
from asn1crypto import core

from trytond.modules.edu_eds.certificate import EKU_AUTH, parse_certificate
from trytond.modules.edu_eds.cms import (
    STATUSES, ExternalVerifier, check_expectation, load_cms, verify_cms)
from trytond.modules.edu_eds.revocation import RevocationChecker
from trytond.modules.edu_eds.testca import TestPKI, build_signed_data
from trytond.modules.edu_eds.trust import TrustStore
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

OPENSSL = shutil.which('openssl') or '/usr/bin/openssl'
CONTENT = "Бұйрық №12 — оқушыларды қабылдау туралы".encode('utf-8')
DIRECTOR_IIN = '800101300125'
TEACHER_IIN = '900215401239'
SCHOOL_BIN = '010140000143'
UTC = dt.timezone.utc
ENV = {}


def setUpModule():
    directory = tempfile.mkdtemp(prefix='bilim-eds-test-')
    ENV['dir'] = directory
    pki = TestPKI.create(os.path.join(directory, 'ca'))
    ENV['ocsp'] = pki.ocsp_responder().__enter__()
    ENV['crl'] = pki.crl_server().__enter__()
    pki.ocsp_url, pki.crl_url = ENV['ocsp'].url, ENV['crl'].url
    now = dt.datetime.now(UTC)
    ENV['pki'] = pki
    ENV['director'] = pki.issue('director', DIRECTOR_IIN, bin=SCHOOL_BIN,
        roles=('legal', 'first_head'), organisation='№1 МЕКТЕП',
        full_name='ӘЛИЕВА ГҮЛНАР')
    ENV['teacher'] = pki.issue('teacher', TEACHER_IIN,
        roles=('individual',), full_name='СЕРІКОВ АРМАН')
    ENV['expired'] = pki.issue('expired', '850505301278',
        roles=('individual',), not_before=now - dt.timedelta(days=400),
        not_after=now - dt.timedelta(days=30))
    ENV['future'] = pki.issue('future', '850505301278',
        roles=('individual',), not_before=now + dt.timedelta(days=30),
        not_after=now + dt.timedelta(days=400))
    ENV['revoked'] = pki.issue('revoked', '870707301309',
        roles=('legal', 'signer'), bin=SCHOOL_BIN)
    pki.revoke(ENV['revoked'])
    # an authentication key (NCA RK AUTH_…): clientAuth, no signing EKU
    ENV['auth'] = pki.issue('auth', TEACHER_IIN, roles=('individual',),
        signing=False, extra_eku=[EKU_AUTH],
        key_usage=('digital_signature', 'key_encipherment'))
    # the signing EKU but a keyUsage of encipherment only
    ENV['encipher'] = pki.issue('encipher', TEACHER_IIN,
        roles=('individual',), key_usage=('key_encipherment',))
    # a CA nobody trusts, built the same way, with other keys
    ENV['foreign'] = foreign = TestPKI.create(
        os.path.join(directory, 'foreign'), key_offset=40)
    ENV['stranger'] = foreign.issue('stranger', DIRECTOR_IIN,
        bin=SCHOOL_BIN, roles=('legal', 'first_head'))
    ENV['trust'] = TrustStore(pki.trusted_certificates())


def tearDownModule():
    ENV['ocsp'].__exit__(None, None, None)
    ENV['crl'].__exit__(None, None, None)
    shutil.rmtree(ENV['dir'], ignore_errors=True)


def checker(**kw):
    return RevocationChecker(timeout=2, **kw)


def verify(cms, content=CONTENT, revocation='default', **kw):
    if revocation == 'default':
        revocation = checker()
    return verify_cms(cms, content, ENV['trust'], revocation, **kw)


def tamper_signature(cms):
    "Return the CMS with one byte of the signature value changed"
    info = acms.ContentInfo.load(cms)
    signer = info['content']['signer_infos'][0]
    signature = bytearray(signer['signature'].native)
    signature[5] ^= 0x01
    signer['signature'] = bytes(signature)
    return info.dump(force=True)


def _der(tag, body):
    "Return a DER TLV"
    n = len(body)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, 'big')
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + body


def _children(der):
    "Return the TLVs inside the DER SEQUENCE der"
    body = core.Sequence.load(der).contents
    items, i = [], 0
    while i < len(body):
        first = body[i + 1]
        if first < 0x80:
            size, head = first, 2
        else:
            count = first & 0x7F
            size = int.from_bytes(body[i + 2:i + 2 + count], 'big')
            head = 2 + count
        items.append(body[i:i + head + size])
        i += head + size
    return items


def gost_certificate(subject):
    """Return the certificate of subject with a GOST 34.10-2015 key and
    signature algorithm (its cryptography is the external verifier's)"""
    oid = lambda dotted: core.ObjectIdentifier(dotted).dump()  # noqa: E731
    spki = _der(0x30, _der(0x30, oid('1.2.398.3.10.1.1.2.3.1')
            + _der(0x30, oid('1.2.398.3.10.1.1.2.2.1')))
        + _der(0x03, b'\x00' + _der(0x04, os.urandom(128))))
    cert = _children(subject.cert_der)
    tbs = _children(cert[0])
    tbs[6] = spki  # version, serial, algorithm, issuer, validity, subject
    algorithm = _der(0x30, oid('1.2.398.3.10.1.1.2.3.2'))
    tbs[2] = algorithm
    return _der(0x30, _der(0x30, b''.join(tbs)) + algorithm
        + _der(0x03, b'\x00' + os.urandom(128)))


def gost_cms(subject):
    "Return a CMS claiming GOST 34.10-2015 algorithms"
    return build_signed_data(gost_certificate(subject), subject.key,
        CONTENT, algorithms=('1.2.398.3.10.1.3.2', '1.2.398.3.10.1.1.2.3.2'))


class FakeNCANode:
    "A tiny NCANode-like verifier on 127.0.0.1 answering ``answer``"

    def __init__(self, answer, code=200):
        self.answer, self.code, self.requests = answer, code, []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers['Content-Length']))
                outer.requests.append((self.path, json.loads(body)))
                data = json.dumps(outer.answer).encode()
                self.send_response(outer.code)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)
        self.httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%s' % self.httpd.server_address[1]

    def __enter__(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever,
            daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class CMSTestCase(unittest.TestCase):
    "The verification library, without Tryton"

    def test_certificate_fields(self):
        "The certificate gives IIN, BIN, names, roles, URLs (R20)"
        info = ENV['director'].info
        self.assertEqual(info.iin, DIRECTOR_IIN)
        self.assertEqual(info.bin, SCHOOL_BIN)
        self.assertEqual(info.surname, 'ӘЛИЕВА')
        self.assertEqual(info.given_name, 'ГҮЛНАР')
        self.assertEqual(info.organisation, '№1 МЕКТЕП')
        self.assertEqual(info.roles, ['legal', 'first_head'])
        self.assertIn('1.3.6.1.5.5.7.3.4', info.eku)
        self.assertEqual(info.algorithm, 'rsa')
        self.assertEqual(info.ocsp_urls, [ENV['ocsp'].url])
        self.assertEqual(info.crl_urls, [ENV['crl'].url])
        self.assertEqual(info.serial, '%X' % ENV['director'].serial)
        self.assertEqual(parse_certificate(ENV['director'].cert_pem), info)
        self.assertIsNone(ENV['teacher'].info.bin)

    def test_statuses_complete(self):
        "The status list is the one of the spec"
        self.assertEqual(len(STATUSES), 13)
        self.assertEqual(STATUSES[0], 'valid')

    def test_valid_detached(self):
        "A detached CMS of the stored content is valid, by OCSP"
        result = verify(ENV['pki'].sign_cms(ENV['director'], CONTENT))
        self.assertEqual(result.status, 'valid', result.detail)
        self.assertTrue(result.valid)
        signer = result.signer
        self.assertEqual(signer.cert.iin, DIRECTOR_IIN)
        self.assertEqual(signer.revocation_source, 'ocsp')
        self.assertIsNotNone(signer.signing_time)
        self.assertEqual(result.digest_algorithm, 'sha256')

    def test_valid_attached(self):
        "An attached CMS is valid alone and with the same content"
        cms = ENV['pki'].sign_cms(ENV['director'], CONTENT, attached=True)
        result = verify(cms, None)
        self.assertEqual(result.status, 'valid', result.detail)
        self.assertEqual(result.content, CONTENT)
        self.assertEqual(verify(cms, CONTENT).status, 'valid')
        # base64 as NCALayer returns it
        self.assertEqual(verify(base64.b64encode(cms), None).status, 'valid')

    def test_valid_pss(self):
        "RSA-PSS signatures are verified too"
        cms = ENV['pki'].sign_cms(ENV['director'], CONTENT, pss=True)
        self.assertEqual(verify(cms).status, 'valid')

    def test_content_mismatch(self):
        "A signature over different content, a file changed after signing"
        cms = ENV['pki'].sign_cms(ENV['director'], b'another order')
        result = verify(cms)
        self.assertEqual(result.status, 'content_mismatch')
        self.assertIn('digest', result.detail)
        attached = ENV['pki'].sign_cms(ENV['director'], CONTENT,
            attached=True)
        self.assertEqual(verify(attached, CONTENT + b' ').status,
            'content_mismatch')

    def test_signature_invalid(self):
        "A signature value changed does not verify"
        cms = tamper_signature(ENV['pki'].sign_cms(ENV['director'], CONTENT))
        self.assertEqual(verify(cms).status, 'signature_invalid')

    def test_expired(self):
        "A certificate expired or not yet valid at signing time"
        for name in ['expired', 'future']:
            with self.subTest(name=name):
                cms = ENV['pki'].sign_cms(ENV[name], CONTENT)
                self.assertEqual(verify(cms).status, 'expired')
        # valid at a signing time inside the validity of the certificate
        expired = ENV['expired']
        cms = ENV['pki'].sign_cms(expired, CONTENT,
            signing_time=expired.info.not_after - dt.timedelta(days=10))
        self.assertEqual(verify(cms, revocation=None).status, 'valid')
        # but not for a signature made now: the signing-time set back does
        # not revive the expired certificate
        result = verify(cms, revocation=None, fresh=True)
        self.assertEqual(result.status, 'expired')
        self.assertIn('not now', result.detail)

    def test_revoked_ocsp(self):
        "A revoked certificate is refused, the OCSP answering"
        result = verify(ENV['pki'].sign_cms(ENV['revoked'], CONTENT))
        self.assertEqual(result.status, 'revoked')
        self.assertEqual(result.signer.revocation_source, 'ocsp')

    def test_revoked_crl(self):
        "OCSP down: the CRL says revoked"
        with ENV['pki'].ocsp_responder(down=True) as down:
            result = verify(ENV['pki'].sign_cms(ENV['revoked'], CONTENT),
                revocation=checker(ocsp_url=down.url))
        self.assertEqual(result.status, 'revoked')
        self.assertEqual(result.signer.revocation_source, 'crl')

    def test_revoked_after_acceptance(self):
        "A revocation after the acceptance of the signature does not count"
        cms = ENV['pki'].sign_cms(ENV['revoked'], CONTENT)
        earlier = dt.datetime.now(UTC) - dt.timedelta(days=1)
        self.assertEqual(verify(cms, reference_time=earlier).status, 'valid')

    def test_ocsp_down_crl_fallback(self):
        "OCSP unreachable: the CRL says good"
        with ENV['pki'].ocsp_responder(down=True) as down:
            result = verify(ENV['pki'].sign_cms(ENV['director'], CONTENT),
                revocation=checker(ocsp_url=down.url))
        self.assertEqual(result.status, 'valid', result.detail)
        self.assertEqual(result.signer.revocation_source, 'crl')

    def test_both_down(self):
        "OCSP and CRL unreachable: revocation unknown, never accepted"
        cms = ENV['pki'].sign_cms(ENV['director'], CONTENT)
        with ENV['pki'].ocsp_responder(down=True) as ocsp, \
                ENV['pki'].crl_server(down=True) as crl:
            result = verify(cms, revocation=checker(
                    ocsp_url=ocsp.url, ocsp=True,
                    crl_fetch=lambda url: _fetch(crl.url)))
        self.assertEqual(result.status, 'revocation_unknown')
        self.assertFalse(result.valid)
        self.assertIn('unreachable', result.detail)

    def test_broken_crls(self):
        "Zero-byte, broken, expired, missing CRLs are unusable, no crash"
        cms = ENV['pki'].sign_cms(ENV['director'], CONTENT)
        expected = {'empty': 'zero-byte', 'garbage': 'broken CRL',
            'expired': 'expired CRL', 'missing': 'HTTP 404'}
        with ENV['pki'].ocsp_responder(down=True) as ocsp:
            for mode, text in expected.items():
                with self.subTest(mode=mode), \
                        ENV['pki'].crl_server(mode=mode) as crl:
                    result = verify(cms, revocation=checker(
                            ocsp_url=ocsp.url,
                            crl_fetch=lambda url, u=crl.url: _fetch(u)))
                    self.assertEqual(result.status, 'revocation_unknown')
                    self.assertIn(text, result.detail)

    def test_crl_file_url(self):
        "A CRL mirrored in a file (file:// URL)"
        pki = ENV['pki']
        path = pki.write_crl(os.path.join(ENV['dir'], 'mirror.crl'))
        url = 'file://' + path
        crl_off = lambda url: b''  # noqa: E731 the certificate's CDP fails
        with pki.ocsp_responder(down=True) as ocsp:
            for name, status in [('director', 'valid'),
                    ('revoked', 'revoked')]:
                revocation = RevocationChecker(ocsp_url=ocsp.url,
                    crl_urls=[url], timeout=2)
                revocation.crl_fetch = (lambda u, f=crl_off:
                    f(u) if u.startswith('http') else _file(u))
                result = verify(pki.sign_cms(ENV[name], CONTENT),
                    revocation=revocation)
                self.assertEqual(result.status, status, result.detail)
                self.assertEqual(result.signer.revocation_source, 'crl')

    def test_ocsp_responses_checked(self):
        """A delegated responder is accepted; a forged answer is not
        (then the CRL decides)"""
        cms = ENV['pki'].sign_cms(ENV['revoked'], CONTENT)
        with ENV['pki'].ocsp_responder(delegated=True) as ocsp:
            result = verify(cms, revocation=checker(ocsp_url=ocsp.url))
        self.assertEqual(result.status, 'revoked')
        self.assertEqual(result.signer.revocation_source, 'ocsp')
        with ENV['pki'].ocsp_responder(mode='forged') as ocsp:
            result = verify(cms, revocation=checker(ocsp_url=ocsp.url,
                    crl_fetch=lambda url: b''))
        self.assertEqual(result.status, 'revocation_unknown')
        self.assertIn('signature invalid', result.detail)

    def test_unknown_ca(self):
        "A certificate of a CA that is not trusted"
        cms = ENV['foreign'].sign_cms(ENV['stranger'], CONTENT)
        result = verify(cms)
        self.assertEqual(result.status, 'unknown_ca')
        # the foreign intermediate embedded in the CMS does not help
        cms = ENV['foreign'].sign_cms(ENV['stranger'], CONTENT, chain=True)
        self.assertEqual(verify(cms).status, 'unknown_ca')
        # nor an empty trust store
        self.assertEqual(verify_cms(ENV['pki'].sign_cms(
                    ENV['director'], CONTENT), CONTENT, TrustStore([]),
                None).status, 'unknown_ca')

    def test_expectations(self):
        "Wrong signer (IIN), wrong role, wrong BIN"
        def check(subject, **kw):
            result = verify(ENV['pki'].sign_cms(ENV[subject], CONTENT))
            return check_expectation(result, **kw).status
        self.assertEqual(check('director', iin=DIRECTOR_IIN,
                roles={'first_head', 'signer'}, bin=SCHOOL_BIN), 'valid')
        self.assertEqual(check('director', iin=TEACHER_IIN), 'wrong_signer')
        self.assertEqual(check('teacher', iin=TEACHER_IIN,
                roles={'first_head', 'signer'}), 'wrong_role')
        self.assertEqual(check('director', bin='990340000276'), 'wrong_bin')
        self.assertEqual(check('teacher', bin=SCHOOL_BIN), 'wrong_bin')

    def test_malformed(self):
        "Random bytes, truncated, empty, not SignedData, no content"
        cms = ENV['pki'].sign_cms(ENV['director'], CONTENT)
        cases = {
            'random': os.urandom(300),
            'truncated': cms[:len(cms) // 2],
            'empty': b'',
            'blank': b'  \n',
            'base64 garbage': b'bm90IGEgY21z',
            'certificate': ENV['director'].cert_der,
            'trailing garbage': cms + b'\x00\x01',
            }
        for name, data in cases.items():
            with self.subTest(case=name):
                self.assertEqual(verify(data).status, 'malformed')
        self.assertEqual(verify(cms, None).status, 'malformed')

    def test_gost_external_verifier(self):
        "GOST: unsupported without verifier, else the verifier's answer"
        cms = gost_cms(ENV['director'])
        result = verify(cms)
        self.assertEqual(result.status, 'unsupported_algorithm')
        self.assertEqual(result.signer.cert.algorithm, 'gost2015')
        answers = [
            ({'status': 200, 'message': 'OK', 'valid': True,
                'signers': [{'certificates': [{'valid': True,
                                'revocations': [{'revoked': False,
                                        'by': 'OCSP'}]}]}]}, 'valid'),
            ({'status': 200, 'valid': False, 'signers': [{'certificates': [
                                {'valid': True, 'revocations': [{
                                            'revoked': True,
                                            'by': 'CRL'}]}]}]}, 'revoked'),
            ({'status': 200, 'valid': False, 'signers': [{'certificates': [
                                {'valid': False,
                                    'reason': 'certificate expired'}]}]},
                'expired'),
            ({'status': 200, 'valid': False, 'message': 'bad signature',
                    'signers': []}, 'signature_invalid'),
            ]
        for answer, status in answers:
            with self.subTest(status=status), FakeNCANode(answer) as node:
                result = verify(cms,
                    external_verifier=ExternalVerifier(node.url, timeout=2))
                self.assertEqual(result.status, status, result.detail)
                path, body = node.requests[0]
                self.assertEqual(path, '/cms/verify')
                self.assertEqual(base64.b64decode(body['data']), CONTENT)
                self.assertEqual(body['revocationCheck'], ['OCSP', 'CRL'])
                self.assertEqual(load_cms(base64.b64decode(body['cms']))
                    .dump(), load_cms(cms).dump())
        with FakeNCANode({}, code=503) as node:
            result = verify(cms, external_verifier=ExternalVerifier(node.url))
        self.assertEqual(result.status, 'verifier_unavailable')
        with ENV['pki'].ocsp_responder(down=True) as down:
            result = verify(cms, external_verifier=ExternalVerifier(
                    down.url, timeout=2))
        self.assertEqual(result.status, 'verifier_unavailable')

    def test_authentication_key_refused(self):
        "A certificate of an authentication key is not a signature"
        self.assertTrue(ENV['director'].info.for_signing)
        self.assertFalse(ENV['auth'].info.for_signing)
        self.assertFalse(ENV['encipher'].info.for_signing)
        for name in ['auth', 'encipher']:
            with self.subTest(name=name):
                result = verify(ENV['pki'].sign_cms(ENV[name], CONTENT))
                self.assertEqual(result.status, 'wrong_role')
                self.assertIn('not a signing certificate', result.detail)
        # GOST: the external verifier's 'valid' does not make it one
        answer = {'status': 200, 'valid': True, 'signers': []}
        with FakeNCANode(answer) as node:
            result = verify(gost_cms(ENV['auth']),
                external_verifier=ExternalVerifier(node.url, timeout=2))
        self.assertEqual(result.status, 'wrong_role')

    def test_simulator_no_authentication_key(self):
        "The simulated NCALayer offers no authentication key to sign"
        from trytond.modules.edu_eds.ncalayer_sim import (
            NCALayerError, NCALayerSimulator, create_cades)
        with NCALayerSimulator(ENV['pki'], 'auth') as sim:
            with self.assertRaises(NCALayerError):
                create_cades(sim.url, CONTENT, timeout=5)
            sim.select('director')
            cms = create_cades(sim.url, CONTENT, timeout=5)
        self.assertEqual(verify(cms).status, 'valid')

    def test_crl_of_another_ca(self):
        """A CRL good for one CA does not answer for another CA's
        certificate (the cache of CRLs is per issuer)"""
        pki, other = ENV['pki'], ENV['foreign']
        with pki.crl_server(down=True) as down:
            victim = other.issue('revoked_b', '870707301309',
                roles=('legal', 'signer'), bin=SCHOOL_BIN,
                crl_url=down.url)
        other.revoke(victim)
        trust = TrustStore(pki.trusted_certificates()
            + other.trusted_certificates())
        revocation = RevocationChecker(ocsp=False, crl_urls=[ENV['crl'].url],
            timeout=2)
        result = verify_cms(pki.sign_cms(ENV['director'], CONTENT), CONTENT,
            trust, revocation)
        self.assertEqual(result.status, 'valid', result.detail)
        self.assertEqual(result.signer.revocation_source, 'crl')
        result = verify_cms(other.sign_cms(victim, CONTENT), CONTENT,
            trust, revocation)
        self.assertEqual(result.status, 'revocation_unknown', result.detail)

    def test_ocsp_freshness(self):
        """An old OCSP answer without nextUpdate, or without our nonce, is
        not trusted (the CRL decides); a fresh one without nonce is"""
        cms = ENV['pki'].sign_cms(ENV['director'], CONTENT)
        for mode, source in [('stale', 'crl'), ('no_nonce', 'crl'),
                ('fresh_no_nonce', 'ocsp'), ('ok', 'ocsp')]:
            with self.subTest(mode=mode), \
                    ENV['pki'].ocsp_responder(mode=mode) as ocsp:
                result = verify(cms, revocation=checker(ocsp_url=ocsp.url))
                self.assertEqual(result.status, 'valid', result.detail)
                self.assertEqual(result.signer.revocation_source, source)
                if source == 'crl':
                    status, detail = checker().check_ocsp(ocsp.url,
                        ENV['director'].info,
                        parse_certificate(ENV['pki'].intermediate_der))
                    self.assertEqual(status, 'unknown')
                    self.assertIn('too old', detail)
        # the revoked one: a stale 'revoked' falls back to the CRL too
        with ENV['pki'].ocsp_responder(mode='stale') as ocsp:
            result = verify(ENV['pki'].sign_cms(ENV['revoked'], CONTENT),
                revocation=checker(ocsp_url=ocsp.url))
        self.assertEqual(result.status, 'revoked')
        self.assertEqual(result.signer.revocation_source, 'crl')

    def test_malformed_ca_certificate(self):
        """A CA certificate with a duplicated BasicConstraints embedded in
        the CMS is not an issuer, and no crash"""
        from asn1crypto import x509 as ax509
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        from cryptography.x509 import DuplicateExtension
        from trytond.modules.edu_eds.trust import load_certificate
        foreign = ENV['foreign']
        cert = ax509.Certificate.load(foreign.intermediate_der)
        tbs = cert['tbs_certificate']
        extensions = list(tbs['extensions'])
        constraints = next(e for e in extensions
            if e['extn_id'].native == 'basic_constraints')
        extensions.append(ax509.Extension.load(constraints.dump()))
        tbs['extensions'] = ax509.Extensions(
            [ax509.Extension.load(e.dump()) for e in extensions])
        signed = tbs.dump(force=True)
        fake = ax509.Certificate({
                'tbs_certificate': ax509.TbsCertificate.load(signed),
                'signature_algorithm': cert['signature_algorithm'],
                'signature_value': foreign.root_key.sign(signed,
                    padding.PKCS1v15(), hashes.SHA256()),
                }).dump()
        with self.assertRaises(DuplicateExtension):
            load_certificate(fake).extensions
        stranger = ENV['stranger']
        cms = build_signed_data(stranger.cert_der, stranger.key, CONTENT,
            certificates=[fake])
        trust = TrustStore(ENV['pki'].trusted_certificates()
            + [foreign.root_der])
        result = verify_cms(cms, CONTENT, trust, None)
        self.assertEqual(result.status, 'unknown_ca', result.detail)

    def test_unexpected_error_malformed(self):
        "Any unexpected error checking a signer gives 'malformed'"
        class Broken(TrustStore):
            def chain(self, cert, extra=()):
                raise RuntimeError('boom')
        with self.assertLogs('trytond.modules.edu_eds.cms', 'ERROR'):
            result = verify_cms(ENV['pki'].sign_cms(ENV['director'],
                    CONTENT), CONTENT, Broken([]), None)
        self.assertEqual(result.status, 'malformed')
        self.assertIn('boom', result.detail)
        self.assertEqual(result.signer.status, 'malformed')

    @unittest.skipUnless(os.path.exists(OPENSSL), "no openssl")
    def test_openssl_verifies_ours(self):
        "openssl cms -verify accepts our CMS, detached and attached"
        pki, directory = ENV['pki'], ENV['dir']
        chain = os.path.join(directory, 'chain.pem')
        with open(chain, 'wb') as f:
            f.write(pki.root.public_bytes(_PEM))
            f.write(pki.intermediate.public_bytes(_PEM))
        data = os.path.join(directory, 'content.bin')
        with open(data, 'wb') as f:
            f.write(CONTENT)
        for attached in [False, True]:
            signature = os.path.join(directory, 'ours.cms')
            with open(signature, 'wb') as f:
                f.write(pki.sign_cms(ENV['director'], CONTENT,
                        attached=attached))
            command = [OPENSSL, 'cms', '-verify', '-binary', '-inform',
                'DER', '-in', signature, '-CAfile', chain, '-purpose', 'any',
                '-out', os.path.join(directory, 'out.bin')]
            if not attached:
                command += ['-content', data]
            process = subprocess.run(command, capture_output=True)
            self.assertEqual(process.returncode, 0, process.stderr)
            with open(os.path.join(directory, 'out.bin'), 'rb') as f:
                self.assertEqual(f.read(), CONTENT)
        # and refuses a changed content
        with open(data, 'wb') as f:
            f.write(CONTENT + b'!')
        signature = os.path.join(directory, 'ours.cms')
        with open(signature, 'wb') as f:
            f.write(pki.sign_cms(ENV['director'], CONTENT))
        process = subprocess.run([OPENSSL, 'cms', '-verify', '-binary',
                '-inform', 'DER', '-in', signature, '-content', data,
                '-CAfile', chain, '-purpose', 'any', '-out', os.devnull],
            capture_output=True)
        self.assertNotEqual(process.returncode, 0)

    @unittest.skipUnless(os.path.exists(OPENSSL), "no openssl")
    def test_ours_verifies_openssl(self):
        "A CMS made by openssl cms -sign is verified by ours"
        directory = ENV['dir']
        subject = ENV['director']
        paths = {}
        for name, data in [('cert', subject.cert_pem),
                ('key', subject.key_pem), ('data', CONTENT)]:
            paths[name] = os.path.join(directory, 'openssl.' + name)
            with open(paths[name], 'wb') as f:
                f.write(data)
        for attached in [False, True]:
            out = os.path.join(directory, 'openssl.cms')
            command = [OPENSSL, 'cms', '-sign', '-binary', '-outform', 'DER',
                '-md', 'sha256', '-signer', paths['cert'],
                '-inkey', paths['key'], '-in', paths['data'], '-out', out]
            if attached:
                command.append('-nodetach')
            process = subprocess.run(command, capture_output=True)
            self.assertEqual(process.returncode, 0, process.stderr)
            with open(out, 'rb') as f:
                cms = f.read()
            result = verify(cms, None if attached else CONTENT)
            self.assertEqual(result.status, 'valid', result.detail)
            self.assertEqual(result.signer.cert.iin, DIRECTOR_IIN)
            self.assertEqual(verify(cms, b'other').status,
                'content_mismatch')


def _fetch(url):
    from trytond.modules.edu_eds.revocation import fetch_url
    return fetch_url(url, timeout=2)


def _file(url):
    from trytond.modules.edu_eds.revocation import fetch_url
    return fetch_url(url)


from cryptography.hazmat.primitives.serialization import Encoding  # noqa
_PEM = Encoding.PEM


class SignatureModelTestCase(unittest.TestCase):
    """edu.eds.signature: each bad input refused with its own kk and ru
    message, nothing stored; a tampered file found on re-verification"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_eds'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def _setup(self):
        from trytond.modules.company.tests import create_company
        from trytond.modules.edu_eds.tests.tools import (
            configure_eds, load_translations)
        from trytond.pool import Pool
        pool = Pool()
        User = pool.get('res.user')
        Party = pool.get('party.party')
        load_translations()
        company = create_company()
        configure_eds(ENV['pki'], ocsp_url=ENV['ocsp'].url)
        person, = Party.create([{'is_person': True, 'last_name': 'Әлиева',
                    'first_name': 'Гүлнар', 'iin': DIRECTOR_IIN,
                    'organisation': company.id}])
        user, = User.create([{'name': 'Director', 'login': 'director',
                    'person': person.id, 'companies': [('add', [company.id])],
                    'company': company.id}])
        return company, user

    @with_transaction()
    def test_add_and_refusals(self):
        "Refused signatures: own status, kk/ru message, nothing stored"
        from trytond.modules.edu_eds.exceptions import SignatureError
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        pool = Pool()
        Signature = pool.get('edu.eds.signature')
        Configuration = pool.get('edu.eds.configuration')
        company, user = self._setup()
        pki = ENV['pki']
        roles = 'first_head,signer'

        def add(cms, content=CONTENT, **kw):
            kw.setdefault('user', user)
            kw.setdefault('roles', roles)
            kw.setdefault('bin', SCHOOL_BIN)
            return Signature.add('res.user,%s' % user.id, content, cms,
                company=company, file_name='order.pdf', **kw)

        bad = {
            'content_mismatch': lambda: add(
                pki.sign_cms(ENV['director'], b'other content')),
            'signature_invalid': lambda: add(tamper_signature(
                    pki.sign_cms(ENV['director'], CONTENT))),
            'expired': lambda: add(pki.sign_cms(ENV['expired'], CONTENT),
                user=None, roles=None, bin=None),
            'revoked': lambda: add(pki.sign_cms(ENV['revoked'], CONTENT),
                user=None),
            'unknown_ca': lambda: add(
                ENV['foreign'].sign_cms(ENV['stranger'], CONTENT)),
            'wrong_role': lambda: add(pki.sign_cms(ENV['teacher'], CONTENT),
                user=None, bin=None),
            'wrong_bin': lambda: add(pki.sign_cms(ENV['director'], CONTENT),
                bin='990340000276'),
            'wrong_signer': lambda: add(
                pki.sign_cms(ENV['director'], CONTENT), user=0),
            'malformed': lambda: add(os.urandom(100)),
            'unsupported_algorithm': lambda: add(gost_cms(ENV['director'])),
            }
        messages = {}
        for status, call in bad.items():
            for language in ['kk', 'ru']:
                with self.subTest(status=status, language=language), \
                        Transaction().set_context(language=language):
                    with self.assertRaises(SignatureError) as cm:
                        call()
                    self.assertEqual(cm.exception.status, status)
                    messages[status, language] = cm.exception.message
        # every reason is its own, in Kazakh and in Russian
        for language in ['kk', 'ru']:
            texts = [messages[s, language] for s in bad]
            self.assertEqual(len(set(texts)), len(texts))
        self.assertIn("Қолтаңба басқа мазмұнға қойылған немесе файл қол "
            "қойылғаннан кейін өзгертілген",
            messages['content_mismatch', 'kk'])
        self.assertIn("Подпись поставлена под другим содержимым или файл "
            "изменён после подписания", messages['content_mismatch', 'ru'])
        self.assertIn('OCSP', messages['revoked', 'ru'])
        self.assertIn('ЖСН', messages['wrong_signer', 'kk'])
        self.assertIn('ИИН', messages['wrong_signer', 'ru'])
        self.assertIn('БИН', messages['wrong_bin', 'ru'])
        self.assertEqual(Signature.search([], count=True), 0)

        # the director's account signing now with a backdated signing-time
        # and an expired certificate: refused
        director_expired = ENV['pki'].issue('director_expired',
            DIRECTOR_IIN, bin=SCHOOL_BIN, roles=('first_head',),
            not_before=dt.datetime.now(UTC) - dt.timedelta(days=400),
            not_after=dt.datetime.now(UTC) - dt.timedelta(days=1))
        backdated = pki.sign_cms(director_expired, CONTENT,
            signing_time=dt.datetime.now(UTC) - dt.timedelta(days=2))
        with self.assertRaises(SignatureError) as cm:
            add(backdated)
        self.assertEqual(cm.exception.status, 'expired')
        self.assertEqual(Signature.search([], count=True), 0)

        # OCSP unreachable and no CRL: refused, says so, nothing stored
        config = Configuration(1)
        with ENV['pki'].ocsp_responder(down=True) as down:
            Configuration.write([config], {'ocsp_url': down.url,
                    'crl_urls': None})
            with Transaction().set_context(language='ru'):
                # the certificate's CDP serves a zero-byte CRL
                ENV['crl'].mode = 'empty'
                try:
                    with self.assertRaises(SignatureError) as cm:
                        add(pki.sign_cms(ENV['director'], CONTENT))
                finally:
                    ENV['crl'].mode = 'ok'
            self.assertEqual(cm.exception.status, 'revocation_unknown')
            self.assertIn('OCSP', cm.exception.message)
            self.assertIn('НЕ принята', cm.exception.message)
            # OCSP down, CRL good: accepted by the CRL
            signature = add(pki.sign_cms(ENV['director'], CONTENT))
        self.assertEqual(signature.revocation_source, 'crl')
        Configuration.write([config], {'ocsp_url': ENV['ocsp'].url})
        self.assertEqual(Signature.search([], count=True), 1)

        # a valid one: the card shows IIN, BIN, serial, time, status
        signature = add(pki.sign_cms(ENV['director'], CONTENT,
                attached=True), content=None)
        self.assertEqual(signature.status, 'valid')
        self.assertEqual(signature.signer_iin, DIRECTOR_IIN)
        self.assertEqual(signature.signer_bin, SCHOOL_BIN)
        self.assertEqual(signature.signer_name, 'ӘЛИЕВА ГҮЛНАР')
        self.assertEqual(signature.cert_serial, ENV['director'].info.serial)
        self.assertEqual(signature.roles, 'legal,first_head')
        self.assertEqual(signature.company, company)
        self.assertEqual(signature.user, user)
        self.assertTrue(signature.attached)
        self.assertIsNotNone(signature.signing_time)
        self.assertEqual(signature.revocation_source, 'ocsp')
        self.assertEqual(signature.content_sha256,
            __import__('hashlib').sha256(CONTENT).hexdigest())
        with Transaction().set_context(language='kk'):
            self.assertEqual(Signature(signature.id).status_message,
                "Қолтаңба жарамды.")

        # re-verification: same content valid, tampered content refused
        results = Signature.reverify([signature], {signature.id: CONTENT})
        self.assertEqual(results[signature.id].status, 'valid')
        results = Signature.reverify([signature],
            {signature.id: CONTENT + b'tampered'})
        self.assertEqual(results[signature.id].status, 'content_mismatch')
        self.assertEqual(Signature(signature.id).status, 'content_mismatch')

    @with_transaction()
    def test_verify_stores_nothing(self):
        "verify checks the expectation and never stores"
        from trytond.pool import Pool
        Signature = Pool().get('edu.eds.signature')
        company, user = self._setup()
        cms = ENV['pki'].sign_cms(ENV['director'], CONTENT)
        self.assertEqual(Signature.verify(cms, CONTENT, user=user,
                roles=['first_head'], bin=SCHOOL_BIN).status, 'valid')
        self.assertEqual(Signature.verify(cms, CONTENT, user=user.id,
                roles=['hr']).status, 'wrong_role')
        self.assertEqual(Signature.search([], count=True), 0)
