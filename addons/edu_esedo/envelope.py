# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The ЕСЭДО envelope and its mapping (R21, R22.5), without Tryton.

This is the one file to adapt when the real ЕСЭДО schema is obtained on
connection: :class:`Envelope` is what the adapter sends and receives
(message id, sender and recipient participant codes, registration number
and date, kind, summary, files and CMS signatures), :func:`parse` reads one
``Envelope`` element of the ``urn:bilim:esedo:1`` namespace and refuses a
malformed one with :class:`MalformedEnvelope` (a code and a technical
detail) before anything is created, and :meth:`Envelope.to_xml` writes the
element back (what the message record keeps)."""
import base64
import binascii
import dataclasses
import datetime as dt
import uuid

from lxml import etree

NS = 'urn:bilim:esedo:1'
SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/'
#: the longest text of an element other than a file or a signature
MAX_TEXT = 10000

#: the codes of a malformed envelope (each has a message
#: edu_esedo.msg_malformed_<code>)
MALFORMED_CODES = ('xml', 'missing', 'date', 'base64', 'no_files',
    'signature_file', 'recipient')


class MalformedEnvelope(ValueError):
    "An envelope that cannot be received"

    def __init__(self, code, detail, message_id=None):
        assert code in MALFORMED_CODES, code
        super().__init__(f'{code}: {detail}')
        self.code = code
        self.detail = detail
        self.message_id = message_id


@dataclasses.dataclass
class EnvelopeFile:
    name: str
    mimetype: str
    content: bytes


@dataclasses.dataclass
class EnvelopeSignature:
    file_name: str
    cms: bytes


@dataclasses.dataclass
class Envelope:
    message_id: str
    sender: str
    recipient: str
    registration_number: str
    registration_date: dt.date
    kind: str
    summary: str
    files: list
    signatures: list = dataclasses.field(default_factory=list)

    @staticmethod
    def new_message_id():
        return str(uuid.uuid4())

    def to_zeep(self):
        "Return the value of the Envelope argument of zeep's SendDocument"
        return {
            'MessageId': self.message_id,
            'Sender': self.sender,
            'Recipient': self.recipient,
            'RegistrationNumber': self.registration_number,
            'RegistrationDate': self.registration_date,
            'Kind': self.kind,
            'Summary': self.summary,
            'Files': {'File': [{
                            'Name': f.name,
                            'MimeType': f.mimetype,
                            'Content': f.content,
                            } for f in self.files]},
            'Signatures': {'Signature': [{
                            'FileName': s.file_name,
                            'Cms': s.cms,
                            } for s in self.signatures]},
            }

    def to_element(self):
        def sub(parent, tag, text=None):
            element = etree.SubElement(parent, f'{{{NS}}}{tag}')
            if text is not None:
                element.text = text
            return element
        root = etree.Element(f'{{{NS}}}Envelope', nsmap={None: NS})
        sub(root, 'MessageId', self.message_id)
        sub(root, 'Sender', self.sender)
        sub(root, 'Recipient', self.recipient)
        sub(root, 'RegistrationNumber', self.registration_number)
        sub(root, 'RegistrationDate', self.registration_date.isoformat())
        sub(root, 'Kind', self.kind)
        sub(root, 'Summary', self.summary)
        files = sub(root, 'Files')
        for f in self.files:
            file_ = sub(files, 'File')
            sub(file_, 'Name', f.name)
            sub(file_, 'MimeType', f.mimetype)
            sub(file_, 'Content', base64.b64encode(f.content).decode())
        signatures = sub(root, 'Signatures')
        for s in self.signatures:
            signature = sub(signatures, 'Signature')
            sub(signature, 'FileName', s.file_name)
            sub(signature, 'Cms', base64.b64encode(s.cms).decode())
        return root

    def to_xml(self):
        return etree.tostring(
            self.to_element(), encoding='unicode', pretty_print=True)


def _text(element, tag, message_id=None, required=True, limit=MAX_TEXT):
    child = element.find(f'{{{NS}}}{tag}')
    value = child.text.strip() if child is not None and child.text else ''
    if required and not value:
        raise MalformedEnvelope('missing', f'{tag} is missing',
            message_id=message_id)
    if limit is not None and len(value) > limit:
        raise MalformedEnvelope('missing', f'{tag} is too long',
            message_id=message_id)
    return value


def _base64(value, what, message_id):
    try:
        return base64.b64decode(''.join(value.split()), validate=True)
    except (binascii.Error, ValueError) as exception:
        raise MalformedEnvelope('base64', f'{what}: {exception}',
            message_id=message_id) from exception


def parse(element, recipient=None):
    """Return the Envelope of an ``Envelope`` element (lxml) or raise
    MalformedEnvelope; ``recipient`` is the participant code expected"""
    if element is None or element.tag != f'{{{NS}}}Envelope':
        raise MalformedEnvelope('xml', 'not an Envelope element')
    message_id = _text(element, 'MessageId', required=False) or None
    if not message_id:
        raise MalformedEnvelope('missing', 'MessageId is missing')
    sender = _text(element, 'Sender', message_id)
    to = _text(element, 'Recipient', message_id)
    if recipient is not None and to != recipient:
        raise MalformedEnvelope('recipient',
            f'addressed to {to!r}, not {recipient!r}', message_id=message_id)
    number = _text(element, 'RegistrationNumber', message_id)
    raw_date = _text(element, 'RegistrationDate', message_id)
    try:
        date = dt.date.fromisoformat(raw_date[:10])
    except ValueError as exception:
        raise MalformedEnvelope('date', f'RegistrationDate {raw_date!r}',
            message_id=message_id) from exception
    kind = _text(element, 'Kind', message_id, required=False) or 'letter'
    summary = _text(element, 'Summary', message_id)
    files = []
    for file_ in element.findall(f'{{{NS}}}Files/{{{NS}}}File'):
        name = _text(file_, 'Name', message_id)
        mimetype = (_text(file_, 'MimeType', message_id, required=False)
            or 'application/octet-stream')
        # the size of a file is checked by edu_edms' file limits
        content = _base64(_text(file_, 'Content', message_id, limit=None),
            f'file {name!r}', message_id)
        files.append(EnvelopeFile(name, mimetype, content))
    if not files:
        raise MalformedEnvelope('no_files', 'the envelope carries no file',
            message_id=message_id)
    names = {f.name for f in files}
    signatures = []
    for signature in element.findall(
            f'{{{NS}}}Signatures/{{{NS}}}Signature'):
        file_name = _text(signature, 'FileName', message_id)
        if file_name not in names:
            raise MalformedEnvelope('signature_file',
                f'signature of an unknown file {file_name!r}',
                message_id=message_id)
        cms = _base64(_text(signature, 'Cms', message_id, limit=None),
            f'signature of {file_name!r}', message_id)
        signatures.append(EnvelopeSignature(file_name, cms))
    return Envelope(message_id=message_id, sender=sender, recipient=to,
        registration_number=number, registration_date=date, kind=kind,
        summary=summary, files=files, signatures=signatures)


def safe_parser():
    """An lxml parser that resolves no entity, loads no DTD and reads no
    network; huge_tree because a file of the envelope (base64) may be
    larger than libxml2's 10 MB limit of a text node"""
    return etree.XMLParser(resolve_entities=False, no_network=True,
        remove_blank_text=True, huge_tree=True, load_dtd=False)


