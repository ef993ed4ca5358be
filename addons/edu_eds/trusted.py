# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Trusted root and intermediate certificates of NCA RK (R22.10).  No data
is shipped: production loads NCA's from pki.gov.kz, tests and the demo
load the test PKI's.  The platform administrator manages them."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields, DeactivableMixin

from .certificate import CertificateError, parse_certificate
from .exceptions import CertificateValidationError
from .trust import TrustStore

__all__ = ['TrustCertificate']


class TrustCertificate(DeactivableMixin, ModelSQL, ModelView):
    "Trusted Certificate"
    __name__ = 'edu.eds.trust.certificate'

    name = fields.Char("Name", required=True)
    kind = fields.Selection([
            ('root', "Root"),
            ('intermediate', "Intermediate"),
            ], "Kind", required=True)
    data = fields.Binary("Certificate", required=True,
        filename='file_name', help="DER or PEM.")
    file_name = fields.Function(fields.Char("File Name"), 'get_file_name')
    subject = fields.Char("Subject", readonly=True)
    serial = fields.Char("Serial Number", readonly=True)
    not_after = fields.DateTime("Valid Until", readonly=True)
    algorithm = fields.Char("Algorithm", readonly=True)
    fingerprint = fields.Char("SHA-256 Fingerprint", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('kind', 'DESC'))

    @classmethod
    def default_kind(cls):
        return 'root'

    def get_file_name(self, name):
        return '%s.cer' % (self.serial or 'certificate')

    @classmethod
    def _certificate_values(cls, data):
        try:
            info = parse_certificate(bytes(data))
        except CertificateError as exception:
            raise CertificateValidationError(gettext(
                    'edu_eds.msg_certificate_invalid',
                    detail=str(exception)[:200])) from exception
        return {
            'subject': info.subject,
            'serial': info.serial,
            'not_after': info.not_after.replace(tzinfo=None),
            'algorithm': info.algorithm,
            'fingerprint': info.fingerprint,
            }

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('data'):
                values.update(cls._certificate_values(values['data']))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        args = []
        for records, values in zip(actions, actions):
            if values.get('data'):
                values = {**values, **cls._certificate_values(values['data'])}
            args.extend((records, values))
        super().write(*args)

    @classmethod
    def trust_store(cls):
        "Return the TrustStore of the active trusted certificates"
        records = cls.search([('active', '=', True)])
        return TrustStore([bytes(r.data) for r in records if r.data])

    @classmethod
    def load_certificates(cls, certificates, kind=None):
        """Create the certificates (DER/PEM bytes) not yet trusted; the
        kind is guessed (self-signed: root).  Return the records."""
        records = []
        for data in certificates:
            values = cls._certificate_values(data)
            existing = cls.search([
                    ('fingerprint', '=', values['fingerprint']),
                    ('active', 'in', [True, False]),
                    ])
            if existing:
                records.extend(existing)
                continue
            info = parse_certificate(bytes(data))
            record, = cls.create([{
                        'name': info.common_name or info.subject,
                        'kind': kind or (
                            'root' if info.subject == info.issuer
                            else 'intermediate'),
                        'data': bytes(info.der),
                        }])
            records.append(record)
        return records
