# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Supplier contracts (договоры) with their ЕБК classification, funding
source and monthly schedule; registering a contract registers its budget
obligations against the financing plan (R19.4, R19.8, R19.17)."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .common import default_company, round_amount
from .exceptions import ContractError, ContractValidationError

STATES = [
    ('draft', "Draft"),
    ('registered', "Registered"),
    ('closed', "Closed"),
    ('cancelled', "Cancelled"),
    ]
_DRAFT = Eval('state') != 'draft'
#: invoice states whose amount executes a contract
EXECUTED_STATES = ('validated', 'posted', 'paid')


class Contract(Workflow, ModelSQL, ModelView):
    "Contract"
    __string__ = "Contract"
    __name__ = 'edu.contract'
    _rec_name = 'number'

    company = fields.Many2One('company.company', "Company", required=True,
        states={'readonly': _DRAFT})
    number = fields.Char("Number", required=True, strip=True,
        states={'readonly': _DRAFT})
    date = fields.Date("Date", required=True, states={'readonly': _DRAFT})
    party = fields.Many2One('party.party', "Counterparty", required=True,
        states={'readonly': _DRAFT},
        help="The supplier (organisation with a BIN or person with an IIN).")
    subject = fields.Text("Subject", required=True,
        states={'readonly': _DRAFT})
    ebk_program = fields.Many2One('edu.ebk.program', "ЕБК Programme",
        required=True, states={'readonly': _DRAFT},
        domain=['OR', ('company', '=', None),
            ('company', '=', Eval('company', -1))])
    ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific",
        required=True, states={'readonly': _DRAFT})
    funding_source = fields.Many2One('edu.funding.source', "Funding Source",
        required=True, states={'readonly': _DRAFT})
    amount = fields.Numeric("Amount", digits=(16, 2), required=True,
        states={'readonly': _DRAFT})
    currency = fields.Function(fields.Many2One('currency.currency',
            "Currency"), 'on_change_with_currency')
    start_date = fields.Date("Start Date", required=True,
        states={'readonly': _DRAFT})
    end_date = fields.Date("End Date", required=True,
        domain=[('end_date', '>=', Eval('start_date'))],
        states={'readonly': _DRAFT})
    lines = fields.One2Many('edu.contract.line', 'contract', "Schedule",
        states={'readonly': _DRAFT})
    scheduled_amount = fields.Function(fields.Numeric("Scheduled",
            digits=(16, 2)), 'get_scheduled_amount')
    invoices = fields.One2Many('account.invoice', 'edu_contract', "Acts",
        readonly=True)
    executed_amount = fields.Function(fields.Numeric("Executed",
            digits=(16, 2)), 'get_amounts')
    remaining_amount = fields.Function(fields.Numeric("Remaining",
            digits=(16, 2)), 'get_amounts')
    obligations = fields.Function(fields.Many2Many('edu.budget.obligation',
            None, None, "Obligations"), 'get_obligations')
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'registered'),
            ('registered', 'closed'),
            ('draft', 'cancelled'),
            ('registered', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'register': {'invisible': Eval('state') != 'draft',
                    'depends': ['state']},
                'close': {'invisible': Eval('state') != 'registered',
                    'depends': ['state']},
                'cancel': {'invisible': ~Eval('state').in_(
                        ['draft', 'registered']),
                    'depends': ['state']},
                'draft': {'invisible': Eval('state') != 'cancelled',
                    'depends': ['state']},
                })

    @staticmethod
    def default_company():
        return default_company()

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency.id if self.company else None

    def get_scheduled_amount(self, name):
        return round_amount(sum((l.amount or 0) for l in self.lines))

    @classmethod
    def get_amounts(cls, contracts, names):
        executed = {c.id: Decimal(0) for c in contracts}
        for contract in contracts:
            executed[contract.id] = contract.executed_total()
        result = {}
        if 'executed_amount' in names:
            result['executed_amount'] = executed
        if 'remaining_amount' in names:
            result['remaining_amount'] = {c.id: round_amount(
                    (c.amount or 0) - executed[c.id]) for c in contracts}
        return result

    def executed_total(self, exclude=()):
        "Return the untaxed amount of the acts executing the contract"
        exclude = {i.id for i in exclude}
        return round_amount(sum(i.untaxed_amount or 0
                for i in self.invoices
                if i.state in EXECUTED_STATES and i.id not in exclude))

    def get_obligations(self, name):
        Obligation = Pool().get('edu.budget.obligation')
        return [o.id for o in Obligation.search([
                    ('origin', '=', str(self)),
                    ])]

    def get_rec_name(self, name):
        return '%s (%s)' % (self.number, self.party.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('number', operator, value),
            ('party.rec_name', operator, value),
            ]

    @classmethod
    def validate_fields(cls, contracts, field_names):
        super().validate_fields(contracts, field_names)
        for contract in contracts:
            contract.check_party()
            contract.check_amount()

    def check_party(self):
        "A counterparty has a BIN (organisation) or an IIN (person)"
        party = self.party
        if getattr(party, 'is_person', False):
            if not getattr(party, 'iin', None):
                raise ContractValidationError(gettext(
                        'edu_account_settlement.msg_contract_party_iin',
                        party=party.rec_name, contract=self.number))
        elif not getattr(party, 'bin', None):
            raise ContractValidationError(gettext(
                    'edu_account_settlement.msg_contract_party_bin',
                    party=party.rec_name, contract=self.number))

    def check_amount(self):
        if self.amount is not None and self.amount <= 0:
            raise ContractValidationError(gettext(
                    'edu_account_settlement.msg_contract_amount_positive',
                    contract=self.number))

    def check_schedule(self):
        "The schedule sums to the amount, months inside the contract"
        total = self.get_scheduled_amount(None)
        if total != round_amount(self.amount):
            raise ContractError(gettext(
                    'edu_account_settlement.msg_contract_schedule_total',
                    contract=self.rec_name, scheduled=total,
                    amount=round_amount(self.amount)))
        start = self.start_date.replace(day=1)
        for line in self.lines:
            if not (start <= line.month <= self.end_date):
                raise ContractError(gettext(
                        'edu_account_settlement.msg_contract_schedule_month',
                        contract=self.rec_name, month=line.month))

    def get_obligation_lines(self):
        "Return the budget obligations (unsaved) of the schedule"
        Obligation = Pool().get('edu.budget.obligation')
        obligations = []
        for line in self.lines:
            obligation = Obligation(
                company=self.company,
                date=line.month,
                ebk_specific=self.ebk_specific,
                funding_source=self.funding_source,
                ebk_program=self.ebk_program,
                amount=round_amount(line.amount),
                party=self.party,
                description=self.number,
                origin=self)
            obligations.append(obligation)
        return obligations

    @classmethod
    @ModelView.button
    @Workflow.transition('registered')
    def register(cls, contracts):
        """Register the contracts: one budget obligation per schedule
        line, refused over the financing plan (R19.17)"""
        Obligation = Pool().get('edu.budget.obligation')
        to_register = []
        for contract in contracts:
            contract.check_schedule()
            to_register.extend(contract.get_obligation_lines())
        if to_register:
            Obligation.save(to_register)
            Obligation.register(to_register)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, contracts):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, contracts):
        "Cancel the contracts and their obligations; refused once executed"
        Obligation = Pool().get('edu.budget.obligation')
        to_cancel = []
        for contract in contracts:
            if any(i.state in EXECUTED_STATES for i in contract.invoices):
                raise ContractError(gettext(
                        'edu_account_settlement.msg_contract_cancel_executed',
                        contract=contract.rec_name))
            to_cancel.extend(o for o in contract.obligations
                if o.state != 'cancelled')
        if to_cancel:
            Obligation.cancel(to_cancel)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, contracts):
        pass

    @classmethod
    def copy(cls, contracts, default=None):
        default = default.copy() if default else {}
        default.setdefault('invoices', None)
        default.setdefault('state', 'draft')
        return super().copy(contracts, default=default)

    @classmethod
    def check_modification(cls, mode, contracts, values=None,
            external=False):
        super().check_modification(
            mode, contracts, values=values, external=external)
        if mode == 'delete':
            for contract in contracts:
                if contract.state not in ('draft', 'cancelled'):
                    raise ContractError(gettext(
                            'edu_account_settlement.msg_contract_delete',
                            contract=contract.rec_name))


class ContractLine(ModelSQL, ModelView):
    "Contract Schedule Line"
    __string__ = "Contract Schedule Line"
    __name__ = 'edu.contract.line'
    contract = fields.Many2One('edu.contract', "Contract", required=True,
        ondelete='CASCADE')
    month = fields.Date("Month", required=True,
        help="The month of the obligation (any day of it).")
    amount = fields.Numeric("Amount", digits=(16, 2), required=True,
        domain=[('amount', '>', 0)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('contract')
        cls._order = [('month', 'ASC'), ('id', 'ASC')]


class Obligation(metaclass=PoolMeta):
    __name__ = 'edu.budget.obligation'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['edu.contract']
