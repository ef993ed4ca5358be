# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Record rules of the document management see the current user
(``user_id``): a user who is not clerk or management sees the documents it
is party to (author, executor, a step, a resolution)."""
from trytond.pool import PoolMeta
from trytond.transaction import Transaction


def _edms(model_names):
    return any(m.startswith('edu.edms.') for m in model_names)


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        if _edms(model_names):
            key = (*key, Transaction().user)
        return key

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        if model_name.startswith('edu.edms.'):
            context['user_id'] = Transaction().user
        return context
