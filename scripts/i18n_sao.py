#!/usr/bin/env python3
"""Install the Bilim ERP translations of the sao web client.

Usage: python scripts/i18n_sao.py SAO_DIR

Converts every ``i18n/sao/<lang>.po`` of this repository (currently
``kk.po``, Kazakh, and ``ru.po``, Russian) into the JSON format that sao
loads at runtime and writes it to ``SAO_DIR/locale/<lang>.json``, over the
file sao ships for that language if any (sao 8.0.11's ``ru.json`` is empty).

The output mirrors what sao's own build (grunt-po2json, format "raw")
produces, e.g. ``locale/de.json``::

    {"": {"content-type": ..., "language": ..., "plural-forms": ...},
     "msgid": [null, "msgstr"],
     "msgid": ["msgid_plural", "msgstr[0]", "msgstr[1]"],
     ...}

A plural entry has as many msgstr as the language's ``Plural-Forms``
(three for ru).  The header is kept with its ``plural-forms``: sao falls
back to ``nplurals=2; plural=(n!=1);`` only when the JSON has none, as in
its own shipped files.

Fuzzy and obsolete entries are left out, as po2json does.  The script uses
only the standard library, and it is idempotent: the file is rewritten only
when its content changes.  If ``SAO_DIR/locale/messages.pot`` exists, msgids
missing from the translation are reported on stderr.
"""

import ast
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PO_DIR = os.path.join(ROOT, 'i18n', 'sao')


class POError(ValueError):
    pass


def _unquote(token, path, lineno):
    "Decode a C-style quoted PO string"
    token = token.strip()
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise POError('%s:%d: expected a quoted string' % (path, lineno))
    try:
        # PO strings use C escapes that are a subset of Python's
        return ast.literal_eval(token)
    except (SyntaxError, ValueError) as exc:
        raise POError('%s:%d: bad string: %s' % (path, lineno, exc))


def parse_po(path):
    """Return the list of entries of the PO file.

    Each entry is a dict with the keys msgctxt, msgid, msgid_plural,
    msgstr (dict index -> text, index 0 for singular), flags and obsolete.
    """
    entries = []
    entry = None
    key = None

    def new_entry():
        return {
            'msgctxt': None, 'msgid': None, 'msgid_plural': None,
            'msgstr': {}, 'flags': set(), 'obsolete': False,
            }

    def flush():
        nonlocal entry, key
        if entry is not None and entry['msgid'] is not None:
            entries.append(entry)
        entry = None
        key = None

    with open(path, encoding='utf-8') as fp:
        for lineno, line in enumerate(fp, 1):
            line = line.rstrip('\n').rstrip('\r')
            obsolete = False
            if line.startswith('#~|'):
                continue
            if line.startswith('#~'):
                obsolete = True
                line = line[2:].strip()
                if not line:
                    continue
            stripped = line.strip()
            if not stripped:
                flush()
                continue
            if stripped.startswith('#'):
                if entry is not None and entry['msgid'] is not None:
                    # a comment starts the next entry
                    flush()
                if entry is None:
                    entry = new_entry()
                if stripped.startswith('#,'):
                    entry['flags'].update(
                        f.strip() for f in stripped[2:].split(',')
                        if f.strip())
                continue
            if stripped.startswith('"'):
                if entry is None or key is None:
                    raise POError('%s:%d: unexpected string' % (path, lineno))
                text = _unquote(stripped, path, lineno)
                if isinstance(key, tuple):
                    entry['msgstr'][key[1]] += text
                else:
                    entry[key] += text
                continue
            keyword, _, rest = stripped.partition(' ')
            if keyword in ('msgctxt', 'msgid') and entry is not None and (
                    entry['msgid'] is not None
                    and (keyword == 'msgctxt' or entry['msgstr'])):
                flush()
            if entry is None:
                entry = new_entry()
            if obsolete:
                entry['obsolete'] = True
            text = _unquote(rest, path, lineno)
            if keyword in ('msgctxt', 'msgid', 'msgid_plural'):
                entry[keyword] = text
                key = keyword
            elif keyword == 'msgstr':
                entry['msgstr'][0] = text
                key = ('msgstr', 0)
            elif keyword.startswith('msgstr[') and keyword.endswith(']'):
                try:
                    index = int(keyword[7:-1])
                except ValueError:
                    raise POError('%s:%d: bad plural index' % (path, lineno))
                entry['msgstr'][index] = text
                key = ('msgstr', index)
            else:
                raise POError('%s:%d: unknown keyword %r'
                    % (path, lineno, keyword))
    flush()
    return entries


