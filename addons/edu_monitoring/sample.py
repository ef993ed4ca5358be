# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Real-time monitoring of the server (R5.18).

Every few minutes the scheduled task reads, with psutil, the CPU load (in
percent and the load average), the memory used and free, the free space of
each watched path, the network (interfaces up, bytes sent and received per
second), the trytond processes and whether the database answers.  One
``edu.monitoring.sample`` row holds one reading of all the metrics, so a
graph over time is one indexed range scan; older samples are purged after
the retention.  ``edu.monitoring.status`` keeps the latest state of each
metric (ok, warning, critical) for the dashboard, and the alerts are
checked against the thresholds (R5.19, see alert.py).

:meth:`Sample.read_metrics` is the only place that talks to the operating
system: tests patch it to simulate a full disk or a stopped process.
"""
import datetime as dt
import json
import os

import psutil
from sql import Literal
from sql.aggregate import Avg, Count, Max, Min
from sql.functions import DateTrunc

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from . import manifest

STATUSES = [
    ('ok', "OK"),
    ('warning', "Warning"),
    ('critical', "Critical"),
    ]
METRICS = [
    ('cpu', "CPU"),
    ('ram', "RAM"),
    ('disk', "Disk"),
    ('network', "Network"),
    ('process', "Process"),
    ('database', "Database"),
    ]
#: the processes of a Tryton installation shown on the dashboard
TRYTON_PROCESSES = ['trytond', 'trytond-cron', 'trytond-worker']
SEQUENCE = {m: i for i, (m, _) in enumerate(METRICS)}

_cpu_primed = False


def cpu_percent():
    """Return the CPU load in percent since the previous call (the previous
    sample of a long-running cron process), over a short interval the
    first time"""
    global _cpu_primed
    if not _cpu_primed:
        _cpu_primed = True
        return psutil.cpu_percent(interval=0.2)
    return psutil.cpu_percent(interval=None)


def existing(path):
    "Return path or its nearest existing parent"
    path = os.path.abspath(os.path.expanduser(path))
    while not os.path.exists(path) and os.path.dirname(path) != path:
        path = os.path.dirname(path)
    return path


def process_counts(names):
    "Return {name: number of running processes} for the names"
    counts = dict.fromkeys(names, 0)
    if not names:
        return counts
    for process in psutil.process_iter(['name', 'cmdline']):
        info = process.info
        candidates = {info.get('name') or ''}
        # a Python console script runs as "python /usr/bin/trytond-cron"
        for argument in (info.get('cmdline') or [])[:2]:
            candidates.add(os.path.basename(argument))
        for name in names:
            if name in candidates:
                counts[name] += 1
    return counts


def database_reachable():
    """Return whether the database answers: a ``SELECT 1`` on a new
    connection for PostgreSQL, the file readable for SQLite"""
    transaction = Transaction()
    database = transaction.database
    name = database.name
    if backend.name == 'sqlite':
        if name == ':memory:':
            return True
        path = os.path.join(manifest.database_path(), name + '.sqlite')
        return os.path.isfile(path) and os.access(path, os.R_OK)
    try:
        connection = database.get_connection(autocommit=True)
        try:
            cursor = connection.cursor()
            cursor.execute('SELECT 1')
            return cursor.fetchone()[0] == 1
        finally:
            database.put_connection(connection)
    except Exception:
        return False


class Sample(ModelSQL, ModelView):
    "Monitoring Sample"
    __name__ = 'edu.monitoring.sample'
    __string__ = "Monitoring Sample"

    date = fields.DateTime("Date", required=True, readonly=True)
    cpu_percent = fields.Float("CPU %", readonly=True, digits=(4, 1))
    load_1 = fields.Float("Load 1 min", readonly=True, digits=(6, 2))
    load_5 = fields.Float("Load 5 min", readonly=True, digits=(6, 2))
    load_15 = fields.Float("Load 15 min", readonly=True, digits=(6, 2))
    ram_used_percent = fields.Float(
        "RAM Used %", readonly=True, digits=(4, 1))
    ram_free_percent = fields.Float(
        "RAM Free %", readonly=True, digits=(4, 1),
        help="The memory available to new processes.")
    disk_free_percent = fields.Float(
        "Disk Free %", readonly=True, digits=(4, 1),
        help="The lowest free space of the watched paths.")
    disks = fields.Text("Disks", readonly=True,
        help="The free space of each watched path, in percent (JSON).")
    interfaces_up = fields.Integer("Interfaces Up", readonly=True,
        help="The network interfaces up, the loopback excluded.")
    bytes_sent = fields.Float("Bytes Sent", readonly=True, digits=(20, 0))
    bytes_received = fields.Float(
        "Bytes Received", readonly=True, digits=(20, 0))
    sent_rate = fields.Float("Sent (B/s)", readonly=True, digits=(16, 0))
    received_rate = fields.Float(
        "Received (B/s)", readonly=True, digits=(16, 0))
    processes = fields.Text("Processes", readonly=True,
        help="The number of running processes of each name (JSON).")
    processes_ok = fields.Boolean("Processes OK", readonly=True)
    database_ok = fields.Boolean("Database OK", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.add(Index(t, (t.date, Index.Range(order='DESC'))))

    def get_rec_name(self, name):
        return self.date.strftime('%Y-%m-%d %H:%M:%S') if self.date else ''

    # -- reading the system --------------------------------------------------
    @classmethod
    def read_metrics(cls, config):
        """Return the readings of the system as a dict; the only method that
        asks the operating system (patched by the tests)::

            {'cpu_percent': 12.5, 'load': (0.5, 0.4, 0.3),
             'ram_used_percent': 40.0, 'ram_free_percent': 60.0,
             'disks': {'/var/lib/trytond': 71.2},
             'interfaces_up': 1, 'bytes_sent': 123, 'bytes_received': 456,
             'processes': {'trytond': 1}, 'database_ok': True}
        """
        memory = psutil.virtual_memory()
        disks = {}
        for path in config.get_disk_paths():
            try:
                usage = psutil.disk_usage(existing(path))
                disks[path] = round(100.0 * usage.free / usage.total, 1)
            except OSError:
                disks[path] = 0.0
        network = psutil.net_io_counters()
        interfaces_up = sum(1 for name, stats in
            psutil.net_if_stats().items()
            if stats.isup and name != 'lo' and not name.startswith('lo:'))
        names = list(dict.fromkeys(
                TRYTON_PROCESSES + config.get_processes()))
        return {
            'cpu_percent': cpu_percent(),
            'load': os.getloadavg() if hasattr(os, 'getloadavg')
            else (None, None, None),
            'ram_used_percent': memory.percent,
            'ram_free_percent': round(
                100.0 * memory.available / memory.total, 1),
            'disks': disks,
            'interfaces_up': interfaces_up,
            'bytes_sent': network.bytes_sent if network else None,
            'bytes_received': network.bytes_recv if network else None,
            'processes': process_counts(names),
            'database_ok': database_reachable(),
            }

    # -- storing a sample ---------------------------------------------------
    @classmethod
    def take_sample(cls, now=None):
        """Read the metrics, store one sample, update the current state and
        check the alerts; return the sample (R5.18, R5.19)"""
        pool = Pool()
        Configuration = pool.get('edu.monitoring.configuration')
        Status = pool.get('edu.monitoring.status')
        Alert = pool.get('edu.monitoring.alert')
        config = Configuration(1)
        now = now or dt.datetime.now()
        readings = cls.read_metrics(config)

        with without_check_access():
            previous = cls.search([], limit=1)
            previous = previous[0] if previous else None
            load = tuple(readings.get('load') or ()) + (None,) * 3
            disks = readings.get('disks') or {}
            processes = readings.get('processes') or {}
            required = config.get_processes()
            values = {
                'date': now,
                'cpu_percent': _round(readings.get('cpu_percent'), 1),
                'load_1': _round(load[0], 2),
                'load_5': _round(load[1], 2),
                'load_15': _round(load[2], 2),
                'ram_used_percent': _round(
                    readings.get('ram_used_percent'), 1),
                'ram_free_percent': _round(
                    readings.get('ram_free_percent'), 1),
                'disk_free_percent': (
                    _round(min(disks.values()), 1) if disks else None),
                'disks': json.dumps(disks, sort_keys=True),
                'interfaces_up': readings.get('interfaces_up'),
                'bytes_sent': readings.get('bytes_sent'),
                'bytes_received': readings.get('bytes_received'),
                'processes': json.dumps(processes, sort_keys=True),
                'processes_ok': all(
                    processes.get(n, 0) > 0 for n in required),
                'database_ok': bool(readings.get('database_ok')),
                }
            for total, rate in [
                    ('bytes_sent', 'sent_rate'),
                    ('bytes_received', 'received_rate')]:
                values[rate] = _round(
                    _rate(previous, now, total, values[total]), 0)
            sample, = cls.create([values])
            states = sample.get_states(config)
            Status.update(sample, states)
            Alert.check(sample, states)
        return sample

    def get_disks(self):
        return json.loads(self.disks or '{}')

    def get_processes(self):
        return json.loads(self.processes or '{}')

    def cpu_sustained(self, config):
        """Return whether the CPU load is over the maximum on the last
        ``cpu_samples`` samples up to this one"""
        count = config.cpu_samples or 1
        samples = self.search([
                ('date', '<=', self.date),
                ], order=[('date', 'DESC'), ('id', 'DESC')], limit=count)
        return (len(samples) == count
            and all(s.cpu_percent is not None
                and s.cpu_percent > config.cpu_max for s in samples))

    def get_states(self, config):
        """Return the state of each metric of the sample: a list of dicts
        with metric, key, value, detail and status; 'critical' is the
        condition of an alert (R5.19)"""
        states = []

        def add(metric, value, status, key='', detail=None, threshold=None):
            states.append({'metric': metric, 'key': key, 'value': value,
                    'detail': detail, 'status': status,
                    'threshold': threshold})

        if self.cpu_percent is not None:
            if self.cpu_percent > config.cpu_max:
                status = ('critical' if self.cpu_sustained(config)
                    else 'warning')
            else:
                status = 'ok'
            load = ' '.join(f'{v:.2f}' for v in
                [self.load_1, self.load_5, self.load_15] if v is not None)
            add('cpu', self.cpu_percent, status, detail=load or None,
                threshold=config.cpu_max)
        if self.ram_used_percent is not None:
            used = self.ram_used_percent
            if used > config.ram_used_max:
                status = 'critical'
            elif used > config.ram_used_max - 10:
                status = 'warning'
            else:
                status = 'ok'
            add('ram', used, status, threshold=config.ram_used_max)
        for path, free in sorted(self.get_disks().items()):
            if free < config.disk_free_min:
                status = 'critical'
            elif free < 2 * config.disk_free_min:
                status = 'warning'
            else:
                status = 'ok'
            add('disk', free, status, key=path,
                threshold=config.disk_free_min)
        if self.interfaces_up is not None:
            add('network', self.interfaces_up,
                'ok' if self.interfaces_up else 'warning',
                detail=f'{self.sent_rate or 0:.0f} '
                f'{self.received_rate or 0:.0f}')
        required = config.get_processes()
        for name, count in sorted(self.get_processes().items()):
            if count:
                status = 'ok'
            elif name in required:
                status = 'critical'
            else:
                status = 'warning'
            add('process', count, status, key=name)
        if self.database_ok is not None:
            if self.database_ok:
                status = 'ok'
            else:
                status = 'critical' if config.alert_database else 'warning'
            add('database', 1 if self.database_ok else 0, status)
        return states

    # -- scheduled tasks ------------------------------------------------------
    @classmethod
    def cron_sample(cls):
        "Take a sample (ir.cron, every few minutes)"
        cls.take_sample()

    @classmethod
    def purge(cls, now=None):
        """Delete the samples older than the retention; return how many
        (one SQL statement: the samples are not referenced)"""
        pool = Pool()
        Configuration = pool.get('edu.monitoring.configuration')
        config = Configuration(1)
        now = now or dt.datetime.now()
        limit = now - dt.timedelta(days=config.retention_days)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                Count(Literal(1)), where=table.date < limit))
        count, = cursor.fetchone()
        if count:
            cursor.execute(*table.delete(where=table.date < limit))
        return count

    @classmethod
    def cron_purge(cls):
        "Purge the samples older than the retention (ir.cron, daily)"
        cls.purge()


def reading(metric, value, detail=None):
    """Return the reading of a metric as a sentence in the language of the
    context: value and the raw detail stored (the load average of the CPU,
    the sent and received rates of the network)"""
    if value is None:
        return ''
    lang = Pool().get('ir.lang').get()

    def number(value, digits=1):
        return lang.format_number(value, digits, grouping=digits == 0)

    if metric == 'cpu':
        if detail:
            load = ' '.join(number(float(v), 2) for v in detail.split())
            return gettext('edu_monitoring.msg_reading_cpu',
                value=number(value), load=load)
        return gettext('edu_monitoring.msg_reading_percent',
            value=number(value))
    elif metric == 'ram':
        return gettext('edu_monitoring.msg_reading_ram',
            value=number(value))
    elif metric == 'disk':
        return gettext('edu_monitoring.msg_reading_disk',
            value=number(value))
    elif metric == 'network':
        sent, received = (detail or '0 0').split()
        return gettext('edu_monitoring.msg_reading_network',
            value=int(value), sent=number(float(sent), 0),
            received=number(float(received), 0))
    elif metric == 'process':
        return gettext('edu_monitoring.msg_reading_process',
            value=int(value))
    elif metric == 'database':
        return gettext('edu_monitoring.msg_reading_database_ok' if value
            else 'edu_monitoring.msg_reading_database_down')
    return number(value)


def _round(value, digits):
    return round(value, digits) if value is not None else None


def _rate(previous, now, field, total):
    "Return the bytes per second since previous, None without a base"
    if (previous is None or total is None
            or getattr(previous, field) is None):
        return None
    seconds = (now - previous.date).total_seconds()
    delta = total - getattr(previous, field)
    if seconds <= 0 or delta < 0:
        # a reboot resets the counters
        return None
    return delta / seconds


class Status(ModelSQL, ModelView):
    "Monitoring Status"
    __name__ = 'edu.monitoring.status'
    __string__ = "Monitoring Status"

    metric = fields.Selection(METRICS, "Metric", readonly=True, sort=False)
    key = fields.Char("Item", readonly=True,
        help="The path of a disk or the name of a process.")
    value = fields.Float("Value", readonly=True, digits=(16, 1))
    detail = fields.Char("Detail", readonly=True)
    display = fields.Function(fields.Char("Reading"), 'get_display')
    status = fields.Selection(STATUSES, "Status", readonly=True, sort=False)
    date = fields.DateTime("Date", readonly=True)
    sequence = fields.Integer("Sequence", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('sequence', 'ASC'), ('key', 'ASC'), ('id', 'ASC')]

    def get_display(self, name):
        return reading(self.metric, self.value, self.detail)

    def get_rec_name(self, name):
        label = dict(self.__class__.fields_get(['metric'])['metric'][
                'selection']).get(self.metric, self.metric or '')
        return f'{label} {self.key}' if self.key else label

    @classmethod
    def update(cls, sample, states):
        "Replace the current state by the states of sample"
        existing = {(s.metric, s.key or ''): s for s in cls.search([])}
        to_save, seen = [], set()
        for state in states:
            key = (state['metric'], state['key'] or '')
            seen.add(key)
            record = existing.get(key) or cls(
                metric=state['metric'], key=state['key'] or None)
            record.value = _round(state['value'], 1)
            record.detail = state['detail']
            record.status = state['status']
            record.date = sample.date
            record.sequence = SEQUENCE[state['metric']]
            to_save.append(record)
        cls.save(to_save)
        cls.delete([s for k, s in existing.items() if k not in seen])

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('status') == 'critical', 'danger',
                    If(Eval('status') == 'warning', 'warning', ''))),
            ]


class SampleHourly(ModelSQL, ModelView):
    """Monitoring Sample by Hour

    The samples averaged by hour: the graphs over days and weeks read one
    row an hour (720 for 30 days) instead of every sample (R5.18)."""
    __name__ = 'edu.monitoring.sample.hourly'
    __string__ = "Monitoring Sample by Hour"

    date = fields.DateTime("Hour", readonly=True)
    samples = fields.Integer("Samples", readonly=True)
    cpu_percent = fields.Float("CPU %", readonly=True, digits=(4, 1),
        help="The average over the hour.")
    cpu_max = fields.Float("CPU Peak %", readonly=True, digits=(4, 1))
    ram_used_percent = fields.Float(
        "RAM Used %", readonly=True, digits=(4, 1),
        help="The highest over the hour.")
    disk_free_percent = fields.Float(
        "Disk Free %", readonly=True, digits=(4, 1),
        help="The lowest over the hour.")
    sent_rate = fields.Float("Sent (B/s)", readonly=True, digits=(16, 0),
        help="The average over the hour.")
    received_rate = fields.Float(
        "Received (B/s)", readonly=True, digits=(16, 0),
        help="The average over the hour.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Sample = pool.get('edu.monitoring.sample')
        sample = Sample.__table__()
        # the hour once, in a sub-query: PostgreSQL takes two parameters
        # 'hour' for two expressions
        hours = sample.select(
            sample.id,
            DateTrunc('hour', sample.date).as_('hour'),
            sample.cpu_percent, sample.ram_used_percent,
            sample.disk_free_percent, sample.sent_rate,
            sample.received_rate)
        return hours.select(
            Min(hours.id).as_('id'),
            hours.hour.as_('date'),
            Count(Literal(1)).as_('samples'),
            Avg(hours.cpu_percent).as_('cpu_percent'),
            Max(hours.cpu_percent).as_('cpu_max'),
            Max(hours.ram_used_percent).as_('ram_used_percent'),
            Min(hours.disk_free_percent).as_('disk_free_percent'),
            Avg(hours.sent_rate).as_('sent_rate'),
            Avg(hours.received_rate).as_('received_rate'),
            group_by=[hours.hour])
