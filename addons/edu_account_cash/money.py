# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Money by funding source (R19.3, R19.1): for each money account (cash
desk, treasury, bank) and funding source, the opening balance, inflow,
outflow and closing balance of a period from the posted ledger, in one
SQL aggregate."""
from decimal import Decimal

from sql import Literal, Null
from sql.aggregate import Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import CurrentTimestamp

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, XlsxDocument, translated)
from trytond.pool import Pool
from trytond.transaction import Transaction

from .cash import CENT, QuantizedMixin


def _money(value):
    return Decimal(str(value or 0)).quantize(CENT)


class MoneySourceContext(ModelView):
    "Money by Funding Source Context"
    __name__ = 'edu.money.source.context'
    __string__ = "Money by Funding Source Context"

    company = fields.Many2One('company.company', "Company", required=True)
    from_date = fields.Date("From Date", required=True)
    to_date = fields.Date("To Date", required=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_from_date(cls):
        return (Transaction().context.get('from_date')
            or Pool().get('ir.date').today().replace(month=1, day=1))

    @classmethod
    def default_to_date(cls):
        return (Transaction().context.get('to_date')
            or Pool().get('ir.date').today())


class MoneySource(QuantizedMixin, ModelSQL, ModelView):
    "Money by Funding Source"
    __name__ = 'edu.money.source'
    __string__ = "Money by Funding Source"

    company = fields.Many2One('company.company', "Company")
    account = fields.Many2One('account.account', "Money Account")
    funding_source = fields.Many2One('edu.funding.source', "Funding Source")
    opening = fields.Numeric("Opening Balance", digits=(16, 2))
    inflow = fields.Numeric("Inflow", digits=(16, 2))
    outflow = fields.Numeric("Outflow", digits=(16, 2))
    closing = fields.Numeric("Closing Balance", digits=(16, 2))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('account', 'ASC'), ('funding_source', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Line = pool.get('account.move.line')
        Move = pool.get('account.move')
        Account = pool.get('account.account')
        context = Transaction().context
        line = Line.__table__()
        move = Move.__table__()
        account = Account.__table__()
        company = context.get('company')
        from_date = context.get('from_date')
        to_date = context.get('to_date')

        where = ((account.edu_cash != Null) & (account.edu_cash != '')
            & (move.state == 'posted')
            & (move.company == (company if company is not None else -1)))
        if to_date:
            where &= move.date <= to_date
        amount = Coalesce(line.debit, 0) - Coalesce(line.credit, 0)
        if from_date:
            before = move.date < from_date
        else:
            before = Literal(False)
        zero = Literal(0)
        return (line
            .join(move, condition=line.move == move.id)
            .join(account, condition=line.account == account.id)
            .select(
                Min(line.id).as_('id'),
                Literal(0).as_('create_uid'),
                CurrentTimestamp().as_('create_date'),
                Literal(Null).as_('write_uid'),
                Literal(Null).as_('write_date'),
                move.company.as_('company'),
                line.account.as_('account'),
                line.funding_source.as_('funding_source'),
                Sum(Case((before, amount), else_=zero)).as_('opening'),
                Sum(Case((before, zero),
                        else_=Coalesce(line.debit, 0))).as_('inflow'),
                Sum(Case((before, zero),
                        else_=Coalesce(line.credit, 0))).as_('outflow'),
                Sum(amount).as_('closing'),
                where=where,
                group_by=[move.company, line.account, line.funding_source]))


def money_rows(records):
    MoneySource = Pool().get('edu.money.source')
    if records:
        rows = MoneySource.browse([r.id for r in records])
    else:
        rows = MoneySource.search([])
    rows = sorted(rows, key=lambda r: (r.account.code or '',
            r.funding_source.code if r.funding_source else ''))
    header = [translated('edu_account_cash.msg_label_account'),
        translated('edu_account_cash.msg_label_source'),
        translated('edu_account_cash.msg_label_opening_short'),
        translated('edu_account_cash.msg_label_inflow'),
        translated('edu_account_cash.msg_label_outflow'),
        translated('edu_account_cash.msg_label_closing_short')]
    table = []
    totals = [Decimal(0)] * 4
    for row in rows:
        values = [_money(row.opening), _money(row.inflow),
            _money(row.outflow), _money(row.closing)]
        totals = [t + v for t, v in zip(totals, values)]
        table.append([row.account.rec_name,
                row.funding_source.rec_name if row.funding_source
                else translated('edu_account_cash.msg_label_no_source')]
            + values)
    table.append([translated('edu_account_cash.msg_label_total_all'), '']
        + totals)
    return header, table


def _title():
    context = Transaction().context
    lang = Pool().get('ir.lang').get()
    return translated('edu_account_cash.msg_label_money_title',
        from_date=lang.strftime(context['from_date'])
        if context.get('from_date') else '',
        to_date=lang.strftime(context['to_date'])
        if context.get('to_date') else '')


class MoneySourceReport(FileReport):
    "Money by funding source PDF"
    __name__ = 'edu.money.source.report'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        header, table = money_rows(records)
        pdf = PdfDocument(_title(), landscape=True)
        company = Transaction().context.get('company')
        if company:
            pdf.paragraph(Pool().get('company.company')(company).rec_name)
        pdf.table([header] + table,
            col_widths=[0.26, 0.22, 0.13, 0.13, 0.13, 0.13],
            numeric=(2, 3, 4, 5), bold_rows=(len(table),))
        pdf.signatures([
                (translated('edu_account_cash.msg_label_chief_accountant'),
                    '')])
        return pdf.build()


class MoneySourceXlsx(FileReport):
    "Money by funding source XLSX"
    __name__ = 'edu.money.source.xlsx'
    extension = 'xlsx'

    @classmethod
    def render(cls, records, data):
        header, table = money_rows(records)
        book = XlsxDocument()
        book.sheet(translated('edu_account_cash.msg_label_money_sheet'),
            _title(), header, table, bold_rows=(len(table) - 1,),
            widths=[40, 30, 16, 16, 16, 16])
        return book.build()
