# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Messages exchanged through ЕСЭДО (R21, R22.5).

Outgoing: the clerk's button "Send via ЕСЭДО" on a signed outgoing document
creates a ``queued`` message in the same transaction (nothing is sent yet,
so a rollback loses nothing and a commit loses nothing either) and pushes
one task per message to Tryton's queue (``__queue__``, queue
``edu_esedo``): each message is sent in its own transaction.  The message
id (a UUID) is fixed at creation: a crash between the SOAP call and the
write of the new state leaves the message queued, and the resend of the
same message id returns the same receipt (ЕСЭДО and the simulator are
idempotent on it), so the recipient gets the document once.  A failure
(unreachable, timeout, HTTP error, SOAP Fault) keeps the message queued
with the error text and a back-off (1, 5, 15, 60 minutes, then hourly);
after ``max_attempts`` (24 by default) it is ``failed``.  The cron
``send_pending`` re-queues the messages that are due.  The recipient's
acknowledgement (a receipt returned by GetDocuments) makes it
``delivered`` or ``rejected``.

Incoming: the cron ``receive`` (every 5 minutes) calls GetDocuments for
each enabled organisation.  Each envelope is parsed whole before anything
is created; a valid one becomes a registered incoming document (kind
``edu_edms.kind_incoming``, correspondent = the sender participant's
party, the sender's number and date, the files attached) and each CMS
signature is verified with edu_eds (``edu.eds.signature.verify`` then
``add`` when valid).  An invalid or missing signature keeps the document,
flags it (``signature_problem``) with the translated reason and notifies
the clerks; the message is acknowledged ``received`` in both cases.  A
malformed envelope is acknowledged ``rejected`` with the reason and kept
as a rejected message record (the XML and the translated error), nothing
else is created (a savepoint undoes a half-created document).  The
acknowledgements are sent by a queued task after the commit, so a
document is never acknowledged before it is stored; an envelope received
twice (acknowledgement lost) is recognised by its message id and
acknowledged again.  A signature of a sender whose participant has no BIN
(no party, e.g. an unknown sender added to the directory) is stored when
valid but the document is flagged: its signer is not confirmed as the
sender.

Nothing received blocks the rest: an unreadable GetDocuments answer is an
exchange failure (nothing received, asked again at the next poll); an
envelope whose storing fails unexpectedly is rejected with the reason; one
organisation's failure is logged and undoes only its own work (a savepoint
each).  Tryton's own retries (a lock to take, a concurrent update: the
cron runs the transaction again) are not caught.

