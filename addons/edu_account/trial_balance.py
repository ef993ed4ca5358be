# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Trial balance (оборотно-сальдовая ведомость) of a state institution
(R19.2): opening balance, turnover and closing balance of every account for
any dates, optionally split by ЕБК specific or by funding source, computed
by one SQL aggregate over the move lines.
"""
import datetime as dt
from decimal import Decimal

from sql import Cast, Literal
from sql.aggregate import Min, Sum
from sql.conditionals import Case, Coalesce

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .printing import FileReport, PdfDocument, XlsxDocument, translated
from .words import format_amount

GROUP_BY = [
    ('account', "Account"),
    ('specific', "Account and ЕБК Specific"),
    ('source', "Account and Funding Source"),
    ]
AMOUNTS = ['opening_debit', 'opening_credit', 'debit', 'credit',
    'closing_debit', 'closing_credit']


def _amount(name):
    return fields.Numeric(name, digits=(16, 2))


class TrialBalanceContext(ModelView):
    "Trial balance context"
    __name__ = 'edu.account.trial_balance.context'
    __string__ = "Trial Balance Context"
    company = fields.Many2One('company.company', "Institution", required=True)
    from_date = fields.Date("From Date", required=True,
        domain=[('from_date', '<=', Eval('to_date', None))])
    to_date = fields.Date("To Date", required=True,
        domain=[('to_date', '>=', Eval('from_date', None))])
    posted = fields.Boolean("Posted Moves Only",
        help="Leave unchecked to include the draft moves.")
    group_by = fields.Selection(GROUP_BY, "Group By", required=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_from_date(cls):
        context = Transaction().context
        if context.get('from_date'):
            return context['from_date']
        today = Pool().get('ir.date').today()
        return today.replace(month=1, day=1)

    @classmethod
    def default_to_date(cls):
        context = Transaction().context
        if context.get('to_date'):
            return context['to_date']
        return Pool().get('ir.date').today()

    @classmethod
    def default_posted(cls):
        return Transaction().context.get('posted', True)

    @classmethod
    def default_group_by(cls):
        return Transaction().context.get('group_by', 'account')

    @classmethod
    def get_context(cls):
        "Return the context values with their defaults"
        context = Transaction().context
        values = {
            'company': context.get('company'),
            'from_date': context.get('from_date') or cls.default_from_date(),
            'to_date': context.get('to_date') or cls.default_to_date(),
            'posted': context.get('posted', True),
            'group_by': context.get('group_by') or 'account',
            }
        for name in ['from_date', 'to_date']:
            if isinstance(values[name], str):
                values[name] = dt.date.fromisoformat(values[name])
        return values


class TrialBalance(ModelSQL, ModelView):
    "Trial balance (R19.2)"
    __name__ = 'edu.account.trial_balance'
    __string__ = "Trial Balance"
    company = fields.Many2One('company.company', "Institution")
    account = fields.Many2One('account.account', "Account")
    ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific",
        states={
            'invisible': Eval('context', {}).get('group_by') != 'specific',
            })
    funding_source = fields.Many2One('edu.funding.source', "Funding Source",
        states={
            'invisible': Eval('context', {}).get('group_by') != 'source',
            })
    opening_debit = _amount("Opening Debit")
    opening_credit = _amount("Opening Credit")
    debit = _amount("Debit Turnover")
    credit = _amount("Credit Turnover")
    closing_debit = _amount("Closing Debit")
    closing_credit = _amount("Closing Credit")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('account', 'ASC'),
            ('ebk_specific', 'ASC'),
            ('funding_source', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def _income_start(cls, company, from_date):
        "The first day the income accounts count from: the fiscal year's"
        FiscalYear = Pool().get('account.fiscalyear')
        fiscalyears = FiscalYear.search([
                ('company', '=', company),
                ('start_date', '<=', from_date),
                ('end_date', '>=', from_date),
                ], limit=1)
        if fiscalyears:
            return fiscalyears[0].start_date
        return from_date.replace(month=1, day=1)

    @classmethod
    def table_query(cls):
        pool = Pool()
        Context = pool.get('edu.account.trial_balance.context')
        Line = pool.get('account.move.line')
        Move = pool.get('account.move')
        Account = pool.get('account.account')
        Type = pool.get('account.account.type')
        context = Context.get_context()
        company = context['company'] or -1
        from_date, to_date = context['from_date'], context['to_date']
        group_by = context['group_by']

        line = Line.__table__()
        move = Move.__table__()
        account = Account.__table__()
        type_ = Type.__table__()

        zero = Literal(Decimal(0))
        where = ((move.company == company)
            & (move.date <= to_date)
            & ((Coalesce(type_.statement, '') != 'income')
                | (move.date >= cls._income_start(company, from_date))))
        if context['posted']:
            where &= move.state == 'posted'
        opening = Sum(Case((move.date < from_date, line.debit - line.credit),
                else_=zero))
        debit = Sum(Case((move.date >= from_date, line.debit), else_=zero))
        credit = Sum(Case((move.date >= from_date, line.credit), else_=zero))

        group = [line.account]
        specific = source = Cast(Literal(None), Line.id.sql_type().base)
        if group_by == 'specific':
            specific = line.ebk_specific
            group.append(specific)
        elif group_by == 'source':
            source = line.funding_source
            group.append(source)
        if group_by == 'account':
            id_ = line.account
        else:
            id_ = Min(line.id)
        inner = (line
            .join(move, condition=line.move == move.id)
            .join(account, condition=line.account == account.id)
            .join(type_, 'LEFT', condition=account.type == type_.id)
            .select(
                id_.as_('id'),
                line.account.as_('account'),
                specific.as_('ebk_specific'),
                source.as_('funding_source'),
                opening.as_('opening'),
                debit.as_('debit'),
                credit.as_('credit'),
                where=where,
                group_by=group))
        closing = inner.opening + inner.debit - inner.credit
        return inner.select(
            inner.id.as_('id'),
            Literal(0).as_('create_uid'),
            Cast(Literal(None), Line.create_date.sql_type().base).as_(
                'create_date'),
            Cast(Literal(None), Line.id.sql_type().base).as_('write_uid'),
            Cast(Literal(None), Line.write_date.sql_type().base).as_(
                'write_date'),
            Literal(company).as_('company'),
            inner.account.as_('account'),
            inner.ebk_specific.as_('ebk_specific'),
            inner.funding_source.as_('funding_source'),
            Case((inner.opening > 0, inner.opening),
                else_=zero).as_('opening_debit'),
            Case((inner.opening < 0, -inner.opening),
                else_=zero).as_('opening_credit'),
            inner.debit.as_('debit'),
            inner.credit.as_('credit'),
            Case((closing > 0, closing), else_=zero).as_('closing_debit'),
            Case((closing < 0, -closing), else_=zero).as_('closing_credit'),
            where=(inner.opening != 0) | (inner.debit != 0)
            | (inner.credit != 0))

    @classmethod
    def read(cls, ids, fields_names):
        # SQLite sums the stored decimals as floats: give Decimals back
        result = super().read(ids, fields_names)
        quantum = Decimal('0.01')
        for row in result:
            for name in AMOUNTS:
                if name in row and row[name] is not None:
                    row[name] = Decimal(str(row[name])).quantize(quantum)
        return result

    @classmethod
    def totals(cls, records):
        "Return the dict of the column totals of records"
        return {name: sum((getattr(r, name) or Decimal(0) for r in records),
                Decimal(0)) for name in AMOUNTS}


# --- printed reports --------------------------------------------------------

def _context_values():
    pool = Pool()
    Context = pool.get('edu.account.trial_balance.context')
    Company = pool.get('company.company')
    values = Context.get_context()
    company = Company(values['company']) if values['company'] else None
    return values, company


def trial_balance_table(records):
    "Return header, rows and bold rows of the trial balance records"
    pool = Pool()
    TrialBalance = pool.get('edu.account.trial_balance')
    values, _ = _context_values()
    group_by = values['group_by']
    header = [translated('edu_account.msg_print_account')]
    if group_by == 'specific':
        header.append(translated('edu_account.msg_print_ebk_specific'))
    elif group_by == 'source':
        header.append(translated('edu_account.msg_print_funding_source'))
    header += [translated('edu_account.msg_print_%s' % n) for n in AMOUNTS]
    rows = []
    for record in records:
        row = [record.account.rec_name]
        if group_by == 'specific':
            row.append(record.ebk_specific.rec_name
                if record.ebk_specific else '')
        elif group_by == 'source':
            row.append(record.funding_source.rec_name
                if record.funding_source else '')
        row += [getattr(record, n) for n in AMOUNTS]
        rows.append(row)
    totals = TrialBalance.totals(records)
    total = [translated('edu_account.msg_print_total')]
    if group_by != 'account':
        total.append('')
    rows.append(total + [totals[n] for n in AMOUNTS])
    return header, rows, (len(rows) - 1,)


def _records(records):
    "The rows to print: the selected ones, else all of the context"
    TrialBalance = Pool().get('edu.account.trial_balance')
    if records:
        return TrialBalance.browse([r.id for r in records])
    return TrialBalance.search([])


def _title():
    values, company = _context_values()
    return translated('edu_account.msg_print_trial_balance_title',
        company=company.rec_name if company else '',
        from_date=values['from_date'].strftime('%d.%m.%Y'),
        to_date=values['to_date'].strftime('%d.%m.%Y'))


class TrialBalancePdf(FileReport):
    __name__ = 'edu.account.trial_balance.pdf'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        records = _records(records)
        header, rows, bold = trial_balance_table(records)
        amounts = len(header) - 6
        for row in rows:
            for i in range(amounts, len(row)):
                row[i] = format_amount(row[i]) if row[i] else ''
        doc = PdfDocument(_title(), landscape=True)
        doc.heading(_title())
        widths = ([0.28] if amounts == 1 else [0.2, 0.12])
        rest = (1 - sum(widths)) / 6
        doc.table([header] + rows, header=True,
            col_widths=widths + [rest] * 6,
            numeric=tuple(range(amounts, len(header))),
            bold_rows=tuple(b + 1 for b in bold))
        doc.signatures([
                (translated('edu_account.msg_print_chief_accountant'), ''),
                ])
        return doc.build()


class TrialBalanceXlsx(FileReport):
    __name__ = 'edu.account.trial_balance.xlsx'
    extension = 'xlsx'

    @classmethod
    def render(cls, records, data):
        records = _records(records)
        header, rows, bold = trial_balance_table(records)
        doc = XlsxDocument()
        widths = [40] + ([30] if len(header) > 7 else []) + [16] * 6
        doc.sheet(translated('edu_account.msg_print_trial_balance'),
            _title(), header, rows, bold_rows=bold, widths=widths)
        return doc.build()
