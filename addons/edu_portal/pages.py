# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The pages of the portal (R27.12): the app shell and its static files.

``/<db>/portal/`` answers ``static/index.html``, ``/<db>/portal/static/
<path>`` the files of ``static/`` (a path that leaves the directory is
refused), ``/<db>/portal/manifest.webmanifest`` and ``/<db>/portal/sw.js``
(with ``Service-Worker-Allowed`` so that the service worker controls the
whole portal).  The files are written by the front end; whatever exists is
served, with its content type, an ETag and a Cache-Control: the shell, the
manifest and the service worker are revalidated at every load, the other
files cached for an hour.

Every page carries the security headers: a Content-Security-Policy that
allows only the portal's own origin (no inline script, no framing),
``X-Content-Type-Options: nosniff`` and ``Referrer-Policy``.
"""
import mimetypes
import os

from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join
from werkzeug.utils import redirect, send_file

from trytond.wsgi import app

STATIC = os.path.join(os.path.dirname(__file__), 'static')
PORTAL = '/<database_name>/portal'
CSP = '; '.join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        ])
SECURITY_HEADERS = {
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    }
TYPES = {
    '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.html': 'text/html; charset=utf-8',
    '.json': 'application/json',
    '.webmanifest': 'application/manifest+json',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.ico': 'image/x-icon',
    '.woff2': 'font/woff2',
    '.txt': 'text/plain; charset=utf-8',
    }
#: seconds the browser keeps a static file before revalidating it
STATIC_MAX_AGE = 3600


def content_type(path):
    ext = os.path.splitext(path)[1].lower()
    if ext in TYPES:
        return TYPES[ext]
    guessed, _ = mimetypes.guess_type(path)
    return guessed or 'application/octet-stream'


def static_path(relative):
    "The file of static/ at relative, or None when outside or missing"
    if not relative or '\x00' in relative or '\\' in relative:
        return None
    path = safe_join(STATIC, relative)
    if path is None:
        return None
    real = os.path.realpath(path)
    root = os.path.realpath(STATIC)
    if not real.startswith(root + os.sep) or not os.path.isfile(real):
        return None
    return real


def serve(request, relative, max_age=0, headers=None):
    path = static_path(relative)
    if path is None:
        response = NotFound()
        response = response.get_response(request.environ)
        for key, value in SECURITY_HEADERS.items():
            response.headers[key] = value
        return response
    response = send_file(path, request.environ,
        mimetype=content_type(path), conditional=True, etag=True,
        max_age=max_age)
    if max_age:
        response.headers['Cache-Control'] = f'public, max-age={max_age}'
    else:
        response.headers['Cache-Control'] = 'no-cache'
    for key, value in SECURITY_HEADERS.items():
        response.headers[key] = value
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


@app.route(PORTAL, methods={'GET'})
def portal_redirect(request, database_name):
    return redirect(request.path + '/', 308)


@app.route(PORTAL + '/', methods={'GET', 'HEAD'})
def portal_index(request, database_name):
    "The app shell"
    return serve(request, 'index.html')


@app.route(PORTAL + '/static/<path:path>', methods={'GET', 'HEAD'})
def portal_static(request, database_name, path):
    return serve(request, path, max_age=STATIC_MAX_AGE)


@app.route(PORTAL + '/manifest.webmanifest', methods={'GET', 'HEAD'})
def portal_manifest(request, database_name):
    return serve(request, 'manifest.webmanifest')


@app.route(PORTAL + '/sw.js', methods={'GET', 'HEAD'})
def portal_service_worker(request, database_name):
    return serve(request, 'sw.js', headers={
            'Service-Worker-Allowed': f'/{database_name}/portal/',
            })
