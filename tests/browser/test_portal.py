# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Browser test of the Bilim portal, the learners', parents' and teachers'
web app (R27.19, R27.12, R27.11, R27.16, R17, R4, R5.2, R5.6).

``portal.mjs`` drives headless Chromium (Debian's ``/usr/bin/chromium``,
``playwright-core`` from ``build/node``) through the portal at
``/<db>/portal/``:

- the **teacher** logs in, the page is in the teacher's language; the kk/ru
  switch changes every text of the navigation, the ``lang`` attribute and
  the user's language on the server (GET /me); the teacher opens the journal
  of the demo learner's class and, with the keyboard only, types "н" (an
  absence) in the learner's cell of the last-but-one lesson up to today, Tab,
  "9" in the last one, an arrow to the next learner, "10", Enter: each cell
  shows its saved state and, after a reload, the values are still there;
- the **parent** logs in, chooses the child and finds the mark 9 and the
  absence in the child's diary (the weeks of those lessons), the marks and
  the attendance pages, switches kk/ru, and writes a new message to a
  teacher of the class;
- the **learner** logs in, opens the timetable and the diary, hands in the
  week's homework; the network is cut (``context.setOffline(true)``) and the
  page reloaded: the diary and the timetable are shown as they were, from the
  service worker's cache, under the banner "offline — data from <time>";
- the **teacher** finds the homework in the inbox and grades it.

Every main page is photographed in a phone viewport (390×844) into
``$BILIM_TEST_OUTPUT/browser/portal-*.png``; on each, nothing is wider than a
360 px screen, every form control has a label and the landmarks (header,
main, footer) are there.  The expected texts are read from
``addons/edu_portal/static/i18n/{kk,ru}.json``, never written here.

Two runs of the same scenario:

- ``test_portal_front_end_on_contract_stub``: the front end alone, against
  ``portal_mock.mjs`` (the static files served as pages.py does, with the
  same Content-Security-Policy, and the REST API of the contract answered
  from a small school in memory) — screenshots ``portal-stub-*.png``;
