# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Reset of users' second factor by an administrator (R5.11): the secret
and the recovery codes are removed, the user enrols again at the next
login, the reset is journalled (edu_audit) and reported as a security event
(edu_security)."""
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.wizard import Button, StateTransition, StateView, Wizard


class ResetStart(ModelView):
    "Reset the second factor"
    __name__ = 'edu.mfa.reset.start'
    __string__ = "Second Factor Reset"
    users = fields.Many2Many('res.user', None, None, "Users", readonly=True)


class Reset(Wizard):
    "Reset the second factor"
    __name__ = 'edu.mfa.reset'
    start = StateView('edu.mfa.reset.start',
        'edu_mfa.reset_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Reset", 'reset', 'tryton-ok', default=True),
            ])
    reset = StateTransition()

    def default_start(self, fields):
        return {'users': [u.id for u in self.records]}

    def transition_reset(self):
        User = Pool().get('res.user')
        User.mfa_clear(list(self.records))
        return 'end'
