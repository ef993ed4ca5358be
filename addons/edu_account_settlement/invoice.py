# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Supplier acts of completed works and services: Tryton's supplier
invoices with the ЕБК dimensions and a contract (R19.4, R19.8).

The dimensions of a line (ЕБК specific, programme, funding source; the
contract's by default) reach the expense move line; the payable line takes
them when the act has one set; the payment through Tryton's pay wizard
puts them on the money line and on the payable line it reconciles."""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .common import round_amount
from .exceptions import ContractError, ContractExceededError

DIMENSIONS = ('ebk_program', 'ebk_specific', 'funding_source')
_CONTEXT_KEY = 'edu_move_line_dimensions'


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    edu_contract = fields.Many2One('edu.contract', "Contract",
        ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ('party', '=', Eval('party', -1)),
            ],
        states={
            'invisible': Eval('type') != 'in',
            'readonly': Eval('state') != 'draft',
            },
        help="The contract the act executes (supplier acts).")

    def edu_line_dimensions(self, line):
        "Return the dimensions of an invoice line: its own or the contract's"
        values = {}
        contract = self.edu_contract
        for name in DIMENSIONS:
            value = getattr(line, name, None)
            if not value and contract:
                value = getattr(contract, name, None)
            values[name] = value
        return values

    def edu_common_dimensions(self):
        "Return the dimensions shared by every line of the act, else {}"
        common = None
        for line in self.lines:
            if line.type != 'line':
                continue
            values = self.edu_line_dimensions(line)
            key = tuple(v.id if v else None for v in values.values())
            if common is None:
                common = (key, values)
            elif common[0] != key:
                return {}
        return common[1] if common else {}

    def _get_move_line(self, date, amount):
        line = super()._get_move_line(date, amount)
        for name, value in self.edu_common_dimensions().items():
            if value:
                setattr(line, name, value)
        return line

    @classmethod
    def edu_check_contracts(cls, invoices):
        """An act executes a registered contract of its party and never
        beyond the contract's remaining amount (R19.8)"""
        by_contract = defaultdict(list)
        for invoice in invoices:
            if invoice.edu_contract:
                by_contract[invoice.edu_contract].append(invoice)
        for contract, acts in by_contract.items():
            for act in acts:
                if contract.state != 'registered':
                    raise ContractError(gettext(
                            'edu_account_settlement.msg_act_contract_state',
                            invoice=act.rec_name,
                            contract=contract.rec_name))
                if act.party != contract.party:
                    raise ContractError(gettext(
                            'edu_account_settlement.msg_act_contract_party',
                            invoice=act.rec_name,
                            contract=contract.rec_name))
            executed = contract.executed_total(exclude=acts)
            amount = round_amount(sum(a.untaxed_amount or 0 for a in acts))
            remaining = round_amount(contract.amount - executed)
            if amount > remaining:
                raise ContractExceededError(gettext(
                        'edu_account_settlement.msg_act_exceeds_contract',
                        invoice=', '.join(a.rec_name for a in acts),
                        amount=amount, contract=contract.rec_name,
                        remaining=remaining))

    @classmethod
    def validate_invoice(cls, invoices):
        cls.edu_check_contracts(
            [i for i in invoices if i.state == 'draft'])
        super().validate_invoice(invoices)

    @classmethod
    def post(cls, invoices):
        cls.edu_check_contracts(
            [i for i in invoices if i.state == 'draft'])
        super().post(invoices)

    def pay_invoice(self, amount, payment_method, date, description=None,
            overpayment=0, party=None):
        "Put the act's dimensions on the money and payable lines"
        dimensions = {name: value.id
            for name, value in self.edu_common_dimensions().items()
            if value}
        with Transaction().set_context(**{_CONTEXT_KEY: dimensions}):
            return super().pay_invoice(amount, payment_method, date,
                description=description, overpayment=overpayment,
                party=party)


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    ebk_program = fields.Many2One('edu.ebk.program', "ЕБК Programme",
        ondelete='RESTRICT',
        states={'invisible': Eval('type') != 'line'})
    ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific",
        ondelete='RESTRICT',
        states={'invisible': Eval('type') != 'line'})
    funding_source = fields.Many2One('edu.funding.source', "Funding Source",
        ondelete='RESTRICT',
        states={'invisible': Eval('type') != 'line'})
    edu_contract = fields.Function(fields.Many2One('edu.contract',
            "Contract"), 'on_change_with_edu_contract')

    @fields.depends('invoice', '_parent_invoice.edu_contract')
    def on_change_with_edu_contract(self, name=None):
        if self.invoice and self.invoice.edu_contract:
            return self.invoice.edu_contract.id

    @fields.depends('invoice', '_parent_invoice.edu_contract',
        *DIMENSIONS)
    def on_change_invoice(self):
        contract = self.invoice.edu_contract if self.invoice else None
        if contract:
            for name in DIMENSIONS:
                if not getattr(self, name, None):
                    setattr(self, name, getattr(contract, name))

    def get_move_lines(self):
        lines = super().get_move_lines()
        if self.invoice:
            values = self.invoice.edu_line_dimensions(self)
        else:
            values = {n: getattr(self, n, None) for n in DIMENSIONS}
        for line in lines:
            for name, value in values.items():
                if value and not getattr(line, name, None):
                    setattr(line, name, value)
        return lines


class MoveLine(metaclass=PoolMeta):
    __name__ = 'account.move.line'

    @classmethod
    def create(cls, vlist):
        "Fill the dimensions given by the context (payment of an act)"
        dimensions = Transaction().context.get(_CONTEXT_KEY)
        if dimensions:
            vlist = [v.copy() for v in vlist]
            for values in vlist:
                for name, value in dimensions.items():
                    if not values.get(name):
                        values[name] = value
        return super().create(vlist)
