# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The register of information-security events (R5.20).

One searchable register, with a severity, of what matters for security:
failed logins over a threshold, rights changes, audit-chain or integrity
failures, second-factor resets, signature failures, changed system files,
events read from the system log.  Other modules report events with
:meth:`SecurityEvent.report`; nobody changes or deletes an event through
the application.
"""
import datetime as dt

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.edu_base.model import AppendOnlyMixin
from trytond.transaction import without_check_access

SEVERITIES = [
    ('info', "Information"),
    ('warning', "Warning"),
    ('critical', "Critical"),
    ]


class SecurityEvent(AppendOnlyMixin, ModelSQL, ModelView):
    "Security event"
    __name__ = 'edu.security.event'
    _append_only_message = 'edu_security.msg_event_readonly'
    __string__ = "Security Event"

    date = fields.Timestamp("Date", readonly=True)
    kind = fields.Selection([
            ('login_failures', "Repeated failed logins"),
            ('rights_change', "Rights changed"),
            ('audit_chain', "Audit journal broken"),
            ('integrity', "Integrity check failed"),
            ('mfa', "Second factor"),
            ('signature', "Signature verification failed"),
            ('system_files', "System files changed"),
            ('system_log', "System log"),
            ('monitoring', "Monitoring alert"),
            ('other', "Other"),
            ], "Kind", readonly=True, sort=False)
    severity = fields.Selection(
        SEVERITIES, "Severity", readonly=True, sort=False)
    source = fields.Char("Source", readonly=True,
        help="The part of the system that reported the event.")
    user = fields.Many2One(
        'res.user', "User", readonly=True, ondelete='SET NULL',
        help="The user concerned, if any.")
    login = fields.Char("Login", readonly=True)
    ip_address = fields.Char("IP Address", readonly=True)
    record = fields.Char("Record", readonly=True,
        help="The record concerned, as model,id.")
    description = fields.Text("Description", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.update({
                Index(t, (t.date, Index.Range(order='DESC'))),
                Index(t, (t.kind, Index.Equality()),
                    (t.severity, Index.Equality())),
                })

    @classmethod
    def report(cls, kind, severity, description, source=None, user=None,
            login=None, ip_address=None, record=None):
        """Store a security event and return it.

        ``user`` is a res.user or its id; ``record`` a record or a
        'model,id' string.  Runs without access checks: any code may report
        an event, nobody may alter it.
        """
        if record is not None and not isinstance(record, str):
            record = f'{record.__name__},{record.id}'
        if user is not None and not isinstance(user, int):
            user = user.id
        with without_check_access():
            event, = cls.create([{
                        'date': dt.datetime.now(),
                        'kind': kind,
                        'severity': severity,
                        'source': source,
                        'user': user,
                        'login': login,
                        'ip_address': ip_address,
                        'record': record,
                        'description': description,
                        }])
        return event
