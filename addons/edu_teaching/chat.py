# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The chat of a class (R27.10): a Tryton chat channel on ``edu.class``
(``ChatMixin``) whose followers are the teachers of the class and the
accounts of its learners.  Tryton checks only the model access of the
resource of a channel; here the class must also be visible to the user
under the record rules, so that a user of one class or school never reads
or posts in the chat of another."""
from sql import Null

from trytond.i18n import gettext
from trytond.model import ChatMixin, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .exceptions import ChatAccessError


class Class(ChatMixin, metaclass=PoolMeta):
    __name__ = 'edu.class'

    chat_messages = fields.Function(
        fields.Integer("Chat Messages"), 'get_chat_messages')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'update_chat_followers': {
                    'icon': 'tryton-chat',
                    },
                })

    def chat_language(self, audience='internal'):
        language = getattr(self, 'language', None)
        return language if language in {'kk', 'ru', 'en'} else None

    @classmethod
    def get_chat_messages(cls, classes, name):
        pool = Pool()
        Message = pool.get('ir.chat.message')
        result = {c.id: 0 for c in classes}
        with without_check_access():
            for class_ in classes:
                result[class_.id] = Message.search([
                        ('channel.resource', '=', str(class_)),
                        ], count=True)
        return result

    def chat_teachers(self):
        """Return the persons who teach the class: the homeroom teacher,
        the teachers of its lessons, timetable and teaching load"""
        pool = Pool()
        Lesson = pool.get('edu.lesson')
        lesson = Lesson.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*lesson.select(lesson.teacher,
                where=(lesson.class_ == self.id)
                & (lesson.teacher != Null),
                group_by=[lesson.teacher]))
        persons = {teacher for teacher, in cursor}
        homeroom = getattr(self, 'homeroom_teacher', None)
        if homeroom:
            persons.add(homeroom.id)
        for model in ('edu.teaching.assignment', 'edu.timetable.slot'):
            try:
                Model = pool.get(model)
            except KeyError:
                continue
            for record in Model.search([('class_', '=', self.id)]):
                if record.teacher:
                    persons.add(record.teacher.id)
        return persons

    def chat_learners(self):
        "Return the persons of the learners enrolled in the class today"
        return {learner.id for learner in (self.learners or [])}

    @classmethod
    def chat_follower_users(cls, classes):
        "Return {class: set of users} of the followers of the classes"
        pool = Pool()
        User = pool.get('res.user')
        result = {}
        with without_check_access():
            for class_ in cls.browse(classes):
                persons = class_.chat_teachers() | class_.chat_learners()
                users = User.search([
                        ('person', 'in', list(persons)),
                        ]) if persons else []
                result[class_] = set(users)
        return result

    @classmethod
    @ModelView.button
    def update_chat_followers(cls, classes):
        """Make the teachers and the learners of the classes followers of
        their chat (new ones join; the others stay)"""
        pool = Pool()
        Channel = pool.get('ir.chat.channel')
        Follower = pool.get('ir.chat.follower')
        with without_check_access():
            for class_, users in cls.chat_follower_users(classes).items():
                channel = Channel._get_channel(str(class_))
                for user in users:
                    Follower.add_user(channel, user)


class Channel(metaclass=PoolMeta):
    __name__ = 'ir.chat.channel'

    @classmethod
    def check_access(cls, resource):
        super().check_access(resource)
        pool = Pool()
        transaction = Transaction()
        model, id_ = str(resource).split(',')
        if model != 'edu.class' or not transaction.user:
            return
        Class = pool.get('edu.class')
        with transaction.set_context(_check_access=True):
            found = Class.search([('id', '=', int(id_))], count=True)
        if not found:
            raise ChatAccessError(gettext(
                    'edu_teaching.msg_chat_access'))
