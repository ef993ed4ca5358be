# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Model mixins shared by the Bilim modules."""
from trytond.i18n import gettext

from .exceptions import AppendOnlyError


class AppendOnlyMixin:
    """Records that the server appends and nobody changes or deletes
    through the application, the administrator included: the journals and
    registers of R5.8, R5.12, R5.13 and R5.20.

    ``_append_only_message`` is the ``module.msg_id`` of the refusal.
    """
    __slots__ = ()
    _append_only_message = None

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise AppendOnlyError(gettext(cls._append_only_message))
