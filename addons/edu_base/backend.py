# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Keep SQLite transactions transactional across Tryton's cache sync.

Every ``[cache] clean_timeout`` seconds (300 by default) the first
transaction that starts runs ``MemoryCache.sync``, which asks the database
for an *autocommit* connection to read the cache timestamps.  The SQLite
backend has one connection per database object, the very connection of the
transaction that is starting, and asking it for autocommit sets
``isolation_level = None`` on it.  Nothing sets it back, so the rest of that
transaction commits each statement as it goes: a request that fails half-way
keeps its first half, and in the test suite (one shared in-memory
connection) a test's records survive its rollback.

On SQLite the isolation level the transaction had is restored after the
sync; PostgreSQL takes separate connections from its pool and is untouched.
"""
import functools

from trytond.cache import MemoryCache

_PATCHED = '_bilim_keeps_isolation'


def keep_sqlite_transactions():
    "Wrap MemoryCache.sync once (idempotent)"
    sync = MemoryCache.__dict__['sync'].__func__
    if getattr(sync, _PATCHED, False):
        return

    @functools.wraps(sync)
    def wrapper(cls, transaction):
        connection = getattr(transaction, 'connection', None)
        if (connection is None
                or transaction.database.__class__.__module__.split('.')[-2]
                != 'sqlite'):
            return sync(cls, transaction)
        level = connection.isolation_level
        try:
            return sync(cls, transaction)
        finally:
            if connection.isolation_level != level:
                connection.isolation_level = level
    setattr(wrapper, _PATCHED, True)
    MemoryCache.sync = classmethod(wrapper)
