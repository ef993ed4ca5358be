#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the keyword search of documents (edu_edms, R22.6).

    .venv/bin/python scripts/bench/bench_edms_search.py [--documents 100000]
        [--queries 200] [--seed 2026] [--database NAME]

On a new throw-away database (SQLite in a temporary directory, or the
backend of ``TRYTOND_DATABASE__URI``, e.g. PostgreSQL) with edu_edms
activated, or on ``--database`` if given (nothing is committed there):

1. ``--documents`` registered documents of one school are inserted in bulk
   (SQL inserts of 1,000 rows): Kazakh and Russian summaries and texts made
   from word lists (common words of official letters, rarer subject words,
   surnames and numbers that occur in a few documents only), with the text
   of an attached file; the search columns are filled the module's way:
   ``search_text`` by ``Document.search_text_of`` (the function that
   ``update_search`` uses, given the same fields), and on PostgreSQL
   ``search_vector`` by the module's ``to_tsvector('simple', …)``
   expression (``search.vector_expression``) in one UPDATE, then ANALYZE;
2. --queries keyword queries of 1 to 3 words (common words, rare words,
   surnames and numbers, mixed) each run once (after 5 warm-up queries)
   as ``Document.search([('keywords', 'ilike', q)], limit=1000)`` with the
   model's default order (registration date, id descending) — what a
   list of sao asks — as the administrator, then as the school's clerk
   (record rules applied) for the first 50 queries; prints the median,
   p90 and maximum latency, the number of results and the SQL statements
   per search.

