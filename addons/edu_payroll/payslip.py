# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Payslips: the pay of one employee in a payroll run (R19.12).

Payslips are made by computing the run (``edu.payroll.run.compute``) and
are read-only: the figures come from the employee's data, the timesheet,
the tarification and the run's inputs, and a new computation replaces
them.  ``net`` is the gross less ОПВ, ВОСМС and ИПН; ``to_pay`` is the
net less the writs and the advance already paid.  ``taxable`` and
``deduction_used`` keep the income taxed and the basic deduction granted
so that the following months of the year count them.
"""
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .item_type import KINDS as TYPE_KINDS

_AMOUNT = dict(digits=(16, 2), readonly=True)


class Payslip(ModelSQL, ModelView):
    "Payslip of an employee in a payroll run (R19.12)"
    __name__ = 'edu.payroll.payslip'
    __string__ = "Payslip"

    run = fields.Many2One('edu.payroll.run', "Run", required=True,
        readonly=True, ondelete='CASCADE')
    company = fields.Many2One('company.company', "Organisation",
        required=True, readonly=True, ondelete='RESTRICT')
    employee = fields.Many2One('company.employee', "Employee", required=True,
        readonly=True, ondelete='RESTRICT')
    date_from = fields.Date("From", required=True, readonly=True)
    date_to = fields.Date("To", required=True, readonly=True)
    kind = fields.Function(fields.Selection('get_run_kinds', "Kind"),
        'on_change_with_kind')
    state = fields.Function(fields.Selection('get_run_states', "State"),
        'on_change_with_state')
    worked_days = fields.Integer("Worked Days", readonly=True)
    norm_days = fields.Integer("Norm Days", readonly=True)
    gross = fields.Numeric("Gross", **_AMOUNT)
    opv = fields.Numeric("ОПВ", **_AMOUNT)
    vosms = fields.Numeric("ВОСМС", **_AMOUNT)
    ipn = fields.Numeric("ИПН", **_AMOUNT)
    taxable = fields.Numeric("Taxable Income", **_AMOUNT,
        help="The income taxed by ИПН this month.")
    deduction_used = fields.Numeric("Basic Deduction", **_AMOUNT)
    deductions_total = fields.Numeric("Deductions", **_AMOUNT)
    net = fields.Numeric("Net", **_AMOUNT)
    advance_paid = fields.Numeric("Advance Paid", **_AMOUNT)
    to_pay = fields.Numeric("To Pay", **_AMOUNT)
    opvr = fields.Numeric("ОПВР", **_AMOUNT)
    so = fields.Numeric("СО", **_AMOUNT)
    oosms = fields.Numeric("ООСМС", **_AMOUNT)
    sn = fields.Numeric("СН", **_AMOUNT)
    lines = fields.One2Many('edu.payroll.payslip.line', 'payslip', "Lines",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date_from', 'DESC'), ('run', 'DESC'),
            ('employee', 'ASC'), ('id', 'ASC')]

    @classmethod
    def get_run_kinds(cls):
        return Pool().get('edu.payroll.run').fields_get(
            ['kind'])['kind']['selection']

    @classmethod
    def get_run_states(cls):
        return Pool().get('edu.payroll.run').fields_get(
            ['state'])['state']['selection']

    @fields.depends('run', '_parent_run.kind')
    def on_change_with_kind(self, name=None):
        return self.run.kind if self.run else None

    @fields.depends('run', '_parent_run.state')
    def on_change_with_state(self, name=None):
        return self.run.state if self.run else None

    def get_rec_name(self, name):
        return '%s — %s' % (self.employee.rec_name, self.run.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('employee.rec_name',) + tuple(clause[1:])]

    @classmethod
    def delete(cls, payslips):
        "Payslips go only with the computation of their run"
        pool = Pool()
        Line = pool.get('edu.payroll.payslip.line')
        # one delete of all the lines instead of the cascade per payslip
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        from trytond.tools import grouped_slice
        for sub_ids in grouped_slice([p.id for p in payslips], 1000):
            cursor.execute(*line.delete(
                    where=line.payslip.in_(list(sub_ids))))
        super().delete(payslips)


class PayslipLine(ModelSQL, ModelView):
    "Line of a payslip: an accrual, a deduction or a contribution (R19.12)"
    __name__ = 'edu.payroll.payslip.line'
    __string__ = "Payslip Line"

    payslip = fields.Many2One('edu.payroll.payslip', "Payslip",
        required=True, readonly=True, ondelete='CASCADE')
    type = fields.Many2One('edu.payroll.item.type', "Type", required=True,
        readonly=True, ondelete='RESTRICT')
    kind = fields.Function(fields.Selection(TYPE_KINDS, "Kind"),
        'on_change_with_kind')
    ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific",
        readonly=True, ondelete='RESTRICT')
    base = fields.Numeric("Base", digits=(16, 2), readonly=True)
    rate = fields.Numeric("Rate", digits=(8, 4), readonly=True)
    quantity = fields.Numeric("Quantity", digits=(8, 2), readonly=True)
    amount = fields.Numeric("Amount", digits=(16, 2), required=True,
        readonly=True)
    party = fields.Many2One('party.party', "Recipient", readonly=True,
        ondelete='RESTRICT', help="The recipient of a writ.")
    description = fields.Char("Description", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('payslip', 'ASC'), ('id', 'ASC')]

    @fields.depends('type')
    def on_change_with_kind(self, name=None):
        return self.type.kind if self.type else None
