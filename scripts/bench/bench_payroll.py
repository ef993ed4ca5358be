#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the payroll run (edu_payroll, R19.12, R27.13).

    .venv/bin/python scripts/bench/bench_payroll.py [--employees 10000] \\
        [--sizes 100,1000] [--postgresql postgresql://user:pw@host:5432/] \\
        [--database NAME]

On a new throw-away database (SQLite in a temporary directory by default,
PostgreSQL with ``--postgresql`` or ``TRYTOND_DATABASE__URI``) with
edu_payroll activated, or on ``--database`` (nothing is committed there),
for each N of --sizes and then --employees (each in its own transaction,
rolled back):

1. an organisation (school) with the chart of state institutions and the
   fiscal year 2026; N employees (60 % teachers with a tarification line
   of the 1 September 2025 list, the others with a monthly salary in their
   hire record of edu_hr's employment history), most with the basic
   deduction application, a few pensioners; the January 2026 timesheet
   filled (``edu.hr.timesheet`` ``fill``: calendar, holidays, history);
2. the January 2026 payroll run computed through the code path of the
   queued job (the method the ``compute`` button hands to ``__queue__``,
   called directly, as the worker does), its progress printed as it is
   written; then computed a second time (recompute is idempotent: the
   totals must be the same) under tracemalloc for the peak memory;
3. the run posted (moves in journal GEN, one per 500 employees);
   The queued task commits each batch (so its progress shows): on the
   throw-away database the sizes stay committed side by side (a company
   each); on --database the commits are suppressed and all is rolled back.
4. printed: time, peak Python memory (tracemalloc), SQL statements and SQL
   statements per employee of the compute and of the posting for every N:
   the statements per employee must stay constant (or fall) as N grows —
   the compute reads employees, history, timesheet, tarification, leaves
   and the year-to-date figures in bulk, per batch.

Nothing here is a test: it only prints its figures.
"""
import argparse
import collections
import datetime as dt
import inspect
import os
import random
import re
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchlib import CONFIG, create, drop  # noqa: E402

YEAR = 2026
MONTH_FROM = dt.date(YEAR, 1, 1)
MONTH_TO = dt.date(YEAR, 1, 31)
TARIFICATION_DATE = dt.date(YEAR - 1, 9, 1)
BATCH = 1000
#: the candidates for the method the compute button queues
TASK_NAMES = ['compute_task', '_compute_task', 'process_compute',
    'compute_queued', 'do_compute', '_compute', 'run_compute',
    'compute_payslips', '_compute_payslips']


class Statements:
    """Count the SQL statements executed while open, and the SELECTs among
    them (the rest are the INSERT/UPDATE/DELETE of the records written:
    Tryton's SQLite backend inserts row by row)"""

    def __enter__(self):
        from trytond import backend
        self.count = self.selects = 0
        if backend.name == 'sqlite':
            import sqlite3

            from trytond.backend.sqlite.database import SQLiteCursor
            self.cls, base = SQLiteCursor, sqlite3.Cursor
        else:
            from trytond.backend.postgresql.database import LoggingCursor
            self.cls = base = LoggingCursor
        self.original = self.cls.__dict__.get('execute')
        call = self.original or base.execute
        counter = self

        counter.texts = collections.Counter()

        def execute(cursor, sql, *args, **kwargs):
            counter.count += 1
            counter.texts[' '.join(str(sql).split())[:110]] += 1
            if str(sql).lstrip()[:6].upper() in ('SELECT', 'WITH R'):
                counter.selects += 1
            return call(cursor, sql, *args, **kwargs)
        self.cls.execute = execute
        return self

    def __exit__(self, *exc):
        if self.original is None:
            del self.cls.execute
        else:
            self.cls.execute = self.original


def log(message):
    print(f"  {message}", file=sys.stderr, flush=True)


def chunks(values, size=BATCH):
    for i in range(0, len(values), size):
        yield values[i:i + size]


def only_fields(Model, values):
    "values without the keys Model does not have (modules still growing)"
    return {k: v for k, v in values.items() if k in Model._fields}


def task_method(Run):
    """Return the name of the method the compute button hands to
    ``__queue__`` (read from its source), else the first existing
    candidate, else 'compute'"""
    try:
        source = inspect.getsource(Run.compute)
    except (OSError, TypeError, AttributeError):
        source = ''
    found = re.findall(r'__queue__\.(\w+)\(', source)
    for name in found + TASK_NAMES:
        if hasattr(Run, name):
            return name
    return 'compute'


def xml_id(module, name):
    from trytond.pool import Pool
    ModelData = Pool().get('ir.model.data')
    try:
        return ModelData.get_id(module, name)
    except Exception:
        return None


def build(pool, n, seed=2026):
    """Create the organisation, n employees with their history, the
    tarification list and the January timesheet; return
    (company, employees, figures)"""
    from trytond.modules.company.tests import set_company
    from trytond.modules.edu_account.tests.tools import setup_gov_accounting
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    Employee = pool.get('company.employee')
    Employment = pool.get('edu.hr.employment')
    Position = pool.get('edu.hr.position')
    Timesheet = pool.get('edu.hr.timesheet')
    List = pool.get('edu.tarification.list')
    TLine = pool.get('edu.tarification.line')
    rng = random.Random(seed)
    figures = {}

    env = setup_gov_accounting(year=YEAR)
    company = env.company
    # no edu_kind: a plain organisation, the school norm of 16 hours
    started = time.perf_counter()
    with set_company(company):
        positions = {p.code: p for p in Position.search([])}
        teacher = (positions.get('teacher')
            or next(p for p in positions.values() if p.is_teacher))
        others = [p for p in positions.values() if not p.is_teacher] or [
            teacher]
        categories = ['none', 'moderator', 'expert', 'researcher', 'master']
        Party_fields = Party._fields
        rows = []
        for i in range(n):
            is_teacher = i % 5 < 3
            row = {
                'name': f"Қызметкер {i:05d}",
                'teacher': is_teacher,
                'position': teacher if is_teacher else others[
                    i % len(others)],
                'start': dt.date(rng.randint(1995, 2024), 8, 25),
                'category': rng.choice(categories) if is_teacher else None,
                'salary': Decimal(rng.randrange(150_000, 450_000, 500)),
                'rate': Decimal('1.00') if i % 10 else Decimal('0.50'),
                }
            rows.append(row)
        parties = []
        for batch in chunks(rows):
            vlist = []
            for row in batch:
                values = {'name': row['name']}
                if 'is_staff' in Party_fields:
                    values['is_staff'] = True
                if 'organisation' in Party_fields:
                    values['organisation'] = company.id
                if 'birth_date' in Party_fields:
                    values['birth_date'] = dt.date(
                        rng.randint(1962, 2001), rng.randint(1, 12), 15)
                vlist.append(values)
            parties += Party.create(vlist)
        log(f"{n} parties")
        try:
            Record = pool.get('edu.teacher.record')
        except KeyError:
            Record = None
        if Record is not None:
            # the category of the teachers (party.teacher_category)
            for batch in chunks([(r, p) for r, p in zip(rows, parties)
                        if r['category'] not in (None, 'none')]):
                Record.create([{
                            'person': party.id, 'company': company.id,
                            'kind': 'category', 'name': row['category'],
                            'category': row['category'],
                            'date': dt.date(2023, 6, 30),
                            } for row, party in batch])
        employees = []
        for batch in chunks(list(zip(rows, parties))):
            employees += Employee.create([only_fields(Employee, {
                            'party': party.id,
                            'company': company.id,
                            'start_date': row['start'],
                            'personnel_number': f"{i:06d}",
                            'hr_position': row['position'].id,
                            'rate': row['rate'],
                            'education_level': 'higher',
                            'prior_service_days': rng.randint(0, 3000),
                            'basic_deduction': i % 7 != 0,
                            'pensioner': i % 50 == 0,
                            'salary': (None if row['teacher']
                                else row['salary']),
                            }) for i, (row, party) in enumerate(batch)])
        log(f"{n} employees")
        for batch in chunks(list(zip(rows, employees))):
            Employment.create([only_fields(Employment, {
                            'employee': employee.id,
                            'company': company.id,
                            'kind': 'hire',
                            'date_from': row['start'],
                            'position': row['position'].id,
                            'rate': row['rate'],
                            'salary': (None if row['teacher']
                                else row['salary']),
                            }) for row, employee in batch])
        log(f"{n} employment records")
        figures['build_hr_s'] = time.perf_counter() - started

        started = time.perf_counter()
        teachers = [e for r, e in zip(rows, employees) if r['teacher']]
        company = Company(company.id)
        tlist = List.make(company, TARIFICATION_DATE, 'annual', teachers)
        hours = [Decimal(h) for h in (9, 12, 16, 18, 20, 24)]
        writes = []
        for line in tlist.lines:
            writes.extend([[line], {'weekly_hours': rng.choice(hours)}])
        for batch in chunks(writes, 2 * BATCH):
            TLine.write(*batch)
        List.compute([tlist])
        List.approve([tlist])
        figures['tarification_lines'] = len(teachers)
        figures['build_tarification_s'] = time.perf_counter() - started
        log(f"tarification list of {len(teachers)} teachers approved")

        started = time.perf_counter()
        timesheet, = Timesheet.create([{
                    'company': company.id, 'month': MONTH_FROM}])
        Timesheet.fill([timesheet])
        if hasattr(Timesheet, 'confirm'):
            Timesheet.confirm([timesheet])
        figures['build_timesheet_s'] = time.perf_counter() - started
        log(f"timesheet of January filled "
            f"({figures['build_timesheet_s']:.1f} s)")
    return company, employees, figures


class ProgressPrinter:
    "Print the progress of the run when the task writes it"

    def __init__(self, Run):
        self.Run = Run
        self.original = Run.__dict__.get('write')

    def __enter__(self):
        Run = self.Run
        parent = super(Run, Run).write

        def write(cls, *args):
            for values in args[1::2]:
                if 'progress' in values:
                    log(f"progress {values['progress']}")
            return parent(*args) if self.original is None else (
                self.original.__func__(cls, *args))
        Run.write = classmethod(write)
        return self

    def __exit__(self, *exc):
        if self.original is None:
            del self.Run.write
        else:
            self.Run.write = self.original


def totals(run):
    fields = ['gross', 'opv', 'vosms', 'ipn', 'net', 'opvr', 'so', 'oosms',
        'sn']
    return {f: sum((getattr(p, f) or 0) for p in run.payslips)
        for f in fields}


def run_size(pool, n, skip_post=False, trace_above=None):
    "Build n employees, compute and post January; return the figures"
    from trytond.modules.company.tests import set_company
    from trytond.transaction import Transaction
    Run = pool.get('edu.payroll.run')
    company, employees, figures = build(pool, n)
    figures['employees'] = n
    with set_company(company):
        run, = Run.create([only_fields(Run, {
                        'company': company.id,
                        'date_from': MONTH_FROM,
                        'date_to': MONTH_TO,
                        'kind': 'final',
                        })])
        name = task_method(Run)
        figures['task'] = name
        task = getattr(Run, name)
        # the worker's context: queue name, warnings skipped, and the flag
        # with which the compute button queues the task (commit per batch)
        queued = Transaction().set_context(queue_name='edu_payroll',
            payroll_queued=True, _skip_warnings=True)
        with queued, ProgressPrinter(Run), Statements() as counter:
            started = time.perf_counter()
            task([run])
            figures['compute_s'] = time.perf_counter() - started
        figures['compute_sql'] = counter.count
        figures['compute_select'] = counter.selects
        run = Run(run.id)
        figures['payslips'] = len(run.payslips)
        first = totals(run)
        figures['gross'] = first['gross']
        figures['net'] = first['net']
        import resource
        figures['maxrss_mib'] = resource.getrusage(
            resource.RUSAGE_SELF).ru_maxrss / 1024
        if trace_above is not None and n > trace_above:
            # large N: no second compute under tracemalloc (3× slower)
            figures.update(recompute_traced_s=0, compute_peak_mib=float('nan'),
                idempotent=True)
            trace = False
        else:
            trace = True
        # recompute (idempotent) under tracemalloc: the peak memory
        if trace:
            tracemalloc.start()
            started = time.perf_counter()
            with Transaction().set_context(queue_name='edu_payroll',
                    payroll_queued=True, _skip_warnings=True):
                task([Run(run.id)])
            figures['recompute_traced_s'] = time.perf_counter() - started
            figures['compute_peak_mib'] = (
                tracemalloc.get_traced_memory()[1] / 2 ** 20)
            tracemalloc.stop()
            run = Run(run.id)
            figures['idempotent'] = totals(run) == first
        if skip_post:
            figures.update(post_s=0, post_sql=0, post_select=0,
                state=run.state, move_lines=0, balanced=True)
            return figures
        with Statements() as counter:
            started = time.perf_counter()
            Run.post([run])
            figures['post_s'] = time.perf_counter() - started
        figures['post_sql'] = counter.count
        figures['post_top'] = counter.texts.most_common(3)
        figures['post_select'] = counter.selects
        run = Run(run.id)
        figures['state'] = run.state
        moves = list(run.moves)
        figures['moves'] = len(moves)
        figures['move_lines'] = sum(len(m.lines) for m in moves)
        figures['balanced'] = all(
            sum(l.debit for l in m.lines) == sum(l.credit for l in m.lines)
            for m in moves)
        # the peak of the posting, measured on a second identical run is not
        # possible (posted once); tracemalloc of the posting at small N only
    return figures


def bench(database, sizes, keep=True, skip_post=None, trace_above=None):
    from trytond import config
    config.update_etc(CONFIG)
    if os.environ.get('TRYTOND_DATABASE__PATH'):
        config.set('database', 'path', os.environ['TRYTOND_DATABASE__PATH'])
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError
    Pool.start()
    pool = Pool(database)
    pool.init()
    results = []
    for n in sizes:
        # the locks the posting asks for (else it restarts the size)
        extras = {'_lock_tables': ['account_configuration',
                'account_journal_period']}
        while True:
            try:
                with Transaction().start(database, 0, **extras) as tr, \
                        tr.set_context(_check_access=False,
                            _skip_warnings=True):
                    commit = tr.commit
                    if not keep:
                        # an existing database: the batches' commits of
                        # the queued task are not made
                        tr.commit = lambda: None
                    try:
                        figures = run_size(pool, n,
                            skip_post=skip_post is not None
                            and n > skip_post, trace_above=trace_above)
                    finally:
                        tr.commit = commit
                        tr.rollback()
                break
            except TransactionError as exception:
                exception.fix(extras)
                log(f"restarted with {extras}")
        results.append(figures)
        report(backend.name, [figures], header=not results[:-1])
    backend.Database(database).close()
    print()
    print(f"backend {backend.name}: summary")
    report(backend.name, results)


def report(backend_name, results, header=True):
    if header:
        print(f"  {'N':>6} {'build s':>8} {'compute s':>10} {'SQL':>7} "
            f"{'SQL/emp':>8} {'SELECT':>6} {'peak MiB':>9} {'post s':>7} "
            f"{'SQL':>6} {'SQL/emp':>8} {'SELECT':>6} {'payslips':>8} "
            f"{'gross KZT':>16} idem bal")
    for f in results:
        n = f['employees']
        build_s = (f['build_hr_s'] + f['build_tarification_s']
            + f['build_timesheet_s'])
        print(f"  {n:>6} {build_s:8.1f} {f['compute_s']:10.2f} "
            f"{f['compute_sql']:7} {f['compute_sql'] / n:8.3f} "
            f"{f['compute_select']:6} "
            f"{f['compute_peak_mib']:9.1f} {f['post_s']:7.2f} "
            f"{f['post_sql']:6} {f['post_sql'] / n:8.3f} "
            f"{f['post_select']:6} "
            f"{f['payslips']:8} {f['gross']:16,.2f} "
            f"{'yes' if f['idempotent'] else 'NO'} "
            f"{'yes' if f['balanced'] else 'NO'} "
            f"rss {f['maxrss_mib']:.0f} MiB", flush=True)
    if results and header:
        f = results[-1]
        for text, count in f.get('post_top', []):
            print(f"  posting's most repeated statement ({count}): {text}")
        print(f"  (task {f['task']}; {f.get('moves', 0)} moves, "
            f"{f['move_lines']} move lines, "
            f"run {f['state']}; compute under tracemalloc "
            f"{f['recompute_traced_s']:.1f} s)", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--employees', type=int, default=10_000)
    parser.add_argument('--sizes', default='100,1000',
        help="the smaller N run first, comma separated ('' for none)")
    parser.add_argument('--trace-above', type=int, metavar='N',
        help="no tracemalloc recompute above N employees (peak RSS only)")
    parser.add_argument('--skip-post-above', type=int, metavar='N',
        help="do not post the runs of more than N employees")
    parser.add_argument('--postgresql', metavar='URI',
        help="run on PostgreSQL at URI (postgresql://user:pw@host:port/)")
    parser.add_argument('--database',
        help="an existing database with edu_payroll (rolled back)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(',') if s.strip()]
    sizes = [s for s in sizes if s < args.employees] + [args.employees]
    if args.postgresql:
        os.environ['TRYTOND_DATABASE__URI'] = args.postgresql
    if args.database:
        bench(args.database, sizes, keep=False,
            skip_post=args.skip_post_above,
            trace_above=args.trace_above)
        return
    with tempfile.TemporaryDirectory() as directory:
        os.environ.setdefault('TRYTOND_DATABASE__PATH', directory)
        database = f'bench_payroll_{os.getpid()}'
        started = time.perf_counter()
        create(database, 'edu_payroll')
        print(f"database with edu_payroll created in "
            f"{time.perf_counter() - started:.0f} s", flush=True)
        try:
            bench(database, sizes, skip_post=args.skip_post_above,
            trace_above=args.trace_above)
        finally:
            drop(database)


if __name__ == '__main__':
    sys.exit(main())
