# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Distance learning configuration of an organisation (R27.10): the video
conference service (Jitsi Meet or BigBlueButton) the lessons link to, and
the maximum size of the files uploaded for lessons and homework (R27.11).

The room of a lesson is named after the organisation and an HMAC of the
lesson's id under a per-organisation key that is never served, so that a
room name can neither be guessed nor derived from another one.  The shared
secret of BigBlueButton comes from the server configuration
(``[edu_teaching] bbb_secret`` or ``TRYTOND_EDU_TEACHING__BBB_SECRET``),
never from the database."""
import hashlib
import hmac
import re
import secrets
from urllib.parse import urlencode, urlsplit

from trytond import config
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import ConfigurationValidationError
from .files import DEFAULT_MAX_SIZE

PROVIDERS = [
    ('none', "None"),
    ('jitsi', "Jitsi Meet"),
    ('bigbluebutton', "BigBlueButton"),
    ]


class Configuration(ModelSQL, ModelView):
    "Teaching Configuration"
    __name__ = 'edu.teaching.configuration'
    __string__ = "Teaching Configuration"

    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    provider = fields.Selection(PROVIDERS, "Conference Service",
        required=True,
        help="The video conference service of the online lessons.")
    base_url = fields.Char("Conference URL",
        states={
            'required': Eval('provider') != 'none',
            'invisible': Eval('provider') == 'none',
            },
        help="e.g. https://meet.jit.si or the address of the "
        "organisation's BigBlueButton server "
        "(https://bbb.example.kz/bigbluebutton/).")
    room_prefix = fields.Char("Room Prefix",
        help="The start of the name of every room of the organisation; "
        "letters, digits and hyphens.")
    room_key = fields.Char("Room Key", readonly=True)
    max_upload_size = fields.Integer("Maximum File Size", required=True,
        domain=[('max_upload_size', '>', 0)],
        help="In megabytes: the largest file of a lesson material or of a "
        "homework submission.")
    marks_to_journal = fields.Boolean("Marks to the Journal",
        help="The mark of a graded homework is written in the class "
        "journal for the lesson.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_unique', Unique(t, t.company),
                'edu_teaching.msg_configuration_company_unique'),
            ]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_provider(cls):
        return 'none'

    @classmethod
    def default_max_upload_size(cls):
        return DEFAULT_MAX_SIZE

    @classmethod
    def default_marks_to_journal(cls):
        return True

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values['room_key'] = secrets.token_hex(32)
        else:
            values.pop('room_key', None)
        return values

    def get_rec_name(self, name):
        return self.company.rec_name if self.company else ''

    @classmethod
    def validate_fields(cls, configurations, field_names):
        super().validate_fields(configurations, field_names)
        if field_names & {'base_url', 'room_prefix'}:
            for configuration in configurations:
                configuration.check_urls()

    def check_urls(self):
        if self.base_url:
            parts = urlsplit(self.base_url)
            if parts.scheme not in {'http', 'https'} or not parts.netloc:
                raise ConfigurationValidationError(gettext(
                        'edu_teaching.msg_configuration_url',
                        url=self.base_url))
        if self.room_prefix and not re.fullmatch(
                r'[A-Za-z0-9][A-Za-z0-9-]{0,39}', self.room_prefix):
            raise ConfigurationValidationError(gettext(
                    'edu_teaching.msg_configuration_prefix',
                    prefix=self.room_prefix))

    @classmethod
    def get_for(cls, company_id):
        """Return the configuration of the organisation, or an unsaved one
        with the defaults"""
        with without_check_access():
            found = cls.search([('company', '=', company_id)], limit=1)
            if found:
                return found[0]
        return cls(company=company_id, provider='none',
            max_upload_size=DEFAULT_MAX_SIZE, marks_to_journal=True)

    @property
    def max_size(self):
        return self.max_upload_size or DEFAULT_MAX_SIZE

    # -- conference rooms (R27.10) --------------------------------------
    def room_name(self, lesson_id):
        "Return the stable, unguessable room name of the lesson"
        with without_check_access():
            key = self.__class__(self.id).room_key if self.id else None
        if not key:
            return None
        digest = hmac.new(key.encode(), f'lesson:{lesson_id}'.encode(),
            hashlib.sha256).hexdigest()[:24]
        prefix = self.room_prefix or f'bilim{self.company.id}'
        return f'{prefix}-{digest}'

    def conference_url(self, lesson_id, full_name=None, moderator=False):
        """Return the address that joins the conference of the lesson, or
        None when no service is configured"""
        if self.provider == 'none' or not self.base_url or not self.id:
            return None
        room = self.room_name(lesson_id)
        if not room:
            return None
        if self.provider == 'jitsi':
            return f'{self.base_url.rstrip("/")}/{room}'
        return self.bbb_url('join', {
                'fullName': full_name or '',
                'meetingID': room,
                'role': 'MODERATOR' if moderator else 'VIEWER',
                'redirect': 'true',
                })

    def bbb_url(self, call, params):
        """Return the URL of a call of the BigBlueButton API with its
        checksum: sha1(call + query string + shared secret); None when the
        shared secret is not configured"""
        secret = bbb_secret()
        if not secret:
            return None
        query = urlencode(params)
        checksum = hashlib.sha1(
            (call + query + secret).encode()).hexdigest()
        base = self.base_url.rstrip('/')
        if not base.endswith('/api'):
            base += '/api'
        return f'{base}/{call}?{query}&checksum={checksum}'

    def bbb_create_url(self, lesson):
        "Return the URL that creates the meeting of the lesson on BBB"
        room = self.room_name(lesson.id)
        if not room:
            return None
        return self.bbb_url('create', {
                'name': lesson.rec_name,
                'meetingID': room,
                'record': 'false',
                })


def bbb_secret():
    return config.get('edu_teaching', 'bbb_secret', default=None)

