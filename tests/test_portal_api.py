# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The portal's REST API through Tryton's WSGI application (R27.19: R27.1,
R27.8, R27.11, R27.12, R27.18; R5.10–R5.12; R17).

A werkzeug test client calls ``/<db>/portal/api/v1`` on a database with
edu_portal and its dependencies and a small school made here: a teacher
with a class, another teacher with another class, a learner of the first
class, the learner's parent and a learner of the other class, lessons in
an open and in a closed quarter, a summative work and a homework.  Runs
on SQLite and on PostgreSQL (DB_NAME / TRYTOND_DATABASE__URI as the module
tests).
"""
import datetime as dt
import io
import os
import zipfile

import pyotp

from trytond import config
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import (
    DB_NAME, Client, TestCase, activate_module, drop_db)
from trytond.transaction import Transaction
from trytond.wsgi import app

PASSWORD = 'Steppe2026kz'
API = f'/{DB_NAME}/portal/api/v1'
PORTAL_DIR = os.path.join(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))), 'addons', 'edu_portal')
EXE = b'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff' + b'\x00' * 64


def po_text(language, message_id):
    import polib
    po = polib.pofile(os.path.join(PORTAL_DIR, 'locale', f'{language}.po'))
    for entry in po:
        if entry.msgctxt == f'model:ir.message,text:{message_id}':
            return entry.msgstr
    raise KeyError(message_id)


class PortalAPITestCase(TestCase):
    "The portal REST API"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import trytond.modules.edu_portal.pages  # noqa: F401
        import trytond.modules.edu_portal.routes  # noqa: F401
        drop_db()
        activate_module(['edu_portal'], 'ru')
        with Transaction().start(DB_NAME, 0) as transaction:
            cls._load_kazakh()
            cls._create_data()
            transaction.commit()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @classmethod
    def _load_kazakh(cls):
        "The kk messages (kk is created by edu_base during the activation)"
        pool = Pool()
        Translation = pool.get('ir.translation')
        Message = pool.get('ir.message')
        for module in ['edu_portal', 'edu_learning', 'edu_school']:
            path = os.path.join(os.path.dirname(PORTAL_DIR), module,
                'locale', 'kk.po')
            if os.path.exists(path):
                Translation.translation_import('kk', module, [path])
        Message._message_cache.clear()

    @classmethod
    def _create_data(cls):
        from trytond.modules.edu_base import kz_id
        pool = Pool()
        Currency = pool.get('currency.currency')
        Party = pool.get('party.party')
        Company = pool.get('company.company')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Relation = pool.get('party.relation')
        Year = pool.get('edu.academic.year')
        Period = pool.get('edu.academic.period')
        Class = pool.get('edu.class')
        Enrolment = pool.get('edu.class.enrolment')
        Subject = pool.get('edu.subject')
        Lesson = pool.get('edu.lesson')
        Work = pool.get('edu.summative.work')
        Homework = pool.get('edu.homework')
        Rule = pool.get('ir.rule')

        kzt, = Currency.create([{
                    'name': 'Tenge', 'code': 'KZT', 'symbol': '₸'}])
        school_party, = Party.create([{
                    'name': "№7 мектеп",
                    'bin': kz_id.make_bin(2004, 9, 20)}])
        school, = Company.create([{
                    'party': school_party.id,
                    'currency': kzt.id,
                    'edu_kind': 'school',
                    'kato': ModelData.get_id('edu_base', 'kato_110000000'),
                    'instruction_languages': ['kk', 'ru'],
                    }])
        serials = iter(range(300, 400))

        def person(last, first, birth, sex, **values):
            iin = kz_id.make_iin(birth, sex, next(serials))
            party, = Party.create([{
                        'is_person': True, 'last_name': last,
                        'first_name': first, 'iin': iin,
                        'organisation': school.id, **values}])
            return party

        lang = {l.code: l.id for l in pool.get('ir.lang').search([])}

        def account(login, party, role, language='kk'):
            user, = User.create([{
                        'login': login,
                        'name': party.name,
                        'person': party.id,
                        'password': PASSWORD,
                        'language': lang.get(language),
                        'companies': [('add', [school.id])],
                        'company': school.id,
                        'roles': [('create', [{
                                        'role': ModelData.get_id(
                                            'edu_base', f'role_{role}'),
                                        }])],
                        }])
            return user

        teacher = person("Ахметова", "Сәуле", dt.date(1985, 4, 12),
            'female', is_staff=True)
        other_teacher = person("Иванов", "Пётр", dt.date(1979, 2, 3),
            'male', is_staff=True)
        learner = person("Серікова", "Айгерім", dt.date(2012, 3, 5),
            'female', is_learner=True)
        other_learner = person("Омаров", "Дәулет", dt.date(2011, 7, 9),
            'male', is_learner=True)
        parent = person("Серікова", "Гүлнар", dt.date(1986, 1, 2),
            'female', is_representative=True)
        Relation.create([{
                    'from_': parent.id, 'to': learner.id,
                    'type': ModelData.get_id('edu_base', 'relation_mother'),
                    }])
        cls.teacher_user = account('t.sáule', teacher, 'teacher', 'ru').id
        account('t.ivanov', other_teacher, 'teacher', 'ru')
        cls.learner_user = account('l.aigerim', learner, 'learner').id
        cls.parent_user = account('p.gulnar', parent, 'parent').id
        account('l.daulet', other_learner, 'learner')
        Rule.clear_edu_values()
        cls.teacher = teacher.id
        cls.other_teacher = other_teacher.id
        cls.learner = learner.id
        cls.other_learner = other_learner.id
        cls.parent = parent.id

        today = dt.date.today()
        start_year = today.year if today.month >= 9 else today.year - 1
        year, = Year.create([{
                    'company': school.id,
                    'name': f'{start_year}-{start_year + 1}',
                    'start_date': dt.date(start_year, 9, 1),
                    'end_date': dt.date(start_year + 1, 5, 25),
                    'period_kind': 'quarter',
                    }])
        Year.create_periods([year])
        cls.in_year = year.start_date <= today <= year.end_date
        q1, q2 = Period.search([('year', '=', year.id)],
            order=[('start_date', 'ASC')], limit=2)
        cls.q1, cls.q2 = q1.id, q2.id
        class_a, class_b = Class.create([{
                    'company': school.id, 'year': year.id, 'name': '7 А',
                    'grade': 7, 'letter': 'А', 'language': 'kk',
                    'homeroom_teacher': teacher.id,
                    }, {
                    'company': school.id, 'year': year.id, 'name': '8 Б',
                    'grade': 8, 'letter': 'Б', 'language': 'ru',
                    'homeroom_teacher': other_teacher.id,
                    }])
        cls.class_a, cls.class_b = class_a.id, class_b.id
        Enrolment.create([{
                    'class_': class_a.id, 'learner': learner.id,
                    'start_date': year.start_date,
                    }, {
                    'class_': class_b.id, 'learner': other_learner.id,
                    'start_date': year.start_date,
                    }])
        maths, = Subject.create([{
                    'name': "Математика", 'code': 'PORTAL-MATH',
                    'area': 'mathematics', 'company': school.id,
                    }])
        cls.maths = maths.id
        cls.open_day = q2.start_date + dt.timedelta(
            days=(7 - q2.start_date.weekday()) % 7 + 1)
        closed_day = q1.start_date + dt.timedelta(days=1)
        lesson, closed_lesson, other_lesson = Lesson.create([{
                    'company': school.id, 'date': cls.open_day,
                    'class_': class_a.id, 'subject': maths.id,
                    'teacher': teacher.id, 'topic': "Бөлшектер",
                    'start_time': dt.time(8, 30),
                    'end_time': dt.time(9, 15),
                    }, {
                    'company': school.id, 'date': closed_day,
                    'class_': class_a.id, 'subject': maths.id,
                    'teacher': teacher.id, 'topic': "Натурал сандар",
                    'start_time': dt.time(8, 30),
                    'end_time': dt.time(9, 15),
                    }, {
                    'company': school.id, 'date': cls.open_day,
                    'class_': class_b.id, 'subject': maths.id,
                    'teacher': other_teacher.id, 'topic': "Теңдеулер",
                    'start_time': dt.time(9, 25),
                    'end_time': dt.time(10, 10),
                    }])
        cls.lesson, cls.closed_lesson, cls.other_lesson = (
            lesson.id, closed_lesson.id, other_lesson.id)
        work, = Work.create([{
                    'company': school.id, 'period': q2.id,
                    'class_': class_a.id, 'subject': maths.id,
                    'teacher': teacher.id, 'kind': 'section',
                    'name': "БЖБ 1", 'date': cls.open_day,
                    'max_score': 20,
                    }])
        cls.work = work.id
        homework, = Homework.create([{
                    'lesson': lesson.id,
                    'description': "№ 125–130 есептер",
                    'due_date': cls.open_day + dt.timedelta(days=2),
                    }])
        cls.homework = homework.id
        Period.close([q1])

        # the weekly timetable: maths of 7 А on the weekday of open_day
        Schedule = pool.get('edu.bell.schedule')
        Timetable = pool.get('edu.timetable')
        schedule, = Schedule.create([{
                    'company': school.id, 'name': "1-ауысым", 'shift': 1,
                    'bells': [('create', [{
                                    'number': 1,
                                    'start_time': dt.time(8, 30),
                                    'end_time': dt.time(9, 15)}])],
                    }])
        timetable, = Timetable.create([{
                    'company': school.id, 'year': year.id,
                    'name': "Негізгі", 'start_date': year.start_date,
                    'end_date': year.end_date,
                    'slots': [('create', [{
                                    'weekday': str(cls.open_day.weekday()),
                                    'bell': schedule.bells[0].id,
                                    'class_': class_a.id,
                                    'subject': maths.id,
                                    'teacher': teacher.id,
                                    }])],
                    }])
        Timetable.activate([timetable])

    def setUp(self):
        super().setUp()
        self.client = Client(app, Response)

    # --- helpers ---------------------------------------------------------
    def login(self, login, password=PASSWORD, **extra):
        response = self.client.post(f'{API}/session', json={
                'login': login, 'password': password, **extra})
        return response

    def token(self, login):
        response = self.login(login)
        self.assertEqual(response.status_code, 200, response.data)
        return response.json['token']

    def get(self, path, token, **kwargs):
        return self.client.get(f'{API}{path}',
            headers={'Authorization': f'Bearer {token}'}, **kwargs)

    def put(self, path, token, data):
        return self.client.put(f'{API}{path}', json=data,
            headers={'Authorization': f'Bearer {token}'})

    def assertError(self, response, status, code):
        self.assertEqual(response.status_code, status, response.data)
        self.assertEqual(response.content_type,
            'application/json; charset=utf-8')
        error = response.json['error']
        self.assertEqual(error['code'], code)
        self.assertTrue(error['message'])
        self.assertNotEqual(error['message'], f'msg_{code}')
        return error

    def count(self, model, domain):
        with Transaction().start(DB_NAME, 0):
            return Pool().get(model).search_count(domain)

    # --- session ---------------------------------------------------------
    def test_login_ok(self):
        "A good login gives a token, a cookie and the user"
        response = self.login('p.gulnar')
        self.assertEqual(response.status_code, 200, response.data)
        data = response.json
        self.assertTrue(data['token'])
        self.assertGreater(data['expires_in'], 0)
        self.assertEqual(data['me']['login'], 'p.gulnar')
        self.assertEqual(data['me']['roles'], ['parent'])
        self.assertEqual([c['id'] for c in data['me']['children']],
            [self.learner])
        self.assertEqual(data['me']['children'][0]['class']['id'],
            self.class_a)
        cookie = response.headers['Set-Cookie']
        self.assertIn('bilim_portal=', cookie)
        self.assertIn('HttpOnly', cookie)
        self.assertIn('SameSite=Strict', cookie)
        self.assertIn(f'Path=/{DB_NAME}/portal', cookie)
        # the token is a Tryton session of the user
        self.assertEqual(self.count('ir.session', [
                    ('key', '=', data['token']),
                    ('create_uid', '=', self.parent_user),
                    ]), 1)

    def test_login_wrong(self):
        "A wrong password is 401 and recorded by edu_security (R5.12)"
        before = self.count('edu.login.failure', [
                ('login', '=', 'l.daulet'),
                ('reason', '=', 'wrong_password')])
        response = self.login('l.daulet', 'wrong-password-1')
        self.assertError(response, 401, 'login_failed')
        self.assertNotIn('Set-Cookie', response.headers)
        self.assertEqual(self.count('edu.login.failure', [
                    ('login', '=', 'l.daulet'),
                    ('reason', '=', 'wrong_password')]), before + 1)

    def test_login_throttled(self):
        "Repeated failures are throttled with 429 (Tryton's max_attempt)"
        saved = config.get('session', 'max_attempt')
        config.set('session', 'max_attempt', '1')
        try:
            statuses = []
            for _ in range(3):
                response = self.login('nobody.here', 'wrong-password-1')
                statuses.append(response.status_code)
            self.assertEqual(statuses[0], 401)
            self.assertEqual(statuses[-1], 429)
            self.assertError(response, 429, 'throttled')
            self.assertGreaterEqual(self.count('edu.login.failure', [
                        ('login', '=', 'nobody.here'),
                        ('reason', '=', 'throttled')]), 1)
        finally:
            config.set('session', 'max_attempt', saved or '5')

    def test_login_second_factor(self):
        "A user with a second factor gives the code (edu_mfa)"
        secret = pyotp.random_base32()
        with Transaction().start(DB_NAME, 0) as transaction:
            User = Pool().get('res.user')
            user, = User.search([('login', '=', 't.ivanov')])
            User.write([user], {'mfa_secret': secret, 'mfa_enabled': True})
            transaction.commit()
        saved = config.get('session', 'authentications')
        config.set('session', 'authentications', 'password+totp')
        try:
            self.assertError(self.login('t.ivanov'), 401, 'totp_required')
            response = self.login('t.ivanov',
                totp=pyotp.TOTP(secret).now())
            self.assertEqual(response.status_code, 200, response.data)
        finally:
            config.set('session', 'authentications', saved or 'password')

    def test_bearer_and_cookie(self):
        "The token works as a bearer and as the cookie"
        token = self.token('l.aigerim')
        self.assertEqual(self.get('/me', token).json['id'],
            self.learner_user)
        # the client kept the cookie of the login
        response = self.client.get(f'{API}/me')
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(response.json['login'], 'l.aigerim')
        self.assertEqual(response.json['roles'], ['learner'])

    def test_no_or_bad_token(self):
        self.assertError(self.client.get(f'{API}/me'), 401, 'unauthorized')
        self.assertError(self.get('/me', 'not-a-session'), 401,
            'unauthorized')

    def test_csrf_refused(self):
        "With the cookie, a change without X-Requested-With is refused"
        self.token('p.gulnar')
        response = self.client.put(f'{API}/me/language',
            json={'language': 'ru'})
        self.assertError(response, 403, 'csrf')
        response = self.client.put(f'{API}/me/language',
            json={'language': 'ru'},
            headers={'X-Requested-With': 'bilim'})
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(response.json['language'], 'ru')
        # a bearer token needs no header: a form cannot send it
        token = self.token('p.gulnar')
        self.assertEqual(self.put('/me/language', token,
                {'language': 'kk'}).json['language'], 'kk')

    def test_logout(self):
        token = self.token('l.daulet')
        response = self.client.delete(f'{API}/session',
            headers={'Authorization': f'Bearer {token}'})
        self.assertEqual(response.status_code, 204)
        self.assertError(self.get('/me', token), 401, 'unauthorized')

    def test_session_timeout(self):
        "An idle session is refused (edu_mfa's ir.session.check)"
        token = self.token('l.daulet')
        with Transaction().start(DB_NAME, 0) as transaction:
            Session = Pool().get('ir.session')
            table = Session.__table__()
            old = dt.datetime.now() - dt.timedelta(
                seconds=config.getint('session', 'timeout') + 60)
            transaction.connection.cursor().execute(*table.update(
                    [table.create_date, table.write_date], [old, old],
                    where=table.key == token))
            transaction.commit()
        self.assertError(self.get('/me', token), 401, 'session_expired')

    # --- languages -------------------------------------------------------
    def test_errors_in_kazakh_and_russian(self):
        "The errors speak the language asked (?lang=, Accept-Language)"
        kk = self.client.get(f'{API}/me?lang=kk')
        self.assertEqual(kk.json['error']['message'],
            po_text('kk', 'msg_unauthorized'))
        ru = self.client.get(f'{API}/me',
            headers={'Accept-Language': 'ru-RU,ru;q=0.9'})
        self.assertEqual(ru.json['error']['message'],
            po_text('ru', 'msg_unauthorized'))
        token = self.token('t.sáule')
        response = self.get('/journal?class=abc&subject=1&lang=kk', token)
        error = self.assertError(response, 400, 'invalid_parameter')
        self.assertIn('class', error['message'])
        self.assertEqual(error['details'], {'parameter': 'class'})
        # the user's language (ru) without ?lang
        response = self.get('/journal?class=abc&subject=1', token)
        self.assertEqual(response.json['error']['message'],
            po_text('ru', 'msg_invalid_parameter') % {'name': 'class'})

    # --- teacher ---------------------------------------------------------
    def test_teacher_grid_and_mark(self):
        "The teacher loads the journal and records a mark (R27.12)"
        token = self.token('t.sáule')
        response = self.get(
            f'/journal?class={self.class_a}&subject={self.maths}'
            f'&period={self.q2}', token)
        self.assertEqual(response.status_code, 200, response.data)
        grid = response.json
        self.assertEqual([l['id'] for l in grid['learners']],
            [self.learner])
        self.assertIn(self.lesson, [l['id'] for l in grid['lessons']])
        self.assertEqual(grid['period']['closed'], False)
        self.assertEqual([w['id'] for w in grid['works']], [self.work])

        response = self.put('/journal/entry', token, {
                'lesson': self.lesson, 'learner': self.learner,
                'mark': 9})
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(response.json['mark'], 9)
        self.assertEqual(response.json['attendance'], 'present')
        response = self.put('/journal/score', token, {
                'work': self.work, 'learner': self.learner, 'score': 17})
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(response.json['score'], 17)

        grid = self.get(
            f'/journal?class={self.class_a}&subject={self.maths}'
            f'&period={self.q2}', token).json
        self.assertEqual(grid['cells'][f'{self.lesson}:{self.learner}'],
            {'attendance': 'present', 'mark': 9})
        self.assertEqual(grid['scores'][f'{self.work}:{self.learner}'], 17)

        # the parent sees the mark in the child's diary
        parent = self.token('p.gulnar')
        diary = self.get(f'/diary?learner={self.learner}'
            f'&start={self.open_day}&end={self.open_day}', parent).json
        lesson, = [l for d in diary['days'] for l in d['lessons']
            if l['lesson'] == self.lesson]
        self.assertEqual(lesson['mark'], 9)

    def test_mark_bad_values(self):
        token = self.token('t.sáule')
        for value in [0, 11, 'five', True, 4.5]:
            with self.subTest(mark=value):
                self.assertError(self.put('/journal/entry', token, {
                            'lesson': self.lesson,
                            'learner': self.learner, 'mark': value}),
                    400, 'invalid_parameter')
        self.assertError(self.put('/journal/entry', token, {
                    'lesson': self.lesson, 'learner': self.learner,
                    'attendance': 'on_moon'}), 400, 'invalid_parameter')
        response = self.client.put(f'{API}/journal/entry',
            data=b'{not json', content_type='application/json',
            headers={'Authorization': f'Bearer {token}'})
        self.assertError(response, 400, 'bad_request')

    def test_mark_in_class_not_taught(self):
        "A mark in a lesson of another teacher's class is 403"
        token = self.token('t.sáule')
        response = self.put('/journal/entry', token, {
                'lesson': self.other_lesson, 'learner': self.other_learner,
                'mark': 5})
        self.assertError(response, 403, 'forbidden')
        self.assertEqual(self.count('edu.journal.entry', [
                    ('lesson', '=', self.other_lesson)]), 0)

    def test_mark_in_closed_period(self):
        "A mark in a closed quarter is 409 period_closed"
        token = self.token('t.sáule')
        response = self.put('/journal/entry', token, {
                'lesson': self.closed_lesson, 'learner': self.learner,
                'mark': 7})
        self.assertError(response, 409, 'period_closed')
        self.assertEqual(self.count('edu.journal.entry', [
                    ('lesson', '=', self.closed_lesson)]), 0)

    def test_teacher_today_and_classes(self):
        token = self.token('t.sáule')
        today = self.get(f'/teacher/today?date={self.open_day}', token)
        self.assertEqual(today.status_code, 200, today.data)
        self.assertEqual([l['lesson'] for l in today.json], [self.lesson])
        self.assertEqual(today.json[0]['start'], '08:30')

    def test_timetable(self):
        "The week of a teacher, of a learner and of a parent's child"
        expected = {'date': self.open_day.isoformat(), 'subject': self.maths,
            'class': self.class_a, 'start': '08:30'}
        for login, query in [('t.sáule', ''), ('l.aigerim', ''),
                ('p.gulnar', f'&learner={self.learner}')]:
            with self.subTest(login=login):
                token = self.token(login)
                response = self.get(
                    f'/timetable?date={self.open_day}{query}', token)
                self.assertEqual(response.status_code, 200, response.data)
                week = response.json
                self.assertEqual(len(week['days']), 6)
                found = [{'date': d['date'], 'subject': l['subject']['id'],
                        'class': l['class']['id'], 'start': l['start']}
                    for d in week['days'] for l in d['lessons']]
                self.assertEqual(found, [expected])
        # the other teacher and the other learner have no lesson there
        token = self.token('l.daulet')
        week = self.get(f'/timetable?date={self.open_day}', token).json
        self.assertEqual([l for d in week['days'] for l in d['lessons']],
            [])

    def test_teacher_classes(self):
        token = self.token('t.sáule')
        response = self.get('/teacher/classes', token)
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual([(c['class']['id'], c['subject']['id'])
                for c in response.json], [(self.class_a, self.maths)])

    def test_me_of_teacher(self):
        token = self.token('t.sáule')
        me = self.get('/me', token).json
        self.assertEqual(me['roles'], ['teacher'])
        self.assertEqual(me['person']['id'], self.teacher)
        if self.in_year:
            self.assertEqual([c['id'] for c in me['classes']],
                [self.class_a])
        self.assertEqual(me['language'], 'ru')

    def test_periods(self):
        if not self.in_year:
            self.skipTest("no academic year today (summer holidays)")
        token = self.token('l.aigerim')
        periods = self.get('/periods', token).json
        self.assertEqual(len(periods), 4)
        self.assertEqual(periods[0]['state'], 'closed')
        self.assertEqual(periods[1]['id'], self.q2)

    # --- parent, learner -------------------------------------------------
    def test_parent_reads_own_child(self):
        "The parent reads the child's diary with the homework (R27.12)"
        token = self.token('p.gulnar')
        response = self.get(f'/diary?learner={self.learner}'
            f'&start={self.open_day}&end={self.open_day}', token)
        self.assertEqual(response.status_code, 200, response.data)
        diary = response.json
        self.assertEqual(diary['learner']['id'], self.learner)
        self.assertEqual(diary['learner']['class']['id'], self.class_a)
        lessons = [l for d in diary['days'] for l in d['lessons']]
        self.assertEqual([l['lesson'] for l in lessons], [self.lesson])
        self.assertEqual(lessons[0]['subject']['id'], self.maths)
        self.assertEqual([h['id'] for h in lessons[0]['homework']],
            [self.homework])

    def test_parent_other_child_refused(self):
        "Another family's child is refused, whatever the endpoint"
        token = self.token('p.gulnar')
        for path in [f'/diary?learner={self.other_learner}',
                f'/results?learner={self.other_learner}',
                f'/timetable?learner={self.other_learner}',
                f'/teachers?learner={self.other_learner}']:
            with self.subTest(path=path):
                response = self.get(path, token)
                self.assertIn(response.status_code, {403, 404})
                self.assertIn(response.json['error']['code'],
                    {'forbidden', 'not_found'})

    def test_diary_range(self):
        token = self.token('l.aigerim')
        start = self.open_day
        response = self.get(f'/diary?start={start}'
            f'&end={start + dt.timedelta(days=40)}', token)
        self.assertError(response, 400, 'range_too_long')
        response = self.get(f'/diary?start={start}&end={start}', token)
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(response.json['learner']['id'], self.learner)

    def test_learner_upload(self):
        "A learner hands in a file: checked by content, 415 when wrong"
        token = self.token('l.aigerim')
        url = f'{API}/homework/{self.homework}/submissions'
        headers = {'Authorization': f'Bearer {token}'}
        response = self.client.post(url, data={
                'text': 'Менің жауабым',
                'file': (io.BytesIO(EXE), 'essay.pdf'),
                }, headers=headers)
        self.assertError(response, 415, 'unsupported_file_type')
        response = self.client.post(url, data={
                'file': (io.BytesIO(b'x' * 16), 'tool.exe'),
                }, headers=headers)
        self.assertError(response, 415, 'unsupported_file_type')
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, 'w') as archive:
            archive.writestr('[Content_Types].xml', '<Types/>')
            archive.writestr('word/document.xml', '<w:document/>')
        response = self.client.post(url, data={
                'text': 'Менің жауабым',
                'file': (io.BytesIO(buffer.getvalue()), 'answer.docx'),
                }, headers=headers)
        self.assertEqual(response.status_code, 201, response.data)
        submission = response.json['submission']
        self.assertEqual(response.json['state'], 'submitted')
        self.assertEqual(response.json['file']['name'], 'answer.docx')

        # the teacher finds it, downloads the file and grades it
        teacher = self.token('t.sáule')
        inbox = self.get('/homework/inbox', teacher).json
        self.assertIn(submission, [i['submission'] for i in inbox])
        download = self.get(f'/files/submission/{submission}', teacher)
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.data, buffer.getvalue())
        response = self.client.patch(
            f'{API}/homework/submissions/{submission}',
            json={'mark': 8, 'comment': 'Жақсы', 'state': 'graded'},
            headers={'Authorization': f'Bearer {teacher}'})
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(response.json['state'], 'graded')
        self.assertEqual(response.json['mark'], 8)
        # another learner may not download it
        other = self.token('l.daulet')
        self.assertIn(self.get(f'/files/submission/{submission}',
                other).status_code, {403, 404})

    def test_upload_too_large(self):
        token = self.token('l.aigerim')
        saved = None
        with Transaction().start(DB_NAME, 0) as transaction:
            Configuration = Pool().get('edu.teaching.configuration')
            Company = Pool().get('company.company')
            company, = Company.search([], limit=1)
            configuration = Configuration.get_for(company.id)
            if configuration.id:
                saved = configuration.max_upload_size
                Configuration.write([configuration],
                    {'max_upload_size': 1})
            else:
                Configuration.create([{
                            'company': company.id,
                            'max_upload_size': 1}])
            transaction.commit()
        try:
            response = self.client.post(
                f'{API}/homework/{self.homework}/submissions',
                data={'file': (io.BytesIO(b'a' * (1024 * 1024 + 10)),
                        'big.txt')},
                headers={'Authorization': f'Bearer {token}'})
            self.assertError(response, 413, 'file_too_large')
        finally:
            with Transaction().start(DB_NAME, 0) as transaction:
                Configuration = Pool().get('edu.teaching.configuration')
                Configuration.write(Configuration.search([]),
                    {'max_upload_size': saved or 10})
                transaction.commit()

    def test_messages(self):
        "A parent writes to a teacher of the child; the teacher answers"
        parent = self.token('p.gulnar')
        teachers = self.get(f'/teachers?learner={self.learner}', parent)
        self.assertEqual(teachers.status_code, 200, teachers.data)
        self.assertIn(self.teacher, [t['id'] for t in teachers.json])
        self.assertNotIn(self.other_teacher,
            [t['id'] for t in teachers.json])
        response = self.client.post(f'{API}/messages', json={
                'teacher': self.other_teacher, 'learner': self.learner,
                'subject': 'Сұрақ', 'body': 'Сәлеметсіз бе'},
            headers={'Authorization': f'Bearer {parent}'})
        self.assertError(response, 400, 'invalid_parameter')
        response = self.client.post(f'{API}/messages', json={
                'teacher': self.teacher, 'learner': self.other_learner,
                'subject': 'Сұрақ', 'body': 'Сәлеметсіз бе'},
            headers={'Authorization': f'Bearer {parent}'})
        self.assertError(response, 403, 'forbidden')
        response = self.client.post(f'{API}/messages', json={
                'teacher': self.teacher, 'learner': self.learner,
                'subject': 'Үй жұмысы', 'body': 'Сәлеметсіз бе!'},
            headers={'Authorization': f'Bearer {parent}'})
        self.assertEqual(response.status_code, 201, response.data)
        thread = response.json['thread']['id']
        self.assertTrue(response.json['messages'][0]['mine'])

        teacher = self.token('t.sáule')
        threads = self.get('/messages', teacher).json
        self.assertEqual([(t['id'], t['unread']) for t in threads
                if t['id'] == thread], [(thread, 1)])
        messages = self.get(f'/messages/{thread}', teacher).json
        self.assertFalse(messages['messages'][0]['mine'])
        self.assertEqual(messages['thread']['unread'], 0)
        response = self.client.post(f'{API}/messages/{thread}',
            json={'body': 'Сәлеметсіз бе, жауап береміз.'},
            headers={'Authorization': f'Bearer {teacher}'})
        self.assertEqual(response.status_code, 201, response.data)
        self.assertEqual(len(response.json['messages']), 2)
        # the thread is not for another learner (no access: 403)
        other = self.token('l.daulet')
        response = self.get(f'/messages/{thread}', other)
        self.assertIn(response.status_code, {403, 404})
        self.assertIn(response.json['error']['code'],
            {'forbidden', 'not_found'})

    def test_unknown_database_and_routes(self):
        response = self.client.get('/no_such_db_x/portal/api/v1/me')
        self.assertEqual(response.status_code, 404)
        token = self.token('l.aigerim')
        self.assertError(self.get('/files/secret/1', token), 404,
            'not_found')

    # --- pages -----------------------------------------------------------
    def test_openapi_public(self):
        response = self.client.get(f'{API}/openapi.json')
        self.assertEqual(response.status_code, 200)
        document = response.json
        self.assertEqual(document['openapi'], '3.1.0')
        self.assertEqual(document['servers'][0]['url'], API)

    def test_pages_headers(self):
        "The pages carry the security headers; no path leaves static/"
        response = self.client.get(f'/{DB_NAME}/portal/')
        self.assertIn(response.status_code, {200, 404})
        csp = response.headers['Content-Security-Policy']
        self.assertIn("default-src 'self'", csp)
        self.assertEqual(response.headers['X-Content-Type-Options'],
            'nosniff')
        self.assertTrue(response.headers['Referrer-Policy'])
        if os.path.exists(os.path.join(PORTAL_DIR, 'static', 'index.html')):
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.content_type.startswith('text/html'))
        if os.path.exists(os.path.join(PORTAL_DIR, 'static', 'sw.js')):
            response = self.client.get(f'/{DB_NAME}/portal/sw.js')
            self.assertEqual(response.headers['Service-Worker-Allowed'],
                f'/{DB_NAME}/portal/')
        for path in ['../__init__.py', '..%2F__init__.py',
                '%2e%2e/routes.py']:
            response = self.client.get(f'/{DB_NAME}/portal/static/{path}')
            self.assertEqual(response.status_code, 404, path)


del TestCase
