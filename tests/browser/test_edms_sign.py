# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Signing a document in the browser with NCALayer (R22.4, R22.10, R22.8,
R22.1, R20, R5.3, R17).

``test_ncalayer_simulator_protocol``: the simulated NCALayer
(``edu_eds.ncalayer_sim``) speaks NCALayer's protocol — the greeting,
``kz.gov.pki.knca.basics`` ``sign`` (detached and attached CMS, one per
data item, verified by edu_eds' ``verify_cms``), the cancelled dialog, the
failures, the older ``commonUtils`` methods, an unknown module — over
``ws://`` and over ``wss://`` with a server certificate of the test PKI,
and ``scripts/ncalayer_sim.py`` runs it from the command line.

``test_edms_sign_in_browser``: ``edms_sign.mjs`` drives headless
Chromium through ``/<db>/portal/edms/`` on the shared demo server
(conftest.py's ``portal_server``: no database of its own).  Before the
browser, a step run in its own process with the database's pool
(``prepare``, as test_portal.py's ``lessons``) sets up:

- a test PKI in a temporary directory (``testca.TestPKI``) with a
  certificate for the demo director's IIN, the school's BIN and the role
  "first head", and one of another person (same BIN and role, another
  IIN); its root and intermediate in ``edu.eds.trust.certificate``;
- the EDS configuration: revocation checked, OCSP at a closed 127.0.0.1
  port (unreachable: the checker falls back to the CRL), the CRL by a
  ``file://`` URL, ``ncalayer_url`` the simulator's ``ws://`` URL;
- two orders on the main activity (kind_order_main: roles first_head or
  signer, the organisation's BIN), each with a PDF and a route of one
  signing step by the director, started (the step pending).

The director logs in (Kazakh), sees both in the task list, opens the first
(its PDF previewed in a frame), signs with the simulated NCALayer: the page
shows the stamp (signer, IIN, serial, time, "verified") and the server has
the signature ('valid') and the document 'signed'.  On the second: the
NCALayer dialog cancelled → "cancelled"; in Russian with another person's
key → the server's wrong-signer reason in Russian, nothing stored; NCALayer
stopped → "NCALayer не запущен" with the link to pki.gov.kz.  Phone-sized
screenshots ``edms-*.png`` go to ``$BILIM_TEST_OUTPUT/browser``; each page
fits a 360 px screen and every control is labelled.  The expected texts
come from ``addons/edu_edms/static/i18n`` and edu_eds' locale, not from
here.
"""
import base64
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'scripts'))
sys.path.insert(0, HERE)
from browser_tools import (  # noqa: E402
    CHROMIUM, NODE_DIR, node, output_dir)

STATIC = os.path.join(ROOT, 'addons', 'edu_edms', 'static')
EDS_LOCALE = os.path.join(ROOT, 'addons', 'edu_eds', 'locale')
SCENARIO_TIMEOUT = 240
OTHER = 'other'
# the seconds a client waits for the simulator (a loaded CI machine)
WAIT = 30


def dictionaries():
    result = {}
    for lang in ('kk', 'ru'):
        with open(os.path.join(STATIC, 'i18n', f'{lang}.json'),
                encoding='utf-8') as fp:
            result[lang] = json.load(fp)
    return result


def eds_message(lang, message_id):
    "The translation of an edu_eds message (ir.message) in lang"
    import polib
    path = os.path.join(EDS_LOCALE, f'{lang}.po')
    for entry in polib.pofile(path):
        if entry.msgctxt == f'model:ir.message,text:{message_id}':
            return entry.msgstr
    pytest.fail(f'no {lang} translation of edu_eds.{message_id}',
        pytrace=False)


def test_edms_page_texts():
    """Every text of the signing page is in both dictionaries, in Kazakh
    and Russian (R17): the keys of edms.js' t('…') and edms.html's
    data-i18n, none empty, the Kazakh ones in Kazakh Cyrillic"""
    import re
    texts = dictionaries()
    with open(os.path.join(STATIC, 'edms.js'), encoding='utf-8') as fp:
        script = fp.read()
    with open(os.path.join(STATIC, 'edms.html'), encoding='utf-8') as fp:
        page = fp.read()
    used = set(re.findall(r"\bt\('([a-z0-9_]+)'\)", script))
    used |= set(re.findall(r"\bt\('([a-z0-9_]+)', ", script))
    used |= set(re.findall(r'data-i18n="([a-z0-9_]+)"', page))
    # the keys built from a value: t('done_' + action), t('btn_' + action)
    for prefix, values in (('done_', ('approve', 'reject', 'return')),
            ('btn_', ('approve', 'reject', 'return', 'sign'))):
        assert f"t('{prefix}' + " in script
        used |= {prefix + v for v in values}
    assert len(used) > 50, used
    assert set(texts['kk']) == set(texts['ru'])
    for lang in ('kk', 'ru'):
        missing = used - set(texts[lang])
        assert not missing, (lang, missing)
        assert all(v.strip() for v in texts[lang].values()), lang
    kazakh = set('әғқңөұүһі')
    assert any(kazakh & set(v.lower()) for v in texts['kk'].values())
    for key in ('ncalayer_not_running', 'ncalayer_cancelled', 'sign_done',
            'stamp_verified', 'btn_sign'):
        assert texts['kk'][key] != texts['ru'][key], key
    assert texts['kk']['ncalayer_not_running'].startswith(
        'NCALayer іске қосылмаған')
    assert texts['ru']['ncalayer_not_running'].startswith(
        'NCALayer не запущен')


# -- the simulated NCALayer alone ---------------------------------------------

@pytest.fixture(scope='module')
def pki():
    from trytond.modules.edu_eds.testca import TestPKI
    directory = tempfile.mkdtemp(prefix='bilim-ncalayer-')
    pki = TestPKI.create(directory)
    pki.issue('director', '880101300123', bin='123456789021',
        roles=('first_head',), organisation='TEST SCHOOL')
    pki.issue('teacher', '900202400234')
    yield pki
    shutil.rmtree(directory, ignore_errors=True)


def test_ncalayer_simulator_protocol(pki):
    "The simulated NCALayer answers as NCALayer does (R22.4, R5.3)"
    from websockets.sync.client import connect

    from trytond.modules.edu_eds import ncalayer_sim as sim_module
    from trytond.modules.edu_eds.cms import verify_cms
    from trytond.modules.edu_eds.trust import TrustStore
    trust = TrustStore(pki.trusted_certificates())
    content = 'Бұйрық № 1'.encode('utf-8')
    for tls in (None, True):
        with sim_module.NCALayerSimulator(pki, 'director', tls=tls) as sim:
            context = sim.tls_context() if tls else None
            assert sim.url.startswith('wss://' if tls else 'ws://')
            # detached CMS over the bytes, verified by edu_eds
            cms = sim_module.sign(sim.url, content, ssl_context=context, timeout=WAIT)
            result = verify_cms(cms, content, trust, None)
            assert result.status == 'valid', result
            assert result.signers[0].cert.iin == '880101300123'
            assert verify_cms(cms, b'other', trust, None).status == (
                'content_mismatch')
            # attached: the content inside
            cms = sim_module.sign(sim.url, content, attached=True,
                ssl_context=context, timeout=WAIT)
            assert verify_cms(cms, None, trust, None).content == content
            # the raw exchange: greeting, one CMS per data item
            kwargs = {'ssl': context} if tls else {}
            with connect(sim.url, open_timeout=WAIT, **kwargs) as ws:
                assert json.loads(ws.recv(WAIT)) == {
                    'result': {'version': '1.4'}}
                ws.send('--heartbeat--')
                assert ws.recv(WAIT) == '--heartbeat--'
                items = [base64.b64encode(b'a').decode(),
                    base64.b64encode(b'b').decode()]
                ws.send(json.dumps({
                            'module': 'kz.gov.pki.knca.basics',
                            'method': 'sign',
                            'args': {'allowedStorages': ['PKCS12'],
                                'format': 'cms', 'data': items,
                                'signingParams': {'decode': True,
                                    'encapsulate': False,
                                    'digested': False, 'tsaProfile': None},
                                'signerParams': {'extKeyUsageOids': []},
                                'locale': 'kk'}}))
                answer = json.loads(ws.recv(WAIT))
                assert answer['status'] is True
                assert len(answer['body']['result']) == 2
                assert verify_cms(answer['body']['result'][1], b'b', trust,
                    None).valid
                ws.send(json.dumps({'module': 'kz.gov.pki.knca.xyz',
                            'method': 'x'}))
                assert json.loads(ws.recv(WAIT)) == {
                    'success': False, 'errorCode': 'MODULE_NOT_FOUND'}
            # the older commonUtils API
            cms = sim_module.create_cades(sim.url, content,
                ssl_context=context, timeout=WAIT)
            assert verify_cms(cms, content, trust, None).valid
            info = sim_module.get_key_info(sim.url, ssl_context=context, timeout=WAIT)
            assert info['subjectCn'] == 'TEST DIRECTOR'
            assert 'IIN880101300123' in info['subjectDn']
            assert info['serialNumber'] == format(
                pki.subject('director').serial, 'x')
            # another person's key
            sim.select('teacher')
            cms = sim_module.sign(sim.url, content, ssl_context=context, timeout=WAIT)
            assert verify_cms(cms, content, trust, None).signers[
                0].cert.iin == '900202400234'
            # a filter of the key's usage NCALayer cannot meet
            with pytest.raises(sim_module.NCALayerError) as error:
                sim_module.sign(sim.url, content, ssl_context=context,
                    extKeyUsageOids=['1.2.398.3.3.4.1.2.1'])
            assert error.value.code == 'SIGNING_FAILURE'
            # the user closes the dialog: status true without a result
            sim.mode = 'cancel'
            assert sim.answer(json.dumps({
                        'module': 'kz.gov.pki.knca.basics',
                        'method': 'sign', 'args': {'format': 'cms',
                            'data': 'YQ==', 'signingParams': {
                                'decode': True}}})) == {
                'status': True, 'body': {}}
            with pytest.raises(sim_module.NCALayerCancelled):
                sim_module.sign(sim.url, content, ssl_context=context, timeout=WAIT)
            with pytest.raises(sim_module.NCALayerCancelled):
                sim_module.create_cades(sim.url, content,
                    ssl_context=context, timeout=WAIT)
            sim.mode = 'error'
            with pytest.raises(sim_module.NCALayerError) as error:
                sim_module.sign(sim.url, content, ssl_context=context, timeout=WAIT)
            assert error.value.code == 'SIGNING_FAILURE'
            sim.mode = 'sign'
            # bad requests are refused, not crashing the server
            assert sim.answer('not json')['status'] is False
            assert sim.answer(json.dumps({
                        'module': 'kz.gov.pki.knca.basics',
                        'method': 'sign', 'args': {'format': 'cms',
                            'data': '***', 'signingParams': {
                                'decode': True}}}))['code'] == (
                'INVALID_SIGNING_PARAMS')
            assert sim.answer(json.dumps({
                        'module': 'kz.gov.pki.knca.basics',
                        'method': 'sign', 'args': {'format': 'xml',
                            'data': '<a/>'}}))['code'] == (
                'INVALID_SIGNING_PARAMS')
            assert sim_module.sign(sim.url, b'x', ssl_context=context, timeout=WAIT)
        # stopped: nothing answers any more
        with pytest.raises(OSError):
            sim_module.sign(sim.url, content, timeout=2,
                ssl_context=context)


def test_ncalayer_simulator_script(pki):
    "scripts/ncalayer_sim.py serves NCALayer from the command line"
    from trytond.modules.edu_eds import ncalayer_sim as sim_module
    from trytond.modules.edu_eds.cms import verify_cms
    from trytond.modules.edu_eds.trust import TrustStore
    process = subprocess.Popen([sys.executable,
            os.path.join(ROOT, 'scripts', 'ncalayer_sim.py'),
            '--pki', pki.directory, '--subject', 'director', '--port', '0'],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=ROOT)
    try:
        line = process.stdout.readline()
        assert line.startswith('NCALayer simulator on ws://127.0.0.1:'), (
            line + process.stderr.read() if not line else line)
        url = line.split()[3].rstrip(',')
        trust = TrustStore(pki.trusted_certificates())
        cms = sim_module.sign(url, b'abc', timeout=WAIT)
        assert verify_cms(cms, b'abc', trust, None).signers[
            0].cert.iin == '880101300123'
        process.stdin.write('select teacher\n')
        process.stdin.flush()
        assert process.stdout.readline().startswith('ok: mode sign')
        cms = sim_module.sign(url, b'abc', timeout=WAIT)
        assert verify_cms(cms, b'abc', trust, None).signers[
            0].cert.iin == '900202400234'
        process.stdin.write('cancel\n')
        process.stdin.flush()
        assert process.stdout.readline().startswith('ok: mode cancel')
        with pytest.raises(sim_module.NCALayerCancelled):
            sim_module.sign(url, b'abc', timeout=WAIT)
        process.stdin.write('quit\n')
        process.stdin.flush()
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
        process.stdin.close()


# -- the browser, on the demo server -----------------------------------------

def call(server, method, path, token=None, body=None, prefix='edms'):
    "A JSON call of the portal; (status, answer)"
    base = 'api/v1' if prefix == 'api' else 'edms'
    url = f'{server["url"]}{server["database"]}/portal/{base}{path}'
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
            'login': login, 'password': server['password']}, prefix='api')
    if status != 200:
        pytest.fail(f'the portal refused the login of {login}: {status} '
            f'{answer}', pytrace=False)
    return answer['token']


def run_scenario(config, simulator):
    """Run edms_sign.mjs, answering its control requests with the
    simulator; return its report (fail with its details if not ok)"""
    out = output_dir()
    for name in os.listdir(out):
        if name.startswith('edms-') and name.endswith('.png'):
            os.remove(os.path.join(out, name))
    config = {
        'outDir': out,
        'nodeDir': NODE_DIR,
        'chromium': CHROMIUM,
        'timeoutMs': 30000,
        **config,
        }
    process = subprocess.Popen(
        [node(), os.path.join(HERE, 'edms_sign.mjs'), json.dumps(config)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    lines = []
    deadline = time.monotonic() + SCENARIO_TIMEOUT
    try:
        for line in process.stdout:
            lines.append(line)
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if not isinstance(message, dict) or 'control' not in message:
                continue
            command = message['control']
            if 'mode' in command:
                simulator.mode = command['mode']
            elif 'select' in command:
                simulator.select(command['select'])
            elif command.get('stop'):
                simulator.stop()
            process.stdin.write(json.dumps({'ok': True}) + '\n')
            process.stdin.flush()
            if time.monotonic() > deadline:
                break
        process.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        stderr = process.stderr.read()
        for stream in (process.stdin, process.stdout, process.stderr):
            stream.close()
    try:
        report = json.loads(lines[-1])
    except (IndexError, ValueError):
        pytest.fail(f'edms_sign.mjs gave no report (exit '
            f'{process.returncode}):\n{"".join(lines)[-3000:]}\n'
            f'{stderr[-5000:]}', pytrace=False)
    with open(os.path.join(out, 'edms-report.json'), 'w') as fp:
        json.dump(report, fp, ensure_ascii=False, indent=2)
    if not report.get('ok'):
        pytest.fail('the signing scenario failed: '
            + report.get('error', '?') + '\n' + '\n'.join(report['steps'])
            + '\nHTTP errors: ' + json.dumps(
                report.get('http_errors'), ensure_ascii=False)
            + '\nconsole errors: ' + json.dumps(
                report.get('console_errors'), ensure_ascii=False)
            + f'\npage {report.get("page_url")}:\n'
            + report.get('page_text', ''), pytrace=False)
    return report


def expected_http_error(line, refused):
    status, method, url = line.split(' ', 2)
    # GET /me before the login tells the page to show the login form
    if status == '401' and method == 'GET' and '/api/v1/me?' in url:
        return True
    # the server refuses the other person's signature
    return (status == '422' and method == 'POST'
        and f'/portal/edms/documents/{refused}/sign?' in url)


def expected_console_error(text):
    # the browser reports the refused calls above and the closed NCALayer
    # port (that is how the page learns NCALayer is not running)
    return ('status of 401' in text or 'status of 422' in text
        or ('WebSocket connection to' in text and 'failed' in text))


def test_edms_sign_in_browser(portal_server):
    "The director signs an order in the browser with NCALayer (R22.4)"
    from trytond.modules.edu_eds import testca
    from trytond.modules.edu_eds.ncalayer_sim import NCALayerSimulator
    texts = dictionaries()
    started = time.monotonic()
    directory = tempfile.mkdtemp(prefix='bilim-edms-pki-')
    try:
        pki = testca.TestPKI.create(directory)
        # a key to start with; the director's is issued by the preparation
        pki.issue('nobody', '850505300111')
        with NCALayerSimulator(pki, 'nobody') as simulator:
            prepare = subprocess.run(
                [sys.executable, os.path.abspath(__file__), 'prepare',
                    portal_server['database'], directory, simulator.url,
                    str(testca.unused_port())],
                env=portal_server['env'], cwd=ROOT, capture_output=True,
                text=True, timeout=300)
            if prepare.returncode:
                pytest.fail('could not prepare the documents to sign:\n'
                    + prepare.stdout[-3000:] + prepare.stderr[-5000:],
                    pytrace=False)
            prepared = json.loads(prepare.stdout.strip().splitlines()[-1])
            prepared_at = time.monotonic()
            simulator.select('director')
            signed, refused = prepared['documents']
            report = run_scenario({
                    'url': portal_server['url'],
                    'database': portal_server['database'],
                    'password': portal_server['password'],
                    'login': 'director',
                    'documents': {'signed': signed, 'refused': refused},
                    'otherSubject': OTHER,
                    }, simulator)
            browser_at = time.monotonic()
            signed_by = [name for name, _ in simulator.signed]
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(f'\n== edms signing: prepared in {prepared_at - started:.1f} s, '
        f'browser {browser_at - prepared_at:.1f} s '
        f'(signature {report["signed"]["ms"]} ms)')

    kk, ru = texts['kk'], texts['ru']
    # -- the HTTP and console errors are the expected ones only
    unexpected = [e for e in report['http_errors']
        if not expected_http_error(e, refused)]
    assert not unexpected, unexpected
    assert any(e.startswith('422 ') for e in report['http_errors'])
    console = [e for e in report['console_errors']
        if not expected_console_error(e)]
    assert not console, console
    # -- every page fits a phone, is labelled, has its landmarks
    for name in ('login', 'tasks', 'document', 'signed', 'cancelled',
            'refused', 'not-running'):
        path = os.path.join(output_dir(), f'edms-{name}.png')
        assert os.path.getsize(path) > 0, path
        assert report['overflow_360'][name] <= 0, (name, report[
                'overflow_360'])
        assert report['unlabeled'][name] == [], (name, report['unlabeled'])
        landmarks = report['landmarks'][name]
        assert landmarks['header'] and landmarks['main'] and landmarks[
            'footer'] and landmarks['h1'], (name, landmarks)

    # -- in Kazakh, the browser's language: the two tasks to sign
    assert report['login_lang'] == 'kk'
    assert report['lang'] == 'kk'
    assert report['tasks_h1'] == kk['tasks_title']
    tasks = {t['document']: t for t in report['tasks']}
    assert {signed, refused} <= set(tasks), report['tasks']
    assert tasks[signed]['action'] == 'sign'
    assert kk['task_sign'] in tasks[signed]['text']
    assert prepared['numbers'][0] in tasks[signed]['text']
    # -- the card and the preview of the PDF
    document = report['document']
    assert document['card']['number'] == prepared['numbers'][0]
    assert document['card']['summary'] == prepared['summaries'][0]
    assert document['state'] == 'on_approval'
    assert document['preview_tag'] == 'iframe'
    assert document['preview_src'].endswith(f'/documents/{signed}/file')
    assert document['preview_title'] == kk['preview_frame'].replace(
        '{name}', prepared['file_name'])
    preview = report['preview_response']
    assert preview['status'] == 200 and preview['magic'] == '%PDF-'
    assert preview['type'] == 'application/pdf'
    assert preview['disposition'].startswith('inline')
    assert preview['size'] == prepared['file_size']
    assert 'sign' in document['buttons']
    assert document['sign_label'] == kk['btn_sign']
    # -- signed: the stamp, verified
    result = report['signed']
    assert result['state'] == 'signed', result
    assert kk['sign_done'] in result['text']
    stamp = result['stamp']
    assert stamp['valid'] and stamp['status'] == 'valid', stamp
    assert stamp['title'] == kk['stamp_title']
    assert stamp['fields']['signer_iin'] == prepared['director_iin']
    assert stamp['fields']['signer_bin'] == prepared['bin']
    assert stamp['fields']['cert_serial'] == prepared['director_serial']
    assert stamp['fields']['signer_name'] == 'TEST DIRECTOR'
    assert stamp['fields']['status'] == kk['stamp_verified']
    assert stamp['fields']['signing_time']
    assert result['stamps_listed'] == 1
    assert result['h1_state'] == 'signed'
    assert result['buttons'] == []
    # -- cancelled: nothing sent to the server
    assert report['cancelled']['state'] == 'cancelled', report['cancelled']
    assert report['cancelled']['text'] == kk['ncalayer_cancelled']
    # -- in Russian, another person's key: the server's reason
    assert report['ru_h1'] == ru['document_title'].replace(
        '{number}', prepared['numbers'][1])
    refusal = report['refused']
    assert refusal['state'] == 'refused', refusal
    assert refusal['reason']['status'] == 'wrong_signer', refusal
    reason = eds_message('ru', 'msg_status_wrong_signer')
    assert reason.split('%')[0].strip() in refusal['reason']['text'], (
        reason, refusal)
    assert refusal['stamps_listed'] == 0
    # -- NCALayer stopped: the clear message and the link to NCA
    not_running = report['not_running']
    assert not_running['state'] == 'not_running', not_running
    assert ru['ncalayer_not_running'] in not_running['text']
    assert not_running['link']['href'].startswith('https://pki.gov.kz/')
    assert not_running['link']['text'] == ru['ncalayer_link']
    assert report['tasks_after'] == [refused] or (
        refused in report['tasks_after']
        and signed not in report['tasks_after']), report['tasks_after']
    # what NCALayer signed: the director's, then the other person's key
    assert signed_by == ['director', OTHER], signed_by

    # -- the server: the first signed and verified, nothing for the second
    token = session(portal_server, 'director')
    status, first = call(portal_server, 'GET', f'/documents/{signed}.json',
        token)
    assert status == 200, first
    assert first['state'] == 'signed'
    assert [s['status'] for s in first['signatures']] == ['valid']
    signature = first['signatures'][0]
    assert signature['signer_iin'] == prepared['director_iin']
    assert signature['cert_serial'] == prepared['director_serial']
    # OCSP unreachable: the CRL decided
    assert signature['revocation_source'] == 'crl'
    assert [s['state'] for s in first['steps']] == ['signed']
    status, second = call(portal_server, 'GET',
        f'/documents/{refused}.json', token)
    assert status == 200, second
    assert second['state'] == 'on_approval'
    assert second['signatures'] == []
    assert [s['state'] for s in second['steps']] == ['pending']
    # -- the decisions of the route: approve, reject, return (R22.3)
    approving, returning = prepared['deciding']
    status, answer = call(portal_server, 'POST',
        f'/documents/{approving}/return', token, body={})
    assert status == 400, answer  # a return needs its comment
    assert answer['error']['code'] == 'refused'
    status, answer = call(portal_server, 'POST',
        f'/documents/{approving}/approve', token, body={'comment': 'OK'})
    assert status == 200, answer
    assert [(s['action'], s['state']) for s in answer['steps']] == [
        ('approve', 'approved'), ('sign', 'pending')], answer['steps']
    assert answer['actions'] == ['reject', 'return', 'sign']
    status, answer = call(portal_server, 'POST',
        f'/documents/{approving}/approve', token, body={})
    assert status == 409, answer  # nothing left to approve
    status, answer = call(portal_server, 'POST',
        f'/documents/{approving}/reject', token,
        body={'comment': 'Мерзімі дұрыс емес'})
    assert status == 200, answer
    assert answer['state'] == 'rejected' and answer['actions'] == []
    status, answer = call(portal_server, 'POST',
        f'/documents/{returning}/return', token,
        body={'comment': 'Қазақ тіліндегі мәтінін қосыңыз'})
    assert status == 200, answer
    assert answer['state'] == 'registered'
    assert 'Қазақ тіліндегі' in [s['comment'] for s in answer['steps']
        if s['state'] == 'returned'][0]
    status, tasks = call(portal_server, 'GET', '/tasks.json', token)
    assert status == 200
    left = {t['document']['id'] for t in tasks}
    assert refused in left and not left & {signed, approving, returning}
    # -- another user is not party to the documents: not found
    other_token = session(portal_server, 'teacher')
    status, answer = call(portal_server, 'GET', f'/documents/{signed}.json',
        other_token)
    assert status == 404, answer
    status, answer = call(portal_server, 'POST',
        f'/documents/{refused}/sign', other_token,
        body={'cms': base64.b64encode(b'x').decode()})
    assert status == 404, answer
    status, tasks = call(portal_server, 'GET', '/tasks.json', other_token)
    assert status == 200 and not [t for t in tasks
        if t['document']['id'] in (signed, refused)], tasks
    # -- a broken CMS: a clear refusal, nothing stored
    status, answer = call(portal_server, 'POST',
        f'/documents/{refused}/sign?lang=kk', token,
        body={'cms': base64.b64encode(b'not a CMS').decode()})
    assert status == 422, answer
    assert answer['error']['details']['status'] == 'malformed'
    assert eds_message('kk', 'msg_status_malformed').split('%')[0].strip(
        ) in answer['error']['message']
    status, answer = call(portal_server, 'POST',
        f'/documents/{refused}/sign', token, body={'cms': '***'})
    assert status == 400, answer
    status, second = call(portal_server, 'GET',
        f'/documents/{refused}.json', token)
    assert second['signatures'] == [] and second['state'] == 'on_approval'


# -- the preparation, run in its own process with the database's pool --------

def make_pdf(title):
    "A one-page PDF (reportlab)"
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    pdf.setFont('Helvetica', 14)
    pdf.drawString(72, 770, title)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def prepare(database, directory, ncalayer_url, closed_port):
    """Certificates of the demo director and of another person, the trust
    roots, the configuration and two orders waiting for the director's
    signature; print what the test needs as JSON.  The transaction is
    retried with the tables it must lock (the configuration singleton's
    first record), as Tryton's RPC does."""
    import create_db
    from trytond.transaction import Transaction, TransactionError
    create_db.open_pool(database)
    extras = {}
    for _ in range(5):
        with Transaction().start(database, 0, **extras) as transaction:
            try:
                result = _prepare(transaction, directory, ncalayer_url,
                    closed_port)
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            transaction.commit()
            break
    print(json.dumps(result, ensure_ascii=False))


def _prepare(transaction, directory, ncalayer_url, closed_port):
    from trytond.modules.edu_base.kz_id import make_iin
    from trytond.modules.edu_eds.testca import TestPKI
    from trytond.pool import Pool
    pool = Pool()
    User = pool.get('res.user')
    Trust = pool.get('edu.eds.trust.certificate')
    Configuration = pool.get('edu.eds.configuration')
    Document = pool.get('edu.edms.document')
    Kind = pool.get('edu.edms.document.kind')
    Step = pool.get('edu.edms.document.step')
    ModelData = pool.get('ir.model.data')
    director, = User.search([('login', '=', 'director')])
    company = director.company
    iin, bin_ = director.iin, company.bin
    if not iin or not bin_:
        raise SystemExit(f'the demo director has no IIN ({iin}) or the '
            f'school no BIN ({bin_})')
    pki = TestPKI.load(directory)
    organisation = company.rec_name
    subject = pki.issue('director', iin, bin=bin_,
        roles=('first_head',), organisation=organisation,
        full_name='TEST DIRECTOR')
    other_iin = make_iin(dt.date(1979, 3, 4), 'male', 4242)
    pki.issue(OTHER, other_iin, bin=bin_, roles=('first_head',),
        organisation=organisation, full_name='TEST OTHER')
    crl = pki.write_crl()
    with transaction.set_context(company=company.id,
            companies=[company.id]):
        known = {bytes(t.data) for t in Trust.search([])}
        Trust.create([{
                    'name': name, 'kind': kind, 'data': der,
                    } for name, kind, der in zip(
                    ['NCA TEST ROOT', 'NCA TEST INTERMEDIATE'],
                    ['root', 'intermediate'],
                    pki.trusted_certificates())
                if der not in known])
        config = Configuration(1)
        config.check_revocation = True
        # OCSP unreachable: the CRL must decide
        config.ocsp_url = f'http://127.0.0.1:{closed_port}/ocsp'
        config.crl_urls = 'file://' + os.path.abspath(crl)
        config.timeout = 2
        config.ncalayer_url = ncalayer_url
        config.save()
        kind = Kind(ModelData.get_id('edu_edms', 'kind_order_main'))
        file_name = 'buyryq.pdf'
        values = []
        summaries = []
        for n in (1, 2):
            summary = (f'Мектептің оқу жылына дайындығы туралы '
                f'бұйрық (тест {n})')
            summaries.append(summary)
            values.append({
                    'company': company.id,
                    'kind': kind.id,
                    'date': dt.date.today(),
                    'summary': summary,
                    'author': director.id,
                    'files': [('create', [{
                                    'name': file_name,
                                    'data': make_pdf(f'Order {n} (TEST)'),
                                    }])],
                    })
        # two more, decided through the API: approve then sign, approve
        for n in (3, 4):
            values.append({**values[0],
                    'summary': f'Ішкі тәртіп ережесі туралы бұйрық (тест {n})',
                    'files': [('create', [{
                                    'name': file_name,
                                    'data': make_pdf(f'Order {n} (TEST)'),
                                    }])],
                    })
        documents = Document.create(values)
        signing, deciding = documents[:2], documents[2:]
        Step.create([{
                    'document': d.id,
                    'stage': 1,
                    'user': director.id,
                    'action': 'sign',
                    'deadline_days': 3,
                    } for d in signing] + [{
                    'document': deciding[0].id,
                    'stage': 1,
                    'user': director.id,
                    'action': 'approve',
                    'deadline_days': 2,
                    }, {
                    'document': deciding[0].id,
                    'stage': 2,
                    'user': director.id,
                    'action': 'sign',
                    'deadline_days': 3,
                    }, {
                    'document': deciding[1].id,
                    'stage': 1,
                    'user': director.id,
                    'action': 'approve',
                    'deadline_days': 2,
                    }])
        Document.start_route(documents)
        documents = Document.browse(signing)
        for document in Document.browse(documents + deciding):
            assert document.state == 'on_approval', document.state
        return {
            'documents': [d.id for d in documents],
            'deciding': [d.id for d in deciding],
            'numbers': [d.number for d in documents],
            'summaries': summaries,
            'file_name': file_name,
            'file_size': len(bytes(documents[0].get_main_file().data)),
            'director_iin': iin,
            'bin': bin_,
            'director_serial': '%X' % subject.serial,
            }


if __name__ == '__main__':
    if sys.argv[1:2] == ['prepare']:
        prepare(*sys.argv[2:6])
