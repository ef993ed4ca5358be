# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Cash book (кассовая книга, R19.3): per cash desk account and day with
movements, the opening balance, receipts, disbursements and closing
balance from the posted ledger, the day's orders and whether the day ended
over the cash limit.  One SQL query with a window sum gives the running
balance; the context's dates filter the days shown, not the balance."""
from decimal import Decimal

from sql import Literal, Null, Window
from sql.aggregate import Min, Sum
from sql.conditionals import Coalesce
from sql.functions import CurrentTimestamp

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, XlsxDocument, translated)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .cash import CENT, QuantizedMixin


def _money(value):
    return Decimal(str(value or 0)).quantize(CENT)


class CashBookContext(ModelView):
    "Cash Book Context"
    __name__ = 'edu.cash.book.context'
    __string__ = "Cash Book Context"

    company = fields.Many2One('company.company', "Company", required=True)
    account = fields.Many2One(
        'account.account', "Cash Account",
        domain=[
            ('company', '=', Eval('company', -1)),
            ('edu_cash', '=', 'cash_desk'),
            ])
    from_date = fields.Date("From Date")
    to_date = fields.Date("To Date")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_from_date(cls):
        date = Transaction().context.get('from_date')
        if date:
            return date
        return Pool().get('ir.date').today().replace(day=1)

    @classmethod
    def default_to_date(cls):
        return (Transaction().context.get('to_date')
            or Pool().get('ir.date').today())


