# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The endpoints of the portal's REST API v1 (R27.19; R27.1, R27.8, R27.11,
R27.12, R27.16, R27.18).

The contract is ``openapi.py`` (served at ``/<db>/portal/api/v1/
openapi.json``).  The endpoints are thin: they check the parameters, call
the model methods of edu_school (``edu.journal.entry`` ``grid``/``record``,
``edu.summative.result`` ``record``, ``edu.lesson`` ``diary``),
edu_timetable (``edu.substitution.lessons_on``), edu_teaching (homework,
submissions, plans, files) and edu_feedback (announcements, messages) as
the authenticated user, and shape their answer.  Whether a record is seen
or changed is decided by the access rights and record rules of those
modules (api.py runs each call with access checks on); the portal adds
only the checks that a parameter names a learner the user may act for.
"""
import datetime as dt

from trytond import config, security
from trytond.cache import Cache
from trytond.exceptions import LoginException, RateLimitException
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.transaction import Transaction, without_check_access
from trytond.wsgi import app

from . import uploads
from .api import (
    COOKIE, PREFIX, PortalError, bad_parameter, body, credentials, date_arg,
    endpoint, forbidden, get_model, int_arg, json_response, not_found,
    path_id, preferences_cache, str_arg)

#: the role XML ids of edu_base and the names the portal gives them
ROLE_NAMES = {
    'role_deputy_director': 'deputy',
    'role_hr_officer': 'hr',
    'role_ministry_integration': 'api',
    }
MAX_DIARY_DAYS = 31
WEEKDAYS = 6


# --- helpers ------------------------------------------------------------

def ref(record, name=None):
    "{id, name} of a record or None"
    if not record:
        return None
    return {'id': record.id,
        'name': name if name is not None else record.rec_name}


def iso(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


def hhmm(value):
    return value.strftime('%H:%M') if value else None


def identity():
    """(user, person id or None, ids of the learners the person
    represents) of the transaction's user"""
    pool = Pool()
    User = pool.get('res.user')
    Rule = pool.get('ir.rule')
    person, learners, _, _ = Rule._edu_values()
    with without_check_access():
        user = User(Transaction().user)
    return user, (person if person and person > 0 else None), list(learners)


roles_cache = Cache('edu_portal.roles', duration=60, context=False)


def role_names(user):
    "The names of the user's current roles (cached a minute)"
    names = roles_cache.get(user.id)
    if names is None:
        names = _role_names(user)
        roles_cache.set(user.id, names)
    return list(names)


def _role_names(user):
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    now = dt.datetime.now()
    with without_check_access():
        role_ids = [r.role.id for r in user.roles if r.valid(now)]
        data = ModelData.search([
                ('model', '=', 'res.role'),
                ('db_id', 'in', role_ids),
                ])
        names = []
        for record in data:
            fs_id = record.fs_id
            name = ROLE_NAMES.get(fs_id)
            if name is None:
                name = fs_id[5:] if fs_id.startswith('role_') else fs_id
            if name not in names:
                names.append(name)
    return sorted(names)


def current_class(learner):
    "The class of the learner today, or None"
    try:
        Enrolment = Pool().get('edu.class.enrolment')
    except KeyError:
        return None
    today = dt.date.today()
    with without_check_access():
        enrolments = Enrolment.search([
                ('learner', '=', learner.id),
                ('start_date', '<=', today),
                ['OR', ('end_date', '=', None), ('end_date', '>=', today)],
                ], limit=1)
    return enrolments[0] if enrolments else None


def me_data():
    "The GET /me object of the transaction's user"
    pool = Pool()
    user, person, learners = identity()
    Party = pool.get('party.party')
    with without_check_access():
        children = []
        for learner in Party.browse(learners):
            enrolment = current_class(learner)
            children.append({
                    'id': learner.id,
                    'name': learner.rec_name,
                    'class': ref(enrolment.class_) if enrolment else None,
                    })
        classes = []
        if person:
            try:
                Class = pool.get('edu.class')
            except KeyError:
                Class = None
            if Class:
                today = dt.date.today()
                classes = [ref(c) for c in Class.search([
                            ('homeroom_teacher', '=', person),
                            ('year.start_date', '<=', today),
                            ('year.end_date', '>=', today),
                            ], order=[('name', 'ASC')])]
        return {
            'id': user.id,
            'login': user.login,
            'name': user.name or user.login,
            'language': (user.language.code if user.language
                else Transaction().language),
            'roles': role_names(user),
            'person': ref(Party(person)) if person else None,
            'company': ref(user.company),
            'children': children,
            'classes': classes,
            }


def learner_param(request, required_for_parent=True):
    """The learner a call is about: ?learner= (the user's own person, a
    child the user represents, or — for staff — any learner the record
    rules let them read), else the user's own person when a learner, else
    the only child of a parent"""
    user, person, learners = identity()
    learner_id = int_arg(request.args, 'learner', required=False)
    roles = set(role_names(user))
    if learner_id is not None:
        if learner_id == person or learner_id in learners:
            return learner_id
        if roles & {'learner', 'parent'} and not roles - {
                'learner', 'parent'}:
            raise forbidden()
        return learner_id
    if 'learner' in roles and person:
        return person
    if len(learners) == 1 and not required_for_parent:
        return learners[0]
    raise bad_parameter('learner')


