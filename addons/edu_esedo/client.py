# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The SOAP client of the ЕСЭДО adapter (R21): zeep, with the module's own
WSDL loaded from the local file (never from the network) and the
configured endpoint; zeep's Transport carries the timeout.

Errors of the exchange (unreachable, timeout, HTTP error, SOAP Fault,
unreadable answer) are raised as :class:`ExchangeError` with a technical
detail; the caller keeps the message queued and retries."""
import datetime as dt
import os

import requests
import zeep
import zeep.exceptions
from lxml import etree
from zeep.transports import Transport

from .envelope import MalformedEnvelope, envelopes_of_response

WSDL_PATH = os.path.join(os.path.dirname(__file__), 'esedo.wsdl')
BINDING = '{urn:bilim:esedo:1}EsedoBinding'
DEFAULT_TIMEOUT = 30


class ExchangeError(Exception):
    "The exchange with ЕСЭДО failed (the operation may be retried)"


_ERRORS = (requests.RequestException, zeep.exceptions.Error, OSError)


class EsedoClient:
    "A client of one ЕСЭДО endpoint for one participant"

    def __init__(self, endpoint, participant, timeout=DEFAULT_TIMEOUT):
        self.endpoint = endpoint
        self.participant = participant
        session = requests.Session()
        session.trust_env = False  # no proxy from the environment
        # the WSDL and its schema are local files: the transport's timeout
        # is for the endpoint only
        transport = Transport(session=session, timeout=timeout,
            operation_timeout=timeout)
        settings = zeep.Settings(strict=True, xml_huge_tree=False,
            forbid_dtd=True, forbid_entities=True, forbid_external=True)
        self.client = zeep.Client(WSDL_PATH, transport=transport,
            settings=settings)
        self.service = self.client.create_service(BINDING, endpoint)

    def send_document(self, envelope):
        "Send the Envelope, return the receipt id"
        try:
            return self.service.SendDocument(Envelope=envelope.to_zeep())
        except _ERRORS as exception:
            raise ExchangeError(_detail(exception)) from exception

    def get_documents(self, since=None):
        """Return ([(Envelope element, xml)], [receipt dict]); the
        envelopes are parsed one by one by the caller so that a malformed
        one does not hide the others"""
        if since is not None and since.tzinfo is None:
            # Tryton's timestamps are naive UTC
            since = since.replace(tzinfo=dt.timezone.utc)
        try:
            with self.client.settings(raw_response=True):
                response = self.service.GetDocuments(
                    ParticipantCode=self.participant, Since=since)
            if response.status_code != 200:
                raise ExchangeError(
                    f'HTTP {response.status_code}: {response.text[:200]}')
            return envelopes_of_response(response.content)
        except (MalformedEnvelope, etree.LxmlError, ValueError) as exception:
            # an unreadable answer is an exchange failure: nothing is
            # received, the next poll asks again
            raise ExchangeError(_detail(exception)) from exception
        except _ERRORS as exception:
            raise ExchangeError(_detail(exception)) from exception

    def acknowledge(self, message_id, status, reason=None):
        try:
            return self.service.Acknowledge(ParticipantCode=self.participant,
                MessageId=message_id, Status=status, Reason=reason)
        except _ERRORS as exception:
            raise ExchangeError(_detail(exception)) from exception

    def create_message(self, envelope):
        "Return the SOAP request XML of SendDocument (kept on the message)"
        node = self.client.create_message(
            self.service, 'SendDocument', Envelope=envelope.to_zeep())
        return etree.tostring(node, encoding='unicode', pretty_print=True)


def _detail(exception):
    if isinstance(exception, zeep.exceptions.Fault):
        return f'SOAP Fault {exception.code}: {exception.message}'
    if isinstance(exception, requests.Timeout):
        return f'timeout: {exception}'
    if isinstance(exception, requests.ConnectionError):
        return f'unreachable: {exception}'
    if isinstance(exception, zeep.exceptions.TransportError):
        return f'HTTP {exception.status_code}: {exception.message[:200]}'
    return f'{exception.__class__.__name__}: {exception}'[:500]
