# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_account_asset (R19.7, R19.10, R12).

The stock documents, the asset transfers and the stock-takings of fixed
assets are accounting documents: the accountant and the chief accountant
write them, the director, the deputy director and the internal auditor
read them, nobody else sees them; the asset groups (depreciation rates)
are changed by the chief accountant only.  No role of school A reaches a
document of school B, nor a storage place of school B.
"""
import datetime as dt
import itertools
import unittest
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from tests.access_matrix import (
    ROLES, AccessMatrix, Probe, build_two_schools, expand)

YEAR = dt.date.today().year
DAY = dt.date(YEAR, 1, 15)
NOBODY = {role: '----' for role in ROLES}
READERS = {'director': 'r---', 'deputy_director': 'r---',
    'auditor': 'r---'}
BOOKS = {**NOBODY, **READERS, 'accountant': 'rwcd',
    'chief_accountant': 'rwcd'}
CHIEF = {**NOBODY, **READERS, 'accountant': 'r---',
    'chief_accountant': 'rwcd'}
DOCUMENTS = ('edu.stock.document', 'edu.stock.document.line',
    'edu.asset.transfer', 'edu.asset.inventory', 'edu.asset.inventory.line')
EXPECTED = {}
for _model in DOCUMENTS:
    EXPECTED.update(expand(_model, BOOKS))
EXPECTED.update(expand('edu.asset.group', CHIEF))


def build_school(school, key):
    """Return the sample records of a school: a storeroom, a draft stock
    document with a line, a running asset, a draft transfer and a draft
    stock-taking of assets with a line"""
    import types
    from trytond.modules.edu_account.tests import tools
    pool = Pool()
    Company = pool.get('company.company')
    Employee = pool.get('company.employee')
    Party = pool.get('party.party')
    Location = pool.get('stock.location')
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    ModelData = pool.get('ir.model.data')
    Document = pool.get('edu.stock.document')
    Asset = pool.get('account.asset')
    Transfer = pool.get('edu.asset.transfer')
    Inventory = pool.get('edu.asset.inventory')
    ns = types.SimpleNamespace()
    company = Company(school)
    with Transaction().set_context(company=school, companies=[school]):
        gov = tools.setup_gov_accounting(company=company, year=YEAR)
        keeper_party, other_party = Party.create([
                {'name': f"Keeper {key}"}, {'name': f"Caretaker {key}"}])
        keeper, other = Employee.create([
                {'party': keeper_party.id, 'company': school},
                {'party': other_party.id, 'company': school}])
        ns.storeroom, ns.room2 = Location.create([{
                    'name': f"Storeroom {key}", 'type': 'storage',
                    'edu_company': school, 'edu_responsible': keeper.id,
                    }, {
                    'name': f"Gym {key}", 'type': 'storage',
                    'edu_company': school, 'edu_responsible': other.id}])
        unit = Uom(ModelData.get_id('product', 'uom_unit'))
        goods, assets = Template.create([{
                    'name': f"Chalk {key}", 'type': 'goods',
                    'default_uom': unit.id, 'edu_stock_account': '1340',
                    'products': [('create', [{}])]}, {
                    'name': f"Projector {key}", 'type': 'assets',
                    'depreciable': True, 'default_uom': unit.id,
                    'products': [('create', [{}])]}])
        ns.product = goods.products[0]
        ns.document, = Document.create([{
                    'company': school, 'kind': 'transfer', 'date': DAY,
                    'location': ns.storeroom.id, 'to_location': ns.room2.id,
                    'lines': [('create', [{
                                    'product': ns.product.id,
                                    'quantity': 1}])]}])
        ns.line, = ns.document.lines
        group = ModelData.get_id('edu_account_asset', 'asset_group_other')
        supplier, = Party.create([{'name': f"Supplier {key}"}])
        ns.asset, = Asset.create([{
                    'company': school, 'product': assets.products[0].id,
                    'value': Decimal('300000'),
                    'account_journal': gov.journal('AST').id,
                    'purchase_date': DAY, 'edu_group': group,
                    'edu_party': supplier.id,
                    'edu_funding_source': ModelData.get_id(
                        'edu_account', 'funding_local'),
                    'edu_commissioning_date': DAY,
                    'edu_responsible': keeper.id}])
        Asset.edu_receive([ns.asset])
        Asset.run([ns.asset])
        ns.transfer, = Transfer.create([{
                    'company': school, 'asset': ns.asset.id, 'date': DAY,
                    'to_employee': other.id}])
        ns.inventory, = Inventory.create([{
                    'company': school, 'date': DAY,
                    'responsible': keeper.id,
                    'lines': [('create', [{'asset': ns.asset.id}])]}])
        ns.inventory_line, = ns.inventory.lines
        ns.keeper, ns.other, ns.school = keeper, other, school
    return ns


def asset_probes(a, b):
    pool = Pool()
    Document = pool.get('edu.stock.document')
    Line = pool.get('edu.stock.document.line')
    Group = pool.get('edu.asset.group')
    Transfer = pool.get('edu.asset.transfer')
    Inventory = pool.get('edu.asset.inventory')
    InventoryLine = pool.get('edu.asset.inventory.line')
    ModelData = pool.get('ir.model.data')

    serial = itertools.count(1)

    def document_values():
        return {'company': a.school, 'kind': 'transfer', 'date': DAY,
            'location': a.storeroom.id, 'to_location': a.room2.id}

    def make(Model, values):
        return lambda: Model.create([values()])[0].id

    return {
        'edu.stock.document': Probe('edu.stock.document',
            own=a.document.id, other=b.document.id, write_field='date',
            create_values=document_values,
            make_record=make(Document, document_values)),
        'edu.stock.document.line': Probe('edu.stock.document.line',
            own=a.line.id, other=b.line.id, write_field='quantity',
            read_fields=('quantity',),
            create_values=lambda: {'document': a.document.id,
                'product': a.product.id, 'quantity': 2},
            make_record=make(Line, lambda: {'document': a.document.id,
                    'product': a.product.id, 'quantity': 3})),
        'edu.asset.group': Probe('edu.asset.group',
            own=ModelData.get_id('edu_account_asset', 'asset_group_other'),
            write_field='rate',
            create_values=lambda: {'code': 'C%d' % next(serial),
                'name': "Probe",
                'rate': Decimal('20'), 'account_code': '2360',
                'depreciation_code': '2390'},
            make_record=make(Group, lambda: {'code': 'M%d' % next(serial),
                    'name': "Probe",
                    'rate': Decimal('20'), 'account_code': '2360',
                    'depreciation_code': '2390'})),
        'edu.asset.transfer': Probe('edu.asset.transfer',
            own=a.transfer.id, other=b.transfer.id, write_field='date',
            create_values=lambda: {'company': a.school,
                'asset': a.asset.id, 'date': DAY,
                'to_employee': a.other.id},
            make_record=make(Transfer, lambda: {'company': a.school,
                    'asset': a.asset.id, 'date': DAY,
                    'to_employee': a.other.id})),
        'edu.asset.inventory': Probe('edu.asset.inventory',
            own=a.inventory.id, other=b.inventory.id, write_field='date',
            read_fields=('date',),
            create_values=lambda: {'company': a.school, 'date': DAY,
                'responsible': a.keeper.id},
            make_record=make(Inventory, lambda: {'company': a.school,
                    'date': DAY, 'responsible': a.keeper.id})),
        'edu.asset.inventory.line': Probe('edu.asset.inventory.line',
            own=a.inventory_line.id, other=b.inventory_line.id,
            write_field='found', read_fields=('found',),
            create_values=lambda: {'inventory': Inventory.create([{
                            'company': a.school, 'date': DAY,
                            'responsible': a.keeper.id}])[0].id,
                'asset': a.asset.id, 'note': "second"},
            make_record=make(InventoryLine, lambda: {
                    'inventory': Inventory.create([{'company': a.school,
                                'date': DAY,
                                'responsible': a.keeper.id}])[0].id,
                    'asset': a.asset.id})),
        }


class AccessMatrixAccountAssetTestCase(unittest.TestCase):
    "Access matrix of inventories and fixed assets"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_account_asset'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_access_matrix(self):
        """Accountants write the documents, the chief accountant the asset
        groups, the management and the auditor read, nobody else sees
        them; school B stays hidden (R19.7, R19.10, R12)"""
        schools = build_two_schools()
        a = build_school(schools.school_a, 'A')
        b = build_school(schools.school_b, 'B')
        matrix = AccessMatrix(schools.users, asset_probes(a, b))
        matrix.check(EXPECTED, isolated_models=DOCUMENTS, complete=False)
        # a storage place of school B is hidden from every role of A
        for role in ROLES:
            found = matrix.visible(role, 'stock.location',
                [('id', '=', b.storeroom.id)]) if role in (
                'accountant', 'chief_accountant') else []
            self.assertEqual(list(found), [], role)
        # negative: the teacher is refused the stock documents outright
        with self.assertRaises(AccessError):
            matrix.visible('teacher', 'edu.stock.document')
        # and the accountant of A finds her own storeroom only
        self.assertEqual(sorted(matrix.visible('accountant', 'stock.location',
                [('edu_company', '!=', None)])), sorted(
                [a.storeroom.id, a.room2.id]))