def learner_ref(learner_id):
    "{id, name, class} of a learner the user may read"
    Party = Pool().get('party.party')
    learners = Party.search([('id', '=', learner_id)], limit=1)
    if not learners:
        raise not_found('learner', learner_id)
    learner, = learners
    enrolment = current_class(learner)
    return {
        'id': learner.id,
        'name': learner.rec_name,
        'class': ref(enrolment.class_) if enrolment else None,
        }


def company_id():
    company = Transaction().context.get('company')
    if not company:
        raise PortalError('unavailable', 404, 'msg_no_company')
    return company


def file_url(kind, record_id):
    "The absolute path of the download of a file"
    database = Transaction().database.name
    return f'/{database}/portal/api/v1/files/{kind}/{record_id}'


def file_info(kind, record_id, name):
    if not name:
        return None
    return {'name': name, 'url': file_url(kind, record_id)}


# --- session ------------------------------------------------------------

@app.route(PREFIX + '/session', methods={'POST'})
@endpoint(auth=False, transaction=False)
def session_create(request, pool):
    """Log in with the login, the password and, when the account has one,
    the second factor (edu_mfa), through Tryton's own login: failed logins
    are recorded (edu_security) and throttled"""
    data = body(request)
    login = str_arg(data, 'login', max_length=512)
    password = str_arg(data, 'password', max_length=1024)
    parameters = {'password': password}
    if data.get('totp') not in (None, ''):
        if not isinstance(data['totp'], (str, int)):
            raise bad_parameter('totp')
        parameters['totp'] = str(data['totp'])[:64]
    context = {'_request': request.context}
    database = pool.database_name
    try:
        result = security.login(
            database, login, parameters, cache=True, context=context)
    except LoginException as exception:
        if exception.name == 'totp':
            raise PortalError('totp_required', 401, 'msg_totp_required',
                {'parameter': 'totp'})
        raise PortalError('second_factor_required', 401,
            'msg_second_factor_required',
            {'parameter': exception.name, 'type': exception.type})
    except RateLimitException:
        raise PortalError('throttled', 429, 'msg_throttled',
            headers={'Retry-After': '60'})
    if not result:
        raise PortalError('login_failed', 401, 'msg_login_failed')
    user_id, key = result
    with Transaction().start(database, user_id, context=context):
        User = pool.get('res.user')
        preferences = User.get_preferences(context_only=True)
        language = request.args.get('lang') or preferences.get('language')
        with Transaction().set_context(preferences, language=language,
                _check_access=True):
            me = me_data()
    response = json_response({
            'token': key,
            'expires_in': config.getint('session', 'timeout'),
            'me': me,
            })
    set_cookie(response, database, key)
    return response


def set_cookie(response, database, key):
    response.set_cookie(COOKIE, key,
        max_age=config.getint('session', 'max_age'),
        path=f'/{database}/portal',
        secure=config.getboolean(
            'bilim_portal', 'secure_cookie', default=True),
        httponly=True, samesite='Strict')


@app.route(PREFIX + '/session', methods={'DELETE'})
@endpoint()
def session_delete(request, pool):
    "Log out: the session is deleted"
    Session = pool.get('ir.session')
    token, _ = credentials(request)
    with without_check_access():
        Session.remove(token, domain=[
                ('create_uid', '=', Transaction().user)])
    response = Response(status=204)
    response.headers['Cache-Control'] = 'no-store'
    response.delete_cookie(COOKIE, path=f'/{pool.database_name}/portal',
        secure=config.getboolean(
            'bilim_portal', 'secure_cookie', default=True),
        httponly=True, samesite='Strict')
    return response


# --- me -----------------------------------------------------------------

@app.route(PREFIX + '/me', methods={'GET'})
@endpoint()
def me(request, pool):
    return me_data()


@app.route(PREFIX + '/me/language', methods={'PUT'})
@endpoint()
def me_language(request, pool):
    Lang = pool.get('ir.lang')
    User = pool.get('res.user')
    data = body(request)
    code = data.get('language')
    if code not in {'kk', 'ru'}:
        raise bad_parameter('language')
    with without_check_access():
        if not Lang.search([('code', '=', code)], limit=1):
            raise bad_parameter('language')
    # as Tryton's RPC of set_preferences: its own checks, not the access
    # rights of res.user (the user changes only their preferences)
    with without_check_access():
        User.set_preferences({'language': code})
    preferences_cache.clear()
    with Transaction().set_context(language=code):
        return me_data()


# --- periods, timetable -------------------------------------------------

def current_year(pool, date=None):
    Year = get_model(pool, 'edu.academic.year')
    return Year.find(company_id(), date or dt.date.today())


@app.route(PREFIX + '/periods', methods={'GET'})
@endpoint()
def periods(request, pool):
    Period = get_model(pool, 'edu.academic.period')
    year = current_year(pool)
    if not year:
        return []
    today = dt.date.today()
    return [{
            'id': p.id,
            'name': p.name,
            'number': p.number,
            'start_date': iso(p.start_date),
            'end_date': iso(p.end_date),
            'state': p.state,
            'current': p.start_date <= today <= p.end_date,
            } for p in Period.search([('year', '=', year.id)],
            order=[('start_date', 'ASC')])]


