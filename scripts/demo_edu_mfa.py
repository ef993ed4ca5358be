# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo of the second factor by SMS and of the password reset (R5.11, R5.9).

``load(summary)`` runs inside the demo loader's open transaction as user 0,
after ``scripts/demo_data.load()``: the demo teacher (login ``teacher``)
gets a demo mobile number and an e-mail address and chooses the code by
SMS.  With ``[session] authentications = password+totp+sms`` (or
``password+sms``) and the simulator gateway, the code of each login is
written to the simulator's file (``sms-simulator.jsonl`` under
``[database] path`` unless ``[authentication_sms] simulator_file`` says
otherwise), where the operator of the demo reads it.  The administrator
sees the method and the number on the user form; the change is in the
audit journal that the auditor reads.
"""

#: a number of the demo range: it reaches nobody, the simulator keeps it
DEMO_MOBILE = '+7 701 000 00 04'
DEMO_EMAIL = 'teacher@demo.bilim.kz'
SMS_LOGIN = 'teacher'


def load(summary):
    from trytond.modules.edu_mfa import sms
    from trytond.pool import Pool

    User = Pool().get('res.user')
    if 'mfa_method' not in User._fields:
        return {'skipped': 'edu_mfa is not activated'}
    users = User.search([('login', '=', SMS_LOGIN)], limit=1)
    if not users:
        return {'skipped': f'no user {SMS_LOGIN!r}'}
    user, = users
    values = {'mobile': DEMO_MOBILE, 'mfa_method': 'sms'}
    if not user.email:
        values['email'] = DEMO_EMAIL
    User.write([user], values)
    return {
        'sms_user': user.login,
        'mobile': user.mfa_mobile,
        'email': user.email,
        'sms_gateway': sms.gateway_name(),
        'sms_simulator_file': sms.simulator_file(),
        }
