# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Announcements of the school (R27.16).

An announcement reaches the whole school, one grade (all its parallel
classes) or one class.  The management writes to the whole school; a
teacher writes their own announcements to the classes they are the homeroom
teacher of or teach (edu_timetable's weekly lessons when activated).
Learners read the published announcements that reach their class, parents
those that reach a class of a child they represent.  Files are Tryton
attachments on the announcement, their type and size validated.
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from . import audience
from .exceptions import AnnouncementDeleteError, AnnouncementValidationError
from .files import check_file

AUDIENCES = [
    ('school', "Whole School"),
    ('grade', "Grade"),
    ('class', "Class"),
    ]


class Announcement(Workflow, ModelSQL, ModelView):
    "Announcement"
    __name__ = 'edu.announcement'
    __string__ = "Announcement"
    _rec_name = 'title'
    _states = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One('company.company', "Organisation",
        required=True, states=_states)
    title = fields.Char("Title", required=True, states=_states)
    body = fields.Text("Text", required=True, states=_states)
    audience = fields.Selection(AUDIENCES, "Audience", required=True,
        states=_states,
        help="Whom the announcement reaches: the whole school, every class "
        "of a grade or one class.")
    grade = fields.Integer("Grade",
        domain=[If(Eval('audience') == 'grade',
                [('grade', '>=', 0), ('grade', '<=', 12)], [])],
        states={
            'required': Eval('audience') == 'grade',
            'invisible': Eval('audience') != 'grade',
            'readonly': Eval('state') != 'draft',
            })
    class_ = fields.Many2One('edu.class', "Class",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'required': Eval('audience') == 'class',
            'invisible': Eval('audience') != 'class',
            'readonly': Eval('state') != 'draft',
            })
    author = fields.Many2One('res.user', "Author", readonly=True,
        required=True)
    author_person = fields.Many2One('party.party', "Author Person",
        readonly=True,
        help="The person of the author, for the record rules.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('published', "Published"),
            ('archived', "Archived"),
            ], "State", readonly=True, required=True, sort=False)
    publish_date = fields.DateTime("Publication Date", readonly=True)
    recipients = fields.Function(fields.Many2Many('party.party', None, None,
            "Recipients", help="The learners reached today."),
        'get_recipients', searcher='search_recipients')
    class_teachers = fields.Function(fields.Many2Many(
            'party.party', None, None, "Class Teachers"),
        'get_class_teachers', searcher='search_class_teachers')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('publish_date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'archived'),
            ('archived', 'published'),
            }
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') == 'published',
                    'depends': ['state'],
                    },
                'archive': {
                    'invisible': Eval('state') != 'published',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_audience():
        return 'school'

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_author():
        return Transaction().user or None

    @staticmethod
    def default_author_person():
        User = Pool().get('res.user')
        user_id = Transaction().user
        if user_id:
            with without_check_access():
                user = User(user_id)
                return user.person.id if user.person else None

    @fields.depends('audience', 'class_')
    def on_change_audience(self):
        if self.audience != 'class':
            self.class_ = None
        if self.audience != 'grade':
            self.grade = None

    @classmethod
    def get_recipients(cls, announcements, name):
        Class = Pool().get('edu.class')
        result = {}
        with without_check_access():
            for announcement in announcements:
                if announcement.audience == 'class':
                    classes = [announcement.class_] \
                        if announcement.class_ else []
                else:
                    domain = [('company', '=', announcement.company.id)]
                    if announcement.audience == 'grade':
                        domain.append(('grade', '=', announcement.grade))
                    classes = Class.search(domain)
                result[announcement.id] = sorted(audience.class_learners(
                        [c.id for c in classes]))
        return result

    @classmethod
    def search_recipients(cls, name, clause):
        "The announcements reaching the classes of the learners of clause"
        _, operator, value = clause[:3]
        if operator in {'=', 'in'}:
            ids = value if isinstance(value, (list, tuple)) else [value]
        else:
            raise NotImplementedError(operator)
        return audience.audience_domain(audience.learner_classes(ids))

    @classmethod
    def get_class_teachers(cls, announcements, name):
        "The teachers of the class of a class announcement"
        with without_check_access():
            teachers = audience.class_teachers(
                {a.class_.id for a in announcements if a.class_})
        return {a.id: sorted(teachers.get(a.class_.id, ()))
            if a.class_ else [] for a in announcements}

    @classmethod
    def search_class_teachers(cls, name, clause):
        "The class announcements to classes the person teaches"
        _, operator, value = clause[:3]
        if operator != '=':
            raise NotImplementedError(operator)
        return [('audience', '=', 'class'),
            ('class_', 'in', sorted(audience.teacher_classes(value)))]

    @classmethod
    def validate_fields(cls, announcements, field_names):
        super().validate_fields(announcements, field_names)
        for announcement in announcements:
            announcement.check_audience()

    def check_audience(self):
        if (self.audience == 'class' and self.class_
                and self.class_.company != self.company):
            raise AnnouncementValidationError(gettext(
                    'edu_feedback.msg_announcement_class_company',
                    announcement=self.rec_name))
        if self.audience == 'grade' and (
                self.grade is None or not 0 <= self.grade <= 12):
            raise AnnouncementValidationError(gettext(
                    'edu_feedback.msg_announcement_grade',
                    announcement=self.rec_name))

    @classmethod
    def check_modification(cls, mode, announcements, values=None,
            external=False):
        super().check_modification(
            mode, announcements, values=values, external=external)
        if mode == 'delete':
            for announcement in announcements:
                if announcement.state != 'draft':
                    raise AnnouncementDeleteError(gettext(
                            'edu_feedback.msg_announcement_delete',
                            announcement=announcement.rec_name))

    @classmethod
    def create(cls, vlist):
        transaction = Transaction()
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            # a user writes in their own name; the server may name another
            if transaction.user and transaction.check_access:
                values['author'] = transaction.user
                values['author_person'] = cls.default_author_person()
            elif values.get('author') and 'author_person' not in values:
                with transaction.set_user(values['author']):
                    values['author_person'] = cls.default_author_person()
            values.setdefault('author', cls.default_author() or 0)
            values.pop('publish_date', None)
        return super().create(vlist)

    @classmethod
    def copy(cls, announcements, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'draft')
        default.setdefault('publish_date', None)
        default.setdefault('author', cls.default_author())
        default.setdefault('author_person', cls.default_author_person())
        return super().copy(announcements, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, announcements):
        pool = Pool()
        AuditEntry = pool.get('edu.audit.entry')
        now = dt.datetime.now().replace(microsecond=0)
        cls.write([a for a in announcements if not a.publish_date],
            {'publish_date': now})
        AuditEntry.log_action('edu_feedback.announcement.publish',
            announcements, description=', '.join(
                a.title for a in announcements)[:200])
        cls.notify(announcements)

    @classmethod
    @ModelView.button
    @Workflow.transition('archived')
    def archive(cls, announcements):
        pass

    @classmethod
    def notify(cls, announcements):
        """Notify in the application the users reached: the learners and
        the representatives of the learners of the audience"""
        pool = Pool()
        User = pool.get('res.user')
        Notification = pool.get('res.notification')
        notifications = []
        with without_check_access():
            for announcement in announcements:
                learners = set(announcement.recipients_ids())
                persons = learners | audience.representatives(learners)
                if not persons:
                    continue
                users = User.search([
                        ('person', 'in', sorted(persons)),
                        ('active', '=', True),
                        ])
                for user in users:
                    notifications.append({
                            'user': user.id,
                            'label': gettext(
                                'edu_feedback.msg_announcement_notification',
                                title=announcement.title)[:200],
                            'description': ' '.join(
                                (announcement.body or '').split())[:200],
                            'icon': 'tryton-info',
                            'model': cls.__name__,
                            'records': str([announcement.id]),
                            })
            if notifications:
                Notification.create(notifications)

    def recipients_ids(self):
        return self.get_recipients([self], 'recipients')[self.id]


class Attachment(metaclass=PoolMeta):
    "The files of announcements are checked for type and size"
    __name__ = 'ir.attachment'

    @classmethod
    def validate_fields(cls, attachments, field_names):
        super().validate_fields(attachments, field_names)
        for attachment in attachments:
            resource = attachment.resource
            if (resource is not None and resource.__name__ in {
                        'edu.announcement', 'edu.message'}
                    and attachment.type == 'data'):
                check_file(attachment.name, attachment.data,
                    record=resource.rec_name)
