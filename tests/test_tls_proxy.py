# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The production TLS set-up of deploy/ works as documented (R11).

The sample nginx site (deploy/nginx/bilim.conf and its proxy snippet) is run
by a real nginx with a certificate made for the test, in front of an
upstream that applies the same proxy fix as trytond with
``[web] num_proxies = 1``.  The test checks what the deployment relies on:
plain HTTP only redirects, TLS 1.2/1.3 only, the security headers, and the
user's address and scheme reach the application through the proxy headers
(so failed logins and the audit journal record the user's address).
"""
import configparser
import datetime as dt
import json
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
import http.client

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPLOY = os.path.join(ROOT, 'deploy')
HOST = 'bilim.example.kz'


def _nginx():
    for path in [shutil.which('nginx'), '/usr/sbin/nginx']:
        if path and os.access(path, os.X_OK):
            return path
    return None


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _certificate(directory):
    "Write a CA and a server certificate for HOST; return the CA file"
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = (x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), True)
        .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
        .subject_name(x509.Name([
                    x509.NameAttribute(NameOID.COMMON_NAME, HOST)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(HOST)]), False)
        .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    with open(os.path.join(directory, 'fullchain.pem'), 'wb') as f:
        f.write(cert.public_bytes(pem) + ca.public_bytes(pem))
    with open(os.path.join(directory, 'privkey.pem'), 'wb') as f:
        f.write(key.private_bytes(pem,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption()))
    os.chmod(os.path.join(directory, 'privkey.pem'), 0o600)
    ca_file = os.path.join(directory, 'ca.pem')
    with open(ca_file, 'wb') as f:
        f.write(ca.public_bytes(pem))
    return ca_file


def _echo_app(environ, start_response):
    "The upstream: tell what the application sees of the request"
    body = json.dumps({
            'remote_addr': environ.get('REMOTE_ADDR'),
            'scheme': environ.get('wsgi.url_scheme'),
            'host': environ.get('HTTP_HOST'),
            }).encode()
    start_response('200 OK', [
            ('Content-Type', 'application/json'),
            ('Content-Length', str(len(body)))])
    return [body]


@pytest.fixture(scope='module')
def proxy(tmp_path_factory):
    nginx = _nginx()
    if not nginx:
        pytest.fail("nginx is missing: scripts/setup-browser.sh installs it")
    from werkzeug.middleware.proxy_fix import ProxyFix
    from werkzeug.serving import make_server

    directory = tmp_path_factory.mktemp('nginx')
    os.chmod(directory, 0o755)
    ca_file = _certificate(str(directory))

    # the upstream: what trytond does with [web] num_proxies = 1
    # (trytond.wsgi wraps its application in werkzeug's ProxyFix)
    upstream_port = _free_port()
    app = ProxyFix(_echo_app, x_for=1, x_proto=1, x_host=1, x_port=1,
        x_prefix=1)
    server = make_server('127.0.0.1', upstream_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    http_port, https_port = _free_port(), _free_port()
    snippet = os.path.join(directory, 'bilim-proxy.conf')
    shutil.copy(os.path.join(DEPLOY, 'nginx', 'bilim-proxy.conf'), snippet)
    with open(os.path.join(DEPLOY, 'nginx', 'bilim.conf')) as f:
        site = f.read()
    for old, new in [
            ('/etc/ssl/bilim/', f'{directory}/'),
            ('/etc/nginx/snippets/bilim-proxy.conf', snippet),
            ('127.0.0.1:8000', f'127.0.0.1:{upstream_port}'),
            ('listen 80;', f'listen 127.0.0.1:{http_port};'),
            ('listen 443 ssl', f'listen 127.0.0.1:{https_port} ssl'),
            ]:
        assert old in site, f"the sample no longer has {old!r}"
        site = site.replace(old, new)
    # the IPv6 listeners of the sample are not needed on the test machine
    site = '\n'.join(l for l in site.splitlines() if 'listen [::]' not in l)
    with open(os.path.join(directory, 'site.conf'), 'w') as f:
        f.write(site)
    temp = os.path.join(directory, 'temp')
    os.mkdir(temp)
    os.chmod(temp, 0o777)
    with open(os.path.join(directory, 'nginx.conf'), 'w') as f:
        f.write(f"""
daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    limit_req_zone $binary_remote_addr zone=bilim_rate:10m rate=20r/s;
    include {directory}/site.conf;
}}
""")
    conf = os.path.join(directory, 'nginx.conf')
    check = subprocess.run([nginx, '-t', '-p', str(directory), '-c', conf],
        capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([nginx, '-p', str(directory), '-c', conf],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(('127.0.0.1', https_port), 1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError(
                    process.stderr.read().decode() if process.stderr
                    else "nginx did not start")
            time.sleep(0.1)
    try:
        yield {'http': http_port, 'https': https_port, 'ca': ca_file}
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        server.shutdown()


def _context(ca_file, minimum=None, maximum=None):
    context = ssl.create_default_context(cafile=ca_file)
    if minimum:
        context.minimum_version = minimum
    if maximum:
        context.maximum_version = maximum
    return context


def _get(proxy, context):
    connection = http.client.HTTPSConnection(
        '127.0.0.1', proxy['https'], context=context, timeout=10)
    # the certificate is checked against the name, not the address
    connection.sock = context.wrap_socket(
        socket.create_connection(('127.0.0.1', proxy['https']), 10),
        server_hostname=HOST)
    connection.putrequest('GET', '/bilim/', skip_host=True)
    connection.putheader('Host', HOST)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    version = connection.sock.version()
    connection.close()
    return response, body, version


def test_https_reaches_trytond_with_user_address(proxy):
    "The request goes through with the user's address and https scheme"
    response, body, version = _get(proxy, _context(proxy['ca']))
    assert response.status == 200
    seen = json.loads(body)
    assert seen == {
        'remote_addr': '127.0.0.1', 'scheme': 'https', 'host': HOST}
    assert version in {'TLSv1.2', 'TLSv1.3'}


def test_security_headers(proxy):
    response, _, _ = _get(proxy, _context(proxy['ca']))
    assert 'max-age=63072000' in response.getheader(
        'Strict-Transport-Security', '')
    assert response.getheader('X-Content-Type-Options') == 'nosniff'
    assert response.getheader('X-Frame-Options') == 'SAMEORIGIN'


def test_tls_12_and_13_accepted(proxy):
    for version in [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3]:
        _, _, negotiated = _get(proxy,
            _context(proxy['ca'], minimum=version, maximum=version))
        assert negotiated == version.name.replace('_', '.')


def test_old_tls_refused(proxy):
    context = _context(proxy['ca'], maximum=ssl.TLSVersion.TLSv1_1)
    context.minimum_version = ssl.TLSVersion.TLSv1
    try:
        context.set_ciphers('DEFAULT:@SECLEVEL=0')
    except ssl.SSLError:
        pass
    with pytest.raises((ssl.SSLError, ConnectionError)):
        _get(proxy, context)


def test_http_redirects_to_https(proxy):
    connection = http.client.HTTPConnection(
        '127.0.0.1', proxy['http'], timeout=10)
    connection.putrequest('GET', '/bilim/?x=1', skip_host=True)
    connection.putheader('Host', HOST)
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader('Location') == f'https://{HOST}/bilim/?x=1'
    connection.close()


def test_certificate_checked(proxy):
    "A client that does not trust the CA is refused: no silent downgrade"
    context = ssl.create_default_context()
    with pytest.raises(ssl.SSLCertVerificationError):
        _get(proxy, context)


def test_production_configuration():
    "The sample trytond configuration trusts one proxy and holds no secret"
    parser = configparser.ConfigParser()
    path = os.path.join(DEPLOY, 'trytond.production.conf')
    with open(path) as f:
        text = f.read()
    parser.read_string(text)
    assert parser.getint('web', 'num_proxies') == 1
    assert parser.get('web', 'listen').startswith('127.0.0.1:')
    assert 'sslmode=verify-full' in text
    assert not parser.has_option('database', 'uri')
    assert 'password+totp' in parser.get('session', 'authentications')
