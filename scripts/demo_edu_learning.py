# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the learning core (R27.1, R27.2, R27.4, R27.6, R27.12).

For school № 12 and school № 45 it replaces the party categories
«Сыныптар / <school> / 7 «Ә» (kk)» that scripts/demo_data.py made until the
learning core existed by real records:

- the current academic year (1 September – 25 May, the year computed from
  today as demo_data does) with its four Kazakh school quarters;
- the classes, with the same grades, letters and languages, each with a
  homeroom teacher taken from the staff (primary-class teachers for the
  grades 1–4; the demo ``teacher`` is the homeroom teacher of the demo
  ``learner``'s class);
- one order of enrolment per class («12-Б/2026-0001»: school, «бұйрық»,
  year, number) with one line per learner of the category, and the
  enrolments it made on 1 September;
- a few later orders confirmed through the real path: transfers between
  parallel classes, departures (change of residence, abroad) and arrivals
  of new learners;
- the study plans of the grades 1–11 in each language of instruction of
  the school with the weekly hours of the typical plan;
- the teacher records (education, qualification category, courses, some
  NQT results) of the teachers and the achievements of some learners.

The categories are then deleted.  Everything is created in bulk: the part
runs in a few seconds.  Called by scripts/create_db.py with the summary of
scripts/demo_data.load(); returns the figures.
"""
import datetime as dt
import random
import re
import time
from collections import defaultdict
from decimal import Decimal

SEED = 2026
ORDER_LETTER = 'Б'  # бұйрық
CATEGORY_RE = re.compile(r'^(\d+) «(.+)» \((\w+)\)$')

# the weekly hours of the typical study plan of a Kazakh-medium class
# (subject xml ids of edu_learning's catalogue, without "subject_")
_PRIMARY = {
    'kazakh_language': 3, 'literary_reading': 3, 'russian_language': 2,
    'mathematics': 4, 'world_cognition': 1, 'natural_science': 1,
    'digital_literacy': 1, 'art_work': 2, 'music': 1,
    'physical_education': 3, 'self_knowledge': 1,
    }
_MIDDLE = {
    'kazakh_language': 3, 'kazakh_literature': 2,
    'russian_language_literature': 3, 'english': 3, 'mathematics': 5,
    'informatics': 1, 'natural_science': 2, 'history_kazakhstan': 1,
    'world_history': 1, 'art_work': 2, 'music': 1,
    'physical_education': 3, 'self_knowledge': 1,
    }
_UPPER = {
    'kazakh_language': 2, 'kazakh_literature': 2,
    'russian_language_literature': 2, 'english': 3, 'algebra': 3,
    'geometry': 2, 'informatics': 1, 'physics': 2, 'chemistry': 2,
    'biology': 2, 'geography': 2, 'history_kazakhstan': 2,
    'world_history': 1, 'art_work': 1, 'music': 1,
    'physical_education': 3, 'self_knowledge': 1,
    }
_SENIOR = {
    'kazakh_language': 1, 'kazakh_literature': 3,
    'russian_language_literature': 2, 'english': 2, 'algebra_analysis': 3,
    'geometry': 2, 'informatics': 2, 'physics': 2, 'chemistry': 2,
    'biology': 2, 'geography': 2, 'history_kazakhstan': 2,
    'world_history': 2, 'law': 1, 'graphics_design': 1,
    'military_training': 2, 'physical_education': 2,
    'global_competences': 1, 'self_knowledge': 1,
    }
PLAN_KK = {
    1: {'literacy': 6, 'mathematics': 4, 'world_cognition': 1,
        'natural_science': 1, 'digital_literacy': 1, 'art_work': 1,
        'music': 1, 'physical_education': 3, 'self_knowledge': 1},
    2: _PRIMARY,
    3: {**_PRIMARY, 'english': 2},
    4: {**_PRIMARY, 'english': 2, 'literary_reading': 4},
    5: _MIDDLE,
    6: {**_MIDDLE, 'geography': 1},
    7: _UPPER,
    8: {**_UPPER, 'music': 0},
    9: {**_UPPER, 'music': 0, 'art_work': 0, 'law': 1},
    10: _SENIOR,
    11: {**_SENIOR, 'global_competences': 0, 'entrepreneurship': 1},
    }
# a Russian-medium class learns Russian as the Kazakh-medium class learns
# Kazakh, and Kazakh as a second language
RU_SWAP = {
    'kazakh_language': 'russian_language',
    'kazakh_literature': 'russian_literature',
    'russian_language': 'kazakh_language',
    'russian_language_literature': 'kazakh_language_literature',
    }

UNIVERSITIES = [
    "Л.Н. Гумилев атындағы Еуразия ұлттық университеті",
    "Абай атындағы Қазақ ұлттық педагогикалық университеті",
    "Е.А. Бөкетов атындағы Қарағанды университеті",
    "С. Сейфуллин атындағы Қазақ агротехникалық зерттеу университеті",
    "Ш. Уәлиханов атындағы Көкшетау университеті",
    ]
COURSES = [
    ("«Өрлеу» БАҰО: пәндік біліктілікті арттыру курсы", 80),
    ("НЗМ ПШО: жаңартылған білім беру мазмұны бойынша курс", 72),
    ("Критериалды бағалау жүйесі", 36),
    ("Инклюзивті білім беру", 36),
    ("Цифрлық сауаттылық және қашықтан оқыту", 24),
    ]
CATEGORIES = [
    ('none', "Санатсыз"), ('moderator', "Педагог-модератор"),
    ('moderator', "Педагог-модератор"), ('expert', "Педагог-сарапшы"),
    ('expert', "Педагог-сарапшы"), ('researcher', "Педагог-зерттеуші"),
    ('master', "Педагог-шебер"),
    ]
ACHIEVEMENTS = [
    ('olympiad', "Пәндік олимпиада", 'mathematics', "I орын"),
    ('olympiad', "Пәндік олимпиада", 'english', "II орын"),
    ('olympiad', "Пәндік олимпиада", 'history_kazakhstan', "III орын"),
    ('competition', "«Зерде» ғылыми жобалар байқауы", 'biology',
        "Дипломант"),
    ('project', "Ғылыми жоба: «Астананың экологиясы»", 'geography',
        "Қорғалды"),
    ('sport', "Тоғызқұмалақтан жарыс", None, "I орын"),
    ('sport', "Мини-футбол турнирі", None, "II орын"),
    ('certificate', "IELTS сертификаты", 'english', "6.5"),
    ('award', "«Үздік оқушы» мақтау қағазы", None, "Мақтау қағазы"),
    ('career_guidance', "«Болашаққа бағдар» кәсіптік бағдар сынағы", None,
        "IT және инженерия"),
    ]
LEVELS = ['school', 'school', 'district', 'city', 'city', 'region',
    'national']
NEW_LEARNERS = [  # arrivals: last, first, patronymic, sex
    ("Ермекова", "Аружан", "Талғатқызы", 'female'),
    ("Исаев", "Алихан", "Русланұлы", 'male'),
    ]


def _academic_year(today):
    try:
        from demo_data import _academic_year as academic_year
    except ImportError:  # the scripts directory is not on the path
        return today.year if today.month >= 9 else today.year - 1
    return academic_year(today)


def load(summary):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool()
    try:
        pool.get('edu.class')
    except KeyError:
        return {'skipped': 'edu_learning is not activated'}
    started = time.monotonic()
    rng = random.Random(SEED)
    start_year = summary.get('academic_year') or _academic_year(
        dt.date.today())
    users = {u['login']: u for u in summary.get('users', [])}
    figures = defaultdict(int)
    for key in ('school', 'school45'):
        company = summary.get('companies', {}).get(key)
        if not company:
            continue
        with Transaction().set_context(company=company['id']):
            for name, value in _school(
                    company, start_year, users, rng).items():
                figures[name] += value
    _drop_categories()
    figures['seconds'] = round(time.monotonic() - started, 2)
    return dict(figures)


def _subjects():
    "Return {catalogue name: subject id}"
    from trytond.pool import Pool
    ModelData = Pool().get('ir.model.data')
    return {d.fs_id[len('subject_'):]: d.db_id for d in ModelData.search([
                ('module', '=', 'edu_learning'),
                ('model', '=', 'edu.subject')])
        if d.fs_id.startswith('subject_')}


def _school_number(name):
    match = re.search(r'№\s*(\d+)', name or '')
    return match.group(1) if match else 'M'


def _school(company, start_year, users, rng):
    from trytond.pool import Pool
    pool = Pool()
    Company = pool.get('company.company')
    Year = pool.get('edu.academic.year')

    company_id = company['id']
    school = Company(company_id)
    year, = Year.create([{
                'company': company_id,
                'name': f"{start_year}–{start_year + 1}",
                'start_date': dt.date(start_year, 9, 1),
                'end_date': dt.date(start_year + 1, 5, 25),
                'period_kind': 'quarter',
                }])
    Year.create_periods([year])
    prefix = f"{_school_number(company['name'])}-{ORDER_LETTER}/{start_year}"
    classes, members = _classes(school, year, users)
    figures = {
        'years': 1,
        'periods': len(year.periods),
        'classes': len(classes),
        }
    figures.update(_enrol(school, year, classes, members, prefix))
    figures.update(_movements(school, year, classes, members, prefix, users,
            rng))
    figures.update(_study_plans(school, year))
    figures.update(_teacher_records(school, rng))
    figures.update(_achievements(school, year, members, users, rng))
    return figures


def _categories(school):
    "Return {(grade, letter, language): category} of the school"
    from trytond.pool import Pool
    Category = Pool().get('party.category')
    result = {}
    for category in Category.search([
                ('parent.name', '=', school.rec_name),
                ('parent.parent.name', '=', 'Сыныптар'),
                ]):
        match = CATEGORY_RE.match(category.name)
        if match:
            grade, letter, lang = match.groups()
            result[int(grade), letter, lang] = category
    return result


def _person_of(users, login, school):
    from trytond.pool import Pool
    Party = Pool().get('party.party')
    user = users.get(login)
    if not user or not user.get('person_iin'):
        return None
    parties = Party.search([('iin', '=', user['person_iin']),
            ('organisation', '=', school.id)], limit=1)
    return parties[0] if parties else None


def _classes(school, year, users):
    """Create the classes of the categories with their homeroom teachers;
    return the classes and {class id: [learner ids]}"""
    from trytond.pool import Pool
    pool = Pool()
    Class = pool.get('edu.class')
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')

    categories = _categories(school)
    keys = sorted(categories, key=lambda k: (k[0], k[1]))
    members = {}
    for key in keys:
        members[key] = [p.id for p in Party.search([
                    ('categories', '=', categories[key].id),
                    ('is_learner', '=', True),
                    ], order=[('id', 'ASC')])]
    # the homeroom teachers: primary-class teachers for the grades 1-4,
    # subject teachers for the others, one class each
    employees = Employee.search([('company', '=', school.id),
            ('position', 'ilike', '%мұғалімі%')], order=[('id', 'ASC')])
    primary = [e.party for e in employees if 'Бастауыш' in e.position]
    subject = [e.party for e in employees if 'Бастауыш' not in e.position]
    demo_teacher = _person_of(users, 'teacher', school)
    demo_learner = _person_of(users, 'learner', school)
    homeroom = {}
    if demo_teacher and demo_learner:
        for key in keys:
            if demo_learner.id in members[key]:
                homeroom[key] = demo_teacher
    taken = set(homeroom.values())
    for key in keys:
        if key in homeroom:
            continue
        pools = (primary, subject) if key[0] <= 4 else (subject, primary)
        for candidates in pools:
            free = [p for p in candidates if p not in taken]
            if free:
                homeroom[key] = free[0]
                taken.add(free[0])
                break
    classes = Class.create([{
                'company': school.id,
                'year': year.id,
                'name': f"{grade} {letter}",
                'grade': grade,
                'letter': letter,
                'language': lang,
                'homeroom_teacher': (homeroom[grade, letter, lang].id
                    if (grade, letter, lang) in homeroom else None),
                } for grade, letter, lang in keys])
    return classes, {c.id: members[k] for c, k in zip(classes, keys)}


def _enrol(school, year, classes, members, prefix):
    """One order of enrolment per class, one line per learner, confirmed
    in bulk: the lines are created done with their enrolments"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Movement = pool.get('edu.contingent.movement')
    Enrolment = pool.get('edu.class.enrolment')

    order_date = year.start_date - dt.timedelta(days=4)
    vlist, rows = [], []
    for number, class_ in enumerate(classes, 1):
        for learner in members[class_.id]:
            rows.append((class_, learner))
            vlist.append({
                    'company': school.id,
                    'number': f"{prefix}-{number:04d}",
                    'date': order_date,
                    'effective_date': year.start_date,
                    'kind': 'enrolment',
                    'learner': learner,
                    'to_class': class_.id,
                    'state': 'done',
                    })
    movements = _bulk(Movement, vlist)
    with Transaction().set_context(_edu_contingent=True):
        enrolments = _bulk(Enrolment, [{
                    'class_': class_.id,
                    'learner': learner,
                    'start_date': year.start_date,
                    'movement': movement.id,
                    } for movement, (class_, learner) in zip(
                    movements, rows)])
    return {'orders': len(classes), 'order_lines': len(movements),
        'enrolments': len(enrolments)}


def _movements(school, year, classes, members, prefix, users, rng):
    """A few orders of the year through the real confirmation: transfers
    between parallel classes, departures and arrivals"""
    from trytond.modules.edu_base.kz_id import make_iin
    from trytond.pool import Pool
    pool = Pool()
    Movement = pool.get('edu.contingent.movement')
    Party = pool.get('party.party')

    protected = set()
    for login in ('learner',):
        person = _person_of(users, login, school)
        if person:
            protected.add(person.id)
            # the siblings stay where they are too
            for representative in person.representatives:
                protected.update(l.id for l in representative.learners)
    by_key = defaultdict(list)
    for class_ in classes:
        by_key[class_.grade, class_.language].append(class_)
    counter = iter(range(len(classes) + 1, 10_000))
    q2_start = year.periods[1].start_date
    vlist = []

    def movable(class_):
        return [l for l in members[class_.id] if l not in protected]

    # transfers between parallel classes at the start of the 2nd quarter
    pairs = [cs for cs in by_key.values() if len(cs) >= 2]
    for parallel in pairs[:2]:
        source, target = parallel[0], parallel[1]
        candidates = movable(source)
        if not candidates:
            continue
        learner = rng.choice(candidates)
        protected.add(learner)
        vlist.append({
                'kind': 'transfer', 'learner': learner,
                'from_class': source.id, 'to_class': target.id,
                'date': q2_start - dt.timedelta(days=5),
                'effective_date': q2_start, 'reason': 'other',
                'note': "Ата-анасының өтініші бойынша",
                })
    # departures in the first quarter
    for class_, reason, where in [
            (classes[len(classes) // 3], 'residence', "Алматы қ., № 54 мектеп"),
            (classes[2 * len(classes) // 3], 'abroad', "Ресей Федерациясы"),
            ]:
        candidates = movable(class_)
        if not candidates:
            continue
        learner = rng.choice(candidates)
        protected.add(learner)
        vlist.append({
                'kind': 'departure', 'learner': learner,
                'from_class': class_.id,
                'date': year.start_date + dt.timedelta(days=45),
                'effective_date': year.start_date + dt.timedelta(days=47),
                'reason': reason, 'other_organisation': where,
                })
    # arrivals of new learners in the 2nd quarter
    arrivals = [c for c in classes if 5 <= c.grade <= 8][:len(NEW_LEARNERS)]
    serials = iter(range(880, 990))
    for class_, (last, first, patronymic, sex) in zip(
            arrivals, NEW_LEARNERS):
        birth = dt.date(year.start_date.year - 6 - class_.grade, 3, 14)
        while True:
            iin = make_iin(birth, sex, next(serials))
            if not Party.search([('iin', '=', iin)], limit=1):
                break
        learner, = Party.create([{
                    'is_person': True, 'is_learner': True,
                    'last_name': last, 'first_name': first,
                    'patronymic': patronymic, 'iin': iin,
                    'organisation': school.id,
                    }])
        vlist.append({
                'kind': 'arrival', 'learner': learner.id,
                'to_class': class_.id,
                'date': q2_start + dt.timedelta(days=6),
                'effective_date': q2_start + dt.timedelta(days=7),
                'other_organisation': "Қарағанды қ., № 3 гимназия",
                })
    for values in vlist:
        values.update({'company': school.id,
                'number': f"{prefix}-{next(counter):04d}"})
    movements = Movement.create(vlist)
    Movement.confirm(movements)
    kinds = defaultdict(int)
    for movement in movements:
        kinds[movement.kind] += 1
    return {'transfers': kinds['transfer'], 'departures': kinds['departure'],
        'arrivals': kinds['arrival']}


def _study_plans(school, year):
    "The study plans of the grades 1-11 in the school's languages"
    from trytond.pool import Pool
    Plan = Pool().get('edu.study.plan')
    subjects = _subjects()
    languages = [l for l in ('kk', 'ru')
        if l in (school.instruction_languages or ['kk'])]
    names = {'kk': "қазақ тілінде оқытатын", 'ru': "орыс тілінде оқытатын"}
    vlist = []
    for language in languages:
        for grade, hours in PLAN_KK.items():
            if language == 'ru':
                hours = {RU_SWAP.get(s, s): h for s, h in hours.items()}
            vlist.append({
                    'company': school.id, 'year': year.id,
                    'name': f"{grade}-сынып ({names[language]})",
                    'grade': grade, 'language': language,
                    'weeks': 33 if grade == 1 else 34,
                    'lines': [('create', [{
                                    'subject': subjects[s],
                                    'hours': Decimal(h),
                                    } for s, h in hours.items() if h])],
                    })
    plans = Plan.create(vlist)
    return {'study_plans': len(plans),
        'study_plan_lines': sum(len(p.lines) for p in plans)}


def _teacher_records(school, rng):
    "Education, category, courses and NQT of the teachers (R27.2)"
    from trytond.pool import Pool
    pool = Pool()
    Employee = pool.get('company.employee')
    Record = pool.get('edu.teacher.record')
    employees = Employee.search([('company', '=', school.id),
            ('position', 'ilike', '%мұғалімі%')], order=[('id', 'ASC')])
    vlist = []
    for employee in employees:
        person = employee.party
        hired = employee.start_date or dt.date(2015, 8, 25)
        graduated = dt.date(max(hired.year - rng.randint(0, 2), 1985), 6, 25)
        speciality = employee.position.replace(" пәнінің мұғалімі", "")
        speciality = speciality.replace(" мұғалімі", "")
        base = {'company': school.id, 'person': person.id}
        vlist.append({**base, 'kind': 'education',
                'name': f"Жоғары педагогикалық: {speciality}",
                'institution': rng.choice(UNIVERSITIES),
                'number': f"ЖБ-Б {rng.randint(100000, 999999)}",
                'date': graduated})
        category, title = rng.choice(CATEGORIES)
        if category != 'none':
            awarded = dt.date(rng.randint(2021, 2025), 6, 30)
            vlist.append({**base, 'kind': 'category', 'name': title,
                    'category': category, 'date': awarded,
                    'valid_until': awarded.replace(year=awarded.year + 5),
                    'number': f"{rng.randint(100, 999)}-Қ"})
        if rng.random() < 0.6:
            vlist.append({**base, 'kind': 'nqt',
                    'name': "Ұлттық біліктілік тестілеуі",
                    'date': dt.date(rng.randint(2022, 2025), 4, 15),
                    'score': Decimal(rng.randint(55, 92))})
        for course, hours in rng.sample(COURSES, 2):
            vlist.append({**base, 'kind': 'course', 'name': course,
                    'hours': hours,
                    'institution': course.split(':')[0],
                    'date': dt.date(rng.randint(2023, 2026), 3, 20),
                    'number': f"С-{rng.randint(10000, 99999)}"})
    records = _bulk(Record, vlist)
    return {'teacher_records': len(records)}


def _achievements(school, year, members, users, rng):
    "Achievements of some learners, two of the demo learner (R27.1)"
    from trytond.pool import Pool
    pool = Pool()
    Achievement = pool.get('edu.learner.achievement')
    Class = pool.get('edu.class')
    subjects = _subjects()
    learners = []
    for class_id, ids in members.items():
        if Class(class_id).grade >= 5 and ids:
            learners.extend(rng.sample(ids, min(2, len(ids))))
    demo = _person_of(users, 'learner', school)
    if demo:
        learners[:0] = [demo.id, demo.id]
    vlist = []
    for i, learner in enumerate(learners):
        kind, name, subject, result = ACHIEVEMENTS[i % len(ACHIEVEMENTS)]
        vlist.append({
                'company': school.id, 'learner': learner, 'kind': kind,
                'name': name,
                'subject': subjects[subject] if subject else None,
                'level': rng.choice(LEVELS),
                'date': year.start_date + dt.timedelta(
                    days=rng.randint(20, 80)),
                'result': result,
                })
    return {'achievements': len(_bulk(Achievement, vlist))}


def _drop_categories():
    "The categories of the classes are replaced by the classes"
    from trytond.pool import Pool
    Category = Pool().get('party.category')
    roots = Category.search([('name', '=', 'Сыныптар'),
            ('parent', '=', None)])
    if roots:
        Category.delete(Category.search([('parent', 'child_of',
                        [r.id for r in roots])]))


def _bulk(Model, vlist, size=400):
    "Create in batches: a Tryton batch of n records costs O(n²)"
    records = []
    for i in range(0, len(vlist), size):
        records.extend(Model.create(vlist[i:i + size]))
    return records
