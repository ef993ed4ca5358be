# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Configuration of the verification of signatures (R22.10, R5.3): OCSP
and CRL services, external GOST verifier, NCALayer address.  One for the
whole platform (not per organisation); the platform administrator writes
it, every user reads it (the browser needs the NCALayer address)."""
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

__all__ = ['Configuration']


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "EDS Configuration"
    __name__ = 'edu.eds.configuration'

    ocsp_url = fields.Char("OCSP URL",
        help="Override of the OCSP responder of the certificates "
        "(e.g. http://ocsp.pki.gov.kz); empty: the address written in "
        "each certificate.")
    crl_urls = fields.Text("CRL URLs",
        help="Extra certificate revocation lists, one URL per line "
        "(http://, https:// or file:// for a local mirror), tried after "
        "those written in the certificates.")
    timeout = fields.Integer("Timeout", required=True,
        domain=[('timeout', '>', 0)],
        help="Seconds to wait for the OCSP, CRL and verifier services.")
    check_revocation = fields.Boolean("Check Revocation",
        help="WARNING: when unchecked, revoked certificates are accepted. "
        "Uncheck only in tests of other modules, never in production.")
    external_verifier_url = fields.Char("External Verifier URL",
        help="NCANode-compatible service (POST <url>/cms/verify) verifying "
        "GOST signatures; empty: GOST signatures are refused as "
        "unsupported.")
    ncalayer_url = fields.Char("NCALayer URL", required=True,
        help="Address of NCALayer on the user's computer.")

    @classmethod
    def default_timeout(cls):
        return 5

    @classmethod
    def default_check_revocation(cls):
        return True

    @classmethod
    def default_ncalayer_url(cls):
        return 'wss://127.0.0.1:13579'

    @property
    def crl_url_list(self):
        return [u.strip() for u in (self.crl_urls or '').splitlines()
            if u.strip()]
