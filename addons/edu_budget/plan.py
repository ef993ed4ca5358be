# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Individual financing plan of a state institution (R19.17).

Why our own model and not Tryton's ``account_budget``: Tryton budgets
*accounts* per *period* with one amount each.  The plan of a state
institution (индивидуальный план финансирования, Budget Code of the
Republic of Kazakhstan, art. 90 and the Rules of budget execution) is kept
per budget programme and funding source, per ЕБК *specific* of the economic
classification, per *month*, and twice: the plan of payments (what may be
paid in a month) and the plan of obligations (what contracts may be
registered up to a month).  It changes only through numbered amendments
(справка об изменениях) and is checked against the registered obligations
and the payments executed through the treasury, bank and cash desk.  None
of that fits ``account.budget`` lines (account × period × amount), so the
plan is a model of its own; execution is read from the ledger
(``account.move.line`` with the ЕБК dimensions of edu_account).

Months are the months of the fiscal year: ``month_01`` is the month of the
fiscal year's start date (January for the state's calendar fiscal year).
"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sql.aggregate import Sum
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import AmendmentError, PlanError, PlanValidationError

MONTHS = tuple(range(1, 13))
ZERO = Decimal('0.00')
CENT = Decimal('0.01')
KINDS = [
    ('payments', "Payments"),
    ('obligations', "Obligations"),
    ]
_LABELS = ("January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December")
MONTH_SELECTION = [('%02d' % m, _LABELS[m - 1]) for m in MONTHS]


def month_field(month):
    return 'month_%02d' % month


def approved_field(month):
    return 'approved_%02d' % month


def month_index(fiscalyear, date):
    """Return the month (1..12) of date in the fiscal year, None when the
    date is outside it"""
    if not (fiscalyear.start_date <= date <= fiscalyear.end_date):
        return None
    start = fiscalyear.start_date
    index = (date.year - start.year) * 12 + date.month - start.month + 1
    return index if 1 <= index <= 12 else None


def month_dates(fiscalyear, month):
    "Return the first and last day of the month of the fiscal year"
    start = fiscalyear.start_date
    year = start.year + (start.month - 1 + month - 1) // 12
    number = (start.month - 1 + month - 1) % 12 + 1
    first = dt.date(year, number, 1)
    if number == 12:
        last = dt.date(year, 12, 31)
    else:
        last = dt.date(year, number + 1, 1) - dt.timedelta(days=1)
    return first, last


def month_name(month):
    "Return the translated name of a fiscal-year month"
    return gettext('edu_budget.msg_month_%02d' % month)