- ``test_portal_on_demo_server``: the real thing, a ``trytond`` serving a
  fresh SQLite database built by ``make_db.py --demo-parts`` (the demo
  organisation and the demo parts of the modules: classes, timetable,
  lessons, the journal) — screenshots ``portal-*.png``.  The demo's journal
  covers September and October only: before the browser, the lessons of the
  last three weeks and of this one are generated from the active timetables
  (edu_school's ``Lesson.generate``, as a school does) and a homework is set
  on the demo teacher's first lesson of the week in the learner's class.
  The demo's closed first quarter is checked read-only too.

The stub run also logs in a user whose login asks for a second factor (the
TOTP field appears, focused) and enters a score of a СОр/СОч (the demo has
no summative work in the open quarter).

As the other browser tests, a missing tool fails the test (it is not
skipped), and under PostgreSQL runs the server still uses its own SQLite
database: the test is about the client.
"""
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'scripts'))
import browser_tools  # noqa: E402
from browser_tools import (  # noqa: E402
    CHROMIUM, NODE_DIR, node, output_dir)

STATIC = os.path.join(ROOT, 'addons', 'edu_portal', 'static')
# the demo server: conftest.py's portal_server (shared with
# test_edms_sign.py, built once per session)
SCENARIO_TIMEOUT = 240
# the weeks of lessons generated before this one (generate_recent_lessons)
LESSON_WEEKS = 3
# the navigation of each role, in order (keys of the i18n dictionaries)
TEACHER_NAV = ['nav_today', 'nav_journal', 'nav_timetable', 'nav_inbox',
    'nav_plans', 'nav_announcements', 'nav_messages']
PARENT_NAV = ['nav_diary', 'nav_timetable', 'nav_marks', 'nav_attendance',
    'nav_results', 'nav_announcements', 'nav_messages']
# the pages photographed (portal-<name>.png)
SCREENSHOTS = ['login', 'teacher-today', 'teacher-journal', 'teacher-inbox',
    'teacher-plans', 'teacher-announcements', 'teacher-messages',
    'teacher-timetable', 'teacher-inbox-graded', 'parent-diary', 'parent-marks', 'parent-attendance',
    'parent-results', 'parent-announcements', 'parent-timetable',
    'parent-messages', 'parent-thread', 'learner-timetable',
    'learner-results', 'learner-diary', 'learner-diary-offline',
    'learner-timetable-offline']


def dictionaries():
    result = {}
    for lang in ('kk', 'ru'):
        with open(os.path.join(STATIC, 'i18n', f'{lang}.json'),
                encoding='utf-8') as fp:
            result[lang] = json.load(fp)
    return result


def run_scenario(config, prefix):
    "Run portal.mjs; return its report (fail with its details if not ok)"
    out = output_dir()
    for name in os.listdir(out):
        # the run's own pictures (portal-*.png are not portal-stub-*.png)
        if (name.startswith(prefix + '-') and name.endswith('.png')
                and not name[len(prefix) + 1:].startswith('stub-')):
            os.remove(os.path.join(out, name))
    config = {
        'outDir': out,
        'nodeDir': NODE_DIR,
        'chromium': CHROMIUM,
        'timeoutMs': 30000,
        'prefix': prefix,
        **config,
        }
    run = subprocess.run(
        [node(), os.path.join(HERE, 'portal.mjs'), json.dumps(config)],
        cwd=ROOT, capture_output=True, text=True, timeout=SCENARIO_TIMEOUT)
    lines = run.stdout.strip().splitlines()
    try:
        report = json.loads(lines[-1])
    except (IndexError, ValueError):
        pytest.fail(f'portal.mjs gave no report (exit {run.returncode}):'
            f'\n{run.stdout[-3000:]}\n{run.stderr[-5000:]}', pytrace=False)
    with open(os.path.join(out, f'{prefix}-report.json'), 'w') as fp:
        json.dump(report, fp, ensure_ascii=False, indent=2)
    if not report.get('ok'):
        pytest.fail('the portal scenario failed: '
            + report.get('error', '?') + '\n' + '\n'.join(report['steps'])
            + '\nHTTP errors: ' + json.dumps(
                report.get('http_errors'), ensure_ascii=False)
            + '\nconsole errors: ' + json.dumps(
                report.get('console_errors'), ensure_ascii=False)
            + f'\npage {report.get("page_url")}:\n'
            + report.get('page_text', ''), pytrace=False)
    assert run.returncode == 0
    return report


def expected_http_error(line):
    "A 401 of GET /me before a login is how the app learns it must log in"
    status, method, url = line.split(' ', 2)
    return status == '401' and method == 'GET' and '/api/v1/me?' in url


def check_report(report, texts, languages, prefix):
    """The assertions common to both runs; languages = {'teacher': 'ru',
    'parent': 'kk', 'learner': 'kk'} (the users' languages)"""
    out = output_dir()
    # -- no error but the expected 401 of /me before each login
    unexpected = [e for e in report['http_errors']
        if not expected_http_error(e)]
    if 'totp' in report:
        # the login without the second factor: 401 "totp_required"
        second_factor = [e for e in unexpected
            if e.startswith('401 POST ') and '/api/v1/session?' in e]
        assert len(second_factor) == 1, unexpected
        unexpected.remove(second_factor[0])
    assert not unexpected, unexpected
    console = [e for e in report['console_errors']
        if 'status of 401' not in e]
    assert not console, console
    # -- a phone screenshot of each main page; each fits 360 px, every
    # control labelled, the landmarks there
    for name in SCREENSHOTS:
        path = os.path.join(out, f'{prefix}-{name}.png')
        assert os.path.isfile(path) and os.path.getsize(path) > 0, path
        assert report['overflow_360'][name] <= 0, (name, report[
                'overflow_360'])
        assert report['unlabeled'][name] == [], (name, report['unlabeled'])
        landmarks = report['landmarks'][name]
        assert landmarks['header'] and landmarks['main'] and landmarks[
            'footer'], (name, landmarks)
        assert landmarks['h1'], (name, landmarks)
        if name != 'login':
            assert landmarks['nav'], (name, landmarks)

    # -- the installable app: the manifest at /<db>/portal/, its icons
    manifest = report['manifest']
    assert manifest['status'] == 200, manifest
    assert manifest['url'].endswith('/portal/manifest.webmanifest')
    assert manifest['name'] == 'Bilim' and manifest['display'] == 'standalone'
    assert manifest['start_url'] == manifest['scope']
    assert manifest['scope'] == manifest['url'].rsplit('/', 1)[0] + '/'
    assert {i['sizes'] for i in manifest['icons']} >= {'192x192', '512x512'}
    for icon in manifest['icons']:
        assert icon['status'] == 200, icon
        assert icon['contentType'].startswith(icon['type']), icon

    # -- the teacher: own language, the kk/ru switch, kept on the server
    teacher = report['teacher']
    lang = languages['teacher']
    other = 'kk' if lang == 'ru' else 'ru'
    assert teacher['html_lang'] == lang
    assert teacher['server_language'] == lang
    assert teacher['nav'] == [texts[lang][k] for k in TEACHER_NAV], teacher
    switched = teacher['switched']
    assert switched['html_lang'] == other
    assert switched['nav'] == [texts[other][k] for k in TEACHER_NAV]
    assert switched['h1'] == texts[other]['today_title']
    assert switched['logout'] == texts[other]['logout']
    assert switched['server_language'] == other
    assert teacher['back']['nav'] == teacher['nav']
    assert teacher['back']['server_language'] == lang
    # -- the journal, by keyboard: saved on entry, still there after a reload
    assert teacher['closed'] == 'false'
    target = teacher['target']
    for key in ('absent_state', 'mark_state', 'ten_state'):
        assert teacher[key]['state'] == 'saved', (key, teacher[key])
    assert teacher['tab_moved_to'] == (
        f"{target['markLesson']['id']}:{target['learner']}")
    assert teacher['status_text'] == texts[lang]['saved']
    # "0" is no mark: the cell says so; Delete clears it
    assert teacher['zero_state']['state'] == 'error', teacher['zero_state']
    assert teacher['zero_state']['title'] == texts[lang]['error_mark_range']
    assert teacher['zero_status'] == texts[lang]['save_failed'].replace(
        '{message}', texts[lang]['error_mark_range'])
    assert teacher['cleared_value'] == ''
    if teacher['score_cells']:
        # a СОр/СОч score typed, Enter: saved, still there after a reload
        assert teacher['score_state'] == 'saved', teacher
        assert teacher['score_after_reload'] == int(teacher['score_value'])
    after = teacher['after_reload']
    assert after['absent'] == {
        'value': texts[lang]['att_short_absent'], 'att': 'absent'}, after
    assert after['mark']['value'] == '9', after
    assert after['ten']['value'] == '10', after
    for page in ('inbox', 'plans', 'announcements', 'messages', 'timetable'):
        assert teacher[f'{page}_error'] == 0, page

    # -- the parent sees them in the child's diary, marks and attendance
    parent = report['parent']
    lang = languages['parent']
    other = 'kk' if lang == 'ru' else 'ru'
    assert parent['html_lang'] == lang
    assert parent['nav'] == [texts[lang][k] for k in PARENT_NAV], parent
    assert parent['child'] == target['learner']
    assert parent['absent_lesson']['attendance'] == ['absent'], parent
    assert texts[lang]['att_absent'] in parent['absent_lesson']['text']
    assert parent['mark_lesson']['mark'] == ['9'], parent
    assert parent['diary_h1'] == texts[lang]['diary_title']
    assert parent['switched']['html_lang'] == other
    assert parent['switched']['nav'] == [texts[other][k]
        for k in PARENT_NAV]
    assert parent['switched']['h1'] == texts[other]['diary_title']
    assert '9' in parent['marks_text']
    assert texts[lang]['att_absent'] in parent['attendance_text']
    for page in ('marks', 'attendance', 'results', 'announcements',
            'timetable'):
        assert parent[f'{page}_error'] == 0, page
    # a new message to a teacher of the class: the thread shows it
    assert parent['teachers'], 'no teacher to write to'
    assert parent['thread_title'] == parent['message_subject']
    assert any('Тест хабарлама' in m for m in parent['thread_messages'])

    # -- the teacher grades what the learner handed in
    grading = report['grading']
    assert grading['found'] == 1, grading
    assert grading['ok'] == 1, grading
    assert grading['message'] == texts[languages['teacher']]['saved']
    assert grading['badge'] == texts[languages['teacher']]['sub_graded']

    # -- the learner: the diary and the timetable offline
    learner = report['learner']
    lang = languages['learner']
    assert learner['sw_scope'].endswith('/portal/')
    assert learner['online_diary'] >= 1, learner
    assert learner['online_timetable'] >= 1, learner
    assert not learner['online_banner']
    assert learner['navigator_online'] is False
    assert learner['offline_view'] == 'diary'
    assert learner['offline_diary'] == learner['online_diary']
    assert learner['offline_diary_text'] == learner['online_diary_text']
    assert learner['offline_timetable'] == learner['online_timetable']
    assert learner['offline_timetable_text'] == learner[
        'online_timetable_text']
    # the banner: "offline — data from <time>", the time of the cached copy
    assert learner['offline_banner']
    banner_start = texts[lang]['offline_data_from'].split('{time}')[0]
    assert learner['offline_banner_text'].startswith(banner_start), learner
    assert learner['offline_banner_text'] != banner_start.strip()
    assert learner['offline_cached_at']
    assert learner['offline_timetable_banner'].startswith(banner_start)


def check_closed_period(report, texts, prefix):
    "A closed period: the grid is read-only, the keys change nothing"
    closed = report['teacher']['closed_period']
    assert closed['notice'] == texts['journal_closed']
    assert closed['inputs'] > 0 and closed['readonly'] == closed['inputs']
    assert closed['after'] == closed['before'] and closed['states'] == 0
    assert os.path.getsize(os.path.join(
            output_dir(), f'{prefix}-teacher-journal-closed.png')) > 0


# -- the front end on the contract's stub ------------------------------------

@pytest.fixture
def stub_server():
    browser_tools.check_tools()
    process = subprocess.Popen(
        [node(), os.path.join(HERE, 'portal_mock.mjs'),
            json.dumps({'port': 0, 'database': 'bilim'})],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        if not line:
            pytest.fail('portal_mock.mjs did not start: '
                + process.stderr.read()[-3000:], pytrace=False)
        yield json.loads(line)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        process.stdout.close()
        process.stderr.close()


def test_portal_front_end_on_contract_stub(stub_server):
    texts = dictionaries()
    learner = stub_server['learner']
    report = run_scenario({
            'url': stub_server['url'],
            'database': stub_server['database'],
            'password': stub_server['password'],
            'teacher': 'teacher', 'parent': 'parent', 'learner': 'learner',
            'totp': stub_server['totp'],
            'closedPeriod': stub_server['closed_period'],
            'target': {
                'learnerId': learner['id'],
                'className': learner['class']['name'],
                'subjectName': stub_server['subject']['name'],
                },
            }, 'portal-stub')
    check_report(report, texts,
        {'teacher': 'ru', 'parent': 'kk', 'learner': 'kk'}, 'portal-stub')
    # the login asks for the second factor when the server wants it
    totp = report['totp']
    assert not totp['field_before'] and totp['field_after'], totp
    assert totp['focused'] == 'totp'
    assert totp['message'] == 'Растау кодын енгізіңіз'
    assert totp['label'] in (texts['kk']['login_totp'],
        texts['ru']['login_totp'])
    assert totp['logged_in'] == 'today'
    # the stub's open period has its СОр and СОч
    assert report['teacher']['score_cells'] == 6
    # the learner hands in the homework of the week
    learner = report['learner']
    assert learner['upload_forms'] == 1, learner
    assert learner['upload_ok'] == 1, learner
    assert learner['upload_message'] == texts['kk']['homework_sent']
    check_closed_period(report, texts['ru'], 'portal-stub')
    # the stub's school: three learners, a closed and an open period
    assert report['teacher']['target']['rows'] == 3
    assert report['teacher']['lessons_so_far'] == stub_server[
        'lessons_so_far']


# -- the real portal on the demo database -------------------------------------

def call(server, method, path, token=None, body=None):
    "A JSON call of the portal's API; (status, answer)"
    url = f'{server["url"]}{server["database"]}/portal/api/v1{path}'
    headers = {'Accept': 'application/json'}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers['Content-Type'] = 'application/json'
    if token:
        headers['Authorization'] = f'Bearer {token}'
    request = urllib.request.Request(url, data=data, method=method,
        headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.load(error)
        except ValueError:
            return error.code, None


def session(server, login):
    status, answer = call(server, 'POST', '/session', body={
            'login': login, 'password': server['password']})
    if status != 200:
        pytest.fail(f'the portal refused the login of {login}: {status} '
            f'{answer}', pytrace=False)
    return answer['token'], answer['me']


def demo_target(server):
    """The demo learner, the class and a subject of the demo teacher in it,
    as the API gives them"""
    _, learner = session(server, 'learner')
    if not learner.get('person'):
        pytest.fail(f'the demo learner has no person: {learner}',
            pytrace=False)
    learner_id = learner['person']['id']
    token, parent = session(server, 'parent')
    child = [c for c in parent.get('children', []) if c['id'] == learner_id]
    if not child or not child[0].get('class'):
        pytest.fail('the demo parent does not represent the demo learner '
            f'in a class: {parent.get("children")}', pytrace=False)
    class_ = child[0]['class']
    token, _ = session(server, 'teacher')
    status, taught = call(server, 'GET', '/teacher/classes', token)
    assert status == 200, taught
    subjects = [row['subject'] for row in taught
        if row['class']['id'] == class_['id']]
    if not subjects:
        pytest.fail(f'the demo teacher does not teach {class_["name"]}: '
            f'{taught}', pytrace=False)
    status, periods = call(server, 'GET', '/periods', token)
    assert status == 200, periods
    closed = [p['name'] for p in periods if p['state'] == 'closed']
    return {
        'learnerId': learner_id,
        'className': class_['name'],
        'subjectName': subjects[0]['name'],
        # the demo closes the first quarter when it has ended
        'closedPeriod': closed[0] if closed else None,
        }


def test_portal_on_demo_server(portal_server):
    texts = dictionaries()
    target = demo_target(portal_server)
    users = portal_server['users']
    languages = {login: (users.get(login) or {}).get('language')
        for login in ('teacher', 'parent', 'learner')}
    # the demo's languages (scripts/demo_data.py): a Russian-speaking
    # teacher, a Kazakh-speaking family
    for login, default in (('teacher', 'ru'), ('parent', 'kk'),
            ('learner', 'kk')):
        languages[login] = languages[login] or default
    report = run_scenario({
            'url': portal_server['url'],
            'database': portal_server['database'],
            'password': portal_server['password'],
            'teacher': 'teacher', 'parent': 'parent', 'learner': 'learner',
            'target': target,
            'closedPeriod': target['closedPeriod'],
            }, 'portal')
    check_report(report, texts, languages, 'portal')
    # the learner hands in the homework set on a lesson of this week
    learner = report['learner']
    assert learner['upload_forms'] >= 1, learner
    assert learner['upload_ok'] == 1, learner
    assert learner['upload_message'] == texts[languages['learner']][
        'homework_sent']
    if target['closedPeriod']:
        check_closed_period(report, texts[languages['teacher']], 'portal')
    # the marks are the server's: the parent's API gives them too
    token, _ = session(portal_server, 'parent')
    t = report['teacher']['target']
    for lesson, check in ((t['markLesson'], lambda l: l['mark'] == 9),
            (t['absentLesson'], lambda l: l['attendance'] == 'absent')):
        status, diary = call(portal_server, 'GET',
            f'/diary?learner={target["learnerId"]}&start={lesson["date"]}'
            f'&end={lesson["date"]}', token)
        assert status == 200, diary
        found = [l for d in diary['days'] for l in d['lessons']
            if str(l['lesson']) == lesson['id']]
        assert found and check(found[0]), (lesson, found)


def generate_recent_lessons(database, weeks=LESSON_WEEKS):
    """Generate the dated lessons of the active timetables from the Monday
    `weeks` weeks ago to this week's Saturday (edu_school's
    ``Lesson.generate``: closed periods and days already generated are
    skipped) and set a homework to the demo learner's class.  Run in its
    own process, as make_db.py."""
    import datetime as dt

    import create_db
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    create_db.open_pool(database)
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday())
    start = monday - dt.timedelta(weeks=weeks)
    end = monday + dt.timedelta(days=5)
    with Transaction().start(database, 0) as transaction:
        pool = Pool()
        Timetable = pool.get('edu.timetable')
        Lesson = pool.get('edu.lesson')
        made = sum(Lesson.generate(t, start, end)
            for t in Timetable.search([('state', '=', 'active')]))
        homework = set_homework(pool, monday, end)
        transaction.commit()
    print(json.dumps({'lessons': made, 'start': str(start),
                'end': str(end), 'homework': homework}))


def set_homework(pool, monday, end):
    """A homework on the demo teacher's first lesson of this week in the
    demo learner's class (the demo sets none), for the learner to hand in
    and the teacher to grade; its id"""
    import datetime as dt
    User = pool.get('res.user')
    Enrolment = pool.get('edu.class.enrolment')
    Lesson = pool.get('edu.lesson')
    Homework = pool.get('edu.homework')
    learner, = User.search([('login', '=', 'learner')])
    teacher, = User.search([('login', '=', 'teacher')])
    enrolment, = Enrolment.search([
            ('learner', '=', learner.person.id),
            ('start_date', '<=', dt.date.today()),
            ['OR', ('end_date', '=', None),
                ('end_date', '>=', dt.date.today())],
            ], limit=1)
    lesson = Lesson.search([
            ('class_', '=', enrolment.class_.id),
            ('teacher', '=', teacher.person.id),
            ('date', '>=', monday), ('date', '<=', end),
            ], order=[('date', 'ASC'), ('start_time', 'ASC')], limit=1)[0]
    homework, = Homework.create([{
                'lesson': lesson.id,
                'description': 'Оқулық, 12-бет, 1–5 есептер',
                'due_date': lesson.date + dt.timedelta(days=2),
                }])
    return homework.id


if __name__ == '__main__':
    if sys.argv[1:2] == ['lessons']:
        generate_recent_lessons(sys.argv[2])
