# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""X.509 certificates of NCA RK (ҰКО): subject fields (IIN, BIN), roles
from the extended key usage, algorithm, AIA OCSP and CDP URLs (R20,
R22.10).  Pure library: no Tryton needed."""
import base64
import dataclasses
import datetime as dt
import hashlib
import re

from asn1crypto import core, pem
from asn1crypto import x509 as ax509

__all__ = ['CertInfo', 'CertificateError', 'parse_certificate', 'load_der',
    'ROLE_OIDS', 'OID_ROLES', 'EKU_SIGNING', 'EKU_AUTH', 'algorithm_of']

#: roles of NCA RK certificates: extendedKeyUsage 1.2.398.3.3.4.1.x
ROLE_OIDS = {
    'individual': '1.2.398.3.3.4.1.1',
    'legal': '1.2.398.3.3.4.1.2',
    'first_head': '1.2.398.3.3.4.1.2.1',
    'signer': '1.2.398.3.3.4.1.2.2',
    'finance': '1.2.398.3.3.4.1.2.3',
    'hr': '1.2.398.3.3.4.1.2.4',
    'employee': '1.2.398.3.3.4.1.2.5',
    }
OID_ROLES = {v: k for k, v in ROLE_OIDS.items()}
EKU_SIGNING = '1.3.6.1.5.5.7.3.4'
EKU_AUTH = '1.3.6.1.5.5.7.3.2'

# GOST OIDs of Kazakhstan (34.310-2004 and 34.10-2015) and of TC26
_GOST2004 = ('1.2.398.3.10.1.1.1', '1.2.398.3.10.1.3.1')
_GOST2015 = ('1.2.398.3.10.1.1.2', '1.2.398.3.10.1.3.2', '1.2.643.7.1.')


class CertificateError(ValueError):
    "The data is not an X.509 certificate"


def algorithm_of(oid):
    "Return the algorithm family of an OID of a key or signature algorithm"
    oid = str(oid or '')
    if oid.startswith(_GOST2004):
        return 'gost2004'
    if oid.startswith(_GOST2015):
        return 'gost2015'
    if oid in {'1.2.840.113549.1.1.1', '1.2.840.113549.1.1.10'} \
            or oid.startswith('1.2.840.113549.1.1.'):
        return 'rsa'
    if oid == '1.2.840.10045.2.1' or oid.startswith('1.2.840.10045.4'):
        return 'ecdsa'
    return oid


@dataclasses.dataclass
class CertInfo:
    "What the application needs of a certificate"
    serial: str
    subject: str
    issuer: str
    iin: str | None
    bin: str | None
    common_name: str | None
    surname: str | None
    given_name: str | None
    organisation: str | None
    not_before: dt.datetime
    not_after: dt.datetime
    algorithm: str
    eku: list
    roles: list
    ocsp_urls: list
    crl_urls: list
    fingerprint: str
    der: bytes = dataclasses.field(repr=False)
    #: the keyUsage bits set (asn1crypto names: 'digital_signature',
    #: 'non_repudiation'…), None when the certificate has no keyUsage
    key_usage: frozenset | None = None

    @property
    def for_signing(self):
        """Whether the certificate is one of a signing key: NCA RK gives
        separate keys for authentication (EKU clientAuth
        1.3.6.1.5.5.7.3.2) and for signing (EKU 1.3.6.1.5.5.7.3.4); a
        signing key carries the signing EKU and, when the certificate has
        a keyUsage, digitalSignature or nonRepudiation."""
        if EKU_SIGNING not in self.eku:
            return False
        if self.key_usage is not None and not (self.key_usage
                & {'digital_signature', 'non_repudiation'}):
            return False
        return True

    @property
    def name(self):
        "The signer's name to show: surname and given name, else the CN"
        if self.surname or self.given_name:
            return ' '.join(p for p in [self.surname, self.given_name] if p)
        return self.common_name or self.subject

    @property
    def asn1(self):
        return ax509.Certificate.load(self.der)

    def valid_at(self, when):
        return self.not_before <= when <= self.not_after


def load_der(data):
    "Return the DER of a certificate given as DER, PEM or base64"
    if isinstance(data, str):
        data = data.encode('ascii', 'ignore')
    data = bytes(data or b'')
    stripped = data.strip()
    if pem.detect(stripped):
        _, _, der = pem.unarmor(stripped)
        return der
    if stripped[:1] != b'\x30':
        try:
            return base64.b64decode(re.sub(rb'\s+', b'', stripped),
                validate=True)
        except ValueError:
            pass
    return data


def _text(value):
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = ', '.join(str(v) for v in value)
    return str(value)


def _name_string(name):
    "Return an RFC 4514 like string (most significant first as NCA shows)"
    labels = {
        'common_name': 'CN', 'surname': 'SURNAME', 'given_name': 'G',
        'serial_number': 'SERIALNUMBER', 'country_name': 'C',
        'organization_name': 'O', 'organizational_unit_name': 'OU',
        'locality_name': 'L', 'state_or_province_name': 'ST',
        'email_address': 'E',
        }
    parts = []
    for rdn in name.chosen:
        for attribute in rdn:
            key = attribute['type'].native
            label = labels.get(key, attribute['type'].dotted)
            parts.append('%s=%s' % (label, _text(attribute['value'].native)))
    return ', '.join(parts)


def _attributes(name, key):
    values = []
    for rdn in name.chosen:
        for attribute in rdn:
            if attribute['type'].native == key:
                values.append(_text(attribute['value'].native))
    return values


def _prefixed(values, prefix):
    for value in values:
        value = (value or '').strip()
        if value.upper().startswith(prefix):
            digits = value[len(prefix):].strip()
            if re.fullmatch(r'\d{12}', digits):
                return digits
    return None


def _aware(value):
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def _key_algorithm_oid(spki):
    """Return the OID of the key algorithm without letting asn1crypto
    parse the key (it refuses the algorithms it does not know: GOST)"""
    generic = core.Sequence.load(spki.dump())
    algorithm = core.Sequence.load(generic[0].dump())
    return core.ObjectIdentifier.load(algorithm[0].dump()).dotted


_CACHE = {}
_CACHE_SIZE = 2048


def parse_certificate(data):
    """Return the CertInfo of a certificate given as DER or PEM bytes.
    Raise CertificateError when it is not a certificate.  The results are
    cached by DER (a CertInfo must not be changed)."""
    der = load_der(data)
    info = _CACHE.get(der)
    if info is None:
        info = _parse_certificate(der)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[der] = info
    return info


def _parse_certificate(der):
    try:
        cert = ax509.Certificate.load(der)
        tbs = cert['tbs_certificate']
        subject, issuer = tbs['subject'], tbs['issuer']
        serial = '%X' % tbs['serial_number'].native
        validity = tbs['validity']
        not_before = _aware(validity['not_before'].native)
        not_after = _aware(validity['not_after'].native)
        key_oid = _key_algorithm_oid(tbs['subject_public_key_info'])
        signature_oid = cert['signature_algorithm']['algorithm'].dotted
        eku = []
        key_usage = None
        ocsp_urls, crl_urls = [], []
        for extension in tbs['extensions']:
            name = extension['extn_id'].native
            if name == 'extended_key_usage':
                eku = [p.dotted for p in extension['extn_value'].parsed]
            elif name == 'key_usage':
                key_usage = frozenset(extension['extn_value'].parsed.native)
            elif name == 'authority_information_access':
                for access in extension['extn_value'].parsed:
                    if access['access_method'].native == 'ocsp' \
                            and access['access_location'].name \
                            == 'uniform_resource_identifier':
                        ocsp_urls.append(access['access_location'].native)
            elif name == 'crl_distribution_points':
                for point in extension['extn_value'].parsed:
                    names = point['distribution_point']
                    if names.name != 'full_name':
                        continue
                    for general in names.chosen:
                        if general.name == 'uniform_resource_identifier':
                            crl_urls.append(general.native)
        subject_string = _name_string(subject)
        issuer_string = _name_string(issuer)
    except Exception as exception:
        raise CertificateError(
            'not an X.509 certificate: %s' % exception) from exception
    algorithm = algorithm_of(key_oid)
    if algorithm == key_oid:
        algorithm = algorithm_of(signature_oid)
    organisations = _attributes(subject, 'organization_name')
    return CertInfo(
        serial=serial,
        subject=subject_string,
        issuer=issuer_string,
        iin=_prefixed(_attributes(subject, 'serial_number'), 'IIN'),
        bin=_prefixed(_attributes(subject, 'organizational_unit_name'),
            'BIN'),
        common_name=next(iter(_attributes(subject, 'common_name')), None),
        surname=next(iter(_attributes(subject, 'surname')), None),
        given_name=next(iter(_attributes(subject, 'given_name')), None),
        organisation=organisations[0] if organisations else None,
        not_before=not_before,
        not_after=not_after,
        algorithm=algorithm,
        eku=eku,
        roles=[OID_ROLES[o] for o in eku if o in OID_ROLES],
        ocsp_urls=ocsp_urls,
        crl_urls=crl_urls,
        fingerprint=hashlib.sha256(der).hexdigest(),
        der=der,
        key_usage=key_usage,
        )
