# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Other income and expenses: the memorial order (мемориальный ордер)
posted in the general journal GEN with the ЕБК dimensions (R19.9)."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .common import default_company, default_journal, round_amount
from .exceptions import OperationError

STATES = [
    ('draft', "Draft"),
    ('posted', "Posted"),
    ('cancelled', "Cancelled"),
    ]
_DRAFT = Eval('state') != 'draft'


class OtherOperation(Workflow, ModelSQL, ModelView):
    "Memorial Order"
    __string__ = "Memorial Order"
    __name__ = 'edu.other.operation'
    _rec_name = 'number'

    company = fields.Many2One('company.company', "Company", required=True,
        states={'readonly': _DRAFT})
    number = fields.Char("Number", readonly=True)
    date = fields.Date("Date", required=True, states={'readonly': _DRAFT})
    description = fields.Char("Description", required=True,
        states={'readonly': _DRAFT})
    journal = fields.Many2One('account.journal', "Journal", required=True,
        states={'readonly': _DRAFT})
    lines = fields.One2Many('edu.other.operation.line', 'operation',
        "Lines", states={'readonly': _DRAFT})
    debit = fields.Function(fields.Numeric("Debit", digits=(16, 2)),
        'get_totals')
    credit = fields.Function(fields.Numeric("Credit", digits=(16, 2)),
        'get_totals')
    move = fields.Many2One('account.move', "Move", readonly=True)
    cancel_move = fields.Many2One('account.move', "Cancel Move",
        readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'posted'),
            ('posted', 'cancelled'),
            }
        cls._buttons.update({
                'post': {'invisible': Eval('state') != 'draft',
                    'depends': ['state']},
                'cancel': {'invisible': Eval('state') != 'posted',
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

    @classmethod
    def default_journal(cls):
        return default_journal('GEN')

    @classmethod
    def get_totals(cls, operations, names):
        result = {n: {} for n in names}
        for operation in operations:
            for name in names:
                result[name][operation.id] = round_amount(sum(
                        getattr(l, name) or 0 for l in operation.lines))
        return result

    def get_move(self):
        pool = Pool()
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        Period = pool.get('account.period')
        debit, credit = (round_amount(sum(getattr(l, n) or 0
                    for l in self.lines)) for n in ('debit', 'credit'))
        if not self.lines or debit != credit or not debit:
            raise OperationError(gettext(
                    'edu_account_settlement.msg_operation_unbalanced',
                    operation=self.rec_name, debit=debit, credit=credit))
        lines = []
        for line in self.lines:
            lines.append(MoveLine(
                    account=line.account, party=line.party,
                    debit=round_amount(line.debit),
                    credit=round_amount(line.credit),
                    ebk_specific=line.ebk_specific,
                    ebk_program=line.ebk_program,
                    funding_source=line.funding_source,
                    description=line.description))
        return Move(company=self.company, journal=self.journal,
            period=Period.find(self.company, date=self.date),
            date=self.date, origin=self, description=self.description,
            lines=lines)

    @classmethod
    @ModelView.button
    @Workflow.transition('posted')
    def post(cls, operations):
        pool = Pool()
        Move = pool.get('account.move')
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        sequence = Sequence(ModelData.get_id(
                'edu_account_settlement', 'sequence_other_operation'))
        for operation in operations:
            operation.move = operation.get_move()
            operation.move.save()
            if not operation.number:
                with Transaction().set_context(
                        company=operation.company.id):
                    operation.number = sequence.get()
        cls.save(operations)
        Move.post([o.move for o in operations])

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, operations):
        "Cancel by a reversing move: a posted move is never changed"
        Move = Pool().get('account.move')
        for operation in operations:
            if any(l.reconciliation for l in operation.move.lines):
                raise OperationError(gettext(
                        'edu_account_settlement.msg_operation_reconciled',
                        operation=operation.rec_name))
            operation.cancel_move = operation.move.cancel()
        Move.post([o.cancel_move for o in operations])
        cls.save(operations)

    @classmethod
    def copy(cls, operations, default=None):
        default = default.copy() if default else {}
        for name in ('number', 'move', 'cancel_move'):
            default.setdefault(name, None)
        return super().copy(operations, default=default)

    @classmethod
    def check_modification(cls, mode, operations, values=None,
            external=False):
        super().check_modification(
            mode, operations, values=values, external=external)
        if mode == 'delete':
            for operation in operations:
                if operation.state != 'draft':
                    raise OperationError(gettext(
                            'edu_account_settlement.msg_delete_posted',
                            document=operation.rec_name))

    def get_rec_name(self, name):
        return self.number or '#%s' % self.id


class OtherOperationLine(ModelSQL, ModelView):
    "Memorial Order Line"
    __string__ = "Memorial Order Line"
    __name__ = 'edu.other.operation.line'
    operation = fields.Many2One('edu.other.operation', "Operation",
        required=True, ondelete='CASCADE')
    account = fields.Many2One('account.account', "Account", required=True,
        domain=[
            ('type', '!=', None),
            ('closed', '!=', True),
            ('company', '=',
                Eval('_parent_operation', {}).get('company', -1)),
            ])
    party = fields.Many2One('party.party', "Party")
    description = fields.Char("Description")
    debit = fields.Numeric("Debit", digits=(16, 2), required=True,
        domain=[('debit', '>=', 0)])
    credit = fields.Numeric("Credit", digits=(16, 2), required=True,
        domain=[('credit', '>=', 0)])
    ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific")
    ebk_program = fields.Many2One('edu.ebk.program', "ЕБК Programme")
    funding_source = fields.Many2One('edu.funding.source', "Funding Source")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('operation')

    @staticmethod
    def default_debit():
        return Decimal(0)

    @staticmethod
    def default_credit():
        return Decimal(0)
