# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""HTTP routes of single sign-on (R9, R33-1.13).

SAML 2.0
    ``authentication_saml`` serves ``/<db>/authentication/saml/<identity>/
    login`` and ``metadata``; its assertion consumer service (``acs``) looks
    the attribute up as a *login* and refuses silently.  When ``edu_sso`` is
    activated in the database, its own consumer service answers at the same
    URL instead: the attribute (``edu.sso.provider.claim``, by default
    ``iin``) is matched to the account by IIN, and a refusal is explained
    (kk/ru/en, from the browser's language) and recorded.

OpenID Connect client
    ``/<db>/authentication/oidc/<code>/login`` and ``.../callback``:
    authorization-code flow with state, nonce and PKCE (S256); the ID token
    is verified with joserfc against the provider's JWKS (signature, iss,
    aud, exp, nonce); the IIN claim gives the account.

OpenID Connect provider (Bilim for digital resources)
    ``/<db>/oidc/.well-known/openid-configuration``, ``authorize``,
    ``token``, ``userinfo`` and ``jwks``.  ``authorize`` knows the user by
    the Tryton session (the ``tryton_session`` cookie set by a single
    sign-on, or an ``Authorization: Session`` header); otherwise it shows a
    login form that checks the login with ``res.user.get_login`` — the
    password and the second factor (edu_mfa) as for the Tryton client.

