# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test data of edu_teaching on top of ``tests/access_matrix.py``'s
``build_two_schools()``: an academic year per school, classes, lessons,
homework and submissions, so that the module tests and the access matrix
share one picture:

- school A: class "7 А" (homeroom: the tutor) with the learner and the
  other learner, taught maths by the teacher; class "8 Б" with a third
  learner, taught by the teacher's colleague;
- school B: class "7 А" with its learner, taught by its teacher.
"""
import base64
import datetime as dt
import io
import types
import zipfile

from trytond.pool import Pool

# a minimal well-formed PDF
PDF = (b'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n'
    b'2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n'
    b'%%EOF\n')
PNG = base64.b64decode(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChw'
    'GA60e6kgAAAABJRU5ErkJggg==')
# a Windows program renamed as a PDF
EXE = b'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00' * 8


def docx():
    "Return the bytes of a minimal DOCX package"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        archive.writestr('[Content_Types].xml', '<Types/>')
        archive.writestr('word/document.xml', '<document/>')
    return buffer.getvalue()


def school_year_dates(today=None):
    """A year around today that is not a standard Kazakh school year, so
    that its four quarters follow each other without holidays"""
    today = today or dt.date.today()
    start = today - dt.timedelta(days=40)
    if start.month == 9:
        start -= dt.timedelta(days=30)
    return start, start + dt.timedelta(days=330)


def build_teaching(schools, today=None):
    """Create the learning data of schools (build_two_schools()) and return
    it as a namespace; run as the administrator"""
    pool = Pool()
    Party = pool.get('party.party')
    Year = pool.get('edu.academic.year')
    Subject = pool.get('edu.subject')
    Class = pool.get('edu.class')
    Enrolment = pool.get('edu.class.enrolment')
    Lesson = pool.get('edu.lesson')
    User = pool.get('res.user')

    today = today or dt.date.today()
    ns = types.SimpleNamespace(today=today)
    start, end = school_year_dates(today)
    years = Year.create([{
                'company': c, 'name': f'{start.year}-{end.year}',
                'start_date': start, 'end_date': end,
                'period_kind': 'quarter'}
            for c in (schools.school_a, schools.school_b)])
    Year.create_periods(years)
    ns.year_a, ns.year_b = [y.id for y in years]
    ns.period_a = years[0].periods[0].id
    for period in years[0].periods:
        if period.start_date <= today <= period.end_date:
            ns.period_a = period.id
    maths, = Subject.create([{
                'name': "Математика", 'code': 'T-MATH',
                'area': 'mathematics'}])
    ns.subject = maths.id

    third = schools.person(Party(schools.school_a), "Әбенов", "Нұрсұлтан",
        dt.date(2012, 3, 4), 'male', is_learner=True)
    ns.third_learner = third.id
    ns.third_user = User.create([{
                'login': 'a.learner3', 'name': third.name,
                'person': third.id,
                'companies': [('add', [schools.school_a])],
                'company': schools.school_a,
                'roles': [('create', [{'role': pool.get(
                                    'ir.model.data').get_id(
                                    'edu_base', 'role_learner')}])],
                }])[0].id

    class_a, class_a2, class_b = Class.create([{
                'company': schools.school_a, 'year': ns.year_a,
                'name': "7 А", 'grade': 7, 'letter': "А", 'language': 'kk',
                'homeroom_teacher': schools.persons['tutor'],
                }, {
                'company': schools.school_a, 'year': ns.year_a,
                'name': "8 Б", 'grade': 8, 'letter': "Б", 'language': 'ru',
                }, {
                'company': schools.school_b, 'year': ns.year_b,
                'name': "7 А", 'grade': 7, 'letter': "А", 'language': 'kk',
                }])
    ns.class_a, ns.class_a2, ns.class_b = class_a.id, class_a2.id, class_b.id
    Enrolment.create([
            {'class_': class_a.id, 'learner': schools.persons['learner'],
                'start_date': start},
            {'class_': class_a.id,
                'learner': schools.persons['other_learner'],
                'start_date': start},
            {'class_': class_a2.id, 'learner': third.id,
                'start_date': start},
            {'class_': class_b.id, 'learner': schools.persons_b['learner'],
                'start_date': start},
            ])
    colleague = schools.sample_a['party']
    lesson_a, lesson_a2, lesson_b = Lesson.create([{
                'company': schools.school_a, 'date': today,
                'class_': class_a.id, 'subject': maths.id,
                'teacher': schools.persons['teacher'],
                'topic': "Бөлшектер",
                }, {
                'company': schools.school_a, 'date': today,
                'class_': class_a2.id, 'subject': maths.id,
                'teacher': colleague, 'topic': "Теңдеулер",
                }, {
                'company': schools.school_b, 'date': today,
                'class_': class_b.id, 'subject': maths.id,
                'teacher': schools.persons_b['teacher'],
                'topic': "Бөлшектер",
                }])
    ns.lesson_a, ns.lesson_a2, ns.lesson_b = (
        lesson_a.id, lesson_a2.id, lesson_b.id)
    return ns


def build_homework(schools, ns):
    """Add a plan, homework and submissions to build_teaching()'s data;
    run as the administrator"""
    pool = Pool()
    Plan = pool.get('edu.lesson.plan')
    Homework = pool.get('edu.homework')
    Submission = pool.get('edu.homework.submission')
    due = ns.today + dt.timedelta(days=2)
    plan_a, plan_b = Plan.create([{
                'company': schools.school_a,
                'teacher': schools.persons['teacher'],
                'subject': ns.subject, 'grade': 7, 'title': "Бөлшектер",
                'objectives': "7.1.1.1 жай бөлшектерді салыстыру",
                'materials': [('create', [{
                                'name': "Оқулық", 'kind': 'link',
                                'url': 'https://okulyk.kz/7/math'}])],
                }, {
                'company': schools.school_b,
                'teacher': schools.persons_b['teacher'],
                'subject': ns.subject, 'grade': 7, 'title': "Бөлшектер B",
                'shared': True,
                }])
    ns.plan_a, ns.plan_b = plan_a.id, plan_b.id
    ns.material_a = plan_a.materials[0].id
    homework_a, homework_a2, homework_b = Homework.create([{
                'lesson': ns.lesson_a, 'description': "№ 12, 14 есептер",
                'due_date': due,
                'materials': [('create', [{
                                'name': "Тапсырма", 'kind': 'text',
                                'text': "12, 14"}])],
                }, {
                'lesson': ns.lesson_a2, 'description': "№ 3 теңдеу",
                'due_date': due,
                }, {
                'lesson': ns.lesson_b, 'description': "№ 5",
                'due_date': due,
                }])
    ns.homework_a, ns.homework_a2, ns.homework_b = (
        homework_a.id, homework_a2.id, homework_b.id)
    ns.homework_material_a = homework_a.materials[0].id
    own, other, third, school_b = Submission.create([{
                'homework': homework_a.id,
                'learner': schools.persons['learner'],
                'text': "12) 3/4; 14) 5/6",
                }, {
                'homework': homework_a.id,
                'learner': schools.persons['other_learner'],
                'text': "12) 1/2",
                }, {
                'homework': homework_a2.id, 'learner': ns.third_learner,
                'text': "x = 3",
                }, {
                'homework': homework_b.id,
                'learner': schools.persons_b['learner'],
                'text': "5",
                }])
    ns.submission_a, ns.submission_other, ns.submission_a2 = (
        own.id, other.id, third.id)
    ns.submission_b = school_b.id
    return ns
