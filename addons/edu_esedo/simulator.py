# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A local ЕСЭДО simulator for the tests and the demo (R21, R22.5).

A WSGI SOAP 1.1 server (werkzeug + lxml, no zeep) that serves the module's
``esedo.wsdl`` (``GET ?wsdl``, ``GET /esedo.xsd``) and its three operations
with an in-memory store per participant:

- ``SendDocument``: keeps the envelope in the recipient's mailbox and
  returns a receipt id; the message id is idempotent (a resend of the same
  message id returns the same receipt and stores nothing new);
- ``GetDocuments``: the envelopes addressed to the participant and not yet
  acknowledged, and the receipts (acknowledgements) of the messages the
  participant sent (those since ``Since`` when given);
- ``Acknowledge``: the recipient marks a message received or rejected
  (with a reason); it leaves the mailbox.

It can be told to fail the next N calls (``fail_next(n, 'http')`` answers
503, ``'fault'`` a SOAP Fault, ``'timeout'`` holds the answer longer than
the client waits) and to put a raw (malformed) envelope in a mailbox
(``inject``).  Use::

    with Simulator() as sim:
        sim.url   # http://127.0.0.1:<port>/esedo
"""
import datetime as dt
import os
import threading
import uuid

from lxml import etree
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .envelope import NS, SOAP_NS, fromstring

HERE = os.path.dirname(__file__)
WSDL_PATH = os.path.join(HERE, 'esedo.wsdl')
XSD_PATH = os.path.join(HERE, 'esedo.xsd')
XML_TYPE = 'text/xml; charset=utf-8'


def _q(tag):
    return f'{{{NS}}}{tag}'


def _child_text(element, tag):
    child = element.find(_q(tag))
    return child.text.strip() if child is not None and child.text else ''


class _QuietHandler(WSGIRequestHandler):
    "No access log on the test output"

    def log_request(self, *args, **kwargs):
        pass


class SoapFault(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class Simulator:
    "The ЕСЭДО simulator; a context manager that runs it in a thread"

    def __init__(self, host='127.0.0.1', port=0, timeout_delay=2.0):
        self.host = host
        self.port = port
        self.timeout_delay = timeout_delay
        self.lock = threading.RLock()
        self.messages = {}  # message id -> dict
        self.order = []  # message ids in arrival order
        self.calls = []  # (operation, message id or participant)
        self._failures = []
        self._release = threading.Event()
        self._server = None
        self._thread = None

    # -- control -----------------------------------------------------------
    def fail_next(self, n=1, mode='http'):
        """The next n calls fail: 'http' (503), 'fault' (SOAP Fault) or
        'timeout' (answer held longer than the client waits)"""
        assert mode in {'http', 'fault', 'timeout'}, mode
        with self.lock:
            self._failures.extend([mode] * n)

    def inject(self, recipient, envelope_xml, message_id=None):
        """Put a raw Envelope element (text) in the recipient's mailbox, as
        another system would, without any check"""
        message_id = message_id or str(uuid.uuid4())
        with self.lock:
            self._store(message_id, '', recipient, envelope_xml)
        return message_id

    def mailbox(self, participant):
        "Return the unacknowledged message ids addressed to participant"
        with self.lock:
            return [i for i in self.order
                if self.messages[i]['recipient'] == participant
                and not self.messages[i]['status']]

    def status(self, message_id):
        with self.lock:
            message = self.messages.get(message_id)
            return (message['status'], message['reason']) if message else None

    # -- server ------------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self._release.clear()
        self._server = make_server(
            self.host, self.port, self.wsgi, threaded=True,
            request_handler=_QuietHandler)
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self._release.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self):
        return f'http://{self.host}:{self.port}'

    @property
    def url(self):
        return f'{self.base_url}/esedo'

    # -- WSGI --------------------------------------------------------------
    def wsgi(self, environ, start_response):
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request):
        if request.method == 'GET':
            if request.path.endswith('.xsd'):
                with open(XSD_PATH, 'rb') as f:
                    return Response(f.read(), content_type=XML_TYPE)
            if 'wsdl' in request.args or request.query_string == b'wsdl':
                with open(WSDL_PATH, encoding='utf-8') as f:
                    wsdl = f.read().replace(
                        'http://127.0.0.1:8090/esedo', self.url)
                return Response(wsdl, content_type=XML_TYPE)
            return Response('Not found', status=404)
        if request.method != 'POST':
            return Response('Method not allowed', status=405)
        with self.lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure == 'http':
            self.calls.append(('failure', 'http'))
            return Response('Service Unavailable', status=503)
        if failure == 'timeout':
            self.calls.append(('failure', 'timeout'))
            self._release.wait(self.timeout_delay)
            return Response('Gateway Timeout', status=504)
        if failure == 'fault':
            self.calls.append(('failure', 'fault'))
            return self.fault('soap:Server', 'ЕСЭДО: temporary failure')
        try:
            root = fromstring(request.get_data())
            body = root.find(f'{{{SOAP_NS}}}Body')
            if body is None or not len(body):
                raise SoapFault('soap:Client', 'no SOAP body')
            operation = body[0]
            name = etree.QName(operation).localname
            method = {
                'SendDocument': self.send_document,
                'GetDocuments': self.get_documents,
                'Acknowledge': self.acknowledge,
                }.get(name)
            if etree.QName(operation).namespace != NS or not method:
                raise SoapFault('soap:Client', f'unknown operation {name}')
            result = method(operation)
        except SoapFault as fault:
            return self.fault(fault.code, fault.message)
        except etree.XMLSyntaxError as exception:
            return self.fault('soap:Client', f'XML: {exception}')
        return self.reply(result)

    def reply(self, element):
        envelope = etree.Element(f'{{{SOAP_NS}}}Envelope',
            nsmap={'soap': SOAP_NS, None: NS})
        body = etree.SubElement(envelope, f'{{{SOAP_NS}}}Body')
        body.append(element)
        return Response(etree.tostring(envelope, xml_declaration=True,
                encoding='utf-8'), content_type=XML_TYPE)

    def fault(self, code, message):
        envelope = etree.Element(f'{{{SOAP_NS}}}Envelope',
            nsmap={'soap': SOAP_NS})
        body = etree.SubElement(envelope, f'{{{SOAP_NS}}}Body')
        fault = etree.SubElement(body, f'{{{SOAP_NS}}}Fault')
        etree.SubElement(fault, 'faultcode').text = code
        etree.SubElement(fault, 'faultstring').text = message
        return Response(etree.tostring(envelope, xml_declaration=True,
                encoding='utf-8'), status=500, content_type=XML_TYPE)

    # -- operations --------------------------------------------------------
    def _store(self, message_id, sender, recipient, xml):
        self.messages[message_id] = {
            'sender': sender,
            'recipient': recipient,
            'xml': xml,
            'receipt': 'R-' + uuid.uuid4().hex[:16].upper(),
            'at': dt.datetime.now(dt.timezone.utc),
            'status': None,
            'reason': None,
            'acked_at': None,
            }
        self.order.append(message_id)
        return self.messages[message_id]

    def send_document(self, operation):
        envelope = operation.find(_q('Envelope'))
        if envelope is None:
            raise SoapFault('soap:Client', 'Envelope is missing')
        message_id = _child_text(envelope, 'MessageId')
        sender = _child_text(envelope, 'Sender')
        recipient = _child_text(envelope, 'Recipient')
        if not (message_id and sender and recipient):
            raise SoapFault('soap:Client',
                'MessageId, Sender and Recipient are required')
        with self.lock:
            self.calls.append(('SendDocument', message_id))
            message = self.messages.get(message_id)
            if message is None:
                message = self._store(message_id, sender, recipient,
                    etree.tostring(envelope, encoding='unicode'))
        result = etree.Element(_q('SendDocumentResponse'))
        etree.SubElement(result, _q('ReceiptId')).text = message['receipt']
        return result

    def get_documents(self, operation):
        participant = _child_text(operation, 'ParticipantCode')
        if not participant:
            raise SoapFault('soap:Client', 'ParticipantCode is required')
        since = _child_text(operation, 'Since')
        since = dt.datetime.fromisoformat(since) if since else None
        if since and since.tzinfo is None:
            since = since.replace(tzinfo=dt.timezone.utc)
        result = etree.Element(_q('GetDocumentsResponse'))
        with self.lock:
            self.calls.append(('GetDocuments', participant))
            for message_id in self.order:
                message = self.messages[message_id]
                if (message['recipient'] == participant
                        and not message['status']):
                    result.append(fromstring(message['xml']))
            for message_id in self.order:
                message = self.messages[message_id]
                if (message['sender'] != participant
                        or not message['status']
                        or (since and message['acked_at'] < since)):
                    continue
                receipt = etree.SubElement(result, _q('Receipt'))
                etree.SubElement(receipt, _q('MessageId')).text = message_id
                etree.SubElement(receipt, _q('Status')).text = (
                    message['status'])
                if message['reason']:
                    etree.SubElement(receipt, _q('Reason')).text = (
                        message['reason'])
                etree.SubElement(receipt, _q('At')).text = (
                    message['acked_at'].isoformat())
        return result

    def acknowledge(self, operation):
        participant = _child_text(operation, 'ParticipantCode')
        message_id = _child_text(operation, 'MessageId')
        status = _child_text(operation, 'Status')
        reason = _child_text(operation, 'Reason') or None
        if status not in {'received', 'rejected'}:
            raise SoapFault('soap:Client', f'bad status {status!r}')
        with self.lock:
            self.calls.append(('Acknowledge', message_id))
            message = self.messages.get(message_id)
            if message is None or message['recipient'] != participant:
                raise SoapFault('soap:Client',
                    f'unknown message {message_id!r}')
            if not message['status']:
                message['status'] = status
                message['reason'] = reason
                message['acked_at'] = dt.datetime.now(dt.timezone.utc)
        result = etree.Element(_q('AcknowledgeResponse'))
        etree.SubElement(result, _q('Accepted')).text = 'true'
        return result