def fromstring(data):
    """Parse untrusted XML: no DTD, no entities, no network"""
    if isinstance(data, str):
        data = data.encode('utf-8')
    root = etree.fromstring(data, parser=safe_parser())
    if root.getroottree().docinfo.doctype:
        raise MalformedEnvelope('xml', 'a DTD is not accepted')
    return root


def envelopes_of_response(data):
    """Return [(element, xml text)] of the Envelope elements of a raw
    GetDocumentsResponse and [receipt dict] of its Receipt elements;
    an unreadable body (empty, not XML, ...) raises MalformedEnvelope"""
    try:
        root = fromstring(data or b'')
    except etree.LxmlError as exception:
        raise MalformedEnvelope('xml',
            f'unreadable response: {exception}'[:500]) from exception
    response = root.find(
        f'{{{SOAP_NS}}}Body/{{{NS}}}GetDocumentsResponse')
    if response is None:
        raise MalformedEnvelope('xml', 'not a GetDocumentsResponse')
    envelopes = [(e, etree.tostring(e, encoding='unicode'))
        for e in response.findall(f'{{{NS}}}Envelope')]
    receipts = []
    for r in response.findall(f'{{{NS}}}Receipt'):
        receipts.append({
                'message_id': _text(r, 'MessageId', required=False),
                'status': _text(r, 'Status', required=False),
                'reason': _text(r, 'Reason', required=False),
                })
    return envelopes, receipts
