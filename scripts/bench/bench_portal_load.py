#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Load test of the portal's REST API (edu_portal, R27.12) on PostgreSQL.

    TRYTOND_DATABASE__URI=postgresql://bilim:bilim@127.0.0.1:5432/ \\
    .venv/bin/python scripts/bench/bench_portal_load.py [--database NAME] \\
        [--teachers 60] [--readers 300] [--duration 60] [--think 1.0] \\
        [--servers 1]

1. the database: ``--database`` (default ``bench_portal``) is created with
   ``scripts/create_db.py NAME --demo`` unless it exists (then reused);
2. the load data, made once (idempotent): ``--teachers`` teacher accounts
   (``bench_t..``, the demo's staff) each with a class of 25 learners and
   ten lessons of the current period in their subject, and ``--readers``
   learner and parent accounts (``bench_l..`` / ``bench_p..``, half each);
3. ``--servers`` trytond processes (``scripts/trytond_server.py``: the
   ``trytond`` command of Tryton 8.0 is one process serving with werkzeug
   threads; several processes stand for the workers behind a proxy) on
   loopback ports;
4. one Python thread per simulated user logs in (POST /session) then, for
   ``--duration`` seconds at most and ``--max-requests`` each, with a think
   time of ``--think`` s (±50 %): a teacher records a mark (PUT
   /journal/entry) and reloads the journal every fifth time, a learner or
   parent reads the diary of the week (GET /diary) and now and then /me.

Prints the requests per second, the p50/p95/p99 latencies per kind and
overall, and the errors (target: none, p95 < 300 ms).  Nothing here is a
test: it only prints its figures.
"""
import argparse
import collections
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'scripts'))

CLASS_SIZE = 20
LESSONS_PER_TEACHER = 10


def percentile(values, fraction):
    if not values:
        return float('nan')
    values = sorted(values)
    index = min(len(values) - 1, max(0, round(fraction * len(values)) - 1))
    return values[index]


def ensure_database(database):
    import create_db
    if create_db.database_exists(database):
        print(f'== reusing database {database}')
        return
    print(f'== creating database {database} with the demo (create_db.py)')
    subprocess.run([sys.executable, os.path.join(ROOT, 'scripts',
                'create_db.py'), database, '--demo'], check=True)


def prepare(database, teachers, readers):
    """Make the load data once; return the accounts:
    [(login, kind)] with kind 'teacher' or 'reader'"""
    import create_db
    import demo_data
    from trytond.transaction import Transaction
    pool = create_db.open_pool(database)
    with Transaction().start(database, 0) as transaction:
        User = pool.get('res.user')
        batches = {}
        for user in User.search([('login', 'like', 'bench%\\_%')]):
            batch, name = user.login.split('_', 1)
            batches.setdefault(batch, []).append(
                (user.login, 'teacher' if name.startswith('t')
                    else 'reader'))
        for batch, accounts in sorted(batches.items(), reverse=True):
            kinds = collections.Counter(k for _, k in accounts)
            if (kinds['teacher'] >= teachers
                    and kinds['reader'] >= readers):
                print(f'== reusing the accounts of {batch}')
                return sorted(accounts)
        batch = f'bench{len(batches) + 1}'
        accounts = _make(pool, batch, teachers, readers,
            demo_data.DEMO_PASSWORD)
        transaction.commit()
        return accounts


def _make(pool, batch, teachers, readers, password):
    Company = pool.get('company.company')
    Party = pool.get('party.party')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    Relation = pool.get('party.relation')
    Year = pool.get('edu.academic.year')
    Period = pool.get('edu.academic.period')
    Class = pool.get('edu.class')
    Enrolment = pool.get('edu.class.enrolment')
    Subject = pool.get('edu.subject')
    Lesson = pool.get('edu.lesson')
    Rule = pool.get('ir.rule')
    started = time.monotonic()
    school, = Company.search([('edu_kind', '=', 'school')],
        order=[('id', 'ASC')], limit=1)
    today = dt.date.today()
    year = Year.find(school.id, today)
    if not year:
        start = today.year if today.month >= 9 else today.year - 1
        year, = Year.create([{
                    'company': school.id, 'name': f'Bench {start}',
                    'start_date': dt.date(start, 9, 1),
                    'end_date': dt.date(start + 1, 5, 25),
                    'period_kind': 'quarter'}])
    if not year.periods:
        Year.create_periods([year])
    period = Period.find(school.id, today) or Period.search([
            ('year', '=', year.id), ('state', '=', 'open')], limit=1)[0]
    staff = Party.search([('is_staff', '=', True),
            ('organisation', '=', school.id)], order=[('id', 'ASC')],
        limit=teachers)
    enrolled = {e.learner.id for e in Enrolment.search([
                ('company', '=', school.id),
                ('start_date', '<=', today),
                ['OR', ('end_date', '=', None), ('end_date', '>=', today)],
                ])}
    free = [p for p in Party.search([('is_learner', '=', True),
                ('organisation', '=', school.id)], order=[('id', 'ASC')])
        if p.id not in enrolled]
    classes_needed = (len(staff) + 1) // 2
    if len(free) < classes_needed * CLASS_SIZE:
        classes_needed = len(free) // CLASS_SIZE
    classes = Class.create([{
                'company': school.id, 'year': year.id,
                'name': f'{batch}-{i + 1:02d}', 'grade': 5 + i % 7,
                'language': 'kk' if i % 3 else 'ru',
                } for i in range(classes_needed)])
    Enrolment.create([{
                'class_': c.id,
                'learner': free[i * CLASS_SIZE + j].id,
                'start_date': period.start_date,
                } for i, c in enumerate(classes) for j in range(CLASS_SIZE)])
    subjects = Subject.create([{
                'name': f'{batch} subject {k + 1}',
                'code': f'{batch}-{k + 1}',
                'area': 'other', 'company': school.id} for k in range(2)])
    days = []
    day = min(today, period.end_date)
    while len(days) < LESSONS_PER_TEACHER and day >= period.start_date:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    vlist = []
    teaching = []
    for i, teacher in enumerate(staff[:2 * len(classes)]):
        class_ = classes[i // 2]
        subject = subjects[i % 2]
        teaching.append((teacher, class_, subject))
        hour = dt.time(8 + 2 * (i % 2), 30)
        for day in days:
            vlist.append({
                    'company': school.id, 'date': day,
                    'class_': class_.id, 'subject': subject.id,
                    'teacher': teacher.id, 'topic': f'Bench {day}',
                    'start_time': hour,
                    'end_time': dt.time(hour.hour, 30 + 15)})
    Lesson.create(vlist)

    role = {name: ModelData.get_id('edu_base', f'role_{name}')
        for name in ('teacher', 'learner', 'parent')}
    users = []
    for n, (teacher, _, _) in enumerate(teaching):
        users.append((f'{batch}_t{n:02d}', teacher, 'teacher'))
    learners = [free[i] for i in range(len(classes) * CLASS_SIZE)]
    half = readers // 2
    for n, learner in enumerate(learners[:half]):
        users.append((f'{batch}_l{n:03d}', learner, 'learner'))
    parents = []
    for learner in learners[half:]:
        relations = Relation.search([('to', '=', learner.id),
                ('type.edu_direction', '=', 'representative')], limit=1)
        if relations and relations[0].from_ not in parents:
            parents.append(relations[0].from_)
        if len(parents) >= readers - half:
            break
    for n, parent in enumerate(parents):
        users.append((f'{batch}_p{n:03d}', parent, 'parent'))
    User.create([{
                'login': login, 'name': person.name, 'person': person.id,
                'password': password,
                'companies': [('add', [school.id])], 'company': school.id,
                'roles': [('create', [{'role': role[kind]}])],
                } for login, person, kind in users])
    Rule.clear_edu_values()
    print(f'== load data: {len(classes)} classes, {len(vlist)} lessons, '
        f'{len(users)} accounts in {time.monotonic() - started:.0f} s')
    return [(login, 'teacher' if kind == 'teacher' else 'reader')
        for login, _, kind in users]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = collections.defaultdict(list)
        self.errors = collections.Counter()
        self.samples = []

    def add(self, kind, seconds, status, body=None):
        with self.lock:
            self.times[kind].append(seconds * 1000)
            if not 200 <= status < 300:
                self.errors[(kind, status)] += 1
                if len(self.samples) < 5:
                    self.samples.append((kind, status, (body or b'')[:300]))


def call(url, method='GET', data=None, token=None, timeout=60):
    headers = {'Accept': 'application/json'}
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers['Content-Type'] = 'application/json'
    if token:
        headers['Authorization'] = f'Bearer {token}'
    request = urllib.request.Request(url, data=body, method=method,
        headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, OSError) as error:
        return 599, str(error).encode()


class User:
    "A simulated portal user"

    def __init__(self, api, login, kind, stats):
        self.api = api
        self.login = login
        self.kind = kind
        self.stats = stats
        self.token = None
        self.rng = random.Random(login)

    def timed(self, name, url, method='GET', data=None):
        started = time.perf_counter()
        status, body = call(url, method, data, self.token)
        self.stats.add(name, time.perf_counter() - started, status, body)
        return status, body

    def prepare(self, password):
        "Log in and find what to work on (not measured)"
        status, body = call(f'{self.api}/session', 'POST',
            {'login': self.login, 'password': password})
        if status != 200:
            self.stats.add('login', 0, status, body)
            return False
        data = json.loads(body)
        self.token = data['token']
        me = data['me']
        if self.kind == 'teacher':
            status, body = call(f'{self.api}/teacher/classes',
                token=self.token)
            classes = json.loads(body) if status == 200 else []
            if not classes:
                self.stats.add('login', 0, 404, b'no class')
                return False
            target = classes[0]
            self.journal_url = (f"{self.api}/journal"
                f"?class={target['class']['id']}"
                f"&subject={target['subject']['id']}")
            self.grid = None
        else:
            learner = (me['children'][0]['id'] if me['children']
                else me['person']['id'])
            today = dt.date.today()
            monday = today - dt.timedelta(days=today.weekday())
            self.diary_url = (f'{self.api}/diary?learner={learner}'
                f'&start={monday}&end={monday + dt.timedelta(days=6)}')
        return True

    def run(self, deadline, think, max_requests):
        count = 0
        while time.monotonic() < deadline and count < max_requests:
            time.sleep(think * self.rng.uniform(0.5, 1.5))
            if time.monotonic() >= deadline:
                break
            if self.kind == 'teacher':
                if self.grid is None or count % 5 == 0:
                    status, body = self.timed('journal', self.journal_url)
                    if status == 200:
                        self.grid = json.loads(body)
                elif self.grid['lessons'] and self.grid['learners']:
                    self.timed('mark', f'{self.api}/journal/entry', 'PUT', {
                            'lesson': self.rng.choice(
                                self.grid['lessons'])['id'],
                            'learner': self.rng.choice(
                                self.grid['learners'])['id'],
                            'mark': self.rng.randint(1, 10)})
            else:
                if count % 10 == 9:
                    self.timed('me', f'{self.api}/me')
                else:
                    self.timed('diary', self.diary_url)
            count += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', default='bench_portal')
    parser.add_argument('--teachers', type=int, default=60)
    parser.add_argument('--readers', type=int, default=300)
    parser.add_argument('--duration', type=float, default=60)
    parser.add_argument('--think', type=float, default=1.0,
        help="mean seconds between two requests of a user")
    parser.add_argument('--max-requests', type=int, default=1000,
        help="per user")
    parser.add_argument('--servers', type=int, default=1)
    parser.add_argument('--login-concurrency', type=int, default=8)
    args = parser.parse_args()
    uri = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://')
    if not uri.startswith('postgresql'):
        parser.error('set TRYTOND_DATABASE__URI to a PostgreSQL server')

    import demo_data
    import trytond_server
    ensure_database(args.database)
    accounts = prepare(args.database, args.teachers, args.readers)
    teachers = [a for a in accounts if a[1] == 'teacher'][:args.teachers]
    readers = [a for a in accounts if a[1] == 'reader'][:args.readers]
    servers = []
    try:
        for n in range(args.servers):
            servers.append(trytond_server.start(args.database))
        print(f'== {len(servers)} trytond on '
            + ', '.join(s.url for s in servers))
        stats = Stats()
        users = [User(
                f'{servers[i % len(servers)].url}{args.database}'
                '/portal/api/v1', login, kind, stats)
            for i, (login, kind) in enumerate(teachers + readers)]
        # the logins first (not measured), then every user at once
        ready = threading.Barrier(len(users) + 1, timeout=600)
        go = threading.Barrier(len(users) + 1, timeout=600)
        holder = {}
        # the logins are ramped up: a few at a time, as users arrive
        logins = threading.Semaphore(args.login_concurrency)

        def run(user):
            try:
                with logins:
                    ok = user.prepare(demo_data.DEMO_PASSWORD)
            except Exception as exception:
                stats.add('login', 0, 598, repr(exception).encode())
                ok = False
            ready.wait()
            go.wait()
            if ok:
                try:
                    user.run(holder['deadline'], args.think,
                        args.max_requests)
                except Exception as exception:
                    stats.add('crash', 0, 597, repr(exception).encode())
        threads = [threading.Thread(target=run, args=(u,), daemon=True)
            for u in users]
        login_started = time.monotonic()
        for thread in threads:
            thread.start()
        ready.wait()
        print(f'== {len(users)} logins in '
            f'{time.monotonic() - login_started:.1f} s')
        started = time.monotonic()
        holder['deadline'] = deadline = started + args.duration
        go.wait()
        for thread in threads:
            thread.join(timeout=max(1, deadline - time.monotonic() + 120))
        elapsed = time.monotonic() - started
    finally:
        for server in servers:
            server.stop()
    report(stats, elapsed, len(teachers), len(readers), args)


def report(stats, elapsed, teachers, readers, args):
    total = sum(len(v) for k, v in stats.times.items() if k != 'login')
    errors = sum(stats.errors.values())
    print(f'== {teachers} teachers + {readers} learners/parents, '
        f'{args.servers} trytond, think {args.think} s, '
        f'{args.duration:.0f} s (last answer after {elapsed:.0f} s)')
    print(f'{"kind":<16}{"count":>8}{"p50 ms":>10}{"p95 ms":>10}'
        f'{"p99 ms":>10}{"mean ms":>10}')
    everything = []
    for kind in sorted(stats.times):
        values = stats.times[kind]
        if kind == 'login':
            continue
        everything.extend(values)
        print(f'{kind:<16}{len(values):>8}{percentile(values, .5):>10.0f}'
            f'{percentile(values, .95):>10.0f}'
            f'{percentile(values, .99):>10.0f}'
            f'{statistics.fmean(values) if values else 0:>10.0f}')
    print(f'{"all":<16}{len(everything):>8}'
        f'{percentile(everything, .5):>10.0f}'
        f'{percentile(everything, .95):>10.0f}'
        f'{percentile(everything, .99):>10.0f}'
        f'{statistics.fmean(everything) if everything else 0:>10.0f}')
    # no request starts after the deadline: the rate is over the duration
    print(f'requests/s: {total / min(elapsed, args.duration):.1f}; '
        f'errors: {errors}'
        + (f' {dict(stats.errors)}' if errors else ''))
    for sample in stats.samples:
        print('  error sample:', sample)
    p95 = percentile(everything, .95)
    print('target (no error, p95 < 300 ms): '
        + ('met' if not errors and p95 < 300 else 'NOT met'))


if __name__ == '__main__':
    main()
