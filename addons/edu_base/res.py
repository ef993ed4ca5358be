# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""User accounts of an education organisation (R5.7, R5.9, R5.10).

An account is linked to the person (party with IIN) who uses it.  The
administrator creates, edits, deactivates or deletes accounts and generates
an initial password that is shown once or sent by e-mail; the user must
change it at the first login, through a wizard that the client runs at
login.  Passwords follow the policy: a minimal length, letters and digits,
and neither the login, the name, the e-mail nor the person's IIN.
"""
import re
import secrets
import string

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.res.user import PasswordError
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

MIN_LENGTH = 10


def generate_password(length=12):
    "Return a random password that passes the policy"
    alphabet = string.ascii_letters + string.digits
    # no look-alike characters in a password read from a screen or a letter
    alphabet = ''.join(c for c in alphabet if c not in 'Il1O0o')
    while True:
        password = ''.join(secrets.choice(alphabet) for _ in range(length))
        if (re.search(r'[A-Za-z]', password)
                and re.search(r'\d', password)):
            return password


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    person = fields.Many2One(
        'party.party', "Person", ondelete='RESTRICT',
        domain=[('is_person', '=', True)],
        help="The person (with IIN) who uses this account.")
    iin = fields.Function(fields.Char("IIN"), 'get_iin', searcher='search_iin')
    password_must_change = fields.Boolean(
        "Must Change Password", readonly=True,
        help="The user is asked for a new password at the next login.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'generate_password': {},
                })

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        if mode == 'write' and field_names & {'person', 'employees', 'companies'}:
            Pool().get('ir.rule').clear_edu_values()

    @classmethod
    def check_modification(cls, mode, users, values=None, external=False):
        """An administrator of a school gives access to the organisations it
        administers only: not to another school (R5.8)"""
        super().check_modification(
            mode, users, values=values, external=external)
        if (not external or mode == 'delete'
                or cls._edu_is_platform_admin()):
            return
        if mode == 'create':
            # called after the creation, without the values
            ids = {c.id for u in users for c in u.companies}
            ids |= {u.company.id for u in users if u.company}
        else:
            ids = set()
            for name in ('companies', 'company'):
                ids |= _target_ids((values or {}).get(name))
        if ids:
            cls._edu_check_companies(ids)

    @classmethod
    def _edu_is_platform_admin(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        group_id = ModelData.get_id('res', 'group_admin')
        return group_id in cls.get_groups()

    @classmethod
    def _edu_check_companies(cls, company_ids):
        pool = Pool()
        Company = pool.get('company.company')
        # the record rules of company.company say which ones the acting
        # user may see, hence administer (check_modification runs without
        # access checks: put them back for this search)
        with Transaction().set_context(_check_access=True):
            visible = {c.id for c in Company.search([
                        ('id', 'in', list(company_ids)),
                        ])}
        if company_ids - visible:
            raise AccessError(gettext('edu_base.msg_user_foreign_company'))

    def get_iin(self, name):
        return self.person.iin if self.person else None

    @classmethod
    def search_iin(cls, name, clause):
        return [('person.iin',) + tuple(clause[1:])]

    @classmethod
    def validate_password(cls, password, users):
        # before Tryton's check, which would announce its smaller default
        length = max(MIN_LENGTH, config.getint('password', 'length', default=0))
        if len(password) < length:
            raise PasswordError(gettext(
                    'edu_base.msg_password_too_short', length=length))
        super().validate_password(password, users)
        if not (re.search(r'[^\W\d_]', password) and re.search(r'\d', password)):
            raise PasswordError(gettext('edu_base.msg_password_classes'))
        lowered = password.lower()
        for user in users:
            login = getattr(user, 'login', None)
            if login and len(login) >= 4 and login.lower() in lowered:
                raise PasswordError(gettext('edu_base.msg_password_login'))
            person = getattr(user, 'person', None)
            iin = person.iin if person else None
            if iin and (iin in password or password in iin
                    or iin[:6] in password):
                raise PasswordError(gettext('edu_base.msg_password_iin'))

    @classmethod
    @ModelView.button_action('edu_base.wizard_initial_password')
    def generate_password(cls, users):
        pass

    @classmethod
    def password_change_values(cls, must_change):
        """The values that make the client ask (or stop asking) for a new
        password at the next login: the change-password wizard is one of
        the user's login actions while the change is due"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        action_id = ModelData.get_id('edu_base', 'wizard_change_password')
        return {
            'password_must_change': must_change,
            'actions': [('add' if must_change else 'remove', [action_id])],
            }

    @classmethod
    def set_initial_password(cls, users):
        """Give each user a new random password that must be changed at the
        next login; return {user: password}"""
        must_change = cls.password_change_values(True)
        passwords = {}
        to_write = []
        for user in users:
            password = generate_password()
            passwords[user] = password
            to_write.extend([[user], {'password': password, **must_change}])
        if to_write:
            with without_check_access():
                cls.write(*to_write)
        return passwords

    @classmethod
    def set_new_password(cls, user, password):
        "Set the password chosen by the user and stop asking for a change"
        cls.validate_password(password, [user])
        with without_check_access():
            cls.write([user], {
                    'password': password,
                    **cls.password_change_values(False),
                    })

    @classmethod
    def copy(cls, users, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('person', None)
        default.setdefault('password_must_change', False)
        return super().copy(users, default=default)


def _target_ids(value):
    "The ids a Many2One value or Many2Many commands point to"
    if value is None:
        return set()
    if isinstance(value, int):
        return {value}
    ids = set()
    for command, *args in value:
        if command in {'add', 'set'}:
            ids.update(args[0])
    return ids


class InitialPasswordStart(ModelView):
    "Initial password"
    __name__ = 'edu.user.initial_password.start'
    delivery = fields.Selection([
            ('show', "Show it once on the screen"),
            ('email', "Send it by e-mail"),
            ], "Delivery", required=True)
    users = fields.Many2Many('res.user', None, None, "Users", readonly=True)

    @staticmethod
    def default_delivery():
        return 'show'


class InitialPasswordResult(ModelView):
    "Initial password"
    __name__ = 'edu.user.initial_password.result'
    passwords = fields.Text("Passwords", readonly=True,
        help="Write them down now: they are not shown again.")


class InitialPassword(Wizard):
    "Generate an initial password"
    __name__ = 'edu.user.initial_password'
    start = StateView('edu.user.initial_password.start',
        'edu_base.initial_password_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Generate", 'generate', 'tryton-ok', default=True),
            ])
    generate = StateTransition()
    result = StateView('edu.user.initial_password.result',
        'edu_base.initial_password_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        return {'users': [u.id for u in self.records]}

    def transition_generate(self):
        pool = Pool()
        User = pool.get('res.user')
        users = list(self.records)
        if self.start.delivery == 'email':
            for user in users:
                if not user.email:
                    raise PasswordError(gettext(
                            'edu_base.msg_password_no_email',
                            user=user.rec_name))
            # Tryton sends a temporary password valid for the reset timeout
            User.reset_password(users)
            with without_check_access():
                User.write(users, User.password_change_values(True))
            return 'end'
        passwords = User.set_initial_password(users)
        self._passwords = '\n'.join(
            f'{u.login}: {p}' for u, p in passwords.items())
        return 'result'

    def default_result(self, fields):
        return {'passwords': getattr(self, '_passwords', '')}


class ChangePasswordStart(ModelView):
    "Change password"
    __name__ = 'edu.user.change_password.start'
    password = fields.Char("New Password", required=True, strip=False)
    confirm = fields.Char("Confirm New Password", required=True, strip=False)


class ChangePassword(Wizard):
    "Change password"
    __name__ = 'edu.user.change_password'
    start = StateView('edu.user.change_password.start',
        'edu_base.change_password_start_view_form', [
            Button("Change", 'change', 'tryton-ok', default=True),
            ])
    change = StateTransition()

    def transition_change(self):
        pool = Pool()
        User = pool.get('res.user')
        if self.start.password != self.start.confirm:
            raise PasswordError(gettext('edu_base.msg_password_confirm'))
        user = User(Transaction().user)
        User.set_new_password(user, self.start.password)
        return 'end'
