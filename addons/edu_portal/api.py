# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The plumbing of the portal's REST API (R27.19, R5.10, R5.11, R5.12, R17).

Every call of ``/<db>/portal/api/v1/...`` goes through :func:`endpoint`:

1. the language of the answer: ``?lang=kk|ru``, else ``Accept-Language``,
   else the user's language;
2. the credentials: ``Authorization: Bearer <token>`` (native apps) or the
   ``bilim_portal`` cookie (the pages).  A cookie call that changes
   something (POST, PUT, PATCH, DELETE) must also carry
   ``X-Requested-With: bilim``: a form of another site cannot set it, so
   a forged request is refused (CSRF);
3. the token is the key of a Tryton session (``ir.session``): it is
   checked by ``ir.session.check`` — Tryton's absolute age and IP address
   checks and edu_mfa's inactivity timeout — in its own transaction, and
   its timestamp refreshed as the Tryton clients' calls do;
4. the endpoint runs in one transaction as the authenticated ``res.user``,
   with the user's context (companies, employee, language) and access
   checks on: the model access and the record rules of edu_learning,
   edu_timetable, edu_school, edu_teaching and edu_feedback decide what is
   seen, exactly as in sao;
5. any error is answered as JSON ``{"error": {"code", "message",
   "details"}}`` with a 4xx status and a kk/ru message: Tryton's
   ``AccessError`` gives 403, a closed period 409, other ``UserError``
   400; a failed call is rolled back whole.
