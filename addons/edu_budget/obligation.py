# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Registered obligations against the financing plan (R19.17).

A contract (edu_account_settlement) or any other origin creates an
``edu.budget.obligation`` and calls ``Obligation.register(obligations)``.

The rule checked (the cumulative rule of budget execution): for the
plan, the ЕБК specific and every month m of the fiscal year from the
obligation's month on,

    registered obligations of months 1..m  <=  obligations plan of 1..m

so a month's unused plan carries over to the following months, and an
obligation registered in month m consumes the plan of months up to m.
The plan is locked (``SELECT ... FOR UPDATE`` on PostgreSQL) before the
sums are read, so two concurrent registrations cannot both pass; the
second waits for the first transaction and then sees its obligation.
"""

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ObligationError, ObligationExceedsPlanError
from .plan import MONTHS, ZERO, month_index, month_name


class Obligation(Workflow, ModelSQL, ModelView):
    "Budget Obligation"
    __string__ = "Budget Obligation"
    __name__ = 'edu.budget.obligation'

    _states = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One('company.company', "Company", required=True,
        states=_states)
    plan = fields.Many2One('edu.financing.plan', "Financing Plan",
        states=_states, ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ('state', 'in', ['approved', 'amended']),
            ],
        help="Found from the company, date, programme and funding source "
        "when left empty.")
    date = fields.Date("Date", required=True, states=_states)
    ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific",
        required=True, states=_states)
    funding_source = fields.Many2One('edu.funding.source', "Funding Source",
        required=True, states=_states)
    ebk_program = fields.Many2One('edu.ebk.program', "Budget Programme",
        required=True, states=_states)
    amount = fields.Numeric("Amount", digits=(16, 2), required=True,
        states=_states,
        domain=[('amount', '>', 0)])
    party = fields.Many2One('party.party', "Party", states=_states)
    description = fields.Char("Description", states=_states)
    origin = fields.Reference("Origin", selection='get_origin',
        states=_states)
    state = fields.Selection([
            ('draft', "Draft"),
            ('registered', "Registered"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    registered_date = fields.Date("Registration Date", readonly=True)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.plan, Index.Range()),
                    (t.ebk_specific, Index.Range()),
                    (t.state, Index.Equality())),
                Index(t, (t.origin, Index.Equality())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'registered'),
            ('draft', 'cancelled'),
            ('registered', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'register': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') == 'cancelled',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def _get_origin(cls):
        "Return the models allowed as origin (other modules extend it)"
        return []

    @classmethod
    def get_origin(cls):
        pool = Pool()
        IrModel = pool.get('ir.model')
        models = cls._get_origin()
        get_name = IrModel.get_name
        return [(None, '')] + [(m, get_name(m)) for m in models]

    @fields.depends('plan', '_parent_plan.ebk_program',
        '_parent_plan.funding_source', 'ebk_program', 'funding_source')
    def on_change_plan(self):
        if self.plan:
            self.ebk_program = self.plan.ebk_program
            self.funding_source = self.plan.funding_source

    def get_rec_name(self, name):
        return '%s %s %s' % (
            self.ebk_specific.code if self.ebk_specific else '',
            self.date or '', self.amount if self.amount is not None else '')

    @classmethod
    def copy(cls, obligations, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('registered_date', None)
        default.setdefault('plan', None)
        return super().copy(obligations, default=default)

    @classmethod
    def delete(cls, obligations):
        for obligation in obligations:
            if obligation.state == 'registered':
                raise ObligationError(gettext(
                        'edu_budget.msg_obligation_delete_registered',
                        obligation=obligation.rec_name))
        super().delete(obligations)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, obligations):
        cls.write(obligations, {'registered_date': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, obligations):
        "Cancel: the plan they used becomes free again"
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('registered')
    def register(cls, obligations):
        """Register the obligations against the plan: refused with
        msg_obligation_exceeds_plan when, for the plan, specific and any
        month from the obligation's, the cumulative registered obligations
        would exceed the cumulative obligations plan"""
        pool = Pool()
        Plan = pool.get('edu.financing.plan')
        Date = pool.get('ir.date')
        to_write = []
        by_plan = {}
        for obligation in obligations:
            plan = obligation.plan or Plan.find(obligation.company,
                obligation.date, obligation.ebk_program,
                obligation.funding_source)
            if not plan or plan.state not in {'approved', 'amended'}:
                raise ObligationError(gettext(
                        'edu_budget.msg_obligation_no_plan',
                        obligation=obligation.rec_name,
                        program=obligation.ebk_program.rec_name,
                        source=obligation.funding_source.rec_name,
                        date=obligation.date))
            if (plan.company != obligation.company
                    or plan.ebk_program != obligation.ebk_program
                    or plan.funding_source != obligation.funding_source
                    or month_index(plan.fiscalyear, obligation.date)
                    is None):
                raise ObligationError(gettext(
                        'edu_budget.msg_obligation_plan_mismatch',
                        obligation=obligation.rec_name,
                        plan=plan.rec_name))
            by_plan.setdefault(plan, []).append(obligation)
            if obligation.plan != plan:
                to_write.extend([[obligation], {'plan': plan.id}])
        # lock in a stable order so that two registrations cannot deadlock
        plans = sorted(by_plan, key=lambda p: p.id)
        Plan.lock(plans)
        for plan in plans:
            cls._check_plan(plan, by_plan[plan])
        if to_write:
            cls.write(*to_write)
        cls.write(list(obligations), {'registered_date': Date.today()})

    @classmethod
    def _check_plan(cls, plan, obligations):
        # re-read the plan lines after the lock
        plan = plan.__class__(plan.id)
        planned = plan.planned('obligations')
        specifics = {o.ebk_specific.id for o in obligations}
        registered = plan.registered(specifics,
            exclude=[o.id for o in obligations])
        requested = {}
        for obligation in obligations:
            month = month_index(plan.fiscalyear, obligation.date)
            key = (obligation.ebk_specific.id, month)
            requested[key] = requested.get(key, ZERO) + obligation.amount
        for specific in sorted(specifics):
            months = planned.get(specific, [ZERO] * 12)
            cum_plan = cum_registered = cum_requested = ZERO
            first = min(m for s, m in requested if s == specific)
            for m in MONTHS:
                cum_plan += months[m - 1]
                cum_registered += registered.get((specific, m), ZERO)
                cum_requested += requested.get((specific, m), ZERO)
                if m < first:
                    continue
                if cum_registered + cum_requested > cum_plan:
                    Specific = Pool().get('edu.ebk.specific')
                    raise ObligationExceedsPlanError(gettext(
                            'edu_budget.msg_obligation_exceeds_plan',
                            specific=Specific(specific).rec_name,
                            month=month_name(m),
                            plan=plan.rec_name,
                            planned=cum_plan,
                            registered=cum_registered,
                            requested=cum_requested,
                            shortfall=(cum_registered + cum_requested
                                - cum_plan)))

    @classmethod
    def available(cls, plan, ebk_specific, date):
        """Return the amount that may still be registered for the plan and
        specific at date (the minimum over the months from date's of the
        cumulative plan minus the cumulative registered)"""
        month = month_index(plan.fiscalyear, date)
        if not month:
            return ZERO
        months = plan.planned('obligations').get(int(ebk_specific),
            [ZERO] * 12)
        registered = plan.registered([int(ebk_specific)])
        cum_plan = cum_registered = ZERO
        result = None
        for m in MONTHS:
            cum_plan += months[m - 1]
            cum_registered += registered.get((int(ebk_specific), m), ZERO)
            if m >= month:
                free = cum_plan - cum_registered
                result = free if result is None else min(result, free)
        return max(result or ZERO, ZERO)
