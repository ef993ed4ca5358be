# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Payment orders (платёжное поручение / treasury payment, R19.3): money
leaves a treasury or bank account (1040, 1050, 1060) for a beneficiary
named by BIN/IIN and IBAN, with the payment purpose code (КНП), the budget
codes and the funding source.  Posting numbers the order and posts
Dt counter account (3210 supplier by default) / Cr money account; the
statement of the treasury or bank then marks it executed."""
from stdnum import iban as stdnum_iban

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, translated)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .cash import ZERO, find_account
from .exceptions import IBANValidationError, PaymentOrderError

_STATES = {'readonly': Eval('state') != 'draft'}


def compact_iban(value):
    return stdnum_iban.compact(value or '')


def check_iban(value, field_name=''):
    """Raise IBANValidationError unless value is an IBAN with a right
    checksum (Kazakh accounts: KZ + 2 check digits + 16 characters)"""
    value = compact_iban(value)
    if not value:
        return
    if not stdnum_iban.is_valid(value):
        raise IBANValidationError(gettext(
                'edu_account_cash.msg_iban_invalid', iban=value))


class PaymentOrder(Workflow, ModelSQL, ModelView):
    "Payment Order"
    __name__ = 'edu.payment.order'
    __string__ = "Payment Order"
    _rec_name = 'number'

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_STATES)
    number = fields.Char("Number", readonly=True)
    date = fields.Date("Date", required=True, states=_STATES)
    money_account = fields.Many2One(
        'account.account', "Payer Account", required=True, states=_STATES,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('edu_cash', 'in', ['treasury', 'bank']),
            ],
        help="The treasury or bank account the money leaves "
        "(1040, 1050, 1060).")
    party = fields.Many2One(
        'party.party', "Beneficiary", required=True, states=_STATES,
        context={'company': Eval('company', -1)})
    party_code = fields.Function(
        fields.Char("BIN/IIN"), 'on_change_with_party_code')
    beneficiary_iban = fields.Char(
        "Beneficiary IBAN", required=True, states=_STATES,
        help="The beneficiary's account, e.g. KZ86125KZT5004100100.")
    beneficiary_bic = fields.Char("Beneficiary BIC", states=_STATES)
    beneficiary_bank = fields.Char("Beneficiary Bank", states=_STATES)
    knp = fields.Char(
        "Payment Purpose Code", size=3, required=True, states=_STATES,
        help="КНП: the 3-digit code of the purpose of payment.")
    kbk = fields.Char(
        "Budget Classification Code", size=6, states=_STATES,
        help="КБК of a payment to the budget (taxes, returns).")
    account = fields.Many2One(
        'account.account', "Counter Account", required=True, states=_STATES,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('type', '!=', None),
            ('closed', '!=', True),
            ('id', '!=', Eval('money_account', -1)),
            ])
    ebk_specific = fields.Many2One(
        'edu.ebk.specific', "ЕБК Specific", states=_STATES)
    ebk_program = fields.Many2One(
        'edu.ebk.program', "ЕБК Program", states=_STATES)
    funding_source = fields.Many2One(
        'edu.funding.source', "Funding Source", states=_STATES)
    amount = fields.Numeric(
        "Amount", digits=(16, 2), required=True, states=_STATES,
        domain=[('amount', '>', 0)])
    amount_words = fields.Function(
        fields.Char("Amount in Words"), 'get_amount_words')
    purpose = fields.Text("Purpose of Payment", required=True,
        states=_STATES)
    journal = fields.Many2One(
        'account.journal', "Journal", required=True, states=_STATES)
    move = fields.Many2One('account.move', "Move", readonly=True,
        domain=[('company', '=', Eval('company', -1))])
    cancel_move = fields.Many2One('account.move', "Cancel Move",
        readonly=True, domain=[('company', '=', Eval('company', -1))])
    statement_line = fields.Many2One(
        'account.statement.line', "Statement Line", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('posted', "Posted"),
            ('executed', "Executed"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.company, Index.Range()), (t.date, Index.Range())),
                Index(t, (t.number, Index.Equality())),
                })
        cls._order = [('date', 'DESC'), ('number', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'posted'),
            ('posted', 'executed'),
            ('executed', 'posted'),
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
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_knp():
        return '859'

    @classmethod
    def default_money_account(cls):
        Company = Pool().get('company.company')
        company = Transaction().context.get('company')
        if company:
            account = find_account(Company(company), '1040')
            if account:
                return account.id

    @classmethod
    def default_journal(cls):
        Journal = Pool().get('account.journal')
        journals = Journal.search([('code', '=', 'TRE')], limit=1)
        if journals:
            return journals[0].id

    @fields.depends('party', 'account', 'company')
    def on_change_party(self):
        if self.party and not self.account:
            with Transaction().set_context(
                    company=self.company.id if self.company else None):
                try:
                    self.account = self.party.account_payable_used
                except Exception:
                    self.account = None

    @fields.depends('party')
    def on_change_with_party_code(self, name=None):
        if self.party:
            return (getattr(self.party, 'bin', None)
                or getattr(self.party, 'iin', None) or '')

    @fields.depends('beneficiary_iban')
    def on_change_beneficiary_iban(self):
        if self.beneficiary_iban:
            self.beneficiary_iban = compact_iban(self.beneficiary_iban)

    def get_amount_words(self, name):
        from trytond.modules.edu_account.printing import language
        from trytond.modules.edu_account.words import amount_in_words
        return amount_in_words(self.amount, language=language())

    def get_rec_name(self, name):
        return '%s № %s' % (
            gettext('edu_account_cash.msg_kind_short_payment'),
            self.number or '(%s)' % self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('number',) + tuple(clause[1:])]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('beneficiary_iban'):
            values['beneficiary_iban'] = compact_iban(
                values['beneficiary_iban'])
        return values

    @classmethod
    def validate_fields(cls, orders, field_names):
        super().validate_fields(orders, field_names)
        if field_names is None or {'beneficiary_iban', 'knp'} & field_names:
            for order in orders:
                check_iban(order.beneficiary_iban)
                if not (order.knp or '').isdigit() or len(order.knp) != 3:
                    raise PaymentOrderError(gettext(
                            'edu_account_cash.msg_knp_invalid',
                            knp=order.knp or ''))

    @classmethod
    def check_modification(cls, mode, orders, values=None, external=False):
        super().check_modification(
            mode, orders, values=values, external=external)
        if mode == 'delete':
            for order in orders:
                if order.state != 'draft':
                    raise PaymentOrderError(gettext(
                            'edu_account_cash.msg_payment_delete_draft',
                            order=order.rec_name))

    @classmethod
    def copy(cls, orders, default=None):
        default = default.copy() if default is not None else {}
        for name in ('number', 'move', 'cancel_move', 'statement_line'):
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(orders, default=default)

    def get_move(self):
        pool = Pool()
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        Period = pool.get('account.period')
        lines = []
        for account, debit in [(self.account, True),
                (self.money_account, False)]:
            line = MoveLine(
                account=account,
                debit=self.amount if debit else ZERO,
                credit=ZERO if debit else self.amount,
                description=self.purpose[:250] if self.purpose else None,
                ebk_specific=self.ebk_specific,
                ebk_program=self.ebk_program,
                funding_source=self.funding_source,
                origin=self)
            if account.party_required:
                line.party = self.party
            lines.append(line)
        return Move(
            company=self.company,
            journal=self.journal,
            period=Period.find(self.company, date=self.date),
            date=self.date,
            origin=self,
            description=self.rec_name,
            lines=lines)

    @classmethod
    @ModelView.button
    @Workflow.transition('posted')
    def post(cls, orders):
        "Number the orders and post Dt counter / Cr money account"
        pool = Pool()
        Move = pool.get('account.move')
        Config = pool.get('edu.cash.configuration')
        orders = [o for o in sorted(orders, key=lambda o: (o.date, o.id))
            if not o.move]
        for order in orders:
            if order.account == order.money_account:
                raise PaymentOrderError(gettext(
                        'edu_account_cash.msg_payment_same_account',
                        order=order.rec_name))
            config = Config.get_for(order.company)
            with Transaction().set_context(company=order.company.id):
                order.number = config.payment_sequence.get()
            order.move = order.get_move()
        Move.save([o.move for o in orders])
        cls.save(orders)
        Move.post([o.move for o in orders])

    @classmethod
    @Workflow.transition('executed')
    def execute(cls, orders):
        "Marked by the statement that shows the money left (R19.3)"
        pass

    @classmethod
    @Workflow.transition('posted')
    def unexecute(cls, orders):
        cls.write(orders, {'statement_line': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, orders):
        "Cancel a posted (not executed) order by a red-storno move"
        pool = Pool()
        Move = pool.get('account.move')
        moves = []
        for order in orders:
            order.cancel_move = order.move.cancel()
            moves.append(order.cancel_move)
        cls.save(orders)
        Move.post(moves)

    @classmethod
    def open_for(cls, company, number, amount):
        "The posted order of company with number and amount, if any"
        orders = cls.search([
                ('company', '=', company.id),
                ('number', '=', number),
                ('amount', '=', amount),
                ('state', '=', 'posted'),
                ], limit=1)
        return orders[0] if orders else None


class PaymentOrderReport(FileReport):
    "Payment order PDF"
    __name__ = 'edu.payment.order.report'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        from reportlab.platypus import PageBreak
        Lang = Pool().get('ir.lang')
        lang = Lang.get()
        pdf = None
        for order in records:
            title = translated('edu_account_cash.msg_label_payment_title',
                number=order.number or '', date=lang.strftime(order.date))
            if pdf is None:
                pdf = PdfDocument(title)
            else:
                pdf.story.append(PageBreak())
                pdf.paragraph(title, 'normal')
            company_party = order.company.party
            pdf.fields([
                    (translated('edu_account_cash.msg_label_payer'),
                        company_party.rec_name),
                    (translated('edu_account_cash.msg_label_bin'),
                        getattr(company_party, 'bin', None) or ''),
                    (translated('edu_account_cash.msg_label_payer_account'),
                        order.money_account.rec_name),
                    (translated('edu_account_cash.msg_label_beneficiary'),
                        order.party.rec_name),
                    (translated('edu_account_cash.msg_label_bin'),
                        order.party_code or ''),
                    (translated('edu_account_cash.msg_label_iban'),
                        order.beneficiary_iban),
                    (translated('edu_account_cash.msg_label_bic'),
                        order.beneficiary_bic or ''),
                    (translated('edu_account_cash.msg_label_bank'),
                        order.beneficiary_bank or ''),
                    ])
            pdf.table([
                    [translated('edu_account_cash.msg_label_knp'),
                        translated('edu_account_cash.msg_label_kbk'),
                        translated('edu_account_cash.msg_label_ebk'),
                        translated('edu_account_cash.msg_label_source'),
                        translated('edu_account_cash.msg_label_amount')],
                    [order.knp, order.kbk or '',
                        ' / '.join(filter(None, [
                                    order.ebk_program.code
                                    if order.ebk_program else '',
                                    order.ebk_specific.code
                                    if order.ebk_specific else ''])),
                        order.funding_source.rec_name
                        if order.funding_source else '',
                        order.amount],
                    ], col_widths=[0.12, 0.12, 0.3, 0.26, 0.2],
                numeric=(4,))
            pdf.fields([
                    (translated('edu_account_cash.msg_label_amount_words'),
                        order.amount_words),
                    (translated('edu_account_cash.msg_label_purpose'),
                        order.purpose),
                    ])
            config = Pool().get('edu.cash.configuration').get_for(
                order.company)
            pdf.signatures([
                    (translated('edu_account_cash.msg_label_head'),
                        config.head.rec_name if config.head else ''),
                    (translated(
                            'edu_account_cash.msg_label_chief_accountant'),
                        config.chief_accountant.rec_name
                        if config.chief_accountant else ''),
                    ])
        if pdf is None:
            pdf = PdfDocument('')
        return pdf.build()

