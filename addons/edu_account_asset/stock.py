# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Inventories (ТМЗ) of a state institution (R19.7).

Storage places are Tryton ``stock.location`` records of type *storage*
that belong to one company and have a responsible employee (the
материально ответственное лицо).  Products are Tryton products of type
*goods*; the inventory account (1310 materials, 1320 food, 1330 fuel, 1340
other inventories) and the ЕБК specific of the expense (144 fuel, 149
other inventories, ...) come from the template or, when empty there, from
its first product category that has them.

Documents: ``edu.stock.document`` rather than Tryton's shipments.  Tryton's
shipments model a warehouse (input/output zones, picking, packing,
assignation) that a school storeroom has not, and they have no kind for an
issue to use nor for a write-off act with its commission; a document here
is one paper form of the state institution — приходная накладная,
требование-накладная, акт списания, накладная на внутреннее перемещение —
that does its ``stock.move`` records (Tryton keeps the quantities and the
weighted average cost per product and company: products use the *average*
cost price method) and posts its ``account.move`` in journal STO:

=========  ==========================================================
receipt    Dt 13xx / Cr 3210 (supplier), at the unit prices entered
issue      Dt 7110 (ЕБК specific, funding source) / Cr 13xx at cost
write-off  Dt 7310 / Cr 13xx at cost, with the reason and commission
transfer   stock moves only, no ledger effect
=========  ==========================================================

A storage place never holds a negative quantity: the posting is refused
with the product, the place and the missing quantity, and nothing of the
document is kept.