An outgoing envelope carries every stored signature of the document, not
only those whose last re-check said "valid" (see ``build_envelope``).
"""
import datetime as dt
import hashlib
import logging
from contextlib import contextmanager

from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import (
    Transaction, TransactionError, without_check_access)

from trytond.modules.edu_eds.signature import status_message

from .client import ExchangeError
from .envelope import (
    Envelope, EnvelopeFile, EnvelopeSignature, MalformedEnvelope, parse)

logger = logging.getLogger(__name__)

#: minutes before the next attempt after the 1st, 2nd, ... failure; then
#: hourly
BACKOFF_MINUTES = (1, 5, 15, 60)
QUEUE_NAME = 'edu_esedo'
#: the errors after which Tryton runs the whole transaction again (a lock
#: to take first, a concurrent update): never caught by the reception
RETRIED = (TransactionError, backend.DatabaseOperationalError)

STATES = [
    ('queued', "Queued"),
    ('sent', "Sent"),
    ('delivered', "Delivered"),
    ('failed', "Failed"),
    ('received', "Received"),
    ('rejected', "Rejected"),
    ]


def backoff(attempts):
    "Return the delay before the next attempt after `attempts` failures"
    if attempts <= 0:
        return dt.timedelta(0)
    if attempts <= len(BACKOFF_MINUTES):
        return dt.timedelta(minutes=BACKOFF_MINUTES[attempts - 1])
    return dt.timedelta(hours=1)


@contextmanager
def savepoint(name):
    """Undo what the block wrote to the database when it raises"""
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    cursor.execute(f'SAVEPOINT {name}')
    try:
        yield
    except Exception:
        cursor.execute(f'ROLLBACK TO SAVEPOINT {name}')
        for cache in transaction.cache.values():
            cache.clear()
        raise
    else:
        cursor.execute(f'RELEASE SAVEPOINT {name}')


class Message(ModelSQL, ModelView):
    "ЕСЭДО Message"
    __name__ = 'edu.esedo.message'
    __string__ = "ЕСЭДО Message"
    _rec_name = 'message_id'

    company = fields.Many2One('company.company', "Organisation",
        required=True, readonly=True, ondelete='RESTRICT')
    direction = fields.Selection([
            ('out', "Outgoing"),
            ('in', "Incoming"),
            ], "Direction", required=True, readonly=True)
    document = fields.Many2One('edu.edms.document', "Document",
        readonly=True, ondelete='RESTRICT')
    participant = fields.Many2One('edu.esedo.participant', "Participant",
        readonly=True, ondelete='RESTRICT',
        help="The recipient of an outgoing message, the sender of an "
        "incoming one.")
    message_id = fields.Char("Message ID", required=True, readonly=True)
    receipt_id = fields.Char("Receipt ID", readonly=True)
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    attempts = fields.Integer("Attempts", readonly=True)
    next_attempt = fields.Timestamp("Next Attempt", readonly=True)
    last_error = fields.Text("Last Error", readonly=True)
    sent_at = fields.Timestamp("Sent at", readonly=True)
    acknowledged = fields.Boolean("Acknowledged", readonly=True,
        help="The acknowledgement of an incoming message reached ЕСЭДО.")
    reason = fields.Text("Reason", readonly=True,
        help="The reason given with a rejection.")
    envelope = fields.Text("Envelope", readonly=True,
        help="The XML sent or received.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('message_uniq', Unique(t, t.company, t.direction, t.message_id),
                'edu_esedo.msg_message_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    (t.next_attempt, Index.Range())),
                })
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'retry': {
                    'invisible': Eval('state') != 'failed',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'queued'

    @staticmethod
    def default_attempts():
        return 0

    @staticmethod
    def default_acknowledged():
        return False

    # -- sending -----------------------------------------------------------
    @classmethod
    def enqueue(cls, messages):
        "Push one queue task per message (each sent in its own transaction)"
        with Transaction().set_context(queue_name=QUEUE_NAME):
            for message in messages:
                cls.__queue__.send([message])

    @classmethod
    @ModelView.button
    def retry(cls, messages):
        "Give a failed message a new series of attempts"
        failed = [m for m in messages if m.state == 'failed']
        with without_check_access():
            cls.write(failed, {
                    'state': 'queued', 'attempts': 0, 'next_attempt': None})
        cls.enqueue(failed)

    @classmethod
    def send_pending(cls):
        "Cron: queue the outgoing messages whose attempt is due"
        now = dt.datetime.now()
        company = Transaction().context.get('company')
        messages = cls.search([
                ('company', '=', company) if company else ('id', '>', 0),
                ('direction', '=', 'out'),
                ('state', '=', 'queued'),
                ['OR',
                    ('next_attempt', '=', None),
                    ('next_attempt', '<=', now),
                    ],
                ], order=[('id', 'ASC')])
        cls.enqueue(messages)
        return messages

    def build_envelope(self, configuration):
        "Return the Envelope of the outgoing document"
        pool = Pool()
        Signature = pool.get('edu.eds.signature')
        document = self.document
        files = [EnvelopeFile(f.name, f.mimetype or 'application/octet-stream',
                bytes(f.data or b'')) for f in document.files]
        # every stored signature: a signature is stored only after a
        # complete verification succeeded, its status is only the result of
        # the last re-check, which may be transient (an OCSP outage gives
        # revocation_unknown); the recipient verifies each one on arrival
        # and flags a failure, a letter never leaves without its signatures
        signatures = Signature.search([
                ('resource', '=', str(document)),
                ], order=[('id', 'ASC')])
        main_name = document.main_file.name if getattr(
            document, 'main_file', None) else (
            files[0].name if files else None)
        return Envelope(
            message_id=self.message_id,
            sender=configuration.participant_code,
            recipient=self.participant.code,
            registration_number=document.number or '',
            registration_date=(document.registration_date or document.date
                or dt.date.today()),
            kind=document.kind.code if document.kind else 'letter',
            summary=document.summary or '',
            files=files,
            signatures=[EnvelopeSignature(s.file_name or main_name,
                    bytes(s.cms)) for s in signatures])

    @classmethod
    def send(cls, messages):
        """Send the queued outgoing messages (normally one, from a queue
        task); an exchange failure is kept on the message with the next
        attempt, it does not raise"""
        pool = Pool()
        Configuration = pool.get('edu.esedo.configuration')
        Document = pool.get('edu.edms.document')
        for message in messages:
            message = cls(message.id)
            if message.direction != 'out' or message.state != 'queued':
                continue
            configuration = Configuration.of_company(message.company)
            if not configuration or not configuration.enabled:
                cls._record_failure(message, gettext(
                        'edu_esedo.msg_not_configured',
                        company=message.company.rec_name), configuration)
                continue
            envelope = message.build_envelope(configuration)
            try:
                client = configuration.get_client()
                xml = client.create_message(envelope)
                receipt = client.send_document(envelope)
            except ExchangeError as exception:
                cls._record_failure(message, str(exception), configuration)
                continue
            # a crash from here until the commit leaves the message queued:
            # the resend carries the same message id, ЕСЭДО returns the
            # same receipt
            with without_check_access():
                cls.write([message], {
                        'state': 'sent',
                        'receipt_id': receipt,
                        'attempts': (message.attempts or 0) + 1,
                        'sent_at': dt.datetime.now(),
                        'next_attempt': None,
                        'last_error': None,
                        'envelope': xml,
                        })
                document = message.document
                if document.state == 'signed':
                    Document.write([document], {'state': 'sent'})

    @classmethod
    def _record_failure(cls, message, error, configuration):
        attempts = (message.attempts or 0) + 1
        limit = (configuration.max_attempts if configuration
            else None) or 24
        values = {
            'attempts': attempts,
            'last_error': error[:2000],
            }
        if attempts >= limit:
            values.update(state='failed', next_attempt=None)
        else:
            values['next_attempt'] = dt.datetime.now() + backoff(attempts)
        logger.warning('ЕСЭДО message %s: attempt %s failed: %s',
            message.message_id, attempts, error)
        with without_check_access():
            cls.write([message], values)

    # -- receiving ---------------------------------------------------------
    @classmethod
    def receive(cls):
        "Cron: fetch the documents and receipts of every organisation"
        pool = Pool()
        Configuration = pool.get('edu.esedo.configuration')
        received = []
        domain = [('enabled', '=', True)]
        # the cron of the company module runs once per company of the cron
        # (context company), or once for all when it has none
        company = Transaction().context.get('company')
        if company:
            domain.append(('company', '=', company))
        transaction = Transaction()
        for number, configuration in enumerate(Configuration.search(
                    domain, order=[('id', 'ASC')])):
            # one organisation's failure undoes its own work only (the
            # cron runs every organisation in one transaction)
            tasks = len(transaction.tasks)
            try:
                with savepoint(f'esedo_company_{number}'), \
                        transaction.set_context(
                            company=configuration.company.id):
                    messages = cls.receive_company(configuration)
            except RETRIED:
                raise
            except Exception:
                del transaction.tasks[tasks:]
                logger.exception('ЕСЭДО reception of %s failed',
                    configuration.participant_code)
                continue
            received.extend(messages)
        return received

    @classmethod
    def receive_company(cls, configuration):
        """Fetch the envelopes and receipts of one organisation; return the
        incoming messages created (the acknowledgements are queued)"""
        started = dt.datetime.now()
        try:
            client = configuration.get_client()
            envelopes, receipts = client.get_documents(
                since=configuration.last_receive)
        except ExchangeError as exception:
            logger.warning('ЕСЭДО receipt of %s failed: %s',
                configuration.participant_code, exception)
            return []
        cls._apply_receipts(configuration, receipts)
        created = []
        for number, (element, xml) in enumerate(envelopes):
            # an envelope which cannot be handled at all is skipped (kept
            # in the mailbox, retried at the next poll): it never blocks
            # the others
            try:
                with savepoint(f'esedo_envelope_{number}'):
                    message = cls._receive_envelope(configuration, element,
                        xml, number)
            except RETRIED:
                raise
            except Exception:
                logger.exception('ЕСЭДО envelope %s of %s not received',
                    number, configuration.participant_code)
                continue
            if message:
                created.append(message)
        # the messages whose acknowledgement did not reach ЕСЭДО yet
        pending = cls.search([
                ('company', '=', configuration.company.id),
                ('direction', '=', 'in'),
                ('acknowledged', '=', False),
                ('message_id', 'not like', 'sha256:%'),
                ])
        with Transaction().set_context(queue_name=QUEUE_NAME):
            for message in pending:
                cls.__queue__.acknowledge([message])
        with without_check_access():
            configuration.__class__.write([configuration],
                {'last_receive': started})
        return created

    @classmethod
    def _apply_receipts(cls, configuration, receipts):
        for receipt in receipts:
            messages = cls.search([
                    ('company', '=', configuration.company.id),
                    ('direction', '=', 'out'),
                    ('message_id', '=', receipt['message_id']),
                    ('state', 'in', ['sent', 'queued']),
                    ])
            if not messages:
                continue
            state = ('delivered' if receipt['status'] == 'received'
                else 'rejected')
            with without_check_access():
                cls.write(messages, {
                        'state': state,
                        'reason': receipt.get('reason') or None,
                        })

    @classmethod
    def _receive_envelope(cls, configuration, element, xml, number=0):
        company = configuration.company
        try:
            envelope = parse(element,
                recipient=configuration.participant_code)
        except MalformedEnvelope as exception:
            return cls._reject(configuration, exception, xml)
        existing = cls.search([
                ('company', '=', company.id),
                ('direction', '=', 'in'),
                ('message_id', '=', envelope.message_id),
                ])
        if existing:
            # already stored: only the acknowledgement was lost
            with without_check_access():
                cls.write(existing, {'acknowledged': False})
            return None
        try:
            with savepoint(f'esedo_in_{number}'):
                return cls._create_incoming(configuration, envelope, xml)
        except UserError as exception:
            return cls._reject(configuration, MalformedEnvelope('xml',
                    exception.message, message_id=envelope.message_id),
                xml, error=exception.message)
        except RETRIED:
            raise
        except Exception as exception:
            # anything else would fail again at every poll: rejected with
            # the reason, so that the sender knows and the clerk sees it
            logger.exception('ЕСЭДО envelope %s could not be stored',
                envelope.message_id)
            detail = f'{exception.__class__.__name__}: {exception}'[:1000]
            return cls._reject(configuration, MalformedEnvelope('xml',
                    detail, message_id=envelope.message_id), xml,
                error=gettext('edu_esedo.msg_receive_failed',
                    detail=detail))

    @classmethod
    def _reject(cls, configuration, exception, xml, error=None):
        message_id = exception.message_id or (
            'sha256:' + hashlib.sha256(xml.encode('utf-8')).hexdigest())
        existing = cls.search([
                ('company', '=', configuration.company.id),
                ('direction', '=', 'in'),
                ('message_id', '=', message_id),
                ])
        if existing:
            return None
        if error is None:
            error = gettext(f'edu_esedo.msg_malformed_{exception.code}',
                detail=exception.detail)
        with without_check_access():
            message, = cls.create([{
                        'company': configuration.company.id,
                        'direction': 'in',
                        'message_id': message_id,
                        'state': 'rejected',
                        'last_error': error,
                        'reason': exception.detail[:1000],
                        'envelope': xml,
                        # an envelope without a message id cannot be
                        # acknowledged
                        'acknowledged': message_id.startswith('sha256:'),
                        }])
        logger.warning('ЕСЭДО envelope rejected: %s', exception)
        return message

    @classmethod
    def _participant(cls, code):
        Participant = Pool().get('edu.esedo.participant')
        with without_check_access():
            participants = Participant.search([('code', '=', code)],
                limit=1)
            if participants:
                return participants[0]
            # an unknown sender is added to the directory for the clerk to
            # complete: the document is never refused for it
            participant, = Participant.create([{
                        'code': code, 'name': code}])
        return participant

    @classmethod
    def _create_incoming(cls, configuration, envelope, xml):
        pool = Pool()
        Document = pool.get('edu.edms.document')
        ModelData = pool.get('ir.model.data')
        company = configuration.company
        participant = cls._participant(envelope.sender)
        kind = ModelData.get_id('edu_edms', 'kind_incoming')
        with without_check_access():
            document, = Document.create([{
                        'company': company.id,
                        'kind': kind,
                        'correspondent': (participant.party.id
                            if participant.party else None),
                        'correspondent_number':
                            envelope.registration_number,
                        'correspondent_date': envelope.registration_date,
                        'date': envelope.registration_date,
                        'summary': envelope.summary,
                        'files': [('create', [{
                                        'name': f.name,
                                        'data': f.content,
                                        } for f in envelope.files])],
                        }])
            if document.state == 'draft' and hasattr(Document, 'register'):
                Document.register([document])
            problems = cls._verify_signatures(
                document, envelope, participant)
            if problems:
                Document.write([document], {
                        'signature_problem': True,
                        'signature_problem_reason': '\n'.join(problems),
                        })
            message, = cls.create([{
                        'company': company.id,
                        'direction': 'in',
                        'document': document.id,
                        'participant': participant.id,
                        'message_id': envelope.message_id,
                        'state': 'received',
                        'envelope': xml,
                        'last_error': '\n'.join(problems) or None,
                        'acknowledged': False,
                        }])
        if problems:
            cls._notify_problem(document)
        return message

    @classmethod
    def _verify_signatures(cls, document, envelope, participant):
        """Verify and store each signature; return the translated problems
        (an empty list when every signature is valid)"""
        pool = Pool()
        Signature = pool.get('edu.eds.signature')
        contents = {f.name: f.content for f in envelope.files}
        if not envelope.signatures:
            return [gettext('edu_esedo.msg_no_signature')]
        problems = []
        bin_ = participant.bin or None
        for signature in envelope.signatures:
            content = contents[signature.file_name]
            try:
                verification = Signature.verify(
                    signature.cms, content, bin=bin_)
            except Exception as exception:
                logger.exception('ЕСЭДО signature verification failed')
                problems.append(gettext('edu_esedo.msg_signature_problem',
                        file=signature.file_name,
                        reason=getattr(exception, 'message', None)
                        or str(exception)))
                continue
            if verification.valid:
                try:
                    Signature.add(document, content, signature.cms,
                        file_name=signature.file_name, bin=bin_,
                        company=document.company)
                except UserError as exception:
                    reason = exception.message
                else:
                    if not bin_:
                        # kept (a valid signature), but nothing ties its
                        # signer to the sender
                        problems.append(gettext(
                                'edu_esedo.msg_signer_unconfirmed',
                                file=signature.file_name,
                                signer=verification.signer.cert.name
                                or '-',
                                sender=participant.rec_name))
                    continue
            else:
                reason = status_message(verification)
                signer = verification.signers[0] if (
                    verification.signers) else None
                name = getattr(getattr(signer, 'cert', None), 'name', None)
                if name:
                    reason = f'{reason} ({name})'
            problems.append(gettext('edu_esedo.msg_signature_problem',
                    file=signature.file_name, reason=reason))
        return problems

    @classmethod
    def _notify_problem(cls, document):
        "Tell the clerks of the organisation about a signature problem"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        try:
            from trytond.modules.edu_edms.notification import notify
        except ImportError:
            return
        group = ModelData.get_id('edu_base', 'group_edu_clerk')
        with without_check_access():
            users = User.search([
                    ('groups', '=', group),
                    ('companies', '=', document.company.id),
                    ])
        if users:
            notify(users, 'edu_esedo.msg_notify_signature_problem', document)

    @classmethod
    def acknowledge(cls, messages):
        """Send the acknowledgement of incoming messages (a queue task run
        after the commit of their reception)"""
        pool = Pool()
        Configuration = pool.get('edu.esedo.configuration')
        for message in messages:
            message = cls(message.id)
            if message.direction != 'in' or message.acknowledged:
                continue
            configuration = Configuration.of_company(message.company)
            if not configuration:
                continue
            status = 'rejected' if message.state == 'rejected' else (
                'received')
            try:
                configuration.get_client().acknowledge(
                    message.message_id, status,
                    reason=message.reason if status == 'rejected' else None)
            except ExchangeError as exception:
                # acknowledged again at the next poll
                logger.warning('ЕСЭДО acknowledgement of %s failed: %s',
                    message.message_id, exception)
                continue
            with without_check_access():
                cls.write([message], {'acknowledged': True})