def parse_header(text):
    header = {}
    for line in text.split('\n'):
        name, sep, value = line.partition(':')
        if sep and name.strip():
            header[name.strip().lower()] = value.strip()
    return header


def po_to_json(path):
    "Return the sao JSON data of the PO file and the list of problems"
    data = {'': {}}
    problems = []
    for entry in parse_po(path):
        if entry['obsolete']:
            continue
        if entry['msgid'] == '' and entry['msgctxt'] is None:
            data[''] = parse_header(entry['msgstr'].get(0, ''))
            continue
        if 'fuzzy' in entry['flags']:
            problems.append('fuzzy entry skipped: %r' % entry['msgid'])
            continue
        key = entry['msgid']
        if entry['msgctxt'] is not None:
            key = entry['msgctxt'] + '\x04' + key
        if entry['msgid_plural'] is not None:
            count = max(entry['msgstr']) + 1 if entry['msgstr'] else 0
            strings = [entry['msgstr'].get(i, '') for i in range(count)]
            value = [entry['msgid_plural']] + strings
        else:
            strings = [entry['msgstr'].get(0, '')]
            value = [None] + strings
        if not all(strings):
            problems.append('untranslated: %r' % entry['msgid'])
        data[key] = value
    nplurals = _nplurals(data[''].get('plural-forms', ''))
    if nplurals is not None:
        for key, value in data.items():
            if key and value[0] is not None and len(value) - 1 != nplurals:
                problems.append('%d plural forms instead of %d: %r'
                    % (len(value) - 1, nplurals, key))
    return data, problems


def _nplurals(plural_forms):
    "The number of plural forms of the Plural-Forms header, or None"
    for part in plural_forms.split(';'):
        name, sep, value = part.partition('=')
        if sep and name.strip() == 'nplurals':
            try:
                return int(value.strip())
            except ValueError:
                return None
    return None


def template_msgids(pot_path):
    msgids = set()
    for entry in parse_po(pot_path):
        if entry['obsolete'] or entry['msgid'] == '':
            continue
        key = entry['msgid']
        if entry['msgctxt'] is not None:
            key = entry['msgctxt'] + '\x04' + key
        msgids.add(key)
    return msgids


def write_if_changed(path, content):
    try:
        with open(path, encoding='utf-8') as fp:
            if fp.read() == content:
                return False
    except FileNotFoundError:
        pass
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as fp:
        fp.write(content)
    os.replace(tmp, path)
    return True


def main(argv):
    if len(argv) != 2 or argv[1] in ('-h', '--help'):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    sao_dir = argv[1]
    if not os.path.isdir(sao_dir):
        print('%s: not a directory' % sao_dir, file=sys.stderr)
        return 1
    locale_dir = os.path.join(sao_dir, 'locale')
    os.makedirs(locale_dir, exist_ok=True)
    pot_path = os.path.join(locale_dir, 'messages.pot')
    expected = template_msgids(pot_path) if os.path.isfile(pot_path) else None

    po_files = sorted(f for f in os.listdir(PO_DIR) if f.endswith('.po'))
    if not po_files:
        print('no PO file in %s' % PO_DIR, file=sys.stderr)
        return 1
    status = 0
    for filename in po_files:
        lang = filename[:-len('.po')]
        data, problems = po_to_json(os.path.join(PO_DIR, filename))
        data[''].setdefault('language', lang)
        if expected is not None:
            missing = expected - set(data)
            problems.extend('missing: %r' % m for m in sorted(missing))
        for problem in problems:
            print('%s: %s' % (filename, problem), file=sys.stderr)
        content = json.dumps(data, ensure_ascii=False, separators=(',', ':'))
        target = os.path.join(locale_dir, lang + '.json')
        changed = write_if_changed(target, content)
        print('%s: %d messages -> %s (%s)' % (
                filename, len(data) - 1, target,
                'written' if changed else 'unchanged'))
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv))
