# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""External identity providers of single sign-on (R9).

A provider is a SAML 2.0 identity provider (served by Tryton's
``authentication_saml``: its metadata and its identity name come from the
``[authentication_saml]`` sections of the configuration) or an OpenID
Connect provider for which Bilim is a client.  Either way the identity of
the assertion or of the ID token is matched to the Bilim account by the
**IIN** it carries: attribute or claim → person (``party.party.iin``) →
account linked to the person (``res.user.person``).  An unknown, inactive
or ambiguous IIN is refused, recorded as a failed login and reported as a
security event.

The client secret of an OpenID Connect provider is never stored in the
database: it is read from the configuration (``[edu_sso <code>]
client_secret``) or from the environment (``BILIM_SSO_<CODE>_SECRET``).
"""
import datetime as dt
import hashlib
import json
import os
import re
import time
import types
import urllib.parse
import urllib.request

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.model.exceptions import ValidationError
from trytond.modules.edu_base import kz_id
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import SSOLoginError

KINDS = [
    ('saml', "SAML 2.0"),
    ('oidc', "OpenID Connect"),
    ]
_OIDC = Eval('kind') == 'oidc'
# the discovery documents and key sets read, by URL: (expiry, value)
_HTTP_CACHE = {}
HTTP_TIMEOUT = 10


def fetch_json(url, data=None, headers=None, cache=0):
    """Return the JSON document at url (POST data when given); keep it for
    ``cache`` seconds"""
    now = time.monotonic()
    if cache and data is None and url in _HTTP_CACHE:
        expiry, value = _HTTP_CACHE[url]
        if expiry > now:
            return value
    if data is not None:
        data = urllib.parse.urlencode(data).encode('ascii')
    request = urllib.request.Request(url, data=data, headers={
            'Accept': 'application/json',
            **(headers or {}),
            })
    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
        value = json.loads(response.read().decode('utf-8'))
    if cache and data is None:
        _HTTP_CACHE[url] = (now + cache, value)
    return value


def mask_iin(iin):
    "Return the IIN with its birth date and serial hidden"
    iin = iin or ''
    return '*' * max(len(iin) - 4, 0) + iin[-4:]


class Provider(DeactivableMixin, ModelSQL, ModelView):
    "Single Sign-On Provider"
    __name__ = 'edu.sso.provider'
    __string__ = "Single Sign-On Provider"

    name = fields.Char("Name", required=True,
        help="The name shown on the login page.")
    code = fields.Char("Code", required=True,
        help="The key of the provider in the URLs: for SAML the identity "
        "of the [authentication_saml] section of the configuration.")
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False)
    claim = fields.Char("IIN Attribute", required=True,
        help="The SAML attribute or the OpenID Connect claim that carries "
        "the IIN of the person.")
    issuer = fields.Char("Issuer",
        states={'invisible': ~_OIDC, 'required': _OIDC},
        help="The issuer URL of the OpenID Connect provider.")
    client_id = fields.Char("Client ID",
        states={'invisible': ~_OIDC, 'required': _OIDC})
    discovery = fields.Boolean("Discovery",
        states={'invisible': ~_OIDC},
        help="Read the endpoints from the issuer's "
        "/.well-known/openid-configuration.")
    authorization_endpoint = fields.Char("Authorization Endpoint",
        states={'invisible': ~_OIDC | Eval('discovery', False)})
    token_endpoint = fields.Char("Token Endpoint",
        states={'invisible': ~_OIDC | Eval('discovery', False)})
    jwks_uri = fields.Char("JWKS URI",
        states={'invisible': ~_OIDC | Eval('discovery', False)})
    userinfo_endpoint = fields.Char("Userinfo Endpoint",
        states={'invisible': ~_OIDC | Eval('discovery', False)})
    scope = fields.Char("Scope", states={'invisible': ~_OIDC},
        help="The scopes asked, separated by spaces.")
    secret_configured = fields.Function(fields.Boolean(
            "Secret Configured", states={'invisible': ~_OIDC},
            help="The client secret is found in the configuration or in "
            "the environment."), 'get_secret_configured')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.kind, t.code),
                'edu_sso.msg_provider_code_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.code, Index.Equality())))

    @staticmethod
    def default_kind():
        return 'oidc'

    @staticmethod
    def default_claim():
        return 'iin'

    @staticmethod
    def default_discovery():
        return True

    @staticmethod
    def default_scope():
        return 'openid'

    @classmethod
    def validate_fields(cls, providers, field_names):
        super().validate_fields(providers, field_names)
        for provider in providers:
            if not re.fullmatch(r'[A-Za-z0-9_-]+', provider.code or ''):
                raise ValidationError(gettext(
                        'edu_sso.msg_provider_code_invalid',
                        code=provider.code))

    @property
    def secret_env(self):
        return 'BILIM_SSO_%s_SECRET' % re.sub(
            r'[^A-Z0-9]', '_', self.code.upper())

    @property
    def client_secret(self):
        "The client secret, from the configuration or the environment"
        return (config.get(f'edu_sso {self.code}', 'client_secret',
                default=None)
            or os.environ.get(self.secret_env))

    def get_secret_configured(self, name):
        return self.kind == 'oidc' and bool(self.client_secret)

    def get_metadata(self):
        "Return the endpoints of the OpenID Connect provider"
        if self.discovery:
            url = self.issuer.rstrip('/') + '/.well-known/openid-configuration'
            metadata = fetch_json(url, cache=3600)
            if metadata.get('issuer') != self.issuer:
                raise SSOLoginError(gettext(
                        'edu_sso.msg_provider_issuer_mismatch',
                        issuer=metadata.get('issuer')))
            return metadata
        return {
            'issuer': self.issuer,
            'authorization_endpoint': self.authorization_endpoint,
            'token_endpoint': self.token_endpoint,
            'jwks_uri': self.jwks_uri,
            'userinfo_endpoint': self.userinfo_endpoint,
            }

    @classmethod
    def get_by_code(cls, kind, code):
        with without_check_access():
            providers = cls.search([
                    ('kind', '=', kind),
                    ('code', '=', code),
                    ], limit=1)
        return providers[0] if providers else None

    @classmethod
    def identify(cls, iin, source):
        """Return the active account of the person with IIN ``iin``.

        Raise SSOLoginError (with a reason of the failed-login register)
        when the IIN is missing or unknown, the person or the account
        inactive, or when more than one account or person answers.
        """
        pool = Pool()
        Party = pool.get('party.party')
        User = pool.get('res.user')
        iin = kz_id.compact(iin if isinstance(iin, str) else '')
        error = None
        if not iin:
            error = SSOLoginError(
                gettext('edu_sso.msg_sso_no_iin', source=source),
                reason='unknown_login')
        else:
            with without_check_access(), \
                    Transaction().set_context(active_test=False):
                persons = Party.search([
                        ('iin', '=', iin),
                        ('is_person', '=', True),
                        ])
                users = User.search([
                        ('person', 'in', [p.id for p in persons]),
                        ]) if persons else []
            active = [u for u in users
                if u.active and u.person and u.person.active]
            if not users:
                error = SSOLoginError(
                    gettext('edu_sso.msg_sso_unknown_iin',
                        source=source, iin=mask_iin(iin)),
                    reason='unknown_login')
            elif len(active) > 1:
                error = SSOLoginError(
                    gettext('edu_sso.msg_sso_ambiguous_iin',
                        source=source, iin=mask_iin(iin), count=len(active)),
                    reason='failed', users=active)
            elif not active:
                error = SSOLoginError(
                    gettext('edu_sso.msg_sso_inactive',
                        source=source, iin=mask_iin(iin)),
                    reason='inactive', users=users)
            else:
                return active[0]
        error.login = f'{source}:{mask_iin(iin)}'
        raise error

    @classmethod
    def refuse(cls, error):
        """Record the refused single sign-on in the failed-login register
        and in the security register"""
        pool = Pool()
        Failure = pool.get('edu.login.failure')
        Event = pool.get('edu.security.event')
        login = getattr(error, 'login', None) or 'sso'
        Failure.record(login, getattr(error, 'reason', None) or 'failed')
        ip_address, _ = Transaction().remote_address()
        users = getattr(error, 'users', None) or []
        Event.report('sso', 'warning', error.message,
            source='edu_sso', user=users[0] if len(users) == 1 else None,
            login=login, ip_address=str(ip_address) if ip_address else None)


class OIDCRequest(ModelSQL):
    """OpenID Connect Login Request

    The state, nonce and PKCE verifier of a login sent to an OpenID Connect
    provider, kept until the provider calls back (once) or they expire."""
    __name__ = 'edu.sso.oidc.request'
    __string__ = "OpenID Connect Login Request"

    provider = fields.Many2One(
        'edu.sso.provider', "Provider", required=True, ondelete='CASCADE')
    state_hash = fields.Char("State Hash", required=True)
    nonce = fields.Char("Nonce", required=True)
    code_verifier = fields.Char("Code Verifier", required=True)
    redirect_url = fields.Char("Redirect URL")
    expires = fields.Timestamp("Expires", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.state_hash, Index.Equality())))

    @staticmethod
    def hash(value):
        return hashlib.sha256(value.encode('utf-8')).hexdigest()

    @classmethod
    def lifetime(cls):
        return dt.timedelta(seconds=config.getint(
                'edu_sso', 'login_lifetime', default=600))

    @classmethod
    def pop(cls, provider, state):
        """Return the pending request of the state and delete it (a state
        is used once), or None when it is unknown or expired"""
        if not state:
            return None
        with without_check_access():
            requests = cls.search([
                    ('provider', '=', provider.id),
                    ('state_hash', '=', cls.hash(state)),
                    ], limit=1)
            now = dt.datetime.now()
            expired = cls.search([('expires', '<', now)])
            found = None
            if requests and requests[0].expires >= now:
                request = requests[0]
                found = types.SimpleNamespace(
                    nonce=request.nonce,
                    code_verifier=request.code_verifier,
                    redirect_url=request.redirect_url)
            cls.delete(list(set(requests) | set(expired)))
        return found


class SAMLAssertion(ModelSQL):
    """SAML Assertion Consumed

    The identifiers of the SAML assertions that opened a session, kept
    until they expire: ``authentication_saml`` accepts unsolicited
    responses (it disables pysaml2's cache), so a captured response could
    otherwise be posted again while it is valid."""
    __name__ = 'edu.sso.saml.assertion'
    __string__ = "SAML Assertion Consumed"

    assertion_hash = fields.Char("Assertion Hash", required=True)
    expires = fields.Timestamp("Expires", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('assertion_hash_unique', Unique(t, t.assertion_hash),
                'edu_sso.msg_sso_saml_replay_unique'),
            ]

    @classmethod
    def consume(cls, identity, assertion_id, not_on_or_after):
        """Record the assertion as used; return False when it was already"""
        now = dt.datetime.now()
        key = hashlib.sha256(
            f'{identity}:{assertion_id}'.encode('utf-8')).hexdigest()
        # keep it at least for the validity window and the clock skew
        expires = now + dt.timedelta(hours=1)
        if not_on_or_after:
            expires = max(expires,
                dt.datetime.fromtimestamp(not_on_or_after) + dt.timedelta(
                    minutes=10))
        with without_check_access():
            cls.delete(cls.search([('expires', '<', now)]))
            if cls.search([('assertion_hash', '=', key)], limit=1):
                return False
            cls.create([{'assertion_hash': key, 'expires': expires}])
        return True
