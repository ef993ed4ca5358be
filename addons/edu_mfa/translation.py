# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Kazakh and Russian for Tryton's ``authentication_sms`` (R17).

``locale/override/<lang>.po`` of edu_mfa translates the strings that
``authentication_sms`` adds (the *Mobile* of the user form, ...), which
ships no Kazakh.  edu_base's import hook, which creates the rows the
override updates, also serves edu_mfa.
"""
from trytond.pool import PoolMeta


class Translation(metaclass=PoolMeta):
    __name__ = 'ir.translation'

    @classmethod
    def _override_modules(cls):
        return super()._override_modules() | {'edu_mfa'}
