# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The trusted roots and intermediates of NCA RK and the building of a
certificate chain to an active trusted root (R22.10).  Pure library."""
import logging

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

from .certificate import CertificateError, parse_certificate

__all__ = ['TrustStore', 'load_certificate']
logger = logging.getLogger(__name__)
#: chains found, by (certificate, trusted certificates, extra ones): the
#: checks of signatures on the same DERs always give the same answer
_CHAINS = {}
_CHAINS_SIZE = 4096
_CRYPTO = {}


class TrustStore:
    """The trusted certificates (roots and intermediates).  A chain ends
    at a self-signed root of the store; an intermediate of the store is
    used only when it is itself issued (signature checked) by a root."""

    def __init__(self, certificates):
        self.infos = []
        self._crypto = {}
        for data in certificates or []:
            try:
                info = parse_certificate(data)
                cert = load_certificate(info.der)
            except (CertificateError, ValueError) as exception:
                logger.warning("trusted certificate ignored: %s", exception)
                continue
            self.infos.append(info)
            self._crypto[info.fingerprint] = cert

    def __len__(self):
        return len(self.infos)

    def issuer_of(self, cert, candidates):
        "Return the (info, cert) among candidates which issued cert"
        for info, candidate in candidates:
            try:
                if candidate.subject != cert.issuer:
                    continue
                cert.verify_directly_issued_by(candidate)
            except (ValueError, TypeError, InvalidSignature,
                    UnsupportedAlgorithm, x509.DuplicateExtension):
                continue
            if not _is_ca(candidate):
                continue
            return info, candidate
        return None

    def chain(self, cert, extra=()):
        """Return [cert, …, root] as CertInfo with each signature checked,
        or None when there is no chain to a trusted root.  ``extra`` are
        untrusted certificates (DER) that may serve as intermediates
        (e.g. those embedded in the CMS); the chain must still end at a
        root of the store."""
        if isinstance(cert, (bytes, bytearray)):
            cert = parse_certificate(cert)
        key = (cert.fingerprint, tuple(i.fingerprint for i in self.infos),
            tuple(extra))
        if key in _CHAINS:
            return _CHAINS[key]
        result = self._chain(cert, extra)
        if len(_CHAINS) >= _CHAINS_SIZE:
            _CHAINS.clear()
        _CHAINS[key] = result
        return result

    def _chain(self, cert, extra):
        try:
            current = load_certificate(cert.der)
        except ValueError:
            return None
        trusted = [(i, self._crypto[i.fingerprint]) for i in self.infos]
        others = []
        for data in extra:
            try:
                info = parse_certificate(data)
                others.append((info, load_certificate(info.der)))
            except (CertificateError, ValueError):
                continue
        path = [cert]
        seen = {cert.fingerprint}
        for _ in range(8):
            # a trusted root or intermediate first, else an extra one
            found = self.issuer_of(current, trusted) or self.issuer_of(
                current, others)
            if not found:
                return None
            info, issuer = found
            if info.fingerprint in seen:
                # self-signed: the end of the chain
                if info.fingerprint in self._crypto:
                    return path
                return None
            path.append(info)
            seen.add(info.fingerprint)
            if issuer.subject == issuer.issuer:
                return path if info.fingerprint in self._crypto else None
            current = issuer
        return None


def load_certificate(der):
    "Return the cryptography certificate of DER (cached)"
    cert = _CRYPTO.get(der)
    if cert is None:
        cert = x509.load_der_x509_certificate(der)
        if len(_CRYPTO) >= _CHAINS_SIZE:
            _CRYPTO.clear()
        _CRYPTO[der] = cert
    return cert


def _is_ca(cert):
    try:
        constraints = cert.extensions.get_extension_for_class(
            x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        # old self-signed roots may lack it: accept a self-signed one only
        return cert.subject == cert.issuer
    except Exception as exception:
        # extensions the library refuses (a duplicated BasicConstraints:
        # DuplicateExtension, a broken one: ValueError): not an issuer
        logger.info("certificate refused as an issuer: %r", exception)
        return False
    return constraints.ca
