# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Browser test of the sao web client in Kazakh (R17).

A fresh SQLite database with a small demo organisation is served by a
``trytond`` started on a free loopback port (scripts/trytond_server.py);
headless Chromium (Debian's ``/usr/bin/chromium``, driven by
``playwright-core`` from ``build/node``) logs in as the demo accountant,
switches the language to Kazakh in sao's preferences and checks that the
menu and sao's own strings are in Kazakh.  Then, as an accountant would, it
opens Bilim → Persons: the list (IIN column, tab-domain filters, at least
MIN_PERSON_ROWS rows with IINs) and the form of its first row (the Person
page, the IIN whose first six digits are the birth date shown), all labels in
Kazakh.  The expected labels are read from addons/edu_base/locale/kk.po, the
date format from the record lang_kk of addons/edu_base/ir.xml.

The tools are installed by ``scripts/setup-browser.sh`` (``make test``); when
they are missing the test fails, it is not skipped.  Under PostgreSQL runs
(TRYTOND_DATABASE__URI=postgresql://...) the test still uses its own SQLite
database: it is about the client, not the backend.

Screenshots go to ``$BILIM_TEST_OUTPUT/browser`` (default
``test-output/browser``).
"""
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'scripts'))
import trytond_server  # noqa: E402
import browser_tools  # noqa: E402
from browser_tools import (  # noqa: E402
    CHROMIUM, NODE_DIR, node, output_dir)
HERE = os.path.dirname(os.path.abspath(__file__))
SAO_DIR = browser_tools.SAO_DIR
KK_PO = os.path.join(ROOT, 'addons', 'edu_base', 'locale', 'kk.po')
SAO_KK_PO = os.path.join(ROOT, 'i18n', 'sao', 'kk.po')
IR_XML = os.path.join(ROOT, 'addons', 'edu_base', 'ir.xml')
DATABASE = 'bilim_browser'
LOGIN = 'accountant'
FALLBACK_PASSWORD = 'Astana2026!'
LANGUAGE = 'Қазақша'
# rows at least in the Persons list (the demo has 60 learners)
MIN_PERSON_ROWS = 10
# sao strings shown on the page after the switch, checked when translated
SAO_STRINGS = ['Preferences...', 'Logout', 'Action']


def check_tools():
    "Fail (not skip) when a tool of the browser test is missing"
    browser_tools.check_tools(sao=True)


def po_translations(path):
    "Return {(msgctxt, msgid): msgstr} of the translated entries"
    import polib
    return {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(path)
        if e.msgstr and not e.obsolete and 'fuzzy' not in e.flags}


def expected_menu_labels():
    translations = po_translations(KK_PO)
    labels = {}
    for key, xml_id in [('bilim', 'menu_edu'), ('persons', 'menu_person')]:
        ctxt = f'model:ir.ui.menu,name:{xml_id}'
        found = [v for (c, _), v in translations.items() if c == ctxt]
        if not found:
            pytest.fail(f'{KK_PO} has no Kazakh translation for '
                f'msgctxt "{ctxt}"', pytrace=False)
        labels[key] = found[0]
    return labels


def po_translation(translations, ctxt, msgid=None):
    "The msgstr of msgctxt ctxt (and msgid); fail when it is missing"
    found = [v for (c, m), v in translations.items()
        if c == ctxt and (msgid is None or m == msgid)]
    if not found:
        pytest.fail(f'{KK_PO} has no Kazakh translation for msgctxt "{ctxt}"'
            + (f' msgid "{msgid}"' if msgid else ''), pytrace=False)
    return found[0]


def expected_persons_labels():
    "The Kazakh labels of the Persons list and form, from kk.po"
    translations = po_translations(KK_PO)
    return {
        'iin': po_translation(translations, 'field:party.party,iin:', 'IIN'),
        'birth_date': po_translation(
            translations, 'field:party.party,birth_date:', 'Birth Date'),
        # the page of the form (view/party_form.xml), not the field is_person
        'person_page': po_translation(
            translations, 'view:party.party:', 'Person'),
        # the tab-domain filters of the action act_person
        'learners': po_translation(translations, 'model:ir.action.'
            'act_window.domain,name:act_person_domain_learner', 'Learners'),
        'staff': po_translation(translations, 'model:ir.action.'
            'act_window.domain,name:act_person_domain_staff', 'Staff'),
        }


def kk_date_format():
    "The date format of the language kk (record lang_kk of ir.xml)"
    from xml.etree import ElementTree
    tree = ElementTree.parse(IR_XML)
    for field in tree.iterfind(
            ".//record[@model='ir.lang'][@id='lang_kk']/field[@name='date']"):
        return field.text
    pytest.fail(f'{IR_XML} has no date format for lang_kk', pytrace=False)


def expected_sao_strings():
    if not os.path.isfile(SAO_KK_PO):
        return {}
    translations = po_translations(SAO_KK_PO)
    return {m: translations[None, m] for m in SAO_STRINGS
        if (None, m) in translations}


def server_env(db_path):
    return browser_tools.server_env(db_path, TRYTOND_WEB__ROOT=SAO_DIR)


@pytest.fixture(scope='session')
def sao_server():
    "A trytond serving sao and a fresh demo database on a loopback port"
    check_tools()
    out = output_dir()
    tmp = tempfile.mkdtemp(prefix='bilim-browser-')
    env = server_env(tmp)
    started = time.monotonic()
    build = subprocess.run(
        [sys.executable, os.path.join(HERE, 'make_db.py'), DATABASE,
            '--learners', '60', '--staff', '20'],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    if build.returncode:
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.fail('could not create the test database:\n'
            + build.stdout[-3000:] + build.stderr[-5000:], pytrace=False)
    info = json.loads(build.stdout.strip().splitlines()[-1])
    print(f'\n== browser test database {DATABASE} in {tmp}: created in '
        f'{info["create_seconds"]} s, demo {info["demo_parameters"]} in '
        f'{info["demo_seconds"]} s')

    log_path = os.path.join(out, 'trytond.log')
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
            'password': info.get('password') or FALLBACK_PASSWORD,
            'logins': info.get('logins', []),
            'log': log_path,
            }
    finally:
        server.stop(timeout=15)
        shutil.rmtree(tmp, ignore_errors=True)


def test_sao_login_and_switch_to_kazakh(sao_server):
    labels = expected_menu_labels()
    persons = expected_persons_labels()
    date_format = kk_date_format()
    sao_strings = expected_sao_strings()
    if sao_server['logins']:
        assert LOGIN in sao_server['logins'], sao_server['logins']
    out = output_dir()
    for name in os.listdir(out):
        if name.startswith('sao-') and name.endswith('.png'):
            os.remove(os.path.join(out, name))
    config = {
        'url': sao_server['url'],
        'database': sao_server['database'],
        'login': LOGIN,
        'password': sao_server['password'],
        'language': LANGUAGE,
        'languageCode': 'kk',
        'expect': labels,
        'persons': {'minRows': MIN_PERSON_ROWS},
        'outDir': out,
        'nodeDir': NODE_DIR,
        'chromium': CHROMIUM,
        'timeoutMs': 30000,
        }
    run = subprocess.run(
        [node(), os.path.join(HERE, 'sao_login.mjs'), json.dumps(config)],
        cwd=ROOT, capture_output=True, text=True, timeout=150)
    lines = run.stdout.strip().splitlines()
    try:
        report = json.loads(lines[-1])
    except (IndexError, ValueError):
        pytest.fail(f'sao_login.mjs gave no report (exit {run.returncode}):'
            f'\n{run.stdout[-3000:]}\n{run.stderr[-5000:]}', pytrace=False)
    with open(os.path.join(out, 'sao-report.json'), 'w') as fp:
        json.dump(report, fp, ensure_ascii=False, indent=2)
    for path in report.get('screenshots', []):
        print(f'screenshot: {path}')
    if not report.get('ok'):
        pytest.fail('the browser scenario failed: '
            + report.get('error', '?') + '\n' + '\n'.join(report['steps'])
            + '\nJSON-RPC errors: ' + json.dumps(
                report.get('rpc_errors'), ensure_ascii=False)
            + '\nconsole errors: ' + json.dumps(
                report.get('console_errors'), ensure_ascii=False)
            + f'\ntrytond log: {sao_server["log"]}'
            + '\npage text:\n' + report.get('page_text', ''), pytrace=False)

    assert run.returncode == 0
    assert not report.get('blocked'), report['blocked']
    assert not report.get('rpc_errors'), report['rpc_errors']
    assert report['login_database'] == DATABASE
    # the accountant logged in (a Russian-speaking user in the demo)
    assert report['menu_before'], "no menu after the login"
    # Kazakh after the switch: the locale, the Bilim menu and its Persons
    assert report['lang_after'] == 'kk'
    assert report['html_lang'].startswith('kk')
    assert labels['bilim'] in report['menu_after'], report['menu_after']
    assert labels['persons'] in report['menu_after'], report['menu_after']
    if report['lang_before'] != 'kk':
        assert labels['persons'] not in report['menu_before']
    # sao's own strings from i18n/sao/kk.po
    if 'Preferences...' in sao_strings:
        assert sao_strings['Preferences...'] in report['user_menu_after']
    if 'Logout' in sao_strings:
        assert sao_strings['Logout'] in report['user_menu_after']
    if 'Action' in sao_strings:
        assert report['global_search_placeholder'] == sao_strings['Action']
    for key in ('screenshot_login', 'screenshot_kazakh'):
        assert os.path.getsize(report[key]) > 0
    check_persons(report, labels, persons, date_format)


def check_persons(report, labels, persons, date_format):
    "The Persons list and the form of its first row, in Kazakh"
    assert not report['persons_rpc_errors'], report['persons_rpc_errors']
    # the list, in a tab named after the menu entry
    listing = report['persons_list']
    assert listing['tab_title'] == labels['persons'], listing['tab_title']
    assert persons['iin'] in listing['headers'], listing['headers']
    assert listing['rows'] >= MIN_PERSON_ROWS, listing
    assert listing['iin_cells'] >= 1, listing['first_rows']
    assert any(re.fullmatch(r'\d{12}', cell)
        for row in listing['first_rows'] for cell in row), listing
    for key, msgid in [('learners', 'Learners'), ('staff', 'Staff')]:
        assert persons[key] in listing['tab_domains'], listing['tab_domains']
        assert msgid not in listing['tab_domains'], listing['tab_domains']
    # the first filter (sequence 10) is the one shown
    assert listing['active_tab_domain'] == persons['learners'], listing
    assert os.path.getsize(report['screenshot_persons_list']) > 0
    # the form of the first row
    form = report['person_form']
    assert form['active_page'] == persons['person_page'], form
    assert persons['person_page'] in form['notebook_tabs'], form
    assert form['birth_date_label'] is not None, form
    assert form['birth_date_label'].rstrip(':') == persons['birth_date'], form
    assert form['iin_label'].rstrip(':') == persons['iin'], form
    assert form['date_format'] == date_format, form
    assert re.fullmatch(r'\d{12}', form['iin']), form
    birth_date = datetime.datetime.strptime(
        form['birth_date'], date_format).date()
    # the IIN starts with the birth date, YYMMDD
    assert form['iin'][:6] == birth_date.strftime('%y%m%d'), form
    assert os.path.getsize(report['screenshot_person_form']) > 0
