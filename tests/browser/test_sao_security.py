# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Browser test of the security platform in sao, in Kazakh and Russian
(R5.12, R5.13, R5.17-R5.20, R10, R12, R17).

The issue "Security and operations platform" is done when its registers
work in the demo, with an administrator and an auditor able to see them in
sao in kk and ru.  This test proves it on a fresh SQLite demo database
(``make_db.py --demo-parts``: the organisation, then the demo parts
``scripts/demo_edu_*.py`` as ``scripts/create_db.py`` loads them) served by
a ``trytond`` on a loopback port, with headless Chromium driven by
``sao_security.mjs``:

- the **auditor** (language kk) and the **system administrator** (ru) log
  in and open, clicking through Bilim › Configuration › Security and
  › Monitoring: the Security Events (the demo's repeated failed logins),
  the Audit Journal (the HR officer's change of a teacher's mobile number
  and the system administrator's rights change of the methodist), the
  Monitoring's Current State (every reading with a status), the Alerts
  (the demo's two resolved alerts: CPU and disk), the CPU Load graph (a
  line drawn in an SVG chart) and the Failed Logins (the demo's attempts on
  ``director`` from the attacker's address);
- the **director** (kk) opens Bilim › Restricted Personal Data and reads a
  decrypted value (the server has the demo key ring: the test gives the
  build and the server the same ``TRYTOND_BILIM_PRIVACY__KEYS_FILE``);
- the **teacher** (ru) has no such menu entry.

Every window title, column, filter and value label expected is read from
the modules' ``locale/kk.po`` and ``ru.po`` (never written here), sao's own
"Filters", "Search" and "Action" from ``i18n/sao/kk.po`` and ``ru.po``, the
columns from the list views ``view/*_list.xml``, the demo's data from the
demo parts and from the users ``make_db.py`` reports.  Screenshots go to
``$BILIM_TEST_OUTPUT/browser/`` (``security-auditor-kk-*.png``,
``security-sysadmin-ru-*.png``, ``privacy-director-kk-*.png``,
``privacy-teacher-ru-*.png``) with the JSON report
``security-report.json``.

As in test_sao_kazakh.py, the test fails (it is not skipped) when Chromium,
node, playwright-core or sao are missing, and under PostgreSQL runs it still
uses its own SQLite database: it is about the client.
"""
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from xml.etree import ElementTree

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, 'scripts'))
import demo_edu_audit  # noqa: E402
import demo_edu_privacy  # noqa: E402
import test_sao_kazakh as kazakh  # noqa: E402
import trytond_server  # noqa: E402

ADDONS = os.path.join(ROOT, 'addons')
# sao's own translations (scripts/i18n_sao.py installs them in build/sao)
SAO_PO = os.path.join(ROOT, 'i18n', 'sao', '{lang}.po')
# sao's own strings shown on the page: the search bar of a list and the
# global search
SAO_STRINGS = ['Filters', 'Search', 'Action']
DATABASE = 'bilim_security'
LEARNERS = 60
STAFF = 20
# the seconds the browser scenario may take (4 users, 14 windows)
SCENARIO_TIMEOUT = 150


# -- the expected labels: from the modules' translations ---------------------

@functools.lru_cache(maxsize=None)
def translations(module, lang):
    "{(msgctxt, msgid): msgstr} of addons/<module>/locale/<lang>.po"
    path = os.path.join(ADDONS, module, 'locale', f'{lang}.po')
    if not os.path.isfile(path):
        pytest.fail(f'{path} is missing', pytrace=False)
    return kazakh.po_translations(path)


def tr(module, lang, ctxt, msgid=None):
    "The msgstr of ctxt (and msgid) in module's lang.po; fail when missing"
    found = [v for (c, m), v in translations(module, lang).items()
        if c == ctxt and (msgid is None or m == msgid)]
    if not found:
        pytest.fail(f'addons/{module}/locale/{lang}.po has no translation '
            f'for msgctxt "{ctxt}"' + (f' msgid "{msgid}"' if msgid else ''),
            pytrace=False)
    return found[0]


def menu(module, lang, xml_id):
    return tr(module, lang, f'model:ir.ui.menu,name:{xml_id}')


def tab_domain(module, lang, xml_id):
    return tr(module, lang, f'model:ir.action.act_window.domain,name:{xml_id}')


def field(module, lang, model, name):
    return tr(module, lang, f'field:{model},{name}:')


def selection(module, lang, model, name, msgid):
    return tr(module, lang, f'selection:{model},{name}:', msgid)


def columns(module, lang, model, view):
    """The translated labels of the columns always shown by the list view
    addons/<module>/view/<view>.xml (the optional ones may be hidden)"""
    tree = ElementTree.parse(os.path.join(ADDONS, module, 'view', view
            + '.xml'))
    return {name: field(module, lang, model, name)
        for name in (f.get('name') for f in tree.iterfind('field')
            if f.get('optional') != '1')}


def sao_strings(lang):
    "{msgid: msgstr} of SAO_STRINGS in i18n/sao/<lang>.po"
    path = SAO_PO.format(lang=lang)
    if not os.path.isfile(path):
        pytest.fail(f'{path} is missing', pytrace=False)
    translations = kazakh.po_translations(path)
    missing = [m for m in SAO_STRINGS if (None, m) not in translations]
    if missing:
        pytest.fail(f'{path} has no translation for {missing}', pytrace=False)
    return {m: translations[None, m] for m in SAO_STRINGS}


def check_sao_strings(result, lang):
    """sao's own "Filters", "Search" and "Action" are shown in the user's
    language: the translations of i18n/sao/<lang>.po, not the msgids"""
    expected = sao_strings(lang)
    assert result['global_search_placeholder'] == expected['Action'], (
        result['global_search_placeholder'], expected)
    events = result['steps']['events']
    assert events.get('filters_button') == expected['Filters'], (
        events.get('filters_button'), expected)
    assert events.get('search_placeholder') == expected['Search'], (
        events.get('search_placeholder'), expected)
    for msgid, text in expected.items():
        assert text != msgid, (lang, msgid, text)


def expectations(lang):
    "The labels a user whose language is lang must see, by window"
    def base(xml_id):
        return menu('edu_base', lang, xml_id)
    security = [base('menu_edu'), base('menu_configuration'),
        menu('edu_security', lang, 'menu_security')]
    monitoring = [base('menu_edu'), base('menu_configuration'),
        menu('edu_monitoring', lang, 'menu_monitoring')]
    return {
        'events': {
            'path': security + [menu('edu_security', lang, 'menu_event')],
            'tab': tab_domain('edu_security', lang, 'act_event_domain_all'),
            'columns': columns('edu_security', lang, 'edu.security.event',
                'event_list'),
            'login_failures': selection('edu_security', lang,
                'edu.security.event', 'kind', 'Repeated failed logins'),
            'warning': selection('edu_security', lang,
                'edu.security.event', 'severity', 'Warning'),
            },
        'audit': {
            'path': security + [menu('edu_audit', lang, 'menu_entry')],
            'tab': tab_domain('edu_audit', lang, 'act_entry_domain_all'),
            'columns': columns('edu_audit', lang, 'edu.audit.entry',
                'entry_list'),
            'changed': selection('edu_audit', lang, 'edu.audit.entry',
                'action', 'Changed'),
            'critical': selection('edu_audit', lang, 'edu.audit.entry',
                'action', 'Critical Action'),
            },
        'status': {
            'path': monitoring + [
                menu('edu_monitoring', lang, 'menu_status')],
            'columns': columns('edu_monitoring', lang,
                'edu.monitoring.status', 'status_list'),
            'statuses': {selection('edu_monitoring', lang,
                    'edu.monitoring.status', 'status', s)
                for s in ['OK', 'Warning', 'Critical']},
            },
        'alerts': {
            'path': monitoring + [menu('edu_monitoring', lang, 'menu_alert')],
            'tab': tab_domain('edu_monitoring', lang, 'act_alert_domain2'),
            'columns': columns('edu_monitoring', lang,
                'edu.monitoring.alert', 'alert_list'),
            'resolved': selection('edu_monitoring', lang,
                'edu.monitoring.alert', 'state', 'Resolved'),
            'cpu': selection('edu_monitoring', lang, 'edu.monitoring.alert',
                'metric', 'CPU'),
            'disk': selection('edu_monitoring', lang, 'edu.monitoring.alert',
                'metric', 'Disk'),
            },
        'cpu_graph': {
            'path': monitoring + [
                menu('edu_monitoring', lang, 'menu_sample_cpu')],
            'measure': field('edu_monitoring', lang, 'edu.monitoring.sample',
                'cpu_percent'),
            },
        'failures': {
            'path': security + [
                menu('edu_security', lang, 'menu_login_failure')],
            'columns': columns('edu_security', lang, 'edu.login.failure',
                'login_failure_list'),
            'wrong_password': selection('edu_security', lang,
                'edu.login.failure', 'reason', 'Wrong password'),
            },
        }


def privacy_expectations(lang):
    module = 'edu_privacy'
    model = 'edu.person.restricted'
    return {
        'path': [menu('edu_base', lang, 'menu_edu'),
            menu(module, lang, 'menu_restricted')],
        'columns': columns(module, lang, model, 'restricted_list'),
        'health_groups': {selection(module, lang, model, 'health_group', m)
            for m in ['I', 'II', 'III', 'IV', 'V']},
        'labels': [field(module, lang, model, n) for n in [
                'person', 'health_group', 'disability_group']],
        }


# -- the demo database and its server -----------------------------------------

def server_env(tmp):
    "The environment of the build and of the server: the same key ring"
    env = kazakh.server_env(tmp)
    for name in list(env):
        if name.startswith('TRYTOND_BILIM_PRIVACY__'):
            del env[name]
    # written by the demo part of edu_privacy (mode 0600), read by the server
    env['TRYTOND_BILIM_PRIVACY__KEYS_FILE'] = os.path.join(tmp, 'privacy.keys')
    return env


@pytest.fixture(scope='module')
def security_server():
    "A trytond serving sao and a demo database with the demo parts"
    kazakh.check_tools()
    out = kazakh.output_dir()
    tmp = tempfile.mkdtemp(prefix='bilim-browser-security-')
    env = server_env(tmp)
    started = time.monotonic()
    build = subprocess.run(
        [sys.executable, os.path.join(HERE, 'make_db.py'), DATABASE,
            '--learners', str(LEARNERS), '--staff', str(STAFF),
            '--demo-parts'],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    if build.returncode:
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.fail('could not create the test database:\n'
            + build.stdout[-3000:] + build.stderr[-5000:], pytrace=False)
    info = json.loads(build.stdout.strip().splitlines()[-1])
    parts = info.get('demo_parts') or {}
    print(f'\n== browser test database {DATABASE} in {tmp}: created in '
        f'{info["create_seconds"]} s, demo in {info["demo_seconds"]} s, '
        'parts ' + ', '.join(f'{n[5:]} {p["seconds"]} s'
            for n, p in parts.items()))
    missing = {'demo_edu_audit', 'demo_edu_monitoring',
        'demo_edu_privacy'} - set(parts)
    if missing:
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.fail(f'the demo parts {sorted(missing)} were not loaded: '
            f'{sorted(parts)}', pytrace=False)
    log_path = os.path.join(out, 'trytond-security.log')
    try:
        server = trytond_server.start(
            DATABASE, env=env, log_path=log_path, timeout=60)
    except trytond_server.ServerError as error:
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.fail(str(error), pytrace=False)
    try:
        print(f'== trytond answers on {server.url} '
            f'({time.monotonic() - started:.1f} s after the start)')
        yield {
            'url': server.url,
            'database': DATABASE,
            'password': info.get('password') or kazakh.FALLBACK_PASSWORD,
            'users': {u['login']: u for u in info.get('users', [])},
            'parts': parts,
            'log': log_path,
            }
    finally:
        server.stop(timeout=15)
        shutil.rmtree(tmp, ignore_errors=True)


def platform_steps(expect):
    "The windows an administrator or an auditor opens, in this order"
    return [
        {'key': 'events', 'kind': 'list', 'path': expect['events']['path'],
            'tab': expect['events']['tab'], 'minRows': 2},
        {'key': 'audit', 'kind': 'list', 'path': expect['audit']['path'],
            'tab': expect['audit']['tab'], 'minRows': 4},
        {'key': 'status', 'kind': 'list', 'path': expect['status']['path'],
            'minRows': 1},
        {'key': 'alerts', 'kind': 'list', 'path': expect['alerts']['path'],
            'tab': expect['alerts']['tab'], 'minRows': 2},
        {'key': 'cpu_graph', 'kind': 'graph',
            'path': expect['cpu_graph']['path']},
        {'key': 'failures', 'kind': 'list',
            'path': expect['failures']['path'], 'minRows': 2},
        ]


@pytest.fixture(scope='module')
def scenario(security_server):
    "Run sao_security.mjs once for the four users; return its report"
    out = kazakh.output_dir()
    for name in os.listdir(out):
        if name.startswith(('security-', 'privacy-')) and name.endswith(
                '.png'):
            os.remove(os.path.join(out, name))
    users = security_server['users']
    for login in ['auditor', 'sysadmin', 'director', 'teacher']:
        assert login in users, sorted(users)
    password = security_server['password']
    sessions = []
    for login, prefix in [('auditor', 'security-auditor'),
            ('sysadmin', 'security-sysadmin')]:
        lang = users[login]['language']
        sessions.append({'name': login, 'login': login,
                'password': password, 'prefix': f'{prefix}-{lang}',
                'steps': platform_steps(expectations(lang))})
    lang = users['director']['language']
    sessions.append({'name': 'director', 'login': 'director',
            'password': password, 'prefix': f'privacy-director-{lang}',
            'steps': [{'key': 'restricted', 'kind': 'record',
                    'path': privacy_expectations(lang)['path'],
                    'minRows': 1, 'field': 'chronic_conditions',
                    'fields': ['health_group', 'chronic_conditions',
                        'allergies', 'disability_group'],
                    'maxRecords': demo_edu_privacy.RECORDS}]})
    lang = users['teacher']['language']
    sessions.append({'name': 'teacher', 'login': 'teacher',
            'password': password, 'prefix': f'privacy-teacher-{lang}',
            'steps': [{'key': 'bilim', 'kind': 'absent',
                    'path': [menu('edu_base', lang, 'menu_edu')]}]})
    config = {
        'url': security_server['url'],
        'database': security_server['database'],
        'sessions': sessions,
        'outDir': out,
        'nodeDir': kazakh.NODE_DIR,
        'chromium': kazakh.CHROMIUM,
        'timeoutMs': 20000,
        }
    started = time.monotonic()
    run = subprocess.run(
        [kazakh.node(), os.path.join(HERE, 'sao_security.mjs'),
            json.dumps(config)],
        cwd=ROOT, capture_output=True, text=True, timeout=SCENARIO_TIMEOUT)
    lines = run.stdout.strip().splitlines()
    try:
        report = json.loads(lines[-1])
    except (IndexError, ValueError):
        pytest.fail(f'sao_security.mjs gave no report (exit '
            f'{run.returncode}):\n{run.stdout[-3000:]}\n{run.stderr[-5000:]}',
            pytrace=False)
    print(f'== browser scenario: {time.monotonic() - started:.1f} s')
    with open(os.path.join(out, 'security-report.json'), 'w') as fp:
        json.dump(report, fp, ensure_ascii=False, indent=2)
    report['returncode'] = run.returncode
    report['users'] = users
    report['log'] = security_server['log']
    return report


def hint(failed):
    "What the page errors of the failed windows usually mean"
    errors = ' '.join(e for step in failed.values()
        for e in step.get('console_errors') or [])
    if 'ColumnFactory is not a constructor' in errors:
        # sao's lists have no column for a Timestamp or DateTime field
        # (Sao.View.TreeXMLViewParser.WIDGETS): Tryton's own lists show
        # such a field twice, e.g. ir/view/cron_log_list.xml
        return ('\nhint: a list view of these windows has a field that sao '
            'cannot show in a list; a Timestamp or DateTime field needs '
            '<field name="date" widget="date"/> and '
            '<field name="date" widget="time"/>')
    return ''


def session(report, name):
    """The report of a user's session; fail with the story of every window
    that failed"""
    result = report['sessions'].get(name)
    if result is None:
        pytest.fail(f'no session {name} in the report: '
            + report.get('error', '') + '\n' + '\n'.join(report['steps']),
            pytrace=False)
    failed = {key: step for key, step in result.get('steps', {}).items()
        if not step.get('ok')}
    if not result.get('ok') or failed:
        def dump(value):
            return json.dumps(value, ensure_ascii=False)
        pytest.fail(f'the browser scenario of {name} failed: '
            + result.get('error', '') + ''.join(
                f'\n-- window {key} ({" › ".join(step["path"])}): '
                f'{step.get("error", "?")}'
                f'\n   page errors: {dump(step.get("console_errors"))}'
                f'\n   JSON-RPC errors: {dump(step.get("rpc_errors"))}'
                f'\n   screenshot: {step.get("screenshot_failure")}'
                for key, step in failed.items())
            + hint(failed)
            + '\n' + '\n'.join(report['steps'])
            + f'\ntrytond log: {report["log"]}'
            + '\npage text:\n' + result.get('page_text', ''),
            pytrace=False)
    assert not report.get('blocked'), report['blocked']
    assert not result['rpc_errors'], result['rpc_errors']
    # no script error in the page (missing files such as custom.js are
    # no errors of the page)
    page_errors = [e for e in result['console_errors']
        if not e.startswith('Failed to load resource')]
    assert not page_errors, page_errors
    for step in result['steps'].values():
        assert os.path.getsize(step['screenshot']) > 0, step
    return result


def column(result, label):
    "The cells of the column shown under label"
    assert label in result['headers'], (label, result['headers'])
    index = result['headers'].index(label)
    return [row[index] if index < len(row) else None
        for row in result['rows']]


def records(result, labels):
    "The rows as {key: cell} for the columns {key: label}"
    cells = {key: column(result, label) for key, label in labels.items()}
    return [dict(zip(cells, values)) for values in zip(*cells.values())]


def check_translated(result, expected_title, expected_columns):
    "The window's title and columns are the translations, not the msgids"
    assert result['tab_title'] == expected_title, result
    for name, label in expected_columns.items():
        assert label in result['headers'], (name, label, result['headers'])


def check_platform(report, login):
    """What an administrator or an auditor sees of the security platform
    (R5.12, R5.13, R5.17-R5.20) in their language (R17)"""
    users = report['users']
    lang = users[login]['language']
    assert lang in ('kk', 'ru'), users[login]
    result = session(report, login)
    assert result['locale'] == lang, result['locale']
    assert result['html_lang'].startswith(lang), result['html_lang']
    expect = expectations(lang)
    # the menu is in the user's language: its Bilim entry
    assert expect['events']['path'][0] in result['menu'], result['menu']
    steps = result['steps']
    assert list(steps) == [s['key'] for s in platform_steps(expect)]
    for key in ['events', 'audit', 'status', 'alerts', 'failures']:
        check_translated(steps[key], expect[key]['path'][-1],
            expect[key]['columns'])
    assert steps['cpu_graph']['tab_title'] == (
        expect['cpu_graph']['path'][-1])

    # Security Events, All: the threshold of the demo's failed logins
    events = steps['events']
    assert events['active_tab_domain'] == expect['events']['tab'], events
    cols = expect['events']['columns']
    rows = records(events, {'kind': cols['kind'],
            'severity': cols['severity'], 'ip': cols['ip_address']})
    assert any(r['kind'] == expect['events']['login_failures']
        and r['severity'] == expect['events']['warning']
        and r['ip'] == demo_edu_audit.ATTACKER_IP for r in rows), rows

    # the Audit Journal, All: the HR officer's change of the teacher's
    # mobile number and the system administrator's rights change of the
    # methodist (R5.13), by the names of the demo users
    audit = steps['audit']
    assert audit['active_tab_domain'] == expect['audit']['tab'], audit
    cols = expect['audit']['columns']
    rows = records(audit, {'user': cols['user'], 'action': cols['action'],
            'record': cols['record_name']})
    name = {u: users[u]['name'] for u in ['hr', 'sysadmin', 'teacher',
            'methodist']}
    assert any(r['user'] == name['hr']
        and r['action'] == expect['audit']['changed']
        and name['teacher'] in r['record'] for r in rows), (name, rows)
    assert any(r['user'] == name['sysadmin']
        and r['action'] == expect['audit']['critical']
        and name['methodist'] in r['record'] for r in rows), (name, rows)

    # Monitoring, Current State: every reading has a translated status
    status = steps['status']
    cols = expect['status']['columns']
    statuses = column(status, cols['status'])
    assert statuses and all(
        s in expect['status']['statuses'] for s in statuses), statuses
    assert all(column(status, cols['metric'])), status['rows']

    # Alerts, All: the demo's sustained CPU load and full disk, resolved
    alerts = steps['alerts']
    assert alerts['active_tab_domain'] == expect['alerts']['tab'], alerts
    cols = expect['alerts']['columns']
    rows = records(alerts, {'metric': cols['metric'],
            'state': cols['state'], 'resolved_at': cols['resolved_at']})
    resolved = {r['metric'] for r in rows
        if r['state'] == expect['alerts']['resolved'] and r['resolved_at']}
    assert {expect['alerts']['cpu'], expect['alerts']['disk']} <= resolved, (
        rows)

    # the CPU Load graph of the simulated day: a line drawn in the chart
    graph = steps['cpu_graph']['graph']
    assert graph['lines'] >= 1 and graph['line_path_length'] > 20, graph
    assert graph['width'] > 200 and graph['height'] > 100, graph
    assert expect['cpu_graph']['measure'] in graph['legend'], graph

    # Failed Logins: the demo's wrong passwords for director (R5.12)
    failures = steps['failures']
    cols = expect['failures']['columns']
    rows = records(failures, {'login': cols['login'],
            'ip': cols['ip_address'], 'reason': cols['reason']})
    attempts = [r for r in rows if r['login'] == 'director'
        and r['ip'] == demo_edu_audit.ATTACKER_IP
        and r['reason'] == expect['failures']['wrong_password']]
    assert len(attempts) >= 2, rows


def test_auditor_sees_security_platform_in_kazakh(scenario):
    "The auditor (kk) reads the registers of the security platform"
    assert scenario['users']['auditor']['language'] == 'kk'
    check_platform(scenario, 'auditor')
    check_sao_strings(scenario['sessions']['auditor'], 'kk')


def test_sysadmin_sees_security_platform_in_russian(scenario):
    "The system administrator (ru) reads the same registers"
    assert scenario['users']['sysadmin']['language'] == 'ru'
    check_platform(scenario, 'sysadmin')
    # sao's own strings in Russian (i18n/sao/ru.po): sao 8.0 has none
    check_sao_strings(scenario['sessions']['sysadmin'], 'ru')


def test_director_reads_restricted_data_decrypted(scenario):
    """The director opens Restricted Personal Data (R10, R12): the values
    are decrypted with the server's key ring"""
    users = scenario['users']
    lang = users['director']['language']
    result = session(scenario, 'director')
    assert result['locale'] == lang
    expect = privacy_expectations(lang)
    restricted = result['steps']['restricted']
    check_translated(restricted, expect['path'][-1], expect['columns'])
    # the demo's records, each with its decrypted health group
    assert len(restricted['rows']) == demo_edu_privacy.RECORDS, restricted
    groups = column(restricted, expect['columns']['health_group'])
    assert groups and all(
        g in expect['health_groups'] for g in groups), groups
    # a form shows a chronic condition of the demo, in clear
    shown = restricted['forms'][-1]
    assert shown['chronic_conditions'] in [
        c for c in demo_edu_privacy.CHRONIC if c], restricted['forms']
    assert shown['health_group'] in expect['health_groups'], shown
    for label in expect['labels']:
        assert label in restricted['form_labels'], (
            label, restricted['form_labels'])
    assert os.path.getsize(restricted['screenshot_list']) > 0


def test_teacher_has_no_restricted_data_menu(scenario):
    "The teacher's Bilim menu has no Restricted Personal Data (R12)"
    users = scenario['users']
    lang = users['teacher']['language']
    result = session(scenario, 'teacher')
    assert result['locale'] == lang
    bilim = result['steps']['bilim']
    # the Bilim menu is unfolded: the teacher has entries in it
    assert bilim['children'], bilim
    for language in ('kk', 'ru'):
        label = menu('edu_privacy', language, 'menu_restricted')
        assert label not in bilim['children'], bilim['children']
        assert label not in bilim['menu'], bilim['menu']
