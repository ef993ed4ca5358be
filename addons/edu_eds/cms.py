# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Verification of CMS SignedData made by NCALayer (R20, R22.4, R22.10).

Checked in this order, the first failing signer deciding the status: the
CMS structure ('malformed'); the attached content equals the stored one
and the signed message-digest equals the digest of the stored content
('content_mismatch'); the cryptographic signature ('signature_invalid'):
RSA PKCS#1 v1.5 and PSS (and ECDSA) in process with ``cryptography``; a
chain to an active trusted root ('unknown_ca'); a certificate of a signing
key, not of an authentication one ('wrong_role': the extended key usage
1.3.6.1.5.5.7.3.4 and, when there is a keyUsage, digitalSignature or
nonRepudiation, :attr:`CertInfo.for_signing`, checked for GOST too after
the external verifier); every certificate of the
chain valid at the signing-time of the signed attributes, at the time of
verification when there is none ('expired'); revocation of the signer's
certificate by OCSP then CRL ('revoked', 'revocation_unknown'); then the
expectations of the caller (:func:`check_expectation`: 'wrong_signer',
'wrong_role', 'wrong_bin').  GOST signatures go to an external
NCANode-compatible verifier when one is configured ('verifier_unavailable'
when it does not answer), else 'unsupported_algorithm': nothing that was
not verified is ever accepted.  An unexpected error while checking a
signer (a certificate the libraries refuse in an unforeseen way) gives
'malformed' and is logged, never an exception.
"""
import base64
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import re
import urllib.error
import urllib.request

from asn1crypto import cms as acms
from asn1crypto import pem
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

from .certificate import (
    EKU_SIGNING, CertificateError, CertInfo, algorithm_of, parse_certificate)
from .revocation import REVOKED, UNKNOWN, verify_signature
from .trust import load_certificate

__all__ = ['STATUSES', 'Verification', 'SignerResult', 'verify_cms',
    'check_expectation', 'ExternalVerifier', 'load_cms']
logger = logging.getLogger(__name__)

#: every status code of a verification (message edu_eds.msg_status_<code>)
STATUSES = [
    'valid', 'malformed', 'content_mismatch', 'signature_invalid',
    'unknown_ca', 'expired', 'revoked', 'revocation_unknown',
    'unsupported_algorithm', 'verifier_unavailable', 'wrong_signer',
    'wrong_role', 'wrong_bin',
    ]
_DIGESTS = {
    'sha1': hashlib.sha1, 'sha224': hashlib.sha224,
    'sha256': hashlib.sha256, 'sha384': hashlib.sha384,
    'sha512': hashlib.sha512,
    }


class MalformedError(ValueError):
    pass


@dataclasses.dataclass
class SignerResult:
    cert: CertInfo | None
    signing_time: dt.datetime | None = None
    status: str = 'valid'
    detail: str = ''
    revocation_source: str | None = None
    revocation_checked_at: dt.datetime | None = None


@dataclasses.dataclass
class Verification:
    status: str
    signers: list = dataclasses.field(default_factory=list)
    content: bytes | None = dataclasses.field(default=None, repr=False)
    digest_algorithm: str | None = None
    detail: str = ''

    @property
    def valid(self):
        return self.status == 'valid'

    @property
    def signer(self):
        "The first signer (the one that decided) or None"
        return self.signers[0] if self.signers else None

    def fail(self, status, detail, signer=None):
        self.status = status
        self.detail = detail
        if signer is not None:
            signer.status = status
            signer.detail = detail
        return self


def load_cms(data):
    "Return the asn1crypto ContentInfo of DER, PEM or base64 CMS"
    if isinstance(data, str):
        data = data.encode('ascii', 'ignore')
    data = bytes(data or b'')
    if not data.strip():
        raise MalformedError('empty CMS')
    stripped = data.strip()
    if pem.detect(stripped):
        _, _, data = pem.unarmor(stripped)
    elif stripped[:1] != b'\x30':
        try:
            data = base64.b64decode(re.sub(rb'\s+', b'', stripped),
                validate=True)
        except ValueError:
            raise MalformedError('neither DER nor base64')
    try:
        info = acms.ContentInfo.load(data, strict=True)
        if info['content_type'].native != 'signed_data':
            raise MalformedError('not a SignedData but %s'
                % info['content_type'].native)
        signed = info['content']
        # force the parsing of what is used
        signed['encap_content_info']['content_type'].native
        signed['digest_algorithms'].native
        for signer in signed['signer_infos']:
            signer['sid'].native
            signer['digest_algorithm'].native
            signer['signature_algorithm'].native
            signer['signature'].native
            if signer['signed_attrs']:
                signer['signed_attrs'].native
        for choice in signed['certificates'] or []:
            # the certificates are parsed by parse_certificate (the keys
            # of GOST are unknown to asn1crypto)
            choice.chosen
    except MalformedError:
        raise
    except Exception as exception:
        raise MalformedError('broken ASN.1: %s' % exception)
    return info


def _signer_certificate(signer, certificates):
    sid = signer['sid']
    for cert in certificates:
        if sid.name == 'issuer_and_serial_number':
            if cert.serial_number != sid.chosen['serial_number'].native:
                continue
            issuer = sid.chosen['issuer']
            # the same DER most of the time; else compare as X.500 does
            if (cert.issuer.dump() == issuer.dump()
                    or cert.issuer == issuer):
                return cert
        elif sid.name == 'subject_key_identifier':
            if cert.key_identifier == sid.chosen.native:
                return cert
    return None


def _attribute(attrs, name):
    for attribute in attrs or []:
        if attribute['type'].native == name:
            values = attribute['values']
            if len(values) != 1:
                raise MalformedError('attribute %s with %s values'
                    % (name, len(values)))
            return values[0]
    return None


def _utc(value):
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def verify_cms(cms, content, trust, revocation, *, now=None,
        external_verifier=None, reference_time=None, fresh=False):
    """Verify the CMS SignedData ``cms`` (DER or base64) of ``content``
    (None for an attached signature) and return a Verification.

    ``trust``: a TrustStore; ``revocation``: a RevocationChecker or None
    (no revocation check: tests of other modules only);
    ``external_verifier``: an ExternalVerifier for GOST;
    ``reference_time``: revocations after it do not count (the time the
    signature was first accepted, for re-verifications);
    ``fresh``: the signature is being made now (a user signing in this
    application): the certificates must also be valid now, so that a
    signing-time set back by the signer does not revive an expired
    certificate."""
    now = now or dt.datetime.now(dt.timezone.utc)
    verification = Verification(status='valid')
    try:
        info = load_cms(cms)
    except MalformedError as exception:
        return verification.fail('malformed', str(exception))
    signed = info['content']
    encap = signed['encap_content_info']
    embedded = encap['content'].native if encap['content'] else None
    if embedded is not None and not isinstance(embedded, bytes):
        embedded = encap['content'].contents
    if embedded is not None and content is not None:
        if bytes(content) != embedded:
            return verification.fail('content_mismatch',
                'the attached content differs from the stored content')
    data = bytes(content) if content is not None else embedded
    if data is None:
        return verification.fail('malformed',
            'detached signature and no content given')
    verification.content = data
    signers = list(signed['signer_infos'])
    if not signers:
        return verification.fail('malformed', 'no signer')
    certificates = [c.chosen for c in signed['certificates'] or []
        if c.name == 'certificate']
    extra = [c.dump() for c in certificates]
    result = None
    try:
        for signer in signers:
            result = None
            cert = _signer_certificate(signer, certificates)
            if cert is None:
                result = SignerResult(cert=None)
                verification.signers.append(result)
                return verification.fail('malformed',
                    'the signer certificate is not in the CMS', result)
            try:
                cert_info = parse_certificate(cert.dump())
            except CertificateError as exception:
                result = SignerResult(cert=None)
                verification.signers.append(result)
                return verification.fail('malformed', str(exception),
                    result)
            result = SignerResult(cert=cert_info)
            verification.signers.append(result)
            try:
                attrs = signer['signed_attrs']
                signing_time = _attribute(attrs, 'signing_time')
                if signing_time is not None:
                    result.signing_time = _utc(signing_time.native)
            except MalformedError as exception:
                return verification.fail('malformed', str(exception),
                    result)
            signature_oid = signer['signature_algorithm'][
                'algorithm'].dotted
            digest_oid = signer['digest_algorithm']['algorithm'].dotted
            if (cert_info.algorithm.startswith('gost')
                    or algorithm_of(signature_oid).startswith('gost')
                    or algorithm_of(digest_oid).startswith('gost')):
                if external_verifier is None:
                    return verification.fail('unsupported_algorithm',
                        'GOST signature (%s) and no external verifier'
                        % signature_oid, result)
                status, detail = external_verifier.verify(
                    info.dump(), content if embedded is None else None)
                if status != 'valid':
                    return verification.fail(status, detail, result)
                if not cert_info.for_signing:
                    return verification.fail('wrong_role',
                        _not_signing(cert_info), result)
                result.detail = detail
                continue
            status, detail = _verify_rsa(signer, cert, data)
            if status:
                verification.digest_algorithm = signer['digest_algorithm'][
                    'algorithm'].native
                return verification.fail(status, detail, result)
            verification.digest_algorithm = signer['digest_algorithm'][
                'algorithm'].native
            chain = trust.chain(cert_info, extra=extra)
            if not chain:
                return verification.fail('unknown_ca',
                    'no chain from "%s" to a trusted root'
                    % cert_info.issuer, result)
            if not cert_info.for_signing:
                # an authentication key of NCA RK (EKU clientAuth) signs
                # nothing: its CMS is not a signature
                return verification.fail('wrong_role',
                    _not_signing(cert_info), result)
            when = result.signing_time or now
            for link in chain:
                if fresh and not link.valid_at(now):
                    return verification.fail('expired',
                        '%s valid %s..%s, not now' % (link.subject,
                            link.not_before.isoformat(),
                            link.not_after.isoformat()), result)
                if not link.valid_at(when):
                    return verification.fail('expired',
                        '%s valid %s..%s, not at %s' % (link.subject,
                            link.not_before.isoformat(),
                            link.not_after.isoformat(), when.isoformat()),
                        result)
            if revocation is not None:
                status, source, detail = revocation.check(cert_info,
                    chain[1], reference_time=reference_time)
                result.revocation_source = source
                result.revocation_checked_at = dt.datetime.now(
                    dt.timezone.utc)
                if status == REVOKED:
                    return verification.fail('revoked', detail, result)
                if status == UNKNOWN:
                    return verification.fail('revocation_unknown', detail,
                        result)
                result.detail = detail
            else:
                result.detail = 'revocation not checked'
    except Exception as exception:
        # a safety net: a certificate or attribute that the libraries
        # refuse in an unforeseen way is a malformed CMS, never a crash
        logger.exception("CMS verification failed unexpectedly")
        return verification.fail('malformed',
            'unexpected error: %s: %s' % (type(exception).__name__,
                exception), result)
    return verification


def _not_signing(cert):
    "Return the detail of a certificate that is not of a signing key"
    return ('not a signing certificate: extended key usage %s (%s '
        'required), key usage %s' % (','.join(cert.eku) or '-', EKU_SIGNING,
            ','.join(sorted(cert.key_usage))
            if cert.key_usage is not None else '-'))


def _verify_rsa(signer, cert, data):
    "Return (status, detail) of the signature, status None when good"
    digest_name = signer['digest_algorithm']['algorithm'].native
    if digest_name not in _DIGESTS:
        return 'unsupported_algorithm', 'digest %s' % digest_name
    digest = _DIGESTS[digest_name](data).digest()
    attrs = signer['signed_attrs']
    try:
        public_key = load_certificate(cert.dump()).public_key()
    except (ValueError, UnsupportedAlgorithm) as exception:
        return 'unsupported_algorithm', 'public key: %s' % exception
    if attrs:
        signed_bytes = b'\x31' + attrs.dump()[1:]
    else:
        signed_bytes = data
    algorithm = signer['signature_algorithm']
    try:
        _check_signature(public_key, signer['signature'].native,
            signed_bytes, algorithm, digest_name)
    except UnsupportedAlgorithm as exception:
        return 'unsupported_algorithm', 'signature algorithm %s' % exception
    except (InvalidSignature, ValueError, KeyError, TypeError) as exception:
        return 'signature_invalid', (
            'the signature does not verify with the certificate key %s'
            % (exception or ''))
    if attrs:
        try:
            message_digest = _attribute(attrs, 'message_digest')
            content_type = _attribute(attrs, 'content_type')
        except MalformedError as exception:
            return 'malformed', str(exception)
        if message_digest is None:
            return 'malformed', 'no message-digest signed attribute'
        if content_type is not None and content_type.native != 'data':
            return 'malformed', 'content-type %s' % content_type.native
        if message_digest.native != digest:
            return 'content_mismatch', (
                'signed %s digest %s, content digest %s' % (digest_name,
                    message_digest.native.hex(), digest.hex()))
    return None, ''


def _check_signature(public_key, signature, data, algorithm, digest_name):
    "Verify with the CMS algorithm (a bare rsaEncryption uses the digest)"
    from asn1crypto import algos
    if algorithm['algorithm'].native in {'rsa', 'rsaes_pkcs1v15'}:
        algorithm = algos.SignedDigestAlgorithm(
            {'algorithm': '%s_rsa' % digest_name})
    elif algorithm['algorithm'].native == 'rsassa_pkcs1v15':
        algorithm = algos.SignedDigestAlgorithm(
            {'algorithm': '%s_rsa' % digest_name})
    elif algorithm['algorithm'].native == 'ecdsa':
        algorithm = algos.SignedDigestAlgorithm(
            {'algorithm': '%s_ecdsa' % digest_name})
    verify_signature(public_key, signature, data, algorithm)


def check_expectation(verification, *, iin=None, roles=None, bin=None):
    """Check the signers of a valid verification against the expectation:
    the IIN of the user ('wrong_signer'), at least one of the role codes
    ('wrong_role'), the BIN of the organisation ('wrong_bin')."""
    if not verification.valid:
        return verification
    for result in verification.signers:
        cert = result.cert
        if iin and cert.iin != iin:
            return verification.fail('wrong_signer',
                'certificate IIN %s, expected %s' % (cert.iin, iin), result)
        if roles and not set(roles) & set(cert.roles):
            return verification.fail('wrong_role',
                'certificate roles %s, one of %s required' % (
                    ','.join(cert.roles) or '-', ','.join(sorted(roles))),
                result)
        if bin and cert.bin != bin:
            return verification.fail('wrong_bin',
                'certificate BIN %s, expected %s' % (cert.bin, bin), result)
    return verification


class ExternalVerifier:
    """Client of an NCANode-compatible verifier (``POST {url}/cms/verify``
    with JSON {cms, data, revocationCheck}) for GOST signatures."""

    def __init__(self, url, timeout=10):
        self.url = url.rstrip('/')
        self.timeout = timeout or 10

    def verify(self, cms_der, content):
        "Return (status, detail) mapped to our status codes"
        body = {
            'cms': base64.b64encode(cms_der).decode('ascii'),
            'revocationCheck': ['OCSP', 'CRL'],
            }
        if content is not None:
            body['data'] = base64.b64encode(content).decode('ascii')
        request = urllib.request.Request(self.url + '/cms/verify',
            data=json.dumps(body).encode('utf-8'),
            headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as r:
                answer = json.loads(r.read().decode('utf-8'))
        except urllib.error.HTTPError as exception:
            if 400 <= exception.code < 500:
                return 'malformed', 'verifier refused the CMS: HTTP %s' % (
                    exception.code)
            return 'verifier_unavailable', 'verifier HTTP %s' % (
                exception.code)
        except (urllib.error.URLError, OSError, ValueError) as exception:
            return 'verifier_unavailable', 'verifier %s unreachable: %s' % (
                self.url, getattr(exception, 'reason', exception))
        return self.map_answer(answer)

    @staticmethod
    def map_answer(answer):
        "Map an NCANode answer to (status, detail)"
        if not isinstance(answer, dict):
            return 'verifier_unavailable', 'unexpected verifier answer'
        message = str(answer.get('message') or '')
        if answer.get('status') not in (None, 200, '200'):
            return 'malformed', 'verifier: %s' % message
        signers = answer.get('signers') or []
        for signer in signers:
            for cert in signer.get('certificates') or []:
                for revocation in cert.get('revocations') or []:
                    by = str(revocation.get('by') or '').lower() or None
                    if revocation.get('revoked'):
                        return 'revoked', 'verifier: revoked (%s)' % by
                    if revocation.get('revoked') is None \
                            and revocation.get('status') == 'UNKNOWN':
                        return 'revocation_unknown', 'verifier: %s' % by
                if cert.get('valid') is False:
                    reason = str(cert.get('reason') or message).lower()
                    if 'expir' in reason or 'not valid' in reason:
                        return 'expired', 'verifier: %s' % reason
                    if 'chain' in reason or 'trust' in reason \
                            or 'issuer' in reason:
                        return 'unknown_ca', 'verifier: %s' % reason
                    return 'signature_invalid', 'verifier: %s' % reason
        if answer.get('valid') is True:
            return 'valid', 'verified by the external verifier'
        if 'digest' in message.lower() or 'data' in message.lower():
            return 'content_mismatch', 'verifier: %s' % message
        return 'signature_invalid', 'verifier: %s' % (message or 'invalid')
