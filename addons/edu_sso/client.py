# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Bilim as OpenID Connect identity provider (R9, R33-1.13).

Digital educational resources and e-textbooks registered by the system
administrator as client applications let learners and teachers in with
their Bilim account: authorization-code flow (PKCE supported), ID token and
access token signed RS256 with a key kept in the database and rotatable,
the keys published as JWKS.  The subject is pseudonymous and stable per
client application; the IIN is given only when the client asks for the
``iin`` scope and is allowed to.  Every grant is journalled.
"""
import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import time

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .exceptions import OIDCError

#: the scopes a client may be allowed, and the claims each one gives
SCOPES = [
    ('openid', "OpenID"),
    ('profile', "Profile (name, locale)"),
    ('email', "E-mail"),
    ('roles', "Roles and organisation"),
    ('iin', "IIN"),
    ]
SCOPE_CLAIMS = {
    'profile': ['name', 'locale'],
    'email': ['email'],
    'roles': ['roles', 'organisation_bin'],
    'iin': ['iin'],
    }
PBKDF2_ITERATIONS = 200_000


def hash_secret(secret, salt=None):
    "Return the PBKDF2 hash of a client secret"
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac(
        'sha256', secret.encode('utf-8'), salt.encode('ascii'),
        PBKDF2_ITERATIONS).hex()
    return f'pbkdf2_sha256${PBKDF2_ITERATIONS}${salt}${digest}'


def check_secret(secret, hashed):
    try:
        _, iterations, salt, digest = (hashed or '').split('$')
        computed = hashlib.pbkdf2_hmac(
            'sha256', (secret or '').encode('utf-8'), salt.encode('ascii'),
            int(iterations)).hex()
    except ValueError:
        return False
    return hmac.compare_digest(computed, digest)


def token_hash(value):
    return hashlib.sha256((value or '').encode('utf-8')).hexdigest()


def issuer_url(database_name):
    "The issuer of the tokens of the database"
    from trytond.url import http_host
    issuer = config.get('edu_sso', 'issuer', default=None)
    if issuer:
        return issuer.replace('{database}', database_name).rstrip('/')
    return f'{http_host()}/{database_name}/oidc'


def _hide(cls, result, names):
    """Blank the secret fields read by a user: only the server, without
    access checks, reads them (as res.user does its password hash)"""
    if not Transaction().check_access:
        return result
    cache = Transaction().get_cache().get(cls.__name__)
    for values in result:
        for name in names:
            if name in values:
                values[name] = None
            if cache and values['id'] in cache:
                cache[values['id']][name] = None
    return result


class Client(DeactivableMixin, ModelSQL, ModelView):
    "Single Sign-On Client Application"
    __name__ = 'edu.sso.client'
    __string__ = "Single Sign-On Client Application"

    name = fields.Char("Name", required=True)
    client_id = fields.Char("Client ID", required=True, readonly=True)
    secret_hash = fields.Char("Secret Hash", readonly=True)
    secret = fields.Function(fields.Char("Secret",
            help="Type a new secret to replace the current one; it is "
            "stored hashed and never shown again."),
        'get_secret', setter='set_secret')
    redirect_uris = fields.Text("Redirect URIs", required=True,
        help="The exact URIs the application may be sent back to, "
        "one per line.")
    scopes = fields.MultiSelection(SCOPES, "Allowed Scopes",
        help="The scopes the application may ask for.")
    sub_salt = fields.Char("Subject Salt", readonly=True)
    grants = fields.One2Many('edu.sso.grant', 'client', "Grants",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('client_id_unique', Unique(t, t.client_id),
                'edu_sso.msg_client_id_unique'),
            ]
        cls._buttons.update({
                'generate_secret': {},
                })

    @staticmethod
    def default_client_id():
        return secrets.token_urlsafe(16)

    @classmethod
    def new_sub_salt(cls):
        return secrets.token_hex(32)

    @staticmethod
    def default_scopes():
        return ['openid', 'profile']

    @classmethod
    def read(cls, ids, fields_names):
        return _hide(cls, super().read(ids, fields_names),
            ['secret_hash', 'sub_salt'])

    def get_secret(self, name):
        # like res.user's password: never read back
        return 'x' * 10 if self.secret_hash else None

    @classmethod
    def set_secret(cls, clients, name, value):
        if not value or value == 'x' * 10:
            return
        if len(value) < 16:
            raise ValidationError(gettext('edu_sso.msg_client_secret_short'))
        with without_check_access():
            cls.write(clients, {'secret_hash': hash_secret(value)})

    @classmethod
    @ModelView.button
    def generate_secret(cls, clients):
        """Give each client a new random secret and return {client: secret};
        the secret is also posted to the user as a notification once"""
        pool = Pool()
        Audit = pool.get('edu.audit.entry')
        secrets_ = {}
        for client in clients:
            secret = secrets.token_urlsafe(32)
            secrets_[client] = secret
            with without_check_access():
                cls.write([client], {'secret_hash': hash_secret(secret)})
        if clients:
            Audit.log_action('sso_client_secret', clients,
                description="New secret of the client application")
            if Transaction().user:
                cls._notify_secrets(secrets_)
        return secrets_

    @classmethod
    def _notify_secrets(cls, secrets_):
        pool = Pool()
        try:
            Notification = pool.get('res.notification')
        except KeyError:
            return
        with without_check_access():
            Notification.create([{
                        'user': Transaction().user,
                        'label': gettext('edu_sso.msg_client_secret_label',
                            client=c.name),
                        'description': s,
                        } for c, s in secrets_.items()])

    @classmethod
    def validate_fields(cls, clients, field_names):
        super().validate_fields(clients, field_names)
        if field_names & {'redirect_uris'} or not field_names:
            for client in clients:
                for uri in client.redirect_uri_list:
                    if not (uri.startswith('https://')
                            or uri.startswith('http://localhost')
                            or uri.startswith('http://127.0.0.1')):
                        raise ValidationError(gettext(
                                'edu_sso.msg_client_redirect_https',
                                uri=uri))

    @classmethod
    def copy(cls, clients, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('client_id', None)
        default.setdefault('secret_hash', None)
        default.setdefault('sub_salt', None)
        default.setdefault('grants', None)
        return super().copy(clients, default=default)

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if not values.get('client_id'):
                values['client_id'] = cls.default_client_id()
            values.pop('sub_salt', None)
        clients = super().create(vlist)
        # the salt of the subjects is read and written by nobody
        with without_check_access():
            for client in clients:
                cls.write([client], {'sub_salt': cls.new_sub_salt()})
        return clients

    @property
    def redirect_uri_list(self):
        return [u.strip() for u in (self.redirect_uris or '').splitlines()
            if u.strip()]

    @classmethod
    def get_by_client_id(cls, client_id):
        if not client_id:
            return None
        with without_check_access():
            clients = cls.search([('client_id', '=', client_id)], limit=1)
        return clients[0] if clients else None

    def check_secret(self, secret):
        return bool(self.secret_hash) and check_secret(
            secret, self.secret_hash)

    def subject(self, user):
        "The stable pseudonymous subject of the user for this client"
        digest = hmac.new(self.sub_salt.encode('ascii'),
            f'{user.id}'.encode('ascii'), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode('ascii').rstrip('=')

    def granted_scopes(self, asked):
        "The scopes asked that the client is allowed"
        allowed = set(self.scopes or []) | {'openid'}
        return [s for s in (asked or '').split() if s in allowed]


class SigningKey(ModelSQL, ModelView):
    "Single Sign-On Signing Key"
    __name__ = 'edu.sso.key'
    __string__ = "Single Sign-On Signing Key"
    _rec_name = 'kid'

    kid = fields.Char("Key ID", required=True, readonly=True)
    private_key = fields.Text("Private Key", readonly=True)
    public_jwk = fields.Text("Public Key (JWK)", readonly=True)
    signing = fields.Boolean("Signing", readonly=True,
        help="The key that signs the new tokens.")
    published = fields.Boolean("Published",
        help="Published in the JWKS, so that the tokens it signed can "
        "still be verified. Unpublish a retired key once its tokens have "
        "expired.")
    create_date_ = fields.Function(
        fields.Timestamp("Created"), 'get_create_date_')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._buttons.update({
                'rotate': {},
                })

    @classmethod
    def read(cls, ids, fields_names):
        return _hide(cls, super().read(ids, fields_names), ['private_key'])

    def get_create_date_(self, name):
        return self.create_date

    @classmethod
    def generate(cls):
        "Create a new RSA key that signs the new tokens"
        from joserfc.jwk import RSAKey
        kid = dt.datetime.now().strftime('%Y%m%d%H%M%S-') + \
            secrets.token_hex(4)
        key = RSAKey.generate_key(2048, parameters={
                'kid': kid, 'use': 'sig', 'alg': 'RS256'}, private=True)
        with without_check_access():
            cls.write(cls.search([('signing', '=', True)]), {
                    'signing': False})
            new, = cls.create([{
                        'kid': kid,
                        'private_key': key.as_pem(private=True).decode(
                            'ascii'),
                        'public_jwk': json.dumps(
                            key.as_dict(private=False), sort_keys=True),
                        'signing': True,
                        'published': True,
                        }])
        return new

    @classmethod
    @ModelView.button
    def rotate(cls, keys):
        cls.rotate_keys()

    @classmethod
    def rotate_keys(cls):
        """Sign the new tokens with a new key; the old ones stay published
        until unpublished"""
        pool = Pool()
        Audit = pool.get('edu.audit.entry')
        new = cls.generate()
        Audit.log_action('sso_key_rotation', [new],
            description="New signing key of the OpenID Connect provider")
        return new

    @classmethod
    def signing_key(cls):
        "Return the joserfc key that signs the tokens (made if none)"
        from joserfc.jwk import RSAKey
        with without_check_access():
            keys = cls.search([('signing', '=', True)], limit=1)
            key = keys[0] if keys else cls.generate()
            return RSAKey.import_key(key.private_key, parameters={
                    'kid': key.kid, 'use': 'sig', 'alg': 'RS256'})

    @classmethod
    def jwks(cls):
        "The published public keys as a JWK set"
        with without_check_access():
            keys = cls.search([('published', '=', True)])
        return {'keys': [json.loads(k.public_jwk) for k in keys]}

    @classmethod
    def key_set(cls):
        from joserfc.jwk import KeySet
        return KeySet.import_key_set(cls.jwks())

    @classmethod
    def sign(cls, header, claims):
        from joserfc import jwt
        key = cls.signing_key()
        return jwt.encode({'alg': 'RS256', 'kid': key.kid, **header},
            claims, key)


class Grant(ModelSQL, ModelView):
    """Single Sign-On Grant

    An authorization code given to a client application for a user, then
    the access token issued for it."""
    __name__ = 'edu.sso.grant'
    __string__ = "Single Sign-On Grant"

    client = fields.Many2One('edu.sso.client', "Client", required=True,
        readonly=True, ondelete='CASCADE')
    user = fields.Many2One('res.user', "User", required=True, readonly=True,
        ondelete='CASCADE')
    scope = fields.Char("Scope", readonly=True)
    redirect_uri = fields.Char("Redirect URI", readonly=True)
    code_hash = fields.Char("Code Hash", readonly=True)
    nonce = fields.Char("Nonce", readonly=True)
    code_challenge = fields.Char("Code Challenge", readonly=True)
    code_challenge_method = fields.Char("Code Challenge Method",
        readonly=True)
    expires = fields.Timestamp("Code Expires", readonly=True)
    state = fields.Selection([
            ('issued', "Code issued"),
            ('exchanged', "Token issued"),
            ('refused', "Refused"),
            ], "State", readonly=True)
    access_jti = fields.Char("Access Token ID", readonly=True)
    access_expires = fields.Timestamp("Access Expires", readonly=True)
    date = fields.Function(fields.Timestamp("Date"), 'get_date')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('id', 'DESC')]
        cls._sql_indexes.update({
                Index(t, (t.code_hash, Index.Equality())),
                Index(t, (t.access_jti, Index.Equality())),
                })

    def get_date(self, name):
        return self.create_date

    @staticmethod
    def code_lifetime():
        return dt.timedelta(seconds=config.getint(
                'edu_sso', 'code_lifetime', default=60))

    @staticmethod
    def token_lifetime():
        return config.getint('edu_sso', 'token_lifetime', default=600)

    @classmethod
    def authorize(cls, client, user, redirect_uri, scope, nonce=None,
            code_challenge=None, code_challenge_method=None):
        """Grant an authorization code to the client for the user; journal
        the grant and return the code"""
        pool = Pool()
        Audit = pool.get('edu.audit.entry')
        code = secrets.token_urlsafe(32)
        with without_check_access():
            grant, = cls.create([{
                        'client': client.id,
                        'user': user.id,
                        'scope': scope,
                        'redirect_uri': redirect_uri,
                        'code_hash': token_hash(code),
                        'nonce': nonce,
                        'code_challenge': code_challenge,
                        'code_challenge_method': code_challenge_method,
                        'expires': dt.datetime.now() + cls.code_lifetime(),
                        'state': 'issued',
                        }])
        with Transaction().set_user(user.id):
            Audit.log_action('sso_grant', [client],
                description=gettext('edu_sso.msg_grant_description',
                    client=client.name, user=user.login),
                details={'user': user.login, 'scope': scope,
                    'redirect_uri': redirect_uri})
        return code

    @classmethod
    def exchange(cls, client, code, redirect_uri, code_verifier, issuer):
        """Return the token response for the authorization code or raise
        OIDCError; a code is exchanged once and before it expires"""
        with without_check_access():
            grants = cls.search([
                    ('code_hash', '=', token_hash(code)),
                    ], limit=1) if code else []
        if not grants or grants[0].client != client:
            raise OIDCError('invalid_grant', "Unknown authorization code")
        grant = grants[0]
        if grant.state != 'issued':
            cls._refuse(grant, "The authorization code was used already")
        if grant.expires < dt.datetime.now():
            cls._refuse(grant, "The authorization code has expired")
        if grant.redirect_uri != redirect_uri:
            cls._refuse(grant, "The redirect URI does not match")
        if grant.code_challenge:
            if not code_verifier:
                cls._refuse(grant, "The PKCE code verifier is missing")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(
                    code_verifier.encode('ascii')).digest()).decode(
                'ascii').rstrip('=')
            if grant.code_challenge_method == 'plain':
                challenge = code_verifier
            if not hmac.compare_digest(challenge, grant.code_challenge):
                cls._refuse(grant, "The PKCE code verifier does not match")
        return grant._issue_tokens(issuer)

    @classmethod
    def _refuse(cls, grant, description):
        pool = Pool()
        Event = pool.get('edu.security.event')
        with without_check_access():
            cls.write([grant], {'state': 'refused'})
        Event.report('sso', 'warning', gettext(
                'edu_sso.msg_grant_refused', client=grant.client.name,
                reason=description),
            source='edu_sso', user=grant.user, record=grant)
        raise OIDCError('invalid_grant', description)

    def _issue_tokens(self, issuer):
        pool = Pool()
        Key = pool.get('edu.sso.key')
        now = int(time.time())
        lifetime = self.token_lifetime()
        jti = secrets.token_urlsafe(24)
        with without_check_access():
            self.__class__.write([self], {
                    'state': 'exchanged',
                    'access_jti': jti,
                    'access_expires': dt.datetime.now() + dt.timedelta(
                        seconds=lifetime),
                    })
        sub = self.client.subject(self.user)
        access_token = Key.sign({'typ': 'at+jwt'}, {
                'iss': issuer,
                'sub': sub,
                'aud': self.client.client_id,
                'client_id': self.client.client_id,
                'scope': self.scope,
                'jti': jti,
                'iat': now,
                'exp': now + lifetime,
                })
        claims = {
            'iss': issuer,
            'sub': sub,
            'aud': self.client.client_id,
            'iat': now,
            'exp': now + lifetime,
            'auth_time': int(self.create_date.timestamp()),
            'at_hash': _at_hash(access_token),
            }
        if self.nonce:
            claims['nonce'] = self.nonce
        claims.update(self.claims())
        id_token = Key.sign({}, claims)
        return {
            'access_token': access_token,
            'token_type': 'Bearer',
            'expires_in': lifetime,
            'id_token': id_token,
            'scope': self.scope,
            }

    def claims(self):
        "The claims of the user that the scopes of the grant give"
        with without_check_access():
            return user_claims(self.client, self.user,
                (self.scope or '').split())

    @classmethod
    def from_access_token(cls, token, issuer):
        """Return the grant of a valid access token, or None"""
        from joserfc import jwt
        from joserfc.errors import JoseError
        pool = Pool()
        Key = pool.get('edu.sso.key')
        try:
            decoded = jwt.decode(token, Key.key_set(), algorithms=['RS256'])
            if decoded.header.get('typ') != 'at+jwt':
                return None
            jwt.JWTClaimsRegistry(
                iss={'essential': True, 'value': issuer},
                exp={'essential': True},
                jti={'essential': True},
                ).validate(decoded.claims)
        except (JoseError, ValueError):
            return None
        with without_check_access():
            grants = cls.search([
                    ('access_jti', '=', decoded.claims['jti']),
                    ('state', '=', 'exchanged'),
                    ], limit=1)
        if not grants or grants[0].access_expires < dt.datetime.now():
            return None
        grant = grants[0]
        if not (grant.client.active and grant.user.active):
            return None
        return grant


def _at_hash(access_token):
    digest = hashlib.sha256(access_token.encode('ascii')).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode('ascii').rstrip('=')


def user_claims(client, user, scopes):
    """The claims of ``user`` given to ``client`` for ``scopes``: the
    organisation BIN and roles, the name and locale, the IIN only with the
    ``iin`` scope when the client is allowed it"""
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    allowed = set(client.granted_scopes(' '.join(scopes)))
    claims = {}
    if 'profile' in allowed:
        claims['name'] = user.name
        claims['locale'] = user.language.code if user.language else None
    if 'email' in allowed and user.email:
        claims['email'] = user.email
    if 'roles' in allowed:
        now = dt.datetime.now()
        role_ids = {r.role.id for r in getattr(user, 'roles', [])
            if r.valid(now)}
        data = ModelData.search([
                ('module', '=', 'edu_base'),
                ('model', '=', 'res.role'),
                ('db_id', 'in', list(role_ids)),
                ]) if role_ids else []
        claims['roles'] = sorted(d.fs_id[len('role_'):] for d in data
            if d.fs_id.startswith('role_'))
        company = user.company
        claims['organisation_bin'] = (
            getattr(company, 'bin', None) if company else None)
    if 'iin' in allowed and user.person and user.person.iin:
        claims['iin'] = user.person.iin
    return claims
