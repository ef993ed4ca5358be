#!/usr/bin/env python3
# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Generate the demo organisation of Bilim ERP.

A reproducible generator: for a given seed it creates the same people with
the same names and IINs.  All the persons are fictitious; their names are
drawn from the lists of common Kazakh and Russian names in ``data/demo``.

It creates, in an already activated ``edu_base`` database:

- the currency KZT (when missing);
- the education department «Астана қаласы Білім басқармасы» and the school
  «№ 12 мектеп-гимназия» under it (and, optionally, the small school
  «№ 45 мектеп-лицей» to show that record rules separate schools);
- the departments of the schools (administration, accounting office,
  personnel office, office, methodical council with its methodical
  associations, support service) and their heads;
- the staff: persons with IINs and mobile phones, and their employees;
- the learners of the classes 1–11, put in the party categories
  «Сыныптар / <school> / 5 «А» (kk)» until the learning core exists;
- one or two parents (or a guardian) of each learner, linked by the family
  relations of ``edu_base``; about 15 % of the learners have a sibling;
- one user per role of the catalogue, all with the password
  :data:`DEMO_PASSWORD`, and the user ``hr45`` of the second school;
  the administrator is given all the demo organisations.

Use it from code inside an open transaction::

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    import demo_data

    Pool(dbname).init()
    with Transaction().start(dbname, 0, context={}) as transaction:
        summary = demo_data.load(seed=2026)
        transaction.commit()

or from the command line (configuration from ``TRYTOND_CONFIG`` or ``-c``)::

    python scripts/demo_data.py DBNAME [--seed N]
