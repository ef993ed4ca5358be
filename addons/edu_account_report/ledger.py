# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The four financial statements of a state institution computed from the
ledger (R19.13): ФО-1 balance sheet, ФО-2 statement of financial
performance, ФО-3 cash flows by funding source (direct method), ФО-4
changes in net assets, with their control relations.

Everything is read with two SQL statements, whatever the number of lines:

1. ``balances``: the move lines of the company up to the end date, summed
   per (account, funding source, period type): the balance before the
   start date, the debit and credit of the period and the balance of the
   same period of the previous year;
2. ``money moves``: the lines of the money accounts (``edu_cash`` set)
   in the period, summed per (funding source, counterpart account).

Rules (documented, tested):

* a balance-sheet account feeds the ФО-1 line of its account type's
  ``fo_line`` (looked up the type's parents when empty): assets
  (lines 0xx-1xx) as debit - credit, liabilities (2xx-3xx) and net assets
  (4xx-5xx) as credit - debit;
* an income-statement account (type ``statement`` = income) feeds the
  ФО-2 line of its type's ``fo_line`` (revenues 0xx as credit - debit,
  expenses 1xx as debit - credit); its balance not yet closed is shown in
  ФО-1 line 420 (financial result) so the sheet balances before closing;
* the closing of the year is the moves of the *adjustment* periods (where
  Tryton's "Balance Non-Deferral" wizard puts them): ФО-2 leaves them out,
  ФО-4 shows them as "transfers";
* ФО-3 classifies each money line by its **counterpart**: the account of
  the largest non-money line of the same move (ties: the smallest code);
  a move of money lines only is an internal transfer.  Inflows are the
  money debits, outflows the money credits; columns are the funding
  sources of the money lines.
"""
from collections import defaultdict
from decimal import Decimal

from sql.aggregate import Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Abs

from trytond.pool import Pool
from trytond.transaction import Transaction

CENT = Decimal('0.01')
ZERO = Decimal('0.00')
NO_SOURCE = 0  # the column of the money lines without funding source

#: ФО-1 lines: (code, message suffix, section)
FO1_LINES = [
    ('010', 'assets'), ('020', 'assets'), ('030', 'assets'),
    ('040', 'assets'), ('110', 'assets'), ('120', 'assets'),
    ('210', 'liabilities'), ('220', 'liabilities'),
    ('410', 'net_assets'), ('420', 'net_assets'),
    ]
#: ФО-2 lines: (code, kind)
FO2_LINES = [
    ('010', 'revenue'), ('020', 'revenue'), ('030', 'revenue'),
    ('040', 'revenue'), ('050', 'revenue'),
    ('110', 'expense'), ('120', 'expense'), ('130', 'expense'),
    ('140', 'expense'), ('150', 'expense'), ('160', 'expense'),
    ('170', 'expense'),
    ]
CASH_LINE = '010'
RESULT_LINE = '420'

#: ФО-3 kinds of inflows and outflows by counterpart account code prefix
#: (first match wins); ``None`` = internal transfer between money accounts
INFLOW_RULES = [
    ('budget', ('6010', '6020')),
    ('paid', ('6110', '1210')),
    ('sponsorship', ('6120',)),
    ]
OUTFLOW_RULES = [
    ('wages', ('3220', '31', '7010', '7020')),
    ('suppliers', ('3210', '1280')),
    ('accountable', ('1250', '3230')),
    ('trips', ('7150',)),
    ]
INFLOW_KINDS = [k for k, _ in INFLOW_RULES] + ['transfer', 'other']
OUTFLOW_KINDS = [k for k, _ in OUTFLOW_RULES] + ['transfer', 'other']
FORMS = ['fo1', 'fo2', 'fo3', 'fo4']


def money(value):
    "Return value (None, int, float, Decimal) as a Decimal of 2 digits"
    if value is None:
        return ZERO
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(CENT)


def section_of(code):
    "Return the ФО-1 section of a line code"
    return {'0': 'assets', '1': 'assets', '2': 'liabilities',
        '3': 'liabilities'}.get((code or ' ')[0], 'net_assets')


def classify(code, inflow):
    "Return the ФО-3 kind of a money line of counterpart account code"
    if code is None:
        return 'transfer'
    for kind, prefixes in (INFLOW_RULES if inflow else OUTFLOW_RULES):
        if any(code.startswith(p) for p in prefixes):
            return kind
    return 'other'


def previous_year(date):
    try:
        return date.replace(year=date.year - 1)
    except ValueError:  # 29 February
        return date.replace(year=date.year - 1, day=28)


def type_fo_line(type_):
    "Return the fo_line of an account type or of its nearest parent"
    while type_:
        code = getattr(type_, 'fo_line', None)
        if code:
            return code.strip()
        type_ = type_.parent
    return None


class AccountInfo:
    "What the statements need of an account"
    __slots__ = ('id', 'code', 'name', 'kind', 'fo_line', 'cash')

    def __init__(self, account):
        self.id = account.id
        self.code = account.code or ''
        self.name = account.name
        type_ = account.type
        if not type_:
            self.kind, self.fo_line = None, None
        elif type_.statement == 'income':
            self.kind, self.fo_line = 'income', type_fo_line(type_)
        elif type_.statement == 'balance':
            self.kind, self.fo_line = 'balance', type_fo_line(type_)
        else:  # off-balance accounts are in no statement
            self.kind, self.fo_line = 'off', None
        self.cash = bool(getattr(account, 'edu_cash', None))


def _where(move, company, to_date, posted):
    where = (move.company == company) & (move.date <= to_date)
    if posted:
        where &= move.state == 'posted'
    return where


def query_balances(company, from_date, to_date, posted=True):
    """Return {(account id, source id or 0, adjustment): [opening,
    debit, credit, previous]} where opening = debit - credit before
    from_date, debit/credit = of the period, previous = debit - credit of
    the same period of the previous year"""
    pool = Pool()
    Line = pool.get('account.move.line')
    Move = pool.get('account.move')
    Period = pool.get('account.period')
    line, move, period = Line.__table__(), Move.__table__(), \
        Period.__table__()
    prev_from, prev_to = previous_year(from_date), previous_year(to_date)
    in_period = move.date >= from_date
    in_previous = (move.date >= prev_from) & (move.date <= prev_to)
    debit, credit = Coalesce(line.debit, 0), Coalesce(line.credit, 0)
    query = line.join(move, condition=line.move == move.id
        ).join(period, condition=move.period == period.id
        ).select(line.account, line.funding_source, period.type,
            Sum(Case((move.date < from_date, debit - credit), else_=0)),
            Sum(Case((in_period, debit), else_=0)),
            Sum(Case((in_period, credit), else_=0)),
            Sum(Case((in_previous, debit - credit), else_=0)),
            where=_where(move, company, to_date, posted),
            group_by=[line.account, line.funding_source, period.type])
    cursor = Transaction().connection.cursor()
    cursor.execute(*query)
    result = {}
    for account, source, ptype, opening, debit, credit, prev in cursor:
        key = (account, source or NO_SOURCE, ptype == 'adjustment')
        values = result.setdefault(key, [ZERO] * 4)
        for i, value in enumerate((opening, debit, credit, prev)):
            values[i] += money(value)
    return result


def query_money(company, from_date, to_date, money_ids, posted=True):
    """Return {(source id or 0, counterpart code or None): [debit, credit]}
    of the lines of the money accounts in the period (one statement)"""
    if not money_ids:
        return {}
    pool = Pool()
    Line = pool.get('account.move.line')
    Move = pool.get('account.move')
    Account = pool.get('account.account')
    line, move = Line.__table__(), Move.__table__()
    other, account = Line.__table__(), Account.__table__()
    counterpart = other.join(account, condition=other.account == account.id
        ).select(account.code,
            where=(other.move == line.move)
            & ~other.account.in_(list(money_ids)),
            order_by=[
                Abs(Coalesce(other.debit, 0) - Coalesce(other.credit, 0)
                    ).desc,
                account.code.asc],
            limit=1)
    lines = line.join(move, condition=line.move == move.id
        ).select(line.funding_source.as_('source'),
            counterpart.as_('counterpart'),
            Coalesce(line.debit, 0).as_('debit'),
            Coalesce(line.credit, 0).as_('credit'),
            where=_where(move, company, to_date, posted)
            & (move.date >= from_date)
            & line.account.in_(list(money_ids)))
    query = lines.select(lines.source, lines.counterpart,
        Sum(lines.debit), Sum(lines.credit),
        group_by=[lines.source, lines.counterpart])
    cursor = Transaction().connection.cursor()
    cursor.execute(*query)
    result = {}
    for source, code, debit, credit in cursor:
        values = result.setdefault((source or NO_SOURCE, code), [ZERO, ZERO])
        values[0] += money(debit)
        values[1] += money(credit)
    return result


def _add(mapping, key, value):
    mapping[key] = mapping.get(key, ZERO) + value


def compute(company, from_date, to_date, posted=True):
    """Return the statements of company for [from_date, to_date] as a
    JSON-able dict (amounts as strings):

    ``fo1``: {'lines': {code: [start, end]}, 'extra': {code: name},
    'unclassified': [start, end]}; ``fo2``: {'lines': {code: [current,
    previous]}, 'extra'}; ``fo3``: {'sources': [id], 'opening': {src},
    'inflows': {kind: {src}}, 'outflows': {kind: {src}}}, ``fo4``:
    {'columns': [account code], 'rows': {row: {column: amount}}};
    ``ledger``: the reference figures of the controls; ``controls``.
    """
    pool = Pool()
    Account = pool.get('account.account')
    company_id = getattr(company, 'id', company)
    balances = query_balances(company_id, from_date, to_date, posted)
    account_ids = {k[0] for k in balances}
    with Transaction().set_context(active_test=False):
        accounts = {a.id: AccountInfo(a) for a in Account.search([
                    ('company', '=', company_id),
                    ['OR', ('edu_cash', 'not in', [None, '']),
                        ('id', 'in', list(account_ids))],
                    ], order=[('code', 'ASC'), ('id', 'ASC')])}
    money_ids = sorted(a.id for a in accounts.values() if a.cash)
    moves = query_money(company_id, from_date, to_date, money_ids, posted)

    fo1 = {'start': {}, 'end': {}}
    fo1_unclassified = [ZERO, ZERO]
    fo2 = {'current': {}, 'previous': {}}
    fo2_unclassified = [ZERO, ZERO]
    cash_start, cash_end = defaultdict(Decimal), defaultdict(Decimal)
    money_start = defaultdict(Decimal)
    fo4 = defaultdict(lambda: defaultdict(Decimal))
    fo4_columns = []
    income_result = [ZERO, ZERO]  # unclosed result at start, at end
    for (account_id, source, adjustment), (opening, debit, credit,
            previous) in balances.items():
        info = accounts.get(account_id)
        if info is None:
            continue
        end = opening + debit - credit
        if info.cash:
            money_start[source] += opening
        if info.kind == 'income':
            income_result[0] -= opening
            income_result[1] -= end
            column = '*'
            fo4['opening'][column] -= opening
            if adjustment:
                fo4['transfers'][column] += credit - debit
            else:
                fo4['result'][column] += credit - debit
            code = info.fo_line
            if not adjustment:
                sign = 1 if (code or '1')[0] == '0' else -1
                if code:
                    _add(fo2['current'], code, sign * (credit - debit))
                    _add(fo2['previous'], code, sign * -previous)
                else:
                    fo2_unclassified[0] += credit - debit
                    fo2_unclassified[1] += -previous
        elif info.kind == 'balance':
            code = info.fo_line
            if not code:
                fo1_unclassified[0] += opening
                fo1_unclassified[1] += end
                continue
            section = section_of(code)
            sign = 1 if section == 'assets' else -1
            _add(fo1['start'], code, sign * opening)
            _add(fo1['end'], code, sign * end)
            if code == CASH_LINE:
                cash_start[source] += opening
                cash_end[source] += end
            if section == 'net_assets':
                column = info.code
                if column not in fo4_columns:
                    fo4_columns.append(column)
                fo4['opening'][column] -= opening
                fo4['transfers' if adjustment else 'other'][column] += (
                    credit - debit)
        elif info.kind is None:
            fo1_unclassified[0] += opening
            fo1_unclassified[1] += end
    _add(fo1['start'], RESULT_LINE, income_result[0])
    _add(fo1['end'], RESULT_LINE, income_result[1])
    fo4_columns.sort()
    fo4_columns.append('*')
    for column in fo4_columns:
        fo4['closing'][column] = sum(
            (fo4[row][column] for row in ('opening', 'result', 'transfers',
                    'other')), ZERO)

    # ФО-3
    inflows = {k: defaultdict(Decimal) for k in INFLOW_KINDS}
    outflows = {k: defaultdict(Decimal) for k in OUTFLOW_KINDS}
    for (source, code), (debit, credit) in moves.items():
        if debit:
            inflows[classify(code, True)][source] += debit
        if credit:
            outflows[classify(code, False)][source] += credit
    sources = set(money_start) | {s for k in inflows.values() for s in k} | {
        s for k in outflows.values() for s in k}
    sources = sorted(sources, key=lambda s: (s == NO_SOURCE, s))
    closing = {s: money_start.get(s, ZERO)
        + sum((inflows[k].get(s, ZERO) for k in INFLOW_KINDS), ZERO)
        - sum((outflows[k].get(s, ZERO) for k in OUTFLOW_KINDS), ZERO)
        for s in sources}

    def plain(mapping):
        return {str(k): str(money(v)) for k, v in mapping.items()}

    result = {
        'company': company_id,
        'from_date': from_date.isoformat(),
        'to_date': to_date.isoformat(),
        'previous': [previous_year(from_date).isoformat(),
            previous_year(to_date).isoformat()],
        'fo1': {'start': plain(fo1['start']), 'end': plain(fo1['end']),
            'unclassified': [str(money(v)) for v in fo1_unclassified]},
        'fo2': {'current': plain(fo2['current']),
            'previous': plain(fo2['previous']),
            'unclassified': [str(money(v)) for v in fo2_unclassified]},
        'fo3': {'sources': sources,
            'opening': plain({s: money_start.get(s, ZERO) for s in sources}),
            'inflows': {k: plain(v) for k, v in inflows.items()},
            'outflows': {k: plain(v) for k, v in outflows.items()},
            'closing': plain(closing)},
        'fo4': {'columns': fo4_columns,
            'rows': {r: plain({c: fo4[r][c] for c in fo4_columns})
                for r in ('opening', 'result', 'transfers', 'other',
                    'closing')}},
        'ledger': {'cash_start': plain(cash_start),
            'cash_end': plain(cash_end),
            'fo4_result': str(money(fo4['result']['*']))},
        }
    result['controls'] = controls(result)
    return result


def d(value):
    return Decimal(value) if value is not None else ZERO


def totals(statements):
    "Return the totals the statements print and the controls compare"
    fo1 = statements['fo1']
    result = {}
    for when in ('start', 'end'):
        lines = fo1[when]
        for section in ('assets', 'liabilities', 'net_assets'):
            result[f'fo1_{section}_{when}'] = sum(
                (d(v) for c, v in lines.items() if section_of(c) == section),
                ZERO)
    fo2 = statements['fo2']
    for when in ('current', 'previous'):
        revenue = sum((d(v) for c, v in fo2[when].items() if c[0] == '0'),
            ZERO)
        expense = sum((d(v) for c, v in fo2[when].items() if c[0] != '0'),
            ZERO)
        result[f'fo2_revenue_{when}'] = revenue
        result[f'fo2_expense_{when}'] = expense
        result[f'fo2_result_{when}'] = revenue - expense
    fo3 = statements['fo3']
    for name in ('opening', 'closing'):
        result[f'fo3_{name}'] = sum((d(v) for v in fo3[name].values()), ZERO)
    result['fo3_inflows'] = sum((d(v) for k in fo3['inflows'].values()
                for v in k.values()), ZERO)
    result['fo3_outflows'] = sum((d(v) for k in fo3['outflows'].values()
                for v in k.values()), ZERO)
    fo4 = statements['fo4']['rows']
    for row in fo4:
        result[f'fo4_{row}'] = sum((d(v) for v in fo4[row].values()), ZERO)
    return result


def controls(statements):
    """Return the control relations: dicts of key (message suffix),
    variables, expected, actual, difference (strings), ok"""
    t = totals(statements)
    ledger = statements['ledger']
    fo3 = statements['fo3']
    checks = []

    def check(key, expected, actual, **variables):
        expected, actual = money(expected), money(actual)
        checks.append({'key': key, 'variables': variables,
                'expected': str(expected), 'actual': str(actual),
                'difference': str(actual - expected),
                'ok': actual == expected})

    for when in ('start', 'end'):
        check(f'fo1_balance_{when}', t[f'fo1_assets_{when}'],
            t[f'fo1_liabilities_{when}'] + t[f'fo1_net_assets_{when}'])
    start, end = statements['fo1']['unclassified']
    check('unclassified', ZERO, d(end) if d(end) else d(start))
    check('fo2_unclassified', ZERO, d(statements['fo2']['unclassified'][0]))
    cash_start = sum((d(v) for v in ledger['cash_start'].values()), ZERO)
    cash_end = sum((d(v) for v in ledger['cash_end'].values()), ZERO)
    check('fo3_opening', cash_start, t['fo3_opening'])
    check('fo3_closing', cash_end, t['fo3_closing'])
    sources = {str(s) for s in fo3['sources']} | set(ledger['cash_end'])
    for source in sorted(sources, key=lambda s: (s == str(NO_SOURCE),
                int(s))):
        if source == str(NO_SOURCE):
            continue
        check('fo3_source', d(ledger['cash_end'].get(source)),
            d(fo3['closing'].get(source)), source=int(source))
    no_source = d(fo3['closing'].get(str(NO_SOURCE))) or d(
        ledger['cash_end'].get(str(NO_SOURCE)))
    check('fo3_no_source', ZERO, no_source)
    check('fo2_fo4', t['fo2_result_current'], t['fo4_result'])
    check('fo4_opening', t['fo1_net_assets_start'], t['fo4_opening'])
    check('fo4_closing', t['fo1_net_assets_end'], t['fo4_closing'])
    return checks


def period_dates(fiscalyear=None, start_period=None, end_period=None,
        from_date=None, to_date=None):
    "Return (from_date, to_date) of a fiscal year + periods or dates"
    if start_period:
        from_date = start_period.start_date
    elif fiscalyear and not from_date:
        from_date = fiscalyear.start_date
    if end_period:
        to_date = end_period.end_date
    elif fiscalyear and not to_date:
        to_date = fiscalyear.end_date
    return from_date, to_date

