# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import contextlib
import datetime as dt
import importlib.util
import io
import json
import os
import shutil
import tempfile
import urllib.request

from cryptography.hazmat.primitives.serialization import Encoding

from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.edu_eds.cms import verify_cms
from trytond.modules.edu_eds.revocation import RevocationChecker
from trytond.modules.edu_eds.testca import (
    INTERMEDIATE_NAME, ROOT_NAME, TestPKI)
from trytond.modules.edu_eds.trust import TrustStore
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))))


def _load_cli():
    path = os.path.join(ROOT, 'scripts', 'eds_test_ca.py')
    spec = importlib.util.spec_from_file_location('eds_test_ca', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class EduEdsTestCase(CompanyTestMixin, ModuleTestCase):
    "Test edu_eds module"
    module = 'edu_eds'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.directory = tempfile.mkdtemp(prefix='bilim-eds-module-')
        cls.pki = TestPKI.create(os.path.join(cls.directory, 'ca'))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory, ignore_errors=True)
        super().tearDownClass()

    def test_pki_like_nca(self):
        "The test PKI: root, intermediate, CA constraints (R20)"
        pki = self.pki
        trust = TrustStore(pki.trusted_certificates())
        root, intermediate = trust.infos
        self.assertEqual(root.common_name, ROOT_NAME)
        self.assertEqual(intermediate.common_name, INTERMEDIATE_NAME)
        self.assertEqual(root.subject, root.issuer)
        subject = pki.issue('module_subject', '800101300125',
            bin='010140000143', roles=('legal', 'signer'))
        chain = trust.chain(subject.cert_der)
        self.assertEqual([c.fingerprint for c in chain], [
                subject.info.fingerprint, intermediate.fingerprint,
                root.fingerprint])
        # a subject certificate cannot act as a CA
        fake = pki.issue('fake_ca', '800101300125')
        self.assertIsNone(TrustStore([fake.cert_der]).chain(
                subject.cert_der))
        # without the root, the intermediate alone is no anchor
        self.assertIsNone(TrustStore([pki.intermediate_der]).chain(
                subject.cert_der))

    def test_pki_reload(self):
        "The PKI and its subjects reload from the directory"
        pki = self.pki
        subject = pki.issue('reloaded', '800101300125')
        pki.revoke(subject)
        again = TestPKI.load(pki.directory)
        self.assertEqual(again.root_der, pki.root_der)
        self.assertEqual(again.subject('reloaded').cert_der,
            subject.cert_der)
        self.assertTrue(again.is_revoked(subject.serial))
        self.assertEqual(TestPKI.open(pki.directory).root_der, pki.root_der)
        with open(os.path.join(pki.directory, 'reloaded.key'), 'rb') as f:
            self.assertIn(b'PRIVATE KEY', f.read())
        with self.assertRaises(ValueError):
            pki.issue('../escape', '800101300125')

    def test_one_port_server(self):
        "The demo server answers OCSP and serves the CRL on one port"
        pki = TestPKI.load(self.pki.directory)
        with pki.server() as server:
            pki.base_url = server.url
            subject = pki.issue('served', '800101300125')
            self.assertEqual(subject.info.ocsp_urls, [server.ocsp_url])
            with urllib.request.urlopen(server.crl_url, timeout=5) as r:
                self.assertEqual(r.read()[:1], b'\x30')
            cms = pki.sign_cms(subject, b'data')
            trust = TrustStore(pki.trusted_certificates())
            result = verify_cms(cms, b'data', trust,
                RevocationChecker(timeout=2))
            self.assertEqual(result.status, 'valid', result.detail)
            self.assertEqual(result.signer.revocation_source, 'ocsp')
            result = verify_cms(cms, b'data', trust,
                RevocationChecker(timeout=2, ocsp=False))
            self.assertEqual(result.signer.revocation_source, 'crl')
        pki.base_url = None

    def test_cli(self):
        "scripts/eds_test_ca.py create, issue, revoke, crl, show"
        cli = _load_cli()
        directory = os.path.join(self.directory, 'cli')

        def run(*args):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                code = cli.main(['--dir', directory, *args])
            self.assertEqual(code, 0)
            return out.getvalue()

        self.assertIn(directory, run('create', '--base-url',
                'http://127.0.0.1:8765'))
        issued = json.loads(run('issue', 'director', '800101300125',
                '--bin', '010140000143', '--roles', 'legal,first_head',
                '--full-name', 'ӘЛИЕВА ГҮЛНАР'))
        self.assertEqual(issued['iin'], '800101300125')
        self.assertEqual(issued['roles'], ['legal', 'first_head'])
        self.assertEqual(issued['ocsp_urls'], ['http://127.0.0.1:8765/ocsp'])
        expired = json.loads(run('issue', 'old', '800101300125',
                '--expired'))
        self.assertLess(dt.datetime.fromisoformat(expired['not_after']),
            dt.datetime.now(dt.timezone.utc))
        run('revoke', 'director')
        path = run('crl').strip()
        self.assertTrue(os.path.getsize(path) > 0)
        shown = json.loads(run('show'))
        self.assertEqual(shown['revoked'], [issued['serial']])
        self.assertEqual(sorted(shown['subjects']), ['director', 'old'])
        with contextlib.redirect_stderr(io.StringIO()):
            self.assertEqual(cli.main(['--dir', os.path.join(
                            self.directory, 'none'), 'show']), 2)

    @with_transaction()
    def test_trust_certificate(self):
        "Trusted certificates: computed fields, refused data, inactive"
        pool = Pool()
        Trusted = pool.get('edu.eds.trust.certificate')
        Signature = pool.get('edu.eds.signature')
        Configuration = pool.get('edu.eds.configuration')
        config = Configuration(1)
        self.assertEqual(config.timeout, 5)
        self.assertTrue(config.check_revocation)
        self.assertEqual(config.ncalayer_url, 'wss://127.0.0.1:13579')
        config.check_revocation = False
        config.save()
        root, intermediate = Trusted.load_certificates(
            self.pki.trusted_certificates())
        self.assertEqual(root.kind, 'root')
        self.assertEqual(intermediate.kind, 'intermediate')
        self.assertEqual(root.algorithm, 'rsa')
        self.assertEqual(len(root.fingerprint), 64)
        self.assertEqual(Trusted.load_certificates(
                [self.pki.root_der]), [root])
        with self.assertRaises(ValidationError) as cm:
            Trusted.create([{'name': 'x', 'kind': 'root', 'data': b'junk'}])
        self.assertIn('X.509', cm.exception.message)
        subject = self.pki.issue('trusted_subject', '800101300125')
        cms = self.pki.sign_cms(subject, b'data')
        self.assertEqual(Signature.verify(cms, b'data').status, 'valid')
        # a root deactivated is no longer trusted
        Trusted.write([root], {'active': False})
        self.assertEqual(Signature.verify(cms, b'data').status,
            'unknown_ca')
        # PEM is accepted as well
        Trusted.write([root], {'active': True,
                'data': self.pki.root.public_bytes(Encoding.PEM)})
        self.assertEqual(Signature.verify(cms, b'data').status, 'valid')


del ModuleTestCase
