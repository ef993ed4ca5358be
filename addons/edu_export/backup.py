# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Scheduled encrypted backups and their register (R3).

The configuration (a singleton) sets the directory of the archives, how
many are kept and the schedule of the ``ir.cron`` task.  The task writes an
encrypted archive of the database and the filestore (the format of
``scripts/backup.py``, restored by ``scripts/restore.py``) and deletes the
archives beyond the retention count.  The key comes from the environment
(``BILIM_BACKUP_KEY``) or from a key file named in the server's
configuration (``[edu_backup] key_file``); it is never stored in the
database.  Without a key no backup is made: the failure is registered with
a Kazakh or Russian message and reported as a critical security event.

Each backup is an ``edu.backup`` record (date, file, size, SHA-256, state,
error) with a "Verify" button that decrypts the archive and checks it
against its manifest without restoring it.  Restoring stays a command
(``scripts/restore.py``): a database cannot be replaced safely from inside
the server that is using it.
"""
import datetime as dt
import logging
import os

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from . import archive
from .bigint import BigInteger

logger = logging.getLogger(__name__)

INTERVALS = [
    ('hours', "Hours"),
    ('days', "Days"),
    ('weeks', "Weeks"),
    ]
STATES = [
    ('done', "Done"),
    ('failed', "Failed"),
    ('pruned', "Deleted by retention"),
    ]
VERIFICATIONS = [
    (None, ""),
    ('ok', "Intact"),
    ('corrupted', "Corrupted"),
    ]
SUFFIX = '.bilim-backup'


def default_directory():
    path = config.get('edu_backup', 'directory', default=None)
    if not path:
        path = os.path.join(
            config.get('database', 'path') or '.', 'backups')
    return path


class BackupConfiguration(ModelSingleton, ModelSQL, ModelView):
    "Backup Configuration"
    __name__ = 'edu.backup.configuration'
    __string__ = "Backup Configuration"

    directory = fields.Char("Directory", required=True,
        help="The directory of the server where the encrypted archives are "
        "written; only the server's account may read it.")
    retention = fields.Integer("Retention", required=True,
        domain=[('retention', '>', 0)],
        help="The number of backups kept; older ones are deleted.")
    interval_number = fields.Integer("Every", required=True,
        domain=[('interval_number', '>', 0)])
    interval_type = fields.Selection(
        INTERVALS, "Interval", required=True, sort=False)
    hour = fields.Integer("Hour",
        domain=['OR', ('hour', '=', None),
            [('hour', '>=', 0), ('hour', '<=', 23)]],
        help="The hour of the day of the backup (server time).")
    key_status = fields.Function(
        fields.Char("Encryption Key"), 'get_key_status')

    @classmethod
    def default_directory(cls):
        return default_directory()

    @classmethod
    def default_retention(cls):
        return 7

    @classmethod
    def default_interval_number(cls):
        return 1

    @classmethod
    def default_interval_type(cls):
        return 'days'

    @classmethod
    def default_hour(cls):
        return 2

    @classmethod
    def edu_export_domain(cls, company_ids):
        return None

    def get_key_status(self, name):
        if archive.key_configured():
            return gettext('edu_export.msg_key_configured')
        return gettext('edu_export.msg_key_missing')

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if mode in {'create', 'write'}:
            for record in records:
                record.update_cron()

    def update_cron(self):
        "Give the schedule to the ir.cron task of the backups"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Cron = pool.get('ir.cron')
        cron = Cron(ModelData.get_id('edu_export', 'cron_backup'))
        with without_check_access():
            Cron.write([cron], {
                    'interval_number': self.interval_number,
                    'interval_type': self.interval_type,
                    'hour': (self.hour if self.interval_type != 'hours'
                        else None),
                    'minute': 0,
                    })


class Backup(ModelSQL, ModelView):
    "Backup"
    __name__ = 'edu.backup'
    __string__ = "Backup"

    date = fields.Timestamp("Date", readonly=True)
    path = fields.Char("File", readonly=True)
    size = BigInteger("Size", readonly=True, help="In bytes.")
    sha256 = fields.Char("SHA-256", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, sort=False)
    error = fields.Text("Error", readonly=True)
    tables = fields.Integer("Tables", readonly=True)
    rows = BigInteger("Rows", readonly=True)
    files = fields.Integer("Attachments", readonly=True)
    verification = fields.Selection(
        VERIFICATIONS, "Verification", readonly=True, sort=False)
    verified_at = fields.Timestamp("Verified At", readonly=True)
    verification_message = fields.Text("Verification Result",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'verify': {
                    'invisible': Eval('state') != 'done',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def edu_export_domain(cls, company_ids):
        return None

    def get_rec_name(self, name):
        return os.path.basename(self.path or '') or str(self.id)

    @classmethod
    def report_event(cls, description, severity='critical', record=None):
        Event = Pool().get('edu.security.event')
        Event.report('backup', severity, description,
            source='edu_export.backup', record=record)

    @classmethod
    def _key(cls):
        "The key, or raise ValidationError with a translated message"
        BackupError = archive.BackupError()
        if not archive.key_configured():
            raise ValidationError(gettext('edu_export.msg_backup_no_key',
                    variable=archive.lib().KEY_ENV))
        try:
            return archive.load_key()
        except BackupError:
            raise ValidationError(gettext(
                    'edu_export.msg_backup_invalid_key',
                    variable=archive.lib().KEY_ENV))

    @classmethod
    def make_backup(cls):
        """Write an encrypted backup into the configured directory and
        register it; a failure is registered (state failed, translated
        error) and reported as a security event.  Return the record."""
        pool = Pool()
        Configuration = pool.get('edu.backup.configuration')
        AuditEntry = pool.get('edu.audit.entry')
        configuration = Configuration(1)
        now = dt.datetime.now()
        directory = configuration.directory or default_directory()
        database = Transaction().database.name
        name = '%s-%s%s' % (
            'memory' if database == ':memory:' else database,
            now.strftime('%Y%m%dT%H%M%S%f'), SUFFIX)
        path = os.path.join(directory, name)
        values = {'date': now, 'path': path}
        try:
            key = cls._key()
            try:
                os.makedirs(directory, mode=0o700, exist_ok=True)
                manifest = archive.make_archive(path, key)
            except (archive.BackupError(), OSError) as exception:
                raise ValidationError(gettext(
                        'edu_export.msg_backup_failed', error=str(exception)))
        except ValidationError as exception:
            values.update(state='failed', error=exception.message)
            with without_check_access():
                backup, = cls.create([values])
            cls.report_event(exception.message, record=backup)
            logger.error('backup failed: %s', exception.message)
            return backup
        tables = manifest['tables']
        values.update(
            state='done',
            size=os.path.getsize(path),
            sha256=archive.lib().file_sha256(path),
            tables=len(tables),
            rows=sum(t['rows'] for t in tables.values()),
            files=len(manifest['filestore']),
            )
        with without_check_access():
            backup, = cls.create([values])
        AuditEntry.log_action('backup', [backup],
            description=gettext('edu_export.msg_backup_journal',
                file=name))
        return backup

    @classmethod
    def prune(cls):
        """Delete the archives of the successful backups beyond the
        retention count (the records stay, marked deleted); return them"""
        pool = Pool()
        Configuration = pool.get('edu.backup.configuration')
        retention = Configuration(1).retention or 1
        with without_check_access():
            done = cls.search([('state', '=', 'done')],
                order=[('date', 'DESC'), ('id', 'DESC')])
            old = done[retention:]
            for backup in old:
                try:
                    os.remove(backup.path)
                except FileNotFoundError:
                    pass
                except OSError as exception:
                    logger.error('cannot delete %s: %s', backup.path,
                        exception)
                    continue
            if old:
                cls.write(old, {'state': 'pruned'})
        return old

    @classmethod
    def cron_backup(cls):
        "The scheduled task: back up, then apply the retention"
        backup = cls.make_backup()
        if backup.state == 'done':
            cls.prune()
        return backup

    @classmethod
    @ModelView.button
    def verify(cls, backups):
        "Decrypt each archive and check it against its manifest"
        now = dt.datetime.now()
        for backup in backups:
            messages = []
            try:
                key = cls._key()
                if not os.path.isfile(backup.path or ''):
                    raise ValidationError(gettext(
                            'edu_export.msg_backup_file_missing',
                            file=backup.path))
                if (backup.sha256 and archive.lib().file_sha256(
                            backup.path) != backup.sha256):
                    messages.append(gettext(
                            'edu_export.msg_backup_checksum'))
                try:
                    _, differences = archive.verify_archive(
                        backup.path, key)
                except archive.BackupError() as exception:
                    raise ValidationError(gettext(
                            'edu_export.msg_backup_unreadable',
                            error=str(exception)))
                messages.extend(differences)
            except ValidationError as exception:
                messages.append(exception.message)
            if messages:
                result = 'corrupted'
                message = '\n'.join(messages)
                cls.report_event(gettext(
                        'edu_export.msg_backup_corrupted',
                        file=backup.rec_name, error=message),
                    record=backup)
            else:
                result = 'ok'
                message = gettext('edu_export.msg_backup_intact')
            with without_check_access():
                cls.write([backup], {
                        'verification': result,
                        'verified_at': now,
                        'verification_message': message,
                        })


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('edu.backup|cron_backup', "Encrypted Backup"))


class SecurityEvent(metaclass=PoolMeta):
    __name__ = 'edu.security.event'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        if ('backup', "Backup") not in cls.kind.selection:
            cls.kind.selection.append(('backup', "Backup"))

