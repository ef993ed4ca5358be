# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Enrolment of the logged-in user in the second factor (R5.11).

Step 1 shows the QR code of the otpauth:// URI (issuer "Bilim ERP", the
login) and the secret as text for manual entry; step 2 asks the code the
application shows, refused when wrong; step 3 shows the ten recovery codes,
once.  The secret is kept by the server only after the confirmation.
"""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import totp
from .exceptions import MFAError


class EnrolStart(ModelView):
    "Second factor enrolment"
    __name__ = 'edu.mfa.enrol.start'
    __string__ = "Second Factor Set-Up"
    qr_code = fields.Binary("QR Code", readonly=True)
    secret = fields.Char("Secret Key", readonly=True,
        help="Type it in the application if it cannot read the QR code.")
    uri = fields.Char("Address", readonly=True)
    required = fields.Boolean("Required", readonly=True)


class EnrolConfirm(ModelView):
    "Second factor enrolment"
    __name__ = 'edu.mfa.enrol.confirm'
    __string__ = "Second Factor Confirmation"
    code = fields.Char("Code", required=True,
        help="The 6-digit code the application shows now.")


class EnrolCodes(ModelView):
    "Second factor enrolment"
    __name__ = 'edu.mfa.enrol.codes'
    __string__ = "Second Factor Recovery Codes"
    codes = fields.Text("Recovery Codes", readonly=True,
        help="Each code replaces the one-time code once. "
        "Keep them in a safe place: they are not shown again.")


class Enrol(Wizard):
    "Set up the second factor"
    __name__ = 'edu.mfa.enrol'
    start = StateView('edu.mfa.enrol.start',
        'edu_mfa.enrol_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel',
                states={'invisible': Eval('required', False)}),
            Button("Next", 'confirm', 'tryton-forward', default=True),
            ])
    confirm = StateView('edu.mfa.enrol.confirm',
        'edu_mfa.enrol_confirm_view_form', [
            Button("Confirm", 'check', 'tryton-ok', default=True),
            ])
    check = StateTransition()
    codes = StateView('edu.mfa.enrol.codes',
        'edu_mfa.enrol_codes_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        User = Pool().get('res.user')
        user = User(Transaction().user)
        secret = totp.new_secret()
        uri = totp.provisioning_uri(secret, user.login)
        return {
            'secret': secret,
            'uri': uri,
            'qr_code': totp.qr_png(uri),
            'required': user.mfa_required,
            }

    def transition_check(self):
        User = Pool().get('res.user')
        secret = self.start.secret
        step = totp.match_step(secret, self.confirm.code)
        if step is None:
            raise MFAError(gettext('edu_mfa.msg_enrol_wrong_code'))
        user = User(Transaction().user)
        self._codes = User.mfa_enrol(user, secret, step)
        return 'codes'

    def default_codes(self, fields):
        return {'codes': '\n'.join(getattr(self, '_codes', []))}
