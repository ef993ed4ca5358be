# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The portal's REST API against its own OpenAPI document (R27.19).

schemathesis loads ``/<db>/portal/api/v1/openapi.json`` from Tryton's WSGI
application and generates requests for every operation from the schemas
of the parameters and bodies, authenticated as the teacher and as the
parent of the small school of tests/test_portal_api.py.  Every answer must
be no server error (no 5xx, whatever the input), have a documented status
and conform to the documented schema (errors included).  The examples are
bounded (derandomised, a few per operation) so that the test runs in well
under a minute on SQLite and PostgreSQL.
"""
import collections
import os

import pytest

from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import (
    DB_NAME, Client, TestCase, activate_module, drop_db)
from trytond.transaction import Transaction
from trytond.wsgi import app

schemathesis = pytest.importorskip('schemathesis')
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    response_schema_conformance, status_code_conformance)

import test_portal_api as fixture  # noqa: E402

API = f'/{DB_NAME}/portal/api/v1'
#: examples per operation and user
EXAMPLES = int(os.environ.get('PORTAL_OPENAPI_EXAMPLES', 6))
#: operations that end or open the session of the test
SKIPPED = {('POST', '/session'), ('DELETE', '/session')}
CHECKS = [not_a_server_error, status_code_conformance,
    response_schema_conformance]


class PortalOpenAPITestCase(TestCase):
    "The portal API conforms to its OpenAPI document"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import trytond.modules.edu_portal.routes  # noqa: F401
        drop_db()
        activate_module(['edu_portal'], 'ru')
        with Transaction().start(DB_NAME, 0) as transaction:
            fixture.PortalAPITestCase._load_kazakh()
            fixture.PortalAPITestCase._create_data()
            transaction.commit()
        cls.data = fixture.PortalAPITestCase

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def token(self, login):
        client = Client(app, Response)
        response = client.post(f'{API}/session', json={
                'login': login, 'password': fixture.PASSWORD})
        self.assertEqual(response.status_code, 200, response.data)
        return response.json['token']

    def schema(self):
        return schemathesis.openapi.from_wsgi(f'{API}/openapi.json', app)

    def run_operations(self, login):
        token = self.token(login)
        headers = {'Authorization': f'Bearer {token}'}
        schema = self.schema()
        operations = [r.ok() for r in schema.get_all_operations()]
        self.assertGreaterEqual(len(operations), 24)
        calls = []
        for operation in operations:
            if (operation.method.upper(), operation.path) in SKIPPED:
                continue

            @settings(max_examples=EXAMPLES, deadline=None,
                derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def check(case):
                response = case.call(headers=headers)
                calls.append((case.method, case.path,
                        response.status_code))
                case.validate_response(response, checks=CHECKS)
            with self.subTest(operation=operation.label):
                check()
        self.assertTrue(calls)
        self.assertTrue(all(status < 500 for _, _, status in calls))
        summary = collections.Counter(
            (method, path, status) for method, path, status in calls)
        print(f'\n{login}: {len(calls)} calls', dict(sorted(
                    summary.items())))
        return calls

    def test_as_teacher(self):
        calls = self.run_operations('t.sáule')
        # the teacher's own pages answer with data
        ok = {path for _, path, status in calls if status == 200}
        self.assertIn('/teacher/classes', ok)
        self.assertIn('/me', ok)

    def test_as_parent(self):
        calls = self.run_operations('p.gulnar')
        ok = {path for _, path, status in calls if status == 200}
        self.assertIn('/announcements', ok)

    def test_document_served(self):
        schema = self.schema()
        self.assertEqual(schema.raw_schema['openapi'], '3.1.0')
        with Transaction().start(DB_NAME, 0):
            self.assertTrue(Pool().get('edu.portal.api'))


del TestCase
