# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Single sign-on through Tryton's HTTP routes (R9, R33-1.13).

SAML 2.0 and OpenID Connect logins are tested against local identity
provider simulators started by the tests (keys generated in a temporary
directory), and Bilim as OpenID Connect provider with a werkzeug test
client acting as the digital resource.
"""
import base64
import datetime as dt
import hashlib
import os
import secrets
import shutil
import tempfile
import urllib.parse

from trytond import security
from trytond.modules.authentication_saml import routes as saml_routes
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import (
    DB_NAME, Client, TestCase, activate_module, drop_db)
from trytond.transaction import Transaction
from trytond.wsgi import app

from .simulators import OIDCProvider, SamlIdentityProvider

PASSWORD = 'Steppe2026kz'
SECRET = 'textbook-secret-0123456789'
RESOURCE = 'https://textbook.example.kz/callback'
OTHER = 'https://library.example.kz/cb'
IDENTITY = 'egov'
OIDC_CODE = 'idp'
OIDC_CLIENT_ID = 'bilim-school'
OIDC_SECRET = 'sim-secret-' + secrets.token_hex(8)


def _b64url(data):
    return base64.urlsafe_b64encode(data).decode('ascii').rstrip('=')


def _query(location):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


class EduSsoRoutesTestCase(TestCase):
    "Single sign-on routes"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        # Russian translatable too, for the refusals in ru (kk comes with
        # edu_base)
        activate_module(['edu_sso'], 'ru')
        cls.oidc = OIDCProvider({}).start()
        cls.oidc.clients[OIDC_CLIENT_ID] = (OIDC_SECRET, [
                'http://localhost' + urllib.parse.quote(
                    f'/{DB_NAME}/authentication/oidc/{OIDC_CODE}/callback')])
        with Transaction().start(DB_NAME, 0):
            cls._load_kazakh()
            cls._create_data()

    @classmethod
    def tearDownClass(cls):
        cls.oidc.stop()
        super().tearDownClass()
        drop_db()

    @classmethod
    def _load_kazakh(cls):
        """Load the Kazakh messages: the kk language is created by edu_base
        while the modules are activated, after Tryton chose the languages
        to load (the install step of the deployment does an update)"""
        pool = Pool()
        Translation = pool.get('ir.translation')
        Message = pool.get('ir.message')
        Translation.translation_import('kk', 'edu_sso', [os.path.join(
                    os.path.dirname(os.path.dirname(__file__)),
                    'locale', 'kk.po')])
        Message._message_cache.clear()

    @classmethod
    def _create_data(cls):
        from trytond.modules.edu_base import kz_id
        pool = Pool()
        Currency = pool.get('currency.currency')
        Party = pool.get('party.party')
        Company = pool.get('company.company')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Provider = pool.get('edu.sso.provider')
        SsoClient = pool.get('edu.sso.client')

        kzt, = Currency.create([{
                    'name': 'Tenge', 'code': 'KZT', 'symbol': '₸'}])
        cls.school_bin = kz_id.make_bin(2004, 9, 20)
        school_party, = Party.create([{
                    'name': "№1 мектеп", 'bin': cls.school_bin}])
        school, = Company.create([{
                    'party': school_party.id,
                    'currency': kzt.id,
                    'edu_kind': 'school',
                    'kato': ModelData.get_id('edu_base', 'kato_110000000'),
                    'instruction_languages': ['kk', 'ru'],
                    }])
        serials = iter(range(100, 200))

        def person(last, first, birth, sex):
            while True:
                iin = kz_id.make_iin(birth, sex, next(serials))
                if not Party.search([('iin', '=', iin)]):
                    break
            party, = Party.create([{
                        'is_person': True, 'last_name': last,
                        'first_name': first, 'iin': iin,
                        'organisation': school.id}])
            return party

        def account(login, party, role, active=True):
            user, = User.create([{
                        'login': login,
                        'name': party.name,
                        'person': party.id,
                        'password': PASSWORD,
                        'active': active,
                        'companies': [('add', [school.id])],
                        'company': school.id,
                        'roles': [('create', [{
                                        'role': ModelData.get_id(
                                            'edu_base', f'role_{role}'),
                                        }])],
                        }])
            return user

        learner = person("Серікова", "Айгерім", dt.date(2011, 3, 5),
            'female')
        cls.learner_iin = learner.iin
        cls.learner = account('aigerim.s', learner, 'learner').id
        teacher = person("Нұрланов", "Ерлан", dt.date(1985, 4, 12), 'male')
        cls.inactive_iin = teacher.iin
        account('erlan.n', teacher, 'teacher', active=False)
        twin = person("Омаров", "Дәулет", dt.date(1990, 1, 2), 'male')
        cls.ambiguous_iin = twin.iin
        account('daulet.o', twin, 'teacher')
        account('daulet.o2', twin, 'clerk')
        cls.unknown_iin = kz_id.make_iin(dt.date(2000, 6, 1), 'male', 999)

        Provider.create([{
                    'name': "eGov IdP", 'kind': 'saml', 'code': IDENTITY,
                    'claim': 'iin',
                    }, {
                    'name': "Regional IdP", 'kind': 'oidc',
                    'code': OIDC_CODE, 'claim': 'iin',
                    'issuer': cls.oidc.issuer,
                    'client_id': OIDC_CLIENT_ID,
                    'scope': 'openid profile',
                    }])
        textbook, library = SsoClient.create([{
                    'name': "E-textbook",
                    'redirect_uris': RESOURCE,
                    'scopes': ['openid', 'profile', 'roles', 'iin'],
                    'secret': SECRET,
                    }, {
                    'name': "Library",
                    'redirect_uris': OTHER,
                    'scopes': ['openid', 'profile'],
                    'secret': SECRET,
                    }])
        cls.textbook_id, cls.library_id = (
            textbook.client_id, library.client_id)

    def setUp(self):
        super().setUp()
        self.client = Client(app, Response)
        self.oidc.reset()

    # --- helpers ------------------------------------------------------------
    def count(self, model, domain):
        with Transaction().start(DB_NAME, 0):
            return Pool().get(model).search_count(domain)

    def events(self):
        return self.count('edu.security.event', [('kind', '=', 'sso')])

    def failures(self, reason):
        return self.count('edu.login.failure', [('reason', '=', reason)])

    def assertLoggedIn(self, response, login):
        self.assertEqual(response.status_code, 302, response.data)
        query = _query(response.headers['Location'])
        self.assertEqual(query['login'], login)
        self.assertEqual(query['database'], DB_NAME)
        cookie = response.headers['Set-Cookie']
        self.assertIn('tryton_session=', cookie)
        value = cookie.split('tryton_session=', 1)[1].split(';', 1)[0]
        value = urllib.parse.unquote(value).strip('"')
        _, user_id, session = value.rsplit(':', 2)
        self.assertEqual(int(user_id), int(query['user_id']))
        # the session opened is a valid Tryton session
        self.assertEqual(
            security.check(DB_NAME, int(user_id), session), int(user_id))
        return int(user_id), session

    # --- SAML 2.0 -----------------------------------------------------------
    def saml_setup(self):
        directory = tempfile.mkdtemp(prefix='edu-sso-saml-')
        self.addCleanup(shutil.rmtree, directory, True)
        saml_routes.IDENTITIES.add(IDENTITY)
        saml_routes.LOGIN[IDENTITY] = 'uid'
        self.addCleanup(saml_routes.IDENTITIES.discard, IDENTITY)
        self.addCleanup(saml_routes.METADATA.pop, IDENTITY, None)
        saml_routes.METADATA.pop(IDENTITY, None)
        response = self.client.get(
            f'/{DB_NAME}/authentication/saml/{IDENTITY}/metadata')
        self.assertEqual(response.status_code, 200)
        idp = SamlIdentityProvider(directory, response.data.decode('utf-8'))
        saml_routes.METADATA[IDENTITY] = idp.metadata
        return idp

    def saml_login(self, idp, attributes, tamper=None, headers=None,
            sign=True):
        response = self.client.get(
            f'/{DB_NAME}/authentication/saml/{IDENTITY}/login',
            query_string={'next': 'http://localhost/'})
        self.assertEqual(response.status_code, 302)
        self.assertIn('SAMLRequest=', response.headers['Location'])
        url, form = idp.respond(
            response.headers['Location'], attributes, tamper=tamper,
            sign=sign)
        path = urllib.parse.urlsplit(url).path
        self.assertEqual(urllib.parse.unquote(path),
            f'/{DB_NAME}/authentication/saml/{IDENTITY}/acs')
        return self.client.post(path, data=form, headers=headers or {})

    def test_saml_login_by_iin(self):
        "SAML login maps the signed IIN attribute to the account (R9)"
        idp = self.saml_setup()
        response = self.saml_login(idp, {
                'iin': [self.learner_iin], 'uid': ['someone-else']})
        user_id, _ = self.assertLoggedIn(response, 'aigerim.s')
        self.assertEqual(user_id, self.learner)

    def test_saml_replay(self):
        "A SAML response is consumed once"
        idp = self.saml_setup()
        response = self.client.get(
            f'/{DB_NAME}/authentication/saml/{IDENTITY}/login',
            query_string={'next': 'http://localhost/'})
        url, form = idp.respond(
            response.headers['Location'], {'iin': [self.learner_iin]})
        path = urllib.parse.urlsplit(url).path
        self.assertLoggedIn(self.client.post(path, data=form), 'aigerim.s')
        events = self.events()
        response = self.client.post(path, data=form)
        self.assertEqual(response.status_code, 403, response.data)
        self.assertIn('used already', response.data.decode('utf-8'))
        self.assertNotIn('Set-Cookie', response.headers)
        self.assertEqual(self.events(), events + 1)

    def test_saml_refusals(self):
        """SAML login refuses an unknown, inactive or ambiguous IIN, with a
        failed login and a security event"""
        idp = self.saml_setup()
        cases = [
            (self.unknown_iin, 'unknown_login', 'No Bilim account'),
            (self.inactive_iin, 'inactive', 'is inactive'),
            (self.ambiguous_iin, 'failed', 'matches 2 accounts'),
            ]
        for iin, reason, message in cases:
            with self.subTest(reason=reason):
                events, failures = self.events(), self.failures(reason)
                response = self.saml_login(idp, {'iin': [iin]})
                self.assertEqual(response.status_code, 403, response.data)
                self.assertIn(message, response.data.decode('utf-8'))
                # the IIN is not shown in full
                self.assertNotIn(iin, response.data.decode('utf-8'))
                self.assertEqual(self.events(), events + 1)
                self.assertEqual(self.failures(reason), failures + 1)
                self.assertNotIn('Set-Cookie', response.headers)

    def test_saml_refusal_language(self):
        "The refusal is explained in the language of the browser (kk, ru)"
        idp = self.saml_setup()
        for language, text in [
                ('kk', 'тұлғаға тиесілі Bilim тіркелгісі жоқ'),
                ('ru', 'Нет учётной записи Bilim'),
                ('en', 'No Bilim account belongs'),
                ]:
            with self.subTest(language=language):
                response = self.saml_login(
                    idp, {'iin': [self.unknown_iin]},
                    headers={'Accept-Language': f'{language},en;q=0.5'})
                self.assertEqual(response.status_code, 403)
                page = response.data.decode('utf-8')
                self.assertIn(text, page)
                self.assertIn(f'lang="{language}"', page)

    def test_saml_no_iin(self):
        "An assertion without the IIN attribute is refused"
        idp = self.saml_setup()
        events = self.events()
        response = self.saml_login(idp, {'uid': ['aigerim.s']})
        self.assertEqual(response.status_code, 403, response.data)
        self.assertIn('did not give an IIN', response.data.decode('utf-8'))
        self.assertEqual(self.events(), events + 1)

    def test_saml_tampered(self):
        "A response changed after its signature is refused"
        idp = self.saml_setup()
        events = self.events()
        response = self.saml_login(idp, {'iin': [self.unknown_iin]},
            tamper=lambda xml: xml.replace(
                self.unknown_iin, self.learner_iin))
        self.assertEqual(response.status_code, 403, response.data)
        self.assertIn('is not valid', response.data.decode('utf-8'))
        self.assertEqual(self.events(), events + 1)
        self.assertNotIn('Set-Cookie', response.headers)

    def test_saml_unsigned(self):
        "An unsigned response is refused"
        idp = self.saml_setup()
        events = self.events()
        response = self.saml_login(
            idp, {'iin': [self.learner_iin]}, sign=False)
        self.assertEqual(response.status_code, 403, response.data)
        self.assertIn('is not valid', response.data.decode('utf-8'))
        self.assertEqual(self.events(), events + 1)
        self.assertNotIn('Set-Cookie', response.headers)

    def test_saml_provider_disabled(self):
        "A disabled provider record refuses its assertions"
        idp = self.saml_setup()
        with Transaction().start(DB_NAME, 0):
            Provider = Pool().get('edu.sso.provider')
            provider, = Provider.search([('code', '=', IDENTITY)])
            provider.active = False
            provider.save()
        try:
            response = self.saml_login(idp, {'iin': [self.learner_iin]})
            self.assertEqual(response.status_code, 403, response.data)
            self.assertIn('disabled', response.data.decode('utf-8'))
        finally:
            with Transaction().start(DB_NAME, 0):
                Provider = Pool().get('edu.sso.provider')
                with Transaction().set_context(active_test=False):
                    Provider.write(
                        Provider.search([('code', '=', IDENTITY)]),
                        {'active': True})

    # --- OpenID Connect client ------------------------------------------------
    def oidc_login(self, claims, callback=None):
        os.environ[f'BILIM_SSO_{OIDC_CODE.upper()}_SECRET'] = OIDC_SECRET
        self.addCleanup(
            os.environ.pop, f'BILIM_SSO_{OIDC_CODE.upper()}_SECRET', None)
        self.oidc.next_claims = claims
        response = self.client.get(
            f'/{DB_NAME}/authentication/oidc/{OIDC_CODE}/login',
            query_string={'next': 'http://localhost/'})
        self.assertEqual(response.status_code, 302, response.data)
        location = response.headers['Location']
        self.assertTrue(location.startswith(self.oidc.base_url + '/authorize'))
        query = _query(location)
        self.assertEqual(query['code_challenge_method'], 'S256')
        self.assertTrue(query['state'] and query['nonce'])
        self.assertEqual(query['client_id'], OIDC_CLIENT_ID)
        # the browser at the provider, which answers with a code
        browser = Client(self.oidc.app, Response)
        answer = browser.get(urllib.parse.urlsplit(location).path,
            query_string=urllib.parse.urlsplit(location).query)
        self.assertEqual(answer.status_code, 302)
        callback = callback or answer.headers['Location']
        parts = urllib.parse.urlsplit(callback)
        return self.client.get(parts.path, query_string=parts.query), callback

    def test_oidc_login_by_iin(self):
        "OpenID Connect login: code + PKCE, verified ID token, IIN claim"
        response, _ = self.oidc_login({'iin': self.learner_iin})
        user_id, _ = self.assertLoggedIn(response, 'aigerim.s')
        self.assertEqual(user_id, self.learner)
        # the provider got the PKCE verifier of the challenge
        token_request = self.oidc.token_requests[-1]
        authorize = self.oidc.authorize_requests[-1]
        self.assertEqual(authorize['code_challenge'], _b64url(hashlib.sha256(
                    token_request['code_verifier'].encode()).digest()))

    def test_oidc_claim_from_userinfo(self):
        "An IIN absent from the ID token is read from the userinfo endpoint"
        self.oidc.tamper = {'iin': None}
        response, _ = self.oidc_login({'iin': self.learner_iin})
        self.assertLoggedIn(response, 'aigerim.s')

    def test_oidc_state_used_once(self):
        "The callback of a login cannot be replayed"
        response, callback = self.oidc_login({'iin': self.learner_iin})
        self.assertLoggedIn(response, 'aigerim.s')
        events = self.events()
        response, _ = self.oidc_login(
            {'iin': self.learner_iin}, callback=callback)
        self.assertEqual(response.status_code, 403, response.data)
        self.assertIn('used already', response.data.decode('utf-8'))
        self.assertEqual(self.events(), events + 1)

    def test_oidc_invalid_tokens(self):
        "An ID token with a wrong nonce, audience, issuer, key or expiry"
        cases = {
            'nonce': {'nonce': 'forged'},
            'aud': {'aud': 'another-client'},
            'iss': {'iss': 'https://evil.example.com'},
            'exp': {'exp': 1000000000},
            'key': None,
            }
        for name, tamper in cases.items():
            with self.subTest(case=name):
                self.oidc.reset()
                if tamper is None:
                    self.oidc.sign_with_unknown_key = True
                else:
                    self.oidc.tamper = tamper
                events = self.events()
                response, _ = self.oidc_login({'iin': self.learner_iin})
                self.assertEqual(response.status_code, 403, response.data)
                self.assertIn('failed', response.data.decode('utf-8'))
                self.assertNotIn('Set-Cookie', response.headers)
                self.assertEqual(self.events(), events + 1)

    def test_oidc_wrong_secret(self):
        "The provider refuses a wrong client secret: the login fails"
        os.environ[f'BILIM_SSO_{OIDC_CODE.upper()}_SECRET'] = 'wrong'
        self.oidc.clients[OIDC_CLIENT_ID]
        self.oidc.next_claims = {'iin': self.learner_iin}
        response = self.client.get(
            f'/{DB_NAME}/authentication/oidc/{OIDC_CODE}/login')
        location = response.headers['Location']
        browser = Client(self.oidc.app, Response)
        parts = urllib.parse.urlsplit(location)
        answer = browser.get(parts.path, query_string=parts.query)
        callback = urllib.parse.urlsplit(answer.headers['Location'])
        try:
            response = self.client.get(
                callback.path, query_string=callback.query)
        finally:
            os.environ.pop(f'BILIM_SSO_{OIDC_CODE.upper()}_SECRET', None)
        self.assertEqual(response.status_code, 403, response.data)

    def test_oidc_unknown_iin(self):
        "An unknown IIN claim is refused"
        failures = self.failures('unknown_login')
        response, _ = self.oidc_login({'iin': self.unknown_iin})
        self.assertEqual(response.status_code, 403, response.data)
        self.assertIn('No Bilim account', response.data.decode('utf-8'))
        self.assertEqual(self.failures('unknown_login'), failures + 1)

    def test_oidc_unknown_provider(self):
        "An unknown provider code is not found"
        response = self.client.get(
            f'/{DB_NAME}/authentication/oidc/nobody/login')
        self.assertEqual(response.status_code, 404)

    # --- Bilim as OpenID Connect provider ---------------------------------------
    def session_header(self, login='aigerim.s'):
        user_id, session = security.login(
            DB_NAME, login, {'password': PASSWORD})
        token = base64.b64encode(
            f'{login}:{user_id}:{session}'.encode()).decode()
        return {'Authorization': f'Session {token}'}

    def authorize(self, client_id=None, redirect_uri=RESOURCE,
            scope='openid profile roles iin', headers=None, verifier=None,
            **extra):
        verifier = verifier or secrets.token_urlsafe(48)
        params = {
            'response_type': 'code',
            'client_id': client_id or self.textbook_id,
            'redirect_uri': redirect_uri,
            'scope': scope,
            'state': 'st-' + secrets.token_hex(4),
            'nonce': 'nc-' + secrets.token_hex(4),
            'code_challenge': _b64url(
                hashlib.sha256(verifier.encode()).digest()),
            'code_challenge_method': 'S256',
            **extra,
            }
        response = self.client.get(f'/{DB_NAME}/oidc/authorize',
            query_string=params,
            headers=headers if headers is not None
            else self.session_header())
        return response, params, verifier

    def code_of(self, response, params):
        self.assertEqual(response.status_code, 302, response.data)
        location = response.headers['Location']
        self.assertTrue(location.startswith(params['redirect_uri'] + '?'))
        query = _query(location)
        self.assertEqual(query['state'], params['state'])
        return query['code']

    def token(self, code, verifier, client_id=None, secret=SECRET,
            redirect_uri=RESOURCE):
        basic = base64.b64encode(
            f'{client_id or self.textbook_id}:{secret}'.encode()).decode()
        return self.client.post(f'/{DB_NAME}/oidc/token', data={
                'grant_type': 'authorization_code',
                'code': code,
                'redirect_uri': redirect_uri,
                'code_verifier': verifier,
                }, headers={'Authorization': f'Basic {basic}'})

    def verify(self, id_token, client_id, nonce):
        from joserfc import jwt
        from joserfc.jwk import KeySet
        config = self.client.get(
            f'/{DB_NAME}/oidc/.well-known/openid-configuration').get_json()
        jwks = self.client.get(f'/{DB_NAME}/oidc/jwks').get_json()
        token = jwt.decode(id_token, KeySet.import_key_set(jwks),
            algorithms=['RS256'])
        jwt.JWTClaimsRegistry(
            iss={'essential': True, 'value': config['issuer']},
            aud={'essential': True, 'value': client_id},
            nonce={'essential': True, 'value': nonce},
            exp={'essential': True},
            ).validate(token.claims)
        return token.claims

    def test_provider_discovery(self):
        "The discovery document names the endpoints of the database"
        response = self.client.get(
            f'/{DB_NAME}/oidc/.well-known/openid-configuration')
        self.assertEqual(response.status_code, 200)
        config = response.get_json()
        self.assertEqual(config['issuer'], f'http://localhost/{DB_NAME}/oidc')
        self.assertEqual(
            config['token_endpoint'], config['issuer'] + '/token')
        self.assertIn('S256', config['code_challenge_methods_supported'])

    def test_provider_full_flow(self):
        """A digital resource gets a code, then tokens signed RS256 that it
        verifies against the JWKS, then the userinfo (R33-1.13)"""
        grants = self.count('edu.audit.entry', [
                ('operation', '=', 'sso_grant')])
        response, params, verifier = self.authorize()
        code = self.code_of(response, params)
        response = self.token(code, verifier)
        self.assertEqual(response.status_code, 200, response.data)
        tokens = response.get_json()
        self.assertEqual(tokens['token_type'], 'Bearer')
        claims = self.verify(
            tokens['id_token'], self.textbook_id, params['nonce'])
        self.assertEqual(claims['name'], "Серікова Айгерім")
        self.assertEqual(claims['roles'], ['learner'])
        self.assertEqual(claims['organisation_bin'], self.school_bin)
        self.assertEqual(claims['iin'], self.learner_iin)
        # pseudonymous: the subject is not the user id nor the IIN
        self.assertNotIn(str(self.learner), claims['sub'])
        self.assertNotIn(self.learner_iin, claims['sub'])

        response = self.client.get(f'/{DB_NAME}/oidc/userinfo', headers={
                'Authorization': f"Bearer {tokens['access_token']}"})
        self.assertEqual(response.status_code, 200, response.data)
        info = response.get_json()
        self.assertEqual(info['sub'], claims['sub'])
        self.assertEqual(info['iin'], self.learner_iin)
        # the grant is journalled
        self.assertEqual(self.count('edu.audit.entry', [
                    ('operation', '=', 'sso_grant')]), grants + 1)

        # the subject is stable for the client and differs between clients
        response, params2, verifier2 = self.authorize()
        tokens2 = self.token(
            self.code_of(response, params2), verifier2).get_json()
        self.assertEqual(self.verify(tokens2['id_token'], self.textbook_id,
                params2['nonce'])['sub'], claims['sub'])
        response, params3, verifier3 = self.authorize(
            client_id=self.library_id, redirect_uri=OTHER)
        tokens3 = self.token(self.code_of(response, params3), verifier3,
            client_id=self.library_id, redirect_uri=OTHER).get_json()
        library = self.verify(
            tokens3['id_token'], self.library_id, params3['nonce'])
        self.assertNotEqual(library['sub'], claims['sub'])
        # the library is not allowed the IIN nor the roles
        self.assertNotIn('iin', library)
        self.assertNotIn('roles', library)
        self.assertEqual(library['name'], "Серікова Айгерім")

    def test_provider_iin_only_when_asked(self):
        "The IIN is given only for the iin scope"
        response, params, verifier = self.authorize(scope='openid profile')
        tokens = self.token(self.code_of(response, params), verifier)
        claims = self.verify(tokens.get_json()['id_token'],
            self.textbook_id, params['nonce'])
        self.assertNotIn('iin', claims)

    def test_provider_refusals(self):
        "Wrong secret, redirect URI, verifier, reused or expired code"
        response, params, verifier = self.authorize()
        code = self.code_of(response, params)
        events = self.events()
        response = self.token(code, verifier, secret='wrong-secret')
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.get_json()['error'], 'invalid_client')
        self.assertEqual(self.events(), events + 1)
        # the client's Basic credentials are not tried as a Tryton login
        self.assertEqual(self.count('edu.login.failure', [
                    ('login', '=', self.textbook_id)]), 0)

        response = self.token(code, verifier)
        self.assertEqual(response.status_code, 200)
        # reused code
        response = self.token(code, verifier)
        self.assertEqual(response.status_code, 400, response.data)
        self.assertEqual(response.get_json()['error'], 'invalid_grant')
        self.assertEqual(self.events(), events + 2)

        # wrong redirect URI at the token endpoint
        response, params, verifier = self.authorize()
        code = self.code_of(response, params)
        response = self.token(code, verifier,
            redirect_uri='https://textbook.example.kz/other')
        self.assertEqual(response.get_json()['error'], 'invalid_grant')

        # wrong PKCE verifier
        response, params, verifier = self.authorize()
        code = self.code_of(response, params)
        response = self.token(code, secrets.token_urlsafe(48))
        self.assertEqual(response.get_json()['error'], 'invalid_grant')

        # expired code
        response, params, verifier = self.authorize()
        code = self.code_of(response, params)
        with Transaction().start(DB_NAME, 0):
            Grant = Pool().get('edu.sso.grant')
            grant, = Grant.search([], order=[('id', 'DESC')], limit=1)
            Grant.write([grant], {
                    'expires': dt.datetime.now() - dt.timedelta(seconds=1)})
        response = self.token(code, verifier)
        self.assertEqual(response.status_code, 400, response.data)
        self.assertIn('expired', response.get_json()['error_description'])

        # the code of a client is not exchanged by another
        response, params, verifier = self.authorize()
        code = self.code_of(response, params)
        response = self.token(code, verifier, client_id=self.library_id)
        self.assertEqual(response.get_json()['error'], 'invalid_grant')

    def test_provider_authorize_refusals(self):
        "Unknown client or redirect URI: no redirection; other errors are"
        response, _, _ = self.authorize(client_id='unknown')
        self.assertEqual(response.status_code, 400, response.data)
        self.assertNotIn('Location', response.headers)
        response, _, _ = self.authorize(
            redirect_uri='https://evil.example.com/cb')
        self.assertEqual(response.status_code, 400, response.data)
        self.assertNotIn('Location', response.headers)
        response, params, _ = self.authorize(scope='profile')
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            _query(response.headers['Location'])['error'], 'invalid_scope')
        response, _, _ = self.authorize(code_challenge_method='plain')
        self.assertEqual(
            _query(response.headers['Location'])['error'], 'invalid_request')

    def test_provider_login_form(self):
        "Without a Tryton session, authorize asks for the login"
        response, params, verifier = self.authorize(headers={})
        self.assertEqual(response.status_code, 200)
        page = response.data.decode('utf-8')
        self.assertIn('name="password"', page)
        self.assertIn(params['state'], page)
        form = {**params, 'login': 'aigerim.s', 'password': 'wrong-pass1'}
        response = self.client.post(f'/{DB_NAME}/oidc/authorize', data=form)
        self.assertEqual(response.status_code, 401)
        self.assertIn('Wrong login or password', response.data.decode())
        form['password'] = PASSWORD
        response = self.client.post(f'/{DB_NAME}/oidc/authorize', data=form)
        code = self.code_of(response, params)
        self.assertEqual(self.token(code, verifier).status_code, 200)

    def test_provider_userinfo_invalid(self):
        "The userinfo endpoint refuses a missing or forged token"
        response = self.client.get(f'/{DB_NAME}/oidc/userinfo')
        self.assertEqual(response.status_code, 401)
        response = self.client.get(f'/{DB_NAME}/oidc/userinfo', headers={
                'Authorization': 'Bearer forged.token.value'})
        self.assertEqual(response.status_code, 401)

    def test_provider_key_rotation(self):
        "After a rotation the old tokens still verify; new ones use the new key"
        from joserfc import jws
        response, params, verifier = self.authorize()
        old = self.token(self.code_of(response, params), verifier).get_json()
        with Transaction().start(DB_NAME, 0):
            Key = Pool().get('edu.sso.key')
            Key.rotate_keys()
        response, params2, verifier2 = self.authorize()
        new = self.token(self.code_of(response, params2), verifier2).get_json()
        old_kid = jws.extract_compact(old['id_token'].encode()).headers()['kid']
        new_kid = jws.extract_compact(new['id_token'].encode()).headers()['kid']
        self.assertNotEqual(old_kid, new_kid)
        self.verify(old['id_token'], self.textbook_id, params['nonce'])
        self.verify(new['id_token'], self.textbook_id, params2['nonce'])

    def test_saml_then_resource(self):
        "A learner signed in with SAML reaches the e-textbook with one login"
        idp = self.saml_setup()
        self.client = Client(app, Response)
        response = self.saml_login(idp, {'iin': [self.learner_iin]})
        self.assertLoggedIn(response, 'aigerim.s')
        cookie = response.headers['Set-Cookie'].split(';', 1)[0]
        response, params, verifier = self.authorize(
            headers={'Cookie': cookie})
        code = self.code_of(response, params)
        self.assertEqual(self.token(code, verifier).status_code, 200)

