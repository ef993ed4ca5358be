# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Local identity-provider simulators for the single sign-on tests (R9).

* :class:`SamlIdentityProvider`: a pysaml2 identity provider with a key
  and a self-signed certificate generated in a temporary directory; it
  answers the AuthnRequest of Tryton's ``authentication_saml`` with a
  signed response and a signed assertion carrying the attributes given.
* :class:`OIDCProvider`: a small werkzeug OpenID Connect provider served
  on 127.0.0.1 by a thread (discovery, authorize, token, jwks, userinfo)
  with an RSA key generated at start; it checks the client secret and the
  PKCE verifier and can be told to misbehave (wrong nonce, audience,
  issuer, signing key, expiry) to test the refusals.

No key is stored in the repository: they are made when the test starts.
"""
import base64
import datetime as dt
import hashlib
import json
import os
import secrets
import threading
import time
import urllib.parse

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

__all__ = ['make_key_cert', 'SamlIdentityProvider', 'OIDCProvider']


def make_key_cert(directory, name):
    """Write a new RSA key and a self-signed certificate in directory and
    return their paths"""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .sign(key, hashes.SHA256()))
    key_path = os.path.join(directory, f'{name}.key')
    cert_path = os.path.join(directory, f'{name}.crt')
    with open(key_path, 'wb') as file:
        file.write(key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption()))
    os.chmod(key_path, 0o600)
    with open(cert_path, 'wb') as file:
        file.write(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


class SamlIdentityProvider:
    "A pysaml2 identity provider that signs its responses"

    def __init__(self, directory, sp_metadata,
            entityid='https://idp.example.kz/saml/metadata'):
        import saml2
        import saml2.config
        import saml2.server
        from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_TRANSIENT

        key_path, cert_path = make_key_cert(directory, 'idp')
        settings = {
            'entityid': entityid,
            'service': {
                'idp': {
                    'endpoints': {
                        'single_sign_on_service': [
                            ('https://idp.example.kz/saml/sso',
                                saml2.BINDING_HTTP_REDIRECT),
                            ],
                        },
                    'policy': {
                        'default': {
                            'lifetime': {'minutes': 5},
                            'name_form': NAME_FORMAT_BASIC,
                            },
                        },
                    'name_id_format': [NAMEID_FORMAT_TRANSIENT],
                    },
                },
            'key_file': key_path,
            'cert_file': cert_path,
            'metadata': {'inline': [sp_metadata]},
            }
        config = saml2.config.IdPConfig()
        config.load(settings)
        self.server = saml2.server.Server(config=config)

    @property
    def metadata(self):
        import saml2.metadata
        return saml2.metadata.create_metadata_string(
            None, self.server.config).decode('utf-8')

    def respond(self, location, attributes, tamper=None, sign=True):
        """Answer the AuthnRequest of the redirect ``location`` for a user
        with ``attributes``; return the URL of the assertion consumer
        service and the form to post to it.  ``tamper(xml)`` may change
        the signed response; ``sign=False`` leaves it unsigned."""
        import saml2
        import saml2.saml

        query = dict(urllib.parse.parse_qsl(
                urllib.parse.urlsplit(location).query))
        request = self.server.parse_authn_request(
            query['SAMLRequest'], saml2.BINDING_HTTP_REDIRECT)
        args = self.server.response_args(request.message)
        response = self.server.create_authn_response(
            attributes, userid=secrets.token_hex(8),
            authn={'class_ref': saml2.saml.AUTHN_PASSWORD_PROTECTED},
            sign_response=sign, sign_assertion=sign, **args)
        response = str(response)
        if tamper:
            response = tamper(response)
        return args['destination'], {
            'SAMLResponse': base64.b64encode(
                response.encode('utf-8')).decode('ascii'),
            'RelayState': query.get('RelayState', ''),
            }


def _b64url(data):
    return base64.urlsafe_b64encode(data).decode('ascii').rstrip('=')


class OIDCProvider:
    """A local OpenID Connect provider.

    ``clients`` maps a client id to (secret, redirect URIs).  The user who
    "signs in" at the next authorization is ``next_claims``; ``tamper``
    changes the claims of the next ID token, ``sign_with_unknown_key``
    signs it with a key absent from the JWKS."""

    def __init__(self, clients):
        from joserfc.jwk import RSAKey
        self.clients = clients
        self.key = RSAKey.generate_key(2048, parameters={
                'kid': 'sim-' + secrets.token_hex(4), 'use': 'sig',
                'alg': 'RS256'}, private=True)
        self.rogue_key = RSAKey.generate_key(2048, parameters={
                'kid': self.key.kid, 'alg': 'RS256'}, private=True)
        self.codes = {}
        self.access_tokens = {}
        self.authorize_requests = []
        self.token_requests = []
        self.next_claims = {}
        self.tamper = {}
        self.sign_with_unknown_key = False
        self.server = None
        self.thread = None
        self.base_url = None

    # --- life cycle --------------------------------------------------------
    def start(self):
        self.server = make_server('127.0.0.1', 0, self.app, threaded=True)
        self.base_url = f'http://127.0.0.1:{self.server.server_port}'
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(5)

    def reset(self):
        self.next_claims = {}
        self.tamper = {}
        self.sign_with_unknown_key = False

    @property
    def issuer(self):
        return self.base_url

    # --- WSGI ---------------------------------------------------------------
    def app(self, environ, start_response):
        request = Request(environ)
        handler = {
            '/.well-known/openid-configuration': self.discovery,
            '/authorize': self.authorize,
            '/token': self.token,
            '/jwks': self.jwks,
            '/userinfo': self.userinfo,
            }.get(request.path)
        if handler is None:
            response = Response('not found', status=404)
        else:
            response = handler(request)
        return response(environ, start_response)

    @staticmethod
    def _json(value, status=200):
        return Response(json.dumps(value), status=status,
            content_type='application/json')

    def discovery(self, request):
        return self._json({
                'issuer': self.issuer,
                'authorization_endpoint': self.base_url + '/authorize',
                'token_endpoint': self.base_url + '/token',
                'jwks_uri': self.base_url + '/jwks',
                'userinfo_endpoint': self.base_url + '/userinfo',
                'response_types_supported': ['code'],
                'id_token_signing_alg_values_supported': ['RS256'],
                })

    def jwks(self, request):
        return self._json({'keys': [self.key.as_dict(private=False)]})

    def authorize(self, request):
        "The user is signed in already: answer with a code at once"
        args = request.args
        self.authorize_requests.append(dict(args))
        client = self.clients.get(args.get('client_id'))
        if (client is None or args.get('redirect_uri') not in client[1]
                or args.get('response_type') != 'code'):
            return Response('invalid request', status=400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            'client_id': args['client_id'],
            'redirect_uri': args['redirect_uri'],
            'nonce': args.get('nonce'),
            'challenge': args.get('code_challenge'),
            'method': args.get('code_challenge_method'),
            'claims': dict(self.next_claims),
            }
        query = urllib.parse.urlencode(
            {'code': code, 'state': args.get('state', '')})
        return Response(status=302,
            headers={'Location': f"{args['redirect_uri']}?{query}"})

    def token(self, request):
        from joserfc import jwt
        self.token_requests.append(dict(request.form))
        auth = request.authorization
        if auth and auth.type == 'basic':
            client_id = urllib.parse.unquote(auth.username)
            secret = urllib.parse.unquote(auth.password)
        else:
            client_id = request.form.get('client_id')
            secret = request.form.get('client_secret')
        client = self.clients.get(client_id)
        if client is None or client[0] != secret:
            return self._json({'error': 'invalid_client'}, 401)
        grant = self.codes.pop(request.form.get('code'), None)
        if (grant is None or grant['client_id'] != client_id
                or grant['redirect_uri'] != request.form.get(
                    'redirect_uri')):
            return self._json({'error': 'invalid_grant'}, 400)
        verifier = request.form.get('code_verifier') or ''
        if grant['challenge'] != _b64url(
                hashlib.sha256(verifier.encode('ascii')).digest()):
            return self._json({'error': 'invalid_grant',
                    'error_description': 'PKCE'}, 400)
        now = int(time.time())
        access_token = secrets.token_urlsafe(24)
        claims = {
            'iss': self.issuer,
            'sub': 'sim-' + hashlib.sha256(json.dumps(
                    grant['claims'], sort_keys=True).encode()).hexdigest()[:16],
            'aud': client_id,
            'iat': now,
            'exp': now + 300,
            'nonce': grant['nonce'],
            **grant['claims'],
            }
        self.access_tokens[access_token] = claims
        claims = {**claims, **self.tamper}
        key = self.rogue_key if self.sign_with_unknown_key else self.key
        id_token = jwt.encode(
            {'alg': 'RS256', 'kid': self.key.kid}, claims, key)
        return self._json({
                'access_token': access_token,
                'token_type': 'Bearer',
                'expires_in': 300,
                'id_token': id_token,
                })

    def userinfo(self, request):
        header = request.headers.get('Authorization', '')
        claims = self.access_tokens.get(header[len('Bearer '):])
        if claims is None:
            return self._json({'error': 'invalid_token'}, 401)
        return self._json({k: v for k, v in claims.items()
                if k not in {'iss', 'aud', 'iat', 'exp', 'nonce'}})
