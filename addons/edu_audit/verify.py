# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Verification of the audit journal's hash chain (R5.16): a wizard for
administrators and auditors, and the daily ir.cron task."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.wizard import Button, StateTransition, StateView, Wizard


class VerifyResult(ModelView):
    "Verify audit journal"
    __name__ = 'edu.audit.verify.result'
    intact = fields.Boolean("Intact", readonly=True)
    broken_entry = fields.Many2One(
        'edu.audit.entry', "First Broken Entry", readonly=True)
    message = fields.Text("Result", readonly=True)


class Verify(Wizard):
    "Verify audit journal"
    __name__ = 'edu.audit.verify'
    start = StateTransition()
    result = StateView('edu.audit.verify.result',
        'edu_audit.verify_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_start(self):
        AuditEntry = Pool().get('edu.audit.entry')
        broken = AuditEntry.check_chain()
        self._broken = broken.id if broken else None
        return 'result'

    def default_result(self, fields):
        broken = getattr(self, '_broken', None)
        if broken:
            message = gettext('edu_audit.msg_chain_broken', entry=broken)
        else:
            message = gettext('edu_audit.msg_chain_intact')
        return {
            'intact': not broken,
            'broken_entry': broken,
            'message': message,
            }


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('edu.audit.entry|cron_verify_chain', "Verify Audit Journal"))