@app.route(PREFIX + '/timetable', methods={'GET'})
@endpoint()
def timetable(request, pool):
    """The week of ?date= (Monday to Saturday): a teacher's own lessons,
    a learner's class, a child's class (?learner=)"""
    Substitution = get_model(pool, 'edu.substitution')
    date = date_arg(request.args, 'date', dt.date.today())
    user, person, learners = identity()
    roles = set(role_names(user))
    learner_id = None
    if request.args.get('learner') or ('learner' in roles) or (
            'parent' in roles and not roles - {'parent', 'learner'}):
        learner_id = learner_param(request)
    class_id = subgroup = None
    if learner_id:
        Party = pool.get('party.party')
        learner = Party.search([('id', '=', learner_id)], limit=1)
        if not learner:
            raise not_found('learner', learner_id)
        enrolment = current_class(learner[0])
        if not enrolment:
            raise not_found('class')
        class_id = enrolment.class_.id
        subgroup = enrolment.subgroup
    elif not person:
        raise bad_parameter('learner')
    week_start = date - dt.timedelta(days=date.weekday())
    days = []
    for offset in range(WEEKDAYS):
        day = week_start + dt.timedelta(days=offset)
        lessons = []
        for item in Substitution.lessons_on(company_id(), day):
            lesson = effective_lesson(item)
            if class_id:
                if lesson['class_id'] != class_id:
                    continue
                if (subgroup and lesson['subgroup']
                        and lesson['subgroup'] != subgroup):
                    continue
            elif lesson['teacher_id'] != person:
                continue
            lessons.append(lesson['data'])
        lessons.sort(key=lambda l: (l['start'] or '', l['bell'] or 0))
        days.append({'date': iso(day), 'weekday': offset,
                'lessons': lessons})
    return {'week_start': iso(week_start), 'days': days}


def effective_lesson(item):
    """Shape an item of ``Substitution.lessons_on``: a dict, a tuple
    (slot, teacher, room) or an object with those attributes"""
    if isinstance(item, dict):
        get = item.get
    elif hasattr(item, 'slot'):
        def get(name, default=None):
            return getattr(item, name, default)
    elif isinstance(item, (tuple, list)):
        values = dict(zip(('slot', 'teacher', 'room'), item))
        get = values.get
    else:
        def get(name, default=None):
            return getattr(item, name, default)
    slot = get('slot')
    teacher = get('teacher') or (slot.teacher if slot else None)
    room = get('room') or (slot.room if slot else None)
    substitute = get('substitute')
    if substitute is None:
        substitute = bool(get('substitution')) or bool(
            slot and slot.teacher and teacher and slot.teacher != teacher)
    teacher = _record(pool_model='party.party', value=teacher)
    room = _record(pool_model='edu.room', value=room)
    bell = slot.bell if slot else None
    return {
        'class_id': slot.class_.id if slot and slot.class_ else None,
        'teacher_id': teacher.id if teacher else None,
        'subgroup': getattr(slot, 'subgroup', None),
        'data': {
            'slot': slot.id if slot else None,
            'bell': bell.number if bell else None,
            'start': hhmm(bell.start_time) if bell else None,
            'end': hhmm(bell.end_time) if bell else None,
            'subject': ref(slot.subject) if slot else None,
            'class': ref(slot.class_) if slot else None,
            'teacher': ref(teacher),
            'room': ref(room),
            'substitute': bool(substitute),
            },
        }


def _record(pool_model, value):
    if value is None or hasattr(value, 'id'):
        return value
    return Pool().get(pool_model)(int(value))


# --- learner: diary, results -------------------------------------------

@app.route(PREFIX + '/diary', methods={'GET'})
@endpoint()
def diary(request, pool):
    """The lessons, attendance, marks and homework of a learner between two
    dates (edu_school's ``Lesson.diary``, with edu_teaching's homework)"""
    Lesson = get_model(pool, 'edu.lesson')
    learner_id = learner_param(request)
    today = dt.date.today()
    start = date_arg(request.args, 'start',
        today - dt.timedelta(days=today.weekday()))
    end = date_arg(request.args, 'end', start + dt.timedelta(days=6))
    if end < start or (end - start).days >= MAX_DIARY_DAYS:
        raise PortalError('range_too_long', 400, 'msg_range_too_long',
            {'maximum_days': MAX_DIARY_DAYS}, days=MAX_DIARY_DAYS)
    learner = learner_ref(learner_id)
    days = Lesson.diary(learner_id, start, end)
    rows = [row for day in days for row in day.get('lessons', [])]
    lesson_ids = [row['id'] for row in rows if row.get('id')]
    # the subject ids and conference links, read once for all lessons
    lessons = {l.id: l for l in Lesson.browse(lesson_ids)}
    homework_ids = [h['id'] for row in rows
        for h in row.get('homework') or [] if h.get('id')]
    materials = homework_materials(pool, homework_ids)
    result = []
    for day in days:
        result.append({
                'date': iso(day.get('date')),
                'lessons': [diary_lesson(row, lessons.get(row.get('id')),
                        materials) for row in day.get('lessons', [])],
                })
    return {'learner': learner, 'days': result}


def homework_materials(pool, homework_ids):
    "homework id -> the files of its materials"
    try:
        Material = pool.get('edu.lesson.material')
    except KeyError:
        return {}
    result = {}
    if not homework_ids:
        return result
    # the homework came from the diary, whose record rules applied
    with without_check_access():
        for material in Material.search([
                    ('homework', 'in', homework_ids),
                    ]):
            info = material_info(material)
            if info:
                result.setdefault(material.homework.id, []).append(info)
    return result


def material_info(material):
    if getattr(material, 'filename', None):
        return file_info('material', material.id, material.filename)
    if getattr(material, 'url', None):
        return {'name': material.name, 'url': material.url}
    return None


