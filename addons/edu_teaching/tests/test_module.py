# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of edu_teaching: lesson plans and materials (R27.9), homework and
submissions (R27.11), distance learning: conference links, class chat and
the archive of a closed period (R27.10)."""
import datetime as dt
import hashlib
import io
import json
import zipfile
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.edu_teaching import configuration as configuration_module
from trytond.modules.edu_teaching import files
from trytond.modules.edu_teaching.exceptions import FileValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from tests.access_matrix import AccessMatrix, build_two_schools

from .tools import EXE, PDF, PNG, build_homework, build_teaching, docx


def rpc(user_id):
    """Context manager: act as user_id the way the chat's RPC calls run,
    which do not enforce the model access themselves"""
    return _RPC(user_id)


class _RPC:
    def __init__(self, user_id):
        self.user_id = user_id

    def __enter__(self):
        transaction = Transaction()
        self.managers = [transaction.set_user(self.user_id),
            transaction.set_context(_check_access=False)]
        for manager in self.managers:
            manager.__enter__()

    def __exit__(self, *exc):
        for manager in reversed(self.managers):
            manager.__exit__(*exc)


class refused:
    """Context manager: assert that the block raises exception and undo
    what it wrote, as the rollback of the request would"""

    def __init__(self, test, exception):
        self.test = test
        self.exception = exception

    def __enter__(self):
        Transaction().connection.cursor().execute('SAVEPOINT refused')

    def __exit__(self, type_, value, traceback):
        transaction = Transaction()
        transaction.connection.cursor().execute(
            'ROLLBACK TO SAVEPOINT refused')
        transaction.cache.clear()
        self.test.assertIsNotNone(type_, f"{self.exception} not raised")
        self.test.assertTrue(issubclass(type_, self.exception),
            f"{type_.__name__}: {value}")
        return True


def setup():
    "Return (schools, data, matrix) of the two schools with homework"
    schools = build_two_schools()
    data = build_teaching(schools)
    build_homework(schools, data)
    return schools, data, AccessMatrix(schools.users, {})


class EduTeachingTestCase(ModuleTestCase):
    "Test edu_teaching module"
    module = 'edu_teaching'

    def test_file_checks(self):
        "Files are checked by extension, content and size (R27.11)"
        check = files.check_file
        check(PDF, 'task.pdf', 10)
        check(PNG, 'photo.PNG', 10)
        check(docx(), 'essay.docx', 10)
        check("Жауап: 42\n".encode(), 'answer.txt', 10)
        for data, name in [
                (EXE, 'task.pdf'),  # a program renamed
                (PDF, 'task.exe'),  # a type not allowed
                (PDF, 'task'),  # no extension
                (docx(), 'table.xlsx'),  # a document named as a sheet
                (PDF, 'essay.docx'),  # not a package
                (b'\x00\x01\x02binary', 'notes.txt'),
                (PNG, 'photo.jpg'),
                ]:
            with self.subTest(name=name), \
                    self.assertRaises(FileValidationError):
                check(data, name, 10)
        with self.assertRaises(FileValidationError):
            check(b'%PDF-1.4\n' + b'0' * (2 * 1024 * 1024), 'big.pdf', 1)

    @with_transaction()
    def test_plan_and_materials(self):
        "A teacher's plan with materials; links must be http(s) (R27.9)"
        pool = Pool()
        Plan = pool.get('edu.lesson.plan')
        Material = pool.get('edu.lesson.material')
        Lesson = pool.get('edu.lesson')
        schools, data, matrix = setup()
        with matrix.as_user(schools.users['teacher']):
            plan, = Plan.create([{
                        'company': schools.school_a,
                        'subject': data.subject, 'grade': 7,
                        'title': "Пропорция",
                        'materials': [('create', [{
                                        'name': "Жұмыс парағы",
                                        'kind': 'file', 'file': PDF,
                                        'filename': 'sheet.pdf'}])],
                        }])
            # the teacher is the user's person by default
            self.assertEqual(plan.teacher.id, schools.persons['teacher'])
            material, = plan.materials
            self.assertEqual(material.size, len(PDF))
            self.assertTrue(material.file_id)
            self.assertEqual(material.company.id, schools.school_a)
            with refused(self, ValidationError):
                Material.create([{'plan': plan.id, 'name': "Сілтеме",
                            'kind': 'link', 'url': 'javascript:alert(1)'}])
            with refused(self, FileValidationError):
                Material.create([{'plan': plan.id, 'name': "Бағдарлама",
                            'kind': 'file', 'file': EXE,
                            'filename': 'sheet.pdf'}])
            # the lesson shows its plan
            Lesson.write([Lesson(data.lesson_a)], {'lesson_plan': plan.id})
            lesson = Lesson(data.lesson_a)
            self.assertEqual(lesson.lesson_plan, plan)
        with self.assertRaises(ValidationError):
            # a material belongs to a plan or to a homework
            Material.create([{'name': "Жетім", 'kind': 'text',
                        'text': "..."}])

    @with_transaction()
    def test_homework_submission_flow(self):
        """Submit, refuse a bad file, return, resubmit, grade; the mark
        goes to the journal and the diary shows it (R27.11)"""
        pool = Pool()
        Homework = pool.get('edu.homework')
        Submission = pool.get('edu.homework.submission')
        Lesson = pool.get('edu.lesson')
        Entry = pool.get('edu.journal.entry')
        schools, data, matrix = setup()
        homework = Homework(data.homework_a)
        self.assertEqual(homework.teacher.id, schools.persons['teacher'])
        self.assertEqual(homework.class_.id, data.class_a)
        with refused(self, ValidationError):
            Homework.create([{'lesson': data.lesson_a, 'description': "x",
                        'due_date': data.today - dt.timedelta(days=1)}])
        # the learner's submission of the fixture is replaced by a file
        Submission.delete([Submission(data.submission_a)])
        with matrix.as_user(schools.users['learner']):
            with refused(self, FileValidationError):
                Submission.create([{'homework': homework.id,
                            'file': EXE, 'filename': 'answer.pdf'}])
            with refused(self, ValidationError):
                Submission.create([{'homework': homework.id}])
            submission, = Submission.create([{'homework': homework.id,
                        'file': PDF, 'filename': 'answer.pdf'}])
            self.assertEqual(submission.learner.id, schools.persons['learner'])
            self.assertEqual(submission.state, 'submitted')
            self.assertEqual(submission.attempt, 1)
            self.assertFalse(submission.late)
            # a learner neither grades nor writes the mark
            with self.assertRaises(UserError):
                Submission.grade([submission])
            with refused(self, AccessError):
                Submission.write([submission], {'mark': 10})
            with refused(self, UserError):
                Submission.write([submission], {'state': 'graded'})
        with matrix.as_user(schools.users['teacher']):
            submission = Submission(submission.id)
            Submission.write([submission], {'comment': "Шешімін жаз"})
            Submission.return_([submission])
            self.assertEqual(Submission(submission.id).state, 'returned')
        with matrix.as_user(schools.users['learner']):
            Submission.write([Submission(submission.id)], {
                    'text': "12) 3/4, себебі ...",
                    'file': docx(), 'filename': 'answer.docx'})
            submission = Submission(submission.id)
            self.assertEqual(submission.state, 'submitted')
            self.assertEqual(submission.attempt, 2)
        with matrix.as_user(schools.users['teacher']):
            with self.assertRaises(UserError):
                # no mark yet
                Submission.grade([submission])
            Submission.write([submission], {'mark': 9})
            Submission.grade([submission])
            submission = Submission(submission.id)
            self.assertEqual(submission.state, 'graded')
            self.assertEqual(submission.graded_by.id, schools.users['teacher'])
        # the mark is in the journal of the lesson
        entry, = Entry.search([('lesson', '=', data.lesson_a),
                ('learner', '=', schools.persons['learner'])])
        self.assertEqual(entry.mark, 9)
        # graded work is closed to the learner
        with matrix.as_user(schools.users['learner']):
            with refused(self, AccessError):
                Submission.write([submission], {'text': "өзгерту"})
            days = Lesson.diary(schools.persons['learner'],
                data.today, data.today)
        lesson, = [row for day in days for row in day['lessons']]
        work, = lesson['homework']
        self.assertEqual(work['description'], "№ 12, 14 есептер")
        self.assertEqual(work['submission']['state'], 'graded')
        self.assertEqual(work['submission']['mark'], 9)
        self.assertEqual(work['materials'][0]['name'], "Тапсырма")

    @with_transaction()
    def test_late_and_enrolment(self):
        "Late submissions are flagged; only the class's learners submit"
        pool = Pool()
        Homework = pool.get('edu.homework')
        Submission = pool.get('edu.homework.submission')
        schools, data, matrix = setup()
        Homework.write([Homework(data.homework_a)],
            {'due_date': data.today})
        Submission.delete([Submission(data.submission_a)])
        later = dt.datetime.combine(
            data.today + dt.timedelta(days=1), dt.time(9))
        with mock.patch.object(Submission, '_now', return_value=later):
            submission, = Submission.create([{
                        'homework': data.homework_a,
                        'learner': schools.persons['learner'],
                        'text': "кеш"}])
        self.assertTrue(submission.late)
        with refused(self, ValidationError):
            # the learner of 8 Б is not in 7 А
            Submission.create([{'homework': data.homework_a,
                        'learner': data.third_learner, 'text': "x"}])

    @with_transaction()
    def test_teacher_of_other_class_cannot_grade(self):
        "Only the teacher of the lesson returns or grades (R27.11)"
        pool = Pool()
        Submission = pool.get('edu.homework.submission')
        schools, data, matrix = setup()
        submission = Submission(data.submission_a2)
        with matrix.as_user(schools.users['teacher']):
            with refused(self, UserError):
                Submission.write([submission], {'mark': 5})
            with refused(self, UserError):
                Submission.grade([submission])
        # the colleague who teaches 8 Б does
        with matrix.as_user(schools.sample_a['user']):
            Submission.write([submission], {'mark': 5})
            Submission.grade([submission])
        self.assertEqual(Submission(data.submission_a2).state, 'graded')

    @with_transaction()
    def test_conference_url(self):
        "Jitsi and BigBlueButton links per lesson (R27.10)"
        pool = Pool()
        Configuration = pool.get('edu.teaching.configuration')
        Lesson = pool.get('edu.lesson')
        schools, data, matrix = setup()
        lesson, other = Lesson.browse([data.lesson_a, data.lesson_a2])
        Lesson.write([lesson, other], {'online': True})
        self.assertIsNone(Lesson(data.lesson_a).conference_url)
        configuration, = Configuration.create([{
                    'company': schools.school_a, 'provider': 'jitsi',
                    'base_url': 'https://meet.jit.si/',
                    'room_prefix': 'school1'}])
        with self.assertRaises(ValidationError):
            Configuration(
                base_url='meet.jit.si', room_prefix=None).check_urls()
        with self.assertRaises(ValidationError):
            Configuration(base_url=None, room_prefix='a b').check_urls()
        url = Lesson(data.lesson_a).conference_url
        self.assertRegex(url, r'^https://meet\.jit\.si/school1-[0-9a-f]{24}$')
        # stable, distinct per lesson, not derived from the id alone
        self.assertEqual(Lesson(data.lesson_a).conference_url, url)
        self.assertNotEqual(Lesson(data.lesson_a2).conference_url, url)
        self.assertNotIn(str(data.lesson_a), url.rsplit('-', 1)[1][:2])
        other_school, = Configuration.create([{
                    'company': schools.school_b, 'provider': 'jitsi',
                    'base_url': 'https://meet.jit.si',
                    'room_prefix': 'school1'}])
        Lesson.write([Lesson(data.lesson_b)], {'online': True})
        self.assertNotEqual(
            Lesson(data.lesson_b).conference_url.rsplit('-', 1)[1],
            url.rsplit('-', 1)[1])
        # the room key is never served
        with matrix.as_user(schools.users['director']):
            with self.assertRaises(AccessError):
                Configuration.read([configuration.id], ['room_key'])
        # BigBlueButton: the join URL of the user with its checksum
        Configuration.write([configuration], {
                'provider': 'bigbluebutton',
                'base_url': 'https://bbb.school1.kz/bigbluebutton/'})
        with mock.patch.object(configuration_module, 'bbb_secret',
                return_value='s3cret'):
            with matrix.as_user(schools.users['teacher']):
                url = Lesson(data.lesson_a).conference_url
            with matrix.as_user(schools.users['learner']):
                learner_url = configuration.conference_url(
                    data.lesson_a, full_name="Әсел", moderator=False)
        parts = urlsplit(url)
        self.assertEqual(parts.path, '/bigbluebutton/api/join')
        query, checksum = parts.query.rsplit('&checksum=', 1)
        self.assertEqual(checksum,
            hashlib.sha1(('join' + query + 's3cret').encode()).hexdigest())
        params = dict(parse_qsl(query))
        self.assertEqual(params['role'], 'MODERATOR')
        self.assertEqual(dict(parse_qsl(urlsplit(learner_url).query))['role'],
            'VIEWER')
        # without the shared secret no link is made
        self.assertIsNone(Lesson(data.lesson_a).conference_url)

    @with_transaction()
    def test_class_chat(self):
        """The class chat: teachers and learners follow it; a user who may
        not see the class cannot read or post (R27.10)"""
        pool = Pool()
        Class = pool.get('edu.class')
        Channel = pool.get('ir.chat.channel')
        Follower = pool.get('ir.chat.follower')
        schools, data, matrix = setup()
        class_a = Class(data.class_a)
        Class.update_chat_followers([class_a])
        followers = {f.user.id for f in Follower.search([
                    ('channel.resource', '=', str(class_a))])}
        self.assertEqual(followers, {
                schools.users['tutor'], schools.users['teacher'],
                schools.users['learner']})
        with rpc(schools.users['learner']):
            Channel.post(str(class_a), "Сәлеметсіз бе! 12-есеп түсініксіз.")
        with rpc(schools.users['teacher']):
            Channel.post(str(class_a), "Ертең түсіндіремін.")
            messages = Channel.get(str(class_a))
        self.assertEqual(len(messages), 2)
        self.assertEqual(Class(data.class_a).chat_messages, 2)
        # the learner of 8 Б and the teacher of school B are refused
        for user in [data.third_user, schools.users_b['teacher']]:
            with rpc(user):
                with self.assertRaises(AccessError):
                    Channel.get(str(class_a))
                with self.assertRaises(AccessError):
                    Channel.post(str(class_a), "бөгде")

    @with_transaction()
    def test_archive_on_period_close(self):
        """Closing a period archives each class's chat, plans and homework;
        an empty class gets an empty archive (R27.10)"""
        pool = Pool()
        Period = pool.get('edu.academic.period')
        Archive = pool.get('edu.period.archive')
        Class = pool.get('edu.class')
        Channel = pool.get('ir.chat.channel')
        Lesson = pool.get('edu.lesson')
        schools, data, matrix = setup()
        Lesson.write([Lesson(data.lesson_a)], {'lesson_plan': data.plan_a})
        with rpc(schools.users['teacher']):
            Channel.post(str(Class(data.class_a)), "Үй жұмысы: № 12")
        Period.close([Period(data.period_a)])
        archives = Archive.search([('period', '=', data.period_a)])
        self.assertEqual({a.class_.id for a in archives},
            {data.class_a, data.class_a2})
        archive, = [a for a in archives if a.class_.id == data.class_a]
        self.assertEqual((archive.messages, archive.plans, archive.homeworks,
                archive.submissions, archive.materials), (1, 1, 1, 2, 2))
        with zipfile.ZipFile(io.BytesIO(archive.data)) as content:
            self.assertEqual(sorted(content.namelist()), [
                    'chat.json', 'chat.txt', 'homework.json', 'plans.json'])
            chat = json.loads(content.read('chat.json'))
            self.assertEqual(chat['chat'][0]['content'], "Үй жұмысы: № 12")
            self.assertIn("Үй жұмысы: № 12",
                content.read('chat.txt').decode())
            homework = json.loads(content.read('homework.json'))
            self.assertEqual(len(homework['homework'][0]['submissions']), 2)
        # the management reads the archives, a teacher does not
        self.assertIn(archive.id, matrix.visible('director',
                'edu.period.archive'))
        with matrix.as_user(schools.users['teacher']):
            with self.assertRaises(AccessError):
                Archive.search([])
        # an empty period closes too, with empty archives
        other = [p for p in Period(data.period_a).year.periods
            if p.id != data.period_a and p.state == 'open'][-1]
        Period.close([other])
        empty = Archive.search([('period', '=', other.id)])
        self.assertEqual(len(empty), 2)
        self.assertEqual({a.messages + a.homeworks for a in empty}, {0})


del ModuleTestCase
