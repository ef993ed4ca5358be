# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The printout of a document with the stamps of its signatures and a QR
code, and the download "with signatures" (R22.11).

- ``edu.edms.document.printout``: a PDF in the printing language (kk/ru):
  the card of the document (kind, number, dates, correspondent with its
  BIN/IIN, summary, executor), one framed stamp per signature ("Подписано
  ЭЦП": signer, IIN, BIN, organisation, certificate serial and validity,
  signing time, verification result and time) and a QR code with the URL
  of the public verification page ``<base>/<db>/edms/verify/<token>``,
  printed under the code as well.
- ``edu.edms.document.package``: a zip with the main file and the other
  files, each signature as ``signatures/<n>.cms`` (DER) and
  ``signatures/<n>.json``, the PDF printout and ``card.json``.

The base URL is the field ``base_url`` of ``edu.edms.archive.configuration``;
when it is empty, ``https://<[web] hostname>`` of the trytond
configuration; else ``http://localhost:8000``.  The token
(``edu.edms.document.verify_token``) is random (``secrets.token_urlsafe``),
made the first time the document is printed or packaged.
"""
import base64
import hashlib
import datetime as dt
import io
import json
import secrets
import zipfile

import trytond.config as config
from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.modules.edu_account.printing import FileReport, PdfDocument
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

#: the colour of a verification result on the page and the printout
VALID = 'valid'


def base_url():
    "The base URL of this instance for the links of the QR codes"
    Configuration = Pool().get('edu.edms.archive.configuration')
    with without_check_access():
        url = Configuration(1).base_url
    if not url:
        hostname = config.get('web', 'hostname', default=None)
        url = f'https://{hostname}' if hostname else 'http://localhost:8000'
    return url.rstrip('/')


def verify_url(token):
    database = Transaction().database.name
    return f'{base_url()}/{database}/edms/verify/{token}'


def mask_iin(iin):
    "The first 6 digits (the birth date) and ******"
    if not iin:
        return ''
    return iin[:6] + '*' * max(len(iin) - 6, 0)


def qr_png(text):
    "The PNG bytes of a QR code of text"
    import qrcode
    code = qrcode.QRCode(border=2, box_size=6,
        error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image()
    output = io.BytesIO()
    image.save(output, 'PNG')
    return output.getvalue()


def _format(value):
    if value is None or value == '':
        return ''
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.strftime('%d.%m.%Y %H:%M:%S') + ' UTC'
    if isinstance(value, dt.date):
        return value.strftime('%d.%m.%Y')
    return str(value)


def status_text(status):
    "The words of a verification status (edu_eds' messages)"
    if not status:
        return ''
    try:
        return gettext(f'edu_eds.msg_status_{status}', signer='', name='',
            detail='')
    except Exception:
        return status


def card_rows(document):
    "The (label, value) pairs of the card of document"
    correspondent = ''
    if getattr(document, 'correspondent', None):
        correspondent = document.correspondent.rec_name
        tax_id = getattr(document, 'correspondent_tax_id', None)
        if tax_id:
            correspondent += ' (%s: %s)' % (
                gettext('edu_edms_archive.msg_print_tax_id'), tax_id)
    rows = [
        ('msg_print_organisation', document.company.rec_name),
        ('msg_print_kind', document.kind.rec_name if document.kind else ''),
        ('msg_print_number', document.number or ''),
        ('msg_print_registration_date',
            _format(getattr(document, 'registration_date', None))),
        ('msg_print_date', _format(getattr(document, 'date', None))),
        ('msg_print_correspondent', correspondent),
        ('msg_print_summary', document.summary or ''),
        ('msg_print_executor', document.executor.rec_name
            if getattr(document, 'executor', None) else ''),
        ]
    return [(gettext(f'edu_edms_archive.{m}'), v) for m, v in rows]


def signature_fields(signature):
    "The fields of the stamp of a signature as a dict (also the JSON)"
    return {
        'signer': signature.signer_name or '',
        'iin': signature.signer_iin or '',
        'bin': signature.signer_bin or '',
        'organisation': signature.organisation or '',
        'certificate_serial': signature.cert_serial or '',
        'certificate_issuer': signature.cert_issuer or '',
        'certificate_not_before': signature.cert_not_before,
        'certificate_not_after': signature.cert_not_after,
        'roles': signature.roles or '',
        'algorithm': signature.algorithm or '',
        'signing_time': signature.signing_time,
        'status': signature.status,
        'status_text': signature.status_message or status_text(
            signature.status),
        'verified_at': signature.verified_at,
        'file_name': signature.file_name or '',
        'content_sha256': signature.content_sha256 or '',
        }


def stamp_rows(values):
    "The (label, value) pairs of a signature stamp"
    t = gettext
    validity = '%s — %s' % (_format(values['certificate_not_before']),
        _format(values['certificate_not_after']))
    return [
        (t('edu_edms_archive.msg_stamp_signer'), values['signer']),
        (t('edu_edms_archive.msg_stamp_iin'), values['iin']),
        (t('edu_edms_archive.msg_stamp_bin'), values['bin']),
        (t('edu_edms_archive.msg_print_organisation'),
            values['organisation']),
        (t('edu_edms_archive.msg_stamp_certificate'),
            values['certificate_serial']),
        (t('edu_edms_archive.msg_stamp_validity'), validity),
        (t('edu_edms_archive.msg_stamp_signing_time'),
            _format(values['signing_time'])),
        (t('edu_edms_archive.msg_stamp_result'),
            values['status_text']),
        (t('edu_edms_archive.msg_stamp_verified_at'),
            _format(values['verified_at'])),
        ]


def document_signatures(document):
    "The signatures of document, oldest first (without access checks)"
    Signature = Pool().get('edu.eds.signature')
    with without_check_access():
        return Signature.search([
                ('resource', '=', str(document)),
                ], order=[('signing_time', 'ASC'), ('id', 'ASC')])


def render_printout(documents):
    "The PDF of the documents (card, stamps, QR) in the context's language"
    from reportlab.lib import colors
    from reportlab.platypus import Image, KeepTogether, Table, TableStyle
    pdf = None
    for document in documents:
        title = gettext('edu_edms_archive.msg_print_title',
            number=document.number or '')
        if pdf is None:
            pdf = PdfDocument(title)
        else:
            from reportlab.platypus import PageBreak
            pdf.story.append(PageBreak())
            pdf.heading(title)
        pdf.fields(card_rows(document))
        pdf.spacer(8)
        signatures = document_signatures(document)
        pdf.heading(gettext('edu_edms_archive.msg_print_signatures'))
        if not signatures:
            pdf.paragraph(gettext('edu_edms_archive.msg_print_no_signatures'))
        width = pdf.pagesize[0] - 80
        for signature in signatures:
            values = signature_fields(signature)
            colour = (colors.darkgreen if values['status'] == VALID
                else colors.darkred)
            rows = [[pdf._paragraph(
                        gettext('edu_edms_archive.msg_stamp_title'),
                        'cell_bold'), '']]
            rows += [[pdf._paragraph(label, 'cell_bold'),
                    pdf._paragraph(value, 'cell')]
                for label, value in stamp_rows(values)]
            table = Table(rows, colWidths=[width * 0.3, width * 0.7])
            table.setStyle(TableStyle([
                        ('BOX', (0, 0), (-1, -1), 1.2, colour),
                        ('SPAN', (0, 0), (-1, 0)),
                        ('LINEBELOW', (0, 0), (-1, 0), 0.6, colour),
                        ('VALIGN', (0, 0), (-1, -1), 'TOP'),
                        ]))
            pdf.story.append(KeepTogether([table]))
            pdf.spacer(6)
        url = verify_url(
            Pool().get('edu.edms.document').token_of(document))
        pdf.spacer(8)
        image = Image(io.BytesIO(qr_png(url)), width=110, height=110)
        image.hAlign = 'LEFT'
        pdf.story.append(KeepTogether([
                    pdf._paragraph(
                        gettext('edu_edms_archive.msg_print_qr'), 'normal'),
                    image,
                    pdf._paragraph(url, 'small'),
                    ]))
    return pdf.build()


def _json_default(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(type(value).__name__)


def to_json(value):
    return json.dumps(value, ensure_ascii=False, indent=2,
        default=_json_default, sort_keys=False).encode('utf-8')


def safe_name(name, default='file'):
    "A file name without directories nor odd characters"
    import re
    name = (name or '').replace('\\', '/').rsplit('/', 1)[-1]
    name = re.sub(r'[^\w.\-]+', '_', name, flags=re.UNICODE).strip('._')
    return name[:120] or default


def card_data(document):
    "The card of document as JSON-able data (package, export)"
    def rec(record, *names):
        if not record:
            return None
        return {n: getattr(record, n, None) for n in names}
    kind = document.kind
    case = getattr(document, 'case', None)
    main = document.get_main_file()
    return {
        'id': document.id,
        'number': document.number,
        'kind': {'code': getattr(kind, 'code', None),
            'name': kind.rec_name if kind else None,
            'direction': getattr(kind, 'direction', None)},
        'state': document.state,
        'registration_date': getattr(document, 'registration_date', None),
        'date': getattr(document, 'date', None),
        'organisation': {'name': document.company.rec_name,
            'bin': getattr(document.company.party, 'bin', None)},
        'correspondent': ({'name': document.correspondent.rec_name,
                'tax_id': getattr(document, 'correspondent_tax_id', None)}
            if getattr(document, 'correspondent', None) else None),
        'correspondent_number': getattr(
            document, 'correspondent_number', None),
        'correspondent_date': getattr(document, 'correspondent_date', None),
        'summary': document.summary,
        'body': getattr(document, 'body', None),
        'author': document.author.rec_name
        if getattr(document, 'author', None) else None,
        'executor': document.executor.rec_name
        if getattr(document, 'executor', None) else None,
        'deadline': getattr(document, 'deadline', None),
        'case': ({'index': case.index, 'name': case.name,
                'year': case.year,
                'retention_years': case.retention_years} if case else None),
        'archive_date': getattr(document, 'archive_date', None),
        'retention_until': getattr(document, 'retention_until', None),
        'main_file': main.name if main else None,
        }


def package_entries(document, printout):
    """The {path: bytes} of the package of a document: files, signatures
    (<n>.cms DER + <n>.json), the PDF printout and card.json; used by the
    download and by the archive export"""
    entries = {}
    card = card_data(document)
    files = []
    used = set()
    main = document.get_main_file()
    for file in document.files:
        name = safe_name(file.name, f'file-{file.id}')
        if name in used:
            name = f'{file.id}-{name}'
        used.add(name)
        data = bytes(file.data or b'')
        entries[f'files/{name}'] = data
        files.append({'name': file.name, 'path': f'files/{name}',
                'size': len(data),
                'sha256': hashlib.sha256(data).hexdigest(),
                'mimetype': getattr(file, 'mimetype', None),
                'main': bool(main and main.id == file.id)})
    card['files'] = files
    signatures = []
    for n, signature in enumerate(document_signatures(document), 1):
        values = signature_fields(signature)
        cms = bytes(signature.cms or b'')
        if cms[:1] != b'\x30':
            # base64 text (PEM-like): the export gives DER
            try:
                text = cms.decode('ascii')
                lines = [l for l in text.splitlines()
                    if l and not l.startswith('-----')]
                cms = base64.b64decode(''.join(lines))
            except ValueError:
                pass
        values.update({'n': n, 'cms': f'signatures/{n}.cms',
                'attached': bool(signature.attached)})
        entries[f'signatures/{n}.cms'] = cms
        entries[f'signatures/{n}.json'] = to_json(values)
        signatures.append(values)
    card['signatures'] = signatures
    entries['card.json'] = to_json(card)
    if printout is not None:
        entries['printout.pdf'] = printout
    return entries, card


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "EDMS Archive Configuration"
    __name__ = 'edu.edms.archive.configuration'
    __string__ = "EDMS Archive Configuration"

    base_url = fields.Char("Base URL",
        help="The address of this instance printed in the QR codes, e.g. "
        "https://edu.example.kz; empty: https://<[web] hostname> of the "
        "server configuration.")
    queue_documents = fields.Integer("Queue Above",
        domain=['OR', ('queue_documents', '=', None),
            ('queue_documents', '>=', 0)],
        help="An archive export of more documents runs in the queue.")

    @classmethod
    def default_queue_documents(cls):
        return 200


class Document(metaclass=PoolMeta):
    __name__ = 'edu.edms.document'

    verify_token = fields.Char("Verification Token", readonly=True,
        strip=False,
        help="The random code of the public verification page.")

    @classmethod
    def copy(cls, documents, default=None):
        default = dict(default or {})
        default.setdefault('verify_token', None)
        return super().copy(documents, default=default)

    @classmethod
    def token_of(cls, document):
        """The verification token of document, made when missing and
        stored by SQL (whatever the state and the user's rights); reports
        run in read-only transactions: on PostgreSQL the token is then
        stored in a transaction of its own (SQLite has one connection and
        no read-only mode)"""
        if document.verify_token:
            return document.verify_token
        transaction = Transaction()
        if transaction.readonly and backend.name != 'sqlite':
            with transaction.new_transaction() as own:
                token = cls._store_token(own, document)
                own.commit()
        else:
            token = cls._store_token(transaction, document)
        document.verify_token = token
        return token

    @classmethod
    def _store_token(cls, transaction, document):
        "Set a random token when none is set; return the stored one"
        table = cls.__table__()
        cursor = transaction.connection.cursor()
        cursor.execute(*table.update(
                [table.verify_token], [secrets.token_urlsafe(24)],
                where=(table.id == document.id)
                & (table.verify_token == None)))  # noqa: E711
        cursor.execute(*table.select(table.verify_token,
                where=table.id == document.id))
        token, = cursor.fetchone()
        return token


class PrintoutReport(FileReport):
    "Document printout with signature stamps and QR code"
    __name__ = 'edu.edms.document.printout'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        with without_check_access():
            documents = Pool().get('edu.edms.document').browse(
                [r.id for r in records])
            return render_printout(documents)


class PackageReport(FileReport):
    "Document with signatures (zip)"
    __name__ = 'edu.edms.document.package'
    extension = 'zip'

    @classmethod
    def render(cls, records, data):
        with without_check_access():
            documents = Pool().get('edu.edms.document').browse(
                [r.id for r in records])
            output = io.BytesIO()
            with zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as zf:
                for document in documents:
                    prefix = ''
                    if len(documents) > 1:
                        prefix = safe_name(document.number,
                            f'document-{document.id}') + '/'
                    entries, _ = package_entries(
                        document, render_printout([document]))
                    for path, data in entries.items():
                        zf.writestr(prefix + path, data)
            return output.getvalue()


# the public verification route is registered when the module is loaded
from . import verify  # noqa: E402,F401