Stock-taking (инвентаризация) is Tryton's ``stock.inventory`` (expected vs
counted per storage place) with the order number and the commission; its
confirmation posts the differences at cost: surplus Dt 13xx / Cr 6210,
shortage Dt 1270 (the responsible person's party) / Cr 13xx.
"""
import datetime
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.product import round_price
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import (
    AccountMissingError, NegativeStockError, StockDocumentError)

STOCK_ACCOUNTS = [
    (None, ''),
    ('1310', "1310 Materials"),
    ('1320', "1320 Food"),
    ('1330', "1330 Fuel and lubricants"),
    ('1340', "1340 Other inventories"),
    ]
KINDS = [
    ('receipt', "Receipt"),
    ('issue', "Issue to use"),
    ('writeoff', "Write-off act"),
    ('transfer', "Transfer"),
    ]
_ZERO = Decimal(0)


def account_by_code(company, code):
    "Return the account of company with code or raise a translated error"
    Account = Pool().get('account.account')
    accounts = Account.search([
            ('company', '=', company.id),
            ('code', '=', code),
            ('closed', '!=', True),
            ], limit=1)
    if not accounts:
        raise AccountMissingError(gettext(
                'edu_account_asset.msg_account_missing',
                code=code, company=company.rec_name))
    return accounts[0]


def journal_by_code(code):
    "Return the journal with code or raise a translated error"
    Journal = Pool().get('account.journal')
    journals = Journal.search([('code', '=', code)], limit=1)
    if not journals:
        raise AccountMissingError(gettext(
                'edu_account_asset.msg_journal_missing', code=code))
    return journals[0]


def move_line(account, debit=_ZERO, credit=_ZERO, party=None,
        ebk_specific=None, funding_source=None, description=None):
    "Return a new account.move.line with the ledger dimensions"
    MoveLine = Pool().get('account.move.line')
    cent = Decimal('0.01')
    line = MoveLine(account=account, debit=Decimal(debit).quantize(cent),
        credit=Decimal(credit).quantize(cent), description=description)
    if party and account.party_required:
        line.party = party
    if ebk_specific:
        line.ebk_specific = ebk_specific
    if funding_source:
        line.funding_source = funding_source
    return line


def new_move(company, journal_code, date, origin, description, lines):
    "Return a saved and posted account.move in the journal of code"
    pool = Pool()
    Move = pool.get('account.move')
    Period = pool.get('account.period')
    lines = [l for l in lines if l.debit or l.credit]
    if not lines:
        return None
    move = Move(company=company, journal=journal_by_code(journal_code),
        date=date, period=Period.find(company, date=date), origin=origin,
        description=description, lines=lines)
    move.save()
    Move.post([move])
    return move


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'
    edu_asset_frequency = fields.Selection([
            ('monthly', "Monthly"),
            ('yearly', "Yearly"),
            ], "Depreciation Frequency",
        help="How often the depreciation of fixed assets is charged "
        "(R19.10).")
    edu_asset_threshold = fields.Numeric("Low-Value Asset Threshold",
        digits=(16, 2),
        help="A fixed asset whose value is below this amount is fully "
        "depreciated when commissioned; empty: never.")

    @classmethod
    def default_edu_asset_frequency(cls):
        return 'monthly'


class Location(metaclass=PoolMeta):
    __name__ = 'stock.location'
    edu_company = fields.Many2One('company.company', "Institution",
        states={'invisible': Eval('type') != 'storage'},
        help="The institution that keeps this storage place (R19.7).")
    edu_responsible = fields.Many2One('company.employee',
        "Responsible Person",
        domain=[If(Bool(Eval('edu_company')),
                ('company', '=', Eval('edu_company', -1)),
                ())],
        states={'invisible': Eval('type') != 'storage'},
        help="The materially responsible person of the storage place.")

    @property
    def lost_found_used(self):
        location = super().lost_found_used
        if not location and self.edu_company:
            # a school storeroom outside any warehouse: the differences of
            # its stock-taking go to the written-off location
            pool = Pool()
            ModelData = pool.get('ir.model.data')
            location = self.__class__(ModelData.get_id(
                    'edu_account_asset', 'location_written_off'))
        return location


class Category(metaclass=PoolMeta):
    __name__ = 'product.category'
    edu_stock_account = fields.Selection(STOCK_ACCOUNTS, "Inventory Account",
        help="The account of the state chart that keeps the inventories "
        "of this category.")
    edu_ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific",
        help="The specific charged when the goods are issued to use.")


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'
    edu_stock_account = fields.Selection(STOCK_ACCOUNTS, "Inventory Account",
        states={'invisible': Eval('type') != 'goods'},
        help="Empty: the one of the category.")
    edu_ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific",
        states={'invisible': Eval('type') != 'goods'},
        help="Empty: the one of the category.")

    @classmethod
    def default_cost_price_method(cls, **pattern):
        # the weighted average cost of the state institutions' rules
        return 'average'

    def edu_stock_value(self, name):
        value = getattr(self, name)
        if value:
            return value
        for category in self.categories or []:
            while category:
                value = getattr(category, name, None)
                if value:
                    return value
                category = category.parent
        return None


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    @property
    def edu_stock_account_code(self):
        return self.template.edu_stock_value('edu_stock_account')

    @property
    def edu_ebk_specific_used(self):
        return self.template.edu_stock_value('edu_ebk_specific')


class Document(Workflow, ModelSQL, ModelView):
    "Stock document of a state institution (R19.7)"
    __name__ = 'edu.stock.document'
    _rec_name = 'number'
    _states = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One('company.company', "Institution",
        required=True, states=_states)
    kind = fields.Selection(KINDS, "Kind", required=True, states=_states)
    number = fields.Char("Number", readonly=True)
    date = fields.Date("Date", required=True, states=_states)
    location = fields.Many2One('stock.location', "Storage Place",
        required=True, states=_states,
        domain=[('type', '=', 'storage'),
            ('edu_company', '=', Eval('company', -1))],
        help="Where the goods come in (receipt) or go out from.")
    to_location = fields.Many2One('stock.location', "To Storage Place",
        domain=[('type', '=', 'storage'),
            ('edu_company', '=', Eval('company', -1)),
            ('id', '!=', Eval('location', -1))],
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind') == 'transfer',
            'invisible': Eval('kind') != 'transfer',
            })
    responsible = fields.Function(fields.Many2One('company.employee',
            "Responsible Person"), 'on_change_with_responsible')
    to_responsible = fields.Function(fields.Many2One('company.employee',
            "Receiving Responsible Person"), 'on_change_with_to_responsible')
    party = fields.Many2One('party.party', "Supplier",
        context={'company': Eval('company', -1)}, depends={'company'},
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind') == 'receipt',
            'invisible': Eval('kind') != 'receipt',
            })
    supplier_reference = fields.Char("Supplier Document",
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'receipt',
            })
    recipient = fields.Many2One('company.employee', "Recipient",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'issue',
            })
    funding_source = fields.Many2One('edu.funding.source', "Funding Source",
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind').in_(['receipt', 'issue']),
            'invisible': Eval('kind') == 'transfer',
            })
    reason = fields.Text("Reason",
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind') == 'writeoff',
            })
    commission = fields.Text("Commission Members",
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind') == 'writeoff',
            'invisible': Eval('kind') != 'writeoff',
            },
        help="One member a line; the chairman first.")
    lines = fields.One2Many('edu.stock.document.line', 'document', "Lines",
        states=_states)
    total = fields.Function(fields.Numeric("Total", digits=(16, 2)),
        'get_total')
    move = fields.Many2One('account.move', "Account Move", readonly=True)
    cancel_move = fields.Many2One('account.move', "Cancel Move",
        readonly=True,
        states={'invisible': ~Eval('cancel_move')})
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Posted"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'done'),
            ('draft', 'cancelled'),
            ('done', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'post': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') == 'cancelled',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ((Eval('state') != 'cancelled')
                        | Bool(Eval('number'))),
                    'depends': ['state', 'number'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'receipt'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('location')
    def on_change_with_responsible(self, name=None):
        if self.location and self.location.edu_responsible:
            return self.location.edu_responsible.id

    @fields.depends('to_location')
    def on_change_with_to_responsible(self, name=None):
        if self.to_location and self.to_location.edu_responsible:
            return self.to_location.edu_responsible.id

    def get_total(self, name):
        return sum((l.amount or _ZERO for l in self.lines), _ZERO)

    def get_rec_name(self, name):
        return self.number or str(self.id)

    @classmethod
    def check_modification(cls, mode, documents, values=None,
            external=False):
        super().check_modification(
            mode, documents, values=values, external=external)
        if mode == 'delete':
            for document in documents:
                if document.state == 'done':
                    raise StockDocumentError(gettext(
                            'edu_account_asset.msg_document_delete_posted',
                            document=document.rec_name))

    @classmethod
    def copy(cls, documents, default=None):
        default = default.copy() if default else {}
        default.setdefault('number', None)
        default.setdefault('move', None)
        default.setdefault('cancel_move', None)
        return super().copy(documents, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, documents):
        """Cancel a draft document; reverse a posted one: the opposite
        stock moves and Tryton's cancel move of its account move (a posted
        move is never changed)"""
        pool = Pool()
        Move = pool.get('stock.move')
        AccountMove = pool.get('account.move')
        for document in documents:
            if document.state != 'done':
                continue
            moves = []
            for line in document.lines:
                move = line.stock_move
                if not move:
                    continue
                back = Move(product=move.product, unit=move.unit,
                    quantity=move.quantity, from_location=move.to_location,
                    to_location=move.from_location, company=move.company,
                    planned_date=move.planned_date,
                    effective_date=move.effective_date, origin=line)
                if back.on_change_with_unit_price_required():
                    back.unit_price = line.unit_price
                    back.currency = document.company.currency
                moves.append(back)
            Move.save(moves)
            Move.do(moves)
            check_no_negative(document.company, [
                    (m.from_location, m.product) for m in moves],
                document.date)
            if document.move:
                cancel_move = document.move.cancel(reversal=True)
                AccountMove.post([cancel_move])
                document.cancel_move = cancel_move
        cls.save(documents)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, documents):
        for document in documents:
            if document.number:
                raise StockDocumentError(gettext(
                        'edu_account_asset.msg_document_draft_numbered',
                        document=document.rec_name))

    def check_post(self):
        if not self.lines:
            raise StockDocumentError(gettext(
                    'edu_account_asset.msg_document_no_line',
                    document=self.rec_name or ''))
        if not self.location.edu_responsible:
            raise StockDocumentError(gettext(
                    'edu_account_asset.msg_location_no_responsible',
                    location=self.location.rec_name))
        for line in self.lines:
            if not line.quantity or line.quantity <= 0:
                raise StockDocumentError(gettext(
                        'edu_account_asset.msg_line_quantity_positive',
                        product=line.product.rec_name))
            if line.product.type != 'goods':
                raise StockDocumentError(gettext(
                        'edu_account_asset.msg_line_product_goods',
                        product=line.product.rec_name))
            if (self.kind != 'transfer'
                    and not line.product.edu_stock_account_code):
                raise StockDocumentError(gettext(
                        'edu_account_asset.msg_product_no_stock_account',
                        product=line.product.rec_name))
            if self.kind == 'receipt' and (
                    line.unit_price is None or line.unit_price < 0):
                raise StockDocumentError(gettext(
                        'edu_account_asset.msg_line_unit_price',
                        product=line.product.rec_name))
            if self.kind == 'issue' and not (
                    line.ebk_specific or line.product.edu_ebk_specific_used):
                raise StockDocumentError(gettext(
                        'edu_account_asset.msg_line_no_ebk',
                        product=line.product.rec_name))

    def _stock_locations(self):
        "Return the from and to locations of the stock moves"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Location = pool.get('stock.location')

        def ref(xml_id):
            module, name = xml_id.split('.')
            return Location(ModelData.get_id(module, name))
        if self.kind == 'receipt':
            return ref('stock.location_supplier'), self.location
        elif self.kind == 'issue':
            return self.location, ref('edu_account_asset.location_issued')
        elif self.kind == 'writeoff':
            return self.location, ref(
                'edu_account_asset.location_written_off')
        return self.location, self.to_location

    def get_stock_moves(self):
        Move = Pool().get('stock.move')
        from_location, to_location = self._stock_locations()
        moves = []
        for line in self.lines:
            move = Move(product=line.product, unit=line.product.default_uom,
                quantity=line.quantity, from_location=from_location,
                to_location=to_location, company=self.company,
                planned_date=self.date, effective_date=self.date,
                origin=line)
            if self.kind == 'receipt':
                move.unit_price = line.unit_price
                move.currency = self.company.currency
            moves.append(move)
        return moves

    @classmethod
    def set_number(cls, documents):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        for document in documents:
            if document.number:
                continue
            sequence = Sequence(ModelData.get_id(
                    'edu_account_asset', 'sequence_document_' + document.kind))
            with Transaction().set_context(company=document.company.id):
                document.number = sequence.get()
        cls.save(documents)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def post(cls, documents):
        pool = Pool()
        Move = pool.get('stock.move')
        Line = pool.get('edu.stock.document.line')
        for document in documents:
            document.check_post()
        cls.set_number(documents)
        for document in documents:
            moves = document.get_stock_moves()
            Move.save(moves)
            Move.do(moves)
            lines = list(document.lines)
            for line, move in zip(lines, moves):
                line.stock_move = move
                if document.kind != 'receipt':
                    # the weighted average cost at the time of the issue
                    line.unit_price = round_price(move.cost_price or _ZERO)
                if not line.ebk_specific:
                    line.ebk_specific = line.product.edu_ebk_specific_used
            Line.save(lines)
            check_no_negative(document.company, [
                    (document._stock_locations()[0], l.product)
                    for l in lines], document.date)
            document.move = document.get_account_move()
        cls.save(documents)

    def get_account_move(self):
        if self.kind == 'transfer':
            return None
        company = self.company
        lines = []
        description = gettext('edu_account_asset.msg_document_move',
            kind=gettext('edu_account_asset.msg_label_form_' + self.kind),
            number=self.number)
        for line in self.lines:
            amount = line.amount
            stock_account = account_by_code(
                company, line.product.edu_stock_account_code)
            if self.kind == 'receipt':
                lines.append(move_line(stock_account, debit=amount,
                        ebk_specific=line.ebk_specific,
                        funding_source=self.funding_source,
                        description=line.product.rec_name))
                lines.append(move_line(account_by_code(company, '3210'),
                        credit=amount, party=self.party,
                        ebk_specific=line.ebk_specific,
                        funding_source=self.funding_source,
                        description=line.product.rec_name))
            else:
                expense = '7110' if self.kind == 'issue' else '7310'
                lines.append(move_line(account_by_code(company, expense),
                        debit=amount, ebk_specific=line.ebk_specific,
                        funding_source=self.funding_source,
                        party=self.responsible and self.responsible.party,
                        description=line.product.rec_name))
                lines.append(move_line(stock_account, credit=amount,
                        ebk_specific=line.ebk_specific,
                        funding_source=self.funding_source,
                        description=line.product.rec_name))
        return new_move(company, 'STO', self.date, self, description, lines)


def check_no_negative(company, pairs, date):
    """Raise NegativeStockError when a (location, product) of pairs holds a
    negative quantity at date or later"""
    pool = Pool()
    Product = pool.get('product.product')
    by_location = defaultdict(set)
    for location, product in pairs:
        if location.type == 'storage':
            by_location[location].add(product.id)
    for location, product_ids in by_location.items():
        for end in [date, datetime.date.max]:
            with Transaction().set_context(company=company.id,
                    stock_date_end=end, forecast=False):
                quantities = Product.products_by_location(
                    [location.id], with_childs=True,
                    grouping_filter=(list(product_ids),))
            for (location_id, product_id), quantity in quantities.items():
                if quantity < 0:
                    product = Product(product_id)
                    raise NegativeStockError(gettext(
                            'edu_account_asset.msg_negative_stock',
                            product=product.rec_name,
                            location=location.rec_name,
                            quantity='%g' % product.default_uom.round(
                                -quantity),
                            unit=product.default_uom.symbol))


class DocumentLine(ModelSQL, ModelView):
    "Line of a stock document (R19.7)"
    __name__ = 'edu.stock.document.line'
    _states = {'readonly': Eval('document_state') != 'draft'}
    document = fields.Many2One('edu.stock.document', "Document",
        required=True, ondelete='CASCADE')
    document_state = fields.Function(fields.Selection([
                ('draft', "Draft"),
                ('done', "Posted"),
                ('cancelled', "Cancelled"),
                ], "Document State"), 'on_change_with_document_state')
    product = fields.Many2One('product.product', "Product", required=True,
        domain=[('type', '=', 'goods')], states=_states)
    unit = fields.Function(fields.Many2One('product.uom', "Unit"),
        'on_change_with_unit')
    quantity = fields.Float("Quantity", digits='unit', required=True,
        states=_states)
    unit_price = fields.Numeric("Unit Price", digits=(16, 4),
        states={
            'readonly': ((Eval('document_state') != 'draft')
                | (Eval('_parent_document', {}).get('kind') != 'receipt')),
            },
        help="Receipt: the supplier's price; otherwise the weighted "
        "average cost when posted.")
    amount = fields.Function(fields.Numeric("Amount", digits=(16, 2)),
        'on_change_with_amount')
    ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific",
        states=_states, help="Empty: the one of the product.")
    stock_move = fields.Many2One('stock.move', "Stock Move", readonly=True)
    del _states

    @fields.depends('document', '_parent_document.state')
    def on_change_with_document_state(self, name=None):
        if self.document:
            return self.document.state

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        if self.product:
            return self.product.default_uom.id

    @fields.depends('product')
    def on_change_product(self):
        if self.product:
            self.ebk_specific = self.product.edu_ebk_specific_used

    @fields.depends('quantity', 'unit_price')
    def on_change_with_amount(self, name=None):
        if self.quantity is None or self.unit_price is None:
            return None
        return (Decimal(str(self.quantity)) * self.unit_price).quantize(
            Decimal('0.01'))

    def get_rec_name(self, name):
        return '%s @ %s' % (self.product.rec_name, self.document.rec_name)


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['edu.stock.document.line']


class AccountMove(metaclass=PoolMeta):
    __name__ = 'account.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + [
            'edu.stock.document', 'stock.inventory', 'edu.asset.inventory']


class Inventory(metaclass=PoolMeta):
    __name__ = 'stock.inventory'
    edu_order_number = fields.Char("Order Number",
        states={'readonly': Eval('state') != 'draft'},
        help="The director's order that appointed the stock-taking.")
    edu_commission = fields.Text("Commission Members",
        states={'readonly': Eval('state') != 'draft'},
        help="One member a line; the chairman first.")
    edu_move = fields.Many2One('account.move', "Account Move",
        readonly=True)

    @classmethod
    def copy(cls, inventories, default=None):
        default = default.copy() if default else {}
        default.setdefault('edu_move', None)
        return super().copy(inventories, default=default)

    @classmethod
    def confirm(cls, inventories):
        super().confirm(inventories)
        for inventory in inventories:
            location = inventory.location
            check_no_negative(inventory.company,
                [(location, l.product) for l in inventory.lines],
                inventory.date)
            if location.edu_company:
                inventory.edu_move = inventory.get_difference_move()
        cls.save(inventories)

    def get_difference_move(self):
        """Return the posted move of the differences: surplus Dt 13xx /
        Cr 6210, shortage Dt 1270 (responsible person) / Cr 13xx"""
        company = self.company
        responsible = self.location.edu_responsible
        lines = []
        for line in self.lines:
            for move in line.moves:
                if move.state != 'done':
                    continue
                cost = move.cost_price
                if cost is None:
                    cost = line.product.get_multivalue(
                        'cost_price', company=company.id)
                amount = (Decimal(str(move.quantity)) * cost).quantize(
                    Decimal('0.01'))
                if not amount:
                    continue
                code = line.product.edu_stock_account_code
                if not code:
                    raise StockDocumentError(gettext(
                            'edu_account_asset.msg_product_no_stock_account',
                            product=line.product.rec_name))
                stock_account = account_by_code(company, code)
                name = line.product.rec_name
                if move.to_location == self.location:
                    lines.append(move_line(stock_account, debit=amount,
                            description=name))
                    lines.append(move_line(account_by_code(company, '6210'),
                            credit=amount, description=name))
                else:
                    if not responsible:
                        raise StockDocumentError(gettext(
                                'edu_account_asset'
                                '.msg_location_no_responsible',
                                location=self.location.rec_name))
                    lines.append(move_line(account_by_code(company, '1270'),
                            debit=amount, party=responsible.party,
                            description=name))
                    lines.append(move_line(stock_account, credit=amount,
                            description=name))
        description = gettext('edu_account_asset.msg_inventory_move',
            number=self.number or '', order=self.edu_order_number or '')
        return new_move(company, 'STO', self.date, self, description, lines)
