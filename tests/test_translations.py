# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Kazakh and Russian translations of every module of addons/ are
complete and in step with the code.

The template of each module is Tryton's own translation export, produced
by ``scripts/i18n_export.py`` on one test database where all the modules
are activated (restored from ``DB_CACHE`` when it is set).  When a test
fails because a string was added, changed or removed, run::

    python scripts/i18n_export.py MODULE kk ru

and translate the entries it leaves empty or fuzzy.
"""
import importlib.util
import os
import re

import polib
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load_i18n_export():
    path = os.path.join(ROOT, 'scripts', 'i18n_export.py')
    spec = importlib.util.spec_from_file_location('bilim_i18n_export', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


i18n = _load_i18n_export()

LANGS = ['kk', 'ru']
MODULES = i18n.module_dirs()
KAZAKH_LETTERS = re.compile('[әғқңөұүһіӘҒҚҢӨҰҮҺІ]')
CASES = [(m, l) for m in MODULES for l in LANGS]
IDS = ['%s-%s' % c for c in CASES]
HINT = ('run "python scripts/i18n_export.py %s %s" and translate the '
    'empty and fuzzy entries')


def _describe(entries, limit=20):
    lines = ['%s %r' % (e.msgctxt, e.msgid) for e in entries[:limit]]
    if len(entries) > limit:
        lines.append('... and %d more' % (len(entries) - limit))
    return '\n'.join(lines)


def _keys(pofile):
    return {i18n.entry_key(e): e for e in pofile if not e.obsolete}


@pytest.fixture(scope='module')
def templates():
    "Tryton's translation export of every module, from one database"
    from trytond.modules import get_modules
    from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
    from trytond.transaction import Transaction

    missing = set(MODULES) - get_modules()
    if missing:
        pytest.fail('Modules of addons/ not installed (pip install -e .): '
            + ', '.join(sorted(missing)))
    drop_db()
    try:
        activate_module(list(MODULES))
        with Transaction().start(DB_NAME, 0) as transaction:
            try:
                return i18n.export_templates(list(MODULES), LANGS)
            finally:
                transaction.rollback()
    finally:
        drop_db()


@pytest.fixture(scope='module')
def po_files():
    result = {}
    for module, lang in CASES:
        path = i18n.po_path(module, lang)
        if os.path.exists(path):
            result[module, lang] = polib.pofile(path)
    return result


def test_modules_found():
    assert 'edu_base' in MODULES


@pytest.mark.parametrize('module,lang', CASES, ids=IDS)
def test_po_file_exists(module, lang, po_files):
    assert (module, lang) in po_files, (
        '%s is missing; ' % os.path.relpath(i18n.po_path(module, lang), ROOT)
        + HINT % (module, lang))


@pytest.mark.parametrize('module,lang', CASES, ids=IDS)
def test_no_untranslated_entry(module, lang, po_files):
    pofile = po_files.get((module, lang))
    if pofile is None:
        pytest.skip('no file')
    todo = i18n.untranslated(pofile)
    assert not todo, (
        'Empty or fuzzy entries in %s/%s.po:\n%s\n' % (
            module, lang, _describe(todo)) + HINT % (module, lang))


@pytest.mark.parametrize('module,lang', CASES, ids=IDS)
def test_every_exported_entry_present(module, lang, po_files, templates):
    pofile = po_files.get((module, lang))
    if pofile is None:
        pytest.skip('no file')
    template = _keys(templates[module, lang])
    assert template, 'the export of %s is empty' % module
    missing = [e for k, e in sorted(template.items())
        if k not in _keys(pofile)]
    assert not missing, (
        'Entries of the export missing from %s/%s.po:\n%s\n' % (
            module, lang, _describe(missing)) + HINT % (module, lang))


@pytest.mark.parametrize('module,lang', CASES, ids=IDS)
def test_no_obsolete_entry(module, lang, po_files, templates):
    pofile = po_files.get((module, lang))
    if pofile is None:
        pytest.skip('no file')
    template = _keys(templates[module, lang])
    obsolete = [e for k, e in sorted(_keys(pofile).items())
        if k not in template]
    assert not obsolete, (
        'Entries of %s/%s.po the module no longer has:\n%s\n' % (
            module, lang, _describe(obsolete)) + HINT % (module, lang))


@pytest.mark.parametrize('module,lang', CASES, ids=IDS)
def test_placeholders_and_newlines(module, lang, po_files):
    pofile = po_files.get((module, lang))
    if pofile is None:
        pytest.skip('no file')
    errors = []
    for entry in pofile:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            pairs = [(entry.msgid if i == 0 else entry.msgid_plural, s)
                for i, s in sorted(entry.msgstr_plural.items())]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for msgid, msgstr in pairs:
            if not msgstr:
                continue
            if i18n.placeholders(msgid) != i18n.placeholders(msgstr):
                errors.append('%s: placeholders %s != %s' % (
                        entry.msgctxt, i18n.placeholders(msgid),
                        i18n.placeholders(msgstr)))
            for test, where in [(str.startswith, 'start'),
                    (str.endswith, 'end')]:
                if test(msgid, '\n') != test(msgstr, '\n'):
                    errors.append('%s: msgid and msgstr must both %s with '
                        'a newline or not' % (entry.msgctxt, where))
    assert not errors, '\n'.join(errors)


@pytest.mark.parametrize('module', list(MODULES))
def test_kazakh_is_kazakh(module, po_files):
    pofile = po_files.get((module, 'kk'))
    if pofile is None:
        pytest.skip('no file')
    kazakh = [e for e in pofile if KAZAKH_LETTERS.search(e.msgstr or '')
        or any(KAZAKH_LETTERS.search(s or '')
            for s in e.msgstr_plural.values())]
    assert kazakh, ('No msgstr of %s/kk.po contains a Kazakh letter '
        '(ә ғ қ ң ө ұ ү һ і): is it Kazakh?' % module)
