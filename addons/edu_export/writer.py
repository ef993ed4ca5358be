# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The files of an organisation's open export (R13).

An export is a set of files, written into one zip or one directory::

    manifest.json     what the export holds: organisation, counts, skipped
                      models, the SHA-256 and size of every other file
    schema.json       JSON Schema (draft 2020-12) of every object's rows
    data.xlsx         one sheet per object, two header rows (kk, ru)
    csv/<object>.csv  one CSV file per object, one header row "kk / ru"
    database.sql      the organisation's rows as plain SQL (SQLite iterdump
                      of a database that holds them only)

A CSV cell is the text of the JSON value of the column: empty for null,
``true``/``false``, numbers with a dot, dates and times in ISO 8601, a
multiple selection as its keys joined with commas.  UTF-8 with a byte-order
mark (so that spreadsheets recognise it), comma separated, CRLF, quoted as
RFC 4180 says.
"""
import csv
import datetime as dt
import decimal
import hashlib
import io
import json
import os
import sqlite3
import zipfile

import xlsxwriter
from sql import Column, Table

from trytond import backend
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, inactive_records

from . import registry

FORMAT = 'bilim-export/1'
SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema'
LANGUAGES = ('kk', 'ru')
MANIFEST = 'manifest.json'
SCHEMA = 'schema.json'
WORKBOOK = 'data.xlsx'
SQL_DUMP = 'database.sql'
BATCH = 1000

_JSON_TYPES = {
    'integer': 'integer', 'biginteger': 'integer', 'many2one': 'integer',
    'float': 'number', 'numeric': 'number', 'timedelta': 'number',
    'boolean': 'boolean',
    }
_FORMATS = {
    'date': 'date', 'datetime': 'date-time', 'timestamp': 'date-time',
    'time': 'time',
    }


def encode(value, ftype=None):
    """The JSON-compatible value of a field value of type ftype: None,
    bool, int, float, Decimal or str"""
    if value is None or value == '':
        return None
    if ftype == 'boolean':
        return bool(value)
    if isinstance(value, (bool, int, float, decimal.Decimal, str)):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat(sep='T')
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (list, tuple)):
        return ','.join(str(v) for v in value) or None
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False,
            default=str)
    return str(value)


def csv_text(value):
    "The CSV cell of an encoded value"
    if value is None:
        return ''
    if value is True:
        return 'true'
    if value is False:
        return 'false'
    return str(value)


def column_schema(field, name, label):
    "The JSON Schema of one column"
    ftype = field._type
    schema = {}
    base = _JSON_TYPES.get(ftype, 'string')
    required = bool(field.required) or name == 'id'
    schema['type'] = base if required else [base, 'null']
    if ftype in _FORMATS:
        schema['format'] = _FORMATS[ftype]
    if ftype == 'selection' and isinstance(field.selection, (list, tuple)):
        keys = [k for k, _ in field.selection if k not in (None, '')]
        schema['enum'] = keys if required else keys + [None]
    if ftype == 'reference':
        schema['pattern'] = r'^[a-z0-9_.-]+,-?[0-9]+$'
    if ftype == 'dict':
        schema['contentMediaType'] = 'application/json'
    if ftype == 'char' and getattr(field, 'size', None):
        schema['maxLength'] = field.size
    schema['title'] = ' / '.join(label[lang] for lang in LANGUAGES)
    for lang in LANGUAGES:
        schema[f'x-label-{lang}'] = label[lang]
    schema['x-tryton-type'] = ftype
    return schema


class Export:
    """Build the export of the organisation ``company`` and the ones it
    supervises; ``progress(done, total, label)`` is called after each
    object.  Runs with the rights of the caller: call it as the root user
    (the wizard and the command check who asks)."""

    def __init__(self, company, progress=None):
        self.company = company
        self.progress = progress or (lambda done, total, label: None)
        self.files = {}
        self.counts = {}

    def build(self):
        pool = Pool()
        Company = pool.get('company.company')
        transaction = Transaction()
        self.company_ids = registry.organisation_tree(self.company)
        companies = Company.browse(self.company_ids)
        company_party_ids = [c.party.id for c in companies]
        self.objects, self.skipped = registry.discover(
            self.company_ids, company_party_ids)
        total = len(self.objects) + 1
        schema = {
            '$schema': SCHEMA_DIALECT,
            '$id': f'urn:bilim:export:{self.company.party.bin or "org"}',
            'title': self.company.rec_name,
            'description': ('The open export of an education organisation '
                '(R13): one array of rows per object, one CSV file and '
                'one XLSX sheet each.'),
            'type': 'object',
            'properties': {},
            '$defs': {},
            }
        rows_of = {}
        book_data = io.BytesIO()
        book = xlsxwriter.Workbook(book_data, {
                'in_memory': True, 'strings_to_numbers': False,
                'strings_to_formulas': False, 'strings_to_urls': False})
        bold = book.add_format({'bold': True})
        sheet_names = set()
        for done, obj in enumerate(self.objects, 1):
            Model = pool.get(obj.model)
            ids = obj.search_ids()
            types = {c: Model._fields[c]._type for c in obj.columns}
            rows = []
            with inactive_records():
                for sub_ids in grouped_slice(ids, BATCH):
                    for record in sorted(Model.read(list(sub_ids),
                                obj.columns), key=lambda r: r['id']):
                        rows.append([encode(record[c], types[c])
                                for c in obj.columns])
            rows_of[obj.key] = (obj, rows, ids)
            label = registry.labels(Model, obj.columns, LANGUAGES)
            model_labels = self._model_labels(obj.model)
            properties = {}
            for name in obj.columns:
                properties[name] = column_schema(
                    Model._fields[name], name,
                    {lang: label[lang][name] for lang in LANGUAGES})
                target = self._target(Model._fields[name])
                if target:
                    properties[name]['x-foreign-key'] = target
            schema['$defs'][obj.key] = {
                'title': ' / '.join(model_labels[lang]
                    for lang in LANGUAGES),
                'x-model': obj.model,
                'x-csv': obj.csv_path,
                'x-xlsx-sheet': obj.sheet,
                'x-columns': list(obj.columns),
                'type': 'object',
                'properties': properties,
                'required': list(obj.columns),
                'additionalProperties': False,
                }
            schema['properties'][obj.key] = {
                'type': 'array',
                'items': {'$ref': f'#/$defs/{obj.key}'},
                }
            self.files[obj.csv_path] = self._csv(obj, label, rows)
            name = obj.sheet
            while name in sheet_names:
                name = name[:28] + f'~{len(sheet_names)}'
            sheet_names.add(name)
            schema['$defs'][obj.key]['x-xlsx-sheet'] = name
            self._sheet(book, name, bold, obj, label, rows)
            self.counts[obj.key] = len(rows)
            self.progress(done, total, obj.key)
        schema['required'] = list(schema['properties'])
        book.close()
        self.files[WORKBOOK] = book_data.getvalue()
        self.files[SCHEMA] = json.dumps(
            schema, indent=1, ensure_ascii=False).encode('utf-8')
        self.files[SQL_DUMP] = sql_dump(
            [(pool.get(o.model), ids) for o, _, ids in rows_of.values()])
        self.progress(total, total, SQL_DUMP)
        self.manifest = {
            'format': FORMAT,
            'created_at': dt.datetime.now(dt.timezone.utc).isoformat(
                timespec='seconds'),
            'database': transaction.database.name,
            'backend': backend.name,
            'organisation': {
                'id': self.company.id,
                'name': self.company.rec_name,
                'bin': self.company.party.bin,
                },
            'organisations': self.company_ids,
            'header_languages': list(LANGUAGES),
            'csv': {'encoding': 'utf-8-sig', 'delimiter': ',',
                'header_rows': 1, 'header': 'kk / ru'},
            'xlsx': {'file': WORKBOOK, 'header_rows': len(LANGUAGES)},
            'objects': {o.key: {
                    'model': o.model,
                    'rows': self.counts[o.key],
                    'csv': o.csv_path,
                    'sheet': schema['$defs'][o.key]['x-xlsx-sheet'],
                    'columns': len(o.columns),
                    } for o in self.objects},
            'skipped_models': self.skipped,
            'files': {path: {
                    'sha256': hashlib.sha256(data).hexdigest(),
                    'size': len(data),
                    } for path, data in sorted(self.files.items())},
            }
        self.files[MANIFEST] = json.dumps(
            self.manifest, indent=1, ensure_ascii=False).encode('utf-8')
        return self

    def _model_labels(self, model):
        IrModel = Pool().get('ir.model')
        result = {}
        for lang in LANGUAGES:
            with Transaction().set_context(language=lang):
                records = IrModel.search([('name', '=', model)], limit=1)
                result[lang] = records[0].string if records else model
        return result

    def _target(self, field):
        if field._type != 'many2one':
            return None
        target = {'model': field.model_name, 'column': 'id'}
        for obj in self.objects:
            if obj.model == field.model_name:
                target['object'] = obj.key
                break
        return target

    @staticmethod
    def _csv(obj, label, rows):
        output = io.StringIO(newline='')
        writer = csv.writer(output, lineterminator='\r\n')
        writer.writerow([f'{label["kk"][c]} / {label["ru"][c]}'
                for c in obj.columns])
        for row in rows:
            writer.writerow([csv_text(v) for v in row])
        return output.getvalue().encode('utf-8-sig')

    @staticmethod
    def _sheet(book, name, bold, obj, label, rows):
        sheet = book.add_worksheet(name)
        offset = len(LANGUAGES)
        for line, lang in enumerate(LANGUAGES):
            for col, column in enumerate(obj.columns):
                sheet.write_string(line, col, label[lang][column], bold)
        for line, row in enumerate(rows, offset):
            for col, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(line, col, value)
                elif isinstance(value, (int, float, decimal.Decimal)):
                    sheet.write_number(line, col, value)
                else:
                    sheet.write_string(line, col, value)
        sheet.freeze_panes(offset, 1)

    def to_zip(self, path=None):
        "Write the files into a zip (path or bytes returned)"
        target = path or io.BytesIO()
        with zipfile.ZipFile(target, 'w', zipfile.ZIP_DEFLATED) as archive:
            for name in [MANIFEST] + sorted(
                    n for n in self.files if n != MANIFEST):
                archive.writestr(name, self.files[name])
        if path is None:
            return target.getvalue()
        return path

    def to_directory(self, path):
        "Write the files under the directory path (created, private)"
        os.makedirs(path, mode=0o700, exist_ok=True)
        os.makedirs(os.path.join(path, 'csv'), mode=0o700, exist_ok=True)
        for name, data in self.files.items():
            target = os.path.join(path, *name.split('/'))
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                0o600)
            with os.fdopen(fd, 'wb') as fp:
                fp.write(data)
        return path


# -- SQL ------------------------------------------------------------------

def _table_columns(cursor, table):
    "[(column, SQL type)] of table in the current database"
    if backend.name == 'sqlite':
        cursor.execute('PRAGMA table_info("%s")' % table.replace('"', '""'))
        return [(r[1], r[2] or '') for r in cursor.fetchall()]
    cursor.execute(
        'SELECT column_name, data_type FROM information_schema.columns '
        'WHERE table_schema = current_schema() AND table_name = %s '
        'ORDER BY ordinal_position', (table,))
    return list(cursor.fetchall())


def _sql_value(value):
    if value is None or isinstance(value, (int, float, str, bytes)):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=' ')
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def sql_dump(models_ids):
    """Plain SQL of the rows ids of the tables of the models: the tables
    are copied into an in-memory SQLite database that holds only these rows
    (secret columns left out) and dumped with iterdump()"""
    cursor = Transaction().connection.cursor()
    memory = sqlite3.connect(':memory:')
    try:
        for Model, ids in models_ids:
            table = Model._table
            cols = [(c, t) for c, t in _table_columns(cursor, table)
                if not registry.SECRET.search(c)]
            definitions = ', '.join(
                '"%s" %s%s' % (c.replace('"', '""'), t.upper(),
                    ' PRIMARY KEY' if c == 'id' else '')
                for c, t in cols)
            memory.execute('CREATE TABLE "%s" (%s)' % (
                    table.replace('"', '""'), definitions))
            sql_table = Table(table)
            insert = 'INSERT INTO "%s" VALUES (%s)' % (
                table.replace('"', '""'), ', '.join('?' * len(cols)))
            for sub_ids in grouped_slice(ids, BATCH):
                cursor.execute(*sql_table.select(
                        *[Column(sql_table, c) for c, _ in cols],
                        where=sql_table.id.in_(list(sub_ids)),
                        order_by=sql_table.id.asc))
                memory.executemany(insert, [
                        [_sql_value(v) for v in row]
                        for row in cursor.fetchall()])
        memory.commit()
        lines = ['-- Bilim ERP open export (R13): the rows of one '
            'organisation, plain SQL']
        lines.extend(memory.iterdump())
        return ('\n'.join(lines) + '\n').encode('utf-8')
    finally:
        memory.close()
