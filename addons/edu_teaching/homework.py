# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Homework set per lesson and the learners' submissions (R27.11).

The teacher of a lesson sets its homework (description, due date, files);
each learner enrolled in the class submits a text and/or a file once, the
teacher returns it for rework or grades it (mark 1..10 and a comment).  A
returned submission is submitted again by changing its text or file.  A
submission after the due date is flagged late.  Files are checked by type
and size (``files.py``).  A graded mark may be written in the journal of
the lesson (``edu.journal.entry``)."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from . import files
from .exceptions import (
    HomeworkValidationError, SubmissionStateError, SubmissionValidationError,
    TeacherAccessError)
from .plan import user_person

STATES = [
    ('submitted', "Submitted"),
    ('returned', "Returned"),
    ('graded', "Graded"),
    ]

# the attendances of the journal that take no mark
ABSENT = {'absent_excused', 'absent', 'sick'}
# the fields of a submission only the server writes
SERVER_FIELDS = {'state', 'submitted_at', 'attempt', 'late', 'graded_by',
    'graded_at', 'company', 'size', 'file_id'}


class Homework(ModelSQL, ModelView):
    "Homework"
    __name__ = 'edu.homework'
    __string__ = "Homework"

    lesson = fields.Many2One('edu.lesson', "Lesson", required=True,
        ondelete='CASCADE',
        states={'readonly': Eval('id', -1) >= 0})
    company = fields.Many2One(
        'company.company', "Organisation", readonly=True, ondelete='CASCADE')
    class_ = fields.Many2One('edu.class', "Class", readonly=True,
        ondelete='CASCADE')
    subject = fields.Many2One('edu.subject', "Subject", readonly=True,
        ondelete='RESTRICT')
    teacher = fields.Many2One('party.party', "Teacher", readonly=True,
        ondelete='RESTRICT')
    lesson_date = fields.Function(
        fields.Date("Lesson Date"), 'on_change_with_lesson_date')
    description = fields.Text("Description", required=True)
    due_date = fields.Date("Due Date", required=True,
        domain=[If(Eval('lesson_date', None) == None,  # noqa: E711
                [], [('due_date', '>=', Eval('lesson_date', None))])])
    materials = fields.One2Many(
        'edu.lesson.material', 'homework', "Files and Links")
    submissions = fields.One2Many(
        'edu.homework.submission', 'homework', "Submissions")
    submission_count = fields.Function(
        fields.Integer("Submitted"), 'get_counts')
    graded_count = fields.Function(fields.Integer("Graded"), 'get_counts')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('due_date', 'DESC'), ('id', 'DESC')]

    @fields.depends('lesson', '_parent_lesson.date')
    def on_change_with_lesson_date(self, name=None):
        return self.lesson.date if self.lesson else None

    @fields.depends('lesson', 'due_date', '_parent_lesson.date')
    def on_change_lesson(self):
        if self.lesson and self.lesson.date and not self.due_date:
            self.due_date = self.lesson.date + dt.timedelta(days=1)

    def get_rec_name(self, name):
        parts = []
        if self.subject:
            parts.append(self.subject.rec_name)
        if self.class_:
            parts.append(self.class_.rec_name)
        if self.lesson and self.lesson.date:
            parts.append(self.lesson.date.isoformat())
        return ' — '.join(parts) or str(self.id)

    @classmethod
    def get_counts(cls, homeworks, names):
        result = {n: {h.id: 0 for h in homeworks} for n in names}
        with without_check_access():
            for homework in cls.browse(homeworks):
                for submission in homework.submissions:
                    if 'submission_count' in result:
                        result['submission_count'][homework.id] += 1
                    if (submission.state == 'graded'
                            and 'graded_count' in result):
                        result['graded_count'][homework.id] += 1
        return result

    @classmethod
    def preprocess_values(cls, mode, values):
        Lesson = Pool().get('edu.lesson')
        values = super().preprocess_values(mode, values)
        if values.get('lesson'):
            lesson = Lesson(values['lesson'])
            values['company'] = lesson.company.id
            values['class_'] = lesson.class_.id
            values['subject'] = lesson.subject.id
            values['teacher'] = (
                lesson.teacher.id if lesson.teacher else None)
        return values

    @classmethod
    def validate_fields(cls, homeworks, field_names):
        super().validate_fields(homeworks, field_names)
        if field_names & {'lesson', 'due_date'}:
            for homework in homeworks:
                date = homework.lesson.date
                if date and homework.due_date < date:
                    raise HomeworkValidationError(gettext(
                            'edu_teaching.msg_homework_due_date',
                            homework=homework.rec_name,
                            due_date=homework.due_date, date=date))

    @classmethod
    def copy(cls, homeworks, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('submissions', None)
        return super().copy(homeworks, default=default)

    def diary_dict(self, submission=None):
        "Return the homework and the learner's submission for the diary"
        return {
            'id': self.id,
            'description': self.description,
            'due_date': self.due_date,
            'materials': [{
                    'name': m.name, 'kind': m.kind, 'url': m.url,
                    'filename': m.filename}
                for m in self.materials],
            'submission': {
                'id': submission.id,
                'state': submission.state,
                'submitted_at': submission.submitted_at,
                'late': submission.late,
                'mark': submission.mark,
                'comment': submission.comment,
                'filename': submission.filename,
                } if submission else None,
            }


class Submission(ModelSQL, ModelView):
    "Homework Submission"
    __name__ = 'edu.homework.submission'
    __string__ = "Homework Submission"

    homework = fields.Many2One('edu.homework', "Homework", required=True,
        ondelete='CASCADE',
        states={'readonly': Eval('id', -1) >= 0})
    company = fields.Many2One(
        'company.company', "Organisation", readonly=True, ondelete='CASCADE')
    learner = fields.Many2One('party.party', "Learner", required=True,
        ondelete='RESTRICT',
        domain=[('is_learner', '=', True)],
        states={'readonly': Eval('id', -1) >= 0})
    text = fields.Text("Answer",
        states={'readonly': Eval('state') == 'graded'})
    file = fields.Binary("File", filename='filename', file_id='file_id',
        store_prefix='edu_teaching',
        states={'readonly': Eval('state') == 'graded'})
    file_id = fields.Char("File ID", readonly=True)
    filename = fields.Char("File Name",
        states={'readonly': Eval('state') == 'graded'})
    size = fields.Integer("Size", readonly=True, help="In bytes.")
    submitted_at = fields.Timestamp("Submitted At", readonly=True)
    attempt = fields.Integer("Attempt", readonly=True,
        help="1 for the first submission, one more at each resubmission.")
    late = fields.Boolean("Late", readonly=True,
        help="Submitted after the due date.")
    state = fields.Selection(STATES, "State", readonly=True, required=True)
    mark = fields.Integer("Mark",
        domain=[If(Eval('mark', None) == None,  # noqa: E711
                [], [('mark', '>=', 1), ('mark', '<=', 10)])],
        states={'readonly': Eval('state') == 'graded'},
        help="From 1 to 10.")
    comment = fields.Text("Teacher's Comment",
        states={'readonly': Eval('state') == 'graded'})
    graded_by = fields.Many2One('res.user', "Graded By", readonly=True,
        ondelete='RESTRICT')
    graded_at = fields.Timestamp("Graded At", readonly=True)
    due_date = fields.Function(fields.Date("Due Date"), 'get_homework_field')
    class_ = fields.Function(
        fields.Many2One('edu.class', "Class"), 'get_homework_field')
    subject = fields.Function(
        fields.Many2One('edu.subject', "Subject"), 'get_homework_field')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('homework_learner_unique', Unique(t, t.homework, t.learner),
                'edu_teaching.msg_submission_unique'),
            ]
        cls._order = [('submitted_at', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'return_': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'grade': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_learner(cls):
        return user_person()

    @classmethod
    def default_state(cls):
        return 'submitted'

    def get_homework_field(self, name):
        value = getattr(self.homework, name)
        if isinstance(value, ModelSQL):
            return value.id
        return value

    def get_rec_name(self, name):
        return f'{self.learner.rec_name} — {self.homework.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('learner.rec_name', *clause[1:])]

    @staticmethod
    def _now():
        return dt.datetime.now()

    @classmethod
    def preprocess_values(cls, mode, values):
        Homework = Pool().get('edu.homework')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            now = cls._now()
            values['state'] = 'submitted'
            values['submitted_at'] = now
            values['attempt'] = 1
            values.pop('mark', None)
            values.pop('graded_by', None)
            values.pop('graded_at', None)
            if values.get('homework'):
                homework = Homework(values['homework'])
                values['company'] = homework.company.id
                values['late'] = now.date() > homework.due_date
        if 'file' in values:
            data = values['file']
            values['size'] = len(data) if data is not None else None
        return values

    @classmethod
    def check_modification(cls, mode, submissions, values=None,
            external=False):
        "The state, dates and grading are the server's"
        super().check_modification(
            mode, submissions, values=values, external=external)
        if (mode == 'write' and external and values
                and values.keys() & SERVER_FIELDS):
            raise SubmissionStateError(gettext(
                    'edu_teaching.msg_submission_readonly_field'))

    @classmethod
    def write(cls, *args):
        # changing the answer of a returned submission submits it again
        resubmitted = []
        actions = iter(args)
        for records, values in zip(actions, actions):
            if values.keys() & {'text', 'file', 'filename'}:
                resubmitted.extend(r for r in records if r.state == 'returned')
        super().write(*args)
        if resubmitted:
            now = cls._now()
            with without_check_access():
                for submission in cls.browse(resubmitted):
                    cls.write([submission], {
                            'state': 'submitted',
                            'submitted_at': now,
                            'late': now.date() > submission.homework.due_date,
                            'attempt': (submission.attempt or 1) + 1,
                            })

    @classmethod
    def validate_fields(cls, submissions, field_names):
        super().validate_fields(submissions, field_names)
        if field_names & {'homework', 'learner'}:
            cls.check_enrolled(submissions)
        if field_names & {'text', 'file', 'filename'}:
            cls.check_content(submissions)

    @classmethod
    def check_enrolled(cls, submissions):
        "The learner must be enrolled in the class of the homework"
        Enrolment = Pool().get('edu.class.enrolment')
        with without_check_access():
            for submission in submissions:
                homework = submission.homework
                date = homework.lesson.date
                found = Enrolment.search([
                        ('class_', '=', homework.class_.id),
                        ('learner', '=', submission.learner.id),
                        ('start_date', '<=', homework.due_date),
                        ['OR',
                            ('end_date', '=', None),
                            ('end_date', '>=', date),
                            ],
                        ], limit=1)
                if not found:
                    raise SubmissionValidationError(gettext(
                            'edu_teaching.msg_submission_not_enrolled',
                            learner=submission.learner.rec_name,
                            class_=homework.class_.rec_name))

    @classmethod
    def check_content(cls, submissions):
        Configuration = Pool().get('edu.teaching.configuration')
        for submission in submissions:
            data = submission.file
            if not (submission.text or '').strip() and data is None:
                raise SubmissionValidationError(gettext(
                        'edu_teaching.msg_submission_empty',
                        submission=submission.rec_name))
            if data is not None:
                configuration = Configuration.get_for(
                    submission.company.id)
                files.check_file(data, submission.filename,
                    configuration.max_size, submission.rec_name)

    @classmethod
    def check_teacher(cls, submissions):
        """Only the teacher of the lesson returns and grades its homework
        (the server itself, user 0, may too)"""
        if not Transaction().user:
            return
        person = user_person()
        for submission in submissions:
            teacher = submission.homework.teacher
            if not person or not teacher or teacher.id != person:
                raise TeacherAccessError(gettext(
                        'edu_teaching.msg_submission_not_teacher',
                        submission=submission.rec_name))

    @classmethod
    @ModelView.button
    def return_(cls, submissions):
        "Return the submissions to the learners for rework"
        cls.check_teacher(submissions)
        for submission in submissions:
            if submission.state != 'submitted':
                raise SubmissionStateError(gettext(
                        'edu_teaching.msg_submission_state',
                        submission=submission.rec_name))
        cls.write(submissions, {'state': 'returned', 'mark': None})

    @classmethod
    @ModelView.button
    def grade(cls, submissions):
        "Grade the submissions with their mark (R27.11)"
        pool = Pool()
        Configuration = pool.get('edu.teaching.configuration')
        cls.check_teacher(submissions)
        for submission in submissions:
            if submission.state != 'submitted':
                raise SubmissionStateError(gettext(
                        'edu_teaching.msg_submission_state',
                        submission=submission.rec_name))
            if not submission.mark:
                raise SubmissionValidationError(gettext(
                        'edu_teaching.msg_submission_no_mark',
                        submission=submission.rec_name))
        cls.write(submissions, {
                'state': 'graded',
                'graded_by': Transaction().user or None,
                'graded_at': cls._now(),
                })
        to_journal = []
        configurations = {}
        for submission in submissions:
            company = submission.company.id
            if company not in configurations:
                configurations[company] = Configuration.get_for(company)
            if configurations[company].marks_to_journal:
                to_journal.append(submission)
        if to_journal:
            cls.marks_to_journal(to_journal)

    @classmethod
    def marks_to_journal(cls, submissions):
        """Write the marks of the submissions in the journal entries of the
        learners for the lessons (created when missing), unless an entry
        has a mark already; two queries and one create and write whatever
        the number of submissions"""
        pool = Pool()
        try:
            Entry = pool.get('edu.journal.entry')
        except KeyError:
            return
        wanted = {}
        for submission in submissions:
            lesson = submission.homework.lesson
            if lesson.period and lesson.period.state == 'closed':
                continue  # the journal of a closed period is locked
            wanted[lesson.id, submission.learner.id] = submission.mark
        if not wanted:
            return
        with without_check_access():
            entries = {(e.lesson.id, e.learner.id): e for e in Entry.search([
                        ('lesson', 'in', list({k[0] for k in wanted})),
                        ('learner', 'in', list({k[1] for k in wanted})),
                        ])}
            to_create, to_write = [], []
            for (lesson, learner), mark in wanted.items():
                entry = entries.get((lesson, learner))
                if entry is None:
                    to_create.append({'lesson': lesson, 'learner': learner,
                            'attendance': 'present', 'mark': mark})
                elif not entry.mark and entry.attendance not in ABSENT:
                    to_write.extend([[entry], {'mark': mark}])
            if to_create:
                Entry.create(to_create)
            if to_write:
                Entry.write(*to_write)
