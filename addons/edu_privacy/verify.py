# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Verification of the integrity of the restricted personal data (R5.16):
a wizard for administrators and auditors, besides the daily ir.cron task
and ``scripts/privacy_keys.py verify``.  It compares checksums only: it
decrypts nothing and shows no restricted value."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.wizard import Button, StateTransition, StateView, Wizard


class VerifyResult(ModelView):
    "Verify restricted personal data"
    __name__ = 'edu.person.restricted.verify.result'
    __string__ = "Verify Restricted Personal Data"
    intact = fields.Boolean("Intact", readonly=True)
    checked = fields.Integer("Records Checked", readonly=True)
    failed = fields.Integer("Records Failed", readonly=True)
    message = fields.Text("Result", readonly=True)


class Verify(Wizard):
    "Verify restricted personal data"
    __name__ = 'edu.person.restricted.verify'
    start = StateTransition()
    result = StateView('edu.person.restricted.verify.result',
        'edu_privacy.verify_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_start(self):
        pool = Pool()
        Restricted = pool.get('edu.person.restricted')
        self._failures = Restricted.check_integrity()
        self._checked = Restricted.count_stored()
        return 'result'

    def default_result(self, fields):
        failures = getattr(self, '_failures', [])
        checked = getattr(self, '_checked', 0)
        if failures:
            message = '\n'.join(gettext(
                    f'edu_privacy.msg_verify_{reason}', record=record_id)
                for record_id, reason in failures)
        else:
            message = gettext('edu_privacy.msg_verify_intact',
                count=checked)
        return {
            'intact': not failures,
            'checked': checked,
            'failed': len(failures),
            'message': message,
            }