def _name(value):
    if value is None:
        return None
    if hasattr(value, 'rec_name'):
        return value.rec_name
    if isinstance(value, dict):
        return value.get('name')
    return str(value)


def diary_lesson(row, lesson, materials):
    "One lesson of Lesson.diary in the shape of the API"
    if lesson is not None:
        subject = ref(lesson.subject)
        conference_url = getattr(lesson, 'conference_url', None)
    else:
        subject = {'id': None, 'name': _name(row.get('subject'))}
        conference_url = None
    return {
        'lesson': row.get('id'),
        'start': hhmm(row.get('start_time')),
        'end': hhmm(row.get('end_time')),
        'subject': subject,
        'topic': row.get('topic'),
        'room': _name(row.get('room')),
        'teacher': _name(row.get('teacher')),
        'attendance': row.get('attendance'),
        'mark': row.get('mark'),
        'conference_url': row.get('conference_url', conference_url),
        'homework': [{
                'id': h['id'],
                'description': h.get('description'),
                'due_date': iso(h.get('due_date')),
                'files': materials.get(h['id'], []),
                'submission': ({
                        'id': h['submission']['id'],
                        'state': h['submission'].get('state'),
                        'mark': h['submission'].get('mark'),
                        'comment': h['submission'].get('comment'),
                        } if h.get('submission') else None),
                } for h in row.get('homework') or []],
        }


@app.route(PREFIX + '/results', methods={'GET'})
@endpoint()
def results(request, pool):
    "The period and year marks of a learner in the current year"
    PeriodMark = get_model(pool, 'edu.period.mark')
    Period = get_model(pool, 'edu.academic.period')
    learner_id = learner_param(request)
    learner_ref(learner_id)
    year = current_year(pool)
    if not year:
        return {'periods': [], 'subjects': []}
    periods = Period.search([('year', '=', year.id)],
        order=[('start_date', 'ASC')])
    marks = PeriodMark.search([
            ('learner', '=', learner_id),
            ('period', 'in', [p.id for p in periods]),
            ])
    year_marks = {}
    try:
        YearMark = pool.get('edu.year.mark')
    except KeyError:
        YearMark = None
    if YearMark:
        for mark in YearMark.search([('learner', '=', learner_id)]):
            if getattr(mark, 'year', None) and mark.year.id != year.id:
                continue
            year_marks[mark.subject.id] = mark.mark
    subjects = {}
    for mark in marks:
        entry = subjects.setdefault(mark.subject.id, {
                'subject': ref(mark.subject),
                'periods': [],
                'year_mark': year_marks.get(mark.subject.id),
                })
        entry['periods'].append({
                'period': mark.period.id,
                'formative_percent': _num(
                    getattr(mark, 'formative_percent', None)),
                'section_percent': _num(
                    getattr(mark, 'section_percent', None)),
                'quarter_percent': _num(
                    getattr(mark, 'quarter_percent', None)),
                'total_percent': _num(getattr(mark, 'total_percent', None)),
                'mark': mark.mark,
                })
    return {
        'periods': [{'id': p.id, 'name': p.name, 'state': p.state}
            for p in periods],
        'subjects': sorted(subjects.values(),
            key=lambda s: s['subject']['name']),
        }


def _num(value):
    return float(value) if value is not None else None


# --- teacher -------------------------------------------------------------

def teacher_person():
    _, person, _ = identity()
    if not person:
        raise forbidden()
    return person


@app.route(PREFIX + '/teacher/today', methods={'GET'})
@endpoint()
def teacher_today(request, pool):
    Lesson = get_model(pool, 'edu.lesson')
    date = date_arg(request.args, 'date', dt.date.today())
    person = teacher_person()
    lessons = Lesson.search([
            ('teacher', '=', person),
            ('date', '=', date),
            ])
    result = []
    for lesson in lessons:
        result.append({
                'lesson': lesson.id,
                'start': hhmm(getattr(lesson, 'start_time', None)),
                'end': hhmm(getattr(lesson, 'end_time', None)),
                'class': ref(lesson.class_),
                'subject': ref(lesson.subject),
                'room': _name(getattr(lesson, 'room', None)),
                'topic': lesson.topic,
                'conference_url': getattr(lesson, 'conference_url', None),
                'state': lesson.state,
                })
    result.sort(key=lambda l: l['start'] or '')
    return result


