# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The sessions of the user accounts (R5.10, R5.11).

Tryton keeps a session (``ir.session``, the ``res.user.session`` of older
versions) per login; its key is checked at every request by
``ir.session.check``, which refuses it

- ``[session] max_age`` seconds after the login, whatever the activity
  (absolute age, Tryton's own check), and
- with Bilim ERP, after ``[session] timeout`` seconds without a request
  (inactivity): Tryton 8.0 only checks the inactivity before sensitive
  calls (``check_timeout``); every request updates the session's
  timestamp (``ir.session.reset``, at most every tenth of the timeout).

"Log out everywhere" deletes every session of a user: the user closes all
their own sessions from the menu, an administrator those of any account
of the organisations he administers (the record rules of ``res.user`` say
which).  Each use is journalled (edu_audit, ``logout_everywhere``) and
reported as an information security event (edu_security).
"""
import datetime as dt

from trytond import config
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .res import log_action


class Session(metaclass=PoolMeta):
    __name__ = 'ir.session'

    @classmethod
    def check(cls, user, key, domain=None):
        """Refuse and delete a session idle for [session] timeout seconds,
        as well as one older than [session] max_age (Tryton)"""
        find = super().check(user, key, domain=domain)
        if find:
            timeout = dt.timedelta(
                seconds=config.getint('session', 'timeout'))
            now = dt.datetime.now()
            sessions = cls.search([
                    ('create_uid', '=', user),
                    ('key', '=', key),
                    domain or [],
                    ], limit=1)
            idle = [s for s in sessions
                if abs(now - s.last_modified_at) >= timeout]
            if idle:
                cls.delete(idle)
                return False
        return find


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'logout_everywhere': {},
                })

    @classmethod
    @ModelView.button_action('edu_mfa.wizard_logout')
    def logout_everywhere(cls, users):
        pass

    @classmethod
    def logout_sessions(cls, users):
        """Delete every session of users; return the number deleted.

        A user may close their own sessions; the sessions of another
        account are closed only if the acting user may modify it."""
        pool = Pool()
        Session = pool.get('ir.session')
        Event = pool.get('edu.security.event')
        ModelAccess = pool.get('ir.model.access')
        Rule = pool.get('ir.rule')
        transaction = Transaction()
        acting = transaction.user
        users = list(users)
        others = [u for u in users if u.id != acting]
        if others and acting:
            # the access rights and record rules of the acting user say
            # whose accounts he keeps
            with transaction.set_context(_check_access=True):
                ModelAccess.check(cls.__name__, 'write')
                Rule.check(cls.__name__, [u.id for u in others], 'write')
        with without_check_access():
            acting_user = cls(acting)
            sessions = Session.search([
                    ('create_uid', 'in', [u.id for u in users]),
                    ])
            count = len(sessions)
            Session.delete(sessions)
            for user in users:
                description = gettext('edu_mfa.msg_logout_journal',
                    user=user.login, admin=acting_user.login)
                log_action('logout_everywhere', [user],
                    description=description,
                    details={'by': acting_user.login})
                Event.report('other', 'info', description, source='edu_mfa',
                    user=user, login=user.login, record=user)
        return count


class LogoutStart(ModelView):
    "Log out everywhere"
    __name__ = 'edu.mfa.logout.start'
    __string__ = "Log Out Everywhere"
    users = fields.Many2Many('res.user', None, None, "Users", readonly=True)
    sessions = fields.Integer("Open Sessions", readonly=True)


class Logout(Wizard):
    "Log out everywhere"
    __name__ = 'edu.mfa.logout'
    start = StateView('edu.mfa.logout.start',
        'edu_mfa.logout_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Log Out Everywhere", 'logout', 'tryton-ok', default=True),
            ])
    logout = StateTransition()

    def _users(self):
        "The selected accounts"
        return list(self.records)

    def default_start(self, fields):
        User = Pool().get('res.user')
        users = self._users()
        with without_check_access():
            counts = User.get_sessions(users, 'sessions')
        return {
            'users': [u.id for u in users],
            'sessions': sum(counts.values()),
            }

    def transition_logout(self):
        User = Pool().get('res.user')
        User.logout_sessions(self._users())
        return 'end'


class LogoutOwn(Logout):
    "Log out of all my sessions"
    __name__ = 'edu.mfa.logout_own'

    def _users(self):
        "The user's own account"
        User = Pool().get('res.user')
        return [User(Transaction().user)]
