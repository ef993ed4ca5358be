# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of edu_teaching (R27.9, R27.10, R27.11): the lesson plans of
the demo teacher with their materials, homework on a share of the
teacher's past lessons with the learners' submissions (texts, small TXT
and PDF files), most checked and graded, some returned for rework; Jitsi
Meet configured for school № 12 with a few online lessons; a few messages
in the chat of the demo learner's class.

Runs after the demo parts of edu_school (the dated lessons) and of the
modules it depends on, as user 0, in its own transaction; without lessons
(edu_school's demo not loaded) it still writes the configuration, the
plans and the chat.  Called by scripts/create_db.py with the summary of
scripts/demo_data.load().
"""
import datetime as dt
import random
from unittest import mock

from trytond.pool import Pool
from trytond.transaction import Transaction

HOMEWORK_SHARE = 3  # homework on one past lesson out of 3
MAX_HOMEWORK = 15
MAX_PLANS = 6

PLANS = [
    ("Жай бөлшектерді салыстыру",
        "7.1.1.1 жай бөлшектерді салыстыру және реттеу",
        "1. Ұйымдастыру (2 мин)\n2. Үй жұмысын тексеру (5 мин)\n"
        "3. Жаңа тақырып: ортақ бөлімге келтіру (15 мин)\n"
        "4. Жұптық жұмыс (15 мин)\n5. Рефлексия (8 мин)"),
    ("Пропорция және оның қасиеттері",
        "7.1.2.3 пропорцияның негізгі қасиетін қолдану",
        "1. Ой шақыру\n2. Пропорцияның анықтамасы\n3. Есептер шығару\n"
        "4. Қалыптастырушы бағалау"),
    ("Сызықтық теңдеулер",
        "7.2.2.1 бір айнымалысы бар сызықтық теңдеулерді шешу",
        "1. Қайталау\n2. Теңдеуді шешу алгоритмі\n3. Топтық жұмыс\n"
        "4. Өзін-өзі бағалау"),
    ("Дәрежелер және олардың қасиеттері",
        "7.2.1.5 натурал көрсеткішті дәреженің қасиеттерін қолдану",
        "1. Миға шабуыл\n2. Қасиеттерді қорыту\n3. Деңгейлік тапсырмалар"),
    ("Координаталық жазықтық",
        "6.5.1.1 нүктенің координаталарын анықтау",
        "1. Практикалық жұмыс\n2. Графиктер салу"),
    ("Пайыздар",
        "6.1.2.14 пайызға берілген есептерді шығару",
        "1. Өмірлік есептер\n2. Жеке жұмыс"),
    ]
TASKS = [
    "Оқулық: № {n}, {m} есептер; шешу жолын толық жаз.",
    "Жұмыс парағының 1–4 тапсырмалары.",
    "§ {n} оқып шығу, № {m} есепті шығару.",
    "Өз мысалыңды құрастырып, шешімін тексер.",
    ]
ANSWERS = [
    "№ {n}: жауабы 3/4. № {m}: x = 5.",
    "1) 12; 2) 0,75; 3) 18 %; 4) 2,5",
    "Есептің шешімі файлда.",
    "Мысал: 2x + 3 = 11, x = 4. Тексеру: 2·4 + 3 = 11.",
    ]
CHAT = [
    ('teacher', "Қайырлы күн! Ертеңгі сабаққа сызғыш пен циркуль "
        "әкеліңіздер."),
    ('learner', "Сәлеметсіз бе! Үй жұмысындағы 3-есепті түсінбедім."),
    ('teacher', "Сабақтан кейін 15:00-де 214-кабинетте түсіндіремін."),
    ('learner', "Рахмет!"),
    ('tutor', "Жұмадағы сынып сағаты онлайн өтеді, сілтеме сабақта."),
    ]


def pdf_bytes(text):
    "Return a small one-page PDF showing text (ASCII only)"
    text = text.encode('ascii', 'replace').decode().replace(
        '(', '[').replace(')', ']')
    stream = f'BT /F1 14 Tf 60 760 Td ({text}) Tj ET'.encode()
    objects = [
        b'<</Type/Catalog/Pages 2 0 R>>',
        b'<</Type/Pages/Kids[3 0 R]/Count 1>>',
        b'<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]'
        b'/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>',
        b'<</Length %d>>stream\n' % len(stream) + stream
        + b'\nendstream',
        b'<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>',
        ]
    out = bytearray(b'%PDF-1.4\n')
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b'%d 0 obj\n' % number + body + b'\nendobj\n'
    xref = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objects) + 1)
    for offset in offsets:
        out += b'%010d 00000 n \n' % offset
    out += (b'trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n'
        % (len(objects) + 1, xref))
    return bytes(out)


def teacher_lessons(school, teacher, today):
    """Create the lessons of the teacher's timetable slots in the current
    period, from its start to a week after today, that do not exist yet;
    the past ones held.  Return their number."""
    pool = Pool()
    Lesson = pool.get('edu.lesson')
    Period = pool.get('edu.academic.period')
    Slot = pool.get('edu.timetable.slot')
    period = Period.find(school, today)
    if not period or period.state != 'open':
        return 0
    slots = Slot.search([
            ('teacher', '=', teacher.id),
            ('timetable.company', '=', school),
            ('timetable.state', '=', 'active'),
            ('timetable.start_date', '<=', today),
            ('timetable.end_date', '>=', today),
            ])
    if not slots:
        return 0
    start = period.start_date
    end = min(period.end_date, today + dt.timedelta(days=7))
    done = Lesson._existing([s.id for s in slots], start, end)
    vlist = []
    day = start
    while day <= end:
        for slot in slots:
            if int(slot.weekday) == day.weekday() and (
                    (slot.id, day) not in done):
                values = Lesson._lesson_values(slot, day, period)
                if day < today:
                    values['state'] = 'held'
                vlist.append(values)
        day += dt.timedelta(days=1)
    if vlist:
        Lesson.create(vlist)
    return len(vlist)


def load(summary):
    pool = Pool()
    User = pool.get('res.user')
    Configuration = pool.get('edu.teaching.configuration')
    Plan = pool.get('edu.lesson.plan')
    Lesson = pool.get('edu.lesson')
    Homework = pool.get('edu.homework')
    Submission = pool.get('edu.homework.submission')
    Enrolment = pool.get('edu.class.enrolment')
    Subject = pool.get('edu.subject')
    Channel = pool.get('ir.chat.channel')
    Class = pool.get('edu.class')
    transaction = Transaction()
    rng = random.Random(summary.get('seed', 0))
    today = dt.date.today()
    school = summary['companies']['school']['id']
    figures = {}

    users = {u.login: u for u in User.search([
                ('login', 'in', ['teacher', 'learner', 'tutor'])])}
    teacher_user = users.get('teacher')
    teacher = teacher_user.person if teacher_user else None

    # distance learning: Jitsi Meet for school № 12
    if not Configuration.search([('company', '=', school)]):
        Configuration.create([{
                    'company': school, 'provider': 'jitsi',
                    'base_url': 'https://meet.jit.si',
                    'room_prefix': 'bilim-school12',
                    'max_upload_size': 10,
                    }])
    figures['conference'] = 'jitsi'
    if not teacher:
        return figures

    # the teacher's lessons of open periods (edu_school's demo closes the
    # first quarter: the current quarter's lessons of the teacher are
    # generated here from the timetable up to next week)
    figures['lessons_generated'] = teacher_lessons(
        school, teacher, today)
    lessons = Lesson.search([
            ('teacher', '=', teacher.id),
            ('state', '!=', 'cancelled'),
            ('period.state', '=', 'open'),
            ], order=[('date', 'ASC'), ('start_time', 'ASC')])
    past = [l for l in lessons if l.date < today]
    future = [l for l in lessons if l.date >= today]

    # lesson plans: per subject and grade the teacher teaches
    pairs = []
    for lesson in lessons:
        pair = (lesson.subject.id, lesson.class_.grade)
        if pair not in pairs:
            pairs.append(pair)
    if not pairs:
        subjects = Subject.search([('area', '=', 'mathematics')], limit=1)
        pairs = [(subjects[0].id, 7)] if subjects else []
    plan_values = []
    for i, (title, objectives, content) in enumerate(PLANS[:MAX_PLANS]):
        if not pairs:
            break
        subject, grade = pairs[i % len(pairs)]
        materials = [{
                'sequence': 1, 'name': "Оқулық (электрондық нұсқа)",
                'kind': 'link', 'url': 'https://okulyk.kz/',
                }, {
                'sequence': 2, 'name': "Жұмыс парағы", 'kind': 'file',
                'file': pdf_bytes(f'Worksheet {i + 1}: {grade} grade'),
                'filename': f'worksheet-{i + 1}.pdf',
                }, {
                'sequence': 3, 'name': "Бағалау критерийлері",
                'kind': 'text',
                'text': "Білім алушы:\n- анықтаманы біледі;\n"
                "- есептерді шығара алады;\n- шешімін түсіндіреді.",
                }]
        plan_values.append({
                'company': school, 'teacher': teacher.id,
                'subject': subject, 'grade': grade, 'title': title,
                'objectives': objectives, 'content': content,
                'duration': 45, 'shared': i % 2 == 0,
                'materials': [('create', materials)],
                })
    plans = Plan.create(plan_values) if plan_values else []
    figures['plans'] = len(plans)
    figures['materials'] = sum(len(p.materials) for p in plans)
    by_pair = {}
    for plan in plans:
        by_pair.setdefault((plan.subject.id, plan.grade), []).append(plan)

    # plans of the lessons, and a few online lessons ahead
    to_write = []
    for index, lesson in enumerate(past[-40:] + future[:20]):
        candidates = by_pair.get((lesson.subject.id, lesson.class_.grade))
        if candidates:
            to_write.extend([[lesson], {
                        'lesson_plan': candidates[index % len(
                                candidates)].id}])
    online = future[:6:2]
    if online:
        to_write.extend([online, {'online': True}])
    if to_write:
        Lesson.write(*to_write)
    figures['online_lessons'] = len(online)

    # homework on a share of the past lessons, with submissions
    chosen = past[::HOMEWORK_SHARE][-MAX_HOMEWORK:]
    homework_values = []
    for index, lesson in enumerate(chosen):
        n = rng.randint(100, 400)
        homework_values.append({
                'lesson': lesson.id,
                'description': TASKS[index % len(TASKS)].format(
                    n=n, m=n + 2),
                'due_date': lesson.date + dt.timedelta(days=2),
                })
    homeworks = Homework.create(homework_values) if homework_values else []
    submitted = graded = returned = files_ = 0
    for homework in homeworks:
        lesson = homework.lesson
        learners = [e.learner for e in Enrolment.search([
                    ('class_', '=', lesson.class_.id),
                    ('start_date', '<=', lesson.date),
                    ['OR', ('end_date', '=', None),
                        ('end_date', '>=', lesson.date)],
                    ])]
        vlist = []
        for learner in learners:
            if rng.random() > 0.7:
                continue
            n = rng.randint(1, 40)
            values = {'homework': homework.id, 'learner': learner.id,
                'text': ANSWERS[n % len(ANSWERS)].format(n=n, m=n + 1)}
            kind = n % 4
            if kind == 0:
                values['file'] = pdf_bytes(f'Homework of {learner.id}')
                values['filename'] = 'shygaru.pdf'
                files_ += 1
            elif kind == 1:
                values['file'] = values['text'].encode('utf-8')
                values['filename'] = 'zhauap.txt'
                files_ += 1
            vlist.append(values)
        if not vlist:
            continue
        # submitted in the evening of the lesson or, now and then, late
        when = dt.datetime.combine(
            lesson.date + dt.timedelta(days=rng.choice([0, 1, 1, 3])),
            dt.time(19, rng.randint(0, 59)))
        when = min(when, dt.datetime.now())
        with mock.patch.object(Submission, '_now', return_value=when):
            submissions = Submission.create(vlist)
        submitted += len(submissions)
        if lesson.date >= today - dt.timedelta(days=2):
            continue  # still to be checked
        to_return = submissions[:1] if rng.random() < 0.3 else []
        to_grade = [s for s in submissions if s not in to_return]
        if to_return:
            Submission.write(to_return,
                {'comment': "Шешімін толық жазып, қайта жібер."})
            Submission.return_(to_return)
            returned += len(to_return)
        if to_grade:
            args = []
            for submission in to_grade:
                args.extend([[submission], {
                            'mark': rng.choice([6, 7, 8, 8, 9, 9, 10]),
                            'comment': rng.choice([
                                    "Жарайсың!", "Жақсы, бірақ ұқыпты "
                                    "жаз.", "Шешімі дұрыс."])}])
            Submission.write(*args)
            with transaction.set_user(teacher_user.id):
                Submission.grade(to_grade)
            graded += len(to_grade)
    figures.update(homework=len(homeworks), submissions=submitted,
        graded=graded, returned=returned, files=files_)

    # the chat of the demo learner's class
    learner_user = users.get('learner')
    messages = 0
    if learner_user and learner_user.person:
        enrolments = Enrolment.search([
                ('learner', '=', learner_user.person.id),
                ('start_date', '<=', today),
                ['OR', ('end_date', '=', None), ('end_date', '>=', today)],
                ], limit=1)
        if enrolments:
            class_ = enrolments[0].class_
            Class.update_chat_followers([class_])
            for login, text in CHAT:
                user = users.get(login)
                if not user:
                    continue
                with transaction.set_user(user.id), \
                        transaction.set_context(_notify=False):
                    Channel.post(str(class_), text)
                messages += 1
            figures['chat_class'] = class_.rec_name
    figures['chat_messages'] = messages
    return figures
