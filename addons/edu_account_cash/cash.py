# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Cash desk (R19.3): incoming and outgoing cash orders (ПКО/РКО), their
strict numbering per company and kind, the cash limit and the rule that
the cash desk never goes below zero.

The rule is checked when any account.move is posted, not only cash
orders: every posted move that touches an account marked
``edu_cash = 'cash_desk'`` must leave the running daily balance of that
account, from the move's date onward, at zero or above.  Balances are
computed per day (a day's receipts and disbursements together): the
ledger knows dates, not times.

Concurrency: before the balance is read the account rows are updated in
place (``UPDATE account_account SET write_date = write_date``).  On
PostgreSQL (REPEATABLE READ, as Tryton runs it) a second transaction
posting on the same cash account waits for the first and then fails with
a serialization error, which Tryton's dispatcher retries with a fresh
snapshot that sees the first posting: two disbursements can never both
pass on the same balance.  SQLite serialises writers itself.
"""
import datetime as dt
from decimal import Decimal

from sql.aggregate import Min, Sum
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, dualmethod, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, format_amount, translated)

from .exceptions import CashError, CashLimitWarning, CashNegativeError

ZERO = Decimal(0)
CENT = Decimal('0.01')
_STATES = {'readonly': Eval('state') != 'draft'}


def format_date(date):
    Lang = Pool().get('ir.lang')
    return Lang.get().strftime(date) if date else ''


def format_money(amount, company):
    Lang = Pool().get('ir.lang')
    return Lang.get().currency(amount, company.currency)


def find_account(company, code):
    "The account of company with code (chart created from chart_gov)"
    Account = Pool().get('account.account')
    accounts = Account.search([
            ('company', '=', company.id if company else -1),
            ('code', '=', code),
            ], limit=1)
    return accounts[0] if accounts else None


def find_journal(code):
    Journal = Pool().get('account.journal')
    journals = Journal.search([('code', '=', code)], limit=1)
    if not journals:
        raise CashError(gettext('edu_account_cash.msg_no_journal', code=code))
    return journals[0]


class QuantizedMixin:
    "Amounts of SQL aggregates read as Decimal with 2 digits (SQLite: float)"
    __slots__ = ()

    @classmethod
    def read(cls, ids, fields_names):
        rows = super().read(ids, fields_names)
        names = [n for n in fields_names
            if isinstance(cls._fields.get(n), fields.Numeric)]
        for row in rows:
            for name in names:
                if row.get(name) is not None:
                    row[name] = Decimal(str(row[name])).quantize(CENT)
        return rows


class CashConfiguration(ModelSQL, ModelView):
    "Cash Desk Configuration"
    __name__ = 'edu.cash.configuration'
    __string__ = "Cash Desk Configuration"

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    cash_limit = fields.Numeric(
        "Cash Limit", digits=(16, 2),
        help="The highest balance the cash desk may keep at the end of a "
        "day; empty for no limit.")
    receipt_sequence = fields.Many2One(
        'ir.sequence.strict', "Receipt Order Sequence", required=True,
        domain=[
            ('sequence_type', '=',
                Eval('receipt_sequence_type', -1)),
            ('company', 'in', [Eval('company', -1), None]),
            ])
    disbursement_sequence = fields.Many2One(
        'ir.sequence.strict', "Disbursement Order Sequence", required=True,
        domain=[
            ('sequence_type', '=',
                Eval('disbursement_sequence_type', -1)),
            ('company', 'in', [Eval('company', -1), None]),
            ])
    payment_sequence = fields.Many2One(
        'ir.sequence.strict', "Payment Order Sequence", required=True,
        domain=[
            ('sequence_type', '=',
                Eval('payment_sequence_type', -1)),
            ('company', 'in', [Eval('company', -1), None]),
            ])
    receipt_sequence_type = fields.Function(fields.Many2One(
            'ir.sequence.type', "Receipt Sequence Type"),
        'get_sequence_type')
    disbursement_sequence_type = fields.Function(fields.Many2One(
            'ir.sequence.type', "Disbursement Sequence Type"),
        'get_sequence_type')
    payment_sequence_type = fields.Function(fields.Many2One(
            'ir.sequence.type', "Payment Sequence Type"),
        'get_sequence_type')
    chief_accountant = fields.Many2One(
        'company.employee', "Chief Accountant",
        domain=[('company', '=', Eval('company', -1))])
    cashier = fields.Many2One(
        'company.employee', "Cashier",
        domain=[('company', '=', Eval('company', -1))])
    head = fields.Many2One(
        'company.employee', "Head of Organisation",
        domain=[('company', '=', Eval('company', -1))])

    _SEQUENCE_TYPES = {
        'receipt': 'sequence_type_cash_receipt',
        'disbursement': 'sequence_type_cash_disbursement',
        'payment': 'sequence_type_payment_order',
        }

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('company_uniq', Unique(t, t.company),
                'edu_account_cash.msg_configuration_company_unique'),
            ]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def _sequence_type(cls, kind):
        ModelData = Pool().get('ir.model.data')
        return ModelData.get_id('edu_account_cash', cls._SEQUENCE_TYPES[kind])

    def get_sequence_type(self, name):
        return self._sequence_type(name[:-len('_sequence_type')])

    @classmethod
    def get_for(cls, company):
        """Return the configuration of company, creating it with its own
        strict sequences the first time"""
        pool = Pool()
        Sequence = pool.get('ir.sequence.strict')
        configs = cls.search([('company', '=', company.id)], limit=1)
        if configs:
            return configs[0]
        with without_check_access():
            values = {'company': company.id}
            for kind in cls._SEQUENCE_TYPES:
                sequence, = Sequence.create([{
                            'name': '%s (%s)' % (kind, company.rec_name),
                            'sequence_type': cls._sequence_type(kind),
                            'company': company.id,
                            }])
                values['%s_sequence' % kind] = sequence.id
            config, = cls.create([values])
        return cls(config.id)


class CashOrder(Workflow, ModelSQL, ModelView):
    """Cash Order (R19.3): a receipt order (ПКО) brings money into the cash
    desk, a disbursement order (РКО) takes it out.  Posting numbers the
    order in its strict sequence and posts the move in the CASH journal:
    Dt cash desk / Cr counter account for a receipt, the reverse for a
    disbursement, with the ЕБК and funding source on both lines."""
    __name__ = 'edu.cash.order'
    __string__ = "Cash Order"
    _rec_name = 'number'

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_STATES)
    kind = fields.Selection([
            ('receipt', "Receipt Order"),
            ('disbursement', "Disbursement Order"),
            ], "Kind", required=True, states=_STATES)
    number = fields.Char("Number", readonly=True)
    date = fields.Date("Date", required=True, states=_STATES)
    party = fields.Many2One(
        'party.party', "Party", required=True, states=_STATES,
        context={'company': Eval('company', -1)},
        help="The payer of a receipt order, the recipient of a "
        "disbursement order.")
    party_code = fields.Function(
        fields.Char("IIN/BIN"), 'on_change_with_party_code')
    basis = fields.Char("Basis", required=True, states=_STATES)
    attachment = fields.Char("Attachment", states=_STATES)
    amount = fields.Numeric(
        "Amount", digits=(16, 2), required=True, states=_STATES,
        domain=[('amount', '>', 0)])
    cash_account = fields.Many2One(
        'account.account', "Cash Account", required=True, states=_STATES,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('edu_cash', '=', 'cash_desk'),
            ])
    account = fields.Many2One(
        'account.account', "Counter Account", required=True, states=_STATES,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('type', '!=', None),
            ('closed', '!=', True),
            ('id', '!=', Eval('cash_account', -1)),
            ])
    ebk_specific = fields.Many2One(
        'edu.ebk.specific', "ЕБК Specific", states=_STATES)
    ebk_program = fields.Many2One(
        'edu.ebk.program', "ЕБК Program", states=_STATES)
    funding_source = fields.Many2One(
        'edu.funding.source', "Funding Source", states=_STATES)
    journal = fields.Many2One(
        'account.journal', "Journal", required=True, states=_STATES)
    move = fields.Many2One(
        'account.move', "Move", readonly=True,
        domain=[('company', '=', Eval('company', -1))])
    cancel_move = fields.Many2One(
        'account.move', "Cancel Move", readonly=True,
        domain=[('company', '=', Eval('company', -1))])
    state = fields.Selection([
            ('draft', "Draft"),
            ('posted', "Posted"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    amount_words = fields.Function(
        fields.Char("Amount in Words"), 'get_amount_words')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.company, Index.Range()), (t.date, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'draft'),
                })
        cls._order = [
            ('date', 'DESC'), ('number', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'posted'),
            ('posted', 'cancelled'),
            }
        cls._buttons.update({
                'post': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'posted',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_kind():
        return Transaction().context.get('cash_order_kind', 'receipt')

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @classmethod
    def default_cash_account(cls):
        Company = Pool().get('company.company')
        company = Transaction().context.get('company')
        if company:
            account = find_account(Company(company), '1010')
            if account:
                return account.id

    @classmethod
    def default_journal(cls):
        Journal = Pool().get('account.journal')
        journals = Journal.search([('code', '=', 'CASH')], limit=1)
        if journals:
            return journals[0].id

    @fields.depends('party')
    def on_change_with_party_code(self, name=None):
        if self.party:
            return (getattr(self.party, 'iin', None)
                or getattr(self.party, 'bin', None) or '')

    def get_amount_words(self, name):
        from trytond.modules.edu_account.printing import language
        from trytond.modules.edu_account.words import amount_in_words
        return amount_in_words(self.amount, language=language())

    def get_rec_name(self, name):
        kind = gettext('edu_account_cash.msg_kind_short_%s' % self.kind)
        return '%s № %s' % (kind, self.number or '(%s)' % self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('number',) + tuple(clause[1:])]

    @classmethod
    def check_modification(cls, mode, orders, values=None, external=False):
        super().check_modification(
            mode, orders, values=values, external=external)
        if mode == 'delete':
            for order in orders:
                if order.state != 'draft':
                    raise CashError(gettext(
                            'edu_account_cash.msg_order_delete_draft',
                            order=order.rec_name))

    @classmethod
    def copy(cls, orders, default=None):
        default = default.copy() if default is not None else {}
        for name in ('number', 'move', 'cancel_move'):
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(orders, default=default)

    def _sequence(self, config):
        return (config.receipt_sequence if self.kind == 'receipt'
            else config.disbursement_sequence)

    def _move_lines(self):
        "Return the cash and the counter move lines (R19.3)"
        MoveLine = Pool().get('account.move.line')
        lines = []
        receipt = self.kind == 'receipt'
        for account, debit in [
                (self.cash_account, receipt),
                (self.account, not receipt)]:
            line = MoveLine(
                account=account,
                debit=self.amount if debit else ZERO,
                credit=ZERO if debit else self.amount,
                description=self.basis,
                ebk_specific=self.ebk_specific,
                ebk_program=self.ebk_program,
                funding_source=self.funding_source,
                origin=self)
            if account.party_required:
                line.party = self.party
            lines.append(line)
        return lines

    def get_move(self):
        pool = Pool()
        Move = pool.get('account.move')
        Period = pool.get('account.period')
        return Move(
            company=self.company,
            journal=self.journal,
            period=Period.find(self.company, date=self.date),
            date=self.date,
            origin=self,
            description='%s: %s' % (self.rec_name, self.basis),
            lines=self._move_lines())

    @classmethod
    @ModelView.button
    @Workflow.transition('posted')
    def post(cls, orders):
        """Number and post the orders; refused whole when the cash desk
        would go below zero, warned when a day ends over the cash limit"""
        pool = Pool()
        Move = pool.get('account.move')
        Config = pool.get('edu.cash.configuration')
        orders = sorted(orders, key=lambda o: (o.date, o.id))
        for order in orders:
            if order.account == order.cash_account:
                raise CashError(gettext(
                        'edu_account_cash.msg_order_same_account',
                        order=order.rec_name))
            config = Config.get_for(order.company)
            with Transaction().set_context(company=order.company.id):
                order.number = order._sequence(config).get()
            order.move = order.get_move()
        Move.save([o.move for o in orders])
        cls.save(orders)
        Move.post([o.move for o in orders])
        cls.check_cash_limit(orders)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, orders):
        """Cancel posted orders by a reversing move (red storno: the same
        sides with negative amounts), posted at once; a cancelled receipt
        is refused when the money has already left the cash desk"""
        pool = Pool()
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        moves = []
        for order in orders:
            cancel_move = order.move.cancel()
            order.cancel_move = cancel_move
            moves.append(cancel_move)
        cls.save(orders)
        Move.post(moves)
        for order in orders:
            for line, reverse in zip(
                    order.move.lines, order.cancel_move.lines):
                if (line.account.reconcile and not line.reconciliation
                        and not reverse.reconciliation):
                    MoveLine.reconcile([line, reverse])

    @classmethod
    def check_cash_limit(cls, orders):
        "Warn when a day of the orders ends over the company's cash limit"
        pool = Pool()
        Config = pool.get('edu.cash.configuration')
        Warning = pool.get('res.user.warning')
        over = []
        seen = set()
        for order in orders:
            key = (order.company, order.cash_account, order.date)
            if key in seen:
                continue
            seen.add(key)
            config = Config.get_for(order.company)
            if config.cash_limit is None:
                continue
            balance = cash_balance(order.cash_account, order.date)
            if balance > config.cash_limit:
                over.append((order, balance, config.cash_limit))
        if over:
            order, balance, limit = over[0]
            key = Warning.format('edu_cash_limit', [o for o, _, _ in over])
            if Warning.check(key):
                raise CashLimitWarning(key, gettext(
                        'edu_account_cash.msg_cash_limit',
                        account=order.cash_account.rec_name,
                        date=format_date(order.date),
                        balance=format_money(balance, order.company),
                        limit=format_money(limit, order.company)))


def cash_balance(account, date, strict=False):
    """The posted balance of account at the end of date (before date when
    strict)"""
    pool = Pool()
    Line = pool.get('account.move.line')
    Move = pool.get('account.move')
    line = Line.__table__()
    move = Move.__table__()
    cursor = Transaction().connection.cursor()
    where = ((line.account == account.id) & (move.state == 'posted'))
    where &= (move.date < date) if strict else (move.date <= date)
    cursor.execute(*line.join(move, condition=line.move == move.id).select(
            Sum(Coalesce(line.debit, 0) - Coalesce(line.credit, 0)),
            where=where))
    value, = cursor.fetchone()
    return Decimal(str(value or 0)).quantize(CENT)


class Move(metaclass=PoolMeta):
    __name__ = 'account.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['edu.cash.order', 'edu.payment.order']

    @dualmethod
    @ModelView.button
    def post(cls, moves):
        super().post(moves)
        cls.check_cash_never_negative(moves)

    @classmethod
    def lock_cash_accounts(cls, account_ids):
        """Serialise the postings on the cash accounts (see the module
        docstring)"""
        from trytond import backend
        pool = Pool()
        Account = pool.get('account.account')
        transaction = Transaction()
        if not account_ids or backend.name == 'sqlite':
            return
        account = Account.__table__()
        cursor = transaction.connection.cursor()
        cursor.execute(*account.update(
                [account.write_date], [account.write_date],
                where=account.id.in_(sorted(account_ids))))

    @classmethod
    def check_cash_never_negative(cls, moves):
        """Refuse when a cash desk account's daily running balance would
        drop below zero from the earliest date of the moves onward
        (R19.3: the cash balance can never go negative)"""
        pool = Pool()
        Line = pool.get('account.move.line')
        Account = pool.get('account.account')
        Company = pool.get('company.company')
        line = Line.__table__()
        move = cls.__table__()
        account = Account.__table__()
        cursor = Transaction().connection.cursor()
        move_ids = [m.id for m in moves]
        if not move_ids:
            return
        touched = {}
        for sub_ids in grouped_slice(move_ids):
            cursor.execute(*line
                .join(move, condition=line.move == move.id)
                .join(account, condition=line.account == account.id)
                .select(move.company, line.account, Min(move.date),
                    where=line.move.in_(sub_ids)
                    & (account.edu_cash == 'cash_desk'),
                    group_by=[move.company, line.account]))
            for company_id, account_id, date in cursor:
                key = (company_id, account_id)
                if key not in touched or date < touched[key]:
                    touched[key] = date
        if not touched:
            return
        cls.lock_cash_accounts({a for _, a in touched})
        for (company_id, account_id), date in sorted(touched.items()):
            date = to_date(date)
            opening = cash_balance(Account(account_id), date, strict=True)
            cursor.execute(*line
                .join(move, condition=line.move == move.id)
                .select(move.date,
                    Sum(Coalesce(line.debit, 0) - Coalesce(line.credit, 0)),
                    where=(line.account == account_id)
                    & (move.company == company_id)
                    & (move.state == 'posted')
                    & (move.date >= date),
                    group_by=[move.date],
                    order_by=[move.date.asc]))
            balance = opening
            for day, amount in cursor.fetchall():
                balance += Decimal(str(amount or 0))
                if balance.quantize(CENT) < 0:
                    day = to_date(day)
                    company = Company(company_id)
                    raise CashNegativeError(gettext(
                            'edu_account_cash.msg_cash_negative',
                            account=Account(account_id).rec_name,
                            date=format_date(day),
                            balance=format_money(
                                balance.quantize(CENT), company),
                            shortfall=format_money(
                                -balance.quantize(CENT), company)))


class MoveLine(metaclass=PoolMeta):
    __name__ = 'account.move.line'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['edu.cash.order', 'edu.payment.order']


def grouped_slice(ids, size=None):
    """Slices of ids as lists (Tryton 8.0's grouped_slice without a size
    slices one by one)"""
    from trytond import backend
    from trytond.tools import grouped_slice as _grouped_slice
    for sub in _grouped_slice(ids, size or backend.MAX_QUERY_PARAMS):
        yield list(sub)


def to_date(value):
    "A date from an SQL result (SQLite returns aggregates as text)"
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


class CashOrderReport(FileReport):
    """Receipt (ПКО) and disbursement (РКО) cash order forms with the
    amount in words and the receipt torn off the ПКО (R19.3, R19.2)"""
    __name__ = 'edu.cash.order.report'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        from reportlab.platypus import PageBreak
        pool = Pool()
        Config = pool.get('edu.cash.configuration')
        lang = pool.get('ir.lang').get()
        pdf = None
        for order in records:
            receipt = order.kind == 'receipt'
            title = translated(
                'edu_account_cash.msg_label_%s_title' % order.kind,
                number=order.number or '', date=lang.strftime(order.date))
            if pdf is None:
                pdf = PdfDocument(title)
            else:
                pdf.story.append(PageBreak())
                pdf.heading(title)
            config = Config.get_for(order.company)
            company_party = order.company.party
            pdf.fields([
                    (translated('edu_account_cash.msg_label_organisation'),
                        company_party.rec_name),
                    (translated('edu_account_cash.msg_label_bin'),
                        getattr(company_party, 'bin', None) or ''),
                    ])
            debit, credit = ((order.cash_account, order.account) if receipt
                else (order.account, order.cash_account))
            pdf.table([
                    [translated('edu_account_cash.msg_label_debit'),
                        translated('edu_account_cash.msg_label_credit'),
                        translated('edu_account_cash.msg_label_ebk'),
                        translated('edu_account_cash.msg_label_source'),
                        translated('edu_account_cash.msg_label_amount')],
                    [debit.code or '', credit.code or '',
                        ' / '.join(filter(None, [
                                    order.ebk_program.code
                                    if order.ebk_program else '',
                                    order.ebk_specific.code
                                    if order.ebk_specific else ''])),
                        order.funding_source.rec_name
                        if order.funding_source else '',
                        order.amount],
                    ], col_widths=[0.13, 0.13, 0.28, 0.26, 0.2],
                numeric=(4,))
            party_label = ('edu_account_cash.msg_label_received_from'
                if receipt else 'edu_account_cash.msg_label_issued_to')
            party_line = [(translated(party_label), order.party.rec_name),
                (translated('edu_account_cash.msg_label_iin'),
                    order.party_code or '')]
            details = [
                (translated('edu_account_cash.msg_label_basis'),
                    order.basis),
                (translated('edu_account_cash.msg_label_amount_words'),
                    order.amount_words),
                (translated('edu_account_cash.msg_label_attachment'),
                    order.attachment or ''),
                ]
            pdf.fields(party_line + details)
            chief = (config.chief_accountant.rec_name
                if config.chief_accountant else '')
            cashier = config.cashier.rec_name if config.cashier else ''
            if receipt:
                pdf.signatures([
                        (translated(
                                'edu_account_cash.msg_label_chief_accountant'),
                            chief),
                        (translated('edu_account_cash.msg_label_cashier'),
                            cashier),
                        ])
                # the receipt torn off and handed to the payer
                pdf.spacer(10)
                pdf.paragraph('- ' * 60, 'small')
                pdf.heading(translated(
                        'edu_account_cash.msg_label_receipt_stub',
                        number=order.number or '',
                        date=lang.strftime(order.date)))
                pdf.fields([
                        (translated('edu_account_cash.msg_label_organisation'),
                            company_party.rec_name),
                        ] + party_line + [
                        (translated('edu_account_cash.msg_label_amount'),
                            format_amount(order.amount)),
                        ] + details[:2])
                pdf.signatures([
                        (translated(
                                'edu_account_cash.msg_label_chief_accountant'),
                            chief),
                        (translated('edu_account_cash.msg_label_cashier'),
                            cashier),
                        (translated('edu_account_cash.msg_label_stamp'), ''),
                        ])
            else:
                pdf.signatures([
                        (translated('edu_account_cash.msg_label_head'),
                            config.head.rec_name if config.head else ''),
                        (translated(
                                'edu_account_cash.msg_label_chief_accountant'),
                            chief),
                        (translated('edu_account_cash.msg_label_received'),
                            order.party.rec_name),
                        (translated('edu_account_cash.msg_label_cashier'),
                            cashier),
                        ])
        if pdf is None:
            pdf = PdfDocument('')
        return pdf.build()
