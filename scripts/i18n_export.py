#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Update the translation files of a Bilim ERP Tryton module.

Usage::

    python scripts/i18n_export.py [MODULE] [LANG ...]
    python scripts/i18n_export.py edu_base kk ru
    python scripts/i18n_export.py --check edu_base kk ru

MODULE defaults to ``edu_base`` and LANG to ``kk ru``.  The module must be
installed (``pip install -e .`` registers the ``trytond.modules`` entry
point of every module of ``addons/``).

The script builds a throwaway SQLite database in a temporary directory,
activates the module and then does what ``trytond-admin
--export-translations`` does: run the "Set Translations", "Clean
Translations" and "Synchronize Translations" wizards and call Tryton's own
``ir.translation.translation_export(lang, module)``.  That export is the
template: it lists every string of the module (models, fields, help texts,
selections, views, wizard buttons, menus, actions, messages, groups, roles,
...).  Each ``addons/MODULE/locale/LANG.po`` is then rewritten from the
template, merging the existing translations:

* entries of the template already translated in the file keep their msgstr
  (and translator comments and fuzzy flag);
* an entry whose msgctxt still exists but whose msgid changed keeps its old
  translation, flagged ``fuzzy`` with the previous msgid (``#| msgid``), as
  ``msgmerge`` does; Tryton ignores fuzzy translations, so review them;
* new entries are added with an empty msgstr;
* entries the template no longer produces (obsolete) are dropped.

``addons/MODULE/locale/override/`` is never read nor written.

With ``--check`` nothing is written; the exit status is 1 when a file would
change, or has empty or fuzzy entries.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = os.path.join(ROOT, 'addons')
DEFAULT_MODULE = 'edu_base'
DEFAULT_LANGS = ['kk', 'ru']

_PLACEHOLDER = re.compile(
    r'%(?:\([^)]*\))?[#0\- +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]')


def module_dirs(addons=ADDONS):
    "Return {module name: directory} for every Tryton module of addons/"
    result = {}
    if os.path.isdir(addons):
        for name in sorted(os.listdir(addons)):
            path = os.path.join(addons, name)
            if os.path.isfile(os.path.join(path, 'tryton.cfg')):
                result[name] = path
    return result


def po_path(module, lang, addons=ADDONS):
    return os.path.join(addons, module, 'locale', '%s.po' % lang)


def placeholders(text):
    "Return the sorted list of the %-format placeholders of text"
    return sorted(p for p in _PLACEHOLDER.findall(text or '') if p != '%%')


def entry_key(entry):
    return (entry.msgctxt or '', entry.msgid, entry.msgid_plural or '')


def export_templates(modules, langs):
    """Return {(module, lang): polib.POFile} of Tryton's export.

    It must be called inside a transaction on a database where the modules
    are activated; it modifies the translations of the database (run it on
    a throwaway database only).  The msgstr of the returned files are not
    meaningful: the translations of langs are removed from the database
    first, so that the export depends only on the code and the XML data of
    the modules (and never fails because a translation is overridden by
    another module).
    """
    import polib
    from trytond.pool import Pool

    pool = Pool()
    Lang = pool.get('ir.lang')
    Translation = pool.get('ir.translation')
    TranslationSet = pool.get('ir.translation.set', type='wizard')
    TranslationClean = pool.get('ir.translation.clean', type='wizard')
    TranslationUpdate = pool.get('ir.translation.update', type='wizard')

    languages = []
    for code in langs:
        try:
            language, = Lang.search([('code', '=', code)])
        except ValueError:
            raise SystemExit('Unknown language: %s' % code)
        languages.append(language)
    Lang.write(languages, {'translatable': True})
    Translation.delete(Translation.search([
                ('lang', 'in', list(langs)),
                ('module', '!=', None),
                ]))

    session_id, _, _ = TranslationSet.create()
    TranslationSet.execute(session_id, {}, 'set_')
    TranslationSet.delete(session_id)

    session_id, _, _ = TranslationClean.create()
    TranslationClean.execute(session_id, {}, 'clean')
    TranslationClean.delete(session_id)

    for language in languages:
        session_id, _, _ = TranslationUpdate.create()
        TranslationUpdate.execute(session_id, {
                'start': {
                    'language': language.id,
                    },
                }, 'update')
        TranslationUpdate.delete(session_id)

    templates = {}
    for module in modules:
        for code in langs:
            content = Translation.translation_export(code, module)
            if content:
                pofile = polib.pofile(content.decode('utf-8'), wrapwidth=78)
            else:
                pofile = polib.POFile(wrapwidth=78)
            templates[module, code] = pofile
    return templates


def merge(template, path, lang):
    """Return (POFile, stats): the template filled with the translations of
    the existing file at path (if any)."""
    import polib

    if os.path.exists(path):
        old = polib.pofile(path, wrapwidth=78)
    else:
        old = polib.POFile(wrapwidth=78)
    old_by_key = {}
    old_by_ctxt = {}
    for entry in old:
        if entry.obsolete:
            continue
        old_by_key[entry_key(entry)] = entry
        old_by_ctxt.setdefault(entry.msgctxt or '', []).append(entry)

    result = polib.POFile(wrapwidth=78)
    result.metadata = dict(old.metadata)
    result.metadata['Content-Type'] = 'text/plain; charset=utf-8'
    result.metadata.setdefault('Language', lang)
    stats = dict(kept=0, fuzzy=0, new=0, obsolete=0)
    used = set()
    for tentry in template:
        if tentry.obsolete:
            continue
        flags = [f for f in tentry.flags if f != 'fuzzy']
        entry = polib.POEntry(
            msgctxt=tentry.msgctxt, msgid=tentry.msgid, flags=flags)
        if tentry.msgid_plural:
            entry.msgid_plural = tentry.msgid_plural
            entry.msgstr_plural = {0: ''}
        previous = old_by_key.get(entry_key(tentry))
        if previous is None:
            # msgctxt of field, model, help: the source string changed
            candidates = [e for e in old_by_ctxt.get(tentry.msgctxt or '', [])
                if bool(e.msgid_plural) == bool(tentry.msgid_plural)
                and entry_key(e) not in used]
            if len(candidates) == 1 and (
                    candidates[0].msgstr
                    or any(candidates[0].msgstr_plural.values())):
                previous = candidates[0]
                entry.previous_msgid = previous.msgid
                entry.flags.append('fuzzy')
                stats['fuzzy'] += 1
            else:
                stats['new'] += 1
        else:
            if 'fuzzy' in previous.flags:
                entry.flags.append('fuzzy')
                entry.previous_msgid = previous.previous_msgid
                stats['fuzzy'] += 1
            else:
                stats['kept'] += 1
        if previous is not None:
            used.add(entry_key(previous))
            entry.tcomment = previous.tcomment
            if tentry.msgid_plural:
                entry.msgstr_plural = dict(previous.msgstr_plural) or {0: ''}
            else:
                entry.msgstr = previous.msgstr
        result.append(entry)
    stats['obsolete'] = len(set(old_by_key) - used)
    result.sort(key=lambda e: (e.msgctxt or '', e.msgid))
    return result, stats


def untranslated(pofile):
    "Return the entries with an empty msgstr or flagged fuzzy"
    result = []
    for entry in pofile:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            empty = not all(entry.msgstr_plural.values()) \
                or not entry.msgstr_plural
        else:
            empty = not entry.msgstr
        if empty or 'fuzzy' in entry.flags:
            result.append(entry)
    return result


def _setup_environment(tmpdir):
    os.environ['TRYTOND_DATABASE__URI'] = 'sqlite://'
    os.environ['TRYTOND_DATABASE__PATH'] = tmpdir
    os.environ['DB_NAME'] = 'i18n_export'
    # A cached database could be older than the code
    os.environ.pop('DB_CACHE', None)
    if 'trytond.config' in sys.modules:
        raise RuntimeError('trytond must not be imported before the set-up')


def build(modules, langs):
    "Return the templates of the modules in a throwaway database"
    from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
    from trytond.transaction import Transaction

    activate_module(list(modules))
    try:
        with Transaction().start(DB_NAME, 0) as transaction:
            try:
                return export_templates(modules, langs)
            finally:
                transaction.rollback()
    finally:
        drop_db()


def main(argv=None):
    parser = argparse.ArgumentParser(
        description='Export the translation template of a Tryton module of '
        'addons/ and merge it into its locale/LANG.po files.')
    parser.add_argument('module', nargs='?', default=DEFAULT_MODULE,
        help='module of addons/ (default: %(default)s)')
    parser.add_argument('langs', nargs='*', metavar='lang',
        help='language codes (default: %s)' % ' '.join(DEFAULT_LANGS))
    parser.add_argument('--check', action='store_true',
        help='do not write; exit 1 if a file is not up to date')
    options = parser.parse_args(argv)
    langs = options.langs or DEFAULT_LANGS

    modules = module_dirs()
    if options.module not in modules:
        parser.error('%s is not a Tryton module of %s' % (
                options.module, ADDONS))

    tmpdir = tempfile.mkdtemp(prefix='bilim-i18n-')
    try:
        _setup_environment(tmpdir)
        templates = build([options.module], langs)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)

    status = 0
    for lang in langs:
        path = po_path(options.module, lang)
        pofile, stats = merge(templates[options.module, lang], path, lang)
        content = str(pofile)
        try:
            with open(path, encoding='utf-8') as fp:
                current = fp.read()
        except FileNotFoundError:
            current = None
        todo = untranslated(pofile)
        changed = content != current
        print('%s: %d entries (%d kept, %d fuzzy, %d new, '
            '%d obsolete dropped), %d to translate%s' % (
                os.path.relpath(path, ROOT), len(pofile), stats['kept'],
                stats['fuzzy'], stats['new'], stats['obsolete'], len(todo),
                ', would change' if options.check and changed else ''))
        if options.check:
            if changed or todo:
                status = 1
        elif changed:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w', encoding='utf-8') as fp:
                fp.write(content)
    return status


if __name__ == '__main__':
    sys.exit(main())
