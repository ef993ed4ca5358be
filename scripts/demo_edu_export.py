# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the open export and the backups (R13, R3).

The system administrator of the demo school asks for the open export of
the school with the wizard's method (run as that user, so that the record
rules and the journal are the real ones): the administrator finds it in
Bilim / Configuration / Export and Backup / Organisation Exports with its
zip, and the auditor finds the export in the audit journal.  The backup
configuration is set (directory ``build/backups`` next to the databases,
seven backups kept, every day at 02:00); the backups themselves are made
by trytond-cron with the key of the server's environment
(``BILIM_BACKUP_KEY``), never stored in the database.  Called by
scripts/create_db.py with the summary of scripts/demo_data.load().
"""
import os

from trytond.pool import Pool
from trytond.transaction import Transaction


def load(summary):
    pool = Pool()
    User = pool.get('res.user')
    Company = pool.get('company.company')
    Export = pool.get('edu.export')
    Configuration = pool.get('edu.backup.configuration')

    directory = os.path.abspath(os.path.join(
            os.environ.get('TRYTOND_DATABASE__PATH', 'build/db'), 'backups'))
    # the first save of a singleton locks its table: in a transaction of
    # its own that asks for the lock, committed before the rest
    with Transaction().new_transaction(
            _lock_tables=[Configuration._table]) as transaction:
        configuration = Configuration(1)
        configuration.directory = directory
        configuration.retention = 7
        configuration.interval_number = 1
        configuration.interval_type = 'days'
        configuration.hour = 2
        configuration.save()
        transaction.commit()

    sysadmin, = User.search([('login', '=', 'sysadmin')])
    school = Company(summary['companies']['school']['id'])
    transaction = Transaction()
    with transaction.set_user(sysadmin.id), transaction.set_context(
            company=school.id, _check_access=True):
        export = Export.request(school)
    export = Export(export.id)
    # with the learning modules' journal the school is above the
    # [edu_export] queue_rows threshold: its export waits for the worker
    return {
        'export': export.file_name or export.state,
        'export_rows': export.rows,
        'export_objects': export.objects,
        'backup_directory': directory,
        }