"""
import argparse
import csv
import datetime as dt
import json
import math
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

__all__ = ['DEMO_PASSWORD', 'load', 'main']

#: the password of every demo user; it passes edu_base's password policy
DEMO_PASSWORD = 'Astana2026!'
DEFAULT_SEED = 2026
DATA_DIR = Path(__file__).resolve().parent.parent / 'data' / 'demo'

SECOND_SCHOOL_STAFF = 8
SECOND_SCHOOL_LEARNERS = 60
SIBLING_RATE = 0.15
CLASS_SIZE = 25
CHUNK = 400
# Kazakh order of the class letters
CLASS_LETTERS = 'АӘБВГҒДЕЖЗ'
# relative size of the grades 1..11 (fewer pupils in the senior grades)
GRADE_WEIGHTS = [1.1, 1.1, 1.05, 1.05, 1.0, 1.0, 1.0, 0.95, 0.95, 0.7, 0.65]
MOBILE_PREFIXES = ['700', '701', '702', '705', '707', '708', '747', '771',
    '775', '776', '777', '778']

DEPARTMENT_NAME = 'Астана қаласы Білім басқармасы'
SCHOOL_NAME = '№ 12 мектеп-гимназия'
SCHOOL2_NAME = '№ 45 мектеп-лицей'

# key, name, kind, code, parent key
FULL_DEPARTMENTS = [
    ('admin', 'Әкімшілік', 'administration', 'ADM', None),
    ('accounting', 'Бухгалтерия', 'accounting', 'ACC', None),
    ('personnel', 'Кадр бөлімі', 'personnel', 'HR', None),
    ('office', 'Кеңсе', 'office', 'OFF', None),
    ('methodical', 'Әдістемелік кеңес', 'methodical', 'MC', None),
    ('mo_primary', 'Бастауыш сынып', 'methodical', 'MC-PRI', 'methodical'),
    ('mo_math', 'Математика және информатика', 'methodical', 'MC-MATH',
        'methodical'),
    ('mo_kazakh', 'Қазақ тілі мен әдебиеті', 'methodical', 'MC-KAZ',
        'methodical'),
    ('mo_russian', 'Орыс тілі мен әдебиеті', 'methodical', 'MC-RUS',
        'methodical'),
    ('mo_foreign', 'Шетел тілдері', 'methodical', 'MC-FL', 'methodical'),
    ('mo_science', 'Жаратылыстану', 'methodical', 'MC-SCI', 'methodical'),
    ('mo_social', 'Қоғамдық пәндер', 'methodical', 'MC-SOC', 'methodical'),
    ('mo_arts', 'Дене шынықтыру және өнер', 'methodical', 'MC-ART',
        'methodical'),
    ('service', 'Шаруашылық бөлімі', 'service', 'SRV', None),
    ]
SMALL_DEPARTMENTS = [
    ('admin', 'Әкімшілік', 'administration', 'ADM', None),
    ('accounting', 'Бухгалтерия', 'accounting', 'ACC', None),
    ('personnel', 'Кадр бөлімі', 'personnel', 'HR', None),
    ('methodical', 'Әдістемелік кеңес', 'methodical', 'MC', None),
    ]

# The non-teaching staff in order of priority (a smaller school keeps the
# first ones): key (the demo login it serves, if any), position,
# department, head of the department, probability of a woman, age range
FULL_CORE = [
    ('director', 'Директор', 'admin', True, 0.5, (42, 58)),
    ('deputy', 'Директордың оқу ісі жөніндегі орынбасары', 'admin', False,
        0.8, (35, 56)),
    ('chief_accountant', 'Бас бухгалтер', 'accounting', True, 0.85,
        (35, 58)),
    ('hr', 'Кадр маманы', 'personnel', True, 0.85, (28, 55)),
    ('clerk', 'Іс жүргізуші', 'office', True, 0.9, (23, 50)),
    ('methodist', 'Әдіскер', 'methodical', True, 0.8, (35, 60)),
    ('accountant', 'Бухгалтер', 'accounting', False, 0.85, (25, 55)),
    ('sysadmin', 'Жүйелік әкімші', 'admin', False, 0.15, (24, 45)),
    ('tutor', 'Тьютор', 'methodical', False, 0.8, (24, 45)),
    ('auditor', 'Ішкі бақылау жөніндегі маман', 'admin', False, 0.6,
        (30, 58)),
    (None, 'Директордың оқу ісі жөніндегі орынбасары', 'admin', False, 0.8,
        (35, 56)),
    (None, 'Директордың тәрбие ісі жөніндегі орынбасары', 'admin', False,
        0.7, (32, 55)),
    (None, 'Директордың шаруашылық ісі жөніндегі орынбасары', 'service',
        True, 0.2, (35, 60)),
    (None, 'Бухгалтер', 'accounting', False, 0.85, (25, 55)),
    (None, 'Экономист', 'accounting', False, 0.8, (25, 55)),
    (None, 'Хатшы', 'office', False, 0.9, (20, 40)),
    (None, 'Тьютор', 'methodical', False, 0.8, (24, 45)),
    (None, 'Педагог-психолог', 'methodical', False, 0.9, (25, 50)),
    (None, 'Әлеуметтік педагог', 'methodical', False, 0.85, (25, 55)),
    (None, 'Кітапханашы', 'office', False, 0.95, (30, 62)),
    (None, 'Техникалық қызметкер', 'service', False, 0.7, (30, 62)),
    (None, 'Күзетші', 'service', False, 0.05, (30, 62)),
    ]
SMALL_CORE = [
    ('director', 'Директор', 'admin', True, 0.5, (42, 58)),
    ('deputy', 'Директордың оқу ісі жөніндегі орынбасары', 'methodical',
        True, 0.8, (35, 56)),
    ('hr', 'Кадр маманы', 'personnel', True, 0.85, (28, 55)),
    ('accountant', 'Бухгалтер', 'accounting', True, 0.85, (25, 55)),
    ]
# position, methodical association, weight, probability of a Russian name
TEACHERS = [
    ('Бастауыш сынып мұғалімі', 'mo_primary', 12, 0.2),
    ('Математика пәнінің мұғалімі', 'mo_math', 5, 0.2),
    ('Қазақ тілі мен әдебиеті пәнінің мұғалімі', 'mo_kazakh', 4, 0.0),
    ('Орыс тілі мен әдебиеті пәнінің мұғалімі', 'mo_russian', 3, 0.7),
    ('Ағылшын тілі пәнінің мұғалімі', 'mo_foreign', 3, 0.2),
    ('Информатика пәнінің мұғалімі', 'mo_math', 2, 0.25),
    ('Физика пәнінің мұғалімі', 'mo_science', 1, 0.25),
    ('Химия пәнінің мұғалімі', 'mo_science', 1, 0.25),
    ('Биология пәнінің мұғалімі', 'mo_science', 1, 0.25),
    ('География пәнінің мұғалімі', 'mo_science', 1, 0.25),
    ('Тарих пәнінің мұғалімі', 'mo_social', 2, 0.15),
    ('Дене шынықтыру пәнінің мұғалімі', 'mo_arts', 2, 0.2),
    ('Музыка пәнінің мұғалімі', 'mo_arts', 1, 0.2),
    ('Көркем еңбек пәнінің мұғалімі', 'mo_arts', 1, 0.2),
    ]
TEACHER_FEMALE = 0.82

# login, role XML id, staff key of the person (or 'learner', 'parent',
# None), language
USERS = [
    ('director', 'role_director', 'director', 'kk'),
    ('deputy', 'role_deputy_director', 'deputy', 'kk'),
    ('methodist', 'role_methodist', 'methodist', 'kk'),
    ('teacher', 'role_teacher', 'teacher', 'ru'),
    ('tutor', 'role_tutor', 'tutor', 'kk'),
    ('learner', 'role_learner', 'learner', 'kk'),
    ('parent', 'role_parent', 'parent', 'kk'),
    ('accountant', 'role_accountant', 'accountant', 'ru'),
    ('chief_accountant', 'role_chief_accountant', 'chief_accountant', 'kk'),
    ('hr', 'role_hr_officer', 'hr', 'kk'),
    ('clerk', 'role_clerk', 'clerk', 'kk'),
    ('sysadmin', 'role_sysadmin', 'sysadmin', 'ru'),
    ('auditor', 'role_auditor', 'auditor', 'kk'),
    ('ministry_api', 'role_ministry_integration', None, 'ru'),
    ]
SECOND_SCHOOL_USERS = [
    ('hr45', 'role_hr_officer', 'hr', 'kk'),
    ]
MINISTRY_API_NAME = 'ҚР Оқу-ағарту министрлігі: интеграция (API)'


# -- pure generation (no database) ------------------------------------------

def _read_csv(name):
    with open(DATA_DIR / name, encoding='utf-8', newline='') as file:
        return list(csv.DictReader(file))


class Names:
    "The lists of first names, last names and patronymics by ethnicity"

    def __init__(self):
        self.male = {}
        self.female = {}
        self.last = {}
        for ethnicity in ('kk', 'ru'):
            self.male[ethnicity] = [
                (r['name'], r['patronymic_male'], r['patronymic_female'])
                for r in _read_csv(f'{ethnicity}_male_first_names.csv')]
            self.female[ethnicity] = [
                r['name']
                for r in _read_csv(f'{ethnicity}_female_first_names.csv')]
            self.last[ethnicity] = [
                (r['male'], r['female'])
                for r in _read_csv(f'{ethnicity}_last_names.csv')]

    def first_name(self, rng, ethnicity, sex):
        if sex == 'male':
            return rng.choice(self.male[ethnicity])[0]
        return rng.choice(self.female[ethnicity])

    def father(self, rng, ethnicity):
        "Return (first name, male patronymic, female patronymic)"
        return rng.choice(self.male[ethnicity])

    def last_name(self, rng, ethnicity):
        "Return (male form, female form)"
        return rng.choice(self.last[ethnicity])

    def patronymic(self, rng, ethnicity, sex):
        _, male, female = rng.choice(self.male[ethnicity])
        return male if sex == 'male' else female


class Generator:
    "Draw the demo persons from one random generator"

    def __init__(self, seed, academic_year):
        from trytond.modules.edu_base import kz_id
        self.kz_id = kz_id
        self.rng = random.Random(seed)
        self.names = Names()
        self.year = academic_year
        self.start = dt.date(academic_year, 9, 1)
        self.iins = set()
        self.bins = set()

    def iin(self, birth_date, sex):
        while True:
            code = self.kz_id.make_iin(
                birth_date, sex, self.rng.randrange(10000))
            if code not in self.iins:
                self.iins.add(code)
                return code

    def bin(self, year, month):
        while True:
            code = self.kz_id.make_bin(
                year, month, self.rng.randrange(100000))
            if code not in self.bins:
                self.bins.add(code)
                return code

    def birth_date(self, age):
        "A birth date of someone who is ``age`` on the 1st of September"
        first = dt.date(self.year - age - 1, 9, 2)
        return first + dt.timedelta(days=self.rng.randrange(365))

    def birth_date_before(self, date, years):
        "A birth date ``years`` (a range) before ``date``"
        year = date.year - self.rng.randint(*years)
        return dt.date(
            year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def mobile(self):
        rng = self.rng
        return '+7 %s %03d %02d %02d' % (
            rng.choice(MOBILE_PREFIXES), rng.randrange(1000),
            rng.randrange(100), rng.randrange(100))

    def person(self, ethnicity, sex, birth_date, last=None, patronymic=None,
            first=None, phone=False, **flags):
        "Return the values of a person"
        rng = self.rng
        if last is None:
            last = self.names.last_name(rng, ethnicity)
        if isinstance(last, tuple):
            last = last[0] if sex == 'male' else last[1]
        if patronymic is None:
            patronymic = self.names.patronymic(rng, ethnicity, sex)
        if first is None:
            first = self.names.first_name(rng, ethnicity, sex)
        values = {
            'is_person': True,
            'last_name': last,
            'first_name': first,
            'patronymic': patronymic,
            'sex': sex,
            'birth_date': birth_date,
            'iin': self.iin(birth_date, sex),
            '_lang': ethnicity,
            }
        if phone:
            values['_phone'] = self.mobile()
        values.update(flags)
        return values

    # -- staff --------------------------------------------------------------

    def staff(self, count, full=True):
        """Return a list of (key, position, department key, head, person)
        for ``count`` employees"""
        rng = self.rng
        core = FULL_CORE if full else SMALL_CORE
        core = core[:max(0, min(len(core), count - max(1, count // 3)))]
        teachers = _allocate(count - len(core),
            [(p, mo, w) for p, mo, w, _ in TEACHERS], full)
        result = []
        for key, position, department, head, female, ages in core:
            sex = 'female' if rng.random() < female else 'male'
            ethnicity = 'ru' if rng.random() < 0.25 else 'kk'
            person = self.person(
                ethnicity, sex, self.birth_date(rng.randint(*ages)),
                phone=True, is_staff=True)
            result.append((key, position, department, head, person))
        seen_mo = set()
        russian = {p: r for p, _, _, r in TEACHERS}
        for position, mo in teachers:
            sex = 'female' if rng.random() < TEACHER_FEMALE else 'male'
            ethnicity = 'ru' if rng.random() < russian[position] else 'kk'
            person = self.person(
                ethnicity, sex, self.birth_date(rng.randint(23, 62)),
                phone=True, is_staff=True)
            department = mo if full else 'methodical'
            head = full and mo not in seen_mo
            seen_mo.add(mo)
            key = None
            if position.startswith('Математика') and not head:
                key = 'teacher'
            result.append((key, position, department, head, person))
        if not any(r[0] == 'teacher' for r in result):
            for i, row in enumerate(result):
                if row[1].endswith('мұғалімі'):
                    result[i] = ('teacher',) + row[1:]
                    break
        return result

    def start_date(self, birth_date):
        "The date of hiring of an employee"
        latest = self.year - 1
        earliest = min(birth_date.year + 22, latest)
        year = self.rng.randint(max(earliest, latest - 25), latest)
        return dt.date(year, 8, self.rng.choice([15, 20, 25, 28]))

    # -- classes and families -----------------------------------------------

    def classes(self, learners, languages):
        """Return the classes as (grade, letter, language, size)"""
        per_grade = _split(learners, GRADE_WEIGHTS)
        result = []
        for grade, size in enumerate(per_grade, 1):
            if not size:
                continue
            count = max(1, round(size / CLASS_SIZE))
            if len(languages) > 1 and count > 1:
                # about a third of the classes learn in Russian
                ru = max(1, round(count / 3))
            elif len(languages) > 1:
                ru = grade % 2 == 0
            else:
                ru = 0
            langs = ['kk'] * (count - ru) + ['ru'] * ru
            if languages == ['ru']:
                langs = ['ru'] * count
            for i, (lang, n) in enumerate(zip(langs, _split(
                            size, [1] * count))):
                result.append((grade, CLASS_LETTERS[i], lang, n))
        return result

    def families(self, classes):
        """Return the families: a list of dicts with ``children`` (list of
        (class index, person)) and ``representatives`` (list of
        (relation kind, person))"""
        rng = self.rng
        slots = [i for i, c in enumerate(classes) for _ in range(c[3])]
        rng.shuffle(slots)
        pairs = round(len(slots) * SIBLING_RATE / 2)
        groups = []
        while slots:
            first = slots.pop()
            group = [first]
            if pairs:
                grade, _, lang, _ = classes[first]
                for j in range(len(slots) - 1, -1, -1):
                    other = classes[slots[j]]
                    if other[2] == lang and abs(other[0] - grade) >= 2:
                        group.append(slots.pop(j))
                        pairs -= 1
                        break
            groups.append(group)
        return [self.family(classes, g) for g in groups]

    def family(self, classes, group):
        rng = self.rng
        names = self.names
        lang = classes[group[0]][2]
        ethnicity = 'kk' if rng.random() < (
            0.96 if lang == 'kk' else 0.45) else 'ru'
        last = names.last_name(rng, ethnicity)
        father_first, patr_male, patr_female = names.father(rng, ethnicity)
        children = []
        for index in sorted(group, key=lambda i: classes[i][0]):
            grade = classes[index][0]
            sex = rng.choice(['male', 'female'])
            age = grade + 5 + (rng.random() < 0.3)
            child = self.person(
                ethnicity, sex, self.birth_date(age), last=last,
                patronymic=patr_male if sex == 'male' else patr_female,
                _lang=lang, is_learner=True)
            children.append((index, child))
        eldest = min(c['birth_date'] for _, c in children)
        draw = rng.random()
        representatives = []
        if draw < 0.03:
            sex = 'female' if rng.random() < 0.8 else 'male'
            representatives.append(('guardian', self.person(
                        ethnicity, sex,
                        self.birth_date_before(eldest, (45, 62)),
                        last=last if rng.random() < 0.6 else None,
                        phone=True, _lang=lang, is_representative=True)))
        else:
            # 0.03-0.80 both parents, 0.80-0.95 the mother, else the father
            mother_birth = self.birth_date_before(eldest, (21, 38))
            if draw < 0.95:
                # the mother often keeps her own last name
                representatives.append(('mother', self.person(
                            ethnicity, 'female', mother_birth,
                            last=last if rng.random() < 0.6 else None,
                            phone=True, _lang=lang,
                            is_representative=True)))
            if draw < 0.80 or draw >= 0.95:
                representatives.append(('father', self.person(
                            ethnicity, 'male',
                            self.birth_date_before(mother_birth, (0, 6)),
                            last=last, first=father_first,
                            phone=True, _lang=lang,
                            is_representative=True)))
        return {'children': children, 'representatives': representatives}


def _split(total, weights):
    "Split ``total`` by ``weights`` with the largest remainders"
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    parts = [math.floor(e) for e in exact]
    order = sorted(range(len(weights)),
        key=lambda i: (parts[i] - exact[i], i))
    for i in order[:total - sum(parts)]:
        parts[i] += 1
    return parts


def _allocate(count, teachers, full):
    "Return (position, association) of ``count`` teachers"
    if count <= 0:
        return []
    if not full:
        # a small school: the main subjects first
        basic = [t for t in teachers if t[1] in {
                'mo_primary', 'mo_math', 'mo_kazakh', 'mo_russian'}]
        return [basic[i % len(basic)][:2] for i in range(count)]
    if count >= len(teachers):
        extra = _split(count - len(teachers), [w - 1 for _, _, w in teachers])
        counts = [1 + e for e in extra]
    else:
        counts = [1] * count + [0] * (len(teachers) - count)
    return [(p, mo) for (p, mo, _), n in zip(teachers, counts)
        for _ in range(n)]


# -- database ----------------------------------------------------------------

def _party_values(person, organisation, langs, categories=None):
    "Return the values to create a party of a generated person"
    values = {k: v for k, v in person.items() if not k.startswith('_')}
    values['organisation'] = organisation
    values['lang'] = langs[person['_lang']]
    if person.get('_phone'):
        values['contact_mechanisms'] = [('create', [{
                        'type': 'mobile',
                        'value': person['_phone'],
                        }])]
    if categories:
        values['categories'] = [('add', categories)]
    return values


def _create(Model, vlist, size=None):
    """Create the records of ``vlist`` in batches of ``size``: a Tryton
    batch of n records costs O(n²) in assertions, so a few hundred records
    per call is faster than thousands"""
    size = size or CHUNK
    records = []
    for i in range(0, len(vlist), size):
        records.extend(Model.create(vlist[i:i + size]))
    return records


def _create_parties(vlist):
    """Create the parties with their codes taken at once from the party
    sequence and their languages in one batch"""
    from trytond.pool import Pool
    pool = Pool()
    Party = pool.get('party.party')
    PartyLang = pool.get('party.party.lang')
    langs = [v.pop('lang', None) for v in vlist]
    sequence = Party._code_sequence()
    if sequence and vlist:
        for values, code in zip(vlist, sequence.get_many(len(vlist))):
            values.setdefault('code', code)
    parties = _create(Party, vlist)
    # the creation already made a language row from the default language
    rows = {}
    for i in range(0, len(parties), CHUNK):
        for row in PartyLang.search([
                    ('party', 'in', [p.id for p in parties[i:i + CHUNK]]),
                    ]):
            rows.setdefault(row.party.id, row)
    by_lang, to_create = {}, []
    for party, lang in zip(parties, langs):
        if party.id in rows:
            by_lang.setdefault(lang, []).append(rows[party.id])
        elif lang:
            to_create.append({'party': party.id, 'lang': lang})
    to_write = []
    for lang, records in by_lang.items():
        to_write.extend([records, {'lang': lang}])
    if to_write:
        PartyLang.write(*to_write)
    _create(PartyLang, to_create)
    return parties


def _academic_year(today):
    return today.year if today.month >= 9 else today.year - 1


def load(seed=DEFAULT_SEED, learners=800, staff=60, second_school=True,
        academic_year=None):
    """Create the demo organisation in the current transaction.

    Run it as user 0 inside an open transaction of a database where
    ``edu_base`` is activated; the caller commits.  ``academic_year`` is the
    year the school year starts (by default the current one): the learners'
    ages fit their grade on the 1st of September of it.  Return a summary
    dict (ids, counts and users).
    """
    from trytond.pool import Pool

    started = time.monotonic()
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Currency = pool.get('currency.currency')
    Lang = pool.get('ir.lang')
    Party = pool.get('party.party')
    Category = pool.get('party.category')
    Relation = pool.get('party.relation')
    Company = pool.get('company.company')
    Employee = pool.get('company.employee')
    Department = pool.get('edu.department')
    User = pool.get('res.user')
    Date = pool.get('ir.date')

    if academic_year is None:
        academic_year = _academic_year(Date.today())
    gen = Generator(seed, academic_year)

    # --- reference data --------------------------------------------------
    currencies = Currency.search([('code', '=', 'KZT')], limit=1)
    if currencies:
        kzt, = currencies
    else:
        kzt, = Currency.create([{
                    'name': 'Kazakhstani Tenge',
                    'code': 'KZT',
                    'symbol': '₸',
                    'numeric_code': '398',
                    'rounding': Decimal('0.01'),
                    'digits': 2,
                    }])
    langs = {l.code: l for l in Lang.search([('code', 'in', ['kk', 'ru'])])}
    missing = [l for l in langs.values() if not l.translatable]
    if missing:
        # a user's language must be translatable
        Lang.load_translations(missing)
    lang_ids = {c: l.id for c, l in langs.items()}
    kato = ModelData.get_id('edu_base', 'kato_710000000')

    def role(name):
        return ModelData.get_id('edu_base', name)

    # --- organisations ---------------------------------------------------
    orgs = [('department', DEPARTMENT_NAME, 'education_department', (1999, 7)),
        ('school', SCHOOL_NAME, 'school', (2001, 3))]
    if second_school:
        orgs.append(('school45', SCHOOL2_NAME, 'school', (2008, 9)))
    org_bins = {key: gen.bin(*date) for key, _, _, date in orgs}
    if Party.search([('bin', 'in', list(org_bins.values()))], limit=1) or (
            Party.search([('name', '=', SCHOOL_NAME)], limit=1)):
        raise RuntimeError('The demo data are already loaded')
    org_parties = _create_parties([{
                'name': name,
                'is_person': False,
                'bin': org_bins[key],
                'lang': lang_ids['kk'],
                } for key, name, _, _ in orgs])
    org_party = {o[0]: p for o, p in zip(orgs, org_parties)}

    def company_values(key, kind, languages):
        return {
            'party': org_party[key].id,
            'currency': kzt.id,
            'timezone': 'Asia/Almaty',
            'edu_kind': kind,
            'kato': kato,
            'instruction_languages': languages,
            }
    department_company, = Company.create([
            company_values('department', 'education_department', [])])
    school_values = [company_values('school', 'school', ['kk', 'ru'])]
    if second_school:
        school_values.append(company_values('school45', 'school', ['kk']))
    for values in school_values:
        values['edu_parent'] = department_company.id
    schools = Company.create(school_values)
    company = {'department': department_company, 'school': schools[0]}
    if second_school:
        company['school45'] = schools[1]

    # --- plan the schools --------------------------------------------------
    plans = [{
            'key': 'school',
            'departments': FULL_DEPARTMENTS,
            'staff': gen.staff(staff, full=True),
            'classes': gen.classes(learners, ['kk', 'ru']),
            }]
    if second_school:
        plans.append({
                'key': 'school45',
                'departments': SMALL_DEPARTMENTS,
                'staff': gen.staff(SECOND_SCHOOL_STAFF, full=False),
                'classes': gen.classes(SECOND_SCHOOL_LEARNERS, ['kk']),
                })
    for plan in plans:
        plan['families'] = gen.families(plan['classes'])
    clash = Party.search([('iin', 'in', sorted(gen.iins))], limit=1)
    if clash:
        raise RuntimeError(f'IIN {clash[0].iin} already exists')

    # --- departments -----------------------------------------------------
    departments = {}
    for level in ('root', 'child'):
        rows, vlist = [], []
        for plan in plans:
            org = company[plan['key']].id
            for key, name, kind, code, parent in plan['departments']:
                if (parent is None) != (level == 'root'):
                    continue
                rows.append((plan['key'], key))
                vlist.append({
                        'name': name,
                        'kind': kind,
                        'code': code,
                        'company': org,
                        'parent': (departments[plan['key'], parent].id
                            if parent else None),
                        })
        for row, record in zip(rows, Department.create(vlist)):
            departments[row] = record

    # --- staff -----------------------------------------------------------
    rows, vlist = [], []
    for plan in plans:
        org = company[plan['key']].id
        for key, position, department, head, person in plan['staff']:
            rows.append((plan['key'], key, position, department, head,
                    person))
            vlist.append(_party_values(person, org, lang_ids))
    staff_parties = _create_parties(vlist)
    employees = _create(Employee, [{
                'party': party.id,
                'company': company[school].id,
                'department': departments[school, department].id,
                'position': position,
                'start_date': gen.start_date(person['birth_date']),
                } for party, (school, _, position, department, _, person)
            in zip(staff_parties, rows)])
    heads = []
    staff_by_key = {}
    for employee, party, (school, key, _, department, head, _) in zip(
            employees, staff_parties, rows):
        if head:
            heads.extend([[departments[school, department]],
                    {'head': employee.id}])
        if key and (school, key) not in staff_by_key:
            staff_by_key[school, key] = (party, employee)
    if heads:
        Department.write(*heads)

    # --- classes (party categories until the learning core exists) -------
    root, = Category.create([{'name': 'Сыныптар'}])
    school_categories = Category.create([{
                'name': company[p['key']].rec_name,
                'parent': root.id,
                } for p in plans])
    rows, vlist = [], []
    for plan, parent in zip(plans, school_categories):
        for i, (grade, letter, lang, _) in enumerate(plan['classes']):
            rows.append((plan['key'], i))
            vlist.append({
                    'name': f'{grade} «{letter}» ({lang})',
                    'parent': parent.id,
                    })
    class_category = dict(zip(rows, Category.create(vlist)))

    # --- learners and their families -------------------------------------
    vlist, learner_rows, rep_rows = [], [], []
    for plan in plans:
        org = company[plan['key']].id
        for f, family in enumerate(plan['families']):
            for index, child in family['children']:
                learner_rows.append((plan['key'], f, len(vlist)))
                vlist.append(_party_values(child, org, lang_ids,
                        [class_category[plan['key'], index].id]))
            for kind, person in family['representatives']:
                rep_rows.append((plan['key'], f, kind, len(vlist)))
                vlist.append(_party_values(person, org, lang_ids))
    family_parties = _create_parties(vlist)
    children_of = {}
    for school, f, i in learner_rows:
        children_of.setdefault((school, f), []).append(family_parties[i])
    relation_type = {
        kind: ModelData.get_id('edu_base', f'relation_{kind}')
        for kind in ('mother', 'father', 'guardian')}
    relations = _create(Relation, [{
                'from_': family_parties[i].id,
                'to': child.id,
                'type': relation_type[kind],
                } for school, f, kind, i in rep_rows
            for child in children_of[school, f]])

    # the demo learner: a learner of the 7th to 9th grade in a Kazakh class
    # with a sibling and both parents; the demo parent is the mother
    main = plans[0]

    def demo_family_score(f):
        family = main['families'][f]
        kinds = [k for k, _ in family['representatives']]
        grade, _, lang, _ = main['classes'][family['children'][-1][0]]
        return (len(family['children']) > 1, 'mother' in kinds,
            'father' in kinds, 7 <= grade <= 9, lang == 'kk')
    demo_f = max(range(len(main['families'])),
        key=lambda f: (demo_family_score(f), -f))
    demo_learner = children_of['school', demo_f][-1]
    demo_parent = next(family_parties[i] for s, f, kind, i in rep_rows
        if s == 'school' and f == demo_f and kind in ('mother', 'father',
            'guardian'))

    # --- users -----------------------------------------------------------
    user_rows = [('school', *u) for u in USERS]
    if second_school:
        user_rows += [('school45', *u) for u in SECOND_SCHOOL_USERS]
    vlist = []
    for school, login, role_name, key, lang in user_rows:
        org = company[school].id
        values = {
            'login': login,
            'password': DEMO_PASSWORD,
            'companies': [('add', [org])],
            'company': org,
            'language': lang_ids[lang],
            'roles': [('create', [{'role': role(role_name)}])],
            }
        if key == 'learner':
            person, employee = demo_learner, None
        elif key == 'parent':
            person, employee = demo_parent, None
        elif key:
            # a tiny staff may lack the position: the user has no person
            person, employee = staff_by_key.get((school, key), (None, None))
        else:
            person = employee = None
        if person:
            values['name'] = person.name
        else:
            values['name'] = MINISTRY_API_NAME if key is None else login
        if person:
            values['person'] = person.id
        if employee:
            values['employees'] = [('add', [employee.id])]
            values['employee'] = employee.id
        vlist.append(values)
    users = User.create(vlist)
    # the transaction of user 0 skips the password policy: prove it holds
    User.validate_password(DEMO_PASSWORD, users)
    admin = User(ModelData.get_id('res', 'user_admin'))
    User.write([admin], {
            'companies': [('add', [c.id for c in company.values()])],
            'company': company['school'].id,
            'company_filter': 'all',
            })
    pool.get('ir.rule').clear_edu_values()

    learner_count = len(learner_rows)
    summary = {
        'seed': seed,
        'academic_year': academic_year,
        'password': DEMO_PASSWORD,
        'companies': {k: {'id': c.id, 'name': c.rec_name}
            for k, c in company.items()},
        'counts': {
            'companies': len(company),
            'departments': len(departments),
            'employees': len(employees),
            'staff': len(staff_parties),
            'classes': len(class_category),
            'learners': learner_count,
            'learners_with_sibling': sum(
                len(c) for c in children_of.values() if len(c) > 1),
            'representatives': len(rep_rows),
            'family_relations': len(relations),
            'persons': len(staff_parties) + len(family_parties),
            'users': len(users),
            },
        'per_school': {p['key']: {
                'staff': len(p['staff']),
                'classes': len(p['classes']),
                'learners': sum(c[3] for c in p['classes']),
                } for p in plans},
        'users': [{
                'login': u.login,
                'role': r,
                'name': u.name,
                'person_iin': u.person.iin if u.person else None,
                'company': company[s].rec_name,
                'language': l,
                } for u, (s, _, r, _, l) in zip(users, user_rows)],
        'logins': [u.login for u in users],
        'seconds': round(time.monotonic() - started, 2),
        }
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Load the Bilim ERP demo organisation into a database "
        "where edu_base is activated.")
    parser.add_argument('database', help="the database name")
    parser.add_argument('--seed', type=int, default=DEFAULT_SEED,
        help="random seed (default %(default)s)")
    parser.add_argument('--learners', type=int, default=800)
    parser.add_argument('--staff', type=int, default=60)
    parser.add_argument('--no-second-school', dest='second_school',
        action='store_false', help="do not create «№ 45 мектеп-лицей»")
    parser.add_argument('--academic-year', type=int,
        help="the year the school year starts (default: the current one)")
    parser.add_argument('-c', '--config', dest='configfile',
        default=os.environ.get('TRYTOND_CONFIG'),
        help="the trytond configuration file (default: TRYTOND_CONFIG)")
    parser.add_argument('--json', action='store_true',
        help="print the summary as JSON")
    args = parser.parse_args(argv)

    from trytond import config
    config.update_etc(args.configfile)
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Pool.start()
    pool = Pool(args.database)
    pool.init()
    with Transaction().start(args.database, 0, context={}) as transaction:
        summary = load(seed=args.seed, learners=args.learners,
            staff=args.staff, second_school=args.second_school,
            academic_year=args.academic_year)
        transaction.commit()
    if args.json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print_summary(summary)
    return summary


def _print_summary(summary):
    print(f"Bilim ERP demo data (seed {summary['seed']}, "
        f"academic year {summary['academic_year']}/"
        f"{summary['academic_year'] + 1}) loaded in "
        f"{summary['seconds']} s")
    for key, value in summary['companies'].items():
        print(f"  {key}: {value['name']} (id {value['id']})")
    for key, value in summary['counts'].items():
        print(f"  {key}: {value}")
    for key, value in summary['per_school'].items():
        print(f"  {key}: " + ', '.join(f'{k} {v}' for k, v in value.items()))
    print(f"Users (password {summary['password']!r}):")
    for user in summary['users']:
        print(f"  {user['login']:<17} {user['role']:<26} {user['language']} "
            f"{user['name']} — {user['company']}")


if __name__ == '__main__':
    main()
