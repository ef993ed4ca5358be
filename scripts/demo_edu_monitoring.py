# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the monitoring (R5.17-R5.20): a day of samples, the alerts
it raised and resolved, the current state and the manifest of the system
files, so that the administrator and the auditor find the dashboard filled
in sao (Bilim > Configuration > Monitoring).

The last 24 hours are **simulated**, one sample every 15 minutes: a quiet
server, a CPU peak sustained over four samples about six hours ago and a
data disk almost full about three hours ago, both cleared since; they go
through the real sampler path (``take_sample`` with ``read_metrics``
replaced), so the alerts, the security events and the in-app
notifications of the administrators are those the server would make.  No
e-mail is sent.  A last sample reads the real machine with psutil, and the
manifest is built from the real installation.  Called by
scripts/create_db.py with the summary of scripts/demo_data.load().
"""
import datetime as dt
import math
from unittest import mock

import psutil

from trytond.pool import Pool

STEP = dt.timedelta(minutes=15)
SAMPLES = 96


def simulated(index, disk_path, sent, received):
    """Return the readings of the index-th sample of the simulated day,
    whose network counters end at sent and received"""
    hours_ago = (SAMPLES - index) * STEP.total_seconds() / 3600
    wave = math.sin(index / SAMPLES * 2 * math.pi)
    cpu = 18 + 12 * wave + (index % 5)
    if 5.5 <= hours_ago <= 6.5:
        cpu = 93 + index % 4
    disk = 62 - index * 0.05
    if 2.8 <= hours_ago <= 3.3:
        disk = 6.5
    return {
        'cpu_percent': round(cpu, 1),
        'load': (round(cpu / 50, 2), round(cpu / 60, 2), round(cpu / 70, 2)),
        'ram_used_percent': round(46 + 8 * wave, 1),
        'ram_free_percent': round(54 - 8 * wave, 1),
        'disks': {disk_path: round(disk, 1)},
        'interfaces_up': 1,
        'bytes_sent': max(sent - 4_000_000 * (SAMPLES - index), 0),
        'bytes_received': max(
            received - 9_000_000 * (SAMPLES - index) - 250_000 * (index % 7),
            0),
        'processes': {'trytond': 1, 'trytond-cron': 1, 'trytond-worker': 1},
        'database_ok': True,
        }


def load(summary):
    from trytond.modules.edu_monitoring import alert as alert_module
    pool = Pool()
    Configuration = pool.get('edu.monitoring.configuration')
    Sample = pool.get('edu.monitoring.sample')
    Alert = pool.get('edu.monitoring.alert')
    SystemFile = pool.get('edu.monitoring.file')

    config = Configuration(1)
    disk_path = config.get_disk_paths()[0]
    now = dt.datetime.now().replace(microsecond=0)
    start = now - SAMPLES * STEP
    network = psutil.net_io_counters()
    sent, received = (
        (network.bytes_sent, network.bytes_recv) if network else (0, 0))
    with mock.patch.object(alert_module, 'send_message_transactional'):
        for index in range(SAMPLES):
            with mock.patch.object(Sample, 'read_metrics',
                    return_value=simulated(
                        index, disk_path, sent, received)):
                Sample.take_sample(start + index * STEP)
        # the real machine, now
        Sample.take_sample(now)
    files = SystemFile.build()
    return {
        'samples': Sample.search([], count=True),
        'alerts': Alert.search([], count=True),
        'system files': files,
        }
