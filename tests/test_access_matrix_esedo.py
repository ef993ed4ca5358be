# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_esedo (R21, R5.8, R12): the ЕСЭДО configuration of
an organisation and the directory of participants are kept by the platform
administrator and read by the clerk and the management; the messages are
written by the server only (button, queue, cron) and read by the clerk and
the management of their organisation; only the clerk presses "Send via
ЕСЭДО" and "Retry"; a user of school A reaches nothing of school B's
exchange."""
import unittest
import uuid

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from tests.access_matrix import (
    ROLES, AccessMatrix, Probe, build_two_schools, expand)

MODELS = ('edu.esedo.configuration', 'edu.esedo.participant',
    'edu.esedo.message')


def table(default, **roles):
    return {**{role: default for role in ROLES}, **roles}


EXPECTED = {}
for _model in MODELS:
    EXPECTED.update(expand(_model, table('----', clerk='r---',
                director='r---', deputy_director='r---')))
# a button refused by its groups, or the record not readable at all
REFUSED = (AccessButtonError, AccessError)
ISOLATED = ['edu.esedo.configuration', 'edu.esedo.message']


class Samples:
    "The ЕСЭДО configurations, participants and messages of schools A and B"

    def __init__(self, schools):
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Configuration = pool.get('edu.esedo.configuration')
        Participant = pool.get('edu.esedo.participant')
        Message = pool.get('edu.esedo.message')
        ModelData = pool.get('ir.model.data')
        self.schools = schools
        incoming = ModelData.get_id('edu_edms', 'kind_incoming')
        self.configuration, self.document, self.message = {}, {}, {}
        self.participant, = Participant.create([{
                    'code': 'GOV-1', 'name': "Білім басқармасы"}])
        for school in 'ab':
            company = getattr(schools, 'school_' + school)
            with Transaction().set_context(company=company):
                configuration, = Configuration.create([{
                            'company': company,
                            'endpoint': 'http://127.0.0.1:9/esedo',
                            'participant_code': 'SCH-' + school}])
                document, = Document.create([{'company': company,
                            'kind': incoming, 'summary': "Хат " + school}])
                message, = Message.create([{
                            'company': company, 'direction': 'in',
                            'document': document.id,
                            'participant': self.participant.id,
                            'message_id': str(uuid.uuid4()),
                            'state': 'received'}])
            self.configuration[school] = configuration.id
            self.document[school] = document.id
            self.message[school] = message.id

    def new_participant(self):
        Participant = Pool().get('edu.esedo.participant')
        participant, = Participant.create([self.participant_values()])
        return participant.id

    def participant_values(self):
        return {'code': 'P-' + uuid.uuid4().hex[:8], 'name': "Қатысушы"}

    def message_values(self):
        return {'company': self.schools.school_a, 'direction': 'in',
            'message_id': str(uuid.uuid4()), 'state': 'received'}

    def new_message(self):
        Message = Pool().get('edu.esedo.message')
        message, = Message.create([self.message_values()])
        return message.id

    def probes(self):
        return {
            'edu.esedo.configuration': Probe('edu.esedo.configuration',
                own=self.configuration['a'],
                other=self.configuration['b'],
                write_field='endpoint',
                create_values=lambda: {
                    'company': self.schools.school_a,
                    'endpoint': 'http://127.0.0.1:9/x',
                    'participant_code': 'X'}),
            'edu.esedo.participant': Probe('edu.esedo.participant',
                own=self.participant.id, write_field='name',
                create_values=self.participant_values,
                make_record=self.new_participant),
            'edu.esedo.message': Probe('edu.esedo.message',
                own=self.message['a'], other=self.message['b'],
                write_field='last_error',
                create_values=self.message_values,
                make_record=self.new_message),
            }


class AccessMatrixEsedoTestCase(unittest.TestCase):
    "Access matrix of the ЕСЭДО exchange"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_esedo'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_access_matrix(self):
        """The clerk and the management read, nobody of the school writes;
        school B's configuration and messages are out of reach (R21, R12)"""
        schools = build_two_schools()
        samples = Samples(schools)
        matrix = AccessMatrix(schools.users, samples.probes())
        matrix.check(EXPECTED, isolated_models=ISOLATED, foreign_domains={
                'edu.esedo.configuration': [
                    ('company', '=', schools.school_b)],
                'edu.esedo.message': [('company', '=', schools.school_b)],
                })
        Message = Pool().get('edu.esedo.message')
        visible = Message.browse(matrix.visible('clerk', 'edu.esedo.message'))
        self.assertIn(samples.message['a'], [m.id for m in visible])
        self.assertEqual({m.company.id for m in visible},
            {schools.school_a})

    @with_transaction()
    def test_buttons(self):
        """Only the clerk sends a document through ЕСЭДО and retries a
        message; the director and the teacher are refused"""
        from trytond.modules.edu_esedo.exceptions import EsedoError
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Message = pool.get('edu.esedo.message')
        schools = build_two_schools()
        samples = Samples(schools)
        users = schools.users
        matrix = AccessMatrix(users, samples.probes())
        ModelData = pool.get('ir.model.data')
        with Transaction().set_context(company=schools.school_a):
            document, = Document.create([{'company': schools.school_a,
                        'kind': ModelData.get_id('edu_edms', 'kind_outgoing'),
                        'summary': "Шығыс хат"}])
        Document.write([document], {'state': 'signed'})
        Message.write([Message(samples.message['a'])], {
                'state': 'failed', 'direction': 'out',
                'document': document.id})
        for role in ('director', 'teacher', 'sysadmin'):
            with self.subTest(role=role), matrix.as_user(users[role]), \
                    self.assertRaises(REFUSED):
                Document.esedo_send([Document(document.id)])
            with self.subTest(role=role), matrix.as_user(users[role]), \
                    self.assertRaises(REFUSED):
                Message.retry([Message(samples.message['a'])])
        # the clerk passes the access check; the letter has no recipient:
        # the refusal is about the document, not the access
        with matrix.as_user(users['clerk']), \
                self.assertRaises(EsedoError):
            Document.esedo_send([Document(document.id)])
        with matrix.as_user(users['clerk']):
            Message.retry([Message(samples.message['a'])])
        self.assertEqual(Message(samples.message['a']).state, 'queued')