Nothing here is a test: it only prints its figures.
"""
import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchlib import CONFIG, create, drop  # noqa: E402

#: words of almost every official letter (many documents)
COMMON = ("туралы бойынша білім мектеп оқушылар мұғалімдер жоспар есеп "
    "ақпарат бұйрық хат жұмыс оқу жылы сынып директор орынбасары бөлімі "
    "басқармасы қала ұсыну мерзім орындау о по в на для образования школы "
    "учащихся учителей плана отчёта информации приказ письмо работы года "
    "класса директора управления предоставить срок исполнение").split()
#: subject words (a few per cent of the documents each)
SUBJECT = ("олимпиада аттестация тамақтандыру өрт қауіпсіздігі жөндеу "
    "оқулықтар кітапхана спорт лагерь емтихан тестілеу бағалау инклюзивті "
    "психолог денсаулық вакцинация көлік жылу электр күзет бейнебақылау "
    "компьютер интернет цифрлық байқау конкурс семинар курстар біліктілік "
    "санат демалыс іссапар жалақы қаражат бюджет сатып алу шарт келісім "
    "олимпиады аттестации питания пожарной безопасности ремонта учебников "
    "библиотеки лагеря экзамена тестирования оценивания инклюзивного "
    "психолога здоровья вакцинации транспорта отопления охраны "
    "видеонаблюдения компьютеров интернета конкурса семинара курсов "
    "квалификации категории отпуска командировки заработной бюджета "
    "закупок договора соглашения").split()
SURNAME_STEMS = ("Ахмет Байжан Серікбай Жұмабек Омар Қасым Нұрлан Есен "
    "Тоқтар Әбілқасым Иван Петр Смирн Сейітқали Мұқан Ержан Бек Дәулет "
    "Сағынтай Қайрат Мамыр Ибра Жақсылық Оспан Төлеген Шәріп Әли Кенжебай "
    "Сұлтанбек Жандос").split()
SURNAME_ENDINGS = ("ов ова ев ева ұлы қызы бекова бекұлы ин ина жанов жанова "
    "бай баева ханов ханова").split()
#: surnames: 30 × 16 = 480, two to four in a document (a few hundred
#: documents each)
SURNAMES = [stem + ending for stem in SURNAME_STEMS
    for ending in SURNAME_ENDINGS]
#: the forms of the words (Kazakh case endings, Russian endings): the
#: vocabulary is every stem with every ending, ranked Zipf-like
KK_BACK = ['', 'ның', 'ға', 'да', 'дан', 'мен', 'лар', 'лардың', 'ларға',
    'дағы']
KK_FRONT = ['', 'нің', 'ге', 'де', 'ден', 'мен', 'лер', 'лердің', 'лерге',
    'дегі']


def _vocabulary():
    "The ranked vocabulary: function words first, then the word forms"
    import random as _random
    rng = _random.Random(7)
    head = ("туралы бойынша және о по в на для и с мектеп білім школа "
        "образования").split()
    forms = []
    for stem in COMMON + SUBJECT:
        kazakh = any(c in stem for c in 'әғқңөұүһі')
        if not kazakh:  # Russian words as they are
            endings = ['']
        elif any(c in stem for c in 'әеіөү'):  # vowel harmony
            endings = KK_FRONT
        else:
            endings = KK_BACK
        forms.extend(stem + e for e in endings if stem + e not in head)
    forms = sorted(set(forms))
    rng.shuffle(forms)
    return head + forms


VOCABULARY = _vocabulary()


def _cumulative(words, s):
    "Cumulative Zipf-like weights: the first words much more often"
    total, result = 0, []
    for i in range(len(words)):
        total += 1 / (i + 1) ** s
        result.append(total)
    return result


_WEIGHTS = _cumulative(VOCABULARY, 1.07)


def make_text(rng, words):
    """words words of the ranked vocabulary (Zipf), with a surname per 80
    words and a number per 60"""
    out = rng.choices(VOCABULARY, cum_weights=_WEIGHTS, k=words)
    for _ in range(max(1, words // 80)):
        out[rng.randrange(words)] = rng.choice(SURNAMES)
    for _ in range(words // 60):
        out[rng.randrange(words)] = str(rng.randint(1000, 99999))
    return ' '.join(out)


def make_queries(rng, count):
    """Queries of 1–3 words: a frequent word (rank < 30), a word of middle
    rank (60–200), a rare word (rank > 200), a surname, a number, and
    combinations of two or three words"""
    queries = []
    for i in range(count):
        kind = i % 8
        if kind == 0:
            q = [rng.choice(VOCABULARY[:30])]
        elif kind == 1:
            q = [rng.choice(VOCABULARY[60:200])]
        elif kind == 2:
            q = [rng.choice(VOCABULARY[200:])]
        elif kind == 3:
            q = [rng.choice(SURNAMES)]
        elif kind == 4:
            q = [str(rng.randint(1000, 99999))]
        elif kind == 5:
            q = [rng.choice(SURNAMES), rng.choice(VOCABULARY[:30])]
        elif kind == 6:
            q = [rng.choice(VOCABULARY[:30]), rng.choice(VOCABULARY[60:200])]
        else:
            q = [rng.choice(VOCABULARY[:30]), rng.choice(VOCABULARY[30:200]),
                rng.choice(VOCABULARY[60:200])]
        queries.append(' '.join(q))
    return queries


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def bench(database, documents, queries, seed):
    from trytond import config
    config.update_etc(CONFIG)
    if os.environ.get('TRYTOND_DATABASE__PATH'):
        config.set('database', 'path', os.environ['TRYTOND_DATABASE__PATH'])
    from sql import Column
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(database)
    pool.init()
    from benchlib import QueryCounter
    from trytond.modules.edu_edms import search as _search
    rng = random.Random(seed)
    with Transaction().start(database, 0) as transaction, \
            transaction.set_context(_check_access=False):
        Party = pool.get('party.party')
        Company = pool.get('company.company')
        Currency = pool.get('currency.currency')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Document = pool.get('edu.edms.document')
        Kind = pool.get('edu.edms.document.kind')
        kzt, = Currency.create([{'name': 'Tenge', 'code': 'KZT',
                    'symbol': '₸'}])
        school, = Company.create([{
                    'party': Party.create([{'name': "№ 12 мектеп"}])[0].id,
                    'currency': kzt.id}])
        department, = Party.create([{
                    'name': "Астана қаласы Білім басқармасы"}])
        clerk, = User.create([{
                    'login': 'bench.clerk', 'name': 'bench.clerk',
                    'companies': [('add', [school.id])],
                    'company': school.id,
                    'roles': [('create', [{'role': ModelData.get_id(
                                        'edu_base', 'role_clerk')}])],
                    }])
        kinds = Kind.search([('company', '=', None)])
        # what search_text_of reads of the correspondent: its rec_name
        department_record = SimpleNamespace(rec_name=department.rec_name)
        table = Document.__table__()
        cursor = transaction.connection.cursor()
        start = dt.date.today() - dt.timedelta(days=5 * 365)
        columns = [table.company, table.kind, table.number, table.sequence,
            table.registration_date, table.date, table.correspondent,
            table.correspondent_number, table.summary, table.body,
            table.author, table.executor, table.state, table.search_text,
            table.create_uid, table.create_date]
        now = dt.datetime.now()
        started = time.perf_counter()
        text_bytes = 0
        batch = []

        def flush():
            if batch:
                cursor.execute(*table.insert(columns, batch))
                batch.clear()
        for n in range(documents):
            kind = kinds[n % len(kinds)]
            date = start + dt.timedelta(days=n * 5 * 365 // documents)
            number = f"{n % 9 + 1:02d}-{n % 7 + 1:02d}/{n + 1}"
            incoming = kind.direction == 'incoming'
            correspondent_number = (f"03-12/{rng.randint(1000, 9999)}"
                if incoming else None)
            summary = make_text(rng, rng.randint(6, 14))
            body = make_text(rng, rng.randint(20, 60))
            file_text = make_text(rng, rng.randint(60, 200))
            # the fields that search_text_of reads, as the module gets them
            record = SimpleNamespace(number=number,
                correspondent_number=correspondent_number,
                summary=summary, body=body,
                correspondent=department_record if incoming else None,
                files=[SimpleNamespace(name=f'doc-{n + 1}.pdf',
                        text=file_text)])
            search_text = Document.search_text_of(record)
            text_bytes += len(search_text.encode('utf-8'))
            batch.append([school.id, kind.id, number, n + 1, date, date,
                    department.id if incoming else None,
                    correspondent_number, summary, body, 1,
                    clerk.id if n % 3 else None, 'registered', search_text,
                    0, now])
            if len(batch) >= 1000:
                flush()
        flush()
        insert_s = time.perf_counter() - started
        vector_s = None
        if backend.name == 'postgresql':
            started = time.perf_counter()
            cursor.execute(*table.update([Column(table, 'search_vector')],
                    [_search.vector_expression(table)]))
            cursor.execute('ANALYZE "%s"' % Document._table)
            vector_s = time.perf_counter() - started
        else:
            cursor.execute('ANALYZE')

        qs = make_queries(rng, queries)

        def run(query):
            return Document.search([('keywords', 'ilike', query)],
                limit=1000)
        results = {}
        for label, user, subset in [
                ('administrator', 0, qs),
                ('clerk (record rules)', clerk.id, qs[:50])]:
            times, counts, statements, sql_times = [], [], [], []
            with transaction.set_user(user), transaction.set_context(
                    _check_access=bool(user), company=school.id):
                for query in subset[:5]:
                    run(query)
                for query in subset:
                    with QueryCounter() as counter:
                        started = time.perf_counter()
                        found = run(query)
                        times.append(time.perf_counter() - started)
                    counts.append(len(found))
                    statements.append(counter.count)
                    # the SQL of the search alone (ids fetched)
                    sql, params = tuple(Document.search(
                            [('keywords', 'ilike', query)], limit=1000,
                            query=True))
                    sql_cursor = transaction.connection.cursor()
                    started = time.perf_counter()
                    sql_cursor.execute(sql, params)
                    sql_cursor.fetchall()
                    sql_times.append(time.perf_counter() - started)
            results[label] = (times, counts, statements, subset, sql_times)
        # the plan of the slowest query of the administrator
        times, _, _, subset, _ = results['administrator']
        slowest = subset[max(range(len(times)), key=times.__getitem__)]
        query = Document.search([('keywords', 'ilike', slowest)],
            limit=1000, query=True)
        sql, params = tuple(query)
        plan_cursor = transaction.connection.cursor()
        if backend.name == 'postgresql':
            plan_cursor.execute('EXPLAIN (ANALYZE, BUFFERS) ' + sql, params)
        else:
            plan_cursor.execute('EXPLAIN QUERY PLAN ' + sql, params)
        plan = [' '.join(str(c) for c in row) for row in plan_cursor]
        if os.environ.get('BENCH_PROFILE'):
            import cProfile
            import pstats
            profile = cProfile.Profile()
            profile.enable()
            run(slowest)
            profile.disable()
            pstats.Stats(profile).sort_stats('cumulative').print_stats(25)
        transaction.rollback()
    backend.Database(database).close()
    print("load average of the machine (1, 5, 15 min): %.1f %.1f %.1f on "
        "%d CPUs" % (*os.getloadavg(), os.cpu_count()))
    print(f"backend {backend.name}: {documents} documents inserted in "
        f"{insert_s:.1f} s (search_text {text_bytes / documents:.0f} bytes "
        f"a document on average"
        + (f"; search_vector computed in {vector_s:.1f} s" if vector_s
            else '') + ")")
    for label, (times, counts, statements, subset, sql_times) in (
            results.items()):
        ms = [t * 1000 for t in times]
        sql_ms = [t * 1000 for t in sql_times]
        slowest = max(range(len(ms)), key=ms.__getitem__)
        print(f"  as {label}: {len(subset)} keyword queries, "
            "Document.search([('keywords', 'ilike', q)], limit=1000)")
        print(f"    latency median {statistics.median(ms):.1f} ms, p90 "
            f"{percentile(ms, .9):.1f} ms, max {max(ms):.1f} ms "
            f"(slowest: {subset[slowest]!r}, {counts[slowest]} results)")
        print(f"    its SQL alone (the ids): median "
            f"{statistics.median(sql_ms):.1f} ms, p90 "
            f"{percentile(sql_ms, .9):.1f} ms, max {max(sql_ms):.1f} ms")
        print(f"    results per query: median {statistics.median(counts):.0f}"
            f", {sum(1 for c in counts if c >= 1000)} queries at the limit "
            f"of 1000, {sum(1 for c in counts if c == 0)} with none")
        print(f"    SQL statements per search: {min(statements)}–"
            f"{max(statements)}")
    if os.environ.get('BENCH_PLAN'):
        print("  plan of the slowest query:")
        for line in plan:
            print("    " + line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--documents', type=int, default=100000)
    parser.add_argument('--queries', type=int, default=200)
    parser.add_argument('--seed', type=int, default=2026)
    parser.add_argument('--database',
        help="an existing database with edu_edms (rolled back)")
    args = parser.parse_args()
    if args.database:
        bench(args.database, args.documents, args.queries, args.seed)
        return
    with tempfile.TemporaryDirectory() as directory:
        os.environ.setdefault('TRYTOND_DATABASE__PATH', directory)
        database = f'bench_edms_search_{os.getpid()}'
        create(database, 'edu_edms')
        try:
            bench(database, args.documents, args.queries, args.seed)
        finally:
            drop(database)


if __name__ == '__main__':
    sys.exit(main())
