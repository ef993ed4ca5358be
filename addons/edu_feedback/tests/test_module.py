# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import io
import itertools
import re
import zipfile
from contextlib import contextmanager

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.edu_base.kz_id import make_bin, make_iin
from trytond.modules.edu_feedback.files import MAX_SIZE, check_file
from trytond.modules.edu_feedback.exceptions import FileValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


@contextmanager
def savepoint():
    "Roll back what the block did, as the failed request would be"
    cursor = Transaction().connection.cursor()
    cursor.execute('SAVEPOINT edu_feedback_test')
    try:
        yield
    finally:
        cursor.execute('ROLLBACK TO SAVEPOINT edu_feedback_test')
        Transaction().cache.clear()


class EduFeedbackTestCase(ModuleTestCase):
    "Test edu_feedback module"
    module = 'edu_feedback'

    def setup_school(self):
        """Create a school with a class 7 Ә (homeroom teacher, two learners
        with their mothers) and a class 8 Б (one learner); return a dict"""
        pool = Pool()
        Party = pool.get('party.party')
        Company = pool.get('company.company')
        Currency = pool.get('currency.currency')
        Year = pool.get('edu.academic.year')
        Class = pool.get('edu.class')
        Enrolment = pool.get('edu.class.enrolment')
        Relation = pool.get('party.relation')
        User = pool.get('res.user')
        Data = pool.get('ir.model.data')
        serials = itertools.count(10)
        today = dt.date.today()

        currency, = Currency.create([{
                    'name': 'Tenge', 'code': 'KZT', 'symbol': '₸'}])
        party, = Party.create([{
                    'name': "№1 мектеп", 'bin': make_bin(2004, 9, 20)}])
        school, = Company.create([{'party': party.id,
                    'currency': currency.id, 'edu_kind': 'school'}])

        def person(name, born, sex, **values):
            while True:
                try:
                    iin = make_iin(born, sex, next(serials))
                    break
                except ValueError:
                    continue
            party, = Party.create([{'is_person': True, 'last_name': name,
                        'first_name': name, 'iin': iin,
                        'organisation': school.id, **values}])
            return party

        def user(login, party):
            user, = User.create([{'login': login, 'name': party.name,
                        'person': party.id,
                        'companies': [('add', [school.id])],
                        'company': school.id}])
            return user

        year, = Year.create([{'company': school.id, 'name': "2026",
                    'start_date': today - dt.timedelta(days=60),
                    'end_date': today + dt.timedelta(days=200),
                    'period_kind': 'quarter'}])
        teacher = person("Мұғалім", dt.date(1980, 1, 1), 'male',
            is_staff=True)
        class_a, class_b = Class.create([{
                    'company': school.id, 'year': year.id, 'name': "7 Ә",
                    'grade': 7, 'homeroom_teacher': teacher.id,
                    }, {
                    'company': school.id, 'year': year.id, 'name': "8 Б",
                    'grade': 8,
                    }])
        mother_type = Data.get_id('edu_base', 'relation_mother')
        learners, parents = [], []
        for i, class_ in enumerate([class_a, class_a, class_b]):
            learner = person(f"Оқушы{i}", dt.date(2013, 1, 1), 'female',
                is_learner=True)
            mother = person(f"Ана{i}", dt.date(1985, 1, 1), 'female',
                is_representative=True)
            Relation.create([{'from_': mother.id, 'to': learner.id,
                        'type': mother_type}])
            Enrolment.create([{'class_': class_.id, 'learner': learner.id,
                        'start_date': today - dt.timedelta(days=10)}])
            learners.append(learner)
            parents.append(user(f'parent{i}', mother))
        pool.get('ir.rule').clear_edu_values()
        return {
            'school': school, 'class_a': class_a, 'class_b': class_b,
            'teacher': teacher, 'teacher_user': user('teacher', teacher),
            'learners': learners, 'parents': parents,
            }

    def test_check_file(self):
        "Files of an accepted type and size pass, others are refused"
        check_file('plan.PDF', b'%PDF')
        check_file('photo.jpeg', b'x' * MAX_SIZE)
        check_file(None, None)
        for name, data in [('run.exe', b'MZ'), ('noextension', b'x'),
                ('big.pdf', b'x' * (MAX_SIZE + 1))]:
            with self.subTest(name=name):
                with self.assertRaises(FileValidationError):
                    check_file(name, data)

    @with_transaction()
    def test_recipients(self):
        "The recipients of a school, grade and class announcement (R27.16)"
        pool = Pool()
        Announcement = pool.get('edu.announcement')
        s = self.setup_school()
        school, class_, grade = Announcement.create([{
                    'company': s['school'].id, 'title': "A", 'body': "A",
                    'audience': 'school'}, {
                    'company': s['school'].id, 'title': "C", 'body': "C",
                    'audience': 'class', 'class_': s['class_a'].id}, {
                    'company': s['school'].id, 'title': "G", 'body': "G",
                    'audience': 'grade', 'grade': 8}])
        ids = [l.id for l in s['learners']]
        self.assertEqual([t.id for t in class_.class_teachers],
            [s['teacher'].id])
        self.assertEqual(school.class_teachers, ())
        self.assertEqual(sorted(r.id for r in school.recipients), ids)
        self.assertEqual(sorted(r.id for r in class_.recipients), ids[:2])
        self.assertEqual([r.id for r in grade.recipients], ids[2:])
        # and the other way round
        self.assertEqual(
            {a.id for a in Announcement.search([
                        ('recipients', '=', ids[2])])},
            {school.id, grade.id})
        self.assertEqual(
            {a.id for a in Announcement.search([
                        ('recipients', 'in', ids[:1])])},
            {school.id, class_.id})

    @with_transaction()
    def test_publish_notifies(self):
        "Publishing notifies the learners' and parents' users, journalled"
        pool = Pool()
        Announcement = pool.get('edu.announcement')
        Notification = pool.get('res.notification')
        AuditEntry = pool.get('edu.audit.entry')
        s = self.setup_school()
        announcement, = Announcement.create([{
                    'company': s['school'].id, 'title': "Жиналыс",
                    'body': "Жұма", 'audience': 'class',
                    'class_': s['class_a'].id,
                    'author': s['teacher_user'].id}])
        self.assertEqual(announcement.author_person, s['teacher'])
        Announcement.publish([announcement])
        notified = {n.user.id for n in Notification.search([
                    ('model', '=', 'edu.announcement')])}
        self.assertEqual(notified, {u.id for u in s['parents'][:2]})
        self.assertTrue(AuditEntry.search([
                    ('operation', '=', 'edu_feedback.announcement.publish')]))
        with self.assertRaises(UserError):
            Announcement.delete([announcement])

    @with_transaction()
    def test_thread_append_only(self):
        "Only participants write; sent messages never change (R27.16)"
        pool = Pool()
        Thread = pool.get('edu.message.thread')
        Message = pool.get('edu.message')
        s = self.setup_school()
        parent = s['parents'][0]
        thread, = Thread.create([{'company': s['school'].id,
                    'subject': "?", 'learner': s['learners'][0].id,
                    'teacher': s['teacher'].id, 'parent': parent.person.id}])
        message, = Message.create([{'thread': thread.id,
                    'author': parent.id, 'body': "Сәлем"}])
        with self.assertRaises(UserError):
            Message.create([{'thread': thread.id,
                        'author': s['parents'][1].id, 'body': "Бөтен"}])
        with self.assertRaises(AccessError):
            Message.write([message], {'body': "Өзгертілген"})
        with self.assertRaises(AccessError):
            Message.delete([message])
        with self.assertRaises(AccessError):
            Thread.delete([thread])
        # the teacher marks it read, not the author
        with Transaction().set_user(parent.id):
            Message.mark_read([message])
        self.assertIsNone(message.read_date)
        with Transaction().set_user(s['teacher_user'].id):
            self.assertEqual(Thread(thread.id).unread, 1)
            Message.mark_read([message])
            self.assertEqual(Thread(thread.id).unread, 0)
        self.assertIsNotNone(Message(message.id).read_date)

    @with_transaction()
    def test_survey_results(self):
        """Results counted by hand: 3 parents answer a single choice, a
        multiple choice and a rating question (R27.15)"""
        pool = Pool()
        Survey = pool.get('edu.survey')
        Response = pool.get('edu.survey.response')
        Result = pool.get('edu.survey.result')
        s = self.setup_school()
        survey, = Survey.create([{'company': s['school'].id,
                    'title': "Сауалнама", 'audience': 'parents',
                    'anonymous': True,
                    'questions': [('create', [{
                                    'sequence': 1, 'text': "Q1",
                                    'kind': 'single',
                                    'options': [('create', [
                                                {'name': "A"}, {'name': "B"},
                                                {'name': "C"}])]}, {
                                    'sequence': 2, 'text': "Q2",
                                    'kind': 'multiple', 'required': False,
                                    'options': [('create', [
                                                {'name': "X"},
                                                {'name': "Y"}])]}, {
                                    'sequence': 3, 'text': "Q3",
                                    'kind': 'rating'}])]}])
        # no answer while in draft
        q1, q2, q3 = survey.questions
        a, b, c = q1.options
        x, y = q2.options
        with Transaction().set_user(s['parents'][0].id):
            with self.assertRaises(UserError):
                Response.submit(survey.id, {q1.id: a.id, q3.id: 5})
        Survey.open([survey])
        # out of range rating, option of another question, two options
        # for a single choice, a required question left out, a teacher
        for user, values in [
                (s['parents'][0], {q1.id: a.id, q3.id: 6}),
                (s['parents'][0], {q1.id: x.id, q3.id: 3}),
                (s['parents'][0], {q1.id: [a.id, b.id], q3.id: 3}),
                (s['parents'][0], {q1.id: a.id}),
                (s['teacher_user'], {q1.id: a.id, q3.id: 3}),
                ]:
            with self.subTest(values=values), savepoint():
                with Transaction().set_user(user.id):
                    with self.assertRaises(UserError):
                        Response.submit(survey.id, values)
        answers = [
            {q1.id: a.id, q2.id: [x.id, y.id], q3.id: 5},
            {q1.id: a.id, q2.id: [y.id], q3.id: 4},
            {q1.id: b.id, q3.id: 5},
            ]
        for user, values in zip(s['parents'], answers):
            with Transaction().set_user(user.id):
                Response.submit(survey.id, values)
        with Transaction().set_user(s['parents'][0].id):
            with self.assertRaises(UserError):
                Response.submit(survey.id, {q1.id: c.id, q3.id: 1})
        rows = {(r.question.text, r.label): (r.count, r.respondents,
                round(r.percent, 1))
            for r in Result.search([('survey', '=', survey.id)])}
        self.assertEqual(rows, {
                ('Q1', 'A'): (2, 3, 66.7),
                ('Q1', 'B'): (1, 3, 33.3),
                ('Q1', 'C'): (0, 3, 0.0),
                ('Q2', 'X'): (1, 2, 50.0),
                ('Q2', 'Y'): (2, 2, 100.0),
                ('Q3', '4'): (1, 3, 33.3),
                ('Q3', '5'): (2, 3, 66.7),
                })
        self.assertEqual(Survey(survey.id).response_count, 3)
        # the export has the same figures
        from trytond.modules.edu_feedback.survey import workbook
        book = zipfile.ZipFile(io.BytesIO(workbook(Survey(survey.id))))
        strings = book.read('xl/sharedStrings.xml').decode()
        sheet = book.read('xl/worksheets/sheet1.xml').decode()
        for text in ["Сауалнама", "Q1", "Q2", "Q3", "Percent"]:
            self.assertIn(f'>{text}<', strings)
        # title, responses, header and the 7 rows of results
        self.assertEqual(len(re.findall('<row ', sheet)), 10)
        self.assertIn('<v>66.66666666666667</v>', sheet)
        # a response is never changed
        response, = Response.search([('user', '=', s['parents'][2].id)])
        self.assertEqual((response.company, response.person),
            (s['school'], s['parents'][2].person))
        with self.assertRaises(UserError):
            Response.delete([response])


del ModuleTestCase
