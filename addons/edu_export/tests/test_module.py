# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the open export (R12, R13) and of the scheduled encrypted
backups (R3)."""
import datetime as dt
import json
import os
import shutil
import sqlite3
import tempfile
from unittest import mock

import polib

import trytond.config as config
from trytond.model import ModelSQL
from trytond.modules.company.tests import create_company
from trytond.modules.edu_base.kz_id import make_bin, make_iin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .. import registry
from . import tools

HERE = os.path.dirname(__file__)
MODULES = os.path.dirname(os.path.dirname(HERE))
KEY = 'q2vKJ3b5oV6mY0cQy3n1m8Cw4y7XbG2nJkqvV0rj3cM='


def po_entry(module, language, context):
    "The msgstr of the entry of context in the .po file of module"
    path = os.path.join(MODULES, module, 'locale', f'{language}.po')
    for entry in polib.pofile(path):
        if entry.msgctxt == context:
            return entry.msgstr
    raise AssertionError(f'{context} is missing from {path}')


def load_languages():
    "Make kk and ru translated in the test database"
    Lang = Pool().get('ir.lang')
    languages = Lang.search([('code', 'in', ['kk', 'ru'])])
    with Transaction().set_user(0):
        Lang.write(languages, {'translatable': True})
        Lang.load_translations(languages)


def build_organisations():
    """A district education department supervising schools A and B, and an
    independent school C; persons with addresses, contacts, family links,
    departments, employees and users in each.  Returns a dict of ids."""
    pool = Pool()
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    Department = pool.get('edu.department')
    Employee = pool.get('company.employee')
    Relation = pool.get('party.relation')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    serial = iter(range(100, 10000))

    base = create_company("Аудан білім бөлімі")
    ids = {'currency': base.currency.id}

    def organisation(company, kind, parent=None):
        Party.write([company.party], {'bin': make_bin(2004, 9, next(serial))})
        Company.write([company], {
                'edu_kind': kind,
                'edu_parent': parent.id if parent else None,
                })
        return company

    district = organisation(base, 'education_department')
    schools = {}
    for key, name, parent in [('a', "№1 мектеп", district),
            ('b', "№2 мектеп", district), ('c', "№3 мектеп", None)]:
        party, = Party.create([{'name': name}])
        company, = Company.create([{
                    'party': party.id, 'currency': ids['currency']}])
        schools[key] = organisation(company, 'school', parent)
    ids['district'] = district.id
    ids.update({k: c.id for k, c in schools.items()})
    role_teacher = ModelData.get_id('edu_base', 'role_teacher')
    for key, company in [('district', district), *schools.items()]:
        mother, child, teacher = Party.create([{
                    'is_person': True, 'last_name': f"Ана-{key}",
                    'first_name': "Гүлнар", 'organisation': company.id,
                    'iin': make_iin(dt.date(1985, 3, 4), 'female',
                        next(serial)),
                    'is_representative': True,
                    'addresses': [('create', [{'street': "Абай к-сі 1",
                                    'city': "Алматы"}])],
                    'contact_mechanisms': [('create', [{
                                    'type': 'phone',
                                    'value': '+77010000%03d' % next(
                                        serial)}])],
                    }, {
                    'is_person': True, 'last_name': f"Бала-{key}",
                    'first_name': "Әсел", 'organisation': company.id,
                    'iin': make_iin(dt.date(2014, 5, 6), 'female',
                        next(serial)),
                    'is_learner': True,
                    }, {
                    'is_person': True, 'last_name': f"Мұғалім-{key}",
                    'first_name': "Ерлан", 'organisation': company.id,
                    'iin': make_iin(dt.date(1980, 1, 2), 'male',
                        next(serial)),
                    'is_staff': True,
                    'contact_mechanisms': [('create', [{
                                    'type': 'email',
                                    'value': f'teacher.{key}@bilim.invalid',
                                    }])],
                    }])
        Relation.create([{'from_': mother.id, 'to': child.id,
                    'type': ModelData.get_id('edu_base', 'relation_mother')}])
        department, = Department.create([{
                    'name': "Педагогтар", 'kind': 'teaching',
                    'company': company.id}])
        employee, = Employee.create([{
                    'party': teacher.id, 'company': company.id,
                    'department': department.id,
                    'position': "Мұғалім"}])
        user, = User.create([{
                    'login': f'teacher.{key}', 'name': teacher.name,
                    'person': teacher.id,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'employees': [('add', [employee.id])],
                    'employee': employee.id,
                    'password': 'Steppe2026kz',
                    'roles': [('create', [{'role': role_teacher}])],
                    }])
        ids[f'party_{key}'] = teacher.id
        ids[f'user_{key}'] = user.id
    return ids


def expected_ids(company_ids):
    """{model: ids} of the records of the organisations company_ids, found
    here with plain searches (independently of the export's registry)"""
    pool = Pool()
    Company = pool.get('company.company')
    search = lambda model, domain: sorted(r.id for r in pool.get(model).search(
            domain, order=[('id', 'ASC')]))
    own_parties = [c.party.id for c in Company.browse(company_ids)]
    parties = search('party.party', ['OR',
            ('organisation', 'in', company_ids),
            ('id', 'in', own_parties)])
    users = search('res.user', [('companies', 'in', company_ids)])
    return {
        'company.company': sorted(company_ids),
        'party.party': parties,
        'party.address': search('party.address',
            [('party', 'in', parties)]),
        'party.contact_mechanism': search('party.contact_mechanism',
            [('party', 'in', parties)]),
        'party.identifier': search('party.identifier',
            [('party', 'in', parties)]),
        'party.relation': search('party.relation',
            [('from_', 'in', parties)]),
        'edu.department': search('edu.department',
            [('company', 'in', company_ids)]),
        'company.employee': search('company.employee',
            [('company', 'in', company_ids)]),
        'res.user': users,
        'res.user.role': search('res.user.role', [('user', 'in', users)]),
        }


class EduExportTestCase(ModuleTestCase):
    "Test edu_export module"
    module = 'edu_export'

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix='edu-export-test-')
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def export(self, company_id):
        "Request the export of company as the administrator; (record, files)"
        pool = Pool()
        Export = pool.get('edu.export')
        Company = pool.get('company.company')
        export = Export.request(Company(company_id))
        self.assertEqual(export.state, 'done', export.error)
        return export, tools.read_zip(export.file)

    def check_export(self, files, company_ids, foreign_ids):
        """Re-read the export files and check them complete and consistent
        with the database (R13)"""
        manifest = json.loads(files['manifest.json'])
        schema = json.loads(files['schema.json'])
        self.assertEqual(tools.checksum_problems(files), [])
        self.assertEqual(schema['$schema'],
            'https://json-schema.org/draft/2020-12/schema')
        self.assertEqual(sorted(manifest['organisations']),
            sorted(company_ids))
        sheets = tools.read_xlsx(files['data.xlsx'])
        expected = expected_ids(company_ids)
        seen_models = set()
        document = {}
        for key, info in manifest['objects'].items():
            row_schema = schema['$defs'][key]
            self.assertEqual(row_schema['x-model'], info['model'])
            header, rows = tools.read_csv(files[info['csv']], row_schema)
            document[key] = rows
            # one header row in both languages
            self.assertEqual(header, [
                    f"{row_schema['properties'][c]['x-label-kk']} / "
                    f"{row_schema['properties'][c]['x-label-ru']}"
                    for c in row_schema['x-columns']])
            ids = [r['id'] for r in rows]
            self.assertEqual(len(ids), len(set(ids)), key)
            self.assertEqual(len(rows), info['rows'], key)
            # every record of the organisations, once; nothing else
            if info['model'] in expected:
                self.assertEqual(sorted(ids), expected[info['model']], key)
                seen_models.add(info['model'])
            for model, foreign in foreign_ids.items():
                if info['model'] == model:
                    self.assertFalse(set(ids) & set(foreign), key)
            # the XLSX sheet holds the same values under two header rows
            sheet = sheets[info['sheet']]
            self.assertEqual(sheet[0], [
                    row_schema['properties'][c]['x-label-kk']
                    for c in row_schema['x-columns']])
            self.assertEqual(sheet[1], [
                    row_schema['properties'][c]['x-label-ru']
                    for c in row_schema['x-columns']])
            self.assertEqual(len(sheet) - 2, len(rows), key)
            for row, cells in zip(rows, sheet[2:]):
                cells = cells + [None] * (len(row) - len(cells))
                for column, cell in zip(row_schema['x-columns'], cells):
                    value = row[column]
                    if isinstance(value, float) or isinstance(cell, float):
                        self.assertAlmostEqual(value, cell, places=6)
                    else:
                        self.assertEqual(value, cell, (key, column))
        self.assertEqual(seen_models, set(expected))
        # every file validates against the schema
        self.assertEqual(tools.validate(document, schema), [])
        # no secret leaves the database
        self.assertNotIn('password_hash',
            schema['$defs']['users']['x-columns'])
        # the SQL dump loads and holds the same rows
        memory = sqlite3.connect(':memory:')
        memory.executescript(files['database.sql'].decode('utf-8'))
        for model, table in [('party.party', 'party_party'),
                ('company.employee', 'company_employee'),
                ('res.user', 'res_user')]:
            self.assertEqual(sorted(r[0] for r in memory.execute(
                        f'SELECT id FROM {table}')), expected[model])
        columns = [r[1] for r in memory.execute(
                'PRAGMA table_info(res_user)')]
        self.assertIn('login', columns)
        self.assertNotIn('password_hash', columns)
        memory.close()
        return manifest, schema, document

    @with_transaction()
    def test_export_complete(self):
        """The export of a school holds every record of the school once,
        none of its sibling, in CSV and XLSX alike, valid against the JSON
        Schema, with the checksums of the manifest (R13, R12)"""
        pool = Pool()
        AuditEntry = pool.get('edu.audit.entry')
        load_languages()
        ids = build_organisations()
        others = [ids['b'], ids['c'], ids['district']]
        foreign = expected_ids(others)
        export, files = self.export(ids['a'])
        manifest, schema, document = self.check_export(
            files, [ids['a']], foreign)
        self.assertIn(ids['party_a'],
            [r['id'] for r in document['parties']])
        self.assertEqual([r['id'] for r in document['users']],
            [ids['user_a']])
        # the headers are Tryton's translations of the fields
        iin = schema['$defs']['parties']['properties']['iin']
        self.assertEqual(iin['x-label-kk'], po_entry(
                'edu_base', 'kk', 'field:party.party,iin:'))
        self.assertEqual(iin['x-label-ru'], po_entry(
                'edu_base', 'ru', 'field:party.party,iin:'))
        self.assertNotEqual(iin['x-label-kk'], iin['x-label-ru'])
        # the models of the Bilim modules are all accounted for
        IrModel = pool.get('ir.model')
        exported = {o['model'] for o in manifest['objects'].values()}
        for record in IrModel.search([('module', 'like', 'edu_%')]):
            Model = pool.get(record.name)
            if issubclass(Model, ModelSQL):
                self.assertTrue(
                    record.name in exported
                    or record.name in manifest['skipped_models'],
                    record.name)
        self.assertEqual(manifest['skipped_models']['edu.export'],
            'declared not organisation data')
        # the export is journalled as a critical action
        entries = AuditEntry.search([
                ('operation', '=', 'export'),
                ('model', '=', 'company.company'),
                ('record_id', '=', ids['a'])])
        self.assertEqual(len(entries), 1)
        self.assertIn(export.sha256, entries[0].changes)

    @with_transaction()
    def test_registry_discovers_declared_models(self):
        """A Bilim model is exported by declaring the path to its
        organisation, without changing edu_export (R13)"""
        pool = Pool()
        RightsLog = pool.get('edu.rights.log')
        Company = pool.get('company.company')
        ids = build_organisations()
        self.assertEqual(
            registry.organisation_field(pool.get('party.party')),
            'organisation')
        self.assertEqual(
            registry.organisation_field(pool.get('edu.department')),
            'company')
        _, skipped = registry.discover([ids['a']], [])
        self.assertEqual(skipped['edu.rights.log'],
            'no link to an organisation')
        with mock.patch.object(RightsLog, '_edu_export_company',
                'user.companies', create=True), \
                mock.patch.object(RightsLog, '_edu_export_key',
                    'rights_history', create=True):
            export = Pool().get('edu.export').request(Company(ids['a']))
            files = tools.read_zip(export.file)
        manifest = json.loads(files['manifest.json'])
        self.assertNotIn('edu.rights.log', manifest['skipped_models'])
        info = manifest['objects']['rights_history']
        self.assertEqual(info['model'], 'edu.rights.log')
        schema = json.loads(files['schema.json'])
        _, rows = tools.read_csv(files[info['csv']],
            schema['$defs']['rights_history'])
        expected = sorted(r.id for r in RightsLog.search([
                    ('user.companies', 'in', [ids['a']])]))
        self.assertTrue(expected)
        self.assertEqual(sorted(r['id'] for r in rows), expected)
        self.assertFalse({r['id'] for r in rows} & {r.id for r in
                RightsLog.search([('user', '=', ids['user_b'])])})

    @with_transaction()
    def test_export_supervised_organisations(self):
        """The export of an education department holds its schools, not an
        independent school (R13)"""
        ids = build_organisations()
        company_ids = [ids['district'], ids['a'], ids['b']]
        _, files = self.export(ids['district'])
        self.check_export(files, company_ids, expected_ids([ids['c']]))

    @with_transaction()
    def test_export_queued(self):
        "A large export runs in the queue and is done by the worker (R13)"
        pool = Pool()
        Export = pool.get('edu.export')
        Company = pool.get('company.company')
        Queue = pool.get('ir.queue')
        ids = build_organisations()
        getint = config.getint
        with mock.patch.object(config, 'getint',
                side_effect=lambda s, o, default=None: (
                    0 if (s, o) == ('edu_export', 'queue_rows')
                    else getint(s, o, default=default))):
            export = Export.request(Company(ids['c']))
        self.assertEqual(export.state, 'queued')
        self.assertIsNone(export.file)
        task, = Queue.search([('name', '=', 'edu_export')])
        task.run()
        export = Export(export.id)
        self.assertEqual(export.state, 'done')
        files = tools.read_zip(export.file)
        self.check_export(files, [ids['c']], expected_ids([ids['a']]))

    @with_transaction()
    def test_wizard_result(self):
        "The wizard gives the file of a small export (R13)"
        pool = Pool()
        Wizard = pool.get('edu.export.organisation', type='wizard')
        ids = build_organisations()
        session_id, _, _ = Wizard.create()
        wizard = Wizard(session_id)
        wizard.start.company = pool.get('company.company')(ids['b'])
        wizard.transition_export()
        result = wizard.default_result(['file', 'message', 'export'])
        files = tools.read_zip(result['file'])
        self.assertEqual(tools.checksum_problems(files), [])
        self.assertTrue(result['message'])

    # -- backups (R3) -------------------------------------------------------

    def configure_backups(self, retention=2):
        pool = Pool()
        Configuration = pool.get('edu.backup.configuration')
        configuration = Configuration(1)
        configuration.directory = os.path.join(self.tmp, 'backups')
        configuration.retention = retention
        configuration.save()
        return configuration

    @with_transaction()
    def test_configuration_schedules_cron(self):
        "The schedule of the configuration is the one of the cron task (R3)"
        pool = Pool()
        Configuration = pool.get('edu.backup.configuration')
        Cron = pool.get('ir.cron')
        ModelData = pool.get('ir.model.data')
        configuration = self.configure_backups()
        configuration.interval_number = 6
        configuration.interval_type = 'hours'
        configuration.save()
        cron = Cron(ModelData.get_id('edu_export', 'cron_backup'))
        self.assertEqual((cron.interval_number, cron.interval_type),
            (6, 'hours'))
        self.assertEqual(cron.method, 'edu.backup|cron_backup')
        self.assertEqual(Configuration(1).retention, 2)

    @with_transaction()
    def test_cron_backup_and_retention(self):
        """The cron task writes encrypted backups, keeps the retention count
        and deletes the older archives; verify finds them intact (R3)"""
        pool = Pool()
        Backup = pool.get('edu.backup')
        AuditEntry = pool.get('edu.audit.entry')
        build_organisations()
        self.configure_backups(retention=2)
        with mock.patch.dict(os.environ, {'BILIM_BACKUP_KEY': KEY}):
            backups = []
            for _ in range(3):
                backup = Backup.cron_backup()
                self.assertEqual(backup.state, 'done', backup.error)
                backups.append(backup)
            first, second, third = [Backup(b.id) for b in backups]
            self.assertEqual(first.state, 'pruned')
            self.assertFalse(os.path.exists(first.path))
            for backup in (second, third):
                self.assertEqual(backup.state, 'done')
                self.assertTrue(os.path.isfile(backup.path))
                with open(backup.path, 'rb') as fp:
                    data = fp.read()
                self.assertTrue(data.startswith(b'BILIMBAK'))
                self.assertNotIn(b'manifest.json', data)
                self.assertEqual(len(data), backup.size)
            self.assertGreater(third.tables, 10)
            self.assertGreater(third.rows, 100)
            Backup.verify([third])
        self.assertEqual(third.verification, 'ok')
        self.assertEqual(
            sorted(os.listdir(os.path.join(self.tmp, 'backups'))),
            sorted(os.path.basename(b.path) for b in (second, third)))
        self.assertEqual(len(AuditEntry.search(
                    [('operation', '=', 'backup')])), 3)

    @with_transaction()
    def test_verify_detects_corruption(self):
        """A backup changed on disk is found corrupted and reported as a
        security event (R3, R5.20)"""
        pool = Pool()
        Backup = pool.get('edu.backup')
        Event = pool.get('edu.security.event')
        self.configure_backups()
        with mock.patch.dict(os.environ, {'BILIM_BACKUP_KEY': KEY}):
            backup = Backup.make_backup()
            self.assertEqual(backup.state, 'done', backup.error)
            with open(backup.path, 'r+b') as fp:
                fp.seek(backup.size // 2)
                byte = fp.read(1)
                fp.seek(backup.size // 2)
                fp.write(bytes([byte[0] ^ 0x01]))
            Backup.verify([backup])
        self.assertEqual(backup.verification, 'corrupted')
        self.assertIn('SHA-256', backup.verification_message)
        events = Event.search([('kind', '=', 'backup'),
                ('record', '=', f'edu.backup,{backup.id}')])
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0].severity, 'critical')

    @with_transaction()
    def test_verify_wrong_key(self):
        "A backup cannot be verified with another key (R3)"
        pool = Pool()
        Backup = pool.get('edu.backup')
        self.configure_backups()
        with mock.patch.dict(os.environ, {'BILIM_BACKUP_KEY': KEY}):
            backup = Backup.make_backup()
        other = 'A' * 43 + '='
        with mock.patch.dict(os.environ, {'BILIM_BACKUP_KEY': other}):
            Backup.verify([backup])
        self.assertEqual(backup.verification, 'corrupted')

    @with_transaction()
    def test_missing_key(self):
        """Without a key no backup is made: the failure is registered with a
        Kazakh or Russian message and is a critical security event (R3)"""
        pool = Pool()
        Backup = pool.get('edu.backup')
        Event = pool.get('edu.security.event')
        load_languages()
        self.configure_backups()
        environ = {k: v for k, v in os.environ.items()
            if k != 'BILIM_BACKUP_KEY'}
        with mock.patch.dict(os.environ, environ, clear=True):
            for language in ['kk', 'ru']:
                with Transaction().set_context(language=language):
                    backup = Backup.cron_backup()
                expected = po_entry('edu_export', language,
                    'model:ir.message,text:msg_backup_no_key') % {
                    'variable': 'BILIM_BACKUP_KEY'}
                self.assertEqual(backup.state, 'failed')
                self.assertEqual(backup.error, expected)
                self.assertFalse(os.path.exists(backup.path))
                event, = Event.search([
                        ('record', '=', f'edu.backup,{backup.id}')])
                self.assertEqual(
                    (event.kind, event.severity), ('backup', 'critical'))
                self.assertEqual(event.description, expected)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, 'backups'))
            and os.listdir(os.path.join(self.tmp, 'backups')))


del ModuleTestCase
