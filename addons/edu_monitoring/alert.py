# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Alerts of abnormal situations (R5.19).

After each sample the states of the metrics are compared with the
thresholds of the configuration: free disk under the minimum, RAM used
over the maximum, CPU over the maximum during the sustained samples, a
required process not running, the database unreachable.  An alert is
raised once when its condition starts (open, first and last seen, value)
and resolved when the condition ends — it is never duplicated while it
lasts.  Raising and resolving each report a security event (kind
'monitoring', R5.20), notify the administrators in the application
(``res.notification``) and by e-mail.
"""
import json
from collections import defaultdict
from email.message import EmailMessage

from trytond import config as trytond_config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction, without_check_access

from .sample import METRICS, reading

STATES = [
    ('open', "Open"),
    ('resolved', "Resolved"),
    ]
#: the severity of the alert of each metric
SEVERITY = {
    'cpu': 'warning',
    'ram': 'warning',
    'disk': 'critical',
    'network': 'warning',
    'process': 'critical',
    'database': 'critical',
    }
#: the administrators notified: the platform administrator and the
#: system administrators
ADMIN_GROUPS = ['res.group_admin', 'edu_base.group_edu_admin']


class Alert(ModelSQL, ModelView):
    "Monitoring Alert"
    __name__ = 'edu.monitoring.alert'
    __string__ = "Monitoring Alert"

    metric = fields.Selection(METRICS, "Metric", readonly=True, sort=False)
    key = fields.Char("Item", readonly=True,
        help="The path of a disk or the name of a process.")
    state = fields.Selection(STATES, "State", readonly=True, sort=False)
    severity = fields.Selection([
            ('warning', "Warning"),
            ('critical', "Critical"),
            ], "Severity", readonly=True, sort=False)
    first_seen = fields.Timestamp("First Seen", readonly=True)
    last_seen = fields.Timestamp("Last Seen", readonly=True)
    resolved_at = fields.Timestamp("Resolved At", readonly=True)
    value = fields.Float("Value", readonly=True, digits=(16, 1),
        help="The last value read while the condition lasted.")
    detail = fields.Char("Detail", readonly=True)
    threshold = fields.Float("Threshold", readonly=True, digits=(16, 1),
        help="The threshold in force when the alert was raised.")
    samples = fields.Integer("Sustained Samples", readonly=True)
    description = fields.Function(
        fields.Char("Description"), 'get_description')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('first_seen', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    where=t.state == 'open'),
                Index(t, (t.first_seen, Index.Range(order='DESC'))),
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'open',
                    If(Eval('severity') == 'critical', 'danger', 'warning'),
                    '')),
            ]

    @classmethod
    def check(cls, sample, states):
        """Raise the alerts of the critical states of sample that are not
        open yet, update those that are, resolve the open ones whose
        condition ended; return (raised, resolved)"""
        pool = Pool()
        Configuration = pool.get('edu.monitoring.configuration')
        config = Configuration(1)
        # one checker at a time: the scheduler runs a task in one process
        # only (its ir.cron row is locked while it runs)
        with without_check_access():
            open_ = {(a.metric, a.key or ''): a
                for a in cls.search([('state', '=', 'open')])}
            raised, to_save, seen = [], [], set()
            for state in states:
                if state['status'] != 'critical':
                    continue
                key = (state['metric'], state['key'] or '')
                seen.add(key)
                alert = open_.get(key)
                if alert is None:
                    alert = cls(metric=state['metric'],
                        key=state['key'] or None,
                        state='open',
                        severity=SEVERITY[state['metric']],
                        first_seen=sample.date,
                        threshold=state.get('threshold'),
                        samples=(config.cpu_samples
                            if state['metric'] == 'cpu' else None))
                    raised.append(alert)
                alert.last_seen = sample.date
                alert.value = round(state['value'], 1)
                alert.detail = state.get('detail')
                to_save.append(alert)
            resolved = [a for k, a in open_.items() if k not in seen]
            for alert in resolved:
                alert.state = 'resolved'
                alert.resolved_at = sample.date
                to_save.append(alert)
            cls.save(to_save)
            for alert in raised:
                alert.notify('raised')
            for alert in resolved:
                alert.notify('resolved')
        return raised, resolved

    def get_description(self, name):
        "Return the description of the alert in the language of the context"
        reading_ = reading(self.metric, self.value, self.detail)
        lang = Pool().get('ir.lang').get()
        threshold = (lang.format_number(self.threshold, 1)
            if self.threshold is not None else '')
        if self.metric == 'disk':
            return gettext('edu_monitoring.msg_alert_disk', path=self.key,
                reading=reading_, threshold=threshold)
        elif self.metric == 'ram':
            return gettext('edu_monitoring.msg_alert_ram',
                reading=reading_, threshold=threshold)
        elif self.metric == 'cpu':
            return gettext('edu_monitoring.msg_alert_cpu',
                reading=reading_, threshold=threshold,
                samples=self.samples or 1)
        elif self.metric == 'process':
            return gettext('edu_monitoring.msg_alert_process', name=self.key)
        elif self.metric == 'database':
            return gettext('edu_monitoring.msg_alert_database')
        return gettext('edu_monitoring.msg_alert_other',
            metric=self.metric, reading=reading_)

    def get_rec_name(self, name):
        return self.description

    @classmethod
    def administrators(cls):
        "Return the active users notified of the alerts"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        groups = [ModelData.get_id(*g.split('.')) for g in ADMIN_GROUPS]
        with without_check_access():
            return User.search([
                    ('groups', 'in', groups),
                    ('active', '=', True),
                    ], order=[('id', 'ASC')])

    def notify(self, event):
        """Report the raising or the resolution of the alert as a security
        event, to the administrators in the application and by e-mail,
        each in their language"""
        pool = Pool()
        SecurityEvent = pool.get('edu.security.event')
        Notification = pool.get('res.notification')
        ModelData = pool.get('ir.model.data')
        ActWindow = pool.get('ir.action.act_window')
        severity = self.severity if event == 'raised' else 'info'
        default_language = trytond_config.get('database', 'language')

        def texts(language):
            "Return the title and the period of the alert in language"
            with Transaction().set_context(language=language):
                alert = self.__class__(self.id)
                message = ('edu_monitoring.msg_alert_raised'
                    if event == 'raised'
                    else 'edu_monitoring.msg_alert_resolved')
                return (gettext(message, description=alert.description),
                    alert.period())

        # the register is kept in the language of the server
        SecurityEvent.report('monitoring', severity,
            texts(default_language)[0], source='edu_monitoring', record=self)
        users = self.administrators()
        action = ActWindow(
            ModelData.get_id('edu_monitoring', 'act_alert')).action.id
        by_language = defaultdict(list)
        for user in users:
            by_language[
                user.language.code if user.language else default_language
                ].append(user)
        from_ = trytond_config.get('email', 'from')
        notifications = []
        for language, language_users in sorted(by_language.items()):
            title, period = texts(language)
            notifications.extend({
                    'user': u.id,
                    'label': title[:255],
                    'description': period,
                    'icon': 'tryton-warning' if event == 'raised'
                    else 'tryton-ok',
                    'model': self.__name__,
                    'records': json.dumps([self.id]),
                    'action': action,
                    } for u in language_users)
            to_addrs = sorted({u.email for u in language_users if u.email})
            if to_addrs:
                msg = EmailMessage()
                msg['From'] = from_
                msg['To'] = ', '.join(to_addrs)
                msg['Subject'] = f'[Bilim] {title}'
                msg.set_content(f'{title}\n\n{period}\n')
                send_message_transactional(msg, from_, to_addrs)
        with without_check_access():
            Notification.create(notifications)

    def period(self):
        "Return the dates of the alert as a line"
        def fmt(date):
            return date.strftime('%Y-%m-%d %H:%M:%S') + ' UTC'
        if self.state == 'resolved':
            return gettext('edu_monitoring.msg_alert_period_resolved',
                first=fmt(self.first_seen), resolved=fmt(self.resolved_at))
        return gettext('edu_monitoring.msg_alert_period_open',
            first=fmt(self.first_seen))
