# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A code sent by SMS as the second factor (R5.11).

Tryton's ``authentication_sms`` module gives the login method ``sms`` and
keeps the codes (``res.user.login.sms_code``, valid ``[authentication_sms]
ttl`` seconds, used once); the message leaves through the function of
``[authentication_sms] function``, Bilim ERP's gateway dispatcher of
``sms.py``.  Bilim ERP adds:

- the choice of each user, ``mfa_method``: the authenticator application
  (``totp``) or a code by SMS (``sms``), set by the administrator or by
  the user in the preferences;
- the number: the account's mobile, else the mobile or phone of the
  linked person, normalised to +77XXXXXXXXX; choosing SMS without a valid
  number is refused, and so is a login that would need one;
- without ``[authentication_sms] function``, the codes go to Bilim ERP's
  dispatcher all the same (the simulator unless ``gateway`` says
  otherwise), where Tryton would only log an error;
- a change of the mobile or of the method is journalled;
- a wrong code is a failed login (recorded by edu_security as "wrong
  second factor"), where Tryton would ask again;
- the policy of edu_mfa: a code by SMS satisfies "second factor
  required" as the application does.

The server is run with one of::

    [session]
    authentications = password+sms          # everybody by SMS
    authentications = password+totp+sms     # each user's choice

With both methods configured, each step lets the users who chose the
other one through; with one method only, that method applies to every user
who needs a second factor.
"""
from trytond import config
from trytond.exceptions import LoginException
from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.authentication_sms.res import send_sms
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from . import sms
from .exceptions import SMSMobileError
from .res import log_action

MFA_METHODS = [
    ('totp', "Authenticator application"),
    ('sms', "Code by SMS"),
    ]


def configured_chains():
    "Return the configured login chains as lists of method names"
    chains = []
    for methods in config.get(
            'session', 'authentications', default='password').split(','):
        chains.append([m.split('?', 1)[0].strip()
                for m in methods.split('+')])
    return chains


def configured_methods():
    return {m for chain in configured_chains() for m in chain}


def is_second_factor(method):
    """Whether method is never the first method of a login chain: only
    then may it let a user through without its own check"""
    chains = [c for c in configured_chains() if method in c]
    return bool(chains) and all(c.index(method) > 0 for c in chains)


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    mfa_method = fields.Selection(MFA_METHODS, "Second Factor Method",
        required=True, sort=False,
        help="How the user gives the second factor at login: the code of "
        "an authenticator application or a code sent by SMS to the mobile.")
    mfa_mobile = fields.Function(fields.Char("Mobile for the Second Factor",
            help="The account's mobile, else the mobile or phone of the "
            "person, as +77XXXXXXXXX."),
        'get_mfa_mobile')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._preferences_fields.append('mfa_method')

    @classmethod
    def default_mfa_method(cls):
        return 'totp'

    def mfa_mobile_number(self):
        "Return the normalised mobile number of the second factor or None"
        candidates = [self.mobile]
        person = getattr(self, 'person', None)
        if person:
            candidates.extend([person.mobile, person.phone])
        for number in candidates:
            number = sms.normalise_mobile(number)
            if number:
                return number
        return None

    def get_mfa_mobile(self, name):
        with without_check_access():
            return self.mfa_mobile_number()

    @classmethod
    def validate_fields(cls, users, field_names):
        super().validate_fields(users, field_names)
        if field_names & {'mfa_method', 'mobile', 'person'}:
            for user in users:
                user.check_mfa_mobile()

    def check_mfa_mobile(self):
        if self.mfa_method != 'sms':
            return
        with without_check_access():
            number = self.mfa_mobile_number()
        if not number:
            raise SMSMobileError(gettext(
                    'edu_mfa.msg_sms_choice_no_mobile', user=self.login))

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        if mode == 'write' and 'mobile' in field_names:
            # where the codes go: a change is worth a trace
            for user in users:
                log_action('mfa_mobile', [user],
                    description=gettext('edu_mfa.msg_mobile_journal',
                        user=user.login),
                    details={'mobile': sms.mask_mobile(user.mobile)
                        or user.mobile})
        if mode == 'write' and 'mfa_method' in field_names:
            enrol = cls._mfa_enrol_action()
            for user in users:
                log_action('mfa_method', [user],
                    description=gettext('edu_mfa.msg_method_journal',
                        user=user.login, method=user.mfa_method),
                    details={'mfa_method': user.mfa_method})
            sms_users = [u for u in users if u.mfa_method == 'sms'
                and enrol in {a.id for a in u.actions}]
            if sms_users:
                # nothing to set up in an application any more
                with without_check_access():
                    cls.write(sms_users, {'actions': [('remove', [enrol])]})

    @classmethod
    def copy(cls, users, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('mfa_method', 'totp')
        return super().copy(users, default=default)

    @classmethod
    def _mfa_method_of(cls, user_id):
        with without_check_access():
            return cls(user_id).mfa_method

    @classmethod
    def _login_totp(cls, login, parameters):
        user_id = cls._mfa_get_login(login)[0]
        if (user_id and cls._mfa_method_of(user_id) == 'sms'
                and 'sms' in configured_methods()
                and is_second_factor('totp')):
            # the SMS step checks this user
            return user_id
        return super()._login_totp(login, parameters)

    @classmethod
    def _login_sms(cls, login, parameters):
        """The second factor: the code sent by SMS to the user's mobile"""
        pool = Pool()
        SMSCode = pool.get('res.user.login.sms_code')
        user_id = cls._get_login(login)[0]
        second = is_second_factor('sms')
        if user_id and second:
            with without_check_access():
                user = cls(user_id)
                method = user.mfa_method
                required = user.mfa_required
                number = user.mfa_mobile_number()
            if method == 'totp' and 'totp' in configured_methods():
                # the application step checks this user
                return user_id
            if method != 'sms' and not required:
                return user_id
            if not number:
                raise SMSMobileError(gettext(
                        'edu_mfa.msg_sms_login_no_mobile', login=login))
        else:
            number = None
            if user_id:
                with without_check_access():
                    number = cls(user_id).mfa_mobile_number()
        if 'sms_code' in parameters:
            code = (parameters['sms_code'] or '').strip()
            if user_id and code and SMSCode.check(user_id, code):
                return user_id
            # a wrong code fails the login: edu_security records it
            return None
        if user_id and number and not list(SMSCode.get(user_id)):
            cls._mfa_send_sms(user_id, number)
        raise LoginException('sms_code', gettext('edu_mfa.msg_login_sms',
                login=login, mobile=sms.mask_mobile(number)), type='char')

    @classmethod
    def _mfa_send_sms(cls, user_id, number):
        "Make a new code for the user and send it to number"
        pool = Pool()
        SMSCode = pool.get('res.user.login.sms_code')
        code = SMSCode(user_id=user_id)
        code.save()
        with without_check_access():
            user = cls(user_id)
            language = user.language.code if user.language else None
        name = config.get('authentication_sms', 'name', default='Bilim ERP')
        with Transaction().set_context(language=language or
                Transaction().language):
            text = gettext('edu_mfa.msg_sms_text', name=name, code=code.code)
        if config.get('authentication_sms', 'function', default=None):
            send_sms(text, number)
        else:
            # Bilim ERP's dispatcher (the simulator unless configured)
            sms.send(text, number,
                config.get('authentication_sms', 'from', default=None))
