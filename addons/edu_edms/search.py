# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Keyword search of documents (R22.6).

The text searched (summary, body, numbers, correspondent, file names and
the text extracted from the files) is kept lowercased by Python (so Kazakh
letters ә ғ қ ң ө ұ ү һ і are folded whatever the database collation) in
the ``search_text`` column of ``edu_edms_document``.  On PostgreSQL a
``search_vector`` tsvector column (GIN index, 'simple' configuration) is
computed from it in SQL and searched with ``plainto_tsquery``; on SQLite
every word must be contained (LIKE) in ``search_text``."""
import re

from sql import Column, Literal
from sql.functions import Function
from sql.operators import BinaryOperator, Like

from trytond import backend
from trytond.tools import escape_wildcard
from trytond.transaction import Transaction

#: the largest search text kept per document (characters)
MAX_SEARCH_TEXT = 200_000
#: the largest text extracted from one file (characters)
MAX_FILE_TEXT = 100_000

_WORD = re.compile(r'\w+', re.UNICODE)


class ToTsVector(Function):
    __slots__ = ()
    _function = 'TO_TSVECTOR'


class PlainToTsQuery(Function):
    __slots__ = ()
    _function = 'PLAINTO_TSQUERY'


class Match(BinaryOperator):
    __slots__ = ()
    _operator = '@@'


def clear_cache(Model, ids):
    """Forget the cached values of records of Model changed in SQL, as the
    ORM does after a write"""
    transaction = Transaction()
    transaction.counter += 1
    for cache in transaction.cache.values():
        if Model.__name__ in cache:
            records = cache[Model.__name__]
            for id_ in ids:
                records.pop(id_, None)


def is_postgresql():
    return backend.name == 'postgresql'


def normalise(text):
    "Return text lowercased by Python with its whitespace collapsed"
    return ' '.join((text or '').lower().split())


def words(text):
    "Return the lowercased words of a search text"
    return _WORD.findall(normalise(text).replace('%', ' ').replace('_', ' '))


def vector_expression(table):
    "Return the SQL expression of the tsvector of a document table row"
    return ToTsVector('simple', table.search_text)


def create_columns(cursor, table_name):
    "Add the tsvector column and its GIN index on PostgreSQL"
    if not is_postgresql():
        return
    cursor.execute(
        'ALTER TABLE "%s" ADD COLUMN IF NOT EXISTS search_vector tsvector'
        % table_name)
    cursor.execute(
        'CREATE INDEX IF NOT EXISTS "%s_search_vector_gin" ON "%s" '
        'USING GIN (search_vector)' % (table_name, table_name))


def matching_query(table, text):
    """Return the SQL query of the ids of table whose search text holds
    every word of text, or None when text has no word"""
    terms = words(text)
    if not terms:
        return None
    if is_postgresql():
        # the same parser on both sides: the text as typed, lowercased
        where = Match(Column(table, 'search_vector'),
            PlainToTsQuery('simple', normalise(text)))
    else:
        where = Literal(True)
        for term in terms:
            where &= Like(table.search_text,
                '%' + escape_wildcard(term) + '%', escape='\\')
    return table.select(table.id, where=where)
