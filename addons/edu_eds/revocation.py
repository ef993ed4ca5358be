# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Revocation of NCA RK certificates (R22.10): OCSP first (the AIA URL of
the certificate or a configured override), then the CRL (the CDP URLs of
the certificate and configured ones, http(s):// or file://).

Every failure is an answer, never a crash: an unreachable OCSP responder,
a zero-byte, broken, foreign or expired CRL give ``'unknown'`` with a
clear detail.  Delta CRLs are ignored: a full CRL whose nextUpdate has not
passed is required (NCA publishes full CRLs at least daily), so a
certificate revoked since the last full CRL is seen by OCSP only.
"""
import datetime as dt
import hashlib
import os
import urllib.error
import urllib.parse
import urllib.request

from asn1crypto import ocsp as aocsp
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

__all__ = ['RevocationChecker', 'fetch_url', 'verify_signature',
    'GOOD', 'REVOKED', 'UNKNOWN']

GOOD, REVOKED, UNKNOWN = 'good', 'revoked', 'unknown'
OCSP_SIGNING = '1.3.6.1.5.5.7.3.9'
#: tolerated difference of clocks for thisUpdate of OCSP answers
CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_CRL_SIZE = 200 * 1024 * 1024
_HASHES = {
    'sha1': hashes.SHA1, 'sha224': hashes.SHA224, 'sha256': hashes.SHA256,
    'sha384': hashes.SHA384, 'sha512': hashes.SHA512,
    }


class FetchError(Exception):
    pass


def fetch_url(url, data=None, content_type=None, timeout=5):
    "Return the bytes at url (http, https or file); raise FetchError"
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == 'file':
        path = urllib.request.url2pathname(parsed.path)
        try:
            with open(path, 'rb') as f:
                return f.read(MAX_CRL_SIZE)
        except OSError as exception:
            raise FetchError('cannot read %s: %s' % (path, exception))
    if parsed.scheme not in {'http', 'https'}:
        raise FetchError('unsupported URL scheme: %s' % url)
    request = urllib.request.Request(url, data=data)
    if content_type:
        request.add_header('Content-Type', content_type)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read(MAX_CRL_SIZE)
    except urllib.error.HTTPError as exception:
        raise FetchError('HTTP %s from %s' % (exception.code, url))
    except (urllib.error.URLError, OSError, ValueError) as exception:
        reason = getattr(exception, 'reason', exception)
        raise FetchError('%s unreachable: %s' % (url, reason))


def verify_signature(public_key, signature, data, algorithm):
    """Verify a signature with a cryptography public key; ``algorithm`` is
    an asn1crypto SignedDigestAlgorithm.  Raise InvalidSignature."""
    signature_algo = algorithm.signature_algo
    if signature_algo == 'rsassa_pss':
        params = algorithm['parameters']
        hash_name = params['hash_algorithm']['algorithm'].native
        mgf_hash = params['mask_gen_algorithm']['parameters'][
            'algorithm'].native
        pad = padding.PSS(mgf=padding.MGF1(_HASHES[mgf_hash]()),
            salt_length=params['salt_length'].native)
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise InvalidSignature('not an RSA key')
        public_key.verify(signature, data, pad, _HASHES[hash_name]())
        return
    hash_name = algorithm.hash_algo
    if hash_name not in _HASHES:
        raise UnsupportedAlgorithm(hash_name)
    if signature_algo == 'rsassa_pkcs1v15':
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise InvalidSignature('not an RSA key')
        public_key.verify(signature, data, padding.PKCS1v15(),
            _HASHES[hash_name]())
    elif signature_algo == 'ecdsa':
        if not isinstance(public_key, ec.EllipticCurvePublicKey):
            raise InvalidSignature('not an EC key')
        public_key.verify(signature, data, ec.ECDSA(_HASHES[hash_name]()))
    else:
        raise UnsupportedAlgorithm(signature_algo)


def _aware(value):
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value


class RevocationChecker:
    """Check the revocation of certificates.

    ``ocsp_url``: override of the certificates' AIA OCSP URL; ``crl_urls``:
    CRLs tried after those of the certificate's CDP; ``crl_fetch``: a
    callable(url) -> bytes (default: HTTP(S)/file); ``now``: the current
    time (tests).  ``ocsp=False`` skips OCSP.  CRLs are cached for the
    life of the checker (one verification or one batch), by URL and
    issuer.

    OCSP answers must be fresh: with no nextUpdate, thisUpdate must be at
    most ``ocsp_max_age`` old (``CLOCK_SKEW`` tolerated), else an old
    'good' answer replayed would be accepted for ever.  The request carries
    a nonce; an answer echoing another nonce is refused, one echoing none
    (a pre-produced answer: NCA RK echoes nonces, other responders may
    not) is accepted only when fresh by the same rule, whatever its
    nextUpdate."""

    #: the maximum age of thisUpdate of an OCSP answer without nextUpdate
    #: or without the nonce of the request
    ocsp_max_age = dt.timedelta(minutes=10)

    def __init__(self, ocsp_url=None, crl_fetch=None, timeout=5, now=None,
            crl_urls=(), ocsp=True):
        self.ocsp_url = ocsp_url or None
        self.crl_fetch = crl_fetch
        self.timeout = timeout or 5
        self._now = now
        self.crl_urls = [u.strip() for u in crl_urls or [] if u.strip()]
        self.use_ocsp = ocsp
        self._crls = {}

    @property
    def now(self):
        return self._now or dt.datetime.now(dt.timezone.utc)

    def _fetch(self, url):
        if self.crl_fetch:
            try:
                return self.crl_fetch(url)
            except Exception as exception:
                raise FetchError('%s: %s' % (url, exception))
        return fetch_url(url, timeout=self.timeout)

    def check(self, cert, issuer, *, reference_time=None):
        """Return (status, source, detail) of the certificate (CertInfo)
        issued by issuer (CertInfo): status 'good', 'revoked' or
        'unknown', source 'ocsp', 'crl' or None.  A revocation later than
        ``reference_time`` (when given) does not count."""
        details = []
        urls = [self.ocsp_url] if self.ocsp_url else list(cert.ocsp_urls)
        if self.use_ocsp:
            for url in urls:
                status, detail = self.check_ocsp(url, cert, issuer,
                    reference_time=reference_time)
                if status != UNKNOWN:
                    return status, 'ocsp', detail
                details.append('OCSP %s' % detail)
            if not urls:
                details.append('OCSP: no responder URL')
        crl_urls = []
        for url in list(cert.crl_urls) + self.crl_urls:
            if url not in crl_urls:
                crl_urls.append(url)
        for url in crl_urls:
            status, detail = self.check_crl(url, cert, issuer,
                reference_time=reference_time)
            if status != UNKNOWN:
                return status, 'crl', detail
            details.append('CRL %s' % detail)
        if not crl_urls:
            details.append('CRL: no distribution point')
        return UNKNOWN, None, '; '.join(details)

    # -- OCSP -------------------------------------------------------
    def ocsp_request(self, cert, issuer):
        "Return the DER OCSP request (SHA-1 certificate id, a nonce)"
        issuer_asn1 = ax509.Certificate.load(issuer.der)
        cert_asn1 = ax509.Certificate.load(cert.der)
        nonce = os.urandom(16)
        request = aocsp.OCSPRequest({
                'tbs_request': {
                    'request_list': [{
                            'req_cert': {
                                'hash_algorithm': {'algorithm': 'sha1'},
                                'issuer_name_hash':
                                    issuer_asn1.subject.sha1,
                                'issuer_key_hash':
                                    issuer_asn1.public_key.sha1,
                                'serial_number': cert_asn1.serial_number,
                                },
                            }],
                    'request_extensions': [{
                            'extn_id': 'nonce',
                            'critical': False,
                            'extn_value': nonce,
                            }],
                    },
                })
        return request.dump(), nonce

    def check_ocsp(self, url, cert, issuer, *, reference_time=None):
        "Return (status, detail) of one OCSP responder"
        try:
            request, nonce = self.ocsp_request(cert, issuer)
            data = fetch_url(url, data=request,
                content_type='application/ocsp-request',
                timeout=self.timeout)
        except FetchError as exception:
            return UNKNOWN, 'unreachable: %s' % exception
        try:
            return self._parse_ocsp(data, cert, issuer, nonce,
                reference_time)
        except Exception as exception:
            return UNKNOWN, 'unusable answer from %s: %s' % (url, exception)

    def _parse_ocsp(self, data, cert, issuer, nonce, reference_time):
        if not data:
            return UNKNOWN, 'empty answer'
        response = aocsp.OCSPResponse.load(data)
        status = response['response_status'].native
        if status != 'successful':
            return UNKNOWN, 'responder answered %s' % status
        basic = response.basic_ocsp_response
        tbs = basic['tbs_response_data']
        issuer_asn1 = ax509.Certificate.load(issuer.der)
        issuer_crypto = x509.load_der_x509_certificate(issuer.der)
        # the signer: the issuer itself or a responder certificate issued
        # by it carrying the OCSPSigning EKU
        signer_keys = [issuer_crypto.public_key()]
        for choice in basic['certs'] or []:
            responder = x509.load_der_x509_certificate(choice.dump())
            try:
                responder.verify_directly_issued_by(issuer_crypto)
                eku = responder.extensions.get_extension_for_class(
                    x509.ExtendedKeyUsage).value
            except (ValueError, TypeError, InvalidSignature,
                    x509.ExtensionNotFound):
                continue
            if x509.ObjectIdentifier(OCSP_SIGNING) not in eku:
                continue
            now = self.now
            if not (_aware(responder.not_valid_before_utc) <= now
                    <= _aware(responder.not_valid_after_utc)):
                continue
            signer_keys.append(responder.public_key())
        signature = basic['signature'].native
        signed = tbs.dump()
        for key in signer_keys:
            try:
                verify_signature(key, signature, signed,
                    basic['signature_algorithm'])
                break
            except (InvalidSignature, UnsupportedAlgorithm, KeyError):
                continue
        else:
            return UNKNOWN, 'OCSP response signature invalid'
        echoed = False
        for extension in tbs['response_extensions'] or []:
            if extension['extn_id'].native == 'nonce':
                if extension['extn_value'].native != nonce:
                    return UNKNOWN, 'OCSP nonce mismatch'
                echoed = True
        cert_serial = ax509.Certificate.load(cert.der).serial_number
        for single in tbs['responses']:
            cert_id = single['cert_id']
            hash_name = cert_id['hash_algorithm']['algorithm'].native
            name_hash = getattr(issuer_asn1.subject, hash_name)
            key_hash = getattr(issuer_asn1.public_key, hash_name)
            if (cert_id['serial_number'].native != cert_serial
                    or cert_id['issuer_name_hash'].native != name_hash
                    or cert_id['issuer_key_hash'].native != key_hash):
                continue
            now = self.now
            this_update = _aware(single['this_update'].native)
            next_update = _aware(single['next_update'].native)
            if this_update > now + CLOCK_SKEW:
                return UNKNOWN, 'OCSP thisUpdate in the future'
            if next_update is not None and next_update < now - CLOCK_SKEW:
                return UNKNOWN, 'OCSP answer out of date (nextUpdate %s)' % (
                    next_update.isoformat())
            if (next_update is None or not echoed) and this_update < (
                    now - self.ocsp_max_age - CLOCK_SKEW):
                return UNKNOWN, ('OCSP answer too old (thisUpdate %s, %s)'
                    % (this_update.isoformat(), 'no nextUpdate'
                        if next_update is None else 'nonce not echoed'))
            cert_status = single['cert_status']
            if cert_status.name == 'good':
                return GOOD, 'OCSP: good (thisUpdate %s)' % (
                    this_update.isoformat())
            if cert_status.name == 'revoked':
                when = _aware(cert_status.chosen['revocation_time'].native)
                if reference_time and when > reference_time:
                    return GOOD, ('OCSP: revoked at %s, after %s' % (
                            when.isoformat(), reference_time.isoformat()))
                return REVOKED, 'OCSP: revoked at %s' % when.isoformat()
            return UNKNOWN, 'OCSP: certificate unknown to the responder'
        return UNKNOWN, 'OCSP answer is not about this certificate'

    # -- CRL --------------------------------------------------------
    def load_crl(self, url, issuer):
        """Return (crl, detail) with crl None when unusable.  Cached by
        URL and issuer: the issuer and the signature of a CRL are checked
        against the issuer asked for, so a CRL found good for one CA must
        not answer for another one's certificates."""
        key = (url, issuer.fingerprint)
        if key in self._crls:
            return self._crls[key]
        result = self._load_crl(url, issuer)
        self._crls[key] = result
        return result

    def _load_crl(self, url, issuer):
        try:
            data = self._fetch(url)
        except FetchError as exception:
            return None, 'unavailable: %s' % exception
        if not data:
            return None, 'zero-byte CRL at %s' % url
        try:
            if data.lstrip().startswith(b'-----BEGIN'):
                crl = x509.load_pem_x509_crl(data)
            else:
                crl = x509.load_der_x509_crl(data)
        except ValueError as exception:
            return None, 'broken CRL at %s: %s' % (url, exception)
        issuer_crypto = x509.load_der_x509_certificate(issuer.der)
        if crl.issuer != issuer_crypto.subject:
            return None, 'CRL at %s is of another issuer' % url
        try:
            if not crl.is_signature_valid(issuer_crypto.public_key()):
                return None, 'CRL signature invalid at %s' % url
        except (TypeError, UnsupportedAlgorithm) as exception:
            return None, 'CRL signature not checked at %s: %s' % (
                url, exception)
        next_update = crl.next_update_utc
        if next_update is None or next_update < self.now:
            return None, 'expired CRL at %s (nextUpdate %s)' % (
                url, next_update and next_update.isoformat())
        return crl, 'CRL of %s' % crl.last_update_utc.isoformat()

    def check_crl(self, url, cert, issuer, *, reference_time=None):
        "Return (status, detail) of one CRL"
        crl, detail = self.load_crl(url, issuer)
        if crl is None:
            return UNKNOWN, detail
        serial = ax509.Certificate.load(cert.der).serial_number
        revoked = crl.get_revoked_certificate_by_serial_number(serial)
        if revoked is None:
            return GOOD, 'CRL: not revoked (%s)' % detail
        when = revoked.revocation_date_utc
        if reference_time and when > reference_time:
            return GOOD, 'CRL: revoked at %s, after %s' % (
                when.isoformat(), reference_time.isoformat())
        return REVOKED, 'CRL: revoked at %s' % when.isoformat()


def sha1_hex(data):
    return hashlib.sha1(data).hexdigest()
