# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Main book (Главная книга) and the journal-order reports (R19.2).

The Main book gives, for a fiscal year, every account month by month: the
opening balance, the debit and credit turnover and the closing balance.
The journal order of a journal and period lists its posted moves as
account correspondences (debit account, credit account, amount) and their
totals by correspondence.
"""
from collections import OrderedDict, defaultdict
from decimal import Decimal

from sql.aggregate import Sum
from sql.conditionals import Coalesce

from trytond.pool import Pool
from trytond.transaction import Transaction

from .printing import FileReport, PdfDocument, XlsxDocument, translated
from .words import format_amount

ZERO = Decimal(0)
CENT = Decimal('0.01')


def _dec(value):
    return Decimal(str(value or 0)).quantize(CENT)


def _split(balance):
    "Return (debit, credit) of a balance"
    return (balance, ZERO) if balance > 0 else (ZERO, -balance)


def main_book_rows(fiscalyear, posted=True):
    """Return the Main book of fiscalyear as a list of
    (account, [(period, opening, debit, credit, closing), ...]).

    One SQL aggregate gives the opening balance of the balance-sheet
    accounts before the year and the turnover of every account by period.
    """
    pool = Pool()
    Line = pool.get('account.move.line')
    Move = pool.get('account.move')
    Account = pool.get('account.account')
    Type = pool.get('account.account.type')
    Period = pool.get('account.period')
    line = Line.__table__()
    move = Move.__table__()
    account = Account.__table__()
    type_ = Type.__table__()
    cursor = Transaction().connection.cursor()

    company = fiscalyear.company.id
    start, end = fiscalyear.start_date, fiscalyear.end_date
    where = ((move.company == company) & (move.date <= end)
        & ((move.date >= start)
            | (Coalesce(type_.statement, '') != 'income')))
    if posted:
        where &= move.state == 'posted'
    cursor.execute(*line
        .join(move, condition=line.move == move.id)
        .join(account, condition=line.account == account.id)
        .join(type_, 'LEFT', condition=account.type == type_.id)
        .select(
            line.account, move.period,
            Sum(line.debit), Sum(line.credit),
            where=where,
            group_by=[line.account, move.period]))
    year_periods = {p.id for p in Period.search([
                ('fiscalyear', '=', fiscalyear.id)])}
    opening = defaultdict(lambda: ZERO)
    turnover = defaultdict(dict)
    for account_id, period_id, debit, credit in cursor:
        if period_id not in year_periods:
            opening[account_id] += _dec(debit) - _dec(credit)
        else:
            turnover[account_id][period_id] = (_dec(debit), _dec(credit))
    periods = Period.search([
            ('fiscalyear', '=', fiscalyear.id),
            ('type', '=', 'standard'),
            ], order=[('start_date', 'ASC'), ('id', 'ASC')])
    # moves in adjustment periods count in the month they fall in
    others = Period.search([
            ('fiscalyear', '=', fiscalyear.id),
            ('type', '!=', 'standard'),
            ])
    for other in others:
        target = next((p for p in periods
                if p.start_date <= other.start_date <= p.end_date), None)
        if target is None:
            continue
        for by_period in turnover.values():
            if other.id in by_period:
                d, c = by_period.pop(other.id)
                d0, c0 = by_period.get(target.id, (ZERO, ZERO))
                by_period[target.id] = (d0 + d, c0 + c)

    accounts = Account.browse(sorted(set(opening) | set(turnover)))
    accounts = sorted(accounts, key=lambda a: (a.code or '', a.id))
    result = []
    for account in accounts:
        balance = opening.get(account.id, ZERO)
        months = []
        for period in periods:
            debit, credit = turnover[account.id].get(
                period.id, (ZERO, ZERO))
            closing = balance + debit - credit
            months.append((period, balance, debit, credit, closing))
            balance = closing
        result.append((account, months))
    return result


def _money(value):
    return format_amount(value) if value else ''


def _main_book_header():
    return [translated('edu_account.msg_print_account'),
        translated('edu_account.msg_print_month')] + [
        translated('edu_account.msg_print_%s' % n) for n in [
            'opening_debit', 'opening_credit', 'debit', 'credit',
            'closing_debit', 'closing_credit']]


def main_book_table(fiscalyear):
    "Return the header, the rows and the bold rows of the Main book"
    rows, bold = [], []
    totals = [ZERO] * 2
    for account, months in main_book_rows(fiscalyear):
        for i, (period, opening, debit, credit, closing) in enumerate(
                months):
            rows.append([account.rec_name if i == 0 else '', period.name,
                    *_split(opening), debit, credit, *_split(closing)])
        year_debit = sum((m[2] for m in months), ZERO)
        year_credit = sum((m[3] for m in months), ZERO)
        totals[0] += year_debit
        totals[1] += year_credit
        bold.append(len(rows))
        rows.append(['', translated('edu_account.msg_print_year_total'),
                *_split(months[0][1]), year_debit, year_credit,
                *_split(months[-1][4])])
    bold.append(len(rows))
    rows.append([translated('edu_account.msg_print_total'), '', '', '',
            totals[0], totals[1], '', ''])
    return _main_book_header(), rows, bold


def _main_book_title(fiscalyear):
    return translated('edu_account.msg_print_main_book_title',
        company=fiscalyear.company.rec_name, fiscalyear=fiscalyear.name)


class MainBookPdf(FileReport):
    __name__ = 'edu.account.main_book.pdf'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        doc = PdfDocument(translated('edu_account.msg_print_main_book'),
            landscape=True)
        for fiscalyear in records:
            header, rows, bold = main_book_table(fiscalyear)
            rows = [[_money(v) if isinstance(v, Decimal) else v
                        for v in row] for row in rows]
            doc.heading(_main_book_title(fiscalyear))
            doc.table([header] + rows, header=True,
                col_widths=[0.22, 0.1] + [0.68 / 6] * 6,
                numeric=tuple(range(2, 8)),
                bold_rows=tuple(b + 1 for b in bold))
            doc.signatures([
                    (translated('edu_account.msg_print_chief_accountant'),
                        ''),
                    ])
        return doc.build()


class MainBookXlsx(FileReport):
    __name__ = 'edu.account.main_book.xlsx'
    extension = 'xlsx'

    @classmethod
    def render(cls, records, data):
        doc = XlsxDocument()
        for fiscalyear in records:
            header, rows, bold = main_book_table(fiscalyear)
            doc.sheet(fiscalyear.name, _main_book_title(fiscalyear), header,
                rows, bold_rows=bold, widths=[40, 14] + [16] * 6)
        return doc.build()


# --- journal order ----------------------------------------------------------

def correspondences(move):
    """Return the (debit line, credit line, amount) pairs of a move.

    A move with one debit or one credit line pairs it with each line of the
    other side; otherwise the lines are matched in order, amount by
    amount (the usual memorial-order reading).
    """
    debits = [[l, l.debit] for l in move.lines if l.debit > 0]
    credits = [[l, l.credit] for l in move.lines if l.credit > 0]
    # negative amounts (storno) are read on the other side
    debits += [[l, -l.credit] for l in move.lines if l.credit < 0]
    credits += [[l, -l.debit] for l in move.lines if l.debit < 0]
    pairs = []
    i = j = 0
    while i < len(debits) and j < len(credits):
        amount = min(debits[i][1], credits[j][1])
        if amount:
            pairs.append((debits[i][0], credits[j][0], amount))
        debits[i][1] -= amount
        credits[j][1] -= amount
        if not debits[i][1]:
            i += 1
        if not credits[j][1]:
            j += 1
    return pairs


def journal_order_table(journal_period, posted=True):
    "Return (move rows, correspondence rows, total) of a journal period"
    pool = Pool()
    Move = pool.get('account.move')
    domain = [
        ('journal', '=', journal_period.journal.id),
        ('period', '=', journal_period.period.id),
        ]
    if posted:
        domain.append(('state', '=', 'posted'))
    moves = Move.search(domain,
        order=[('date', 'ASC'), ('number', 'ASC'), ('id', 'ASC')])
    rows = []
    summary = OrderedDict()
    total = ZERO
    for move in moves:
        for debit, credit, amount in correspondences(move):
            rows.append([move.number or '', move.date.strftime('%d.%m.%Y'),
                    move.description or '', debit.account.code,
                    credit.account.code, amount])
            key = (debit.account.code, credit.account.code)
            summary[key] = summary.get(key, ZERO) + amount
            total += amount
    summary_rows = [[d, c, a] for (d, c), a in sorted(summary.items())]
    return rows, summary_rows, total


def _journal_order_title(journal_period):
    return translated('edu_account.msg_print_journal_order_title',
        journal=journal_period.journal.rec_name,
        period=journal_period.period.rec_name,
        company=journal_period.period.company.rec_name)


def _journal_order_headers():
    moves = [translated('edu_account.msg_print_number'),
        translated('edu_account.msg_print_date'),
        translated('edu_account.msg_print_description'),
        translated('edu_account.msg_print_debit_account'),
        translated('edu_account.msg_print_credit_account'),
        translated('edu_account.msg_print_amount')]
    summary = [translated('edu_account.msg_print_debit_account'),
        translated('edu_account.msg_print_credit_account'),
        translated('edu_account.msg_print_amount')]
    return moves, summary


class JournalOrderPdf(FileReport):
    __name__ = 'edu.account.journal_order.pdf'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        doc = PdfDocument(translated('edu_account.msg_print_journal_order'),
            landscape=True)
        header, summary_header = _journal_order_headers()
        for journal_period in records:
            rows, summary, total = journal_order_table(journal_period)
            doc.heading(_journal_order_title(journal_period))
            doc.table([header] + rows + [
                    [translated('edu_account.msg_print_total'), '', '', '',
                        '', total]],
                header=True, col_widths=[0.12, 0.1, 0.42, 0.1, 0.1, 0.16],
                numeric=(5,), bold_rows=(len(rows) + 1,))
            doc.paragraph(translated('edu_account.msg_print_summary'))
            doc.table([summary_header] + summary + [
                    [translated('edu_account.msg_print_total'), '', total]],
                header=True, col_widths=[0.3, 0.3, 0.4], numeric=(2,),
                bold_rows=(len(summary) + 1,))
            doc.signatures([
                    (translated('edu_account.msg_print_accountant'), ''),
                    (translated('edu_account.msg_print_chief_accountant'),
                        ''),
                    ])
        return doc.build()


class JournalOrderXlsx(FileReport):
    __name__ = 'edu.account.journal_order.xlsx'
    extension = 'xlsx'

    @classmethod
    def render(cls, records, data):
        doc = XlsxDocument()
        header, summary_header = _journal_order_headers()
        for index, journal_period in enumerate(records, 1):
            rows, summary, total = journal_order_table(journal_period)
            title = _journal_order_title(journal_period)
            rows = rows + [[translated('edu_account.msg_print_total'),
                    '', '', '', '', total]]
            name = '%s %s' % (journal_period.journal.code or index,
                journal_period.period.name)
            doc.sheet(name, title, header, rows,
                bold_rows=(len(rows) - 1,), widths=[14, 12, 40, 12, 12, 16])
            summary = summary + [
                [translated('edu_account.msg_print_total'), '', total]]
            doc.sheet('%s %s' % (index, translated(
                        'edu_account.msg_print_summary'))[:31], title,
                summary_header, summary, bold_rows=(len(summary) - 1,),
                widths=[16, 16, 18])
        return doc.build()
