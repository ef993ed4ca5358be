# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Single sign-on events in the security register (R5.20, R9)."""
from trytond.pool import PoolMeta


class SecurityEvent(metaclass=PoolMeta):
    __name__ = 'edu.security.event'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = cls.kind.selection
        if 'sso' not in dict(selection):
            # before 'other', which stays last
            selection.insert(len(selection) - 1, ('sso', "Single sign-on"))
