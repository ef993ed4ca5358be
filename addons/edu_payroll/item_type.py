# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Payroll item types (R19.12): what a payslip line is, which ЕБК specific
it is charged to, which accounts the posting uses and which taxes and
contributions an accrual bears.

The accounts are given by their code in the chart of state institutions
(``edu_account.chart_gov``) and resolved per organisation when a run is
posted, so that one set of item types serves every organisation.
"""
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pyson import Eval

KINDS = [
    ('accrual', "Accrual"),
    ('deduction', "Deduction"),
    ('employer', "Employer Contribution"),
    ]


class ItemType(DeactivableMixin, ModelSQL, ModelView):
    "Payroll item type: accrual, deduction or employer contribution (R19.12)"
    __name__ = 'edu.payroll.item.type'
    __string__ = "Payroll Item Type"

    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False)
    sequence = fields.Integer("Sequence")
    ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific",
        ondelete='RESTRICT',
        help="The economic classification the expense is charged to.")
    debit_account = fields.Char("Debit Account", size=8,
        help="Code of the account debited when the run is posted "
        "(empty: the item is not posted).")
    credit_account = fields.Char("Credit Account", size=8,
        help="Code of the account credited when the run is posted.")
    taxable_ipn = fields.Boolean("Subject to ИПН",
        states={'invisible': Eval('kind') != 'accrual'})
    taxable_opv = fields.Boolean("Subject to ОПВ and ВОСМС",
        states={'invisible': Eval('kind') != 'accrual'})
    taxable_so = fields.Boolean("Subject to СО, ОПВР and ООСМС",
        states={'invisible': Eval('kind') != 'accrual'})
    taxable_sn = fields.Boolean("Subject to СН",
        states={'invisible': Eval('kind') != 'accrual'})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'edu_payroll.msg_item_type_code_unique'),
            ]
        cls._order = [('sequence', 'ASC NULLS LAST'), ('code', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def default_kind(cls):
        return 'accrual'

    @classmethod
    def default_taxable_ipn(cls):
        return True

    default_taxable_opv = default_taxable_ipn
    default_taxable_so = default_taxable_ipn
    default_taxable_sn = default_taxable_ipn

    def get_rec_name(self, name):
        return '[%s] %s' % (self.code, self.name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]

    @classmethod
    def get_by_code(cls):
        "Return {code: item type} of all the item types, one query"
        return {t.code: t for t in cls.search([])}
