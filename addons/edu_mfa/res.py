# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Second factor of the user accounts (R5.11): the TOTP login method, the
per-user state and the per-role policy.

Tryton asks the login methods listed in ``[session] authentications`` of
``trytond.conf`` in turn; a method named ``totp`` is the class method
``res.user._login_totp``.  Bilim ERP is run with::

    [session]
    authentications = password+totp

so every user gives the password, then, if the account has a second factor,
the current 6-digit code of the authenticator application (or one of the
recovery codes).  The client asks for the code when the server answers
with a ``LoginException`` naming the ``totp`` parameter.

Policy: a role requires the second factor when its ``mfa_policy`` says
*required*, or says *default* and the role is a staff role (it gives a
group other than Learner and Parent); a staff role cannot be made
optional.  A user needs the second factor when any of their current roles
(or the platform administrators' group) requires it, unless a learner
under 16 is exempted with a recorded consent (``exemption.py``).  A user
who needs it and has not enrolled yet passes the code step — there is no
code to give — and gets the enrolment wizard as a login action, which the
client runs right after the login and which stays until the enrolment is
done.

The secret is stored on ``res.user`` but never leaves the server: ``read``
blanks it, as Tryton does for the password hash, field access refuses to
write it and no search or order may use it; the server reads it with SQL.
"""
import datetime as dt

from sql import Literal

from trytond.i18n import gettext
from trytond.exceptions import LoginException
from trytond.model import ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from . import totp
from .exceptions import RoleMFAError

MFA_POLICIES = [
    ('default', "Required for staff roles"),
    ('required', "Required"),
    ('optional', "Optional"),
    ]
#: groups of the roles that are not staff roles
NON_STAFF_GROUPS = ('group_edu_learner', 'group_edu_parent')


def log_action(action_name, records=None, description='', details=None):
    "Journal a critical action in the audit journal of edu_audit"
    Entry = Pool().get('edu.audit.entry')
    return Entry.log_action(action_name, records=records,
        description=description, details=details)


def report_event(severity, description, user=None, record=None):
    "Report a second-factor event to the security register of edu_security"
    Event = Pool().get('edu.security.event')
    return Event.report('mfa', severity, description, source='edu_mfa',
        user=user, login=user.login if user else None, record=record)


class Role(metaclass=PoolMeta):
    __name__ = 'res.role'

    mfa_policy = fields.Selection(MFA_POLICIES, "Second Factor",
        required=True, sort=False,
        help="Whether the holders of the role must log in with a one-time "
        "code of an authenticator application.")
    mfa_required = fields.Function(
        fields.Boolean("Second Factor Required"), 'get_mfa_required')

    @classmethod
    def default_mfa_policy(cls):
        return 'default'

    def is_staff_role(self):
        "A staff role gives a group other than Learner and Parent"
        ModelData = Pool().get('ir.model.data')
        others = {ModelData.get_id('edu_base', name)
            for name in NON_STAFF_GROUPS}
        return bool({g.id for g in self.groups} - others)

    def get_mfa_required(self, name):
        policy = self.mfa_policy or 'default'
        if policy == 'default':
            return self.is_staff_role()
        return policy == 'required'

    @classmethod
    def validate_fields(cls, roles, field_names):
        super().validate_fields(roles, field_names)
        if field_names & {'mfa_policy', 'groups'}:
            for role in roles:
                if role.mfa_policy == 'optional' and role.is_staff_role():
                    raise RoleMFAError(gettext(
                            'edu_mfa.msg_role_staff_optional',
                            role=role.rec_name))


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    mfa_secret = fields.Char("Second Factor Secret", strip=False)
    mfa_enabled = fields.Boolean("Second Factor Enrolled", readonly=True)
    mfa_last_step = fields.Integer("Last Used Time Step", readonly=True)
    mfa_required = fields.Function(
        fields.Boolean("Second Factor Required",
            help="Required by one of the roles of the user."),
        'get_mfa_required')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # the journal of personal data (edu_audit) leaves the secret and
        # the time step of each login out
        cls._audit_exclude = tuple(getattr(cls, '_audit_exclude', ())) + (
            'mfa_secret', 'mfa_last_step')
        cls._buttons.update({
                'mfa_reset': {
                    'invisible': ~Eval('mfa_enabled', False),
                    'depends': ['mfa_enabled'],
                    },
                })

    @classmethod
    def default_mfa_enabled(cls):
        return False

    @classmethod
    def read(cls, ids, fields_names):
        result = super().read(ids, fields_names)
        cache = Transaction().get_cache().get(cls.__name__)
        for values in result:
            if 'mfa_secret' in values:
                values['mfa_secret'] = None
            if cache and values['id'] in cache:
                cache[values['id']]['mfa_secret'] = None
        return result

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        # no search or order on the secret: it would reveal it bit by bit
        if Transaction().check_access and (
                _mentions(domain, 'mfa_secret')
                or any(o[0].split('.')[0] == 'mfa_secret'
                    for o in order or [])):
            raise AccessError(gettext('edu_mfa.msg_secret_search'))
        return super().search(domain, offset=offset, limit=limit,
            order=order, count=count, query=query)

    @classmethod
    def copy(cls, users, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('mfa_secret', None)
        default.setdefault('mfa_enabled', False)
        default.setdefault('mfa_last_step', None)
        return super().copy(users, default=default)

    @classmethod
    def get_mfa_required(cls, users, name):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        admin_group = ModelData.get_id('res', 'group_admin')
        now = dt.datetime.now()
        result = {}
        with without_check_access():
            for user in cls.browse(users):
                required = (
                    admin_group in {g.id for g in user.groups}
                    or any(r.role.mfa_required for r in user.roles
                        if r.valid(now)))
                result[user.id] = required and not user.mfa_exempted()
        return result

    def mfa_exempted(self):
        "Whether the user is exempted from the second factor"
        return False

    @classmethod
    def _mfa_get_login(cls, login):
        "Return id, secret, enrolled, last step of the active user login"
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.select(
                table.id, table.mfa_secret, table.mfa_enabled,
                table.mfa_last_step,
                where=(table.login == login)
                & (table.active == Literal(True))))
        return cursor.fetchone() or (None, None, None, None)

    @classmethod
    def _login_totp(cls, login, parameters):
        """The second factor: the current code of the authenticator
        application, or an unused recovery code"""
        pool = Pool()
        RecoveryCode = pool.get('edu.mfa.recovery_code')
        user_id, secret, enabled, last_step = cls._mfa_get_login(login)
        if not user_id:
            return None
        if not (enabled and secret):
            user = cls(user_id)
            if user.mfa_required:
                # nothing to check yet: the enrolment is run at login
                cls.mfa_ask_enrolment([user])
            return user_id
        if not parameters.get('totp'):
            raise LoginException('totp',
                gettext('edu_mfa.msg_login_totp', login=login), type='char')
        code = parameters['totp']
        step = totp.match_step(secret, code, last_step)
        if step is not None:
            with without_check_access():
                cls.write([cls(user_id)], {'mfa_last_step': step})
            return user_id
        if RecoveryCode.consume(user_id, code):
            return user_id
        return None

    @classmethod
    def _mfa_enrol_action(cls):
        return Pool().get('ir.model.data').get_id('edu_mfa', 'wizard_enrol')

    @classmethod
    def mfa_ask_enrolment(cls, users):
        "Make the client run the enrolment wizard at the users' next login"
        action_id = cls._mfa_enrol_action()
        with without_check_access():
            users = [u for u in cls.browse(users)
                if action_id not in {a.id for a in u.actions}]
            if users:
                cls.write(users, {'actions': [('add', [action_id])]})

    @classmethod
    def mfa_enrol(cls, user, secret, step):
        """Store the confirmed secret of user, the time step used for the
        confirmation, and return new recovery codes"""
        pool = Pool()
        RecoveryCode = pool.get('edu.mfa.recovery_code')
        with without_check_access():
            cls.write([user], {
                    'mfa_secret': secret,
                    'mfa_enabled': True,
                    'mfa_last_step': step,
                    'actions': [('remove', [cls._mfa_enrol_action()])],
                    })
        codes = RecoveryCode.renew(user)
        log_action('mfa_enrol', [user],
            description=gettext('edu_mfa.msg_enrol_journal', user=user.login))
        return codes

    @classmethod
    @ModelView.button_action('edu_mfa.wizard_reset')
    def mfa_reset(cls, users):
        pass

    @classmethod
    def mfa_clear(cls, users):
        """Remove the second factor of users (administrator's reset): they
        enrol again at their next login"""
        pool = Pool()
        RecoveryCode = pool.get('edu.mfa.recovery_code')
        acting = cls(Transaction().user)
        users = list(users)
        # as the acting user: the record rules say whose accounts it keeps
        with Transaction().set_context(_check_access=True):
            cls.write(users, {'mfa_enabled': False, 'mfa_last_step': None})
        with without_check_access():
            cls.write(users, {'mfa_secret': None})
            RecoveryCode.clear(users)
        cls.mfa_ask_enrolment(users)
        for user in users:
            description = gettext('edu_mfa.msg_reset_journal',
                user=user.login, admin=acting.login)
            log_action('mfa_reset', [user], description=description)
            report_event('warning', description, user=user, record=user)


def _mentions(domain, name):
    "Whether a domain has a clause on the field name (or a path from it)"
    if isinstance(domain, (list, tuple)):
        if domain and isinstance(domain[0], str) and domain[0] not in {
                'AND', 'OR'}:
            return domain[0].split('.')[0] == name
        return any(_mentions(d, name) for d in domain)
    return False
