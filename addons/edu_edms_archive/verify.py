# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The public verification page of a printed document (R22.11).

``GET /<db>/edms/verify/<token>`` — the URL of the QR code of the printout
— needs no login.  It finds the document by its random token, verifies
every signature again against the current bytes of its file
(``edu.eds.signature.verify`` of the stored CMS, which stores nothing: a
file changed after signing gives "content mismatch", a revoked certificate
"revoked"...) and answers an HTML
card in Kazakh or Russian (``?lang=kk|ru``, else ``Accept-Language``, else
kk): number, dates, kind, organisation, summary and each signature with its
result in words and colour.  Personal data are limited: the signer's name
and the IIN masked (first 6 digits + ``******``); the file itself is never
served.  An unknown token is a 404 page.

The transaction runs as the root user (0) on the database opened as
edu_portal's API does it (``_pool``) and is read-only: an anonymous visit
never writes (a transient OCSP outage must not change the stored status
of a signature).  The live results are kept in memory for ``CACHE_SECONDS``
per token and content, so that repeated visits do not call the revocation
services each time.
"""
import datetime as dt
import hashlib
import logging
import threading
import time
from xml.sax.saxutils import escape

from trytond import backend
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)

ROUTE = '/<database_name>/edms/verify/<token>'
LANGUAGES = ['kk', 'ru']
SECURITY_HEADERS = {
    'Content-Security-Policy': (
        "default-src 'none'; style-src 'unsafe-inline'; "
        "frame-ancestors 'none'"),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
    }
COLOURS = {'valid': '#1b7a2e'}
INVALID_COLOUR = '#b3261e'
MAX_TOKEN = 100
#: how long the live result of a verification is reused (seconds)
CACHE_SECONDS = 60
#: the most tokens kept in the cache
CACHE_SIZE = 1000
_cache = {}
_cache_lock = threading.Lock()


def _cached(key, signature_keys):
    "The cached {signature key: (Verification, time)} of key, or None"
    with _cache_lock:
        entry = _cache.get(key)
        if entry is None:
            return None
        expires, results = entry
        if expires < time.monotonic() or set(results) != signature_keys:
            del _cache[key]
            return None
        return results


def _store(key, results):
    now = time.monotonic()
    with _cache_lock:
        if len(_cache) >= CACHE_SIZE:
            for k in [k for k, (e, _) in _cache.items() if e < now]:
                del _cache[k]
            while len(_cache) >= CACHE_SIZE:
                del _cache[next(iter(_cache))]
        _cache[key] = (now + CACHE_SECONDS, results)


def clear_cache():
    with _cache_lock:
        _cache.clear()


def _aware(value):
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value


def live_verifications(signatures, contents):
    """Return {signature key: (Verification, time)} of the stored
    signatures verified now against contents (by id), storing nothing;
    the signature key is (id, SHA-256 of the content)"""
    Signature = Pool().get('edu.eds.signature')
    now = dt.datetime.now(dt.timezone.utc)
    results = {}
    for signature in signatures:
        content = contents.get(signature.id)
        content = bytes(content) if content is not None else None
        if content is None and not signature.attached:
            content = b''
        # as edu.eds.signature.reverify does, without the write
        verification = Signature.verify(bytes(signature.cms), content,
            reference_time=_aware(signature.create_date))
        if (verification.valid and signature.signer_iin
                and verification.signer.cert.iin != signature.signer_iin):
            verification.fail('wrong_signer', 'the certificate changed',
                verification.signer)
        results[_signature_key(signature, content)] = (verification, now)
    return results


def _signature_key(signature, content):
    return (signature.id,
        hashlib.sha256(content).hexdigest() if content is not None else '')


class NotFound(Exception):
    pass


def request_language(request):
    lang = request.args.get('lang')
    if lang in LANGUAGES:
        return lang
    return request.accept_languages.best_match(LANGUAGES) or 'kk'


def open_pool(request, database_name):
    """The pool of the database (initialised when needed), or NotFound
    when the database or the module is missing"""
    from trytond import config
    database_list = Pool.database_list()
    if database_name not in database_list:
        with Transaction().start(None, 0, readonly=True) as transaction:
            hostname = config.get_hostname(request.host)
            if database_name not in transaction.database.list(
                    hostname=hostname):
                raise NotFound()
    pool = Pool(database_name)
    if database_name not in database_list:
        with Transaction().start(database_name, 0, readonly=True):
            pool.init()
    try:
        pool.get('edu.edms.archive.configuration')
    except KeyError:
        raise NotFound()
    return pool


def verification(token):
    """Verify the signatures of the document of token again (storing
    nothing) and return the data of its page, or None when no document has
    this token (in a transaction)"""
    from trytond.modules.edu_eds.signature import status_message

    from .printout import _format, mask_iin
    pool = Pool()
    Document = pool.get('edu.edms.document')
    Signature = pool.get('edu.eds.signature')
    if not token or len(token) > MAX_TOKEN:
        return None
    documents = Document.search([('verify_token', '=', token)], limit=1)
    if not documents:
        return None
    document, = documents
    signatures = Signature.search([('resource', '=', str(document))],
        order=[('signing_time', 'ASC'), ('id', 'ASC')])
    contents = {}
    keys = {}
    for signature in signatures:
        content = document.get_signed_content(signature)
        content = bytes(content) if content is not None else None
        if content is None and not signature.attached:
            content = b''
        contents[signature.id] = content
        keys[signature.id] = _signature_key(signature, content)
    cache_key = (Transaction().database.name, token)
    results = _cached(cache_key, set(keys.values()))
    if results is None:
        results = live_verifications(signatures, contents)
        _store(cache_key, results)
    rows = []
    for signature in signatures:
        verification, verified_at = results[keys[signature.id]]
        rows.append({
                'signer': signature.signer_name or '',
                'iin': mask_iin(signature.signer_iin),
                'bin': signature.signer_bin or '',
                'organisation': signature.organisation or '',
                'serial': signature.cert_serial or '',
                'signing_time': _format(signature.signing_time),
                'status': verification.status,
                'result': status_message(verification),
                'verified_at': _format(verified_at),
                })
    return {
        'number': document.number or '',
        'registration_date': _format(
            getattr(document, 'registration_date', None)),
        'date': _format(getattr(document, 'date', None)),
        'kind': document.kind.rec_name if document.kind else '',
        'organisation': document.company.rec_name,
        'summary': document.summary or '',
        'signatures': rows,
        'valid': bool(rows) and all(r['status'] == 'valid' for r in rows),
        }


def page(data, language):
    "The HTML of the verification page (data from verification or None)"
    t = gettext
    title = t('edu_edms_archive.msg_verify_title')
    if data is None:
        body = '<p class="bad">%s</p>' % escape(
            t('edu_edms_archive.msg_verify_not_found'))
    else:
        card = [
            ('msg_print_organisation', data['organisation']),
            ('msg_print_kind', data['kind']),
            ('msg_print_number', data['number']),
            ('msg_print_registration_date', data['registration_date']),
            ('msg_print_date', data['date']),
            ('msg_print_summary', data['summary']),
            ]
        rows = ''.join('<tr><th>%s</th><td>%s</td></tr>' % (
                escape(t(f'edu_edms_archive.{m}')), escape(v))
            for m, v in card)
        if not data['signatures']:
            verdict = '<p class="bad">%s</p>' % escape(
                t('edu_edms_archive.msg_print_no_signatures'))
        elif data['valid']:
            verdict = '<p class="good">%s</p>' % escape(
                t('edu_edms_archive.msg_verify_all_valid'))
        else:
            verdict = '<p class="bad">%s</p>' % escape(
                t('edu_edms_archive.msg_verify_invalid'))
        stamps = []
        for s in data['signatures']:
            colour = COLOURS.get(s['status'], INVALID_COLOUR)
            fields_ = [
                ('msg_stamp_signer', s['signer']),
                ('msg_stamp_iin', s['iin']),
                ('msg_stamp_bin', s['bin']),
                ('msg_print_organisation', s['organisation']),
                ('msg_stamp_certificate', s['serial']),
                ('msg_stamp_signing_time', s['signing_time']),
                ('msg_stamp_verified_at', s['verified_at']),
                ]
            stamps.append(
                '<section class="stamp" style="border-color:%s">'
                '<h3>%s</h3><table>%s</table>'
                '<p class="result" data-status="%s" style="color:%s">'
                '%s: %s</p></section>' % (
                    colour,
                    escape(t('edu_edms_archive.msg_stamp_title')),
                    ''.join('<tr><th>%s</th><td>%s</td></tr>' % (
                            escape(t(f'edu_edms_archive.{m}')), escape(v))
                        for m, v in fields_),
                    escape(s['status'] or ''), colour,
                    escape(t('edu_edms_archive.msg_stamp_result')),
                    escape(s['result'])))
        body = ('<table class="card">%s</table>%s<h2>%s</h2>%s' % (
                rows, verdict,
                escape(t('edu_edms_archive.msg_print_signatures')),
                ''.join(stamps)))
    style = ('body{font-family:sans-serif;max-width:48rem;margin:1rem auto;'
        'padding:0 1rem}th{text-align:left;padding-right:1rem;'
        'vertical-align:top}.stamp{border:2px solid;border-radius:6px;'
        'padding:.5rem 1rem;margin:.75rem 0}.good{color:#1b7a2e;'
        'font-weight:bold}.bad{color:#b3261e;font-weight:bold}'
        '.result{font-weight:bold}')
    return ('<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, '
        'initial-scale=1"><meta name="robots" content="noindex">'
        '<title>%s</title><style>%s</style></head><body><main><h1>%s</h1>'
        '%s</main></body></html>') % (
        language, escape(title), style, escape(title), body)


def respond(request, database_name, token):
    "The response of the verification page"
    from trytond import config
    from trytond.protocols.wrappers import Response
    language = request_language(request)

    def html(text, status):
        response = Response(text, status=status,
            content_type='text/html; charset=utf-8')
        for key, value in SECURITY_HEADERS.items():
            response.headers[key] = value
        return response

    try:
        pool = open_pool(request, database_name)
    except NotFound:
        return html('<!DOCTYPE html><html><body><h1>404</h1></body></html>',
            404)
    retry = config.getint('database', 'retry')
    for count in range(retry, -1, -1):
        with Transaction().start(database_name, 0,
                context={'language': language, '_request': request.context},
                readonly=True) as transaction:
            try:
                with transaction.set_context(language=language):
                    data = verification(token)
                    text = page(data, language)
            except backend.DatabaseOperationalError:
                if count:
                    transaction.rollback()
                    continue
                raise
            except Exception:
                logger.exception("edms verification page %s", database_name)
                transaction.rollback()
                return html('<!DOCTYPE html><html><body><h1>500</h1>'
                    '</body></html>', 500)
        break
    del pool
    return html(text, 200 if data is not None else 404)


def _register_routes():
    from trytond.wsgi import app

    @app.route(ROUTE, methods={'GET'})
    def edms_verify(request, database_name, token):
        return respond(request, database_name, token)


# registered once: not again when a test runner imports this directory
# under another name
if __name__ == 'trytond.modules.edu_edms_archive.verify':
    _register_routes()
