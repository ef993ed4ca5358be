# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test tools of edu_eds for every module whose tests sign (R22.10):

    from trytond.modules.edu_eds.tests.tools import (
        test_pki, configure_eds, load_translations)

    pki = test_pki()                  # one PKI per process, keys cached
    with pki.ocsp_responder() as ocsp:  # optional: real revocation checks
        configure_eds(pki, ocsp_url=ocsp.url)
        subject = pki.issue('director', user_iin, bin=company_bin,
            roles=('legal', 'first_head'))
        cms = pki.sign_cms(subject, content)

``configure_eds(pki)`` without an OCSP URL switches the revocation check
off (check_revocation=False): only for tests of other modules.
"""
import atexit
import os
import shutil
import tempfile

from trytond.modules.edu_eds.testca import TestPKI

__all__ = ['test_pki', 'configure_eds', 'load_translations',
    'load_translations_proteus']
MODULE = 'edu_eds'
_PKI = {}


def test_pki(directory=None):
    """Return a TestPKI in a temporary directory (one per process and
    directory; removed at exit)"""
    key = directory or ''
    if key not in _PKI:
        if directory is None:
            directory = tempfile.mkdtemp(prefix='bilim-eds-pki-')
            atexit.register(shutil.rmtree, directory, True)
        if os.path.exists(os.path.join(directory, 'state.json')):
            _PKI[key] = TestPKI.load(directory)
        else:
            _PKI[key] = TestPKI.create(directory)
    return _PKI[key]


test_pki.__test__ = False


def configure_eds(pki, *, ocsp_url=None, crl_urls=None,
        check_revocation=None, external_verifier_url=None, timeout=2):
    """Trust the PKI's root and intermediate and configure the
    verification in the current transaction; return the configuration"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Configuration = pool.get('edu.eds.configuration')
    TrustCertificate = pool.get('edu.eds.trust.certificate')
    if check_revocation is None:
        check_revocation = bool(ocsp_url or crl_urls)
    with Transaction().set_user(0), Transaction().set_context(
            _check_access=False):
        TrustCertificate.load_certificates(pki.trusted_certificates())
        config = Configuration(1)
        config.ocsp_url = ocsp_url
        config.crl_urls = '\n'.join(crl_urls or []) or None
        config.check_revocation = check_revocation
        config.external_verifier_url = external_verifier_url
        config.timeout = timeout
        config.save()
    return config


def load_translations(codes=('kk', 'ru'), module=MODULE):
    "Make the languages translatable and load the module's translations"
    from trytond.modules import create_graph
    from trytond.modules import load_translations as load
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Lang = pool.get('ir.lang')
    Module = pool.get('ir.module')
    with Transaction().set_user(0):
        languages = Lang.search([('code', 'in', list(codes))])
        Lang.write(languages, {'translatable': True})
        modules = {m.name for m in Module.search(
                    [('state', '=', 'activated')])}
        for node in create_graph(modules):
            if node.name == module:
                load(pool, node, list(codes))


def load_translations_proteus(config=None):
    "The same in a proteus scenario (local configuration)"
    from proteus.config import get_config
    from trytond.transaction import Transaction
    config = config or get_config()
    with Transaction().start(config.database_name, 0) as transaction:
        load_translations()
        transaction.commit()