class CashBook(QuantizedMixin, ModelSQL, ModelView):
    "Cash Book"
    __name__ = 'edu.cash.book'
    __string__ = "Cash Book"

    company = fields.Many2One('company.company', "Company")
    account = fields.Many2One('account.account', "Cash Account")
    date = fields.Date("Date")
    opening = fields.Numeric("Opening Balance", digits=(16, 2))
    receipts = fields.Numeric("Receipts", digits=(16, 2))
    disbursements = fields.Numeric("Disbursements", digits=(16, 2))
    closing = fields.Numeric("Closing Balance", digits=(16, 2))
    cash_limit = fields.Numeric("Cash Limit", digits=(16, 2))
    over_limit = fields.Function(
        fields.Boolean("Over the Limit"), 'get_over_limit')
    orders = fields.Function(fields.Many2Many(
            'edu.cash.order', None, None, "Orders"), 'get_orders')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('account', 'ASC'), ('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Line = pool.get('account.move.line')
        Move = pool.get('account.move')
        Account = pool.get('account.account')
        Config = pool.get('edu.cash.configuration')
        context = Transaction().context
        line = Line.__table__()
        move = Move.__table__()
        account = Account.__table__()
        config = Config.__table__()

        where = (account.edu_cash == 'cash_desk') & (move.state == 'posted')
        company = context.get('company')
        where &= move.company == (company if company is not None else -1)
        if context.get('account'):
            where &= line.account == context['account']
        days = (line
            .join(move, condition=line.move == move.id)
            .join(account, condition=line.account == account.id)
            .select(
                Min(line.id).as_('id'),
                move.company.as_('company'),
                line.account.as_('account'),
                move.date.as_('date'),
                Sum(Coalesce(line.debit, 0)).as_('receipts'),
                Sum(Coalesce(line.credit, 0)).as_('disbursements'),
                where=where,
                group_by=[move.company, line.account, move.date]))
        window = Window([days.account], order_by=[days.date.asc])
        running = days.select(
            days.id, days.company, days.account, days.date, days.receipts,
            days.disbursements,
            Sum(days.receipts - days.disbursements, window=window).as_(
                'closing'))
        where = Literal(True)
        if context.get('from_date'):
            where &= running.date >= context['from_date']
        if context.get('to_date'):
            where &= running.date <= context['to_date']
        return running.join(config, 'LEFT',
            condition=config.company == running.company).select(
                running.id.as_('id'),
                Literal(0).as_('create_uid'),
                CurrentTimestamp().as_('create_date'),
                Literal(Null).as_('write_uid'),
                Literal(Null).as_('write_date'),
                running.company.as_('company'),
                running.account.as_('account'),
                running.date.as_('date'),
                (running.closing - running.receipts
                    + running.disbursements).as_('opening'),
                running.receipts.as_('receipts'),
                running.disbursements.as_('disbursements'),
                running.closing.as_('closing'),
                config.cash_limit.as_('cash_limit'),
                where=where)

    def get_over_limit(self, name):
        return (self.cash_limit is not None
            and Decimal(self.closing or 0) > Decimal(self.cash_limit))

    @classmethod
    def get_orders(cls, days, name):
        Order = Pool().get('edu.cash.order')
        result = {d.id: [] for d in days}
        for day in days:
            result[day.id] = [o.id for o in Order.search([
                        ('company', '=', day.company.id),
                        ('cash_account', '=', day.account.id),
                        ('date', '=', day.date),
                        ('state', 'in', ['posted', 'cancelled']),
                        ], order=[('kind', 'DESC'), ('number', 'ASC')])]
        return result


def cash_book_days(records, data):
    "The days to print: the selected rows, else the context's period"
    CashBook = Pool().get('edu.cash.book')
    if records:
        days = CashBook.browse([r.id for r in records])
    else:
        days = CashBook.search([])
    return sorted(days, key=lambda d: (d.account.code or '', d.date))


def _order_rows(day):
    rows = []
    for order in day.orders:
        receipt = order.kind == 'receipt'
        rows.append([
                order.number or '',
                '%s%s' % (order.party.rec_name,
                    (', ' + order.party_code) if order.party_code else ''),
                order.account.code or order.account.rec_name,
                order.amount if receipt else '',
                '' if receipt else order.amount,
                ])
        if order.state == 'cancelled':
            rows.append([order.number or '',
                    translated('edu_account_cash.msg_label_cancelled'),
                    order.account.code or '',
                    -order.amount if receipt else '',
                    '' if receipt else -order.amount])
    return rows


class CashBookReport(FileReport):
    "Cash book PDF"
    __name__ = 'edu.cash.book.report'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        Lang = Pool().get('ir.lang')
        lang = Lang.get()
        days = cash_book_days(records, data)
        title = translated('edu_account_cash.msg_label_cash_book',
            from_date=lang.strftime(days[0].date) if days else '',
            to_date=lang.strftime(days[-1].date) if days else '')
        pdf = PdfDocument(title)
        if days:
            pdf.paragraph(days[0].company.rec_name)
        header = [translated('edu_account_cash.msg_label_number'),
            translated('edu_account_cash.msg_label_party'),
            translated('edu_account_cash.msg_label_counter_account'),
            translated('edu_account_cash.msg_label_receipts'),
            translated('edu_account_cash.msg_label_disbursements')]
        for day in days:
            pdf.heading(translated('edu_account_cash.msg_label_cash_sheet',
                    date=lang.strftime(day.date),
                    account=day.account.rec_name))
            rows = [header, ['', translated(
                        'edu_account_cash.msg_label_opening'), '',
                    _money(day.opening), '']]
            rows.extend(_order_rows(day))
            total = len(rows)
            rows.append(['', translated('edu_account_cash.msg_label_total'),
                    '', _money(day.receipts), _money(day.disbursements)])
            rows.append(['', translated(
                        'edu_account_cash.msg_label_closing'), '',
                    _money(day.closing), ''])
            pdf.table(rows, col_widths=[0.1, 0.42, 0.14, 0.17, 0.17],
                numeric=(3, 4), bold_rows=(1, total, total + 1))
            if day.over_limit:
                pdf.paragraph(translated(
                        'edu_account_cash.msg_label_over_limit',
                        limit=lang.currency(
                            day.cash_limit, day.company.currency)))
        pdf.signatures([
                (translated('edu_account_cash.msg_label_cashier'), ''),
                (translated('edu_account_cash.msg_label_chief_accountant'),
                    ''),
                ])
        return pdf.build()


class CashBookXlsx(FileReport):
    "Cash book XLSX"
    __name__ = 'edu.cash.book.xlsx'
    extension = 'xlsx'

    @classmethod
    def render(cls, records, data):
        days = cash_book_days(records, data)
        book = XlsxDocument()
        header = [translated('edu_account_cash.msg_label_date'),
            translated('edu_account_cash.msg_label_number'),
            translated('edu_account_cash.msg_label_party'),
            translated('edu_account_cash.msg_label_counter_account'),
            translated('edu_account_cash.msg_label_receipts'),
            translated('edu_account_cash.msg_label_disbursements'),
            translated('edu_account_cash.msg_label_balance')]
        rows, bold = [], []
        for day in days:
            date = day.date.isoformat()
            bold.append(len(rows))
            rows.append([date, '', translated(
                        'edu_account_cash.msg_label_opening'), '', '', '',
                    _money(day.opening)])
            for row in _order_rows(day):
                rows.append([date] + row + [''])
            bold.append(len(rows))
            rows.append([date, '', translated(
                        'edu_account_cash.msg_label_closing'), '',
                    _money(day.receipts), _money(day.disbursements),
                    _money(day.closing)])
        title = translated('edu_account_cash.msg_label_cash_book',
            from_date=days[0].date.isoformat() if days else '',
            to_date=days[-1].date.isoformat() if days else '')
        book.sheet(translated('edu_account_cash.msg_label_cash_book_sheet'),
            title, header, rows, bold_rows=bold,
            widths=[11, 8, 40, 10, 14, 14, 14])
        return book.build()