@app.route(PREFIX + '/teacher/classes', methods={'GET'})
@endpoint()
def teacher_classes(request, pool):
    "The classes and subjects the teacher teaches this year"
    person = teacher_person()
    seen = {}
    try:
        Assignment = pool.get('edu.teaching.assignment')
    except KeyError:
        Assignment = None
    year = current_year(pool)
    if Assignment and year:
        for a in Assignment.search([
                    ('teacher', '=', person),
                    ('year', '=', year.id),
                    ]):
            seen.setdefault(
                (a.class_.id, a.subject.id, a.subgroup or None), {
                    'class': ref(a.class_),
                    'subject': ref(a.subject),
                    'subgroup': a.subgroup or None,
                    })
    Lesson = get_model(pool, 'edu.lesson')
    if year:
        # the lessons given this year, substitutions and lessons made
        # without the timetable included
        lesson = Lesson.__table__()
        cursor = Transaction().connection.cursor()
        query = Lesson.search([
                ('teacher', '=', person),
                ('date', '>=', year.start_date),
                ('date', '<=', year.end_date),
                ], query=True, order=[])
        cursor.execute(*lesson.select(
                lesson.class_, lesson.subject, lesson.subgroup,
                where=lesson.id.in_(query),
                group_by=[lesson.class_, lesson.subject, lesson.subgroup]))
        Class = pool.get('edu.class')
        Subject = pool.get('edu.subject')
        for class_id, subject_id, subgroup in cursor.fetchall():
            seen.setdefault((class_id, subject_id, subgroup or None), {
                    'class': ref(Class(class_id)),
                    'subject': ref(Subject(subject_id)),
                    'subgroup': subgroup or None,
                    })
    Slot = get_model(pool, 'edu.timetable.slot')
    today = dt.date.today()
    for slot in Slot.search([
                ('teacher', '=', person),
                ('timetable.state', '=', 'active'),
                ('timetable.end_date', '>=', today),
                ]):
        seen.setdefault(
            (slot.class_.id, slot.subject.id, slot.subgroup or None), {
                'class': ref(slot.class_),
                'subject': ref(slot.subject),
                'subgroup': slot.subgroup or None,
                })
    return sorted(seen.values(), key=lambda v: (
            v['class']['name'], v['subject']['name'], v['subgroup'] or ''))


@app.route(PREFIX + '/journal', methods={'GET'})
@endpoint()
def journal(request, pool):
    "The journal page of a class, subject and period (JournalEntry.grid)"
    Entry = get_model(pool, 'edu.journal.entry')
    Class = get_model(pool, 'edu.class')
    Subject = get_model(pool, 'edu.subject')
    Period = get_model(pool, 'edu.academic.period')
    class_id = int_arg(request.args, 'class')
    subject_id = int_arg(request.args, 'subject')
    period_id = int_arg(request.args, 'period', required=False)
    for Model, id_, kind in [(Class, class_id, 'class'),
            (Subject, subject_id, 'subject')]:
        if not Model.search([('id', '=', id_)], limit=1):
            raise not_found(kind, id_)
    if period_id is None:
        period = Period.find(company_id(), dt.date.today())
        if not period:
            raise bad_parameter('period')
        period_id = period.id
    elif not Period.search([('id', '=', period_id)], limit=1):
        raise not_found('period', period_id)
    grid = Entry.grid(class_id, subject_id, period_id)
    return journal_shape(pool, grid, class_id, subject_id, period_id)


def journal_shape(pool, grid, class_id, subject_id, period_id):
    "The grid of edu_school in the shape of the API"
    Class = pool.get('edu.class')
    Subject = pool.get('edu.subject')
    Period = pool.get('edu.academic.period')
    period = Period(period_id)

    def keyed(values):
        return {str(k) if not isinstance(k, tuple)
            else ':'.join(str(i) for i in k): v
            for k, v in (values or {}).items()}

    def listed(values, fields_):
        result = []
        for value in values or []:
            if isinstance(value, dict):
                result.append({f: (iso(value.get(f)) if isinstance(
                                value.get(f), (dt.date, dt.datetime))
                            else value.get(f)) for f in fields_})
            else:
                result.append({f: (iso(getattr(value, f, None))
                            if isinstance(getattr(value, f, None),
                                (dt.date, dt.datetime))
                            else (getattr(value, 'rec_name', None)
                                if f == 'name'
                                else getattr(value, f, None)))
                        for f in fields_})
        return result

    cells = {}
    for key, cell in keyed(grid.get('cells')).items():
        if isinstance(cell, dict):
            cells[key] = {
                'attendance': cell.get('attendance'),
                'mark': cell.get('mark'),
                }
        else:
            cells[key] = {
                'attendance': getattr(cell, 'attendance', None),
                'mark': getattr(cell, 'mark', None),
                }
    period_marks = {}
    for key, value in keyed(grid.get('period_marks', grid.get('marks'))
            ).items():
        if isinstance(value, dict):
            period_marks[key] = {
                'total_percent': _num(value.get('total_percent')),
                'mark': value.get('mark'),
                }
        else:
            period_marks[key] = {
                'total_percent': _num(getattr(value, 'total_percent', None)),
                'mark': getattr(value, 'mark', None),
                }
    scores = {k: _num(v) for k, v in keyed(grid.get('scores')).items()}
    return {
        'class': ref(Class(class_id)),
        'subject': ref(Subject(subject_id)),
        'period': {
            'id': period.id,
            'name': period.name,
            'state': period.state,
            'closed': period.state == 'closed',
            },
        'learners': listed(grid.get('learners'), ['id', 'name']),
        'lessons': listed(grid.get('lessons'), ['id', 'date', 'topic']),
        'works': listed(grid.get('works'),
            ['id', 'kind', 'name', 'max_score']),
        'cells': cells,
        'scores': scores,
        'period_marks': period_marks,
        }


ATTENDANCE = {'present', 'absent_excused', 'absent', 'late', 'sick'}


