# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo of the portal (R27.12): nothing to create — the portal shows the
data of the other modules' demo parts to the demo users themselves.

``load(summary)`` runs as user 0 after the other parts and returns where
the portal is and what the three demo portal users find there: the
teacher (``teacher``) the lessons of the day, the learner (``learner``) the
class, the parent (``parent``) the children — all with the demo password,
since learners and parents log in with their ``res.user`` accounts.
"""
import datetime as dt
import os

URL = os.environ.get('BILIM_URL', 'http://localhost:8000')
LOGINS = ('teacher', 'learner', 'parent')


def load(summary):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool()
    try:
        pool.get('edu.portal.api')
    except KeyError:
        return {'skipped': 'edu_portal is not activated'}
    User = pool.get('res.user')
    Rule = pool.get('ir.rule')
    database = Transaction().database.name
    figures = {
        'portal_url': f'{URL}/{database}/portal/',
        'api': f'{URL}/{database}/portal/api/v1/openapi.json',
        'logins': ', '.join(LOGINS),
        'password': (summary or {}).get('password'),
        }
    users = {u.login: u for u in User.search([('login', 'in', LOGINS)])}
    today = dt.date.today()
    teacher = users.get('teacher')
    if teacher and teacher.person:
        try:
            Lesson = pool.get('edu.lesson')
        except KeyError:
            Lesson = None
        if Lesson:
            figures['teacher_lessons_today'] = Lesson.search([
                    ('teacher', '=', teacher.person.id),
                    ('date', '=', today),
                    ], count=True)
            figures['teacher_lessons'] = Lesson.search([
                    ('teacher', '=', teacher.person.id),
                    ], count=True)
    learner = users.get('learner')
    if learner and learner.person:
        try:
            Enrolment = pool.get('edu.class.enrolment')
        except KeyError:
            Enrolment = None
        if Enrolment:
            enrolments = Enrolment.search([
                    ('learner', '=', learner.person.id),
                    ('start_date', '<=', today),
                    ['OR', ('end_date', '=', None),
                        ('end_date', '>=', today)],
                    ], limit=1)
            figures['learner_class'] = (
                enrolments[0].class_.rec_name if enrolments else None)
    parent = users.get('parent')
    if parent:
        with Transaction().set_user(parent.id):
            Rule.clear_edu_values()
            _, learners, _, _ = Rule._edu_values()
        figures['parent_children'] = len(learners)
    return figures
