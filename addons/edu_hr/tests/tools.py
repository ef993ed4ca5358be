# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test helpers of edu_hr: an SQL statement counter and a savepoint that
rolls back a refused operation inside the test transaction."""
import itertools

from trytond.transaction import Transaction


class QueryCounter:
    "Count (and keep) the SQL statements executed inside the block"

    def __init__(self):
        self.statements = []

    @property
    def count(self):
        return len(self.statements)

    def __enter__(self):
        from trytond import backend
        if backend.name == 'sqlite':
            import sqlite3

            from trytond.backend.sqlite.database import SQLiteCursor
            cursor_class, base = SQLiteCursor, sqlite3.Cursor
        else:
            from trytond.backend.postgresql.database import LoggingCursor
            cursor_class, base = LoggingCursor, LoggingCursor
        original = cursor_class.__dict__.get('execute')
        call = original or base.execute
        statements = self.statements

        def execute(cursor, *args, **kwargs):
            statements.append(str(args[0])[:200] if args else '')
            return call(cursor, *args, **kwargs)
        cursor_class.execute = execute

        def restore():
            if original is None:
                del cursor_class.execute
            else:
                cursor_class.execute = original
        self._restore = restore
        return self

    def __exit__(self, *exc):
        self._restore()
        return False


class savepoint:
    "Roll the block back when it raises (the test transaction goes on)"
    _serial = itertools.count()

    def __enter__(self):
        self.name = 'edu_hr_%s' % next(self._serial)
        self.transaction = Transaction()
        self.cursor = self.transaction.connection.cursor()
        self.cursor.execute('SAVEPOINT %s' % self.name)
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.cursor.execute('ROLLBACK TO SAVEPOINT %s' % self.name)
            self.transaction.cache.clear()
            self.transaction.counter += 1
        self.cursor.execute('RELEASE SAVEPOINT %s' % self.name)
        return False
