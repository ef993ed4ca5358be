# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Kazakh and Russian translations of the sao web client (R17) are
complete, in step with sao and installed.

sao's own strings ("Filters", "Search", "Action", "Preferences...", its
dialogs) are translated by ``i18n/sao/<lang>.po`` of this repository, which
``scripts/i18n_sao.py`` converts into ``build/sao/locale/<lang>.json`` when
``scripts/setup.sh --sao`` installs sao (``make test`` does).  The template
is sao's own ``build/sao/locale/messages.pot``.  When sao is upgraded and a
test fails here, translate the msgids reported in every ``i18n/sao/*.po``
and run ``python scripts/i18n_sao.py build/sao``.
"""
import collections
import importlib.util
import json
import os
import re

import polib
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAO_DIR = os.path.join(ROOT, 'build', 'sao')
POT = os.path.join(SAO_DIR, 'locale', 'messages.pot')
PO_DIR = os.path.join(ROOT, 'i18n', 'sao')
# the number of plural forms of each language (its Plural-Forms header)
NPLURALS = {'kk': 2, 'ru': 3}
LANGS = sorted(NPLURALS)
# sao's placeholders: %1 (Sao.common.format), %s, %d and {name}
PLACEHOLDER = re.compile(r'%\d+|%[sd]|\{[^{}]*\}')
SETUP_HINT = ('the sao web client is installed by "./scripts/setup.sh --sao" '
    '(make test runs it)')


def _load_i18n_sao():
    path = os.path.join(ROOT, 'scripts', 'i18n_sao.py')
    spec = importlib.util.spec_from_file_location('bilim_i18n_sao', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


i18n_sao = _load_i18n_sao()


def _key(entry):
    "The key of an entry in sao's JSON: msgctxt EOT msgid"
    if entry.msgctxt is not None:
        return entry.msgctxt + '\x04' + entry.msgid
    return entry.msgid


def _describe(items, limit=20):
    items = sorted(items)
    lines = [repr(i) for i in items[:limit]]
    if len(items) > limit:
        lines.append('... and %d more' % (len(items) - limit))
    return '\n'.join(lines)


@pytest.fixture(scope='module')
def template():
    "{key: entry} of sao's messages.pot"
    if not os.path.isfile(POT):
        pytest.fail(f'{POT} is missing: {SETUP_HINT}', pytrace=False)
    return {_key(e): e for e in polib.pofile(POT)
        if not e.obsolete and e.msgid}


def _po_path(lang):
    return os.path.join(PO_DIR, f'{lang}.po')


@pytest.fixture(scope='module', params=LANGS)
def po(request):
    "(lang, polib file) of i18n/sao/<lang>.po"
    path = _po_path(request.param)
    if not os.path.isfile(path):
        pytest.fail(f'{path} is missing', pytrace=False)
    return request.param, polib.pofile(path)


def _entries(pofile):
    return {_key(e): e for e in pofile if not e.obsolete}


def _strings(entry):
    "The msgstr of an entry, every plural form for a plural one"
    if entry.msgid_plural:
        return [entry.msgstr_plural[i]
            for i in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def test_sao_po_covers_template(template, po):
    "Every msgid of sao's messages.pot is in i18n/sao/<lang>.po"
    lang, pofile = po
    missing = set(template) - set(_entries(pofile))
    assert not missing, (f'i18n/sao/{lang}.po lacks {len(missing)} msgids '
        f'of {POT}; translate them:\n' + _describe(missing))
    for key, entry in _entries(pofile).items():
        if key in template:
            assert entry.msgid_plural == template[key].msgid_plural, (
                lang, key, entry.msgid_plural)


def test_sao_po_header(po):
    lang, pofile = po
    assert pofile.metadata.get('Language') == lang, pofile.metadata
    assert 'charset=utf-8' in pofile.metadata.get('Content-Type', '').lower()
    plural_forms = pofile.metadata.get('Plural-Forms', '')
    assert i18n_sao._nplurals(plural_forms) == NPLURALS[lang], plural_forms


def test_sao_po_translated(po):
    "No empty or fuzzy entry"
    lang, pofile = po
    fuzzy = [_key(e) for e in pofile
        if not e.obsolete and 'fuzzy' in e.flags]
    assert not fuzzy, (f'fuzzy entries in i18n/sao/{lang}.po:\n'
        + _describe(fuzzy))
    empty = [k for k, e in _entries(pofile).items()
        if not all(_strings(e))]
    assert not empty, (f'untranslated entries in i18n/sao/{lang}.po:\n'
        + _describe(empty))


def test_sao_po_placeholders(po):
    "%1, %s and {name} are the same in the msgid and its msgstr"
    lang, pofile = po
    wrong = []
    for key, entry in _entries(pofile).items():
        expected = collections.Counter(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural:
            assert expected == collections.Counter(
                PLACEHOLDER.findall(entry.msgid_plural)), key
        for text in _strings(entry):
            found = collections.Counter(PLACEHOLDER.findall(text))
            if found != expected:
                wrong.append('%r -> %r' % (entry.msgid, text))
    assert not wrong, (f'placeholders differ in i18n/sao/{lang}.po:\n'
        + '\n'.join(wrong))


def test_sao_po_plural_forms(po):
    "Each plural entry has the language's number of plural forms"
    lang, pofile = po
    plurals = [e for e in _entries(pofile).values() if e.msgid_plural]
    assert plurals, f'i18n/sao/{lang}.po has no plural entry'
    for entry in plurals:
        assert sorted(entry.msgstr_plural) == list(range(NPLURALS[lang])), (
            lang, entry.msgid, entry.msgstr_plural)


def test_sao_json_installed(template, po):
    """build/sao/locale/<lang>.json is what scripts/i18n_sao.py makes of
    i18n/sao/<lang>.po"""
    lang, _ = po
    path = os.path.join(SAO_DIR, 'locale', f'{lang}.json')
    hint = f'run "python scripts/i18n_sao.py build/sao" ({SETUP_HINT})'
    if not os.path.isfile(path):
        pytest.fail(f'{path} is missing: {hint}', pytrace=False)
    expected, problems = i18n_sao.po_to_json(_po_path(lang))
    assert not problems, problems
    expected[''].setdefault('language', lang)
    with open(path, encoding='utf-8') as fp:
        installed = json.load(fp)
    assert installed == expected, f'{path} is out of date: {hint}'
    # what sao reads: every msgid of the template, translated
    missing = set(template) - set(installed)
    assert not missing, _describe(missing)
    header = installed['']
    assert header['language'] == lang, header
    assert i18n_sao._nplurals(header['plural-forms']) == NPLURALS[lang]
    for key, value in installed.items():
        if not key:
            continue
        assert all(value[1:]), (key, value)
        if value[0] is None:
            assert len(value) == 2, (key, value)
        else:
            assert len(value) == 1 + NPLURALS[lang], (key, value)
