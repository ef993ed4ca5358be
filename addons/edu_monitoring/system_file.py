# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Protection of the system files (R5.17).

The manifest records the SHA-256 digest of every file of the installed code
(the Bilim modules, the Tryton server package) and of the configuration
file.  The system administrator builds it after an installation or an
upgrade (button of the configuration or ``scripts/system_files.py build``);
a scheduled task and ``scripts/system_files.py verify`` compare the files
with it: any file added, removed or changed is reported as a critical
security event (kind 'system_files') naming the files.  The file
permissions that keep unauthorised users and processes from changing the
files are in docs/monitoring.md.
"""
import datetime as dt
import logging

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from . import manifest

logger = logging.getLogger(__name__)
#: the paths named in one security event; the others are counted
MAX_NAMED = 50


class SystemFile(ModelSQL, ModelView):
    "System File"
    __name__ = 'edu.monitoring.file'
    __string__ = "System File"
    _rec_name = 'path'

    path = fields.Char("Path", readonly=True, required=True)
    digest = fields.Char("SHA-256", readonly=True, size=64)
    size = fields.Integer("Size", readonly=True)
    kind = fields.Selection([
            ('code', "Code"),
            ('config', "Configuration"),
            ], "Kind", readonly=True)
    date = fields.Timestamp("Recorded", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('path', 'ASC'), ('id', 'ASC')]
        cls._sql_indexes.add(Index(t, (t.path, Index.Equality())))

    @classmethod
    def reference(cls):
        "Return the manifest stored in the database"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.path, table.digest, table.size, table.kind))
        return {p: (d, s, k) for p, d, s, k in cursor}

    @classmethod
    def build(cls, roots=None):
        """Replace the manifest by the digests of the files under roots
        (those of the configuration by default); return the number of
        files"""
        pool = Pool()
        Configuration = pool.get('edu.monitoring.configuration')
        Event = pool.get('edu.security.event')
        if roots is None:
            roots = Configuration(1).get_file_roots()
        files = manifest.scan(roots)
        now = dt.datetime.now()
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        with without_check_access():
            cursor.execute(*table.delete())
            cls.create([{
                        'path': p, 'digest': d, 'size': s, 'kind': k,
                        'date': now,
                        } for p, (d, s, k) in sorted(files.items())])
        Event.report('system_files', 'info',
            gettext('edu_monitoring.msg_manifest_built',
                count=len(files), roots=', '.join(roots)),
            source='edu_monitoring', user=Transaction().user or None)
        return len(files)

    @classmethod
    def verify(cls, roots=None):
        """Compare the files under roots with the manifest; report a
        critical security event naming the files added, removed or changed
        and return the lists (added, removed, changed)"""
        pool = Pool()
        Configuration = pool.get('edu.monitoring.configuration')
        if roots is None:
            roots = Configuration(1).get_file_roots()
        reference = cls.reference()
        if not reference:
            logger.warning('no manifest of the system files: build it')
            return [], [], []
        current = manifest.scan(roots)
        added, removed, changed = manifest.compare(reference, current)
        cls.report_changes(added, removed, changed)
        return added, removed, changed

    @classmethod
    def report_changes(cls, added, removed, changed):
        "Report the changes as one critical security event"
        Event = Pool().get('edu.security.event')
        if not (added or removed or changed):
            return None
        lines = []
        for label, paths in [
                (gettext('edu_monitoring.msg_files_added'), added),
                (gettext('edu_monitoring.msg_files_removed'), removed),
                (gettext('edu_monitoring.msg_files_changed'), changed)]:
            if not paths:
                continue
            lines.append(f'{label} ({len(paths)}):')
            lines.extend(f'  {p}' for p in paths[:MAX_NAMED])
            if len(paths) > MAX_NAMED:
                lines.append(f'  ... +{len(paths) - MAX_NAMED}')
        description = '\n'.join([gettext(
                    'edu_monitoring.msg_files_modified',
                    count=len(added) + len(removed) + len(changed))]
            + lines)
        logger.warning(description)
        return Event.report('system_files', 'critical', description,
            source='edu_monitoring')

    @classmethod
    def cron_verify(cls):
        "Verify the system files against the manifest (ir.cron)"
        cls.verify()
