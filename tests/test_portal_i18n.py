# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The portal's front end (addons/edu_portal/static) without a browser
(R17, R27.19, R5.2, R5.6, R4).

- R17: static/i18n/kk.json and ru.json have the same keys, no empty value,
  the same {placeholders}; Kazakh in Kazakh Cyrillic; every key that app.js
  (``t('key')``) or index.html (``data-i18n="key"``) uses exists, and every
  key is used;
- R5.6, R5.2: the shell loads nothing from another site (no CDN), no inline
  script or style (the server's Content-Security-Policy forbids them), and
  every URL is relative so that the files work under any ``/<db>/portal/``;
- R27.19: the web app manifest (name, standalone, relative start_url and
  scope, PNG icons of 192 and 512 px) and the service worker (it precaches
  files that exist, keeps only the GET answers of the timetable, diary,
  results, me and periods, never a POST/PUT).
"""
import json
import os
import re
import struct

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATIC = os.path.join(ROOT, 'addons', 'edu_portal', 'static')
LANGS = ('kk', 'ru')
# values that are the same in every language and carry no Cyrillic
NEUTRAL = {'app_name', 'cell_label', 'score_label', 'format_day_month',
    'format_datetime'}
KAZAKH_LETTERS = set('әғқңөұүһіӘҒҚҢӨҰҮҺІ')
PLACEHOLDER = re.compile(r'\{(\w+)\}')


def read(*path):
    with open(os.path.join(STATIC, *path), encoding='utf-8') as fp:
        return fp.read()


def dictionary(lang):
    return json.loads(read('i18n', f'{lang}.json'))


def used_keys():
    "The keys of t('key') in app.js and data-i18n in index.html"
    script = read('app.js')
    keys = set(re.findall(r"\bt\('([A-Za-z0-9_]+)'", script))
    keys |= set(re.findall(r'data-i18n="([A-Za-z0-9_]+)"', read('index.html')))
    return keys


def test_same_keys_no_empty_values():
    kk, ru = dictionary('kk'), dictionary('ru')
    assert set(kk) == set(ru), set(kk) ^ set(ru)
    assert len(kk) > 100
    for lang, values in (('kk', kk), ('ru', ru)):
        for key, value in values.items():
            assert isinstance(value, str), (lang, key)
            assert value.strip(), f'{lang}.json: {key} is empty'


def test_same_placeholders():
    kk, ru = dictionary('kk'), dictionary('ru')
    for key in kk:
        assert set(PLACEHOLDER.findall(kk[key])) == set(
            PLACEHOLDER.findall(ru[key])), key


def test_kazakh_in_kazakh_cyrillic():
    kk, ru = dictionary('kk'), dictionary('ru')
    for key, value in kk.items():
        letters = [c for c in PLACEHOLDER.sub('', value) if c.isalpha()]
        if key in NEUTRAL or not letters:
            continue
        latin = [c for c in letters if c.isascii()]
        # Latin only in the keys of the keyboard legend (n, s, l, e),
        # "Bilim", "JavaScript", "Delete", "Tab", "Enter"
        assert len(latin) < len(letters), f'kk.json: {key} = {value!r}'
    # Kazakh, not Russian: the Kazakh letters are everywhere, most texts
    # differ from the Russian ones
    with_kazakh = [k for k, v in kk.items() if KAZAKH_LETTERS & set(v)]
    assert len(with_kazakh) > len(kk) / 3, len(with_kazakh)
    same = [k for k in kk if kk[k] == ru[k] and k not in NEUTRAL]
    assert len(same) < len(kk) / 8, same


def test_every_used_key_exists_and_every_key_is_used():
    used = used_keys()
    assert {'nav_journal', 'nav_diary', 'offline_data_from',
        'login_totp'} <= used
    for lang in LANGS:
        values = dictionary(lang)
        missing = used - set(values)
        assert not missing, f'{lang}.json lacks {sorted(missing)}'
        unused = set(values) - used
        assert not unused, f'{lang}.json: keys never used {sorted(unused)}'


def test_no_dynamic_translation_keys():
    "t() is always called with a literal key, so that the test above sees it"
    script = read('app.js')
    calls = re.findall(r'\bt\(([^)\s][^,)]*)', script)
    dynamic = [c for c in calls if not re.fullmatch(r"'[A-Za-z0-9_]+'", c)
        and c != 'el.dataset.i18n' and c != 'key']
    assert not dynamic, dynamic


def test_shell_is_self_contained():
    html = read('index.html')
    assert re.search(r'<html lang="(kk|ru)">', html)
    assert '<main' in html and '<nav' in html and '<header' in html
    assert '<footer' in html
    # no inline script or style: the Content-Security-Policy forbids them
    assert not re.search(r'<script(?![^>]*\bsrc=)[^>]*>', html)
    assert '<style' not in html and ' style=' not in html
    assert not re.search(r'\son[a-z]+=', html)
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references
    for url in references:
        assert not re.match(r'(https?:)?//', url), url
        if url.startswith('#'):
            continue
        assert not url.startswith('/'), f'absolute URL {url}'
        if url.startswith('static/'):
            assert os.path.isfile(os.path.join(STATIC, url[7:])), url
    script = read('app.js')
    assert not re.search(r'''(['"`])(https?:)?//(?!meet)''', script.replace(
                'https?:', '')), 'app.js loads from another site'
    assert not re.search(r"\bstyle:", script), 'inline style in app.js'
    assert 'innerHTML' not in script
    css = read('app.css')
    assert '@import' not in css and 'url(http' not in css


def png_size(path):
    with open(path, 'rb') as fp:
        head = fp.read(24)
    assert head[:8] == b'\x89PNG\r\n\x1a\n', path
    return struct.unpack('>II', head[16:24])


def test_manifest():
    manifest = json.loads(read('manifest.webmanifest'))
    assert manifest['name'] == 'Bilim'
    assert manifest['short_name'] == 'Bilim'
    assert manifest['display'] == 'standalone'
    # relative to /<db>/portal/manifest.webmanifest: the portal's root
    assert manifest['start_url'] == './'
    assert manifest['scope'] == './'
    sizes = {}
    for icon in manifest['icons']:
        assert not icon['src'].startswith('/'), icon
        path = os.path.join(STATIC, icon['src'].replace('static/', '', 1))
        assert os.path.isfile(path), icon
        if icon['type'] == 'image/png':
            width, height = png_size(path)
            assert icon['sizes'] == f'{width}x{height}', icon
            sizes[width] = icon
    assert {192, 512} <= set(sizes)


def test_service_worker():
    sw = read('sw.js')
    shell = re.search(r'const SHELL = \[(.*?)\]', sw, re.S).group(1)
    files = re.findall(r"'([^']*)'", shell)
    assert '' in files and 'static/app.js' in files
    for name in files:
        if name.startswith('static/'):
            assert os.path.isfile(os.path.join(STATIC, name[7:])), name
        elif name:
            assert os.path.isfile(os.path.join(STATIC, name)), name
    readable = re.search(r'OFFLINE_READABLE = /(.*)/;', sw).group(1)
    pattern = re.compile(readable)
    for endpoint in ('timetable', 'diary', 'results', 'me', 'periods'):
        assert pattern.match(endpoint), endpoint
    for endpoint in ('journal', 'messages', 'homework/inbox', 'session',
            'me/language', 'announcements'):
        assert not pattern.match(endpoint), endpoint
    # only GET is ever answered from the cache
    assert "request.method !== 'GET'" in sw
    assert 'X-Bilim-Cached-At' in sw


@pytest.mark.parametrize('lang', LANGS)
def test_attendance_keys_match_the_keyboard(lang):
    """The journal shows the letters typed for an absence (н/n, с/s, к/l,
    у/e), so the legend and the cells agree"""
    values = dictionary(lang)
    script = read('app.js')
    for key, value in [('att_short_absent', 'absent'),
            ('att_short_sick', 'sick'), ('att_short_late', 'late'),
            ('att_short_absent_excused', 'absent_excused')]:
        letter = values[key]
        assert f"'{letter}': '{value}'" in script, (key, letter)
        assert letter in values['journal_legend'], key
