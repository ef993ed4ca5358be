# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Fixed assets of a state institution (R19.10) on Tryton's account.asset.

An asset is a Tryton ``account.asset`` of a product of type *assets* with
an asset group (``edu.asset.group``) that gives its accounts and annual
depreciation rate:

* receipt (from a supplier's act or donated): Dt 23xx / Cr 3210 (supplier)
  or Cr 6120 (sponsorship, with the funding source), journal AST;
* commissioning (ввод в эксплуатацию): the responsible person and the
  place, the inventory number (Tryton's asset sequence), and the schedule:
  straight-line from the first day of the month after commissioning over
  100 / rate years, charged monthly or yearly as the company says
  (default monthly) — Dt 7210 / Cr 2390 (2720 intangible) through
  Tryton's depreciation lines and moves; land (rate 0) is not
  depreciated; an asset whose value is below the company's threshold is
  fully depreciated on the commissioning date;
* transfer between responsible persons (``edu.asset.transfer``, the
  history stays on the asset, act PDF);
* write-off act (акт списания): depreciation charged up to the date, then
  Tryton's close: Dt 2390 accumulated, Dt 7310 residual / Cr 23xx;
* stock-taking (``edu.asset.inventory``): the assets of a responsible
  person found or missing; a missing one is closed as a shortage: Dt 2390
  accumulated, Dt 1270 (the responsible person) residual / Cr 23xx;
* the inventory card (инвентарная карточка) in kk and ru.

Sources and assumptions: the depreciation rules follow the accounting
rules of state institutions, МФ РК order No. 393 of 3 Aug 2010 (amended);
the annual rates of the groups shipped as data (buildings 2.5 %,
structures 5 %, machinery and equipment 12.5 %, computers 25 %, vehicles
10 %, other 10 %, intangible 10 %, land 0 %) and the start of depreciation
in the month after commissioning are NOT verified against the order text:
an institution edits the groups to its accounting policy.
"""
import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import AssetError
from .stock import account_by_code, move_line, new_move

ASSET_ACCOUNTS = [
    ('2310', "2310 Land"),
    ('2320', "2320 Buildings"),
    ('2330', "2330 Structures"),
    ('2340', "2340 Machinery and equipment"),
    ('2350', "2350 Vehicles"),
    ('2360', "2360 Other fixed assets"),
    ('2710', "2710 Intangible assets"),
    ]
DEPRECIATION_ACCOUNTS = [
    ('2390', "2390 Depreciation of fixed assets"),
    ('2720', "2720 Amortisation of intangible assets"),
    ]
_ZERO = Decimal(0)


class AssetGroup(DeactivableMixin, ModelSQL, ModelView):
    "Fixed asset group with its annual depreciation rate (R19.10)"
    __name__ = 'edu.asset.group'
    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True, translate=True)
    rate = fields.Numeric("Annual Rate (%)", digits=(5, 2), required=True,
        domain=[('rate', '>=', 0), ('rate', '<=', 100)],
        help="Straight-line depreciation per year; 0: not depreciated "
        "(land).")
    account_code = fields.Selection(ASSET_ACCOUNTS, "Asset Account",
        required=True)
    depreciation_code = fields.Selection(DEPRECIATION_ACCOUNTS,
        "Depreciation Account", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_uniq', Unique(t, t.code),
                'edu_account_asset.msg_asset_group_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @classmethod
    def default_rate(cls):
        return Decimal('10')

    @classmethod
    def default_depreciation_code(cls):
        return '2390'

    def get_rec_name(self, name):
        return '%s - %s' % (self.code, self.name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra)]


class Asset(metaclass=PoolMeta):
    __name__ = 'account.asset'
    _draft = {'readonly': Eval('state') != 'draft'}
    edu_group = fields.Many2One('edu.asset.group', "Asset Group",
        states={'readonly': Eval('state') != 'draft'})
    edu_receipt_kind = fields.Selection([
            ('supplier', "From supplier"),
            ('donated', "Donated"),
            ], "Receipt", required=True,
        states={'readonly': Bool(Eval('edu_receipt_move'))})
    edu_party = fields.Many2One('party.party', "Supplier",
        context={'company': Eval('company', -1)}, depends={'company'},
        states={
            'readonly': Bool(Eval('edu_receipt_move')),
            'invisible': Eval('edu_receipt_kind') != 'supplier',
            })
    edu_funding_source = fields.Many2One('edu.funding.source',
        "Funding Source",
        states={'readonly': Bool(Eval('edu_receipt_move'))})
    edu_ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific",
        states={'readonly': Bool(Eval('edu_receipt_move'))},
        help="The capital specific of the purchase (e.g. 414).")
    edu_receipt_move = fields.Many2One('account.move', "Receipt Move",
        readonly=True)
    edu_commissioning_date = fields.Date("Commissioning Date",
        states={'readonly': Eval('state') != 'draft'})
    edu_responsible = fields.Many2One('company.employee',
        "Responsible Person",
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': Eval('state') != 'draft'})
    edu_location = fields.Many2One('stock.location', "Place",
        domain=[('type', 'in', ['storage', 'view'])],
        states={'readonly': Eval('state') != 'draft'})
    edu_transfers = fields.One2Many('edu.asset.transfer', 'asset',
        "Transfers", readonly=True)
    edu_writeoff_date = fields.Date("Write-off Date",
        states={'readonly': Eval('state') == 'closed'})
    edu_writeoff_reason = fields.Text("Write-off Reason",
        states={'readonly': Eval('state') == 'closed'})
    edu_writeoff_commission = fields.Text("Commission Members",
        states={'readonly': Eval('state') == 'closed'})
    edu_residual = fields.Function(fields.Numeric("Net Book Value",
            digits=(16, 2)), 'get_edu_residual')
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # the schedule of a state institution's asset is set when it is
        # commissioned, from its group: not needed while in draft
        for name in ['start_date', 'end_date']:
            field = getattr(cls, name)
            field.required = False
            field.states = field.states.copy()
            field.states['required'] = Eval('state') != 'draft'
        cls.start_date.domain = [If(Bool(Eval('end_date')),
                ('start_date', '<=', Eval('end_date', None)), ())]
        cls.end_date.domain = [If(Bool(Eval('start_date')),
                ('end_date', '>=', Eval('start_date', None)), ())]
        cls._buttons.update({
                'edu_receive': {
                    'invisible': ((Eval('state') != 'draft')
                        | Bool(Eval('edu_receipt_move'))
                        | ~Eval('edu_group')),
                    'depends': ['state', 'edu_receipt_move', 'edu_group'],
                    },
                'edu_write_off': {
                    'invisible': ((Eval('state') != 'running')
                        | ~Eval('edu_group')),
                    'depends': ['state', 'edu_group'],
                    },
                })

    @classmethod
    def default_edu_receipt_kind(cls):
        return 'supplier'

    @classmethod
    def default_frequency(cls, **pattern):
        pool = Pool()
        Company = pool.get('company.company')
        company = Transaction().context.get('company')
        if company:
            frequency = Company(company).edu_asset_frequency
            if frequency:
                return frequency
        return super().default_frequency(**pattern)

    @classmethod
    def default_account_journal(cls):
        # the assets journal of the state chart first
        Journal = Pool().get('account.journal')
        journals = Journal.search([
                ('code', '=', 'AST'), ('type', '=', 'asset')], limit=1)
        if journals:
            return journals[0].id
        return super().default_account_journal()

    def get_edu_residual(self, name):
        if self.value is None:
            return None
        if self.state == 'closed':
            return _ZERO
        return (self.value - (self.depreciated_amount or _ZERO)
            - self.get_depreciated_amount())

    @classmethod
    def copy(cls, assets, default=None):
        default = default.copy() if default else {}
        for name in ['edu_receipt_move', 'edu_transfers',
                'edu_writeoff_date', 'edu_writeoff_reason',
                'edu_writeoff_commission', 'edu_commissioning_date']:
            default.setdefault(name, None)
        return super().copy(assets, default=default)

    # -- receipt ---------------------------------------------------------
    @classmethod
    @ModelView.button
    def edu_receive(cls, assets):
        "Post the receipt: Dt 23xx / Cr 3210 or 6120 (R19.10)"
        for asset in assets:
            if asset.state != 'draft' or asset.edu_receipt_move:
                raise AssetError(gettext(
                        'edu_account_asset.msg_asset_already_received',
                        asset=asset.rec_name))
            if not asset.edu_group:
                raise AssetError(gettext(
                        'edu_account_asset.msg_asset_no_group',
                        asset=asset.rec_name))
            if asset.edu_receipt_kind == 'supplier' and not asset.edu_party:
                raise AssetError(gettext(
                        'edu_account_asset.msg_asset_no_supplier',
                        asset=asset.rec_name))
            company = asset.company
            if asset.edu_receipt_kind == 'supplier':
                credit = account_by_code(company, '3210')
            else:
                credit = account_by_code(company, '6120')
            name = asset.product.rec_name
            lines = [
                move_line(account_by_code(company,
                        asset.edu_group.account_code), debit=asset.value,
                    ebk_specific=asset.edu_ebk_specific,
                    funding_source=asset.edu_funding_source,
                    description=name),
                move_line(credit, credit=asset.value, party=asset.edu_party,
                    ebk_specific=asset.edu_ebk_specific,
                    funding_source=asset.edu_funding_source,
                    description=name),
                ]
            asset.edu_receipt_move = new_move(company, 'AST',
                asset.purchase_date, asset,
                gettext('edu_account_asset.msg_asset_receipt_move',
                    asset=name), lines)
        cls.save(assets)

    # -- commissioning ---------------------------------------------------
    @property
    def edu_low_value(self):
        threshold = self.company.edu_asset_threshold
        return bool(threshold and self.value < threshold
            and self.edu_group.rate)

    def edu_set_schedule(self):
        "Set the straight-line schedule from the group's annual rate"
        date = self.edu_commissioning_date
        self.frequency = self.company.edu_asset_frequency or 'monthly'
        self.depreciation_method = 'linear'
        if not self.edu_group.rate:
            # land: not depreciated
            self.start_date = self.end_date = date
            self.residual_value = self.value
        elif self.edu_low_value:
            self.start_date = self.end_date = date
            self.residual_value = _ZERO
        else:
            months = int((Decimal(1200) / self.edu_group.rate).quantize(
                    Decimal(1)))
            self.start_date = date.replace(day=1) + relativedelta(months=1)
            self.end_date = (self.start_date + relativedelta(months=months)
                - datetime.timedelta(days=1))
            self.residual_value = _ZERO

    @classmethod
    def run(cls, assets):
        edu_assets = [a for a in assets
            if a.edu_group and a.state == 'draft']
        for asset in edu_assets:
            if not asset.edu_receipt_move:
                raise AssetError(gettext(
                        'edu_account_asset.msg_asset_not_received',
                        asset=asset.rec_name))
            if (not asset.edu_commissioning_date
                    or not asset.edu_responsible):
                raise AssetError(gettext(
                        'edu_account_asset.msg_asset_commissioning_missing',
                        asset=asset.rec_name))
            if asset.edu_commissioning_date < asset.purchase_date:
                raise AssetError(gettext(
                        'edu_account_asset.msg_asset_commissioning_date',
                        asset=asset.rec_name))
            asset.edu_set_schedule()
        cls.save(edu_assets)
        super().run(assets)
        for asset in edu_assets:
            if asset.edu_low_value:
                cls.create_moves([asset], asset.edu_commissioning_date)

    # -- depreciation and closing moves ----------------------------------
    def get_move(self, line):
        if not self.edu_group:
            return super().get_move(line)
        pool = Pool()
        Move = pool.get('account.move')
        Period = pool.get('account.period')
        company = self.company
        name = self.rec_name
        return Move(company=company, origin=line,
            period=Period.find(company, line.date),
            journal=self.account_journal, date=line.date,
            description=gettext(
                'edu_account_asset.msg_asset_depreciation_move',
                asset=name),
            lines=[
                move_line(account_by_code(company, '7210'),
                    debit=line.depreciation, description=name),
                move_line(account_by_code(company,
                        self.edu_group.depreciation_code),
                    credit=line.depreciation, description=name),
                ])

    def get_closing_move(self, account, date=None):
        if not self.edu_group:
            return super().get_closing_move(account, date=date)
        pool = Pool()
        Move = pool.get('account.move')
        Period = pool.get('account.period')
        company = self.company
        date = date or self.edu_writeoff_date
        name = self.rec_name
        if account is None:
            account = account_by_code(company, '7310')
        accumulated = self.get_depreciated_amount() + self.depreciated_amount
        party = Transaction().context.get('edu_closing_party')
        lines = [
            move_line(account_by_code(company, self.edu_group.account_code),
                credit=self.value, description=name),
            move_line(account_by_code(company,
                    self.edu_group.depreciation_code),
                debit=accumulated, description=name),
            move_line(account, debit=self.value - accumulated,
                party=party and pool.get('party.party')(party),
                description=name),
            ]
        return Move(company=company, origin=self,
            period=Period.find(company, date), journal=self.account_journal,
            date=date, lines=[l for l in lines if l.debit or l.credit],
            description=gettext(
                'edu_account_asset.msg_asset_writeoff_move', asset=name))

    # -- write-off ---------------------------------------------------------
    @classmethod
    @ModelView.button
    def edu_write_off(cls, assets):
        """Write-off act: depreciation up to the date, then Dt 2390 / Dt 7310
        / Cr 23xx through Tryton's close (R19.10)"""
        for asset in assets:
            if asset.state != 'running':
                raise AssetError(gettext(
                        'edu_account_asset.msg_asset_not_running',
                        asset=asset.rec_name))
            if not asset.edu_writeoff_date or not asset.edu_writeoff_reason:
                raise AssetError(gettext(
                        'edu_account_asset.msg_asset_writeoff_missing',
                        asset=asset.rec_name))
            cls.edu_dispose([asset], asset.edu_writeoff_date,
                account_by_code(asset.company, '7310'))

    @classmethod
    def edu_dispose(cls, assets, date, account, party=None):
        "Charge the depreciation up to date and close against account"
        for asset in assets:
            if asset.edu_commissioning_date and date < (
                    asset.edu_commissioning_date):
                raise AssetError(gettext(
                        'edu_account_asset.msg_asset_writeoff_date',
                        asset=asset.rec_name))
        cls.create_moves(assets, date)
        with Transaction().set_context(
                edu_closing_party=party.id if party else None):
            cls.close(assets, account=account, date=date)
        for asset in assets:
            asset.edu_writeoff_date = date
        cls.save(assets)


class AssetTransfer(Workflow, ModelSQL, ModelView):
    "Transfer of a fixed asset between responsible persons (R19.10)"
    __name__ = 'edu.asset.transfer'
    _states = {'readonly': Eval('state') != 'draft'}
    company = fields.Many2One('company.company', "Institution",
        required=True, states=_states)
    number = fields.Char("Number", readonly=True)
    date = fields.Date("Date", required=True, states=_states)
    asset = fields.Many2One('account.asset', "Asset", required=True,
        ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1)),
            ('state', '=', 'running')],
        states=_states)
    from_employee = fields.Many2One('company.employee', "From", readonly=True)
    from_location = fields.Many2One('stock.location', "From Place",
        readonly=True)
    to_employee = fields.Many2One('company.employee', "To", required=True,
        domain=[('company', '=', Eval('company', -1))], states=_states)
    to_location = fields.Many2One('stock.location', "To Place",
        domain=[('type', 'in', ['storage', 'view'])], states=_states)
    reason = fields.Text("Reason", states=_states)
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", readonly=True, required=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'done')}
        cls._buttons.update({
                'do': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('asset')
    def on_change_asset(self):
        if self.asset:
            self.from_employee = self.asset.edu_responsible
            self.from_location = self.asset.edu_location

    def get_rec_name(self, name):
        return self.number or str(self.id)

    @classmethod
    def check_modification(cls, mode, transfers, values=None,
            external=False):
        super().check_modification(
            mode, transfers, values=values, external=external)
        if mode == 'delete':
            for transfer in transfers:
                if transfer.state == 'done':
                    raise AssetError(gettext(
                            'edu_account_asset.msg_transfer_delete_done',
                            transfer=transfer.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, transfers):
        pool = Pool()
        Asset = pool.get('account.asset')
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        sequence = Sequence(ModelData.get_id(
                'edu_account_asset', 'sequence_asset_transfer'))
        for transfer in sorted(transfers, key=lambda t: (t.date, t.id)):
            asset = transfer.asset
            if asset.state != 'running':
                raise AssetError(gettext(
                        'edu_account_asset.msg_asset_not_running',
                        asset=asset.rec_name))
            if transfer.to_employee == asset.edu_responsible and (
                    not transfer.to_location
                    or transfer.to_location == asset.edu_location):
                raise AssetError(gettext(
                        'edu_account_asset.msg_transfer_same',
                        asset=asset.rec_name))
            transfer.from_employee = asset.edu_responsible
            transfer.from_location = asset.edu_location
            with Transaction().set_context(company=transfer.company.id):
                transfer.number = sequence.get()
            asset.edu_responsible = transfer.to_employee
            if transfer.to_location:
                asset.edu_location = transfer.to_location
            # the asset is no longer draft: write past its readonly states
            Asset.write([asset], {
                    'edu_responsible': asset.edu_responsible.id,
                    'edu_location': (asset.edu_location.id
                        if asset.edu_location else None),
                    })
        cls.save(transfers)


class AssetInventory(Workflow, ModelSQL, ModelView):
    "Stock-taking of fixed assets by responsible person (R19.10)"
    __name__ = 'edu.asset.inventory'
    _states = {'readonly': Eval('state') != 'draft'}
    company = fields.Many2One('company.company', "Institution",
        required=True, states=_states)
    number = fields.Char("Order Number", states=_states,
        help="The director's order that appointed the stock-taking.")
    date = fields.Date("Date", required=True, states=_states)
    responsible = fields.Many2One('company.employee', "Responsible Person",
        required=True, domain=[('company', '=', Eval('company', -1))],
        states=_states)
    commission = fields.Text("Commission Members", states=_states,
        help="One member a line; the chairman first.")
    lines = fields.One2Many('edu.asset.inventory.line', 'inventory',
        "Lines", states=_states)
    move_count = fields.Function(fields.Integer("Shortages"),
        'get_move_count')
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", readonly=True, required=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'done')}
        cls._buttons.update({
                'complete': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return '%s %s' % (self.number or self.id, self.responsible.rec_name)

    def get_move_count(self, name):
        return len([l for l in self.lines if not l.found])

    @classmethod
    @ModelView.button
    def complete(cls, inventories):
        "Fill the lines with the assets in use of the responsible person"
        pool = Pool()
        Asset = pool.get('account.asset')
        Line = pool.get('edu.asset.inventory.line')
        lines = []
        for inventory in inventories:
            if inventory.state != 'draft':
                continue
            listed = {l.asset for l in inventory.lines}
            for asset in Asset.search([
                        ('company', '=', inventory.company.id),
                        ('edu_responsible', '=', inventory.responsible.id),
                        ('state', '=', 'running'),
                        ], order=[('number', 'ASC')]):
                if asset not in listed:
                    lines.append(Line(inventory=inventory, asset=asset,
                            found=True))
        Line.save(lines)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def confirm(cls, inventories):
        "Close every missing asset as a shortage of the responsible person"
        pool = Pool()
        Asset = pool.get('account.asset')
        for inventory in inventories:
            for line in inventory.lines:
                if line.found:
                    continue
                asset = line.asset
                if asset.state != 'running':
                    raise AssetError(gettext(
                            'edu_account_asset.msg_asset_not_running',
                            asset=asset.rec_name))
                Asset.write([asset], {
                        'edu_writeoff_reason': gettext(
                            'edu_account_asset.msg_asset_shortage_reason',
                            inventory=inventory.rec_name),
                        })
                Asset.edu_dispose([asset], inventory.date,
                    account_by_code(inventory.company, '1270'),
                    party=inventory.responsible.party)


class AssetInventoryLine(ModelSQL, ModelView):
    "Line of a stock-taking of fixed assets"
    __name__ = 'edu.asset.inventory.line'
    inventory = fields.Many2One('edu.asset.inventory', "Stock-Taking",
        required=True, ondelete='CASCADE')
    asset = fields.Many2One('account.asset', "Asset", required=True,
        domain=[('company', '=', Eval('_parent_inventory', {}).get(
                    'company', -1))])
    found = fields.Boolean("Found")
    note = fields.Char("Note")
    value = fields.Function(fields.Numeric("Value", digits=(16, 2)),
        'get_value')
    residual = fields.Function(fields.Numeric("Net Book Value",
            digits=(16, 2)), 'get_value')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('asset_uniq', Unique(t, t.inventory, t.asset),
                'edu_account_asset.msg_asset_inventory_line_unique'),
            ]

    @classmethod
    def default_found(cls):
        return True

    def get_value(self, name):
        if name == 'value':
            return self.asset.value
        return self.asset.edu_residual

    def get_rec_name(self, name):
        return self.asset.rec_name
