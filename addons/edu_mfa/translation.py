# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Kazakh and Russian for Tryton's ``authentication_sms`` (R17).

``locale/override/<lang>.po`` of edu_mfa translates the strings that
``authentication_sms`` adds (the *Mobile* of the user form, ...), which
ships no Kazakh.  As for edu_base's override of the core modules, the rows
that the override updates are created first, by edu_base's
``_prepare_override_targets``.
"""
import os
import tempfile

from trytond.pool import PoolMeta

MODULE = 'edu_mfa'


class Translation(metaclass=PoolMeta):
    __name__ = 'ir.translation'

    @classmethod
    def translation_import(cls, lang, module, po_path):
        if module != MODULE:
            return super().translation_import(lang, module, po_path)
        if isinstance(po_path, str):
            po_path = [po_path]
        paths, tmp_paths = [], []
        try:
            for path in po_path:
                pofile = cls._prepare_override_targets(lang, path)
                if pofile is None:
                    paths.append(path)
                else:
                    fd, tmp_path = tempfile.mkstemp(suffix='.po')
                    os.close(fd)
                    pofile.save(tmp_path)
                    tmp_paths.append(tmp_path)
                    paths.append(tmp_path)
            return super().translation_import(lang, module, paths)
        finally:
            for tmp_path in tmp_paths:
                os.remove(tmp_path)
