# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Messages between teachers and parents (R27.16).

A thread is about one learner, between one of the learner's legal
representatives and one teacher of the learner's class (its homeroom
teacher or, with edu_timetable, a teacher of one of its weekly lessons).
Messages are appended, with an optional file whose type and size are
checked; nobody changes or deletes a sent message, the administrator
included.  Each message records when the other participant read it.

Who reads: the two participants, and the management of the school
(director and deputies) read-only, to moderate a conflict or answer a
complaint; nobody else, the other teachers and the learner included.
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access

from . import audience
from .exceptions import (
    MessageAppendOnlyError, MessageValidationError, ThreadValidationError)
from .files import check_file


class Thread(ModelSQL, ModelView):
    "Message Thread"
    __name__ = 'edu.message.thread'
    __string__ = "Message Thread"
    _rec_name = 'subject'
    _readonly = {'readonly': Eval('id', -1) >= 0}

    company = fields.Many2One('company.company', "Organisation",
        required=True, states=_readonly)
    subject = fields.Char("Subject", required=True, states=_readonly)
    learner = fields.Many2One('party.party', "Learner", required=True,
        domain=[('is_learner', '=', True)], states=_readonly)
    teacher = fields.Many2One('party.party', "Teacher", required=True,
        domain=[('is_staff', '=', True)], states=_readonly)
    parent = fields.Many2One('party.party', "Parent", required=True,
        domain=[('is_representative', '=', True)], states=_readonly,
        help="The parent or legal representative of the learner.")
    messages = fields.One2Many('edu.message', 'thread', "Messages")
    last_message = fields.Function(fields.DateTime("Last Message"),
        'get_last_message')
    unread = fields.Function(fields.Integer("Unread",
            help="The messages of the other participant not yet read."),
        'get_unread')

    del _readonly

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._buttons.update({
                'mark_read': {
                    'invisible': ~Eval('unread', 0),
                    'depends': ['unread'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def get_last_message(cls, threads, name):
        return {t.id: max((m.sent for m in t.messages), default=None)
            for t in threads}

    @classmethod
    def get_unread(cls, threads, name):
        user = Transaction().user
        return {t.id: sum(1 for m in t.messages
                if m.author.id != user and not m.read_date)
            for t in threads}

    @classmethod
    def validate_fields(cls, threads, field_names):
        super().validate_fields(threads, field_names)
        if field_names and not (field_names
                & {'learner', 'teacher', 'parent', 'company'}):
            return
        for thread in threads:
            thread.check_participants()

    def check_participants(self):
        "The parent represents the learner, the teacher teaches the class"
        with without_check_access():
            if not audience.represents(self.parent.id, self.learner.id):
                raise ThreadValidationError(gettext(
                        'edu_feedback.msg_thread_parent',
                        parent=self.parent.rec_name,
                        learner=self.learner.rec_name))
            classes = {c for c, _, company in audience.learner_classes(
                    [self.learner.id]) if company == self.company.id}
            if not classes & audience.teacher_classes(self.teacher.id):
                raise ThreadValidationError(gettext(
                        'edu_feedback.msg_thread_teacher',
                        teacher=self.teacher.rec_name,
                        learner=self.learner.rec_name))

    @classmethod
    def check_modification(cls, mode, threads, values=None, external=False):
        super().check_modification(
            mode, threads, values=values, external=external)
        if mode == 'delete' or (mode == 'write'
                and set(values or {}) - {'messages'}):
            raise MessageAppendOnlyError(gettext(
                    'edu_feedback.msg_thread_modify'))

    @classmethod
    @ModelView.button
    def mark_read(cls, threads):
        "Mark the messages of the other participant as read"
        Message = Pool().get('edu.message')
        user = Transaction().user
        Message.mark_read([m for t in threads for m in t.messages
                if m.author.id != user and not m.read_date])


class Message(ModelSQL, ModelView):
    "Message"
    __name__ = 'edu.message'
    __string__ = "Message"
    _readonly = {'readonly': Eval('id', -1) >= 0}

    thread = fields.Many2One('edu.message.thread', "Thread", required=True,
        ondelete='RESTRICT', states=_readonly)
    company = fields.Function(fields.Many2One('company.company',
            "Organisation"), 'on_change_with_company',
        searcher='search_company')
    author = fields.Many2One('res.user', "Author", required=True,
        readonly=True)
    body = fields.Text("Message", required=True, states=_readonly)
    attachment = fields.Binary("Attachment", filename='attachment_name',
        states=_readonly)
    attachment_name = fields.Char("Attachment Name", states=_readonly)
    sent = fields.Function(fields.DateTime("Sent"), 'get_sent')
    read_date = fields.DateTime("Read", readonly=True,
        help="When the other participant read the message.")

    del _readonly

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('thread', 'ASC'), ('id', 'ASC')]
        cls.__rpc__.update({
                'mark_read': RPC(readonly=False, instantiate=0),
                })

    @staticmethod
    def default_author():
        return Transaction().user or None

    @fields.depends('thread', '_parent_thread.company')
    def on_change_with_company(self, name=None):
        return self.thread.company if self.thread else None

    @classmethod
    def search_company(cls, name, clause):
        return [('thread.company',) + tuple(clause[1:])]

    def get_sent(self, name):
        return self.create_date.replace(microsecond=0) \
            if self.create_date else None

    @classmethod
    def validate_fields(cls, messages, field_names):
        super().validate_fields(messages, field_names)
        for message in messages:
            check_file(message.attachment_name, message.attachment,
                record=message.thread.rec_name)

    @classmethod
    def check_modification(cls, mode, messages, values=None, external=False):
        super().check_modification(
            mode, messages, values=values, external=external)
        if mode == 'delete' or (
                mode == 'write' and set(values or {}) - {'read_date'}):
            raise MessageAppendOnlyError(gettext(
                    'edu_feedback.msg_message_append_only'))

    @classmethod
    def check_author(cls, author_id, thread_id):
        "Only the participants of the thread write in it"
        pool = Pool()
        User = pool.get('res.user')
        Thread = pool.get('edu.message.thread')
        with without_check_access():
            person = User(author_id).person if author_id is not None \
                else None
            thread = Thread(thread_id)
            if not person or person not in {thread.teacher, thread.parent}:
                raise MessageValidationError(gettext(
                        'edu_feedback.msg_message_participant',
                        thread=thread.rec_name))

    @classmethod
    def create(cls, vlist):
        transaction = Transaction()
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            # the author is who sends, never chosen by a user
            if transaction.user and transaction.check_access:
                values['author'] = transaction.user
            values.setdefault('author', transaction.user)
            values.pop('read_date', None)
            if values.get('thread') is not None:
                cls.check_author(values['author'], values['thread'])
        return super().create(vlist)

    @classmethod
    def mark_read(cls, messages):
        """Set the read date of the messages the user may read and did not
        write"""
        pool = Pool()
        User = pool.get('res.user')
        user = Transaction().user
        with without_check_access():
            person = User(user).person
        person = person.id if person else -1
        # the search applies the record rules of the user; only the other
        # participant marks a message read, not a moderator
        readable = cls.search([
                ('id', 'in', [m.id for m in messages]),
                ('author', '!=', user),
                ('read_date', '=', None),
                ['OR',
                    ('thread.teacher', '=', person),
                    ('thread.parent', '=', person),
                    ],
                ])
        if readable:
            with without_check_access():
                cls.write(readable, {
                        'read_date': dt.datetime.now().replace(
                            microsecond=0)})
