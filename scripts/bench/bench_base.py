#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the Bilim ERP base: database build and JSON-RPC latencies.

    .venv/bin/python scripts/bench/bench_base.py [--runs 20] \\
        [--postgresql postgresql://bilim:bilim@127.0.0.1:5432/]

For SQLite (always, unless --no-sqlite) and PostgreSQL (with --postgresql):

1. the time to build the full demo database: a new database, ``trytond-admin
   --all`` and the activation of every Bilim module with kk and ru
   (scripts/create_db.py's ``create``), then ``demo_data.load()`` with its
   defaults;
2. a ``trytond`` is started with that database on a free loopback port
   (scripts/trytond_server.py: ``trytond -c trytond.conf -d <db>`` with
   ``TRYTOND_WEB__LISTEN``) and, through JSON-RPC over HTTP as the sao web
   client does it:

   - ``common.db.login`` of the administrator, the median of --runs logins,
     by sao's endpoint ``POST /<db>/session/login`` (the session comes back
     in the ``tryton_session`` cookie) and by the plain JSON-RPC endpoint
     ``POST /<db>/rpc/`` (the session comes back in the result, for the
     ``Authorization: Session base64(login:user_id:session)`` header);
   - ``model.party.party.search_read`` of 100 persons
     (``[('is_person', '=', True)]``, fields name, iin, birth_date), the
     median of --runs calls;
   - one ``model.party.party.create`` of --persons (1,000) persons with
     valid IINs in a single call.

Nothing here is a test: it only prints its figures (and with --json writes
them).  The databases it creates are removed at the end (unless --keep).
Only 127.0.0.1 is contacted.
"""
import argparse
import base64
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPTS = os.path.join(ROOT, 'scripts')
VENV_BIN = os.path.join(ROOT, '.venv', 'bin')
CONFIG = os.path.join(ROOT, 'trytond.conf')
PYTHON = (os.path.join(VENV_BIN, 'python')
    if os.path.exists(os.path.join(VENV_BIN, 'python')) else sys.executable)
sys.path.insert(0, SCRIPTS)
import trytond_server  # noqa: E402


# -- helpers run in a child process (one backend per process) ---------------

def child_build(database):
    "Create the database and load the default demo; print timings as JSON"
    import create_db
    import demo_data

    started = time.monotonic()
    create_db.create(database)
    created = time.monotonic()
    from trytond.transaction import Transaction
    create_db.open_pool(database)
    with Transaction().start(database, 0, context={}) as transaction:
        summary = demo_data.load()
        transaction.commit()
    loaded = time.monotonic()
    print(json.dumps({
                'create_s': created - started,
                'demo_s': loaded - created,
                'total_s': loaded - started,
                'counts': (summary or {}).get('counts', {}),
                }))


def child_drop(database):
    "Drop a PostgreSQL database"
    from trytond import backend, config
    config.update_etc(CONFIG)
    db = backend.Database('postgres').connect()
    conn = db.get_connection(autocommit=True)
    try:
        if database in db.list():
            db.drop(conn, database)
    finally:
        db.put_connection(conn)
        db.close()


# -- JSON-RPC client, as sao does it ----------------------------------------

class RPCError(Exception):
    pass


class Client:
    "A JSON-RPC client of trytond's HTTP interface on the loopback"

    def __init__(self, url, database):
        self.url = url.rstrip('/')
        self.database = database
        self.cookie = None
        self.authorization = None
        self.context = {}
        self._id = 0

    def _post(self, path, payload, headers=None):
        self._id += 1
        payload = dict(payload, id=self._id)
        request = urllib.request.Request(
            self.url + path, method='POST',
            data=json.dumps(payload).encode('utf-8'),
            headers={'Content-Type': 'application/json', **(headers or {})})
        with urllib.request.urlopen(request, timeout=600) as response:
            data = json.load(response)
            set_cookie = response.headers.get_all('Set-Cookie') or []
        if data.get('error'):
            raise RPCError(data['error'])
        return data['result'], set_cookie

    def login_sao(self, login, password):
        "sao 8.0: POST /<db>/session/login, the session in a cookie"
        result, set_cookie = self._post(
            f'/{self.database}/session/login', {
                'method': 'common.db.login',
                'params': [login, {'password': password}, 'en'],
                })
        for header in set_cookie:
            name, _, rest = header.partition('=')
            if name.strip() == 'tryton_session':
                self.cookie = 'tryton_session=' + rest.split(';', 1)[0]
        if not self.cookie:
            raise RPCError('no tryton_session cookie')
        self.authorization = None
        return result  # [user_id, bus_url_host]

    def login_rpc(self, login, password):
        """JSON-RPC: POST /<db>/rpc/ common.db.login returns
        [user_id, session, bus_url_host]; the calls then carry
        Authorization: Session base64(login:user_id:session)"""
        result, _ = self._post(f'/{self.database}/rpc/', {
                'method': 'common.db.login',
                'params': [login, {'password': password}, 'en'],
                })
        user_id, session = result[0], result[1]
        token = base64.b64encode(
            f'{login}:{user_id}:{session}'.encode('utf-8')).decode('ascii')
        self.authorization = 'Session ' + token
        self.cookie = None
        return result

    def call(self, method, *params):
        headers = {}
        if self.cookie:
            headers['Cookie'] = self.cookie
        if self.authorization:
            headers['Authorization'] = self.authorization
        # like sao: the context is the last parameter
        result, _ = self._post(f'/{self.database}/rpc/', {
                'method': method,
                'params': [*params, self.context],
                }, headers=headers)
        return result

    def reload_context(self):
        "As sao's Session.reload_context: the user's context preferences"
        self.context = {}
        context = self.call('model.res.user.get_preferences', True)
        self.context = {k: v for k, v in context.items()
            if k != 'locale' and not k.endswith('.rec_name')}


def timed(func, *args):
    started = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - started, result


def median_ms(samples):
    return round(statistics.median(samples) * 1000, 1)


def summary_ms(samples):
    return {
        'median_ms': median_ms(samples),
        'min_ms': round(min(samples) * 1000, 1),
        'max_ms': round(max(samples) * 1000, 1),
        'runs': len(samples),
        }


# -- the benchmark of one backend -------------------------------------------

def backend_env(uri, path):
    env = os.environ.copy()
    for name in list(env):
        if name.startswith('TRYTOND_DATABASE__'):
            del env[name]
    env.update({
            'TRYTOND_CONFIG': CONFIG,
            'TRYTOND_DATABASE__URI': uri,
            'TRYTOND_DATABASE__PATH': path,
            'TRYTOND_WEB__ROOT': os.path.join(ROOT, 'build', 'sao'),
            'PYTHONUNBUFFERED': '1',
            })
    return env


def new_persons(count, organisation, taken, seed=8000):
    sys.path.insert(0, os.path.join(ROOT, 'addons', 'edu_base'))
    import kz_id
    rng = random.Random(seed)
    vlist = []
    serial = 0
    while len(vlist) < count:
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000))
        sex = rng.choice(['male', 'female'])
        serial += 1
        iin = kz_id.make_iin(birth, sex, 7000 + serial % 3000)
        if iin in taken:
            continue
        taken.add(iin)
        vlist.append({
                'is_person': True,
                'last_name': f'Бенчмарков{len(vlist)}',
                'first_name': 'Тест' if sex == 'male' else 'Тестова',
                'iin': iin,
                'organisation': organisation,
                })
    return vlist


def bench_backend(name, uri, args, workdir):
    from create_db import ADMIN_PASSWORD
    path = os.path.join(workdir, name)
    os.makedirs(path, exist_ok=True)
    env = backend_env(uri, path)
    database = f'bilim_bench_{os.getpid()}'
    result = {'backend': name, 'database': database}
    print(f'== {name}: building {database} (create, activate, demo) ...',
        flush=True)
    build = subprocess.run(
        [PYTHON, os.path.abspath(__file__), '_build', database],
        env=env, cwd=ROOT, capture_output=True, text=True)
    if build.returncode:
        sys.stderr.write(build.stdout[-3000:] + build.stderr[-6000:])
        raise SystemExit(f'{name}: the database build failed')
    result['build'] = json.loads(build.stdout.strip().splitlines()[-1])
    b = result['build']
    print(f'   create + activate {b["create_s"]:.1f} s, demo '
        f'{b["demo_s"]:.1f} s, total {b["total_s"]:.1f} s '
        f'({b["counts"].get("persons", "?")} persons)', flush=True)

    log_path = os.path.join(workdir, f'trytond-{name}.log')
    server = trytond_server.start(database, env=env, log_path=log_path)
    try:
        client = Client(server.url, database)
        login, password = 'admin', ADMIN_PASSWORD

        # login: warm-up, then --runs of each endpoint
        client.login_sao(login, password)
        client.login_rpc(login, password)
        sao_logins, rpc_logins = [], []
        for _ in range(args.runs):
            sao_logins.append(timed(client.login_sao, login, password)[0])
            rpc_logins.append(timed(client.login_rpc, login, password)[0])
        result['login_sao'] = summary_ms(sao_logins)
        result['login_rpc'] = summary_ms(rpc_logins)

        # the Authorization: Session header works (checked, not timed)
        client.reload_context()
        assert isinstance(
            client.call('model.res.user.get_preferences', False), dict)
        # the rest as sao: the session cookie
        client.login_sao(login, password)
        client.reload_context()

        domain = [('is_person', '=', True)]
        fields = ['name', 'iin', 'birth_date']
        rows = client.call('model.party.party.search_read',
            domain, 0, 100, None, fields)  # warm-up
        assert len(rows) == 100, len(rows)
        searches = []
        for _ in range(args.runs):
            searches.append(timed(client.call, 'model.party.party.search_read',
                    domain, 0, 100, None, fields)[0])
        result['search_read_100'] = summary_ms(searches)

        organisation = client.context.get('company')
        assert organisation, "the administrator has no current organisation"
        taken = {r['iin'] for r in client.call(
                'model.party.party.search_read',
                [('iin', '!=', None)], 0, None, None, ['iin'])}
        vlist = new_persons(args.persons, organisation, taken)
        seconds, ids = timed(client.call, 'model.party.party.create', vlist)
        assert len(ids) == args.persons
        result['create_persons'] = {
            'count': args.persons,
            'seconds': round(seconds, 2),
            'per_person_ms': round(seconds * 1000 / args.persons, 2),
            }
        print(f'   login (sao /session/login) median '
            f'{result["login_sao"]["median_ms"]} ms, '
            f'login (/rpc/) median {result["login_rpc"]["median_ms"]} ms, '
            f'search_read 100 median '
            f'{result["search_read_100"]["median_ms"]} ms, '
            f'create {args.persons} persons {seconds:.2f} s', flush=True)
    finally:
        server.stop()
        if uri.startswith('postgresql') and not args.keep:
            subprocess.run([PYTHON, os.path.abspath(__file__), '_drop',
                    database], env=env, cwd=ROOT, check=False)
    return result


def machine():
    mem_kb = 0
    try:
        with open('/proc/meminfo') as fp:
            for line in fp:
                if line.startswith('MemTotal:'):
                    mem_kb = int(line.split()[1])
    except OSError:
        pass
    cpu = platform.processor()
    try:
        with open('/proc/cpuinfo') as fp:
            for line in fp:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        'nproc': os.cpu_count(),
        'ram_gib': round(mem_kb / 1024 / 1024, 1),
        'cpu': cpu,
        'python': platform.python_version(),
        'os': platform.platform(),
        # other work on the machine skews the figures: the load when started
        'loadavg_1min': round(os.getloadavg()[0], 2),
        }


def main():
    if len(sys.argv) == 3 and sys.argv[1] in ('_build', '_drop'):
        {'_build': child_build, '_drop': child_drop}[sys.argv[1]](sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=20,
        help="calls per latency median (default %(default)s)")
    parser.add_argument('--persons', type=int, default=1000,
        help="persons created in the one create call (default %(default)s)")
    parser.add_argument('--postgresql', metavar='URI',
        help="also benchmark PostgreSQL, e.g. the URI printed by "
        "scripts/start-postgres.sh")
    parser.add_argument('--no-sqlite', action='store_true')
    parser.add_argument('--json', metavar='FILE',
        help="also write the figures as JSON")
    parser.add_argument('--keep', action='store_true',
        help="keep the databases and the server logs")
    args = parser.parse_args()

    backends = []
    if not args.no_sqlite:
        backends.append(('sqlite', 'sqlite://'))
    if args.postgresql:
        backends.append(('postgresql', args.postgresql))
    info = {
        'date': dt.datetime.now().astimezone().isoformat(timespec='seconds'),
        'machine': machine(),
        'command': ' '.join([os.path.relpath(sys.executable, ROOT)
                if sys.executable.startswith(ROOT) else sys.executable,
                os.path.relpath(os.path.abspath(__file__), ROOT),
                *sys.argv[1:]]),
        'runs': args.runs,
        'results': [],
        }
    m = info['machine']
    print(f'Bilim ERP base benchmark, {info["date"]}, {m["nproc"]} CPU, '
        f'{m["ram_gib"]} GiB RAM, {m["cpu"]}, load {m["loadavg_1min"]}')
    workdir = tempfile.mkdtemp(prefix='bilim-bench-')
    try:
        for name, uri in backends:
            info['results'].append(bench_backend(name, uri, args, workdir))
    finally:
        if args.keep:
            print(f'(kept in {workdir})')
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print()
    header = (f'{"backend":<11} {"build s":>8} {"(create":>8} {"demo)":>7} '
        f'{"login sao ms":>12} {"login rpc ms":>12} {"search100 ms":>12} '
        f'{f"create{args.persons} s":>12}')
    print(header)
    for r in info['results']:
        print(f'{r["backend"]:<11} {r["build"]["total_s"]:>8.1f} '
            f'{r["build"]["create_s"]:>8.1f} {r["build"]["demo_s"]:>7.1f} '
            f'{r["login_sao"]["median_ms"]:>12} '
            f'{r["login_rpc"]["median_ms"]:>12} '
            f'{r["search_read_100"]["median_ms"]:>12} '
            f'{r["create_persons"]["seconds"]:>12}')
    if args.json:
        with open(args.json, 'w') as fp:
            json.dump(info, fp, indent=2, ensure_ascii=False)


if __name__ == '__main__':
    main()
