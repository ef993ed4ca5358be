# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Password reset by e-mail with an expiring, single-use temporary
password (R5.9, R5.11, R5.13).

Tryton's own reset of ``res.user`` is kept: the "Reset Password" button of
the user form, the "forgot password" link of the login dialog (by login),
and :meth:`request_password_reset` (by login or e-mail, for the portal)
give the account a random temporary password valid ``[password]
reset_timeout`` seconds and e-mail it.  Bilim ERP adds:

- the e-mail is written in Kazakh or Russian, the language of the user;
- the temporary password logs in **once**: the successful login removes
  it, closes every other session of the user and asks for a new password
  at once, checked by the password policy of edu_base;
- a request for an unknown login or e-mail answers exactly as a known one
  and sends nothing;
- every reset, and every use of a temporary password, is journalled in
  the audit journal (edu_audit, ``password_reset`` and
  ``password_reset_used``).

Web users (``web_user``) are not used by Bilim ERP: the learners and
parents log in with ``res.user`` accounts, so they are reset the same way.
"""
import contextvars
import datetime as dt
import logging
from email.message import EmailMessage
from secrets import compare_digest

from sql import Literal
from sql.functions import Lower

from trytond.i18n import gettext
from trytond.model import dualmethod
from trytond.pool import Pool, PoolMeta
from trytond.tools.email_ import EmailNotValidError, normalize_email
from trytond.transaction import Transaction, without_check_access
from trytond.url import http_host

from .res import log_action

logger = logging.getLogger(__name__)
#: the length of a temporary password (letters and digits)
TEMPORARY_LENGTH = 12

# the id of the user whose temporary password matched in the login
# being tried
_reset_used = contextvars.ContextVar('edu_mfa_reset_used', default=None)


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # the journal of personal data (edu_audit) never keeps a
        # temporary password
        cls._audit_exclude = tuple(getattr(cls, '_audit_exclude', ())) + (
            'password_reset', 'password_reset_expire')

    @dualmethod
    def reset_password(cls, users, length=8, from_=None):
        # the button access is checked by Tryton's method; the temporary
        # password is longer than Tryton's 8 characters
        length = max(length, TEMPORARY_LENGTH)
        super().reset_password(users, length=length, from_=from_)
        acting = Transaction().user
        for user in users:
            log_action('password_reset', [user],
                description=gettext('edu_mfa.msg_password_reset_journal',
                    user=user.login),
                details={
                    'expire': user.password_reset_expire,
                    'email_sent': bool(user.email),
                    'by': acting,
                    })

    def get_email_reset_password(self):
        "Return the e-mail of the temporary password in the user's language"
        language = self.language.code if self.language else (
            Transaction().language)
        now = dt.datetime.now()
        minutes = max(
            round((self.password_reset_expire - now).total_seconds() / 60), 1)
        hours, minutes = divmod(minutes, 60)
        values = {
            'login': self.login,
            'password': self.password_reset,
            'url': f'{http_host()}/#{Transaction().database.name}',
            'hours': hours,
            'minutes': minutes,
            }
        title = gettext('edu_mfa.msg_password_reset_email_title', language)
        body = gettext(
            'edu_mfa.msg_password_reset_email_body', language, **values)
        msg = EmailMessage()
        msg.set_content(body)
        msg['Content-Language'] = language
        return msg, title

    @classmethod
    def request_password_reset(cls, identifier):
        """Reset the password of the active account whose login or e-mail
        is identifier and e-mail the temporary password.

        Returns nothing and behaves the same for an unknown identifier, an
        account without e-mail or a reset already pending: the answer
        reveals nothing."""
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        identifier = (identifier or '').strip()
        if not identifier:
            return
        try:
            email = normalize_email(identifier).lower()
        except EmailNotValidError:
            email = identifier.lower()
        cursor.execute(*table.select(table.id,
                where=((table.login == identifier)
                    | (Lower(table.email) == email))
                & (table.active == Literal(True))))
        ids = [i for i, in cursor]
        if len(ids) != 1:
            logger.info("Password reset asked for an unknown account")
            return
        with without_check_access():
            user = cls(ids[0])
            if not user.email:
                logger.info("Password reset asked for %s without e-mail",
                    user.login)
                return
            if (user.password_reset and user.password_reset_expire
                    and user.password_reset_expire > dt.datetime.now()):
                logger.info("Password reset already pending for %s",
                    user.login)
                return
            cls.reset_password([user])

    @classmethod
    def _login_password(cls, login, parameters):
        user_id = super()._login_password(login, parameters)
        if user_id and parameters.get('password'):
            _, password_hash, password_reset = cls._get_login(login)
            if (password_reset and compare_digest(
                        password_reset, parameters['password'])
                    and not (password_hash and cls.check_password(
                            parameters['password'], password_hash)[0])):
                _reset_used.set(user_id)
        return user_id

    @classmethod
    def get_login(cls, login, parameters):
        token = _reset_used.set(None)
        try:
            user_id = super().get_login(login, parameters)
            reset_user = _reset_used.get()
        finally:
            _reset_used.reset(token)
        if user_id and reset_user == user_id:
            cls._password_reset_used(cls(user_id))
        return user_id

    @classmethod
    def _password_reset_used(cls, user):
        """The temporary password of user logged in: it is spent, the other
        sessions are closed and a new password is asked at once"""
        pool = Pool()
        Session = pool.get('ir.session')
        with without_check_access():
            cls.write([user], {
                    'password_reset': None,
                    'password_reset_expire': None,
                    **cls.password_change_values(True),
                    })
            # the session of this login is made after get_login
            Session.clear([user.id])
        log_action('password_reset_used', [user],
            description=gettext('edu_mfa.msg_password_reset_used_journal',
                user=user.login))
