# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the ЕСЭДО exchange (R21, R22.5): the envelope mapping, the
simulator and the zeep client without Tryton; then, on a database with two
organisations exchanging through the simulator, retries with back-off,
the idempotent resend after a crash between the SOAP call and the state
write, a tampered signature flagged on arrival, malformed envelopes
rejected with nothing created, the acknowledgement after the commit."""
import datetime as dt
import shutil
import tempfile
import unittest
from unittest.mock import patch

from lxml import etree

from trytond.modules.edu_esedo.client import EsedoClient, ExchangeError
from trytond.modules.edu_esedo.envelope import (
    NS, Envelope, EnvelopeFile, EnvelopeSignature, MalformedEnvelope,
    fromstring, parse)
from trytond.modules.edu_esedo.message import backoff
from trytond.modules.edu_esedo.simulator import Simulator
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

PDF = b'%PDF-1.4\n% letter of school A\n1 0 obj <<>> endobj\n%%EOF\n'


def sample_envelope(sender='A', recipient='B', **values):
    return Envelope(**{
            'message_id': Envelope.new_message_id(),
            'sender': sender,
            'recipient': recipient,
            'registration_number': 'ИСХ-7',
            'registration_date': dt.date(2026, 11, 2),
            'kind': 'OUT',
            'summary': "Хат / Письмо",
            'files': [EnvelopeFile('letter.pdf', 'application/pdf', PDF)],
            'signatures': [EnvelopeSignature('letter.pdf', b'0\x80cms')],
            **values})


def element_of(envelope):
    return fromstring(envelope.to_xml())


class EnvelopeTestCase(unittest.TestCase):
    "The envelope mapping, without Tryton (R21)"

    def test_round_trip(self):
        "An envelope written and parsed back is the same"
        envelope = sample_envelope()
        self.assertEqual(parse(element_of(envelope), recipient='B'),
            envelope)

    def test_malformed(self):
        "Each malformed envelope is refused with its own code"
        cases = {
            'missing': lambda e: e.find(f'{{{NS}}}RegistrationNumber'
                ).getparent().remove(
                    e.find(f'{{{NS}}}RegistrationNumber')),
            'date': lambda e: setattr(
                e.find(f'{{{NS}}}RegistrationDate'), 'text', '2026-13-45'),
            'base64': lambda e: setattr(
                e.find(f'{{{NS}}}Files/{{{NS}}}File/{{{NS}}}Content'),
                'text', '@@not base64@@'),
            'no_files': lambda e: e.find(f'{{{NS}}}Files').clear(),
            'signature_file': lambda e: setattr(e.find(
                    f'{{{NS}}}Signatures/{{{NS}}}Signature/'
                    f'{{{NS}}}FileName'), 'text', 'other.pdf'),
            'recipient': lambda e: setattr(
                e.find(f'{{{NS}}}Recipient'), 'text', 'C'),
            }
        for code, spoil in cases.items():
            with self.subTest(code=code):
                element = element_of(sample_envelope())
                spoil(element)
                with self.assertRaises(MalformedEnvelope) as context:
                    parse(element, recipient='B')
                self.assertEqual(context.exception.code, code)
                self.assertTrue(context.exception.message_id)

    def test_large_file(self):
        "A file of megabytes is not limited by the parser (edu_edms is)"
        big = EnvelopeFile('report.pdf', 'application/pdf',
            PDF + b'0' * 12_000_000)
        envelope = sample_envelope(files=[big], signatures=[])
        self.assertEqual(parse(element_of(envelope)).files, [big])
        long_summary = sample_envelope(summary='x' * 20000)
        with self.assertRaises(MalformedEnvelope):
            parse(element_of(long_summary))

    def test_dtd_refused(self):
        "An envelope with a DTD (entity expansion) is refused"
        xml = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
            f'<Envelope xmlns="{NS}"><MessageId>&a;</MessageId></Envelope>')
        with self.assertRaises((MalformedEnvelope, etree.XMLSyntaxError)):
            parse(fromstring(xml))

    def test_backoff(self):
        "1, 5, 15, 60 minutes, then hourly"
        self.assertEqual([backoff(n).total_seconds() // 60
                for n in range(1, 8)], [1, 5, 15, 60, 60, 60, 60])


class SimulatorTestCase(unittest.TestCase):
    "The simulator and the zeep client, without Tryton (R21)"

    def setUp(self):
        self.simulator = Simulator(timeout_delay=2)
        self.simulator.start()
        self.addCleanup(self.simulator.stop)
        self.a = EsedoClient(self.simulator.url, 'A', timeout=0.5)
        self.b = EsedoClient(self.simulator.url, 'B', timeout=0.5)

    def test_wsdl_served(self):
        "The simulator serves the module's WSDL with its own address"
        import requests
        response = requests.get(self.simulator.url + '?wsdl', timeout=5)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.simulator.url, response.text)
        self.assertIn('SendDocument', response.text)

    def test_exchange(self):
        "Send, idempotent resend, receive, acknowledge, receipt"
        envelope = sample_envelope()
        receipt = self.a.send_document(envelope)
        self.assertEqual(self.a.send_document(envelope), receipt)
        self.assertEqual(self.simulator.mailbox('B'), [envelope.message_id])
        envelopes, receipts = self.b.get_documents()
        self.assertEqual(len(envelopes), 1)
        self.assertEqual(parse(envelopes[0][0], 'B'), envelope)
        self.assertEqual(receipts, [])
        self.b.acknowledge(envelope.message_id, 'received')
        self.assertEqual(self.simulator.mailbox('B'), [])
        envelopes, receipts = self.a.get_documents()
        self.assertEqual(envelopes, [])
        self.assertEqual([(r['message_id'], r['status']) for r in receipts],
            [(envelope.message_id, 'received')])

    def test_failures(self):
        "503, SOAP Fault and timeout are exchange errors; then it works"
        envelope = sample_envelope()
        for mode, text in [('http', '503'), ('fault', 'Fault'),
                ('timeout', 'timeout')]:
            with self.subTest(mode=mode):
                self.simulator.fail_next(1, mode)
                with self.assertRaises(ExchangeError) as context:
                    self.a.send_document(envelope)
                self.assertIn(text, str(context.exception))
        self.assertEqual(self.simulator.mailbox('B'), [])
        self.assertTrue(self.a.send_document(envelope))
        self.assertEqual(self.simulator.mailbox('B'), [envelope.message_id])

    def test_unreachable(self):
        "A closed port is an exchange error"
        url = self.simulator.url
        self.simulator.stop()
        with self.assertRaises(ExchangeError):
            EsedoClient(url, 'A', timeout=0.5).send_document(
                sample_envelope())

    def test_unreadable_response(self):
        "A broken or empty GetDocuments body is an exchange error"
        from types import SimpleNamespace
        from trytond.modules.edu_esedo.envelope import envelopes_of_response
        for body in [b'<broken', b'', b'\x00\xff', b'<a/>']:
            with self.subTest(body=body):
                with self.assertRaises(MalformedEnvelope):
                    envelopes_of_response(body)
                response = SimpleNamespace(status_code=200, content=body,
                    text='')
                with patch.object(self.b.service, 'GetDocuments',
                        return_value=response):
                    with self.assertRaises(ExchangeError):
                        self.b.get_documents()

    def test_acknowledge_others_refused(self):
        "A participant cannot acknowledge another's message"
        envelope = sample_envelope()
        self.a.send_document(envelope)
        client = EsedoClient(self.simulator.url, 'C', timeout=0.5)
        with self.assertRaises(ExchangeError):
            client.acknowledge(envelope.message_id, 'received')
        self.assertEqual(self.simulator.mailbox('B'), [envelope.message_id])


class EsedoModuleTestCase(unittest.TestCase):
    "Two organisations exchanging through the simulator (R21, R22.5)"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from trytond.modules.edu_eds.testca import TestPKI
        drop_db()
        activate_module(['edu_esedo'])
        cls.directory = tempfile.mkdtemp(prefix='esedo-pki-')
        cls.pki = TestPKI.create(cls.directory)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.directory, ignore_errors=True)
        drop_db()

    def setUp(self):
        self.simulator = Simulator(timeout_delay=2)
        self.simulator.start()
        self.addCleanup(self.simulator.stop)

    # -- fixture -----------------------------------------------------------
    def setup_organisations(self):
        "Schools A and B, each connected to the simulator"
        # a new simulator: Tryton's test transaction runs the test again
        # when a table lock must be taken first (edu_edms' journal)
        self.simulator.stop()
        self.simulator = Simulator(timeout_delay=2)
        self.simulator.start()
        self.addCleanup(self.simulator.stop)
        from trytond.modules.company.tests import create_company, set_company
        from trytond.modules.edu_base import kz_id
        from trytond.pool import Pool
        pool = Pool()
        Party = pool.get('party.party')
        Configuration = pool.get('edu.esedo.configuration')
        Participant = pool.get('edu.esedo.participant')
        EdsConfiguration = pool.get('edu.eds.configuration')
        Trust = pool.get('edu.eds.trust.certificate')
        User = pool.get('res.user')
        from trytond.transaction import Transaction

        self.company_a = create_company("№ 12 мектеп-гимназия")
        self.company_b = create_company("Білім басқармасы",
            currency=self.company_a.currency)
        self.bin_a = kz_id.make_bin(2001, 5, 11)
        self.bin_b = kz_id.make_bin(1998, 3, 22)
        Party.write([self.company_a.party], {'bin': self.bin_a},
            [self.company_b.party], {'bin': self.bin_b})
        User.write([User(Transaction().user)], {
                'companies': [('add', [self.company_a.id,
                            self.company_b.id])]})
        Configuration.create([{
                    'company': self.company_a.id,
                    'endpoint': self.simulator.url,
                    'participant_code': 'SCH12',
                    'timeout': 1,
                    }, {
                    'company': self.company_b.id,
                    'endpoint': self.simulator.url,
                    'participant_code': 'GOV-EDU',
                    'timeout': 1,
                    }])
        self.participant_a, self.participant_b = Participant.create([{
                    'code': 'SCH12', 'name': "№ 12 мектеп-гимназия",
                    'party': self.company_a.party.id,
                    }, {
                    'code': 'GOV-EDU', 'name': "Білім басқармасы",
                    'party': self.company_b.party.id,
                    }])
        eds = EdsConfiguration(1)
        eds.check_revocation = False
        eds.save()
        Trust.load_certificates(self.pki.trusted_certificates())
        name = f'director{self.company_a.id}'
        self.director = self.pki.issue(name,
            kz_id.make_iin(dt.date(1975, 4, 12), 'male', 7),
            bin=self.bin_a, roles=('legal', 'first_head'),
            organisation="№ 12 мектеп-гимназия")
        return set_company

    def signed_letter(self, content=PDF):
        "A signed outgoing letter of school A to school B's department"
        from trytond.modules.company.tests import set_company
        from trytond.pool import Pool
        pool = Pool()
        Document = pool.get('edu.edms.document')
        ModelData = pool.get('ir.model.data')
        Signature = pool.get('edu.eds.signature')
        with set_company(self.company_a):
            document, = Document.create([{
                        'company': self.company_a.id,
                        'kind': ModelData.get_id(
                            'edu_edms', 'kind_outgoing'),
                        'correspondent': self.company_b.party.id,
                        'summary': "Мектептің есебі / Отчёт школы",
                        'files': [('create', [{
                                        'name': 'letter.pdf',
                                        'data': content,
                                        }])],
                        }])
            Signature.add(document, content,
                self.pki.sign_cms(self.director, content),
                file_name='letter.pdf', company=self.company_a.id)
            Document.write([document], {'state': 'signed'})
        return document

    def send_button(self, document):
        from trytond.modules.company.tests import set_company
        from trytond.pool import Pool
        Document = Pool().get('edu.edms.document')
        with set_company(self.company_a):
            return Document.esedo_send([document])

    def messages(self, **domain):
        from trytond.pool import Pool
        Message = Pool().get('edu.esedo.message')
        return Message.search([(k, '=', v) for k, v in domain.items()],
            order=[('id', 'ASC')])

    def run_tasks(self):
        "Run the queued tasks as the worker would"
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        Queue = Pool().get('ir.queue')
        transaction = Transaction()
        count = 0
        while transaction.tasks:
            Queue(transaction.tasks.pop(0)).run()
            count += 1
        return count

    def receive_b(self):
        from trytond.pool import Pool
        Configuration = Pool().get('edu.esedo.configuration')
        Message = Pool().get('edu.esedo.message')
        configuration, = Configuration.search(
            [('company', '=', self.company_b.id)])
        return Message.receive_company(configuration)

    def documents_of(self, company):
        from trytond.pool import Pool
        Document = Pool().get('edu.edms.document')
        return Document.search([('company', '=', company.id)])

    # -- tests -------------------------------------------------------------
    @with_transaction()
    def test_send_and_receive(self):
        """A signed letter of school A is queued by the button, sent by the
        queue, received by B as a registered incoming document with its
        signature verified, acknowledged and delivered (R21, R22.5)"""
        from trytond.pool import Pool
        pool = Pool()
        Signature = pool.get('edu.eds.signature')
        Message = pool.get('edu.esedo.message')
        self.setup_organisations()
        letter = self.signed_letter()
        message, = self.send_button(letter)
        self.assertEqual(message.state, 'queued')
        self.assertEqual(message.participant, self.participant_b)
        self.assertEqual(self.simulator.mailbox('GOV-EDU'), [])
        # one queue task per message, run after the commit
        self.assertEqual(self.run_tasks(), 1)
        message = Message(message.id)
        self.assertEqual(message.state, 'sent')
        self.assertTrue(message.receipt_id)
        self.assertIn('SendDocument', message.envelope)
        self.assertEqual(message.document.state, 'sent')
        self.assertEqual(self.simulator.mailbox('GOV-EDU'),
            [message.message_id])

        incoming, = self.receive_b()
        document = incoming.document
        self.assertEqual(document.company, self.company_b)
        self.assertEqual(document.direction, 'incoming')
        self.assertEqual(document.state, 'registered')
        self.assertTrue(document.number)
        self.assertEqual(document.correspondent, self.company_a.party)
        self.assertEqual(document.correspondent_number, letter.number)
        self.assertEqual(document.correspondent_date,
            letter.registration_date)
        self.assertEqual([bytes(f.data) for f in document.files], [PDF])
        self.assertFalse(document.signature_problem)
        signature, = Signature.search(
            [('resource', '=', str(document))])
        self.assertEqual(signature.status, 'valid')
        self.assertEqual(signature.signer_bin, self.bin_a)
        self.assertEqual(incoming.participant, self.participant_a)
        # the acknowledgement goes after the commit (a queue task)
        self.assertFalse(incoming.acknowledged)
        self.assertEqual(self.simulator.status(message.message_id),
            (None, None))
        self.assertEqual(self.run_tasks(), 1)
        self.assertTrue(Message(incoming.id).acknowledged)
        self.assertEqual(self.simulator.status(message.message_id)[0],
            'received')
        # school A learns it was delivered
        Message.receive()
        self.assertEqual(Message(message.id).state, 'delivered')
        # nothing is received twice
        self.assertEqual(self.receive_b(), [])
        self.assertEqual(len(self.documents_of(self.company_b)), 1)

    @with_transaction()
    def test_send_refused(self):
        "Only a signed outgoing document with a recipient is sent, once"
        from trytond.exceptions import UserError
        from trytond.pool import Pool
        Document = Pool().get('edu.edms.document')
        self.setup_organisations()
        letter = self.signed_letter()
        Document.write([letter], {'state': 'registered'})
        with self.assertRaises(UserError):
            self.send_button(letter)
        Document.write([letter], {'state': 'signed'})
        self.send_button(letter)
        with self.assertRaises(UserError) as context:
            self.send_button(letter)
        self.assertIn(letter.rec_name, context.exception.message)
        self.assertEqual(len(self.messages(document=letter.id)), 1)

    @with_transaction()
    def test_retries_with_backoff(self):
        """503, SOAP Fault and timeout keep the message queued with the
        error and the back-off; the cron picks only the due messages; after
        the maximum of attempts the message is failed (R21)"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        pool = Pool()
        Message = pool.get('edu.esedo.message')
        Configuration = pool.get('edu.esedo.configuration')
        self.setup_organisations()
        message, = self.send_button(self.signed_letter())
        Transaction().tasks.clear()
        expected = [('http', 'HTTP 503', 1), ('fault', 'SOAP Fault', 5),
            ('timeout', 'timeout', 15)]
        for attempt, (mode, text, minutes) in enumerate(expected, 1):
            self.simulator.fail_next(1, mode)
            before = dt.datetime.now()
            Message.send([message])
            message = Message(message.id)
            self.assertEqual(message.state, 'queued')
            self.assertEqual(message.attempts, attempt)
            self.assertIn(text, message.last_error)
            delay = message.next_attempt - before
            self.assertGreaterEqual(delay, dt.timedelta(minutes=minutes))
            self.assertLess(delay, dt.timedelta(minutes=minutes, seconds=30))
            # not due yet: the cron leaves it
            self.assertEqual(Message.send_pending(), [])
        self.assertEqual(self.simulator.mailbox('GOV-EDU'), [])
        Message.write([message], {
                'next_attempt': dt.datetime.now() - dt.timedelta(seconds=1)})
        self.assertEqual(Message.send_pending(), [message])
        self.assertEqual(self.run_tasks(), 1)
        message = Message(message.id)
        self.assertEqual(message.state, 'sent')
        self.assertEqual(message.attempts, 4)
        self.assertIsNone(message.last_error)

        # a limit of 2 attempts: failed, then the clerk retries
        configuration, = Configuration.search(
            [('company', '=', self.company_a.id)])
        configuration.max_attempts = 2
        configuration.save()
        other, = self.send_button(self.signed_letter())
        Transaction().tasks.clear()
        self.simulator.fail_next(2, 'http')
        Message.send([other])
        Message.send([Message(other.id)])
        other = Message(other.id)
        self.assertEqual(other.state, 'failed')
        self.assertEqual(other.attempts, 2)
        Message.send([other])  # a failed message is not sent again
        self.assertEqual(Message(other.id).attempts, 2)
        Message.retry([other])
        self.assertEqual(self.run_tasks(), 1)
        self.assertEqual(Message(other.id).state, 'sent')

    @with_transaction()
    def test_crash_after_send_resends_once(self):
        """A crash between the SOAP call and the write of the state leaves
        the message queued; the resend gets the same receipt and the
        recipient one document (R21: never lose, never double)"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        Message = Pool().get('edu.esedo.message')
        self.setup_organisations()
        message, = self.send_button(self.signed_letter())
        Transaction().tasks.clear()
        original_write = Message.write.__func__

        def crash(cls, *args):
            if any(isinstance(v, dict) and v.get('state') == 'sent'
                    for v in args):
                raise RuntimeError("worker killed")
            return original_write(cls, *args)
        with patch.object(Message, 'write', classmethod(crash)):
            with self.assertRaises(RuntimeError):
                Message.send([message])
        message = Message(message.id)
        self.assertEqual(message.state, 'queued')
        self.assertEqual(message.attempts, 0)
        first = self.simulator.messages[message.message_id]['receipt']
        self.assertEqual(self.simulator.mailbox('GOV-EDU'),
            [message.message_id])
        Message.send([message])
        message = Message(message.id)
        self.assertEqual(message.state, 'sent')
        self.assertEqual(message.receipt_id, first)
        self.assertEqual(self.simulator.calls.count(
                ('SendDocument', message.message_id)), 2)
        self.assertEqual(len(self.receive_b()), 1)
        self.assertEqual(len(self.documents_of(self.company_b)), 1)

    @with_transaction()
    def test_tampered_signature_flagged(self):
        """A file changed after signing arrives: the document is kept,
        registered, flagged with the translated reason, no signature is
        stored; the message is acknowledged received (R22.10)"""
        from trytond.pool import Pool
        pool = Pool()
        Signature = pool.get('edu.eds.signature')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Notification = pool.get('res.notification')
        self.setup_organisations()
        clerk_b, clerk_a = User.create([{
                    'login': 'clerk_b', 'name': "Clerk B",
                    'groups': [('add', [ModelData.get_id(
                                    'edu_base', 'group_edu_clerk')])],
                    'companies': [('add', [self.company_b.id])],
                    'company': self.company_b.id,
                    }, {
                    'login': 'clerk_a', 'name': "Clerk A",
                    'groups': [('add', [ModelData.get_id(
                                    'edu_base', 'group_edu_clerk')])],
                    'companies': [('add', [self.company_a.id])],
                    'company': self.company_a.id,
                    }])
        cms = self.pki.sign_cms(self.director, PDF)
        tampered = PDF.replace(b'school A', b'school Z')
        envelope = sample_envelope('SCH12', 'GOV-EDU',
            files=[EnvelopeFile('letter.pdf', 'application/pdf', tampered)],
            signatures=[EnvelopeSignature('letter.pdf', cms)])
        self.simulator.inject('GOV-EDU', envelope.to_xml(),
            envelope.message_id)
        incoming, = self.receive_b()
        document = incoming.document
        self.assertEqual(incoming.state, 'received')
        self.assertEqual(document.state, 'registered')
        self.assertTrue(document.signature_problem)
        self.assertIn('letter.pdf', document.signature_problem_reason)
        self.assertEqual(incoming.last_error,
            document.signature_problem_reason)
        self.assertEqual(Signature.search(
                [('resource', '=', str(document))]), [])
        self.assertEqual([bytes(f.data) for f in document.files], [tampered])
        # the clerk of the receiving organisation is told, nobody else
        notification, = Notification.search([('user', '=', clerk_b.id)])
        self.assertIn(document.number, notification.label)
        self.assertEqual(
            Notification.search([('user', '=', clerk_a.id)]), [])
        self.run_tasks()
        self.assertEqual(self.simulator.status(envelope.message_id)[0],
            'received')

    @with_transaction()
    def test_signature_checks_on_arrival(self):
        """No signature, an unknown CA and a BIN other than the sender's are
        flagged, each with its reason (R22.10)"""
        from trytond.modules.edu_eds.testca import TestPKI
        from trytond.modules.edu_base import kz_id
        self.setup_organisations()
        other_dir = tempfile.mkdtemp(prefix='esedo-pki-other-')
        self.addCleanup(shutil.rmtree, other_dir, True)
        # another CA with the same names but its own keys (a key pool of
        # its own: the shared pool would give it the same keys)
        with patch.dict('os.environ', {'EDS_TEST_KEY_POOL': other_dir}):
            other = TestPKI.create(other_dir)
            stranger = other.issue('stranger',
                kz_id.make_iin(dt.date(1980, 1, 1), 'female', 3),
                bin=self.bin_a, roles=('legal', 'first_head'))
        foreign = self.pki.issue(f'foreign{self.company_a.id}',
            kz_id.make_iin(dt.date(1981, 2, 2), 'male', 4),
            bin=kz_id.make_bin(2010, 1, 33), roles=('legal', 'first_head'))
        cases = [
            [],
            [EnvelopeSignature('letter.pdf', other.sign_cms(stranger, PDF))],
            [EnvelopeSignature('letter.pdf', self.pki.sign_cms(foreign, PDF))],
            ]
        reasons = []
        for signatures in cases:
            envelope = sample_envelope('SCH12', 'GOV-EDU',
                signatures=signatures)
            self.simulator.inject('GOV-EDU', envelope.to_xml(),
                envelope.message_id)
        received = self.receive_b()
        self.assertEqual(len(received), 3)
        for message in received:
            self.assertTrue(message.document.signature_problem)
            reasons.append(message.document.signature_problem_reason)
        self.assertEqual(len(set(reasons)), 3, reasons)
        for message in received:
            self.assertFalse(message.document.signatures)

    @with_transaction()
    def test_malformed_rejected(self):
        """A malformed envelope is acknowledged rejected with the reason and
        kept as a rejected message; no document is created; an envelope
        without a message id is recorded once (R21)"""
        self.setup_organisations()
        good = sample_envelope('SCH12', 'GOV-EDU')
        bad = sample_envelope('SCH12', 'GOV-EDU')
        element = element_of(bad)
        element.find(f'{{{NS}}}Files/{{{NS}}}File/{{{NS}}}Content').text = (
            '%%%')
        self.simulator.inject('GOV-EDU', etree.tostring(
                element, encoding='unicode'), bad.message_id)
        nameless = element_of(sample_envelope('SCH12', 'GOV-EDU'))
        nameless.remove(nameless.find(f'{{{NS}}}MessageId'))
        self.simulator.inject('GOV-EDU', etree.tostring(
                nameless, encoding='unicode'))
        self.simulator.inject('GOV-EDU', good.to_xml(), good.message_id)

        received = self.receive_b()
        self.assertEqual(len(self.documents_of(self.company_b)), 1)
        states = sorted((m.state, bool(m.document)) for m in received)
        self.assertEqual(states, [('received', True), ('rejected', False),
                ('rejected', False)])
        rejected, = [m for m in received
            if m.message_id == bad.message_id]
        self.assertIn('base64', rejected.last_error)
        self.assertTrue(rejected.envelope)
        self.run_tasks()
        status, reason = self.simulator.status(bad.message_id)
        self.assertEqual(status, 'rejected')
        self.assertIn('base64', reason)
        self.assertEqual(self.simulator.status(good.message_id)[0],
            'received')
        # polled again: the nameless one is not recorded twice
        self.assertEqual(self.receive_b(), [])
        self.assertEqual(len(self.messages(company=self.company_b.id)), 3)

    @with_transaction()
    def test_half_created_undone(self):
        """An envelope whose file edu_edms refuses (an executable) leaves no
        document nor file: rejected with the reason (R21)"""
        from trytond.pool import Pool
        File = Pool().get('edu.edms.file')
        self.setup_organisations()
        files_before = File.search([], count=True)
        envelope = sample_envelope('SCH12', 'GOV-EDU', files=[
                EnvelopeFile('letter.pdf', 'application/pdf', PDF),
                EnvelopeFile('setup.exe', 'application/octet-stream',
                    b'MZ\x90\x00' + b'\x00' * 60)])
        self.simulator.inject('GOV-EDU', envelope.to_xml(),
            envelope.message_id)
        message, = self.receive_b()
        self.assertEqual(message.state, 'rejected')
        self.assertIsNone(message.document)
        self.assertTrue(message.last_error)
        self.assertEqual(self.documents_of(self.company_b), [])
        self.assertEqual(File.search([], count=True), files_before)

    @with_transaction()
    def test_exchange_down_loses_nothing(self):
        "ЕСЭДО unreachable at the poll: nothing created, nothing lost"
        from trytond.pool import Pool
        Message = Pool().get('edu.esedo.message')
        self.setup_organisations()
        envelope = sample_envelope('SCH12', 'GOV-EDU')
        self.simulator.inject('GOV-EDU', envelope.to_xml(),
            envelope.message_id)
        self.simulator.fail_next(1, 'fault')
        self.assertEqual(self.receive_b(), [])
        self.assertEqual(self.documents_of(self.company_b), [])
        # the acknowledgement fails: the document stays, acknowledged later
        received, = self.receive_b()
        self.simulator.fail_next(1, 'http')
        self.run_tasks()
        self.assertFalse(Message(received.id).acknowledged)
        self.assertEqual(self.simulator.mailbox('GOV-EDU'),
            [envelope.message_id])
        self.assertEqual(self.receive_b(), [])
        self.run_tasks()
        self.assertTrue(Message(received.id).acknowledged)
        self.assertEqual(self.simulator.mailbox('GOV-EDU'), [])
        self.assertEqual(len(self.documents_of(self.company_b)), 1)

    @with_transaction()
    def test_unreadable_response_received_later(self):
        "A broken answer of ЕСЭДО receives nothing and raises nothing"
        from trytond.modules.edu_esedo import client as client_module
        self.setup_organisations()
        envelope = sample_envelope('SCH12', 'GOV-EDU')
        self.simulator.inject('GOV-EDU', envelope.to_xml(),
            envelope.message_id)
        real = client_module.envelopes_of_response
        with patch.object(client_module, 'envelopes_of_response',
                side_effect=lambda data: real(b'<broken')):
            self.assertEqual(self.receive_b(), [])
        self.assertEqual(self.documents_of(self.company_b), [])
        self.assertEqual(len(self.receive_b()), 1)

    @with_transaction()
    def test_unexpected_failure_does_not_block(self):
        """An envelope whose storing fails unexpectedly is rejected with the
        reason; the next one is received (R21)"""
        from trytond.pool import Pool
        Message = Pool().get('edu.esedo.message')
        self.setup_organisations()
        poisoned = sample_envelope('SCH12', 'GOV-EDU')
        good = sample_envelope('SCH12', 'GOV-EDU')
        for envelope in [poisoned, good]:
            self.simulator.inject('GOV-EDU', envelope.to_xml(),
                envelope.message_id)
        original = Message._create_incoming.__func__

        def create(cls, configuration, envelope, xml):
            if envelope.message_id == poisoned.message_id:
                # half-created, then a failure which is not a UserError
                original(cls, configuration, envelope, xml)
                raise RuntimeError("duplicate key value")
            return original(cls, configuration, envelope, xml)
        with patch.object(Message, '_create_incoming', classmethod(create)), \
                self.assertLogs('trytond.modules.edu_esedo.message',
                    'ERROR'):
            received = self.receive_b()
        states = {m.message_id: (m.state, bool(m.document))
            for m in received}
        self.assertEqual(states, {
                poisoned.message_id: ('rejected', False),
                good.message_id: ('received', True),
                })
        document, = self.documents_of(self.company_b)
        self.assertEqual(document.correspondent_number,
            good.registration_number)
        rejected, = [m for m in received
            if m.message_id == poisoned.message_id]
        self.assertIn('duplicate key value', rejected.last_error)
        self.run_tasks()
        status, reason = self.simulator.status(poisoned.message_id)
        self.assertEqual(status, 'rejected')
        self.assertIn('duplicate key value', reason)
        self.assertEqual(self.simulator.status(good.message_id)[0],
            'received')

    @with_transaction()
    def test_one_company_failure_isolated(self):
        """The failure of one organisation's reception undoes its own work
        only: the cron goes on with the others"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        Message = Pool().get('edu.esedo.message')
        self.setup_organisations()
        to_a = sample_envelope('GOV-EDU', 'SCH12')
        to_b = sample_envelope('SCH12', 'GOV-EDU')
        self.simulator.inject('SCH12', to_a.to_xml(), to_a.message_id)
        self.simulator.inject('GOV-EDU', to_b.to_xml(), to_b.message_id)
        original = Message.receive_company.__func__

        def receive_company(cls, configuration):
            result = original(cls, configuration)
            if configuration.participant_code == 'SCH12':
                raise RuntimeError("organisation A broken")
            return result
        Transaction().tasks.clear()
        with patch.object(Message, 'receive_company',
                    classmethod(receive_company)), \
                self.assertLogs('trytond.modules.edu_esedo.message',
                    'ERROR'):
            received = Message.receive()
        self.assertEqual([m.message_id for m in received], [to_b.message_id])
        self.assertEqual(self.documents_of(self.company_a), [])
        self.assertEqual(len(self.documents_of(self.company_b)), 1)
        # only B's acknowledgement is queued
        self.assertEqual(self.run_tasks(), 1)
        self.assertEqual(self.simulator.mailbox('SCH12'), [to_a.message_id])
        self.assertEqual(self.simulator.mailbox('GOV-EDU'), [])

    @with_transaction()
    def test_unknown_sender_flagged(self):
        """A valid signature of a sender whose BIN is unknown (a participant
        without party) is kept but the document is flagged"""
        from trytond.pool import Pool
        Signature = Pool().get('edu.eds.signature')
        self.setup_organisations()
        envelope = sample_envelope('NEW-SCH', 'GOV-EDU', signatures=[
                EnvelopeSignature('letter.pdf',
                    self.pki.sign_cms(self.director, PDF))])
        self.simulator.inject('GOV-EDU', envelope.to_xml(),
            envelope.message_id)
        incoming, = self.receive_b()
        document = incoming.document
        self.assertEqual(incoming.state, 'received')
        self.assertEqual(incoming.participant.code, 'NEW-SCH')
        self.assertIsNone(incoming.participant.party)
        self.assertTrue(document.signature_problem)
        self.assertIn('NEW-SCH', document.signature_problem_reason)
        self.assertIn('BIN', document.signature_problem_reason)
        signature, = Signature.search([('resource', '=', str(document))])
        self.assertEqual(signature.status, 'valid')

    @with_transaction()
    def test_signatures_sent_whatever_last_check(self):
        """A letter queued, then its signature re-checked during an OCSP
        outage (revocation_unknown), is sent with its signature"""
        from trytond.pool import Pool
        pool = Pool()
        Signature = pool.get('edu.eds.signature')
        self.setup_organisations()
        letter = self.signed_letter()
        message, = self.send_button(letter)
        signature, = Signature.search([('resource', '=', str(letter))])
        Signature.write([signature], {'status': 'revocation_unknown'})
        self.assertEqual(self.run_tasks(), 1)
        incoming, = self.receive_b()
        self.assertFalse(incoming.document.signature_problem,
            incoming.document.signature_problem_reason)
        received, = Signature.search(
            [('resource', '=', str(incoming.document))])
        self.assertEqual(received.status, 'valid')