@app.route(PREFIX + '/journal/entry', methods={'PUT'})
@endpoint()
def journal_entry(request, pool):
    "Record the attendance and/or the mark of a learner at a lesson"
    Entry = get_model(pool, 'edu.journal.entry')
    Lesson = get_model(pool, 'edu.lesson')
    data = body(request)
    lesson_id = int_arg(data, 'lesson')
    learner_id = int_arg(data, 'learner')
    attendance = data.get('attendance')
    if attendance is not None and attendance not in ATTENDANCE:
        raise bad_parameter('attendance')
    mark = data.get('mark')
    if mark is not None:
        if isinstance(mark, bool) or not isinstance(mark, int) or not (
                1 <= mark <= 10):
            raise bad_parameter('mark')
    if attendance is None and mark is None and 'mark' not in data:
        raise bad_parameter('attendance')
    if not Lesson.search([('id', '=', lesson_id)], limit=1):
        # a lesson the record rules hide: not the user's class
        with without_check_access():
            exists = Lesson.search([('id', '=', lesson_id)], limit=1)
        if exists:
            raise forbidden()
        raise not_found('lesson', lesson_id)
    # edu_school clears the mark with 0
    entry = Entry.record(lesson_id, learner_id, attendance=attendance,
        mark=0 if 'mark' in data and mark is None else mark)
    return {
        'lesson': lesson_id,
        'learner': learner_id,
        'attendance': getattr(entry, 'attendance', attendance),
        'mark': getattr(entry, 'mark', mark),
        }


@app.route(PREFIX + '/journal/score', methods={'PUT'})
@endpoint()
def journal_score(request, pool):
    "Record the score of a learner for a summative work (СОр/СОч)"
    Result = get_model(pool, 'edu.summative.result')
    Work = get_model(pool, 'edu.summative.work')
    data = body(request)
    work_id = int_arg(data, 'work')
    learner_id = int_arg(data, 'learner')
    score = data.get('score')
    if score is not None and (isinstance(score, bool)
            or not isinstance(score, (int, float)) or score < 0
            or score > 1000):
        raise bad_parameter('score')
    if not Work.search([('id', '=', work_id)], limit=1):
        with without_check_access():
            exists = Work.search([('id', '=', work_id)], limit=1)
        if exists:
            raise forbidden()
        raise not_found('work', work_id)
    result = Result.record(work_id, learner_id, score)
    return {
        'work': work_id,
        'learner': learner_id,
        'score': _num(getattr(result, 'score', score)),
        }


# --- homework -----------------------------------------------------------

def submission_data(submission):
    homework = submission.homework
    lesson = getattr(homework, 'lesson', None)
    name = getattr(submission, 'filename', None)
    return {
        'submission': submission.id,
        'homework': homework.id,
        'learner': ref(submission.learner),
        'class': ref(lesson.class_) if lesson else None,
        'subject': ref(lesson.subject) if lesson else None,
        'submitted_at': iso(getattr(submission, 'submitted_at', None)
            or submission.create_date),
        'text': getattr(submission, 'text', None),
        'file': file_info('submission', submission.id, name),
        'state': submission.state,
        'mark': getattr(submission, 'mark', None),
        'comment': getattr(submission, 'comment', None),
        }


@app.route(PREFIX + '/homework/inbox', methods={'GET'})
@endpoint()
def homework_inbox(request, pool):
    "The submissions waiting for the teacher's check"
    Submission = get_model(pool, 'edu.homework.submission')
    person = teacher_person()
    submissions = Submission.search([
            ('homework.teacher', '=', person),
            ('state', '=', 'submitted'),
            ], order=[('create_date', 'ASC')], limit=500)
    return [submission_data(s) for s in submissions]


SUBMISSION_STATES = {'submitted', 'returned', 'graded'}


@app.route(PREFIX + '/homework/submissions/<int:submission_id>',
    methods={'PATCH'})
@endpoint()
def homework_check(request, pool, submission_id):
    "The teacher's mark, comment and state of a submission"
    submission_id = path_id(submission_id, 'submission')
    Submission = get_model(pool, 'edu.homework.submission')
    data = body(request)
    found = Submission.search([('id', '=', submission_id)], limit=1)
    if not found:
        raise not_found('submission', submission_id)
    submission, = found
    values = {}
    if 'mark' in data:
        mark = data['mark']
        if mark is not None and (isinstance(mark, bool)
                or not isinstance(mark, int) or not (1 <= mark <= 10)):
            raise bad_parameter('mark')
        values['mark'] = mark
    if 'comment' in data:
        comment = data['comment']
        if comment is not None and (not isinstance(comment, str)
                or len(comment) > 10000):
            raise bad_parameter('comment')
        values['comment'] = comment
    state = data.get('state')
    if state is not None and state not in SUBMISSION_STATES:
        raise bad_parameter('state')
    if not values and state is None:
        raise bad_parameter('state')
    if values:
        Submission.write([submission], values)
    if state and state != submission.state:
        if state == 'graded':
            Submission.grade([submission])
        elif state == 'returned':
            Submission.return_([submission])
        else:
            raise bad_parameter('state')
    return submission_data(Submission(submission.id))


@app.route(PREFIX + '/homework/<int:homework_id>/submissions',
    methods={'POST'})
@endpoint(max_size=64 * 1024 * 1024)
def homework_submit(request, pool, homework_id):
    "A learner hands in a homework: text and/or one file"
    homework_id = path_id(homework_id, 'homework')
    Homework = get_model(pool, 'edu.homework')
    Submission = get_model(pool, 'edu.homework.submission')
    _, person, _ = identity()
    if not person:
        raise forbidden()
    if not Homework.search([('id', '=', homework_id)], limit=1):
        raise not_found('homework', homework_id)
    homework = Homework(homework_id)
    text = request.form.get('text') or None
    if text is not None and len(text) > 20000:
        raise bad_parameter('text')
    upload = request.files.get('file')
    values = {'homework': homework.id, 'learner': person}
    if text:
        values['text'] = text
    if upload and upload.filename:
        data = upload.read(max_upload_mb(pool) * 1024 * 1024 + 1)
        check_upload(pool, upload.filename, data)
        values['file'] = data
        values['filename'] = upload.filename[:200]
    if len(values) == 2:
        raise bad_parameter('file')
    existing = Submission.search([
            ('homework', '=', homework.id),
            ('learner', '=', person),
            ], limit=1)
    if existing:
        submission, = existing
        Submission.write([submission], {
                k: v for k, v in values.items()
                if k not in {'homework', 'learner'}})
    else:
        submission, = Submission.create([values])
    return json_response(submission_data(Submission(submission.id)),
        status=201)


