# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Readers of an open export for the tests, written apart from the code
that writes it: a zip reader, a CSV decoder that follows the JSON Schema of
the export, a minimal XLSX reader (the standard library only) and a
validator for the subset of JSON Schema (draft 2020-12) the export emits."""
import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from xml.etree import ElementTree

NS = {
    'm': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
    'r': 'http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships',
    'p': 'http://schemas.openxmlformats.org/package/2006/relationships',
    }


def read_zip(data):
    "{name: bytes} of the zip data"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def checksum_problems(files):
    "The files whose SHA-256 or size differ from the manifest, or unlisted"
    manifest = json.loads(files['manifest.json'])
    problems = []
    listed = manifest['files']
    for name in sorted(set(files) - {'manifest.json'} | set(listed)):
        if name not in files:
            problems.append(f'{name}: listed, missing')
        elif name not in listed:
            problems.append(f'{name}: not listed')
        elif (hashlib.sha256(files[name]).hexdigest()
                != listed[name]['sha256']
                or len(files[name]) != listed[name]['size']):
            problems.append(f'{name}: checksum or size differs')
    return problems


def _types(schema):
    types = schema.get('type', [])
    return [types] if isinstance(types, str) else list(types)


def decode_cell(text, schema):
    """The JSON value of a CSV cell of a column: null when empty, else as
    the column's type says; ValueError when the text is not of the type"""
    if text == '':
        return None
    types = [t for t in _types(schema) if t != 'null']
    kind = types[0] if types else 'string'
    if kind == 'integer':
        if not re.fullmatch(r'-?[0-9]+', text):
            raise ValueError(f'{text!r} is not an integer')
        return int(text)
    if kind == 'number':
        return float(text)
    if kind == 'boolean':
        if text not in {'true', 'false'}:
            raise ValueError(f'{text!r} is not a boolean')
        return text == 'true'
    return text


def read_csv(data, row_schema):
    """(header, rows as dicts of JSON values) of a CSV file of the export,
    the columns named by the schema's x-columns"""
    text = data.decode('utf-8-sig')
    lines = list(csv.reader(io.StringIO(text, newline='')))
    header, body = lines[0], lines[1:]
    columns = row_schema['x-columns']
    rows = []
    for line in body:
        if len(line) != len(columns):
            raise ValueError(f'{len(line)} cells, {len(columns)} columns')
        rows.append({c: decode_cell(v, row_schema['properties'][c])
                for c, v in zip(columns, line)})
    return header, rows


def _column_index(ref):
    letters = re.match(r'[A-Z]+', ref).group(0)
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord('A') + 1
    return index - 1


def read_xlsx(data):
    "{sheet name: [[cell values]]} of an XLSX workbook"
    files = read_zip(data)
    strings = []
    if 'xl/sharedStrings.xml' in files:
        root = ElementTree.fromstring(files['xl/sharedStrings.xml'])
        for si in root.findall('m:si', NS):
            strings.append(''.join(t.text or '' for t in si.iter(
                        '{%s}t' % NS['m'])))
    workbook = ElementTree.fromstring(files['xl/workbook.xml'])
    rels = ElementTree.fromstring(files['xl/_rels/workbook.xml.rels'])
    targets = {r.get('Id'): r.get('Target')
        for r in rels.findall('p:Relationship', NS)}
    sheets = {}
    for sheet in workbook.find('m:sheets', NS).findall('m:sheet', NS):
        target = targets[sheet.get('{%s}id' % NS['r'])]
        path = 'xl/' + target.lstrip('/').removeprefix('xl/')
        root = ElementTree.fromstring(files[path])
        rows = []
        for row in root.find('m:sheetData', NS).findall('m:row', NS):
            index = int(row.get('r')) - 1
            while len(rows) < index:
                rows.append([])
            cells = []
            for cell in row.findall('m:c', NS):
                col = _column_index(cell.get('r'))
                while len(cells) < col:
                    cells.append(None)
                kind = cell.get('t')
                value = cell.find('m:v', NS)
                text = value.text if value is not None else None
                if kind == 's':
                    cells.append(strings[int(text)])
                elif kind == 'b':
                    cells.append(text == '1')
                elif kind == 'inlineStr':
                    cells.append(''.join(t.text or '' for t in cell.iter(
                                '{%s}t' % NS['m'])))
                elif kind == 'str':
                    cells.append(text)
                elif text is None:
                    cells.append(None)
                else:
                    number = float(text)
                    cells.append(int(number) if number.is_integer()
                        and re.fullmatch(r'-?[0-9]+', text) else number)
            rows.append(cells)
        sheets[sheet.get('name')] = rows
    return sheets


