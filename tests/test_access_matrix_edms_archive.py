# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_edms_archive (R22.13, R22.12, R5.10, R12).

- archive inventories (опись) and their lines: the clerk of the
  organisation prepares them (create, change, delete), the management
  (director, deputy director) reads, changes and confirms them; every other
  role sees nothing;
- archive exports: the clerk and the management request (create) and read
  them; nobody changes or deletes them;
- the configuration (base URL of the QR codes) is read by everybody and
  written by nobody of the school;
- nothing of school B is reached by any role of school A.
"""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from tests.access_matrix import ROLES, AccessMatrix, Probe, build_two_schools

INVENTORY = 'edu.edms.archive.inventory'
LINE = 'edu.edms.archive.inventory.line'
EXPORT = 'edu.edms.archive.export'
CONFIGURATION = 'edu.edms.archive.configuration'
MANAGEMENT = ('director', 'deputy_director')


def _table(default, **special):
    return {role: special.get(role, default) for role in ROLES}


EXPECTED = {}
for _model in (INVENTORY, LINE):
    EXPECTED.update({(role, _model, op): allowed
            for role, letters in _table('----', clerk='rcwd',
                director='r-w-', deputy_director='r-w-').items()
            for op, allowed in zip(('read', 'create', 'write', 'delete'),
                [c != '-' for c in letters])})
EXPECTED.update({(role, EXPORT, op): allowed
        for role, letters in _table('----', clerk='rc--',
            director='rc--', deputy_director='rc--').items()
        for op, allowed in zip(('read', 'create', 'write', 'delete'),
            [c != '-' for c in letters])})
EXPECTED.update({(role, CONFIGURATION, op): op == 'read'
        for role in ROLES
        for op in ('read', 'create', 'write', 'delete')})


def archive_probes(schools):
    "The probes of the archive models, with records of schools A and B"
    pool = Pool()
    Inventory = pool.get(INVENTORY)
    Line = pool.get(LINE)
    Export = pool.get(EXPORT)
    Configuration = pool.get(CONFIGURATION)
    numbers = iter(range(1, 1000))

    def inventory_values(company=schools.school_a):
        return {'company': company, 'year': 2025,
            'number': str(next(numbers))}

    def new_inventory(company=schools.school_a):
        return Inventory.create([inventory_values(company)])[0].id

    inventory_a = new_inventory()
    inventory_b = new_inventory(schools.school_b)

    def line_values(inventory=inventory_a):
        return {'inventory': inventory, 'index': '01-05',
            'title': "Бұйрықтар", 'documents': 3, 'retention_years': 5}

    def new_line(inventory=inventory_a):
        return Line.create([line_values(inventory)])[0].id

    line_a, line_b = new_line(), new_line(inventory_b)

    def new_export(company=schools.school_a):
        return Export.create([{'company': company}])[0].id

    configuration = Configuration(1)
    configuration.base_url = 'https://edu.example.kz'
    configuration.save()
    configuration, = Configuration.search([])
    return {
        INVENTORY: Probe(INVENTORY, own=inventory_a, other=inventory_b,
            write_field='archive_name', create_values=inventory_values,
            make_record=new_inventory),
        LINE: Probe(LINE, own=line_a, other=line_b, write_field='note',
            create_values=line_values, make_record=new_line),
        EXPORT: Probe(EXPORT, own=new_export(),
            other=new_export(schools.school_b), write_field='error',
            create_values=lambda: {'company': schools.school_a},
            make_record=new_export),
        CONFIGURATION: Probe(CONFIGURATION, own=configuration.id,
            write_field='base_url',
            create_values=lambda: {'base_url': 'https://x.example.kz'}),
        }


class AccessMatrixEdmsArchiveTestCase(unittest.TestCase):
    "Access matrix of the document archive"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_edms_archive'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_access_matrix(self):
        """Inventories: clerk and management of the organisation; exports:
        requested and read by them; others nothing; school B isolated"""
        schools = build_two_schools()
        matrix = AccessMatrix(schools.users, archive_probes(schools))
        matrix.check(EXPECTED, isolated_models=[INVENTORY, LINE, EXPORT])

    @with_transaction()
    def test_confirmed_inventory_not_deleted(self):
        "Even the clerk cannot delete a confirmed inventory nor its lines"
        from trytond.model.exceptions import AccessError
        schools = build_two_schools()
        probes = archive_probes(schools)
        Inventory = Pool().get(INVENTORY)
        Line = Pool().get(LINE)
        inventory = Inventory(probes[INVENTORY].own)
        Inventory.confirm([inventory])
        matrix = AccessMatrix(schools.users, probes)
        with matrix.as_user(schools.users['clerk']):
            with self.assertRaises(AccessError):
                Inventory.delete([Inventory(inventory.id)])
            with self.assertRaises(AccessError):
                Line.write([Line(probes[LINE].own)], {'note': "x"})