def max_upload_mb(pool):
    try:
        Configuration = pool.get('edu.teaching.configuration')
    except KeyError:
        return uploads.DEFAULT_MAX_MB
    configuration = Configuration.get_for(company_id())
    return getattr(configuration, 'max_size', None) or uploads.DEFAULT_MAX_MB


def check_upload(pool, filename, data):
    try:
        return uploads.check(filename, data, max_upload_mb(pool))
    except uploads.UploadRefused as refused:
        if refused.kind == 'size':
            raise PortalError('file_too_large', 413, 'msg_file_too_large',
                {'maximum_mb': refused.values['maximum']},
                maximum=refused.values['maximum'])
        raise PortalError('unsupported_file_type', 415, 'msg_file_type',
            {'allowed': uploads.allowed(),
                'detected': refused.values.get('detected')},
            filename=refused.values['filename'],
            allowed=refused.values['allowed'])


#: kind -> (model, binary field, file name field)
FILE_KINDS = {
    'material': ('edu.lesson.material', 'file', 'filename'),
    'submission': ('edu.homework.submission', 'file', 'filename'),
    'message': ('edu.message', 'attachment', 'attachment_name'),
    }


@app.route(PREFIX + '/files/<kind>/<int:record_id>', methods={'GET'})
@endpoint()
def download(request, pool, kind, record_id):
    "The file of a record that the user may read"
    record_id = path_id(record_id, 'file')
    if kind not in FILE_KINDS:
        raise not_found('file', record_id)
    model, field, name_field = FILE_KINDS[kind]
    Model = get_model(pool, model)
    if not Model.search([('id', '=', record_id)], limit=1):
        raise not_found(kind, record_id)
    record = Model(record_id)
    data = getattr(record, field, None)
    name = getattr(record, name_field, None) or f'{kind}-{record_id}'
    if data is None:
        raise not_found('file', record_id)
    response = Response(bytes(data), status=200,
        content_type=uploads.content_type(name))
    quoted = name.replace('"', '')
    try:
        quoted.encode('latin-1')
        disposition = f'attachment; filename="{quoted}"'
    except UnicodeEncodeError:
        from urllib.parse import quote
        disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    response.headers['Content-Disposition'] = disposition
    response.headers['Cache-Control'] = 'private, no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['Content-Security-Policy'] = "default-src 'none'"
    return response


@app.route(PREFIX + '/lesson-plans', methods={'GET'})
@endpoint()
def lesson_plans(request, pool):
    Plan = get_model(pool, 'edu.lesson.plan')
    person = teacher_person()
    result = []
    for plan in Plan.search([('teacher', '=', person)], limit=500):
        materials = []
        for material in plan.materials:
            materials.append({
                    'id': material.id,
                    'name': material.name,
                    'kind': material.kind,
                    'url': material.url,
                    'file': file_info('material', material.id,
                        material.filename),
                    })
        result.append({
                'id': plan.id,
                'title': plan.title,
                'subject': ref(plan.subject),
                'grade': plan.grade,
                'materials': materials,
                })
    return result


# --- feedback -----------------------------------------------------------

@app.route(PREFIX + '/announcements', methods={'GET'})
@endpoint()
def announcements(request, pool):
    Announcement = get_model(pool, 'edu.announcement')
    found = Announcement.search([('state', '=', 'published')],
        order=[('publish_date', 'DESC'), ('id', 'DESC')], limit=100)
    Attachment = pool.get('ir.attachment')
    attachments = {}
    for attachment in Attachment.search([
                ('resource', 'in', [str(a) for a in found]),
                ]):
        attachments.setdefault(attachment.resource.id, []).append({
                'name': attachment.name,
                'url': file_url('attachment', attachment.id),
                })
    return [{
            'id': a.id,
            'title': a.title,
            'body': a.body,
            'date': iso(a.publish_date or a.create_date),
            'author': _name(getattr(a, 'author_person', None) or a.author),
            'audience': a.audience,
            'attachments': attachments.get(a.id, []),
            } for a in found]


@app.route(PREFIX + '/files/attachment/<int:record_id>', methods={'GET'})
@endpoint()
def download_attachment(request, pool, record_id):
    "An attachment of an announcement the user may read"
    record_id = path_id(record_id, 'file')
    Attachment = pool.get('ir.attachment')
    Announcement = get_model(pool, 'edu.announcement')
    with without_check_access():
        found = Attachment.search([('id', '=', record_id)], limit=1)
        resource = found[0].resource if found else None
    if (not found or not resource
            or resource.__name__ != 'edu.announcement'
            or not Announcement.search([('id', '=', resource.id)],
                limit=1)):
        raise not_found('attachment', record_id)
    with without_check_access():
        attachment = found[0]
        data = attachment.data
        name = attachment.name
    if data is None:
        raise not_found('file', record_id)
    response = Response(bytes(data), content_type=uploads.content_type(name))
    response.headers['Content-Disposition'] = 'attachment'
    response.headers['Cache-Control'] = 'private, no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


