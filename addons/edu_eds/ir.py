# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The record rules of the signatures see the current user (``user_id``):
a user who is not management, clerk or auditor reads only the signatures
it made."""
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

__all__ = ['Rule']


def _eds(model_names):
    return any(m.startswith('edu.eds.') for m in model_names)


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        if _eds(model_names):
            key = (*key, Transaction().user)
        return key

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        if model_name.startswith('edu.eds.'):
            context['user_id'] = Transaction().user
        return context
