# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Approving and signing documents in the browser, on the portal
(R22.1, R22.3, R22.4, R22.8, R22.10, R20, R5.3).

edu_edms adds its pages to the portal of edu_portal without depending on
it (the routes exist only when edu_portal is installed; they answer 404
in a database where it is not activated).  Everything goes through the
portal's ``endpoint`` decorator: the portal's login (session cookie or
bearer token), CSRF header on POST, the request's language, one
transaction as the user with access checks on — the record rules of
edu_edms decide which documents the user finds; a document the user is not
party to is not found (404).  Under ``/<db>/portal/edms/``:

- ``GET /`` the page (``static/edms.html``): the task list, a document with
  its preview, the approve / reject / return buttons and "Sign with EDS".
  It is served with the portal's security headers; the
  Content-Security-Policy allows websocket connections to the configured
  NCALayer URL only (``edu.eds.configuration.ncalayer_url``), which the
  page reads from its ``<meta name="edms-ncalayer">``;
- ``GET /static/<path>`` its script, style sheet and kk/ru dictionaries;
- ``GET /tasks.json``: the user's pending steps ``[{step, action
  ('approve'|'sign'), deadline, overdue, document: {id, number, kind,
  summary, date, deadline, state}}]``;
- ``GET /documents/<id>.json``: the card, the files, the route's steps,
  the signatures and what the user may do (``actions``);
- ``GET /documents/<id>/file``: the main file's bytes — what is signed —
  inline for PDF and images (the preview), as an attachment otherwise;
  ``GET /documents/<id>/preview``: the preview of an office file converted
  to PDF (edu_edms.file.preview) when there is one;