def thread_data(thread):
    return {
        'id': thread.id,
        'subject': thread.subject,
        'learner': ref(thread.learner),
        'teacher': ref(thread.teacher),
        'parent': ref(thread.parent),
        'last_message': iso(thread.last_message),
        'unread': thread.unread or 0,
        }


@app.route(PREFIX + '/messages', methods={'GET'})
@endpoint()
def threads(request, pool):
    Thread = get_model(pool, 'edu.message.thread')
    found = Thread.search([], limit=200)
    result = [thread_data(t) for t in found]
    result.sort(key=lambda t: t['last_message'] or '', reverse=True)
    return result


def get_thread(pool, thread_id):
    Thread = get_model(pool, 'edu.message.thread')
    found = Thread.search([('id', '=', thread_id)], limit=1)
    if not found:
        raise not_found('thread', thread_id)
    return found[0]


def messages_data(pool, thread):
    Message = pool.get('edu.message')
    user_id = Transaction().user
    messages = Message.search([('thread', '=', thread.id)],
        order=[('create_date', 'ASC'), ('id', 'ASC')])
    return {
        'thread': thread_data(thread),
        'messages': [{
                'id': m.id,
                'author': _name(m.author),
                'body': m.body,
                'date': iso(m.create_date),
                'mine': m.author.id == user_id,
                'attachment': file_info('message', m.id,
                    getattr(m, 'attachment_name', None)),
                } for m in messages],
        }


@app.route(PREFIX + '/messages/<int:thread_id>', methods={'GET'})
@endpoint(readonly=False)
def thread_messages(request, pool, thread_id):
    "The messages of a thread; those of the others are marked read"
    thread_id = path_id(thread_id, 'thread')
    Message = pool.get('edu.message')
    thread = get_thread(pool, thread_id)
    user_id = Transaction().user
    unread = Message.search([
            ('thread', '=', thread.id),
            ('author', '!=', user_id),
            ('read_date', '=', None),
            ])
    if unread and hasattr(Message, 'mark_read'):
        Message.mark_read(unread)
    return messages_data(pool, thread)


@app.route(PREFIX + '/messages/<int:thread_id>', methods={'POST'})
@endpoint()
def thread_post(request, pool, thread_id):
    thread_id = path_id(thread_id, 'thread')
    Message = get_model(pool, 'edu.message')
    thread = get_thread(pool, thread_id)
    data = body(request)
    text = str_arg(data, 'body', max_length=10000)
    Message.create([{'thread': thread.id, 'body': text}])
    return json_response(messages_data(pool, thread), status=201)


@app.route(PREFIX + '/messages', methods={'POST'})
@endpoint()
def thread_create(request, pool):
    "A parent starts a thread with a teacher of the child"
    Thread = get_model(pool, 'edu.message.thread')
    Message = get_model(pool, 'edu.message')
    _, person, learners = identity()
    data = body(request)
    teacher_id = int_arg(data, 'teacher')
    learner_id = int_arg(data, 'learner')
    subject = str_arg(data, 'subject', max_length=200)
    text = str_arg(data, 'body', max_length=10000)
    if not person or learner_id not in learners:
        raise forbidden()
    if teacher_id not in {t['id'] for t in class_teachers(pool, learner_id)}:
        raise bad_parameter('teacher')
    thread, = Thread.create([{
                'company': company_id(),
                'subject': subject,
                'learner': learner_id,
                'teacher': teacher_id,
                'parent': person,
                }])
    Message.create([{'thread': thread.id, 'body': text}])
    return json_response(messages_data(pool, Thread(thread.id)), status=201)


def class_teachers(pool, learner_id):
    "The teachers of the learner's class this year (timetable, load)"
    Party = pool.get('party.party')
    with without_check_access():
        learner = Party(learner_id)
        enrolment = current_class(learner)
        if not enrolment:
            return []
        class_ = enrolment.class_
        teachers = {}
        try:
            Slot = pool.get('edu.timetable.slot')
        except KeyError:
            Slot = None
        if Slot:
            for slot in Slot.search([('class_', '=', class_.id)]):
                if slot.teacher:
                    teachers.setdefault(slot.teacher.id, {
                            'id': slot.teacher.id,
                            'name': slot.teacher.rec_name,
                            'subjects': set(),
                            })['subjects'].add(slot.subject.rec_name)
        if class_.homeroom_teacher:
            teachers.setdefault(class_.homeroom_teacher.id, {
                    'id': class_.homeroom_teacher.id,
                    'name': class_.homeroom_teacher.rec_name,
                    'subjects': set(),
                    })
    return sorted(({**t, 'subjects': sorted(t['subjects'])}
            for t in teachers.values()), key=lambda t: t['name'])


@app.route(PREFIX + '/teachers', methods={'GET'})
@endpoint()
def teachers(request, pool):
    learner_id = learner_param(request)
    learner_ref(learner_id)
    return class_teachers(pool, learner_id)


# --- the contract -------------------------------------------------------

@app.route(PREFIX + '/openapi.json', methods={'GET'})
@endpoint(auth=False, transaction=False)
def openapi_document(request, pool):
    from .openapi import document
    response = json_response(document(pool.database_name))
    response.headers['Cache-Control'] = 'public, max-age=300'
    response.headers['Access-Control-Allow-Origin'] = '*'
    return response
