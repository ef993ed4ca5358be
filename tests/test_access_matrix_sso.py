# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_sso: roles × single sign-on models × operations
(R9, R33-1.13, R5.10).

The identity providers and the client applications are managed by the
system administrator and read by the auditor; the signing keys are rotated
and unpublished by the system administrator only; the grants are written by
the server and read by both; the pending OpenID Connect logins and the
consumed SAML assertions are the server's alone (see tests/access_matrix.py for the meaning of a cell).
"""
import datetime as dt
import secrets
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from tests.access_matrix import (
    OPERATIONS, ROLES, AccessMatrix, Probe, build_two_schools, expand)

NOBODY = {role: '----' for role in ROLES}
MANAGED = {**NOBODY, 'sysadmin': 'rcwd', 'auditor': 'r---'}
KEYS = {**NOBODY, 'sysadmin': 'r-w-'}
GRANTS = {**NOBODY, 'sysadmin': 'r---', 'auditor': 'r---'}

EXPECTED = {
    **expand('edu.sso.provider', MANAGED),
    **expand('edu.sso.client', MANAGED),
    **expand('edu.sso.key', KEYS),
    **expand('edu.sso.grant', GRANTS),
    **expand('edu.sso.oidc.request', NOBODY),
    **expand('edu.sso.saml.assertion', NOBODY),
    }


def edu_sso_probes(schools):
    "Return the probes of the single sign-on models, made as the root"
    pool = Pool()
    Provider = pool.get('edu.sso.provider')
    Client = pool.get('edu.sso.client')
    Key = pool.get('edu.sso.key')
    Grant = pool.get('edu.sso.grant')
    Request = pool.get('edu.sso.oidc.request')
    Assertion = pool.get('edu.sso.saml.assertion')

    def provider_values():
        return {'name': "Probe IdP", 'kind': 'oidc',
            'code': 'probe' + secrets.token_hex(4),
            'issuer': 'https://idp.example.kz', 'client_id': 'bilim'}

    def new_provider():
        return Provider.create([provider_values()])[0].id

    def client_values():
        return {'name': "Probe resource",
            'redirect_uris': 'https://resource.example.kz/cb'}

    def new_client():
        return Client.create([client_values()])[0].id

    def new_grant():
        return Grant.create([{
                    'client': new_client(),
                    'user': schools.users['learner'],
                    'scope': 'openid',
                    'redirect_uri': 'https://resource.example.kz/cb',
                    'state': 'issued',
                    'expires': dt.datetime.now(),
                    }])[0].id

    def new_request():
        return Request.create([{
                    'provider': new_provider(),
                    'state_hash': secrets.token_hex(8),
                    'nonce': 'n', 'code_verifier': 'v',
                    'expires': dt.datetime.now(),
                    }])[0].id

    def new_assertion():
        return Assertion.create([{
                    'assertion_hash': secrets.token_hex(16),
                    'expires': dt.datetime.now() + dt.timedelta(hours=1),
                    }])[0].id

    return {
        'edu.sso.saml.assertion': Probe('edu.sso.saml.assertion',
            own=new_assertion(), write_field='assertion_hash',
            make_record=new_assertion),
        'edu.sso.provider': Probe('edu.sso.provider',
            own=new_provider(), write_field='name',
            create_values=provider_values, make_record=new_provider,
            read_fields=('rec_name', 'secret_configured')),
        'edu.sso.client': Probe('edu.sso.client',
            own=new_client(), write_field='name',
            create_values=client_values, make_record=new_client,
            read_fields=('rec_name', 'secret', 'scopes')),
        'edu.sso.key': Probe('edu.sso.key',
            own=Key.generate().id, write_field='published',
            create_values=lambda: {'kid': 'forged', 'published': True},
            make_record=lambda: Key.generate().id,
            read_fields=('rec_name', 'public_jwk')),
        'edu.sso.grant': Probe('edu.sso.grant',
            own=new_grant(), write_field='scope',
            create_values=lambda: {
                'client': new_client(), 'user': schools.users['learner'],
                'state': 'issued'},
            make_record=new_grant),
        'edu.sso.oidc.request': Probe('edu.sso.oidc.request',
            own=new_request(), write_field='nonce',
            make_record=new_request),
        }


class SsoAccessMatrixTestCase(unittest.TestCase):
    "Access matrix of the edu_sso models"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_sso'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def test_expected_table_is_complete(self):
        "EXPECTED covers the 14 roles × 6 models × 4 operations"
        self.assertEqual(
            len(EXPECTED), len(ROLES) * 6 * len(OPERATIONS))

    @with_transaction()
    def test_access_matrix(self):
        """Only the system administrator manages single sign-on; the
        auditor reads the providers, clients and grants; nobody writes a
        grant, reads a private key, a pending login or a consumed assertion
        (R9, R5.10)"""
        schools = build_two_schools()
        matrix = AccessMatrix(schools.users, edu_sso_probes(schools))
        matrix.assert_expected(EXPECTED)

    @with_transaction()
    def test_private_key_hidden(self):
        "The private key and the hashed secret are read by nobody"
        pool = Pool()
        Key = pool.get('edu.sso.key')
        Client = pool.get('edu.sso.client')
        schools = build_two_schools()
        key = Key.generate()
        client, = Client.create([{'name': "Probe",
                    'redirect_uris': 'https://resource.example.kz/cb',
                    'secret': 'a-long-enough-secret-1234'}])
        self.assertTrue(key.private_key)
        self.assertTrue(client.secret_hash)
        matrix = AccessMatrix(schools.users, {})
        with matrix.as_user(schools.users['sysadmin']):
            self.assertIsNone(
                Key.read([key.id], ['private_key'])[0]['private_key'])
            values, = Client.read(
                [client.id], ['secret_hash', 'sub_salt', 'secret'])
            self.assertIsNone(values['secret_hash'])
            self.assertIsNone(values['sub_salt'])
            self.assertEqual(values['secret'], 'x' * 10)
