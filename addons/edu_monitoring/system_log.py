# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Security events from the system log (R5.20).

A scheduled task reads the lines added to the configured log file since
its previous run (the offset is kept in the configuration, so each line is
read once; a rotated or truncated file is read from its start) and reports
the lines that match a pattern — failed SSH passwords, sudo failures,
"authentication failure", ERROR and CRITICAL lines of trytond — as
security events of kind 'system_log'.
"""
import logging
import os
import re

from trytond.i18n import gettext
from trytond.model import Model
from trytond.pool import Pool
from trytond.transaction import without_check_access

logger = logging.getLogger(__name__)
#: (pattern, severity) tried in order; the first that matches a line wins
PATTERNS = [
    (re.compile(r'\bCRITICAL\b'), 'critical'),
    (re.compile(r'NOT in sudoers'), 'critical'),
    (re.compile(r'sudo:.*incorrect password attempt'), 'warning'),
    (re.compile(r'Failed password for'), 'warning'),
    (re.compile(r'Invalid user \S+ from'), 'warning'),
    (re.compile(r'authentication failure', re.IGNORECASE), 'warning'),
    (re.compile(r'\bERROR\b'), 'warning'),
    ]
#: the most bytes read in one run; the rest waits for the next run
MAX_BYTES = 4 * 1024 * 1024
#: the most events reported in one run; the others are counted in one event
MAX_EVENTS = 100
LINE_SIZE = 1000


def match(line):
    "Return the severity of the first pattern that matches line, or None"
    for pattern, severity in PATTERNS:
        if pattern.search(line):
            return severity
    return None


def read_new_lines(path, offset, inode):
    """Return (lines, new offset, inode) of the complete lines of path
    after offset; a file with another inode or shorter than offset is read
    from its start"""
    stat = os.stat(path)
    offset = int(offset or 0)
    if (inode and str(stat.st_ino) != str(inode)) or stat.st_size < offset:
        offset = 0
    with open(path, 'rb') as file:
        file.seek(offset)
        data = file.read(MAX_BYTES)
    # a last line not ended yet is read at the next run
    end = data.rfind(b'\n') + 1
    data = data[:end]
    lines = data.decode('utf-8', errors='replace').splitlines()
    return lines, offset + end, str(stat.st_ino)


class SystemLog(Model):
    "System Log"
    __name__ = 'edu.monitoring.system_log'
    __string__ = "System Log"

    @classmethod
    def read_log(cls):
        """Read the new lines of the configured log and report the matching
        ones; return the events reported"""
        pool = Pool()
        Configuration = pool.get('edu.monitoring.configuration')
        Event = pool.get('edu.security.event')
        config = Configuration(1)
        path = config.log_path
        if not path:
            return []
        try:
            lines, offset, inode = read_new_lines(
                path, config.log_offset, config.log_inode)
        except OSError as exception:
            logger.warning('cannot read %s: %s', path, exception)
            if not config.log_inode:
                return []
            # a log read before that is gone: reported once
            with without_check_access():
                Configuration.write([config], {
                        'log_offset': 0, 'log_inode': None})
            return [Event.report('system_log', 'warning',
                    gettext('edu_monitoring.msg_log_unreadable',
                        path=path, error=str(exception)),
                    source=path)]
        matches = [(line, severity) for line in lines
            if (severity := match(line))]
        events = [Event.report('system_log', severity, line[:LINE_SIZE],
                source=path)
            for line, severity in matches[:MAX_EVENTS]]
        if len(matches) > MAX_EVENTS:
            severity = ('critical' if any(s == 'critical'
                    for _, s in matches[MAX_EVENTS:]) else 'warning')
            events.append(Event.report('system_log', severity,
                    gettext('edu_monitoring.msg_log_more',
                        count=len(matches) - MAX_EVENTS, path=path),
                    source=path))
        with without_check_access():
            Configuration.write([config], {
                    'log_offset': offset,
                    'log_inode': inode,
                    })
        return events

    @classmethod
    def cron_read_log(cls):
        "Read the system log (ir.cron)"
        cls.read_log()
