# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The verified signatures of any record (R20, R22.4, R22.10).

A signature is stored only by :meth:`Signature.add`, after a complete
verification succeeded: the model access refuses create, write and delete
to every group; ``add`` and ``reverify`` run without access checks on
behalf of the module which calls them (e.g. ``edu.edms.document.sign``).
Readable by the users of its organisation who need it (management, clerk,
auditor) and by its signer (record rules)."""
import datetime as dt
import hashlib

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .cms import (
    STATUSES, ExternalVerifier, check_expectation, load_cms, verify_cms)
from .exceptions import SignatureError
from .revocation import RevocationChecker

__all__ = ['Signature', 'status_message']

STATUS_SELECTION = [
    ('valid', "Valid"),
    ('malformed', "Malformed"),
    ('content_mismatch', "Content Mismatch"),
    ('signature_invalid', "Signature Invalid"),
    ('unknown_ca', "Unknown CA"),
    ('expired', "Certificate Expired"),
    ('revoked', "Certificate Revoked"),
    ('revocation_unknown', "Revocation Unknown"),
    ('unsupported_algorithm', "Unsupported Algorithm"),
    ('verifier_unavailable', "Verifier Unavailable"),
    ('wrong_signer', "Wrong Signer"),
    ('wrong_role', "Wrong Role"),
    ('wrong_bin', "Wrong BIN"),
    ]
assert [s for s, _ in STATUS_SELECTION] == STATUSES


def status_message(verification):
    "Return the translated message of the status of a Verification"
    status = verification.status
    source = None
    if verification.signers:
        source = verification.signers[0].revocation_source
    if status == 'revoked' and source in {'ocsp', 'crl'}:
        return gettext('edu_eds.msg_status_revoked_%s' % source)
    return gettext('edu_eds.msg_status_%s' % status)


def _naive(value):
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def _aware(value):
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value


class Signature(ModelSQL, ModelView):
    "Electronic Signature"
    __name__ = 'edu.eds.signature'

    resource = fields.Reference("Resource", selection='get_resources',
        readonly=True)
    company = fields.Many2One('company.company', "Organisation",
        readonly=True, ondelete='RESTRICT')
    file_name = fields.Char("File Name", readonly=True)
    content_sha256 = fields.Char("Content SHA-256", readonly=True)
    cms = fields.Binary("CMS", readonly=True, filename='cms_name')
    cms_name = fields.Function(fields.Char("CMS Name"), 'get_cms_name')
    attached = fields.Boolean("Attached", readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True,
        ondelete='RESTRICT')
    signer_name = fields.Char("Signer", readonly=True)
    signer_iin = fields.Char("IIN", readonly=True)
    signer_bin = fields.Char("BIN", readonly=True)
    organisation = fields.Char("Organisation (Certificate)", readonly=True)
    cert_serial = fields.Char("Certificate Serial", readonly=True)
    cert_issuer = fields.Char("Certificate Issuer", readonly=True)
    cert_not_before = fields.DateTime("Certificate Valid From", readonly=True)
    cert_not_after = fields.DateTime("Certificate Valid Until",
        readonly=True)
    roles = fields.Char("Roles", readonly=True)
    algorithm = fields.Char("Algorithm", readonly=True)
    signing_time = fields.DateTime("Signing Time", readonly=True)
    status = fields.Selection(STATUS_SELECTION, "Status", readonly=True,
        required=True)
    status_message = fields.Function(fields.Char("Result"),
        'get_status_message')
    status_detail = fields.Text("Technical Detail", readonly=True)
    revocation_source = fields.Selection([
            (None, ""),
            ('ocsp', "OCSP"),
            ('crl', "CRL"),
            ], "Revocation Checked By", readonly=True)
    verified_at = fields.DateTime("Verified At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('signing_time', 'DESC'))

    @classmethod
    def get_resources(cls):
        pool = Pool()
        Model = pool.get('ir.model')
        return [(None, '')] + list(Model.get_name_items())

    def get_cms_name(self, name):
        return '%s.cms' % (self.file_name or 'signature')

    def get_status_message(self, name):
        if not self.status:
            return None
        if self.status == 'revoked' and self.revocation_source:
            return gettext('edu_eds.msg_status_revoked_%s'
                % self.revocation_source)
        return gettext('edu_eds.msg_status_%s' % self.status)

    def get_rec_name(self, name):
        return '%s (%s)' % (self.signer_name or '', self.signer_iin or '')

    # -- API --------------------------------------------------------
    @classmethod
    @without_check_access
    def _verifier(cls):
        "Return (trust, revocation, external verifier) from the database"
        pool = Pool()
        Configuration = pool.get('edu.eds.configuration')
        TrustCertificate = pool.get('edu.eds.trust.certificate')
        config = Configuration(1)
        trust = TrustCertificate.trust_store()
        revocation = None
        if config.check_revocation:
            revocation = RevocationChecker(ocsp_url=config.ocsp_url,
                crl_urls=config.crl_url_list, timeout=config.timeout)
        external = None
        if config.external_verifier_url:
            external = ExternalVerifier(config.external_verifier_url,
                timeout=config.timeout)
        return trust, revocation, external

    @classmethod
    def verify(cls, cms, content, *, user=None, roles=None, bin=None,
            reference_time=None, fresh=False, _verifier=None):
        """Verify a CMS of content against the trusted roots, revocation
        and the expectation: ``user`` (res.user or id) whose IIN must be
        the certificate's, ``roles`` (codes, one needed), ``bin`` (the
        organisation's BIN); ``fresh``: signed just now, the certificate
        must be valid now too.  Store nothing; return the Verification."""
        pool = Pool()
        User = pool.get('res.user')
        trust, revocation, external = _verifier or cls._verifier()
        verification = verify_cms(cms, content, trust, revocation,
            external_verifier=external, reference_time=reference_time,
            fresh=fresh)
        iin = None
        if user is not None:
            with without_check_access():
                if isinstance(user, int):
                    user = User(user)
                iin = user.iin or ''
        if user is not None and verification.valid and not iin:
            return verification.fail('wrong_signer',
                'the user %s has no IIN' % user.id, verification.signer)
        if isinstance(roles, str):
            roles = [r.strip() for r in roles.split(',') if r.strip()]
        return check_expectation(verification, iin=iin,
            roles=set(roles or []), bin=bin or None)

    @classmethod
    def add(cls, resource, content, cms, *, file_name=None, user=None,
            roles=None, bin=None, company=None, fresh=None):
        """Verify and store the signature of ``content`` of ``resource``
        (a record or 'model,id'); raise SignatureError with the translated
        reason when it is not valid: nothing is stored then.
        ``fresh`` (default: True when ``user`` signs, i.e. a signature made
        in this application now; False for received documents): the
        certificate must be valid now as well as at the signing-time."""
        pool = Pool()
        User = pool.get('res.user')
        content = bytes(content) if content is not None else None
        if fresh is None:
            fresh = user is not None
        verification = cls.verify(cms, content, user=user, roles=roles,
            bin=bin, fresh=fresh)
        signer = verification.signer
        if not verification.valid:
            name = signer.cert.name if signer and signer.cert else ''
            raise SignatureError(
                gettext('edu_eds.msg_signature_refused',
                    reason=status_message(verification),
                    signer=name or '-'),
                verification.detail, status=verification.status,
                verification=verification)
        if isinstance(user, int):
            user = User(user)
        if company is None and not isinstance(resource, (str, type(None))):
            company = getattr(resource, 'company', None)
        if company is None:
            company = Transaction().context.get('company')
            if company is None and user is not None:
                with without_check_access():
                    company = user.company
        if not isinstance(resource, str) and resource is not None:
            resource = str(resource)
        cert = signer.cert
        values = {
            'resource': resource,
            'company': getattr(company, 'id', company),
            'file_name': file_name,
            'content_sha256': hashlib.sha256(
                verification.content).hexdigest(),
            # DER, also when NCALayer's base64 was given
            'cms': load_cms(cms).dump(),
            'attached': _is_attached(cms),
            'user': getattr(user, 'id', user),
            'signer_name': cert.name,
            'signer_iin': cert.iin,
            'signer_bin': cert.bin,
            'organisation': cert.organisation,
            'cert_serial': cert.serial,
            'cert_issuer': cert.issuer,
            'cert_not_before': _naive(cert.not_before),
            'cert_not_after': _naive(cert.not_after),
            'roles': ','.join(cert.roles),
            'algorithm': cert.algorithm,
            'signing_time': _naive(signer.signing_time),
            'status': 'valid',
            'status_detail': signer.detail,
            'revocation_source': signer.revocation_source,
            'verified_at': _naive(dt.datetime.now(dt.timezone.utc)),
            }
        with without_check_access():
            signature, = cls.create([values])
        return signature

    @classmethod
    def reverify(cls, signatures, content_by_id=None):
        """Re-check stored signatures against the current content (by id,
        else ``resource.get_signed_content(signature)``); write the status
        and return {id: Verification}.  Revocations after the first
        acceptance of a signature do not make it invalid."""
        results = {}
        verifier = cls._verifier()
        with without_check_access():
            signatures = cls.browse([s.id for s in signatures])
            for signature in signatures:
                if content_by_id is not None:
                    content = content_by_id.get(signature.id)
                else:
                    content = signature.resource.get_signed_content(
                        signature)
                content = bytes(content) if content is not None else None
                if content is None and not signature.attached:
                    content = b''
                verification = cls.verify(bytes(signature.cms), content,
                    reference_time=_aware(signature.create_date),
                    _verifier=verifier)
                if (verification.valid and signature.signer_iin
                        and verification.signer.cert.iin
                        != signature.signer_iin):
                    verification.fail('wrong_signer',
                        'the certificate changed', verification.signer)
                signer = verification.signer
                cls.write([signature], {
                        'status': verification.status,
                        'status_detail': (verification.detail
                            or (signer.detail if signer else '')),
                        'revocation_source': (
                            signer.revocation_source if signer else None),
                        'verified_at': _naive(
                            dt.datetime.now(dt.timezone.utc)),
                        })
                results[signature.id] = verification
        return results


def _is_attached(cms):
    try:
        info = load_cms(cms)
    except ValueError:
        return False
    return bool(info['content']['encap_content_info']['content'])
