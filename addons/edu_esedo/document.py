# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The document's side of the ЕСЭДО exchange (R21, R22.5): the recipient
participant of an outgoing letter, the button "Send via ЕСЭДО" on a signed
outgoing document (a queued message created in the same transaction), the
messages of the document, and the flag of an incoming document whose
signature did not verify on arrival (with the translated reason)."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .envelope import Envelope
from .exceptions import EsedoError


class Document(metaclass=PoolMeta):
    __name__ = 'edu.edms.document'

    esedo_participant = fields.Many2One('edu.esedo.participant',
        "ЕСЭДО Recipient", ondelete='RESTRICT',
        states={
            'invisible': Eval('direction') != 'outgoing',
            'readonly': ~Eval('state').in_(
                ['draft', 'registered', 'on_approval', 'approved',
                    'signed']),
            },
        help="The participant of ЕСЭДО the letter is sent to.")
    esedo_messages = fields.One2Many('edu.esedo.message', 'document',
        "ЕСЭДО Messages", readonly=True)
    signature_problem = fields.Boolean("Signature Problem", readonly=True,
        help="A signature of the document received through ЕСЭДО did not "
        "verify.")
    signature_problem_reason = fields.Text("Signature Problem Reason",
        readonly=True,
        states={'invisible': ~Eval('signature_problem')})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'esedo_send': {
                    'invisible': ((Eval('direction') != 'outgoing')
                        | (Eval('state') != 'signed')),
                    'depends': ['direction', 'state'],
                    },
                })

    @staticmethod
    def default_signature_problem():
        return False

    @fields.depends('correspondent', 'esedo_participant')
    def on_change_correspondent(self):
        try:
            super().on_change_correspondent()
        except AttributeError:
            pass
        if self.correspondent and not self.esedo_participant:
            Participant = Pool().get('edu.esedo.participant')
            self.esedo_participant = Participant.of_party(self.correspondent)

    @classmethod
    def copy(cls, documents, default=None):
        default = default.copy() if default else {}
        default.setdefault('esedo_messages', None)
        default.setdefault('signature_problem', False)
        default.setdefault('signature_problem_reason', None)
        return super().copy(documents, default=default)

    @classmethod
    @ModelView.button
    def esedo_send(cls, documents):
        """Queue the signed outgoing documents for ЕСЭДО: the message is
        created in this transaction, sent by the queue after the commit"""
        pool = Pool()
        Message = pool.get('edu.esedo.message')
        Participant = pool.get('edu.esedo.participant')
        Configuration = pool.get('edu.esedo.configuration')
        Signature = pool.get('edu.eds.signature')
        values = []
        for document in documents:
            name = document.rec_name
            if document.direction != 'outgoing' or document.state != 'signed':
                raise EsedoError(gettext('edu_esedo.msg_send_not_signed',
                        document=name))
            participant = document.esedo_participant
            if not participant and document.correspondent:
                participant = Participant.of_party(document.correspondent)
            if not participant:
                raise EsedoError(gettext('edu_esedo.msg_send_no_participant',
                        document=name))
            with without_check_access():
                configuration = Configuration.of_company(document.company)
                signed = Signature.search([
                        ('resource', '=', str(document)),
                        ('status', '=', 'valid'),
                        ], limit=1)
                active = Message.search([
                        ('document', '=', document.id),
                        ('direction', '=', 'out'),
                        ('state', 'in', ['queued', 'sent', 'delivered']),
                        ], limit=1)
            if not configuration or not configuration.enabled:
                raise EsedoError(gettext('edu_esedo.msg_not_configured',
                        company=document.company.rec_name))
            if not document.files:
                raise EsedoError(gettext('edu_esedo.msg_send_no_file',
                        document=name))
            if not signed:
                raise EsedoError(gettext('edu_esedo.msg_send_no_signature',
                        document=name))
            if active:
                raise EsedoError(gettext('edu_esedo.msg_send_already',
                        document=name))
            values.append({
                    'company': document.company.id,
                    'direction': 'out',
                    'document': document.id,
                    'participant': participant.id,
                    'message_id': Envelope.new_message_id(),
                    'state': 'queued',
                    })
            if document.esedo_participant != participant:
                document.esedo_participant = participant
        cls.save([d for d in documents if d._changed_values()])
        with without_check_access():
            messages = Message.create(values)
        Message.enqueue(messages)
        return messages
