# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The register of failed logins (R5.12).

Every failed login is recorded with its login, date, IP address and reason,
never with the password.  Tryton's own throttling (``[session]
max_attempt`` per login and device, ``max_attempt_ip_network`` per network)
stays in force; a throttled attempt is recorded too.  When the failures of
one login or from one IP address within the configured window reach the
threshold, one security event is reported (R5.20).

The failure is written in the login transaction, as Tryton writes its
``res.user.login.attempt``: ``trytond.security.login`` commits that
transaction when the login fails, whether ``get_login`` returns nothing or
raises ``RateLimitException``.
"""
import contextvars
import datetime as dt

from trytond.exceptions import RateLimitException
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.edu_base.model import AppendOnlyMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import PYSONEncoder
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import StateAction, Wizard


REASONS = [
    ('unknown_login', "Unknown login"),
    ('inactive', "Inactive account"),
    ('wrong_password', "Wrong password"),
    ('wrong_second_factor', "Wrong second factor"),
    ('failed', "Authentication failed"),
    ('throttled', "Too many attempts"),
    ]
# the size of res.user.login.attempt's login
LOGIN_SIZE = 512

# the outcome of the password checks of the login being tried:
# None while no password was checked, then True once one matched
_password_checked = contextvars.ContextVar(
    'edu_security_password_checked', default=None)


class LoginFailure(AppendOnlyMixin, ModelSQL, ModelView):
    "Failed Login"
    __name__ = 'edu.login.failure'
    _append_only_message = 'edu_security.msg_login_failure_readonly'
    __string__ = "Failed Login"
    _rec_name = 'login'

    date = fields.Timestamp("Date", readonly=True)
    login = fields.Char("Login", readonly=True)
    user = fields.Many2One(
        'res.user', "User", readonly=True, ondelete='SET NULL',
        help="The account of the login, if it exists.")
    ip_address = fields.Char("IP Address", readonly=True)
    reason = fields.Selection(REASONS, "Reason", readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.update({
                Index(t, (t.date, Index.Range(order='DESC'))),
                Index(t, (t.login, Index.Equality()),
                    (t.date, Index.Range())),
                Index(t, (t.ip_address, Index.Equality()),
                    (t.date, Index.Range())),
                })

    @classmethod
    def record(cls, login, reason):
        """Store a failed login of ``login`` for ``reason``, with the IP
        address of the request, report a security event when a threshold
        is reached and return the failure."""
        pool = Pool()
        User = pool.get('res.user')
        login = (login or '')[:LOGIN_SIZE]
        ip_address, _ = Transaction().remote_address()
        with without_check_access(), \
                Transaction().set_context(active_test=False):
            users = User.search([('login', '=', login)], limit=1)
            failure, = cls.create([{
                        'date': dt.datetime.now(),
                        'login': login,
                        'user': users[0].id if users else None,
                        'ip_address': str(ip_address) if ip_address else None,
                        'reason': reason,
                        }])
            cls.check_threshold(failure)
        return failure

    @classmethod
    def reason_of(cls, login, password_checked):
        """Return why the login failed: the account, then the password
        checks, tell it."""
        pool = Pool()
        User = pool.get('res.user')
        with without_check_access(), \
                Transaction().set_context(active_test=False):
            users = User.search([
                    ('login', '=', (login or '')[:LOGIN_SIZE]),
                    ], limit=1)
        if not users:
            return 'unknown_login'
        elif not users[0].active:
            return 'inactive'
        elif password_checked is None:
            return 'failed'
        elif password_checked:
            return 'wrong_second_factor'
        else:
            return 'wrong_password'

    @classmethod
    def check_threshold(cls, failure):
        """Report a security event when the failures of the login or of the
        IP address of failure reach the threshold within the window: one
        warning, then one critical event at four times the threshold, and
        no other until the window has passed."""
        pool = Pool()
        Configuration = pool.get('edu.security.configuration')
        Event = pool.get('edu.security.event')
        config = Configuration(1)
        threshold = config.failed_login_threshold
        window = config.failed_login_window
        if not threshold or not window:
            return
        since = failure.date - dt.timedelta(minutes=window)
        keys = [('login', failure.login)]
        if failure.ip_address:
            keys.append(('ip_address', failure.ip_address))
        for field, value in keys:
            count = cls.search([
                    (field, '=', value),
                    ('date', '>=', since),
                    ], count=True)
            if count >= 4 * threshold:
                severity = 'critical'
            elif count >= threshold:
                severity = 'warning'
            else:
                continue
            # the events of the login carry the login, those of the IP
            # address none
            domain = [
                ('kind', '=', 'login_failures'),
                ('source', '=', cls.__name__),
                ('date', '>=', since),
                ]
            if field == 'login':
                domain.append(('login', '=', value))
            else:
                domain.extend([
                        ('login', '=', None),
                        ('ip_address', '=', value),
                        ])
            if severity == 'critical':
                domain.append(('severity', '=', 'critical'))
            if Event.search(domain, count=True):
                continue
            if field == 'login':
                description = gettext(
                    'edu_security.msg_login_failures_login',
                    login=value, count=count, window=window,
                    threshold=threshold)
                Event.report('login_failures', severity, description,
                    source=cls.__name__, user=failure.user,
                    login=value, ip_address=failure.ip_address,
                    record=failure)
            else:
                description = gettext(
                    'edu_security.msg_login_failures_ip',
                    ip_address=value, count=count, window=window,
                    threshold=threshold)
                Event.report('login_failures', severity, description,
                    source=cls.__name__, ip_address=value, record=failure)


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def get_login(cls, login, parameters):
        pool = Pool()
        LoginFailure = pool.get('edu.login.failure')
        token = _password_checked.set(None)
        try:
            try:
                user_id = super().get_login(login, parameters)
            except RateLimitException:
                LoginFailure.record(login, 'throttled')
                raise
            password_checked = _password_checked.get()
        finally:
            _password_checked.reset(token)
        if not user_id:
            LoginFailure.record(
                login, LoginFailure.reason_of(login, password_checked))
        return user_id

    @classmethod
    def _login_password(cls, login, parameters):
        user_id = super()._login_password(login, parameters)
        # a password that matched once stays matched: the login then
        # failed on another factor
        _password_checked.set(bool(_password_checked.get()) or bool(user_id))
        return user_id


class LoginFailureSameIP(Wizard):
    "Failed Logins from the Same IP Address"
    __name__ = 'edu.login.failure.same_ip'
    start_state = 'open_'
    open_ = StateAction('edu_security.act_login_failure')

    def do_open_(self, action):
        addresses = sorted({r.ip_address for r in self.records
                if r.ip_address})
        action['pyson_domain'] = PYSONEncoder().encode(
            [('ip_address', 'in', addresses)])
        action['name'] += ' (%s)' % ', '.join(addresses)
        return action, {}
