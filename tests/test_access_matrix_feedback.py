# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_feedback (R27.16, R27.15, R5.10, R12).

- announcements: the management writes every announcement of the school, a
  teacher only their own to a class they teach; a published announcement
  is read by the staff and by the learners and parents it reaches; nobody
  deletes a published one;
- teacher–parent messages: read by the two participants and, read only,
  by the management (moderation); written by the participants only; a
  sent message is changed or deleted by nobody;
- FAQ: read by everybody, kept by the management (national ones by the
  platform administrator);
- surveys: prepared by the management and the methodists, read by
  everybody once open, answered once by each user of the audience; the
  responses are read by their author and, for surveys that are not
  anonymous, by the management; the results by the management.

School B's records are out of reach of every role of school A.
"""
import datetime as dt
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from tests.access_matrix import (
    ROLES, AccessMatrix, Probe, build_two_schools, expand)

NOBODY = {role: '----' for role in ROLES}
MANAGEMENT = ('director', 'deputy_director')
TEACHING = ('methodist', 'teacher', 'tutor')
OTHER_STAFF = ('accountant', 'chief_accountant', 'hr_officer', 'clerk',
    'sysadmin', 'auditor')

EXPECTED = {}
# a published announcement of the teacher to the teacher's class, where the
# learner (child of the parent) is enrolled
EXPECTED.update(expand('edu.announcement', {
            **NOBODY,
            **{r: 'rcwd' for r in MANAGEMENT},
            'teacher': 'rcwd',
            # other teachers read it, write nothing of the teacher's class
            'methodist': 'r---', 'tutor': 'r---',
            'learner': 'r---', 'parent': 'r---',
            **{r: 'r---' for r in OTHER_STAFF},
            }))
# the thread between the teacher and the parent about the learner
EXPECTED.update(expand('edu.message.thread', {
            **NOBODY,
            **{r: 'r---' for r in MANAGEMENT},
            'teacher': 'rcw-', 'parent': 'rcw-',
            }))
EXPECTED.update(expand('edu.message', {
            **NOBODY,
            **{r: 'r---' for r in MANAGEMENT},
            'teacher': 'rc--', 'parent': 'rc--',
            }))
EXPECTED.update(expand('edu.faq', {
            **{role: 'r---' for role in ROLES},
            **{r: 'rcwd' for r in MANAGEMENT},
            }))
# an open survey of the parents
EXPECTED.update(expand('edu.survey', {
            **NOBODY,
            **{r: 'rcwd' for r in MANAGEMENT},
            'methodist': 'rcwd',
            'teacher': 'r---', 'tutor': 'r---',
            'learner': 'r---', 'parent': 'r---',
            **{r: 'r---' for r in OTHER_STAFF},
            }))
# the questions and options of a draft survey: hidden until it is opened
for _model in ('edu.survey.question', 'edu.survey.option'):
    EXPECTED.update(expand(_model, {
                **NOBODY,
                **{r: 'rcwd' for r in MANAGEMENT},
                'methodist': 'rcwd',
                }))
# the parent's response to the (not anonymous) survey; every user of the
# audience "everybody" answers another survey once
EXPECTED.update(expand('edu.survey.response', {
            **NOBODY,
            **{r: 'rc--' for r in MANAGEMENT},
            'methodist': 'rc--',
            'teacher': '-c--', 'tutor': '-c--',
            'learner': '-c--', 'parent': 'rc--',
            **{r: '-c--' for r in OTHER_STAFF},
            }))
# an answer is created with its response only, never alone
EXPECTED.update(expand('edu.survey.answer', {
            **NOBODY,
            **{r: 'r---' for r in MANAGEMENT},
            'methodist': 'r---', 'parent': 'r---',
            }))
EXPECTED.update(expand('edu.survey.result', {
            **NOBODY,
            **{r: 'r---' for r in MANAGEMENT},
            'methodist': 'r---',
            }))
ISOLATED_MODELS = ['edu.announcement', 'edu.message.thread', 'edu.message',
    'edu.faq', 'edu.survey', 'edu.survey.response', 'edu.survey.answer']


def build_feedback(schools):
    """Create the learning core and the feedback records of both schools:
    a class of the teacher (homeroom) with the learner, another class with
    another learner, their announcements, a thread, FAQ and surveys"""
    pool = Pool()
    Year = pool.get('edu.academic.year')
    Class = pool.get('edu.class')
    Enrolment = pool.get('edu.class.enrolment')
    Announcement = pool.get('edu.announcement')
    Thread = pool.get('edu.message.thread')
    Message = pool.get('edu.message')
    FAQ = pool.get('edu.faq')
    Survey = pool.get('edu.survey')
    Response = pool.get('edu.survey.response')
    Result = pool.get('edu.survey.result')
    User = pool.get('res.user')
    Rule = pool.get('ir.rule')
    Party = pool.get('party.party')
    today = dt.date.today()
    ns = schools
    persons = ns.persons

    def year(company):
        year, = Year.create([{
                    'company': company, 'name': f'{today.year}',
                    'start_date': today - dt.timedelta(days=100),
                    'end_date': today + dt.timedelta(days=200),
                    'period_kind': 'quarter',
                    }])
        return year

    year_a, year_b = year(ns.school_a), year(ns.school_b)
    class_a, other_class = Class.create([{
                'company': ns.school_a, 'year': year_a.id, 'name': '7 Ә',
                'grade': 7, 'letter': 'Ә',
                'homeroom_teacher': persons['teacher'],
                }, {
                'company': ns.school_a, 'year': year_a.id, 'name': '8 Б',
                'grade': 8, 'letter': 'Б',
                'homeroom_teacher': persons['tutor'],
                }])
    class_b, = Class.create([{
                'company': ns.school_b, 'year': year_b.id, 'name': '7 А',
                'grade': 7, 'letter': 'А',
                'homeroom_teacher': ns.persons_b['teacher'],
                }])
    start = today - dt.timedelta(days=30)
    Enrolment.create([
            {'class_': class_a.id, 'learner': persons['learner'],
                'start_date': start},
            {'class_': other_class.id, 'learner': persons['other_learner'],
                'start_date': start},
            {'class_': class_b.id, 'learner': ns.persons_b['learner'],
                'start_date': start},
            ])
    # a parent in school B, representing the learner of school B
    parent_b = ns.person(Party(ns.school_b), "Оспанова", "Гүлмира",
        dt.date(1986, 3, 3), 'female', is_representative=True)
    pool.get('party.relation').create([{
                'from_': parent_b.id, 'to': ns.persons_b['learner'],
                'type': pool.get('ir.model.data').get_id(
                    'edu_base', 'relation_mother'),
                }])
    Rule.clear_edu_values()
    ns.classes = {'a': class_a.id, 'other': other_class.id, 'b': class_b.id}

    def user_of(role, users=None):
        return User((users or ns.users)[role])

    teacher_user = user_of('teacher')
    teacher_b_user = user_of('teacher', ns.users_b)

    def announcement(user, company, class_, state='published', **values):
        record, = Announcement.create([{
                    'company': company, 'title': "Ата-аналар жиналысы",
                    'body': "Жұма күні сағат 18:00-де.",
                    'audience': 'class', 'class_': class_,
                    'author': user.id,
                    'author_person': user.person.id if user.person else None,
                    **values,
                    }])
        if state == 'published':
            Announcement.publish([record])
        return record

    ns.announcement_a = announcement(teacher_user, ns.school_a, class_a.id)
    ns.announcement_b = announcement(teacher_b_user, ns.school_b, class_b.id)

    def thread(company, learner, teacher, parent):
        record, = Thread.create([{
                    'company': company, 'subject': "Үй тапсырмасы",
                    'learner': learner, 'teacher': teacher, 'parent': parent,
                    }])
        return record

    ns.thread_a = thread(ns.school_a, persons['learner'], persons['teacher'],
        persons['parent'])
    ns.thread_b = thread(ns.school_b, ns.persons_b['learner'],
        ns.persons_b['teacher'], parent_b.id)
    ns.message_a, ns.message_b = Message.create([{
                'thread': ns.thread_a.id, 'author': teacher_user.id,
                'body': "Сәлеметсіз бе!",
                }, {
                'thread': ns.thread_b.id, 'author': teacher_b_user.id,
                'body': "Здравствуйте!",
                }])
    ns.faq_a, ns.faq_b = FAQ.create([{
                'company': ns.school_a, 'category': 'portal',
                'question': "Құпия сөзді қалай өзгертемін?",
                'answer': "Баптаулар мәзірінде.",
                }, {
                'company': ns.school_b, 'category': 'portal',
                'question': "Как сменить пароль?",
                'answer': "В настройках.",
                }])

    def survey(company, audience='parents', state='open', **values):
        record, = Survey.create([{
                    'company': company, 'title': "Асхана сапасы",
                    'audience': audience,
                    'questions': [('create', [{
                                    'text': "Асхана ұнай ма?",
                                    'kind': 'single',
                                    'options': [('create', [
                                                {'name': "Иә"},
                                                {'name': "Жоқ"}])],
                                    }])],
                    **values,
                    }])
        if state == 'open':
            Survey.open([record])
        return record

    ns.survey_a = survey(ns.school_a)
    ns.survey_b = survey(ns.school_b)
    ns.survey_all = survey(ns.school_a, audience='all')
    ns.survey_draft = survey(ns.school_a, state='draft')
    Rule.clear_edu_values()

    def respond(survey, user_id):
        from trytond.transaction import Transaction
        question, = survey.questions
        with Transaction().set_user(user_id):
            return Response(Response.submit(
                    survey.id, {question.id: question.options[0].id}))

    ns.response_a = respond(ns.survey_a, ns.users['parent'])
    ns.parent_b_user = User.create([{
                'login': 'b.parent', 'name': "Оспанова Гүлмира",
                'person': parent_b.id,
                'companies': [('add', [ns.school_b])],
                'company': ns.school_b,
                }])[0]
    ns.response_b = respond(ns.survey_b, ns.parent_b_user.id)
    ns.result_a, = Result.search([('survey', '=', ns.survey_a.id),
            ('option', '=', ns.survey_a.questions[0].options[0].id)])
    ns.result_b, = Result.search([('survey', '=', ns.survey_b.id),
            ('option', '=', ns.survey_b.questions[0].options[0].id)])
    return ns


def feedback_probes(ns):
    pool = Pool()
    Announcement = pool.get('edu.announcement')
    Survey = pool.get('edu.survey')
    Question = pool.get('edu.survey.question')
    Option = pool.get('edu.survey.option')
    FAQ = pool.get('edu.faq')
    teacher = ns.persons['teacher']

    def announcement_values():
        return {'company': ns.school_a, 'title': "Экскурсия",
            'body': "Сенбі күні.", 'audience': 'class',
            'class_': ns.classes['a']}

    def new_announcement():
        return Announcement.create([{**announcement_values(),
                    'author': ns.users['teacher'],
                    'author_person': teacher}])[0].id

    def survey_values():
        return {'company': ns.school_a, 'title': "Сынақ",
            'audience': 'teachers'}

    def question_values():
        return {'survey': ns.survey_draft.id, 'text': "Сұрақ?",
            'kind': 'rating'}

    def option_values():
        return {'question': ns.survey_draft.questions[0].id, 'name': "Мүмкін"}

    def faq_values():
        return {'company': ns.school_a, 'category': 'other',
            'question': "Сұрақ?", 'answer': "Жауап."}

    question = ns.survey_all.questions[0]
    return {
        'edu.announcement': Probe('edu.announcement',
            own=ns.announcement_a.id, other=ns.announcement_b.id,
            write_field='title', create_values=announcement_values,
            make_record=new_announcement),
        'edu.message.thread': Probe('edu.message.thread',
            own=ns.thread_a.id, other=ns.thread_b.id,
            write_values=lambda r: {'messages': []},
            create_values=lambda: {'company': ns.school_a,
                'subject': "Сабаққа келмеуі",
                'learner': ns.persons['learner'],
                'teacher': teacher, 'parent': ns.persons['parent']}),
        'edu.message': Probe('edu.message',
            own=ns.message_a.id, other=ns.message_b.id, write_field='body',
            create_values=lambda: {'thread': ns.thread_a.id,
                'body': "Рахмет!"}),
        'edu.faq': Probe('edu.faq', own=ns.faq_a.id, other=ns.faq_b.id,
            write_field='question', create_values=faq_values,
            make_record=lambda: FAQ.create([faq_values()])[0].id),
        'edu.survey': Probe('edu.survey', own=ns.survey_a.id,
            other=ns.survey_b.id, write_field='anonymous',
            create_values=survey_values,
            make_record=lambda: Survey.create([survey_values()])[0].id),
        'edu.survey.question': Probe('edu.survey.question',
            own=ns.survey_draft.questions[0].id, write_field='text',
            create_values=question_values,
            make_record=lambda: Question.create([question_values()])[0].id),
        'edu.survey.option': Probe('edu.survey.option',
            own=ns.survey_draft.questions[0].options[0].id,
            write_field='name', create_values=option_values,
            make_record=lambda: Option.create([option_values()])[0].id),
        'edu.survey.response': Probe('edu.survey.response',
            own=ns.response_a.id, other=ns.response_b.id,
            write_field='survey',
            create_values=lambda: {'survey': ns.survey_all.id,
                'answers': [('create', [{'question': question.id,
                                'option': question.options[1].id}])]}),
        'edu.survey.answer': Probe('edu.survey.answer',
            own=ns.response_a.answers[0].id,
            other=ns.response_b.answers[0].id, write_field='option',
            create_values=lambda: {'response': ns.response_a.id,
                'question': ns.survey_a.questions[0].id,
                'option': ns.survey_a.questions[0].options[1].id}),
        'edu.survey.result': Probe('edu.survey.result',
            own=ns.result_a.id, other=ns.result_b.id, write_field='count'),
        }


class AccessMatrixFeedbackTestCase(unittest.TestCase):
    "Access matrix of announcements, messages, FAQ and surveys"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_feedback'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_access_matrix(self):
        "Each role does what the matrix says, nothing of school B (R27.16)"
        schools = build_feedback(build_two_schools())
        matrix = AccessMatrix(schools.users, feedback_probes(schools))
        matrix.check(EXPECTED, isolated_models=ISOLATED_MODELS,
            foreign_domains={
                'edu.announcement': [('company', '=', schools.school_b)],
                'edu.message.thread': [('company', '=', schools.school_b)],
                'edu.message': [('thread.company', '=', schools.school_b)],
                'edu.survey': [('company', '=', schools.school_b)],
                'edu.survey.result': [('company', '=', schools.school_b)],
                })

    @with_transaction()
    def test_announcement_reach(self):
        """A parent reads the announcements that reach the child's class,
        not those of another class nor drafts; so does the learner"""
        pool = Pool()
        Announcement = pool.get('edu.announcement')
        schools = build_feedback(build_two_schools())
        matrix = AccessMatrix(schools.users, {})
        teacher = pool.get('res.user')(schools.users['teacher'])
        tutor = pool.get('res.user')(schools.users['tutor'])
        other_class, = Announcement.create([{
                    'company': schools.school_a, 'title': "8 Б",
                    'body': "8 Б сыныбына", 'audience': 'class',
                    'class_': schools.classes['other'],
                    'author': tutor.id, 'author_person': tutor.person.id}])
        Announcement.publish([other_class])
        grade7, grade8, school, draft = Announcement.create([{
                    'company': schools.school_a, 'title': "7-сыныптар",
                    'body': "...", 'audience': 'grade', 'grade': 7,
                    'author': 1}, {
                    'company': schools.school_a, 'title': "8-сыныптар",
                    'body': "...", 'audience': 'grade', 'grade': 8,
                    'author': 1}, {
                    'company': schools.school_a, 'title': "Барлығына",
                    'body': "...", 'audience': 'school', 'author': 1}, {
                    'company': schools.school_a, 'title': "Жоба",
                    'body': "...", 'audience': 'class',
                    'class_': schools.classes['a'],
                    'author': teacher.id,
                    'author_person': teacher.person.id}])
        Announcement.publish([grade7, grade8, school])
        expected = {schools.announcement_a.id, grade7.id, school.id}
        for role in ['parent', 'learner']:
            self.assertEqual(
                set(matrix.visible(role, 'edu.announcement')), expected,
                role)
        # the teacher sees the own draft, not the tutor
        self.assertIn(draft.id, matrix.visible('teacher', 'edu.announcement'))
        self.assertNotIn(draft.id, matrix.visible('tutor', 'edu.announcement'))
        # the tutor writes to the own class, not to the teacher's
        from trytond.exceptions import UserError
        with matrix.as_user(schools.users['tutor']):
            Announcement.create([{
                        'company': schools.school_a, 'title': "8 Б",
                        'body': "...", 'audience': 'class',
                        'class_': schools.classes['other']}])
            with self.assertRaises(UserError):
                Announcement.create([{
                            'company': schools.school_a, 'title': "7 Ә",
                            'body': "...", 'audience': 'class',
                            'class_': schools.classes['a']}])
            # nor to the whole school
            with self.assertRaises(UserError):
                Announcement.create([{
                            'company': schools.school_a, 'title': "Барлығына",
                            'body': "...", 'audience': 'school'}])
