# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The dated lesson of edu_school with its plan (R27.9; the field is
``lesson_plan``: ``plan`` is edu_school's button that plans a lesson
again), its homework (R27.11) and, for an online lesson, the link to its
video conference (R27.10); the learner's diary shows the homework and the
submission."""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .plan import user_person


class Lesson(metaclass=PoolMeta):
    __name__ = 'edu.lesson'

    lesson_plan = fields.Many2One('edu.lesson.plan', "Lesson Plan",
        ondelete='SET NULL',
        domain=[
            ('subject', '=', Eval('subject', -1)),
            ('teacher', '=', Eval('teacher', -1)),
            ],
        help="One of the teacher's plans of the subject.")
    plan_objectives = fields.Function(
        fields.Text("Learning Objectives"), 'on_change_with_plan_objectives')
    online = fields.Boolean("Online",
        help="The lesson is held as a video conference.")
    conference_url = fields.Function(
        fields.Char("Conference",
            states={'invisible': ~Eval('online')}),
        'get_conference_url')
    homework = fields.One2Many('edu.homework', 'lesson', "Homework")

    @classmethod
    def default_online(cls):
        return False

    @fields.depends('lesson_plan', '_parent_lesson_plan.objectives')
    def on_change_with_plan_objectives(self, name=None):
        return self.lesson_plan.objectives if self.lesson_plan else None

    @fields.depends('lesson_plan', 'topic', '_parent_lesson_plan.title')
    def on_change_lesson_plan(self):
        if self.lesson_plan and not self.topic:
            self.topic = self.lesson_plan.title

    @classmethod
    def get_conference_url(cls, lessons, name):
        """The address of the conference of each online lesson: the room
        of the lesson at the organisation's service; with BigBlueButton
        the join URL of the user (moderator for the teacher)"""
        pool = Pool()
        Configuration = pool.get('edu.teaching.configuration')
        User = pool.get('res.user')
        result = {}
        person = user_person()
        user_id = Transaction().user
        full_name = User(user_id).name if user_id else 'Bilim'
        configurations = {}
        with without_check_access():
            for lesson in cls.browse(lessons):
                result[lesson.id] = None
                if not lesson.online or not lesson.company:
                    continue
                company = lesson.company.id
                if company not in configurations:
                    configurations[company] = Configuration.get_for(company)
                configuration = configurations[company]
                moderator = bool(person and lesson.teacher
                    and lesson.teacher.id == person)
                result[lesson.id] = configuration.conference_url(
                    lesson.id, full_name=full_name, moderator=moderator)
        return result

    @classmethod
    def copy(cls, lessons, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('homework', None)
        return super().copy(lessons, default=default)

    @classmethod
    def diary(cls, learner_id, start, end):
        """The diary of edu_school with, for each lesson, its homework and
        the learner's submission (R27.11); two more queries whatever the
        number of lessons"""
        pool = Pool()
        Homework = pool.get('edu.homework')
        Submission = pool.get('edu.homework.submission')
        days = super().diary(learner_id, start, end)
        rows = [row for day in days for row in day.get('lessons', [])]
        lesson_ids = [row['id'] for row in rows if row.get('id')]
        by_lesson = {}
        if lesson_ids:
            with without_check_access():
                homeworks = Homework.search([
                        ('lesson', 'in', lesson_ids),
                        ], order=[('id', 'ASC')])
                submissions = {s.homework.id: s for s in Submission.search([
                            ('homework', 'in', [h.id for h in homeworks]),
                            ('learner', '=', learner_id),
                            ])} if homeworks else {}
                for homework in homeworks:
                    by_lesson.setdefault(homework.lesson.id, []).append(
                        homework.diary_dict(submissions.get(homework.id)))
        for row in rows:
            row['homework'] = by_lesson.get(row.get('id'), [])
        return days