# -- JSON Schema subset -----------------------------------------------------

_FORMATS = {
    'date': dt.date.fromisoformat,
    'date-time': dt.datetime.fromisoformat,
    'time': dt.time.fromisoformat,
    }


def _is_type(value, kind):
    if kind == 'null':
        return value is None
    if kind == 'boolean':
        return isinstance(value, bool)
    if kind == 'integer':
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == 'number':
        return (isinstance(value, (int, float))
            and not isinstance(value, bool))
    if kind == 'string':
        return isinstance(value, str)
    if kind == 'object':
        return isinstance(value, dict)
    if kind == 'array':
        return isinstance(value, list)
    raise ValueError(f'unsupported type {kind}')


SUPPORTED = {'$schema', '$id', '$ref', '$defs', 'title', 'description',
    'type', 'properties', 'required', 'additionalProperties', 'items',
    'enum', 'format', 'pattern', 'maxLength', 'contentMediaType'}


def validate(value, schema, root=None, path='$'):
    """The list of errors of value against schema (the keywords of
    SUPPORTED; the annotations x-* are ignored; an unknown keyword is an
    error, so that the subset stays honest)"""
    root = root if root is not None else schema
    errors = []
    unknown = {k for k in schema if not k.startswith('x-')} - SUPPORTED
    if unknown:
        return [f'{path}: unsupported keywords {sorted(unknown)}']
    if '$ref' in schema:
        ref = schema['$ref']
        assert ref.startswith('#/'), ref
        target = root
        for part in ref[2:].split('/'):
            target = target[part]
        errors.extend(validate(value, target, root, path))
    if 'type' in schema and not any(
            _is_type(value, t) for t in _types(schema)):
        return errors + [f'{path}: {value!r} is not of type '
            f'{schema["type"]}']
    if 'enum' in schema and value not in schema['enum']:
        errors.append(f'{path}: {value!r} not in {schema["enum"]}')
    if isinstance(value, str):
        if 'format' in schema:
            try:
                _FORMATS[schema['format']](value)
            except ValueError:
                errors.append(f'{path}: {value!r} is not a '
                    f'{schema["format"]}')
        if 'pattern' in schema and not re.search(schema['pattern'], value):
            errors.append(f'{path}: {value!r} does not match '
                f'{schema["pattern"]}')
        if 'maxLength' in schema and len(value) > schema['maxLength']:
            errors.append(f'{path}: longer than {schema["maxLength"]}')
        if schema.get('contentMediaType') == 'application/json':
            try:
                json.loads(value)
            except ValueError:
                errors.append(f'{path}: not JSON')
    if isinstance(value, dict):
        for name in schema.get('required', []):
            if name not in value:
                errors.append(f'{path}: {name} is required')
        properties = schema.get('properties', {})
        for name, item in value.items():
            if name in properties:
                errors.extend(validate(item, properties[name], root,
                        f'{path}.{name}'))
            elif schema.get('additionalProperties') is False:
                errors.append(f'{path}: {name} is not allowed')
    if isinstance(value, list) and 'items' in schema:
        for index, item in enumerate(value):
            errors.extend(validate(item, schema['items'], root,
                    f'{path}[{index}]'))
    return errors
