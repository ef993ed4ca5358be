# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta


class Translation(metaclass=PoolMeta):
    "locale/override/ of edu_account translates Tryton's account card (R17)"
    __name__ = 'ir.translation'

    @classmethod
    def _override_modules(cls):
        return super()._override_modules() | {'edu_account'}
