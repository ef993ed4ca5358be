# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('edu.monitoring.sample|cron_sample',
                    "Take a Monitoring Sample"),
                ('edu.monitoring.sample|cron_purge',
                    "Purge Old Monitoring Samples"),
                ('edu.monitoring.file|cron_verify', "Verify System Files"),
                ('edu.monitoring.system_log|cron_read_log',
                    "Read the System Log"),
                ])
