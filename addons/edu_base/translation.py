# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Kazakh for Tryton's own modules (R17).

``locale/override/<lang>.po`` of edu_base translates strings of other modules
(ir, res, company, party ...; source: ``i18n/trytond/``).  Tryton only
updates the existing rows of the overridden module and fails when there is
none, which is the case for every row of Kazakh since no Tryton module ships
it.  The hook below creates the missing target rows first and drops entries
of modules that are not activated.
"""
import os
import tempfile

import polib

from trytond.pool import Pool, PoolMeta

MODULE = 'edu_base'
SOURCE_TYPES = {'report', 'view', 'wizard_button', 'selection'}


def _key(name, res_id, type_, module, src, src_plural):
    if type_ in SOURCE_TYPES:
        return (name, res_id, type_, module, src or None, src_plural or None)
    return (name, res_id, type_, module)


class Translation(metaclass=PoolMeta):
    __name__ = 'ir.translation'

    @classmethod
    def _override_modules(cls):
        """The modules whose locale/override/ translate other modules'
        strings: modules that ship one extend this set"""
        return {MODULE}

    @classmethod
    def translation_import(cls, lang, module, po_path):
        if module not in cls._override_modules():
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

    @classmethod
    def _prepare_override_targets(cls, lang, path):
        """Create the missing rows that the override entries of path update.

        translation_import only updates the existing row of the overridden
        module and fails ("not enough values to unpack") when there is none,
        which is the case for every row of a language that the overridden
        module does not ship.  Entries whose module or record is not
        installed are dropped: return the filtered POFile, or None when
        nothing was dropped.
        """
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        pofile = polib.pofile(path)
        overrides = []
        for entry in pofile:
            if entry.obsolete or not entry.msgctxt:
                continue
            type_, name, res_id = entry.msgctxt.split(':')
            if '.' in res_id:
                target, fs_id = res_id.split('.', 1)
                overrides.append((entry, type_, name, target, fs_id))
        if not overrides:
            return None
        targets = list({o[3] for o in overrides})
        fs2db = {(d.module, d.fs_id): d.db_id
            for d in ModelData.search([('module', 'in', targets)])}
        installed = {m for m, _ in fs2db}
        sources, fuzzy = {}, {}
        for translation in cls.search([
                    ('lang', 'in', ['en', lang]),
                    ('module', 'in', targets),
                    ]):
            key = _key(translation.name, translation.res_id,
                translation.type, translation.module, translation.src,
                translation.src_plural)
            if translation.lang == lang:
                sources[key] = None  # the target row exists
                if translation.fuzzy:
                    fuzzy[key] = translation
            else:
                sources.setdefault(key, translation.src)
        to_create, to_reset, dropped = [], [], []
        for entry, type_, name, target, fs_id in overrides:
            if fs_id:
                res_id = fs2db.get((target, fs_id))
            else:
                res_id = -1 if target in installed else None
            if res_id is None:
                dropped.append(entry)
                continue
            key = _key(name, res_id, type_, target, entry.msgid,
                entry.msgid_plural)
            if key in sources and sources[key] is None:
                if key in fuzzy:
                    # translation_import skips a row whose value does not
                    # change, which would leave it fuzzy (so unused)
                    to_reset.append(fuzzy.pop(key))
                continue
            to_create.append({
                    'name': name,
                    'res_id': res_id,
                    'lang': lang,
                    'type': type_,
                    'src': sources.get(key) or entry.msgid,
                    'src_plural': entry.msgid_plural or None,
                    'value': '',
                    'module': target,
                    })
            sources[key] = None
        if to_reset:
            cls.write(to_reset, {'value': '', 'fuzzy': False})
        if to_create:
            cls.create(to_create)
        if not dropped:
            return None
        for entry in dropped:
            pofile.remove(entry)
        return pofile
