# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers shared by the settlement documents (R19.4–R19.9)."""
from decimal import ROUND_HALF_UP, Decimal

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import JournalMissing

#: settlement accounts of the state-institution chart (R19.4)
SETTLEMENT_CODES = ('1210', '1250', '1270', '1280', '3210', '3230', '3240')
#: the account of accountable persons (R19.5)
ADVANCE_CODE = '1250'

CENT = Decimal('0.01')


def round_amount(amount):
    return Decimal(amount or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def default_company():
    return Transaction().context.get('company')


def find_account(company, code):
    "Return the account of company with code or None"
    Account = Pool().get('account.account')
    accounts = Account.search([
            ('company', '=', company.id if hasattr(company, 'id')
                else company),
            ('code', '=', code),
            ], limit=1)
    return accounts[0] if accounts else None


def find_journal(code):
    "Return the journal with code, or raise a translated error"
    Journal = Pool().get('account.journal')
    journals = Journal.search([('code', '=', code)], limit=1)
    if not journals:
        raise JournalMissing(gettext(
                'edu_account_settlement.msg_journal_missing', code=code))
    return journals[0]


def default_journal(code):
    Journal = Pool().get('account.journal')
    journals = Journal.search([('code', '=', code)], limit=1)
    return journals[0].id if journals else None


def party_balance(party, accounts, date=None, before=None,
        exclude_moves=()):
    """Return the posted balance (debit - credit) of party on accounts
    (records) up to date included or strictly before `before`"""
    pool = Pool()
    Line = pool.get('account.move.line')
    Move = pool.get('account.move')
    line = Line.__table__()
    move = Move.__table__()
    cursor = Transaction().connection.cursor()
    if not accounts:
        return Decimal(0)
    where = ((line.party == party.id)
        & line.account.in_([a.id for a in accounts])
        & (move.state == 'posted'))
    if date:
        where &= move.date <= date
    if before:
        where &= move.date < before
    exclude = [m.id for m in exclude_moves if m]
    if exclude:
        where &= ~move.id.in_(exclude)
    from sql.aggregate import Sum
    from sql.conditionals import Coalesce
    cursor.execute(*line.join(move, condition=line.move == move.id).select(
            Coalesce(Sum(Coalesce(line.debit, 0) - Coalesce(line.credit, 0)),
                0),
            where=where))
    value, = cursor.fetchone()
    return round_amount(value or 0)