- ``POST /documents/<id>/approve|reject|return`` ``{"comment": "…"}`` (the
  comment is required to reject or return): the user's pending step is
  decided (edu_edms' step buttons);
- ``POST /documents/<id>/sign`` ``{"cms": "<base64 CMS>"}``: the CMS made
  by NCALayer in the browser over the main file goes to
  ``Document.sign``, which verifies it (edu_eds: structure, digest of the
  stored file, chain, validity, revocation, IIN of the user, role, BIN)
  and stores it: 200 with the signature's card, or 422 with the reason in
  the user's language (``error.details.status`` the edu_eds status code)
  and nothing stored.

Nothing is installed on the user's computer but NCALayer (R5.3): the page
is plain HTML and JavaScript, the signature is made by NCALayer over
``wss://127.0.0.1:13579`` (or the configured URL).
"""
import base64
import binascii
import datetime as dt
import os
import re
from urllib.parse import urlsplit

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

PORTAL = '/<database_name>/portal/edms'
STATIC = os.path.join(os.path.dirname(__file__), 'static')
DEFAULT_NCALAYER_URL = 'wss://127.0.0.1:13579'
#: the largest CMS accepted (a CMS with its certificates is a few kB;
#: an attached one carries the file)
MAX_CMS_SIZE = 60 * 1024 * 1024
MAX_BODY_SIZE = MAX_CMS_SIZE * 4 // 3 + 1024
INLINE_TYPES = {'application/pdf', 'image/png', 'image/jpeg', 'image/gif',
    'image/webp'}
ACTIONS = ('approve', 'reject', 'return')
_URL = re.compile(r'^wss?://[A-Za-z0-9.\-\[\]:]+(:\d{1,5})?/?$')


def ncalayer_url():
    "The NCALayer websocket URL of the configuration, if it is sane"
    pool = Pool()
    url = None
    try:
        Configuration = pool.get('edu.eds.configuration')
    except KeyError:
        Configuration = None
    if Configuration is not None:
        with without_check_access():
            url = Configuration(1).ncalayer_url
    url = (url or DEFAULT_NCALAYER_URL).strip()
    if not _URL.match(url):
        url = DEFAULT_NCALAYER_URL
    return url.rstrip('/')


def csp_source(url):
    "The CSP source expression of a ws(s) URL (scheme://host:port)"
    parts = urlsplit(url)
    return f'{parts.scheme}://{parts.netloc}'


# -- what the user may see ----------------------------------------------------

def _mine_domain():
    """The steps waiting for the current user (personally, or by a group in
    the document's organisation: edu_edms' ``mine``)"""
    return [('mine', '=', True), ('state', '=', 'pending'),
        ('action', 'in', ['approve', 'sign'])]


def visible_documents(ids):
    """The documents of ids the user finds (record rules applied), browsed
    without access checks for display"""
    Document = Pool().get('edu.edms.document')
    try:
        found = Document.search([('id', 'in', list(ids))])
    except AccessError:
        # no access to the documents at all: none is the user's
        found = []
    with without_check_access():
        return Document.browse([d.id for d in found])


def get_document(document_id):
    from trytond.modules.edu_portal.api import not_found
    documents = visible_documents([document_id])
    if not documents:
        raise not_found('document', document_id)
    return documents[0]


def my_steps(document=None):
    "The user's pending steps (of document), oldest deadline first"
    Step = Pool().get('edu.edms.document.step')
    domain = _mine_domain()
    if document is not None:
        domain.append(('document', '=', document.id))
    with without_check_access():
        steps = Step.search(domain, order=[('deadline', 'ASC NULLS LAST'),
                ('id', 'ASC')])
    if not steps:
        return []
    visible = {d.id for d in visible_documents(
            {s.document.id for s in steps})}
    return [s for s in steps if s.document.id in visible
        and s.document.state == 'on_approval']


def _selection(Model, field, value):
    "The translated label of a selection value"
    if value is None:
        return None
    with without_check_access():
        selection = Model.fields_get([field])[field].get('selection') or []
    return dict((k, v) for k, v in selection if k is not None).get(
        value, value)


def _name(record):
    return record.rec_name if record else None


def _date(value):
    return value.isoformat() if value else None


def _time(value):
    if not value:
        return None
    if isinstance(value, dt.datetime):
        value = value.replace(microsecond=0)
        if value.tzinfo is None:
            return value.isoformat() + 'Z'
    return value.isoformat()


def _get(record, name, default=None):
    try:
        return getattr(record, name)
    except AttributeError:
        return default


# -- the JSON answers ---------------------------------------------------------

def document_brief(document):
    Document = Pool().get('edu.edms.document')
    return {
        'id': document.id,
        'number': document.number,
        'kind': _name(document.kind),
        'summary': document.summary,
        'date': _date(_get(document, 'date')),
        'deadline': _date(_get(document, 'deadline')),
        'state': document.state,
        'state_string': _selection(Document, 'state', document.state),
        }


def tasks_data():
    Step = Pool().get('edu.edms.document.step')
    today = dt.date.today()
    with without_check_access():
        return [{
                'step': s.id,
                'action': s.action,
                'action_string': _selection(Step, 'action', s.action),
                'deadline': _date(s.deadline),
                'overdue': bool(s.deadline and s.deadline < today),
                'document': document_brief(s.document),
                } for s in my_steps()]


def signature_data(signature):
    Signature = Pool().get('edu.eds.signature')
    return {
        'id': signature.id,
        'file_name': signature.file_name,
        'signer_name': signature.signer_name,
        'signer_iin': signature.signer_iin,
        'signer_bin': signature.signer_bin,
        'organisation': signature.organisation,
        'cert_serial': signature.cert_serial,
        'cert_issuer': signature.cert_issuer,
        'cert_not_after': _time(signature.cert_not_after),
        'roles': signature.roles,
        'algorithm': signature.algorithm,
        'signing_time': _time(signature.signing_time),
        'status': signature.status,
        'status_string': _selection(Signature, 'status', signature.status),
        'valid': signature.status == 'valid',
        'revocation_source': signature.revocation_source,
        'verified_at': _time(signature.verified_at),
        }


def main_file(document):
    "The document's main file (the signed one), or None"
    getter = getattr(document, 'get_main_file', None)
    if getter is not None:
        return getter()
    files = list(document.files)
    return document.main_file or (files[0] if files else None)


def _file_data(database, document, file_, main):
    base = f'/{database}/portal/edms/documents/{document.id}'
    mimetype = (file_.mimetype or 'application/octet-stream').split(';')[0]
    main = main is not None and main.id == file_.id
    entry = {
        'id': file_.id,
        'name': file_.name,
        'mimetype': mimetype,
        'size': file_.size,
        'sha256': _get(file_, 'sha256'),
        'main': bool(main),
        }
    if main:
        entry['url'] = base + '/file'
        entry['inline'] = mimetype in INLINE_TYPES
        entry['preview_url'] = (base + '/preview'
            if mimetype not in INLINE_TYPES and _has_preview(file_)
            else None)
    return entry


def _has_preview(file_):
    try:
        return bool(file_.preview)
    except Exception:
        return False


def _signatures(document):
    signatures = _get(document, 'signatures')
    if signatures is None:
        Signature = Pool().get('edu.eds.signature')
        signatures = Signature.search([
                ('resource', '=', str(document))], order=[('id', 'ASC')])
    return list(signatures)


def document_data(document):
    pool = Pool()
    Step = pool.get('edu.edms.document.step')
    database = Transaction().database.name
    mine = my_steps(document)
    with without_check_access():
        steps = Step.search([('document', '=', document.id)],
            order=[('round', 'ASC'), ('stage', 'ASC'), ('id', 'ASC')])
        main = main_file(document)
        files = list(document.files)
        data = document_brief(document)
        data.update({
                'registration_date': _date(_get(
                        document, 'registration_date')),
                'direction': _get(document, 'direction'),
                'correspondent': _name(_get(document, 'correspondent')),
                'correspondent_tax_id': _get(
                    document, 'correspondent_tax_id'),
                'author': _name(_get(document, 'author')),
                'executor': _name(_get(document, 'executor')),
                'company': _name(document.company),
                'body': _get(document, 'body'),
                'files': [_file_data(database, document, f, main)
                    for f in files],
                'main_file': (_file_data(database, document, main, main)
                    if main else None),
                'steps': [{
                        'id': s.id,
                        'round': s.round,
                        'stage': s.stage,
                        'user': _name(s.user),
                        'group': _name(s.group),
                        'action': s.action,
                        'action_string': _selection(Step, 'action', s.action),
                        'state': s.state,
                        'state_string': _selection(Step, 'state', s.state),
                        'comment': s.comment,
                        'deadline': _date(s.deadline),
                        'decided_at': _time(s.decided_at),
                        'mine': s in mine,
                        'signature': (signature_data(s.signature)
                            if s.signature else None),
                        } for s in steps],
                'signatures': [signature_data(s)
                    for s in _signatures(document)],
                })
        actions = set()
        for step in mine:
            if step.action == 'approve':
                actions.update(ACTIONS)
            elif step.action == 'sign' and main is not None:
                actions.update(('sign', 'reject', 'return'))
        data['actions'] = sorted(actions)
    return data


# -- the decisions ------------------------------------------------------------

def decide(document, action, comment):
    "Approve, reject or return the user's pending step of document"
    from trytond.modules.edu_portal.api import PortalError
    Step = Pool().get('edu.edms.document.step')
    steps = my_steps(document)
    if action == 'approve':
        steps = [s for s in steps if s.action == 'approve']
    if not steps:
        raise PortalError('no_pending_step', 409, 'msg_conflict')
    # as the user: edu_edms checks that the step is the user's and that
    # a rejection or a return has its comment (translated errors)
    step = Step(steps[0].id)
    if comment:
        Step.write([step], {'comment': comment})
    button = {'approve': 'approve', 'reject': 'reject',
        'return': 'return_'}[action]
    getattr(Step, button)([step])
    return document_data(get_document(document.id))


def sign(document, cms_b64):
    "Verify and store the CMS of the user's signature of document"
    from trytond.modules.edu_portal.api import PortalError, bad_parameter
    pool = Pool()
    Document = pool.get('edu.edms.document')
    Step = pool.get('edu.edms.document.step')
    if not isinstance(cms_b64, str) or not cms_b64.strip():
        raise bad_parameter('cms')
    if len(cms_b64) > MAX_BODY_SIZE:
        raise bad_parameter('cms')
    try:
        cms = base64.b64decode(''.join(cms_b64.split()), validate=True)
    except (binascii.Error, ValueError):
        raise bad_parameter('cms')
    steps = [s for s in my_steps(document) if s.action == 'sign']
    try:
        from trytond.modules.edu_eds.exceptions import SignatureError
    except ImportError:
        SignatureError = UserError
    try:
        result = Document.sign(Document(document.id), cms)
    except SignatureError as exception:
        error = PortalError('signature_refused', 422, 'msg_refused', {
                'status': _get(exception, 'status') or _get(
                    exception, 'code'),
                })
        error.message = exception.message
        raise error
    signature = None
    if result is not None and _get(result, '__name__') == 'edu.eds.signature':
        signature = result
    if signature is None and steps:
        with without_check_access():
            signature = Step(steps[0].id).signature
    if signature is None:
        raise PortalError('internal', 500, 'msg_internal')
    with without_check_access():
        Signature = pool.get('edu.eds.signature')
        return {
            'signature': signature_data(Signature(signature.id)),
            'document': document_data(get_document(document.id)),
            }


# -- the page -----------------------------------------------------------------

def page_html(database, url, language):
    with open(os.path.join(STATIC, 'edms.html'), encoding='utf-8') as fp:
        html = fp.read()
    from xml.sax.saxutils import quoteattr
    return (html.replace('{{NCALAYER_URL}}', quoteattr(url)[1:-1])
        .replace('{{DATABASE}}', quoteattr(database)[1:-1])
        .replace('{{LANG}}', language if language in ('kk', 'ru') else 'kk'))


def _register_routes():
    try:
        from trytond.modules.edu_portal.api import (
            body, endpoint, get_model, not_found, path_id, str_arg)
        from trytond.modules.edu_portal.pages import (
            CSP, SECURITY_HEADERS, content_type)
    except ImportError:  # the portal is not installed
        return
    from werkzeug.exceptions import NotFound
    from werkzeug.security import safe_join
    from werkzeug.utils import send_file

    from trytond.protocols.wrappers import Response
    from trytond.wsgi import app

    def secure(response, connect=None, frame=False):
        for key, value in SECURITY_HEADERS.items():
            response.headers[key] = value
        csp = CSP
        if connect:
            csp = csp.replace("connect-src 'self'",
                f"connect-src 'self' {connect}")
        if frame:
            # the main file is shown in the page's own frame; a PDF needs
            # the browser's viewer (no sandbox), nothing else runs
            if frame == 'application/pdf':
                csp = "frame-ancestors 'self'; form-action 'none'"
            else:
                csp = ("default-src 'none'; img-src 'self'; style-src "
                    "'unsafe-inline'; frame-ancestors 'self'; sandbox")
            response.headers['X-Frame-Options'] = 'SAMEORIGIN'
        response.headers['Content-Security-Policy'] = csp
        return response

    @app.route(PORTAL, methods={'GET'})
    def edms_redirect(request, database_name):
        from werkzeug.utils import redirect
        return redirect(request.path + '/', 308)

    @app.route(PORTAL + '/', methods={'GET'})
    @endpoint(auth=False)
    def edms_page(request, pool):
        url = ncalayer_url()
        response = Response(page_html(Transaction().database.name, url,
                request.portal_language), status=200,
            content_type='text/html; charset=utf-8')
        response.headers['Cache-Control'] = 'no-cache'
        return secure(response, connect=csp_source(url))

    @app.route(PORTAL + '/static/<path:path>', methods={'GET', 'HEAD'})
    def edms_static(request, database_name, path):
        full = safe_join(STATIC, path) if '\\' not in path else None
        if (full is None or not os.path.isfile(full)
                or not os.path.realpath(full).startswith(
                    os.path.realpath(STATIC) + os.sep)):
            return secure(NotFound().get_response(request.environ))
        response = send_file(full, request.environ,
            mimetype=content_type(full), conditional=True, etag=True,
            max_age=0)
        response.headers['Cache-Control'] = 'no-cache'
        return secure(response)

    @app.route(PORTAL + '/tasks.json', methods={'GET'})
    @endpoint()
    def edms_tasks(request, pool):
        get_model(pool, 'edu.edms.document.step')
        return tasks_data()

    @app.route(PORTAL + '/documents/<int:document_id>.json',
        methods={'GET'})
    @endpoint()
    def edms_document(request, pool, document_id):
        get_model(pool, 'edu.edms.document')
        document = get_document(path_id(document_id, 'document'))
        return document_data(document)

    def file_response(request, document_id, preview):
        document = get_document(path_id(document_id, 'document'))
        with without_check_access():
            file_ = main_file(document)
            if file_ is None:
                raise not_found('file', None)
            if preview:
                data = file_.preview
                mimetype = 'application/pdf'
                name = os.path.splitext(file_.name or 'file')[0] + '.pdf'
            else:
                data = file_.data
                mimetype = (file_.mimetype
                    or 'application/octet-stream').split(';')[0]
                name = file_.name or 'file'
        if data is None:
            raise not_found('file', file_.id)
        inline = (mimetype in INLINE_TYPES
            and request.args.get('download') != '1')
        response = Response(bytes(data), status=200, content_type=mimetype)
        ascii_name = name.encode('ascii', 'replace').decode().replace(
            '"', '_').replace('?', '_')
        from urllib.parse import quote
        response.headers['Content-Disposition'] = (
            f'{"inline" if inline else "attachment"}; '
            f'filename="{ascii_name}"; filename*=UTF-8\'\'{quote(name)}')
        response.headers['Cache-Control'] = 'private, no-store'
        return secure(response, frame=mimetype)

    @app.route(PORTAL + '/documents/<int:document_id>/file',
        methods={'GET'})
    @endpoint()
    def edms_file(request, pool, document_id):
        get_model(pool, 'edu.edms.document')
        return file_response(request, document_id, preview=False)

    @app.route(PORTAL + '/documents/<int:document_id>/preview',
        methods={'GET'})
    @endpoint()
    def edms_preview(request, pool, document_id):
        get_model(pool, 'edu.edms.document')
        return file_response(request, document_id, preview=True)

    def make_decision(action):
        @endpoint()
        def decision(request, pool, document_id):
            get_model(pool, 'edu.edms.document.step')
            document = get_document(path_id(document_id, 'document'))
            comment = str_arg(body(request), 'comment', required=False,
                max_length=4000)
            return decide(document, action, comment)
        decision.__name__ = f'edms_{action}'
        return decision

    for action in ACTIONS:
        app.route(PORTAL + f'/documents/<int:document_id>/{action}',
            methods={'POST'})(make_decision(action))

    @app.route(PORTAL + '/documents/<int:document_id>/sign',
        methods={'POST'})
    @endpoint(max_size=MAX_BODY_SIZE + 1024)
    def edms_sign(request, pool, document_id):
        get_model(pool, 'edu.eds.signature')
        document = get_document(path_id(document_id, 'document'))
        return sign(document, body(request).get('cms'))


# registered once: not again when a test runner imports this directory
# under another name
if __name__ == 'trytond.modules.edu_edms.portal':
    _register_routes()