class FinancingPlan(Workflow, ModelSQL, ModelView):
    "Individual Financing Plan"
    __string__ = "Individual Financing Plan"
    __name__ = 'edu.financing.plan'
    _rec_name = 'number'

    _states = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", states=_states)
    company = fields.Many2One('company.company', "Company", required=True,
        states=_states)
    fiscalyear = fields.Many2One('account.fiscalyear', "Fiscal Year",
        required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))])
    ebk_program = fields.Many2One('edu.ebk.program', "Budget Programme",
        required=True, states=_states)
    funding_source = fields.Many2One('edu.funding.source', "Funding Source",
        required=True, states=_states)
    state = fields.Selection([
            ('draft', "Draft"),
            ('approved', "Approved"),
            ('amended', "Amended"),
            ], "State", readonly=True, required=True, sort=False)
    approved_date = fields.Date("Approval Date", readonly=True)
    lines = fields.One2Many('edu.financing.plan.line', 'plan', "Lines",
        states=_states)
    amendments = fields.One2Many('edu.financing.plan.amendment', 'plan',
        "Amendments", readonly=True)
    total_payments = fields.Function(fields.Numeric("Payments Plan",
            digits=(16, 2)), 'get_totals')
    total_obligations = fields.Function(fields.Numeric("Obligations Plan",
            digits=(16, 2)), 'get_totals')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('plan_unique', Unique(t, t.company, t.fiscalyear,
                    t.ebk_program, t.funding_source),
                'edu_budget.msg_plan_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.company, Index.Range()),
                (t.fiscalyear, Index.Range())))
        cls._order = [('fiscalyear', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'approved'),
            ('approved', 'draft'),
            }
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        parts = [self.number or str(self.id)]
        if self.fiscalyear:
            parts.append(self.fiscalyear.rec_name)
        if self.ebk_program:
            parts.append(self.ebk_program.rec_name)
        if self.funding_source:
            parts.append(self.funding_source.rec_name)
        return ' / '.join(parts)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('number', operator, value),
            ('ebk_program.rec_name', operator, value),
            ('funding_source.rec_name', operator, value),
            ]

    @classmethod
    def get_totals(cls, plans, names):
        result = {n: {p.id: ZERO for p in plans} for n in names}
        for plan in plans:
            for line in plan.lines:
                name = 'total_%s' % line.kind
                if name in result:
                    result[name][plan.id] += line.total or ZERO
        return result

    @classmethod
    def copy(cls, plans, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('amendments', None)
        default.setdefault('approved_date', None)
        return super().copy(plans, default=default)

    @classmethod
    def delete(cls, plans):
        for plan in plans:
            if plan.state != 'draft':
                raise PlanError(gettext('edu_budget.msg_plan_delete_draft',
                        plan=plan.rec_name))
        super().delete(plans)

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, plans):
        pool = Pool()
        Date = pool.get('ir.date')
        Line = pool.get('edu.financing.plan.line')
        lines = []
        for plan in plans:
            if not plan.lines:
                raise PlanError(gettext('edu_budget.msg_plan_no_lines',
                        plan=plan.rec_name))
            lines.extend(plan.lines)
        values = []
        for line in lines:
            values.extend([[line], {approved_field(m): (getattr(
                                line, month_field(m)) or ZERO).quantize(CENT)
                            for m in MONTHS}])
        if values:
            with Transaction().set_context(_edu_budget_apply=True):
                Line.write(*values)
        cls.write(plans, {'approved_date': Date.today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, plans):
        pool = Pool()
        Obligation = pool.get('edu.budget.obligation')
        for plan in plans:
            if Obligation.search([('plan', '=', plan.id),
                        ('state', '=', 'registered')], limit=1):
                raise PlanError(gettext('edu_budget.msg_plan_draft_used',
                        plan=plan.rec_name))
        cls.write(plans, {'approved_date': None})

    @classmethod
    def find(cls, company, date, ebk_program, funding_source):
        """Return the approved plan of company for the date, programme and
        source, None if there is none"""
        pool = Pool()
        FiscalYear = pool.get('account.fiscalyear')
        company_id = int(company)
        fiscalyears = FiscalYear.search([
                ('company', '=', company_id),
                ('start_date', '<=', date),
                ('end_date', '>=', date),
                ], limit=1)
        if not fiscalyears or not ebk_program or not funding_source:
            return None
        plans = cls.search([
                ('company', '=', company_id),
                ('fiscalyear', '=', fiscalyears[0].id),
                ('ebk_program', '=', int(ebk_program)),
                ('funding_source', '=', int(funding_source)),
                ('state', 'in', ['approved', 'amended']),
                ], limit=1)
        return plans[0] if plans else None

    def planned(self, kind):
        "Return {specific id: [12 current month amounts]} of kind"
        result = {}
        for line in self.lines:
            if line.kind == kind:
                result[line.ebk_specific.id] = [
                    getattr(line, month_field(m)) or ZERO for m in MONTHS]
        return result

    def registered(self, specifics=None, exclude=None):
        """Return {(specific id, month): amount} of the obligations
        registered against the plan (one SQL query)"""
        pool = Pool()
        Obligation = pool.get('edu.budget.obligation')
        obligation = Obligation.__table__()
        cursor = Transaction().connection.cursor()
        where = ((obligation.plan == self.id)
            & (obligation.state == 'registered'))
        if specifics is not None:
            where &= obligation.ebk_specific.in_(list(specifics) or [-1])
        if exclude:
            where &= ~obligation.id.in_(list(exclude))
        cursor.execute(*obligation.select(
                obligation.ebk_specific, obligation.date,
                Sum(obligation.amount),
                where=where,
                group_by=[obligation.ebk_specific, obligation.date]))
        result = defaultdict(lambda: ZERO)
        for specific, date, amount in cursor:
            if isinstance(date, str):
                date = dt.date.fromisoformat(date)
            month = month_index(self.fiscalyear, date)
            if month:
                result[(specific, month)] += Decimal(str(amount or 0))
        return result

    @classmethod
    def executed(cls, plans, extra_lines=None):
        """Return {(plan id, specific id, month): amount} of the payments
        executed for the plans: the credit of posted move lines on money
        accounts (edu_cash treasury, bank or cash desk) with the plan's
        funding source, a ЕБК specific, in the plan's company and fiscal
        year, and the plan's programme or none; one SQL query.

        extra_lines: move lines not yet posted to count as well (the check
        at posting)."""
        pool = Pool()
        Line = pool.get('account.move.line')
        Move = pool.get('account.move')
        Account = pool.get('account.account')
        FiscalYear = pool.get('account.fiscalyear')
        line = Line.__table__()
        move = Move.__table__()
        account = Account.__table__()
        plan = cls.__table__()
        fiscalyear = FiscalYear.__table__()
        cursor = Transaction().connection.cursor()
        result = defaultdict(lambda: ZERO)
        plans = list(plans)
        if not plans:
            return result
        by_id = {p.id: p for p in plans}
        query = (line
            .join(move, condition=line.move == move.id)
            .join(account, condition=line.account == account.id)
            .join(plan, condition=(plan.company == move.company)
                & (plan.funding_source == line.funding_source)
                & ((line.ebk_program == plan.ebk_program)
                    | (line.ebk_program == None)))  # noqa: E711
            .join(fiscalyear, condition=(fiscalyear.id == plan.fiscalyear)
                & (move.date >= fiscalyear.start_date)
                & (move.date <= fiscalyear.end_date))
            .select(plan.id, line.ebk_specific, move.date,
                Sum(Coalesce(line.credit, 0)),
                where=plan.id.in_(list(by_id))
                & (move.state == 'posted')
                & account.edu_cash.in_(['treasury', 'bank', 'cash_desk'])
                & (line.ebk_specific != None)  # noqa: E711
                & (Coalesce(line.credit, 0) > 0),
                group_by=[plan.id, line.ebk_specific, move.date]))
        cursor.execute(*query)
        for plan_id, specific, date, amount in cursor:
            if isinstance(date, str):
                date = dt.date.fromisoformat(date)
            month = month_index(by_id[plan_id].fiscalyear, date)
            if month:
                result[(plan_id, specific, month)] += Decimal(str(amount))
        return result


class FinancingPlanLine(ModelSQL, ModelView):
    "Financing Plan Line"
    __string__ = "Financing Plan Line"
    __name__ = 'edu.financing.plan.line'

    plan = fields.Many2One('edu.financing.plan', "Plan", required=True,
        ondelete='CASCADE')
    plan_state = fields.Function(fields.Selection(
            'get_plan_states', "Plan State"), 'on_change_with_plan_state')
    ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific",
        required=True,
        states={'readonly': Eval('plan_state', 'draft') != 'draft'})
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False,
        states={'readonly': Eval('plan_state', 'draft') != 'draft'})
    total = fields.Function(fields.Numeric("Total", digits=(16, 2)),
        'on_change_with_total')
    approved_total = fields.Function(fields.Numeric("Approved Total",
            digits=(16, 2)), 'get_approved_total')
    company = fields.Function(fields.Many2One('company.company', "Company"),
        'on_change_with_company', searcher='search_company')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('line_unique', Unique(t, t.plan, t.ebk_specific, t.kind),
                'edu_budget.msg_plan_line_unique'),
            ]
        cls._order = [('plan', 'ASC'), ('kind', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_kind():
        return 'payments'

    @classmethod
    def get_plan_states(cls):
        pool = Pool()
        Plan = pool.get('edu.financing.plan')
        return Plan.fields_get(['state'])['state']['selection']

    @fields.depends('plan', '_parent_plan.state')
    def on_change_with_plan_state(self, name=None):
        return self.plan.state if self.plan else 'draft'

    @fields.depends('plan', '_parent_plan.company')
    def on_change_with_company(self, name=None):
        return self.plan.company.id if self.plan and self.plan.company \
            else None

    @classmethod
    def search_company(cls, name, clause):
        return [('plan.' + clause[0],) + tuple(clause[1:])]

    def get_approved_total(self, name):
        return sum((getattr(self, approved_field(m)) or ZERO
                for m in MONTHS), ZERO)

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        for line in lines:
            for m in MONTHS:
                if (getattr(line, month_field(m)) or ZERO) < 0:
                    raise PlanValidationError(gettext(
                            'edu_budget.msg_plan_negative_month',
                            specific=line.ebk_specific.rec_name,
                            month=month_name(m)))

    @classmethod
    def check_modify(cls, lines):
        if Transaction().context.get('_edu_budget_apply'):
            return
        for line in lines:
            if line.plan.state != 'draft':
                raise PlanError(gettext('edu_budget.msg_plan_line_readonly',
                        plan=line.plan.rec_name))

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Plan = pool.get('edu.financing.plan')
        if not Transaction().context.get('_edu_budget_apply'):
            for plan in Plan.browse({v['plan'] for v in vlist
                        if v.get('plan')}):
                if plan.state != 'draft':
                    raise PlanError(gettext(
                            'edu_budget.msg_plan_line_readonly',
                            plan=plan.rec_name))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for lines, _ in zip(actions, actions):
            cls.check_modify(lines)
        super().write(*args)

    @classmethod
    def delete(cls, lines):
        cls.check_modify(lines)
        super().delete(lines)


def _add_month_fields():
    for m in MONTHS:
        field = fields.Numeric(month_name_label(m), digits=(16, 2),
            required=True,
            states={'readonly': Eval('plan_state', 'draft') != 'draft'})
        setattr(FinancingPlanLine, month_field(m), field)
        setattr(FinancingPlanLine, approved_field(m), fields.Numeric(
                "Approved " + month_name_label(m), digits=(16, 2),
                readonly=True))
        setattr(FinancingPlanLine, 'default_' + month_field(m),
            staticmethod(lambda: ZERO))
    total_depends = [month_field(m) for m in MONTHS]

    @fields.depends(*total_depends)
    def on_change_with_total(self, name=None):
        return sum((getattr(self, month_field(m)) or ZERO for m in MONTHS),
            ZERO)
    FinancingPlanLine.on_change_with_total = on_change_with_total


def month_name_label(month):
    return _LABELS[month - 1]


_add_month_fields()


class PlanAmendment(Workflow, ModelSQL, ModelView):
    "Financing Plan Amendment"
    __string__ = "Financing Plan Amendment"
    __name__ = 'edu.financing.plan.amendment'
    _rec_name = 'number'

    _states = {'readonly': Eval('state') != 'draft'}

    plan = fields.Many2One('edu.financing.plan', "Plan", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[
            ('state', 'in', ['approved', 'amended']),
            If(Bool(Eval('company')),
                ('company', '=', Eval('company', -1)), ()),
            ])
    company = fields.Function(fields.Many2One('company.company', "Company"),
        'on_change_with_company', searcher='search_company')
    number = fields.Char("Number", required=True, states=_states)
    date = fields.Date("Date", required=True, states=_states)
    reason = fields.Text("Reason", required=True, states=_states)
    lines = fields.One2Many('edu.financing.plan.amendment.line',
        'amendment', "Lines", states=_states)
    state = fields.Selection([
            ('draft', "Draft"),
            ('approved', "Approved"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'approved')}
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('plan', '_parent_plan.company')
    def on_change_with_company(self, name=None):
        return self.plan.company.id if self.plan and self.plan.company \
            else None

    @classmethod
    def search_company(cls, name, clause):
        return [('plan.' + clause[0],) + tuple(clause[1:])]

    @classmethod
    def delete(cls, amendments):
        for amendment in amendments:
            if amendment.state != 'draft':
                raise AmendmentError(gettext(
                        'edu_budget.msg_amendment_delete',
                        amendment=amendment.rec_name))
        super().delete(amendments)

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, amendments):
        for amendment in amendments:
            amendment.apply()

    def apply(self):
        """Apply the deltas to the plan's current amounts; refuse when, in
        any month, the cumulative obligations plan would fall below the
        cumulative registered obligations, or the cumulative payments plan
        below the cumulative payments executed (the cumulative rule of
        register(): a month's unused plan carries to the next months)."""
        pool = Pool()
        Plan = pool.get('edu.financing.plan')
        Line = pool.get('edu.financing.plan.line')
        plan = self.plan
        if plan.state not in {'approved', 'amended'}:
            raise AmendmentError(gettext(
                    'edu_budget.msg_amendment_plan_state',
                    plan=plan.rec_name))
        if not self.lines:
            raise AmendmentError(gettext('edu_budget.msg_amendment_empty',
                    amendment=self.rec_name))
        Plan.lock([plan])
        current = {(l.ebk_specific.id, l.kind): l for l in plan.lines}
        new = {}
        for key, line in current.items():
            new[key] = [getattr(line, month_field(m)) or ZERO
                for m in MONTHS]
        for aline in self.lines:
            key = (aline.ebk_specific.id, aline.kind)
            amounts = new.setdefault(key, [ZERO] * 12)
            amounts[int(aline.month) - 1] += aline.delta or ZERO
            if amounts[int(aline.month) - 1] < 0:
                raise AmendmentError(gettext(
                        'edu_budget.msg_amendment_negative',
                        specific=aline.ebk_specific.rec_name,
                        month=month_name(int(aline.month)),
                        kind=aline.kind_string,
                        amount=amounts[int(aline.month) - 1] - aline.delta,
                        delta=aline.delta))
        touched = {(l.ebk_specific.id, l.kind) for l in self.lines}
        specifics = {s for s, _ in touched}
        registered = plan.registered(specifics)
        executed = Plan.executed([plan])
        for specific, kind in touched:
            amounts = new[(specific, kind)]
            if kind == 'obligations':
                used = {m: registered.get((specific, m), ZERO)
                    for m in MONTHS}
            else:
                used = {m: executed.get((plan.id, specific, m), ZERO)
                    for m in MONTHS}
            cum_plan = cum_used = ZERO
            for m in MONTHS:
                cum_plan += amounts[m - 1]
                cum_used += used[m]
                if cum_used > cum_plan:
                    specific_rec = pool.get('edu.ebk.specific')(specific)
                    raise AmendmentError(gettext(
                            'edu_budget.msg_amendment_below_used',
                            amendment=self.rec_name,
                            specific=specific_rec.rec_name,
                            month=month_name(m),
                            kind=dict(Line.fields_get(['kind'])['kind'][
                                    'selection'])[kind],
                            plan=cum_plan, used=cum_used))
        to_create = []
        to_write = []
        for key in touched:
            values = {month_field(m): new[key][m - 1].quantize(CENT)
                for m in MONTHS}
            if key in current:
                to_write.extend([[current[key]], values])
            else:
                values.update({
                        'plan': plan.id,
                        'ebk_specific': key[0],
                        'kind': key[1],
                        })
                values.update({approved_field(m): ZERO for m in MONTHS})
                to_create.append(values)
        with Transaction().set_context(_edu_budget_apply=True):
            if to_create:
                Line.create(to_create)
            if to_write:
                Line.write(*to_write)
        if plan.state == 'approved':
            Plan.write([plan], {'state': 'amended'})


class PlanAmendmentLine(ModelSQL, ModelView):
    "Financing Plan Amendment Line"
    __string__ = "Financing Plan Amendment Line"
    __name__ = 'edu.financing.plan.amendment.line'

    amendment = fields.Many2One('edu.financing.plan.amendment', "Amendment",
        required=True, ondelete='CASCADE')
    ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific",
        required=True)
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False)
    kind_string = kind.translated('kind')
    month = fields.Selection(MONTH_SELECTION, "Month", required=True,
        sort=False)
    delta = fields.Numeric("Change", digits=(16, 2), required=True,
        help="Positive to increase, negative to decrease the month's plan.")

    @staticmethod
    def default_kind():
        return 'payments'

    @classmethod
    def _check_draft(cls, lines):
        for line in lines:
            if line.amendment.state != 'draft':
                raise AmendmentError(gettext(
                        'edu_budget.msg_amendment_readonly',
                        amendment=line.amendment.rec_name))

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for lines, _ in zip(actions, actions):
            cls._check_draft(lines)
        super().write(*args)

    @classmethod
    def delete(cls, lines):
        cls._check_draft(lines)
        super().delete(lines)