Every login, successful or not, as in Tryton: the session key is returned
the way ``authentication_saml`` does (cookie, or ``session`` parameter for
the desktop client at ``http://localhost:``).
"""
import base64
import hashlib
import html
import json
import logging
import secrets
import urllib.error
import urllib.parse
from http import HTTPStatus

import trytond.config as config
from trytond.i18n import gettext
from trytond.modules.authentication_saml import routes as saml
from trytond.protocols.dispatcher import register_authentication_service
from trytond.protocols.wrappers import (
    Response, abort, add_auth_cookies, allow_null_origin, redirect,
    set_max_request_size, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.url import http_host
from trytond.wsgi import app

from .client import issuer_url
from .exceptions import OIDCError, SSOLoginError

logger = logging.getLogger(__name__)
LANGUAGES = ['kk', 'ru', 'en']
ID_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256']
# the token endpoint authenticates the client application, not a Tryton
# user: keep trytond from trying the client's Basic credentials as a login
TOKEN_MAX_SIZE = 64 * 1024


def _active(pool):
    "Whether edu_sso is activated in the database of the pool"
    try:
        pool.get('edu.sso.provider')
    except KeyError:
        return False
    return True


def _language(request):
    return (request.accept_languages.best_match(LANGUAGES)
        or config.get('database', 'language', default='en'))


def _page(title, body, status=HTTPStatus.OK, language='en'):
    content = (
        '<!DOCTYPE html>\n'
        f'<html lang="{html.escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, '
        'initial-scale=1">'
        f'<title>{html.escape(title)}</title></head>'
        f'<body><h1>{html.escape(title)}</h1>{body}</body></html>')
    return Response(content, status=status, headers={
            'Content-Type': 'text/html; charset=utf-8',
            'Cache-Control': 'no-store',
            'X-Frame-Options': 'DENY',
            })


def _json(value, status=HTTPStatus.OK, headers=None):
    return Response(json.dumps(value, ensure_ascii=False), status=status,
        headers={
            'Content-Type': 'application/json',
            'Cache-Control': 'no-store',
            'Pragma': 'no-cache',
            **(headers or {}),
            })


def _safe_redirect(request, url):
    "Return url when it leads back to this server or to the Tryton client"
    if url and (url.startswith(request.url_root)
            or url.startswith('http://localhost:')):
        return url
    return http_host()


def _refused(request, pool, error, language):
    "Record the refusal and explain it"
    Provider = pool.get('edu.sso.provider')
    Provider.refuse(error)
    return _page(gettext('edu_sso.msg_sso_refused_title'),
        f'<p>{html.escape(error.message)}</p>',
        status=HTTPStatus.FORBIDDEN, language=language)


def login_response(request, pool, user, login_service, redirect_url):
    """Open a Tryton session for user and send the browser back, as
    authentication_saml does"""
    Session = pool.get('ir.session')
    database = pool.database_name
    with Transaction().set_user(user.id):
        session = Session.new()
    allow_subscribe = config.getboolean(
        'bus', 'allow_subscribe', default=False)
    bus_url_host = config.get('bus', 'url_host', default=request.host_url)
    redirect_url = _safe_redirect(request, redirect_url)
    parts = urllib.parse.urlsplit(redirect_url)
    query = urllib.parse.parse_qsl(parts.query)
    if 'login_service' not in dict(query):
        query.append(('login_service', login_service))
    query.append(('database', database))
    query.append(('login', user.login))
    query.append(('user_id', user.id))
    tryton_client = redirect_url.startswith('http://localhost:')
    if tryton_client:
        query.append(('session', session))
    query.append(('bus_url_host', bus_url_host if allow_subscribe else ''))
    parts = list(parts)
    parts[3] = urllib.parse.urlencode(query)
    response = redirect(urllib.parse.urlunsplit(parts))
    if not tryton_client:
        add_auth_cookies(response, database, user.login, str(user.id), session)
    return response


# --- SAML 2.0 ------------------------------------------------------------

def saml_iin_attribute(provider, identity):
    if provider:
        return provider.claim
    return config.get(
        f'authentication_saml {identity}', 'iin_attribute', default='iin')


# the consumer service of authentication_saml, inside its pool and
# transaction: log(check_identity(acs))
_saml_acs = saml.acs.__wrapped__.__wrapped__


@allow_null_origin
@with_pool
@with_transaction()
@saml.log
@saml.check_identity
def saml_acs(request, pool, identity):
    "The SAML assertion consumer service that matches the IIN (R9)"
    import saml2.entity
    if not _active(pool):
        return _saml_acs(request, pool, identity)
    Provider = pool.get('edu.sso.provider')
    language = _language(request)
    source = f'saml:{identity}'
    with Transaction().set_context(language=language, active_test=False):
        provider = Provider.get_by_code('saml', identity)
    with Transaction().set_context(language=language):
        try:
            if provider and not provider.active:
                raise SSOLoginError(gettext(
                        'edu_sso.msg_sso_provider_inactive', source=source))
            client = saml.get_client(pool.database_name, identity)
            try:
                authn_response = client.parse_authn_request_response(
                    request.form.get('SAMLResponse', ''),
                    saml2.entity.BINDING_HTTP_POST)
            except Exception as exception:
                logger.info("invalid SAML response", exc_info=True)
                raise SSOLoginError(gettext(
                        'edu_sso.msg_sso_saml_invalid', source=source,
                        detail=exception.__class__.__name__))
            if authn_response is None:
                raise SSOLoginError(gettext(
                        'edu_sso.msg_sso_saml_invalid', source=source,
                        detail='None'))
            assertion = authn_response.assertion
            if not pool.get('edu.sso.saml.assertion').consume(
                    identity, assertion.id if assertion else
                    authn_response.response.id,
                    authn_response.not_on_or_after):
                raise SSOLoginError(gettext(
                        'edu_sso.msg_sso_saml_replay', source=source))
            attributes = authn_response.get_identity()
            values = set(
                attributes.get(saml_iin_attribute(provider, identity)) or [])
            if len(values) > 1:
                raise SSOLoginError(gettext(
                        'edu_sso.msg_sso_ambiguous_iin', source=source,
                        iin='*', count=len(values)))
            user = Provider.identify(
                values.pop() if values else None, source)
        except SSOLoginError as error:
            if not error.login:
                error.login = source
            return _refused(request, pool, error, language)
    return login_response(request, pool, user,
        f'/authentication/saml/{identity}/login',
        request.form.get('RelayState'))


def _replace_endpoint(original, new):
    "Answer the URL rule of ``original`` with ``new``"
    replaced = False
    by_endpoint = getattr(app.url_map, '_rules_by_endpoint', {})
    for rule in list(app.url_map.iter_rules()):
        if rule.endpoint is original:
            rule.endpoint = new
            # werkzeug also indexes the rules by endpoint
            if rule in by_endpoint.get(original, []):
                by_endpoint[original].remove(rule)
            by_endpoint.setdefault(new, []).append(rule)
            replaced = True
    if not replaced:
        app.route('/<database_name>/authentication/saml/<identity>/acs',
            methods={'POST'})(new)


_replace_endpoint(saml.acs, saml_acs)


# --- OpenID Connect client ------------------------------------------------

# the login buttons of the Tryton clients, as authentication_saml does:
# [authentication_oidc] <code> = <name shown>
if config.has_section('authentication_oidc'):
    for _code in config.options('authentication_oidc'):
        register_authentication_service(
            config.get('authentication_oidc', _code),
            f'/authentication/oidc/{_code}/login')

def _b64url(data):
    return base64.urlsafe_b64encode(data).decode('ascii').rstrip('=')


def oidc_callback_url(database, code):
    return http_host() + urllib.parse.quote(
        f'/{database}/authentication/oidc/{code}/callback')


def _provider(pool, code):
    if not _active(pool):
        abort(HTTPStatus.NOT_FOUND)
    Provider = pool.get('edu.sso.provider')
    provider = Provider.get_by_code('oidc', code)
    if not provider:
        abort(HTTPStatus.NOT_FOUND)
    return provider


@app.route('/<database_name>/authentication/oidc/<code>/login',
    methods={'GET'})
@with_pool
@with_transaction(readonly=False)
def oidc_login(request, pool, code):
    "Send the browser to the OpenID Connect provider (R9)"
    OIDCRequest = pool.get('edu.sso.oidc.request')
    provider = _provider(pool, code)
    language = _language(request)
    with Transaction().set_context(language=language):
        try:
            metadata = provider.get_metadata()
        except (urllib.error.URLError, ValueError, SSOLoginError) as exception:
            error = SSOLoginError(gettext('edu_sso.msg_sso_oidc_invalid',
                    source=f'oidc:{code}', detail=str(exception)))
            error.login = f'oidc:{code}'
            return _refused(request, pool, error, language)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(48)
    OIDCRequest.create([{
                'provider': provider.id,
                'state_hash': OIDCRequest.hash(state),
                'nonce': nonce,
                'code_verifier': verifier,
                'redirect_url': _safe_redirect(
                    request, request.args.get('next', '')),
                'expires': OIDCRequest.lifetime() + _now(),
                }])
    params = {
        'response_type': 'code',
        'client_id': provider.client_id,
        'redirect_uri': oidc_callback_url(pool.database_name, code),
        'scope': ' '.join(
            ['openid'] + [s for s in (provider.scope or '').split()
                if s != 'openid']),
        'state': state,
        'nonce': nonce,
        'code_challenge': _b64url(
            hashlib.sha256(verifier.encode('ascii')).digest()),
        'code_challenge_method': 'S256',
        }
    endpoint = metadata['authorization_endpoint']
    url = endpoint + ('&' if '?' in endpoint else '?') + \
        urllib.parse.urlencode(params)
    response = redirect(url, HTTPStatus.FOUND)
    response.headers['Cache-Control'] = 'no-cache, no-store'
    response.headers['Pragma'] = 'no-cache'
    return response


def _now():
    import datetime as dt
    return dt.datetime.now()


def verify_id_token(provider, metadata, id_token, nonce):
    """Return the claims of the ID token once its signature (the provider's
    JWKS), issuer, audience, expiry and nonce are checked"""
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    from .provider import fetch_json

    def decode(cache):
        key_set = KeySet.import_key_set(
            fetch_json(metadata['jwks_uri'], cache=cache))
        return jwt.decode(id_token, key_set, algorithms=ID_TOKEN_ALGORITHMS)
    try:
        token = decode(300)
    except (JoseError, ValueError):
        # the provider may have rotated its keys
        token = decode(0)
    claims = token.claims
    jwt.JWTClaimsRegistry(
        iss={'essential': True, 'value': metadata.get('issuer')
            or provider.issuer},
        aud={'essential': True, 'value': provider.client_id},
        exp={'essential': True},
        sub={'essential': True},
        nonce={'essential': True, 'value': nonce},
        ).validate(claims)
    audience = claims['aud']
    if isinstance(audience, list) and len(audience) > 1:
        if claims.get('azp') != provider.client_id:
            raise ValueError("azp")
    return claims


@app.route('/<database_name>/authentication/oidc/<code>/callback',
    methods={'GET'})
@with_pool
@with_transaction(readonly=False)
def oidc_callback(request, pool, code):
    "Receive the authorization code, check the ID token, log the user in"
    from joserfc.errors import JoseError

    from .provider import fetch_json
    OIDCRequest = pool.get('edu.sso.oidc.request')
    Provider = pool.get('edu.sso.provider')
    provider = _provider(pool, code)
    language = _language(request)
    source = f'oidc:{code}'
    with Transaction().set_context(language=language):
        try:
            pending = OIDCRequest.pop(provider, request.args.get('state'))
            if pending is None:
                raise SSOLoginError(gettext(
                        'edu_sso.msg_sso_oidc_state', source=source))
            if request.args.get('error'):
                raise SSOLoginError(gettext(
                        'edu_sso.msg_sso_oidc_invalid', source=source,
                        detail=request.args.get('error')))
            try:
                metadata = provider.get_metadata()
                secret = provider.client_secret or ''
                basic = base64.b64encode(':'.join([
                            urllib.parse.quote(provider.client_id, safe=''),
                            urllib.parse.quote(secret, safe=''),
                            ]).encode('utf-8')).decode('ascii')
                tokens = fetch_json(metadata['token_endpoint'], data={
                        'grant_type': 'authorization_code',
                        'code': request.args.get('code', ''),
                        'redirect_uri': oidc_callback_url(
                            pool.database_name, code),
                        'code_verifier': pending.code_verifier,
                        }, headers={'Authorization': f'Basic {basic}'})
                claims = verify_id_token(
                    provider, metadata, tokens['id_token'], pending.nonce)
                value = claims.get(provider.claim)
                if (value is None and metadata.get('userinfo_endpoint')
                        and tokens.get('access_token')):
                    info = fetch_json(metadata['userinfo_endpoint'], headers={
                            'Authorization': (
                                'Bearer ' + tokens['access_token']),
                            })
                    if info.get('sub') == claims['sub']:
                        value = info.get(provider.claim)
            except (urllib.error.URLError, JoseError, KeyError, ValueError,
                    TypeError) as exception:
                logger.info("OpenID Connect login refused", exc_info=True)
                raise SSOLoginError(gettext(
                        'edu_sso.msg_sso_oidc_invalid', source=source,
                        detail=f'{exception.__class__.__name__}: '
                        f'{exception}'[:200]))
            user = Provider.identify(value, source)
        except SSOLoginError as error:
            if not error.login:
                error.login = source
            return _refused(request, pool, error, language)
    return login_response(request, pool, user,
        f'/authentication/oidc/{code}/login', pending.redirect_url)


# --- OpenID Connect provider ---------------------------------------------

OIDC = '/<database_name>/oidc'


def _provider_active(pool):
    if not _active(pool):
        abort(HTTPStatus.NOT_FOUND)


@app.route(OIDC + '/.well-known/openid-configuration', methods={'GET'})
@with_pool
@with_transaction()
def oidc_discovery(request, pool):
    "The discovery document of Bilim as OpenID Connect provider"
    from .client import SCOPE_CLAIMS, SCOPES
    _provider_active(pool)
    issuer = issuer_url(pool.database_name)
    return _json({
            'issuer': issuer,
            'authorization_endpoint': issuer + '/authorize',
            'token_endpoint': issuer + '/token',
            'userinfo_endpoint': issuer + '/userinfo',
            'jwks_uri': issuer + '/jwks',
            'response_types_supported': ['code'],
            'grant_types_supported': ['authorization_code'],
            'subject_types_supported': ['pairwise'],
            'id_token_signing_alg_values_supported': ['RS256'],
            'token_endpoint_auth_methods_supported': [
                'client_secret_basic', 'client_secret_post'],
            'code_challenge_methods_supported': ['S256'],
            'scopes_supported': [s for s, _ in SCOPES],
            'claims_supported': ['sub', 'iss', 'aud', 'exp', 'iat',
                'auth_time', 'nonce'] + sorted(
                {c for v in SCOPE_CLAIMS.values() for c in v}),
            }, headers={'Cache-Control': 'max-age=3600'})


@app.route(OIDC + '/jwks', methods={'GET'})
@with_pool
@with_transaction()
def oidc_jwks(request, pool):
    "The published public keys"
    _provider_active(pool)
    Key = pool.get('edu.sso.key')
    return _json(Key.jwks(), headers={'Cache-Control': 'max-age=300'})


AUTHORIZE_PARAMETERS = ['client_id', 'redirect_uri', 'response_type',
    'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method']


@app.route(OIDC + '/authorize', methods={'GET', 'POST'})
@allow_null_origin
@with_pool
def oidc_authorize(request, pool):
    """Give an authorization code to a registered client application for
    the user of the Tryton session or of the login form (R33-1.13)"""
    _provider_active(pool)
    # checked before the transaction, as trytond does for its own routes
    session_user = request.user_id if request.session else None
    return _authorize(request, pool, session_user)


@with_transaction(readonly=False)
def _authorize(request, pool, session_user):
    Client = pool.get('edu.sso.client')
    Grant = pool.get('edu.sso.grant')
    User = pool.get('res.user')
    language = _language(request)
    params = request.values
    with Transaction().set_context(language=language):
        client = Client.get_by_client_id(params.get('client_id'))
        redirect_uri = params.get('redirect_uri', '')
        if client is None or not client.active:
            return _page(gettext('edu_sso.msg_authorize_title'),
                '<p>%s</p>' % html.escape(gettext(
                        'edu_sso.msg_authorize_unknown_client')),
                status=HTTPStatus.BAD_REQUEST, language=language)
        if redirect_uri not in client.redirect_uri_list:
            return _page(gettext('edu_sso.msg_authorize_title'),
                '<p>%s</p>' % html.escape(gettext(
                        'edu_sso.msg_authorize_redirect_uri')),
                status=HTTPStatus.BAD_REQUEST, language=language)
        state = params.get('state')

        def error(code, description):
            query = {'error': code, 'error_description': description}
            if state:
                query['state'] = state
            return redirect(redirect_uri
                + ('&' if '?' in redirect_uri else '?')
                + urllib.parse.urlencode(query), HTTPStatus.FOUND)

        if params.get('response_type') != 'code':
            return error('unsupported_response_type',
                "Only the authorization code flow is supported")
        if 'openid' not in params.get('scope', '').split():
            return error('invalid_scope', "The openid scope is required")
        challenge = params.get('code_challenge') or None
        method = params.get('code_challenge_method') or None
        if challenge and method != 'S256' or method and not challenge:
            return error('invalid_request',
                "PKCE needs a code_challenge with the S256 method")

        user_id, message, extra = session_user, None, None
        if not user_id and request.method == 'POST' and request.form.get(
                'login'):
            user_id, message, extra = _form_login(pool, request)
        if not user_id:
            return _login_form(request, message, extra, language)
        user = User(user_id)
        code = Grant.authorize(client, user, redirect_uri,
            ' '.join(client.granted_scopes(params.get('scope'))),
            nonce=params.get('nonce') or None,
            code_challenge=challenge, code_challenge_method=method)
    query = {'code': code}
    if state:
        query['state'] = state
    response = redirect(redirect_uri + ('&' if '?' in redirect_uri else '?')
        + urllib.parse.urlencode(query), HTTPStatus.FOUND)
    response.headers['Cache-Control'] = 'no-store'
    return response


def _form_login(pool, request):
    """Check the login of the form as the Tryton client does; return the
    user id or None, a message, and the extra field the server asks
    (the second factor)"""
    from trytond.exceptions import LoginException, RateLimitException
    User = pool.get('res.user')
    parameters = {k: v for k, v in request.form.items()
        if k not in AUTHORIZE_PARAMETERS and k != 'login' and v}
    login = request.form.get('login')
    try:
        user_id = User.get_login(login, parameters)
    except LoginException as exception:
        return None, exception.message, (exception.name, exception.type)
    except RateLimitException:
        return None, gettext('edu_sso.msg_form_rate_limit'), None
    if not user_id:
        return None, gettext('edu_sso.msg_form_failed'), None
    return user_id, None, None


def _login_form(request, message, extra, language):
    params = request.values
    hidden = ''.join(
        f'<input type="hidden" name="{name}" '
        f'value="{html.escape(params.get(name, ""))}">'
        for name in AUTHORIZE_PARAMETERS if params.get(name))
    login = html.escape(request.form.get('login', ''))
    fields = (
        f'<p><label>{html.escape(gettext("edu_sso.msg_form_login"))}<br>'
        f'<input name="login" value="{login}" autocomplete="username" '
        'required></label></p>')
    if extra:
        # the password is kept while the second factor is asked
        password = html.escape(request.form.get('password', ''))
        fields += f'<input type="hidden" name="password" value="{password}">'
        name, type_ = extra
        fields += (
            f'<p><label>{html.escape(message or name)}<br>'
            f'<input name="{html.escape(name)}" '
            f'type="{"password" if type_ == "password" else "text"}" '
            'autocomplete="one-time-code" required></label></p>')
        message = None
    else:
        fields += (
            '<p><label>%s<br><input name="password" type="password" '
            'autocomplete="current-password" required></label></p>'
            % html.escape(gettext('edu_sso.msg_form_password')))
    body = ''
    if message:
        body += f'<p role="alert">{html.escape(message)}</p>'
    body += (f'<form method="post" action="{html.escape(request.base_url)}">'
        f'{hidden}{fields}<p><button type="submit">'
        f'{html.escape(gettext("edu_sso.msg_form_submit"))}</button></p>'
        '</form>')
    return _page(gettext('edu_sso.msg_authorize_title'), body,
        status=HTTPStatus.UNAUTHORIZED if message else HTTPStatus.OK,
        language=language)


def _client_credentials(request):
    header = request.headers.get('Authorization', '')
    if header[:6].lower() == 'basic ':
        try:
            decoded = base64.b64decode(header[6:].strip()).decode('utf-8')
            client_id, secret = decoded.split(':', 1)
        except (ValueError, UnicodeDecodeError):
            return None, None
        return (urllib.parse.unquote(client_id),
            urllib.parse.unquote(secret))
    return request.form.get('client_id'), request.form.get('client_secret')


@app.route(OIDC + '/token', methods={'POST'})
@set_max_request_size(TOKEN_MAX_SIZE)
@allow_null_origin
@with_pool
@with_transaction()
def oidc_token(request, pool):
    "Exchange an authorization code for an ID token and an access token"
    _provider_active(pool)
    Client = pool.get('edu.sso.client')
    Grant = pool.get('edu.sso.grant')
    Event = pool.get('edu.security.event')
    try:
        client_id, secret = _client_credentials(request)
        client = Client.get_by_client_id(client_id)
        if not client or not client.active or not client.check_secret(
                secret):
            ip_address, _ = Transaction().remote_address()
            Event.report('sso', 'warning', gettext(
                    'edu_sso.msg_client_authentication',
                    client_id=(client_id or '')[:64]),
                source='edu_sso', record=client,
                ip_address=str(ip_address) if ip_address else None)
            raise OIDCError('invalid_client',
                "Client authentication failed", HTTPStatus.UNAUTHORIZED)
        if request.form.get('grant_type') != 'authorization_code':
            raise OIDCError('unsupported_grant_type',
                "Only authorization_code is supported")
        tokens = Grant.exchange(client, request.form.get('code'),
            request.form.get('redirect_uri'),
            request.form.get('code_verifier'),
            issuer_url(pool.database_name))
    except OIDCError as error:
        headers = {}
        if error.status == HTTPStatus.UNAUTHORIZED:
            headers['WWW-Authenticate'] = 'Basic realm="oidc"'
        return _json({
                'error': error.error,
                'error_description': error.description,
                }, status=error.status, headers=headers)
    return _json(tokens)


@app.route(OIDC + '/userinfo', methods={'GET', 'POST'})
@allow_null_origin
@with_pool
@with_transaction()
def oidc_userinfo(request, pool):
    "The claims of the user of a valid access token"
    _provider_active(pool)
    Grant = pool.get('edu.sso.grant')
    header = request.headers.get('Authorization', '')
    token = header[7:].strip() if header[:7].lower() == 'bearer ' else ''
    grant = Grant.from_access_token(
        token, issuer_url(pool.database_name)) if token else None
    if not grant:
        return _json({'error': 'invalid_token'},
            status=HTTPStatus.UNAUTHORIZED,
            headers={'WWW-Authenticate': 'Bearer error="invalid_token"'})
    return _json({
            'sub': grant.client.subject(grant.user),
            **grant.claims(),
            })
