# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Execution of the financing plan (R19.17).

``edu.financing.plan.execution`` is one SQL query (``table_query``) giving,
per plan, ЕБК specific and month of the fiscal year: the payments plan, the
obligations plan, the registered obligations, the payments executed and the
remainders (plan − registered, plan − executed).

Payments executed are the credit of *posted* move lines on money accounts
(``account.edu_cash`` treasury, bank or cash desk) carrying the plan's
funding source and a ЕБК specific, in the plan's company and fiscal year,
with the plan's programme or no programme.  Transfers between the
institution's own money accounts carry no ЕБК specific and are therefore
not counted as payments.

Posting a move that pays beyond the payments plan (cumulatively up to the
month, as for obligations) or for a specific the plan does not have raises
a warning the accountant may accept: an overrun of the payments plan is
reported, the treasury refuses the actual payment.
"""
from collections import defaultdict
from decimal import Decimal

from sql import Cast, Literal, Union
from sql.aggregate import Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Extract

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, dualmethod, fields
from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, XlsxDocument, translated)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import PaymentOverPlanWarning
from .plan import MONTHS, ZERO, month_field, month_index, month_name

MONEY_KINDS = ['treasury', 'bank', 'cash_desk']


def _month_expr(date, start_date):
    "SQL month (1..12) of date in a fiscal year starting at start_date"
    return ((Extract('YEAR', date) - Extract('YEAR', start_date)) * 12
        + Extract('MONTH', date) - Extract('MONTH', start_date) + 1)


class PlanExecution(ModelSQL, ModelView):
    "Financing Plan Execution"
    __string__ = "Financing Plan Execution"
    __name__ = 'edu.financing.plan.execution'

    plan = fields.Many2One('edu.financing.plan', "Financing Plan")
    company = fields.Many2One('company.company', "Company")
    fiscalyear = fields.Many2One('account.fiscalyear', "Fiscal Year")
    ebk_program = fields.Many2One('edu.ebk.program', "Budget Programme")
    funding_source = fields.Many2One('edu.funding.source', "Funding Source")
    ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific")
    month = fields.Integer("Month")
    month_name = fields.Function(fields.Char("Month Name"),
        'get_month_name')
    plan_payments = fields.Numeric("Payments Plan", digits=(16, 2))
    plan_obligations = fields.Numeric("Obligations Plan", digits=(16, 2))
    registered = fields.Numeric("Registered Obligations", digits=(16, 2))
    executed = fields.Numeric("Executed Payments", digits=(16, 2))
    remainder_payments = fields.Numeric("Payments Remainder",
        digits=(16, 2))
    remainder_obligations = fields.Numeric("Obligations Remainder",
        digits=(16, 2))
    unpaid_obligations = fields.Numeric("Unpaid Obligations",
        digits=(16, 2),
        help="Registered obligations not yet paid.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('plan', 'ASC'), ('ebk_specific.code', 'ASC'),
            ('month', 'ASC'), ('id', 'ASC')]

    def get_month_name(self, name):
        return month_name(self.month) if self.month else ''

    @classmethod
    def _rows(cls):
        "The union of plan, obligation and payment rows"
        pool = Pool()
        Plan = pool.get('edu.financing.plan')
        Line = pool.get('edu.financing.plan.line')
        Obligation = pool.get('edu.budget.obligation')
        MoveLine = pool.get('account.move.line')
        Move = pool.get('account.move')
        Account = pool.get('account.account')
        FiscalYear = pool.get('account.fiscalyear')
        context = Transaction().context
        plan_id = context.get('plan')
        integer = fields.Integer("Month").sql_cast
        zero = Literal(Decimal(0))
        queries = []
        for m in MONTHS:
            line = Line.__table__()
            column = getattr(line, month_field(m))
            where = Literal(True)
            if plan_id:
                where &= line.plan == plan_id
            queries.append(line.select(
                    line.plan.as_('plan'),
                    line.ebk_specific.as_('specific'),
                    Literal(m).as_('month'),
                    Case((line.kind == 'payments', column),
                        else_=zero).as_('plan_payments'),
                    Case((line.kind == 'obligations', column),
                        else_=zero).as_('plan_obligations'),
                    zero.as_('registered'),
                    zero.as_('executed'),
                    where=where))
        obligation = Obligation.__table__()
        plan = Plan.__table__()
        fiscalyear = FiscalYear.__table__()
        where = obligation.state == 'registered'
        if plan_id:
            where &= obligation.plan == plan_id
        queries.append(obligation
            .join(plan, condition=obligation.plan == plan.id)
            .join(fiscalyear, condition=plan.fiscalyear == fiscalyear.id)
            .select(
                obligation.plan.as_('plan'),
                obligation.ebk_specific.as_('specific'),
                integer(_month_expr(obligation.date,
                        fiscalyear.start_date)).as_('month'),
                zero.as_('plan_payments'),
                zero.as_('plan_obligations'),
                obligation.amount.as_('registered'),
                zero.as_('executed'),
                where=where))
        line = MoveLine.__table__()
        move = Move.__table__()
        account = Account.__table__()
        plan = Plan.__table__()
        fiscalyear = FiscalYear.__table__()
        where = ((move.state == 'posted')
            & account.edu_cash.in_(MONEY_KINDS)
            & (line.ebk_specific != None)  # noqa: E711
            & (Coalesce(line.credit, 0) > 0))
        if plan_id:
            where &= plan.id == plan_id
        queries.append(line
            .join(move, condition=line.move == move.id)
            .join(account, condition=line.account == account.id)
            .join(plan, condition=(plan.company == move.company)
                & (plan.funding_source == line.funding_source)
                & ((line.ebk_program == plan.ebk_program)
                    | (line.ebk_program == None)))  # noqa: E711
            .join(fiscalyear, condition=(fiscalyear.id == plan.fiscalyear)
                & (move.date >= fiscalyear.start_date)
                & (move.date <= fiscalyear.end_date))
            .select(
                plan.id.as_('plan'),
                line.ebk_specific.as_('specific'),
                integer(_month_expr(move.date,
                        fiscalyear.start_date)).as_('month'),
                zero.as_('plan_payments'),
                zero.as_('plan_obligations'),
                zero.as_('registered'),
                line.credit.as_('executed'),
                where=where))
        return Union(*queries, all_=True)

    @classmethod
    def table_query(cls):
        pool = Pool()
        Plan = pool.get('edu.financing.plan')
        rows = cls._rows()
        plan = Plan.__table__()
        plan_payments = Sum(rows.plan_payments)
        plan_obligations = Sum(rows.plan_obligations)
        registered = Sum(rows.registered)
        executed = Sum(rows.executed)
        query = (rows
            .join(plan, condition=rows.plan == plan.id)
            .select(
                ((Cast(rows.plan, 'BIGINT') * 100000 + rows.specific) * 16
                    + rows.month).as_('id'),
                rows.plan.as_('plan'),
                plan.company.as_('company'),
                plan.fiscalyear.as_('fiscalyear'),
                plan.ebk_program.as_('ebk_program'),
                plan.funding_source.as_('funding_source'),
                rows.specific.as_('ebk_specific'),
                rows.month.as_('month'),
                plan_payments.as_('plan_payments'),
                plan_obligations.as_('plan_obligations'),
                registered.as_('registered'),
                executed.as_('executed'),
                (plan_payments - executed).as_('remainder_payments'),
                (plan_obligations - registered).as_(
                    'remainder_obligations'),
                (registered - executed).as_('unpaid_obligations'),
                group_by=[rows.plan, plan.company, plan.fiscalyear,
                    plan.ebk_program, plan.funding_source, rows.specific,
                    rows.month]))
        return query

    @classmethod
    def read(cls, ids, fields_names):
        # the numeric columns are sums: give them 2 digits
        result = super().read(ids, fields_names)
        for row in result:
            for name in ['plan_payments', 'plan_obligations', 'registered',
                    'executed', 'remainder_payments',
                    'remainder_obligations', 'unpaid_obligations']:
                if row.get(name) is not None:
                    row[name] = Decimal(row[name]).quantize(Decimal('0.01'))
        return result

    @classmethod
    def table(cls, plan):
        """Return the execution of the plan as rows per specific (ordered by
        code) of 12 months: {specific: {month: {column: amount}}}"""
        with Transaction().set_context(plan=plan.id):
            records = cls.search([('plan', '=', plan.id)])
        result = defaultdict(dict)
        for record in records:
            result[record.ebk_specific][record.month] = record
        return result


class PlanExecutionContext(ModelView):
    "Financing Plan Execution Context"
    __string__ = "Financing Plan Execution Context"
    __name__ = 'edu.financing.plan.execution.context'

    company = fields.Many2One('company.company', "Company", required=True)
    plan = fields.Many2One('edu.financing.plan', "Financing Plan",
        domain=[('company', '=', Eval('company', -1))])

    @staticmethod
    def default_company():
        return Transaction().context.get('company')


COLUMNS = ['plan_payments', 'plan_obligations', 'registered', 'executed',
    'remainder_payments', 'remainder_obligations']
COLUMN_LABELS = ['edu_budget.msg_print_plan_payments',
    'edu_budget.msg_print_plan_obligations',
    'edu_budget.msg_print_registered', 'edu_budget.msg_print_executed',
    'edu_budget.msg_print_remainder_payments',
    'edu_budget.msg_print_remainder_obligations']


def execution_rows(plan):
    """Return (header, rows, bold row indexes) of the execution table of
    the plan: per specific, the months with figures and the specific's
    total; the grand total last"""
    Execution = Pool().get('edu.financing.plan.execution')
    table = Execution.table(plan)
    header = [translated('edu_budget.msg_print_specific'),
        translated('edu_budget.msg_print_month')] + [
        translated(l) for l in COLUMN_LABELS]
    rows, bold = [], []
    grand = [ZERO] * len(COLUMNS)
    for specific in sorted(table, key=lambda s: s.code):
        totals = [ZERO] * len(COLUMNS)
        for month in MONTHS:
            record = table[specific].get(month)
            if not record:
                continue
            values = [getattr(record, c) or ZERO for c in COLUMNS]
            if not any(values):
                continue
            rows.append([specific.code, translated(
                        'edu_budget.msg_month_%02d' % month)] + values)
            totals = [a + b for a, b in zip(totals, values)]
        bold.append(len(rows))
        rows.append(['%s %s' % (specific.code, specific.name),
                translated('edu_budget.msg_print_total')] + totals)
        grand = [a + b for a, b in zip(grand, totals)]
    bold.append(len(rows))
    rows.append([translated('edu_budget.msg_print_total'), ''] + grand)
    return header, rows, bold


def plan_fields(plan):
    return [
        (translated('edu_budget.msg_print_company'), plan.company.rec_name),
        (translated('edu_budget.msg_print_fiscalyear'),
            plan.fiscalyear.name),
        (translated('edu_budget.msg_print_program'),
            plan.ebk_program.rec_name),
        (translated('edu_budget.msg_print_source'),
            plan.funding_source.rec_name),
        (translated('edu_budget.msg_print_plan'), plan.number or ''),
        ]


class ExecutionPdf(FileReport):
    "Financing Plan Execution (PDF)"
    __name__ = 'edu.financing.plan.execution.pdf'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        pdf = PdfDocument(translated('edu_budget.msg_print_execution_title'),
            landscape=True, font_size=8)
        for i, plan in enumerate(records):
            if i:
                pdf.spacer(18)
            pdf.fields(plan_fields(plan))
            pdf.spacer()
            header, rows, bold = execution_rows(plan)
            pdf.table([header] + rows, header=True,
                col_widths=[0.16, 0.1] + [0.74 / 6] * 6,
                numeric=tuple(range(2, 8)),
                bold_rows=tuple(b + 1 for b in bold))
        pdf.signatures([
                (translated('edu_budget.msg_print_director'), ''),
                (translated('edu_budget.msg_print_chief_accountant'), ''),
                ])
        return pdf.build()


class ExecutionXlsx(FileReport):
    "Financing Plan Execution (XLSX)"
    __name__ = 'edu.financing.plan.execution.xlsx'
    extension = 'xlsx'

    @classmethod
    def render(cls, records, data):
        xlsx = XlsxDocument()
        title = translated('edu_budget.msg_print_execution_title')
        for plan in records:
            header, rows, bold = execution_rows(plan)
            xlsx.sheet('%s %s' % (plan.number or plan.id,
                    plan.funding_source.code),
                '%s: %s' % (title, plan.rec_name), header, rows,
                bold_rows=bold, widths=[30, 14] + [18] * 6)
        return xlsx.build()


class Move(metaclass=PoolMeta):
    __name__ = 'account.move'

    @dualmethod
    @ModelView.button
    def post(cls, moves):
        cls.check_payments_plan(moves)
        return super().post(moves)

    @classmethod
    @without_check_access
    def check_payments_plan(cls, moves):
        """Warn when the moves pay beyond the payments plan, cumulatively
        up to the month, or for a specific without payments plan"""
        pool = Pool()
        Plan = pool.get('edu.financing.plan')
        Warning = pool.get('res.user.warning')
        paying = defaultdict(list)
        for move in moves:
            if move.state == 'posted':
                continue
            for line in move.lines:
                if (line.account.edu_cash in MONEY_KINDS
                        and (line.credit or ZERO) > 0
                        and line.ebk_specific and line.funding_source):
                    paying[(move.company.id, line.funding_source.id,
                            line.ebk_program.id if line.ebk_program
                            else None)].append((move, line))
        if not paying:
            return
        plans = {}
        for (company, source, program), lines in paying.items():
            domain = [
                ('company', '=', company),
                ('funding_source', '=', source),
                ('state', 'in', ['approved', 'amended']),
                ]
            if program:
                domain.append(('ebk_program', '=', program))
            for move, line in lines:
                found = Plan.search(domain + [
                        ('fiscalyear.start_date', '<=', move.date),
                        ('fiscalyear.end_date', '>=', move.date),
                        ], limit=1)
                if found:
                    plans.setdefault(found[0], []).append((move, line))
        if not plans:
            return
        executed = Plan.executed(list(plans))
        for plan, lines in plans.items():
            planned = plan.planned('payments')
            adding = defaultdict(lambda: ZERO)
            for move, line in lines:
                month = month_index(plan.fiscalyear, move.date)
                adding[(line.ebk_specific.id, month)] += line.credit
            for specific in sorted({s for s, _ in adding}):
                move, line = next((m, l) for m, l in lines
                    if l.ebk_specific.id == specific)
                first = min(m for s, m in adding if s == specific)
                amount = sum((a for (s, _), a in adding.items()
                        if s == specific), ZERO)
                key = 'edu_budget.payment_over_plan.%s.%s' % (
                    '-'.join(str(m.id) for m in moves), specific)
                if specific not in planned:
                    if Warning.check(key):
                        raise PaymentOverPlanWarning(key, gettext(
                                'edu_budget.msg_payment_not_planned',
                                move=move.rec_name,
                                amount=amount,
                                specific=line.ebk_specific.rec_name,
                                source=line.funding_source.rec_name,
                                plan=plan.rec_name))
                    continue
                cum_plan = cum_executed = ZERO
                for m in MONTHS:
                    cum_plan += planned[specific][m - 1]
                    cum_executed += (
                        executed.get((plan.id, specific, m), ZERO)
                        + adding.get((specific, m), ZERO))
                    if m >= first and cum_executed > cum_plan:
                        if Warning.check(key):
                            raise PaymentOverPlanWarning(key, gettext(
                                    'edu_budget.msg_payment_over_plan',
                                    move=move.rec_name,
                                    amount=amount,
                                    specific=line.ebk_specific.rec_name,
                                    source=line.funding_source.rec_name,
                                    month=month_name(m),
                                    plan=plan.rec_name,
                                    planned=cum_plan,
                                    executed=cum_executed))
                        break

