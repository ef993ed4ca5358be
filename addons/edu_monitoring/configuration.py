# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The configuration of the monitoring (R5.17-R5.20): retention of the
samples, the thresholds of the alerts, the paths watched, the system files
and the system log read."""
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from . import manifest


class ManifestError(UserError):
    pass


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Monitoring Configuration"
    __name__ = 'edu.monitoring.configuration'
    __string__ = "Monitoring Configuration"

    retention_days = fields.Integer(
        "Retention", required=True,
        domain=[('retention_days', '>', 0)],
        help="In days: older samples are purged by the scheduled task.")
    disk_paths = fields.Text(
        "Disk Paths",
        help="One path per line whose file system is watched; empty for "
        "the database and filestore path of the server.")
    disk_free_min = fields.Float(
        "Minimum Free Disk", required=True,
        domain=[('disk_free_min', '>=', 0), ('disk_free_min', '<=', 100)],
        help="In percent: less free space on a watched path raises an "
        "alert.")
    ram_used_max = fields.Float(
        "Maximum RAM Used", required=True,
        domain=[('ram_used_max', '>', 0), ('ram_used_max', '<=', 100)],
        help="In percent: more memory used raises an alert.")
    cpu_max = fields.Float(
        "Maximum CPU Load", required=True,
        domain=[('cpu_max', '>', 0), ('cpu_max', '<=', 100)],
        help="In percent: a load above it during the sustained samples "
        "raises an alert.")
    cpu_samples = fields.Integer(
        "Sustained Samples", required=True,
        domain=[('cpu_samples', '>', 0)],
        help="The number of consecutive samples over the maximum CPU load "
        "that raise an alert.")
    processes = fields.Char(
        "Required Processes",
        help="The names of the processes that must run, separated by "
        "spaces (e.g. trytond trytond-cron trytond-worker); an alert is "
        "raised when one is not found.")
    alert_database = fields.Boolean(
        "Alert When the Database Is Unreachable")
    file_roots = fields.Text(
        "System File Roots",
        help="One file or directory per line whose files are hashed in the "
        "manifest of the system files; empty for the Bilim modules, the "
        "Tryton server package and its configuration file.")
    log_path = fields.Char(
        "System Log",
        help="The log file read for security events, e.g. /var/log/auth.log "
        "or the trytond log; empty to read none.")
    log_offset = fields.Float("System Log Offset", readonly=True,
        digits=(20, 0),
        help="Where the next reading of the system log starts.")
    log_inode = fields.Char("System Log Inode", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'build_manifest': {
                    'icon': 'tryton-refresh',
                    },
                'verify_manifest': {
                    'icon': 'tryton-search',
                    },
                })

    @classmethod
    def default_retention_days(cls):
        return 30

    @classmethod
    def default_disk_free_min(cls):
        return 10.0

    @classmethod
    def default_ram_used_max(cls):
        return 90.0

    @classmethod
    def default_cpu_max(cls):
        return 90.0

    @classmethod
    def default_cpu_samples(cls):
        return 3

    @classmethod
    def default_alert_database(cls):
        return True

    def get_disk_paths(self):
        "Return the paths whose free space is watched"
        paths = [p.strip() for p in (self.disk_paths or '').splitlines()
            if p.strip()]
        return paths or [manifest.database_path()]

    def get_processes(self):
        "Return the names of the processes that must run"
        return (self.processes or '').split()

    def get_file_roots(self):
        "Return the files and directories of the manifest"
        roots = [p.strip() for p in (self.file_roots or '').splitlines()
            if p.strip()]
        return roots or manifest.default_roots()

    @classmethod
    @ModelView.button
    def build_manifest(cls, configurations):
        "Record the hashes of the system files as the reference (R5.17)"
        SystemFile = Pool().get('edu.monitoring.file')
        with without_check_access():
            SystemFile.build()

    @classmethod
    @ModelView.button
    def verify_manifest(cls, configurations):
        "Compare the system files with the manifest (R5.17)"
        pool = Pool()
        SystemFile = pool.get('edu.monitoring.file')
        Notification = pool.get('res.notification')
        with without_check_access():
            count = SystemFile.search([], count=True)
            if not count:
                raise ManifestError(
                    gettext('edu_monitoring.msg_manifest_missing'))
            added, removed, changed = SystemFile.verify()
            if added or removed or changed:
                label = gettext('edu_monitoring.msg_files_modified',
                    count=len(added) + len(removed) + len(changed))
                icon = 'tryton-warning'
            else:
                label = gettext('edu_monitoring.msg_files_intact',
                    count=count)
                icon = 'tryton-ok'
            # the answer, in the notifications of the user who asked
            Notification.create([{
                        'user': Transaction().user,
                        'label': label,
                        'icon': icon,
                        }])
