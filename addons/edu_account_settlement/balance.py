# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Balances of the settlements per counterparty and account at a date
(1210, 1250, 1270, 1280, 3210, 3230, 3240) (R19.4), one SQL aggregate."""
from sql import Null
from sql.aggregate import Max, Min, Sum
from sql.conditionals import Coalesce

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .common import SETTLEMENT_CODES


class SettlementBalance(ModelSQL, ModelView):
    "Settlement Balance"
    __string__ = "Settlement Balance"
    __name__ = 'edu.settlement.balance'
    company = fields.Many2One('company.company', "Company", required=True)
    party = fields.Many2One('party.party', "Counterparty")
    account = fields.Many2One('account.account', "Account")
    debit = fields.Numeric("Debit", digits=(16, 2))
    credit = fields.Numeric("Credit", digits=(16, 2))
    balance = fields.Numeric("Balance", digits=(16, 2),
        help="Debit minus credit: positive, the counterparty owes; "
        "negative, the institution owes.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('account', 'ASC'), ('party', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Line = pool.get('account.move.line')
        Move = pool.get('account.move')
        Account = pool.get('account.account')
        line = Line.__table__()
        move = Move.__table__()
        account = Account.__table__()
        context = Transaction().context
        where = (account.code.in_(list(SETTLEMENT_CODES))
            & (line.party != Null) & (move.state == 'posted'))
        if context.get('company'):
            where &= move.company == context['company']
        if context.get('date'):
            where &= move.date <= context['date']
        debit = Sum(Coalesce(line.debit, 0))
        credit = Sum(Coalesce(line.credit, 0))
        return line.join(move, condition=line.move == move.id
            ).join(account, condition=line.account == account.id
            ).select(
                Min(line.id).as_('id'),
                Max(move.company).as_('company'),
                line.party.as_('party'),
                line.account.as_('account'),
                debit.as_('debit'),
                credit.as_('credit'),
                (debit - credit).as_('balance'),
                where=where,
                group_by=[line.party, line.account])


class SettlementBalanceContext(ModelView):
    "Settlement Balance Context"
    __string__ = "Settlement Balance Context"
    __name__ = 'edu.settlement.balance.context'
    company = fields.Many2One('company.company', "Company", required=True)
    date = fields.Date("Date", required=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()