"""
import datetime as dt
import decimal
import json
import logging
import time
from functools import wraps

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from trytond import backend, config
from trytond.cache import Cache
from trytond.exceptions import (
    ConcurrencyException, LoginException, RateLimitException, UserError,
    UserWarning)
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.transaction import Transaction, TransactionError

logger = logging.getLogger(__name__)

PREFIX = '/<database_name>/portal/api/v1'
COOKIE = 'bilim_portal'
CSRF_HEADER = 'X-Requested-With'
CSRF_VALUE = 'bilim'
LANGUAGES = ['kk', 'ru']
UNSAFE_METHODS = {'POST', 'PUT', 'PATCH', 'DELETE'}
MAX_ID = 2 ** 31 - 1
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2199, 12, 31)
#: JSON bodies are small; uploads have their own limit (uploads.py)
MAX_JSON_SIZE = 1024 * 1024


#: the context of each user (Tryton's preferences): read once a minute,
#: not at every call (cleared when the user changes the language)
preferences_cache = Cache('edu_portal.preferences', duration=60,
    context=False)


def user_context(pool, user_id):
    "The context of the user's calls, as the Tryton clients send it"
    # kept as JSON: the cache freezes the values it keeps
    cached = preferences_cache.get(user_id)
    if cached is None:
        User = pool.get('res.user')
        cached = json.dumps({k: v for k, v in User.get_preferences(
                    context_only=True).items()
                if not k.endswith('.rec_name')}, default=default)
        preferences_cache.set(user_id, cached)
    return json.loads(cached)


class PortalError(Exception):
    """An error answered to the client: ``code`` (stable, for programs),
    HTTP ``status``, the ``edu_portal`` message and its variables"""

    def __init__(self, code, status, message_id, details=None,
            headers=None, **variables):
        super().__init__(code)
        self.code = code
        self.status = status
        self.message_id = message_id
        self.details = details or {}
        self.headers = headers or {}
        self.variables = variables
        self.message = None

    def text(self):
        if self.message is not None:
            return self.message
        return gettext(f'edu_portal.{self.message_id}', **self.variables)


def not_found(kind=None, id_=None):
    details = {}
    if kind:
        details['kind'] = kind
    if id_ is not None:
        details['id'] = id_
    return PortalError('not_found', 404, 'msg_not_found', details)


def forbidden():
    return PortalError('forbidden', 403, 'msg_forbidden')


def bad_parameter(name):
    return PortalError('invalid_parameter', 400, 'msg_invalid_parameter',
        {'parameter': name}, name=name)


def default(value):
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return None
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_response(value, status=200, headers=None):
    response = Response(
        json.dumps(value, ensure_ascii=False, default=default),
        status=status, content_type='application/json; charset=utf-8')
    response.headers['Cache-Control'] = 'no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['Referrer-Policy'] = 'no-referrer'
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def error_response(error, language):
    "Render a PortalError; translate it inside a transaction if needed"
    if Transaction().database:
        with Transaction().set_context(language=language):
            message = error.text()
    else:
        message = None
        database = getattr(error, 'database', None)
        if database:
            try:
                with Transaction().start(database, 0, readonly=True,
                        context={'language': language}):
                    message = error.text()
            except Exception:
                logger.debug("cannot translate %s", error.code,
                    exc_info=True)
        if message is None:
            message = error.message_id
    return json_response({
            'error': {
                'code': error.code,
                'message': message,
                'details': error.details,
                },
            }, status=error.status, headers=error.headers)


def request_language(request):
    "The language asked by ?lang= or Accept-Language, or None"
    lang = request.args.get('lang')
    if lang in LANGUAGES:
        return lang
    return request.accept_languages.best_match(LANGUAGES)


def default_language():
    return config.get('database', 'language', default='en')


def credentials(request):
    "Return (token, by_cookie) of the request"
    header = request.headers.get('Authorization', '')
    if header[:7].lower() == 'bearer ':
        return header[7:].strip(), False
    cookie = request.cookies.get(COOKIE)
    if cookie:
        return cookie, True
    return None, False


def check_csrf(request, by_cookie):
    if (by_cookie and request.method in UNSAFE_METHODS
            and request.headers.get(CSRF_HEADER) != CSRF_VALUE):
        raise PortalError('csrf', 403, 'msg_csrf',
            {'header': f'{CSRF_HEADER}: {CSRF_VALUE}'})


def unauthorized(code='unauthorized', message_id='msg_unauthorized'):
    return PortalError(code, 401, message_id,
        headers={'WWW-Authenticate': 'Bearer realm="bilim-portal"'})


def session_user(pool, request, token):
    """Return the id of the active user of the session token, or raise
    401; the session is checked (age, IP address, inactivity of edu_mfa)
    and its timestamp refreshed, then committed"""
    if not token or len(token) > 256:
        raise unauthorized()
    context = {'_request': request.context}
    retry = config.getint('database', 'retry')
    for count in range(retry, -1, -1):
        with Transaction().start(pool.database_name, 0, context=context,
                readonly=False) as transaction:
            try:
                Session = pool.get('ir.session')
                User = pool.get('res.user')
                session = Session.__table__()
                user = User.__table__()
                cursor = transaction.connection.cursor()
                cursor.execute(*session.join(user,
                        condition=session.create_uid == user.id
                        ).select(session.create_uid, user.active,
                        where=session.key == token, limit=1))
                row = cursor.fetchone()
                if not row or not row[1]:
                    raise unauthorized()
                user_id = row[0]
                found = Session.check(user_id, token)
                if not found:
                    # an expired session is deleted by the check
                    transaction.commit()
                    if found is None:
                        raise unauthorized()
                    raise unauthorized('session_expired',
                        'msg_session_expired')
                Session.reset(token)
                transaction.commit()
                return user_id
            except backend.DatabaseOperationalError:
                if count:
                    transaction.rollback()
                    continue
                raise


def endpoint(auth=True, readonly=None, max_size=MAX_JSON_SIZE,
        transaction=True):
    """Decorate an API function ``func(request, pool, **view_args)``
    returning a JSON-able value or a Response (see the module docstring)"""
    def decorator(func):
        @wraps(func)
        def wrapper(request, database_name, **kwargs):
            language = request_language(request)
            try:
                if not transaction:
                    pool = _pool(request, database_name)
                    result = func(request, pool, **kwargs)
                    if not isinstance(result, Response):
                        result = json_response(result)
                    return result
                return _call(func, request, database_name, kwargs,
                    auth, readonly, language)
            except PortalError as error:
                error.database = database_name
                return error_response(error, language or default_language())
        wrapper.max_request_size = max_size
        wrapper.portal_endpoint = True
        return wrapper
    return decorator


def _pool(request, database_name):
    "The pool of the database, or a 404"
    database_list = Pool.database_list()
    if database_name not in database_list:
        with Transaction().start(None, 0, readonly=True) as transaction:
            hostname = config.get_hostname(request.host)
            if database_name not in transaction.database.list(
                    hostname=hostname):
                raise PortalError('not_found', 404, 'msg_not_found')
    pool = Pool(database_name)
    if database_name not in database_list:
        with Transaction().start(database_name, 0, readonly=True):
            pool.init()
    try:
        pool.get('edu.portal.api')
    except KeyError:
        # the module is not activated in this database
        raise PortalError('not_found', 404, 'msg_not_found')
    return pool


def _call(func, request, database_name, kwargs, auth, readonly, language):
    pool = _pool(request, database_name)
    user_id = 0
    if auth:
        token, by_cookie = credentials(request)
        check_csrf(request, by_cookie)
        user_id = session_user(pool, request, token)
    if readonly is None:
        readonly_ = request.method not in UNSAFE_METHODS
    else:
        readonly_ = readonly
    request.portal_user = user_id
    request.portal_language = language or default_language()
    retry = config.getint('database', 'retry')
    count = 0
    extras = {}
    while True:
        if count:
            time.sleep(0.02 * count)
        with Transaction().start(database_name, user_id,
                readonly=readonly_, context={'_request': request.context},
                **extras) as transaction:
            try:
                context = {}
                if user_id:
                    context = user_context(pool, user_id)
                user_language = context.get('language')
                context['language'] = (language or user_language
                    or default_language())
                request.portal_language = context['language']
                with transaction.set_context(context, _check_access=True):
                    try:
                        result = func(request, pool, **kwargs)
                    except PortalError:
                        transaction.rollback()
                        raise
                    except (TransactionError,
                            backend.DatabaseOperationalError):
                        raise
                    except Exception as exception:
                        transaction.rollback()
                        raise translate_exception(exception)
            except TransactionError as e:
                transaction.rollback()
                transaction.tasks.clear()
                e.fix(extras)
                continue
            except backend.DatabaseOperationalError:
                if count < retry and not readonly_:
                    transaction.rollback()
                    transaction.tasks.clear()
                    count += 1
                    continue
                raise
            except PortalError as error:
                # the message in the request's language, while the
                # transaction is open
                with transaction.set_context(
                        language=language or request.portal_language):
                    error.message = error.text()
                raise
            transaction.commit()
        if not isinstance(result, Response):
            result = json_response(result)
        return result


def is_period_closed(exception):
    "Whether a Tryton error is the refusal of a closed period"
    name = type(exception).__name__.lower()
    if 'period' in name and ('closed' in name or 'lock' in name):
        return True
    if getattr(exception, 'portal_code', None) == 'period_closed':
        return True
    try:
        closed = gettext('edu_learning.msg_period_closed')
    except Exception:
        return False
    head = closed.split('%')[0].strip()
    return bool(head) and str(exception.message).startswith(head)


def translate_exception(exception):
    """The PortalError answering a Tryton exception (already translated:
    it was raised in the request's language)"""
    if isinstance(exception, PortalError):
        return exception
    if isinstance(exception, AccessError):
        error = PortalError('forbidden', 403, 'msg_forbidden')
        error.message = exception.message
    elif isinstance(exception, (UserError, UserWarning)):
        if is_period_closed(exception):
            error = PortalError('period_closed', 409, 'msg_period_closed')
        elif isinstance(exception, UserWarning):
            error = PortalError('warning', 409, 'msg_conflict')
        else:
            error = PortalError('refused', 400, 'msg_refused')
        error.message = exception.message
        if getattr(exception, 'description', None):
            error.details = {'description': str(exception.description)}
    elif isinstance(exception, ConcurrencyException):
        error = PortalError('conflict', 409, 'msg_conflict')
    elif isinstance(exception, RequestEntityTooLarge):
        error = PortalError('too_large', 413, 'msg_request_too_large')
    elif isinstance(exception, HTTPException):
        error = PortalError('bad_request', exception.code or 400,
            'msg_bad_request')
    elif isinstance(exception, (LoginException, RateLimitException)):
        error = PortalError('unauthorized', 401, 'msg_unauthorized')
    else:
        logger.exception("portal API error")
        error = PortalError('internal', 500, 'msg_internal')
    return error


# --- reading the request ----------------------------------------------

def body(request):
    "The JSON object of the request body"
    if not request.data:
        return {}
    try:
        value = json.loads(request.get_data(as_text=True))
    except (ValueError, UnicodeDecodeError):
        raise PortalError('bad_request', 400, 'msg_bad_json')
    if not isinstance(value, dict):
        raise PortalError('bad_request', 400, 'msg_bad_json')
    return value


def int_arg(values, name, required=True, minimum=1):
    "An integer parameter (query or body)"
    value = values.get(name)
    if value is None or value == '':
        if required:
            raise bad_parameter(name)
        return None
    if isinstance(value, bool):
        raise bad_parameter(name)
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise bad_parameter(name)
    if value < minimum or value > MAX_ID:
        raise bad_parameter(name)
    return value


def date_arg(values, name, default_=None):
    value = values.get(name)
    if value in (None, ''):
        if default_ is None:
            raise bad_parameter(name)
        return default_
    try:
        date = dt.date.fromisoformat(str(value))
    except ValueError:
        raise bad_parameter(name)
    if not (MIN_DATE <= date <= MAX_DATE):
        raise bad_parameter(name)
    return date


def path_id(value, kind):
    "An id of the URL path: out of the database's range is not found"
    if not (0 < value <= MAX_ID):
        raise not_found(kind, None)
    return value


def str_arg(values, name, required=True, max_length=10000):
    value = values.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise bad_parameter(name)
        return None
    if not isinstance(value, str) or len(value) > max_length:
        raise bad_parameter(name)
    return value


def get_model(pool, name):
    "The model of a module the portal calls, or 404 when it is missing"
    try:
        return pool.get(name)
    except KeyError:
        raise PortalError('unavailable', 404, 'msg_unavailable',
            {'model': name})
