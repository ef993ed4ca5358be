# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the feedback module (R27.16, R27.15).

For school № 12: published announcements to the whole school, to the demo
``learner``'s grade and to the learner's class (so that the demo
``learner`` and ``parent`` find them, and a parent of another class does
not), a draft; a thread between the demo ``parent`` and a teacher of the
learner's class (the demo ``teacher`` when the timetable makes them one,
else the homeroom teacher) with three messages; ten questions and answers
of the FAQ in Kazakh and Russian (the portal ones national, the school
life ones of school № 12); an anonymous survey of the parents about school
life answered by about 100 parents, who get a parent account (no password:
they are respondents of the demo, not logins).  The demo ``parent`` has
not answered: the survey is left for them to try.

Called by scripts/create_db.py with the summary of scripts/demo_data.load();
returns the figures.
"""
import datetime as dt
import random

SEED = 2026
RESPONDENTS = 100

FAQ = [
    # category, national, (kk question, kk answer), (ru question, ru answer)
    ('portal', True,
        ("Порталға қалай кіремін?",
            "Мектеп берген логин мен құпия сөзді енгізіңіз. Алғашқы кіруде "
            "құпия сөзді өзгерту сұралады."),
        ("Как войти в портал?",
            "Введите логин и пароль, выданные школой. При первом входе "
            "система попросит сменить пароль.")),
    ('portal', True,
        ("Құпия сөзімді ұмытып қалсам не істеймін?",
            "Кіру бетіндегі «Құпия сөзді ұмыттыңыз ба?» сілтемесін басыңыз: "
            "уақытша құпия сөз электрондық поштаңызға жіберіледі."),
        ("Что делать, если я забыл пароль?",
            "Нажмите «Забыли пароль?» на странице входа: временный пароль "
            "придёт на вашу электронную почту.")),
    ('portal', True,
        ("Интерфейс тілін қалай ауыстырамын?",
            "«Баптаулар» мәзірінен қазақ немесе орыс тілін таңдаңыз."),
        ("Как сменить язык интерфейса?",
            "В меню «Настройки» выберите казахский или русский язык.")),
    ('portal', True,
        ("Баламның бағаларын қайдан көремін?",
            "«Күнделік» бөлімінде сабақтар, бағалар мен үй тапсырмалары "
            "көрсетіледі."),
        ("Где посмотреть оценки ребёнка?",
            "В разделе «Дневник» показаны уроки, оценки и домашние "
            "задания.")),
    ('portal', True,
        ("Мұғаліммен қалай хабарласамын?",
            "«Хабарламалар» бөлімінде сыныптың мұғаліміне хат жазыңыз, "
            "файл тіркеуге болады."),
        ("Как связаться с учителем?",
            "В разделе «Сообщения» напишите учителю класса, можно "
            "приложить файл.")),
    ('school_life', False,
        ("Сабақтар қашан басталады?",
            "Бірінші ауысым 8:00-де, екінші ауысым 14:20-да басталады."),
        ("Когда начинаются уроки?",
            "Первая смена начинается в 8:00, вторая — в 14:20.")),
    ('meals', False,
        ("Мектепте тамақтану қалай ұйымдастырылған?",
            "1–4 сынып оқушылары мен әлеуметтік осал топтағы балалар тегін "
            "ыстық тамақпен қамтамасыз етіледі; асхана 8:00–15:00 ашық."),
        ("Как организовано питание в школе?",
            "Учащиеся 1–4 классов и дети из социально уязвимых групп "
            "получают бесплатное горячее питание; столовая открыта "
            "с 8:00 до 15:00.")),
    ('school_life', False,
        ("Мектеп формасына қандай талаптар бар?",
            "Ұлдарға қою көк костюм, қыздарға қою көк сарафан немесе юбка "
            "және ақ жейде."),
        ("Какие требования к школьной форме?",
            "Мальчикам — тёмно-синий костюм, девочкам — тёмно-синий "
            "сарафан или юбка и белая блузка.")),
    ('admission', False,
        ("Баланы 1-сыныпқа қалай қабылдатамын?",
            "Өтінішті 1 сәуірден 1 тамызға дейін egov.kz порталы арқылы "
            "немесе мектеп кеңсесінде беріңіз."),
        ("Как записать ребёнка в 1 класс?",
            "Заявление подаётся с 1 апреля по 1 августа через портал "
            "egov.kz или в канцелярии школы.")),
    ('safety', False,
        ("Бала ауырып қалса, не істеу керек?",
            "Сынып жетекшісіне хабарлаңыз; сабаққа қайта келгенде "
            "дәрігердің анықтамасын әкеліңіз."),
        ("Что делать, если ребёнок заболел?",
            "Сообщите классному руководителю; при возвращении на занятия "
            "принесите справку врача.")),
    ]


def _user(login):
    from trytond.pool import Pool
    User = Pool().get('res.user')
    users = User.search([('login', '=', login)])
    return users[0] if users else None


def load(summary):
    from trytond.modules.edu_feedback import audience
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool()
    Company = pool.get('company.company')
    Class = pool.get('edu.class')
    Announcement = pool.get('edu.announcement')
    Thread = pool.get('edu.message.thread')
    Message = pool.get('edu.message')
    FAQModel = pool.get('edu.faq')
    Survey = pool.get('edu.survey')
    Response = pool.get('edu.survey.response')
    Result = pool.get('edu.survey.result')
    User = pool.get('res.user')
    Party = pool.get('party.party')
    ModelData = pool.get('ir.model.data')
    transaction = Transaction()
    rng = random.Random(SEED)
    figures = {}

    school = Company(summary['companies']['school']['id'])
    director, teacher = _user('director'), _user('teacher')
    learner_user, parent_user = _user('learner'), _user('parent')
    learner = learner_user.person
    classes = {c: (g, co) for c, g, co in audience.learner_classes(
            [learner.id])}
    if not classes:
        raise RuntimeError("The demo learner is in no class "
            "(edu_learning's demo part runs first)")
    class_id, (grade, _) = next(iter(classes.items()))
    class_ = Class(class_id)

    # -- announcements ----------------------------------------------------
    # the teacher writes to the class when they teach it, else its homeroom
    # teacher does
    class_teacher_user = teacher
    if class_id not in audience.teacher_classes(teacher.person.id):
        homeroom = class_.homeroom_teacher
        users = User.search([('person', '=', homeroom.id)]) \
            if homeroom else []
        class_teacher_user = users[0] if users else director
    now = dt.datetime.now().replace(microsecond=0)
    with transaction.set_context(company=school.id):
        announcements = Announcement.create([{
                    'company': school.id, 'author': director.id,
                    'audience': 'school',
                    'title': "Күзгі демалыс / Осенние каникулы",
                    'body': "Құрметті ата-аналар мен оқушылар! Күзгі демалыс "
                    "27 қазаннан 2 қарашаға дейін. Сабақ 3 қарашада "
                    "басталады.\n\nУважаемые родители и учащиеся! Осенние "
                    "каникулы с 27 октября по 2 ноября. Занятия "
                    "начинаются 3 ноября.",
                    }, {
                    'company': school.id, 'author': director.id,
                    'audience': 'grade', 'grade': grade,
                    'title': f"{grade}-сыныптар: пән олимпиадасы",
                    'body': f"{grade}-сынып оқушылары арасында мектепішілік "
                    "пән олимпиадасы келесі сенбіде 10:00-де өтеді. "
                    "Қатысуға өтінімді сынып жетекшісіне беріңіз.",
                    }, {
                    'company': school.id, 'author': class_teacher_user.id,
                    'audience': 'class', 'class_': class_id,
                    'title': f"{class_.name}: ата-аналар жиналысы",
                    'body': "Жұма күні сағат 18:00-де сынып бөлмесінде "
                    "ата-аналар жиналысы өтеді. Күн тәртібі: бірінші "
                    "тоқсанның қорытындысы, экскурсия.",
                    }, {
                    'company': school.id, 'author': director.id,
                    'audience': 'school',
                    'title': "Жаңа жылдық кеш (жоба)",
                    'body': "Жаңа жылдық кештің бағдарламасы дайындалуда.",
                    }])
        Announcement.publish(announcements[:3])
    figures['announcements'] = len(announcements)
    figures['announcements_published'] = 3

    # -- a thread between the demo parent and a teacher of the class -----
    messages = 0
    with transaction.set_context(company=school.id):
        thread, = Thread.create([{
                    'company': school.id,
                    'subject': "Математикадан үй тапсырмасы",
                    'learner': learner.id,
                    'teacher': class_teacher_user.person.id,
                    'parent': parent_user.person.id,
                    }])
        texts = [
            (parent_user, "Сәлеметсіз бе! Балам кеше ауырып, сабаққа келе "
                "алмады. Үй тапсырмасы қандай?"),
            (class_teacher_user, "Сәлеметсіз бе! Оқулықтың 45-бетіндегі "
                "№ 3, 5, 7 есептер. Тақырыпты бірге қайталаймыз."),
            (parent_user, "Рақмет! Анықтаманы ертең әкеледі."),
            ]
        for author, body in texts:
            Message.create([{'thread': thread.id, 'author': author.id,
                        'body': body}])
            messages += 1
        # the teacher has read the parent's first message
        with transaction.set_user(class_teacher_user.id):
            Message.mark_read([thread.messages[0]])
    figures['threads'] = 1
    figures['messages'] = messages

    # -- FAQ in Kazakh and Russian ------------------------------------------
    faqs = []
    for sequence, (category, national, kk, ru) in enumerate(FAQ, 1):
        with transaction.set_context(language='kk'):
            faq, = FAQModel.create([{
                        'company': None if national else school.id,
                        'category': category, 'sequence': sequence,
                        'question': kk[0], 'answer': kk[1],
                        }])
        with transaction.set_context(language='ru'):
            FAQModel.write([FAQModel(faq.id)], {
                    'question': ru[0], 'answer': ru[1]})
        faqs.append(faq)
    figures['faq'] = len(faqs)

    # -- the parents' survey ----------------------------------------------
    with transaction.set_context(company=school.id):
        survey, = Survey.create([{
                    'company': school.id, 'audience': 'parents',
                    'anonymous': True,
                    'title': "Мектеп өмірі туралы ата-аналар сауалнамасы",
                    'description': "Сауалнама жасырын: тек жалпы нәтижелер "
                    "көрсетіледі.",
                    'questions': [('create', [{
                                    'sequence': 1, 'kind': 'single',
                                    'text': "Мектептегі тамақтану сапасына "
                                    "қанағаттанасыз ба?",
                                    'options': [('create', [
                                                {'sequence': 1,
                                                    'name': "Иә, толық"},
                                                {'sequence': 2,
                                                    'name': "Ішінара"},
                                                {'sequence': 3,
                                                    'name': "Жоқ"}])],
                                    }, {
                                    'sequence': 2, 'kind': 'multiple',
                                    'required': False,
                                    'text': "Балаңыз қандай үйірмелерге "
                                    "қатысқанын қалайсыз?",
                                    'options': [('create', [
                                                {'sequence': 1,
                                                    'name': "Робототехника"},
                                                {'sequence': 2,
                                                    'name': "Спорт"},
                                                {'sequence': 3,
                                                    'name': "Музыка"},
                                                {'sequence': 4,
                                                    'name': "Шахмат"}])],
                                    }, {
                                    'sequence': 3, 'kind': 'rating',
                                    'text': "Мектепті жалпы бағалаңыз "
                                    "(1–5)",
                                    }, {
                                    'sequence': 4, 'kind': 'text',
                                    'required': False,
                                    'text': "Ұсыныстарыңыз",
                                    }])],
                    }])
        Survey.open([survey])
    food, clubs, rating, remark = survey.questions

    # about 100 parents of school № 12 whose children are in a class today
    parent_role = ModelData.get_id('edu_base', 'role_parent')
    enrolled = {r for r, in _enrolled_learners(school.id)}
    representatives = []
    seen = {parent_user.person.id}
    for parent in Party.search([
                ('is_representative', '=', True),
                ('organisation', '=', school.id),
                ], order=[('id', 'ASC')]):
        if parent.id in seen or not ({l.id for l in parent.learners}
                & enrolled):
            continue
        if User.search([('person', '=', parent.id)], count=True):
            continue
        seen.add(parent.id)
        representatives.append(parent)
        if len(representatives) >= RESPONDENTS:
            break
    respondents = User.create([{
                'login': f'parent.{n:03d}',
                'name': parent.name,
                'person': parent.id,
                'companies': [('add', [school.id])],
                'company': school.id,
                'roles': [('create', [{'role': parent_role}])],
                } for n, parent in enumerate(representatives, 1)])
    food_weights = [55, 35, 10]
    remarks = ["Асхана мәзірін әртүрлі етсеңіз.",
        "Үйірмелер көбірек болса екен.", "Бәрі жақсы, рақмет!",
        "Мектеп автобусы керек.", ""]
    for user in respondents:
        answers = {
            food.id: rng.choices(food.options, food_weights)[0].id,
            rating.id: rng.choices([1, 2, 3, 4, 5], [3, 5, 17, 40, 35])[0],
            }
        chosen = [o.id for o in clubs.options if rng.random() < 0.4]
        if chosen:
            answers[clubs.id] = chosen
        text = rng.choice(remarks)
        if text:
            answers[remark.id] = text
        with transaction.set_user(user.id), transaction.set_context(
                company=school.id):
            Response.submit(survey.id, answers)
    figures['survey_respondents'] = len(respondents)
    figures['survey_results'] = {
        r.label: r.count for r in Result.search([
                ('survey', '=', survey.id), ('question', '=', food.id)])}
    return figures


def _enrolled_learners(company_id):
    "Return the cursor of the ids of the learners in a class of company"
    import datetime as dt

    from sql import Null

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Enrolment = Pool().get('edu.class.enrolment')
    enrolment = Enrolment.__table__()
    today = dt.date.today()
    cursor = Transaction().connection.cursor()
    cursor.execute(*enrolment.select(enrolment.learner,
            where=(enrolment.company == company_id)
            & (enrolment.start_date <= today)
            & ((enrolment.end_date == Null) | (enrolment.end_date >= today))))
    return cursor.fetchall()
