# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Analytics of progress and attendance (R27.5, R27.15).

Three read-only reports, each computed by one SQL query (``table_query``)
over edu_school's journal (``edu.lesson``, ``edu.journal.entry``) and
quarter marks (``edu.period.mark``):

``edu.analytics.progress``
    per class, subject and academic period: the learners assessed, the
    formative marks given and their average (10-point scale), the quarter
    marks, the quality (share of quarter marks 4 and 5) and the success
    (share of quarter marks 3 to 5), in percent;
``edu.analytics.attendance``
    per class and period: the lessons held, the journal entries and how
    many were present, late, absent with and without an excuse, sick, and
    the attendance (present or late, in percent of the entries);
``edu.analytics.teacher``
    per teacher, subject and period: the lessons held, the learners, the
    formative marks and their average, the quarter marks, quality and
    success.

Cancelled lessons do not count; the attendance counts held lessons only.
A percentage is empty when there is nothing to divide by.  The filters of
the context model ``edu.analytics.context`` (period, class, teacher) are
applied inside the queries; the lists can also be searched.

Who reads: the management and the methodists of the organisation; a
teacher the classes they are the homeroom teacher of or teach (lessons of
the journal or of the weekly timetable) and, for the teacher report, their
own lines; nobody else.
"""
import io

import xlsxwriter
from sql import Cast, Literal, Null, Union
from sql.aggregate import Avg, Count, Min, Sum
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard


def _int(value=None):
    "Return an SQL integer (a typed NULL by default) for the unions"
    return Cast(Literal(value) if value is not None else Null, 'INTEGER')


def _percent(part, whole):
    "Return part in percent of whole, NULL when whole is 0"
    return Case((whole == 0, Null),
        else_=Cast(part, 'FLOAT') * 100.0 / Cast(whole, 'FLOAT'))


def _count_if(condition):
    return Sum(Case((condition, 1), else_=0))


def taught(person_id):
    """Return (classes, pairs) the person teaches: the classes of which
    they are the homeroom teacher or give a lesson, and the (class,
    subject) pairs of their lessons (journal and weekly timetable)"""
    pool = Pool()
    Class = pool.get('edu.class')
    Lesson = pool.get('edu.lesson')
    cursor = Transaction().connection.cursor()
    classes, pairs = set(), set()
    if person_id is None or person_id < 0:
        return classes, pairs
    class_ = Class.__table__()
    cursor.execute(*class_.select(class_.id,
            where=class_.homeroom_teacher == person_id))
    classes.update(c for c, in cursor)
    tables = [Lesson.__table__()]
    try:
        tables.append(pool.get('edu.timetable.slot').__table__())
    except KeyError:
        pass
    for table in tables:
        cursor.execute(*table.select(table.class_, table.subject,
                where=table.teacher == person_id,
                group_by=[table.class_, table.subject]))
        for class_id, subject_id in cursor:
            classes.add(class_id)
            pairs.add((class_id, subject_id))
    return classes, pairs


class _ReportMixin:
    __slots__ = ()
    company = fields.Many2One('company.company', "Organisation",
        readonly=True)
    period = fields.Many2One('edu.academic.period', "Period", readonly=True)

    @classmethod
    def _filters(cls, period, class_=None, teacher=None):
        "Return the SQL condition of the context's filters"
        context = Transaction().context
        condition = Literal(True)
        if context.get('period'):
            condition &= period == context['period']
        if class_ is not None and context.get('class_'):
            condition &= class_ == context['class_']
        if teacher is not None and context.get('teacher'):
            condition &= teacher == context['teacher']
        return condition

    @classmethod
    def search_scope(cls, name, clause):
        """The lines of the classes the person of clause is the homeroom
        teacher of or teaches"""
        _, operator, value = clause[:3]
        if operator != '=':
            raise NotImplementedError(operator)
        with without_check_access():
            classes, _ = taught(value)
        return [('class_', 'in', sorted(classes))]

    @classmethod
    def get_scope(cls, records, name):
        return {r.id: [] for r in records}


class Progress(_ReportMixin, ModelSQL, ModelView):
    "Progress"
    __name__ = 'edu.analytics.progress'
    __string__ = "Progress"
    class_ = fields.Many2One('edu.class', "Class", readonly=True)
    subject = fields.Many2One('edu.subject', "Subject", readonly=True)
    learners = fields.Integer("Learners", readonly=True,
        help="The learners with a journal entry or a quarter mark.")
    marks = fields.Integer("Formative Marks", readonly=True)
    average = fields.Float("Average Mark", digits=(4, 2), readonly=True,
        help="The average of the formative marks (10-point scale).")
    period_marks = fields.Integer("Quarter Marks", readonly=True)
    quality = fields.Float("Quality (%)", digits=(5, 1), readonly=True,
        help="The share of the quarter marks 4 and 5.")
    success = fields.Float("Success (%)", digits=(5, 1), readonly=True,
        help="The share of the quarter marks 3, 4 and 5.")
    scope = fields.Function(fields.Many2Many('party.party', None, None,
            "Teachers"), 'get_scope', searcher='search_scope')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('period', 'DESC'), ('class_', 'ASC'),
            ('subject', 'ASC'), ('id', 'ASC')]

    @classmethod
    def search_scope(cls, name, clause):
        pool = Pool()
        Class = pool.get('edu.class')
        _, operator, value = clause[:3]
        if operator != '=':
            raise NotImplementedError(operator)
        with without_check_access():
            classes, pairs = taught(value)
            homeroom = {c.id for c in Class.search([
                        ('homeroom_teacher', '=', value)])}
        domain = ['OR', ('class_', 'in', sorted(homeroom))]
        for class_id, subject_id in sorted(pairs):
            domain.append([('class_', '=', class_id),
                    ('subject', '=', subject_id)])
        return domain

    @classmethod
    def table_query(cls):
        pool = Pool()
        Lesson = pool.get('edu.lesson')
        Entry = pool.get('edu.journal.entry')
        PeriodMark = pool.get('edu.period.mark')
        lesson = Lesson.__table__()
        entry = Entry.__table__()
        mark = PeriodMark.__table__()

        entries = entry.join(lesson, condition=entry.lesson == lesson.id
            ).select(
            (entry.id * 2).as_('key'),
            lesson.company.as_('company'),
            lesson.period.as_('period'),
            lesson.class_.as_('class_'),
            lesson.subject.as_('subject'),
            entry.learner.as_('learner'),
            entry.mark.as_('formative'),
            _int().as_('final'),
            where=(lesson.state != 'cancelled') & (lesson.period != Null)
            & cls._filters(lesson.period, lesson.class_, lesson.teacher))
        marks = mark.select(
            (mark.id * 2 + 1).as_('key'),
            mark.company.as_('company'),
            mark.period.as_('period'),
            mark.class_.as_('class_'),
            mark.subject.as_('subject'),
            mark.learner.as_('learner'),
            _int().as_('formative'),
            mark.mark.as_('final'),
            where=cls._filters(mark.period, mark.class_, mark.teacher))
        rows = Union(entries, marks, all_=True)
        final = Count(rows.final)
        return rows.select(
            Min(rows.key).as_('id'),
            rows.company, rows.period, rows.class_, rows.subject,
            Count(rows.learner, distinct=True).as_('learners'),
            Count(rows.formative).as_('marks'),
            cls.average.sql_cast(Avg(rows.formative)).as_('average'),
            final.as_('period_marks'),
            _percent(_count_if(rows.final >= 4), final).as_('quality'),
            _percent(_count_if(rows.final >= 3), final).as_('success'),
            group_by=[rows.company, rows.period, rows.class_,
                rows.subject])


class Attendance(_ReportMixin, ModelSQL, ModelView):
    "Attendance"
    __name__ = 'edu.analytics.attendance'
    __string__ = "Attendance"
    class_ = fields.Many2One('edu.class', "Class", readonly=True)
    lessons = fields.Integer("Lessons Held", readonly=True)
    entries = fields.Integer("Entries", readonly=True,
        help="The journal entries of the lessons held.")
    present = fields.Integer("Present", readonly=True)
    late = fields.Integer("Late", readonly=True)
    absent_excused = fields.Integer("Absent (Excused)", readonly=True)
    absent = fields.Integer("Absent (Unexcused)", readonly=True)
    sick = fields.Integer("Sick", readonly=True)
    rate = fields.Float("Attendance (%)", digits=(5, 1), readonly=True,
        help="Present or late, in percent of the entries.")
    scope = fields.Function(fields.Many2Many('party.party', None, None,
            "Teachers"), 'get_scope', searcher='search_scope')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('period', 'DESC'), ('class_', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Lesson = pool.get('edu.lesson')
        Entry = pool.get('edu.journal.entry')
        lesson = Lesson.__table__()
        entry = Entry.__table__()
        present = _count_if(entry.attendance == 'present')
        late = _count_if(entry.attendance == 'late')
        entries = Count(entry.id)
        return lesson.join(entry, 'LEFT',
            condition=entry.lesson == lesson.id
            ).select(
            Min(lesson.id).as_('id'),
            lesson.company.as_('company'),
            lesson.period.as_('period'),
            lesson.class_.as_('class_'),
            Count(lesson.id, distinct=True).as_('lessons'),
            entries.as_('entries'),
            present.as_('present'),
            late.as_('late'),
            _count_if(entry.attendance == 'absent_excused').as_(
                'absent_excused'),
            _count_if(entry.attendance == 'absent').as_('absent'),
            _count_if(entry.attendance == 'sick').as_('sick'),
            _percent(present + late, entries).as_('rate'),
            where=(lesson.state == 'held') & (lesson.period != Null)
            & cls._filters(lesson.period, lesson.class_, lesson.teacher),
            group_by=[lesson.company, lesson.period, lesson.class_])


class TeacherResult(_ReportMixin, ModelSQL, ModelView):
    "Teacher Results"
    __name__ = 'edu.analytics.teacher'
    __string__ = "Teacher Results"
    teacher = fields.Many2One('party.party', "Teacher", readonly=True)
    subject = fields.Many2One('edu.subject', "Subject", readonly=True)
    lessons = fields.Integer("Lessons Held", readonly=True)
    learners = fields.Integer("Learners", readonly=True)
    marks = fields.Integer("Formative Marks", readonly=True)
    average = fields.Float("Average Mark", digits=(4, 2), readonly=True)
    period_marks = fields.Integer("Quarter Marks", readonly=True)
    quality = fields.Float("Quality (%)", digits=(5, 1), readonly=True)
    success = fields.Float("Success (%)", digits=(5, 1), readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('period', 'DESC'), ('teacher', 'ASC'),
            ('subject', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Lesson = pool.get('edu.lesson')
        Entry = pool.get('edu.journal.entry')
        PeriodMark = pool.get('edu.period.mark')
        lesson = Lesson.__table__()
        lesson2 = Lesson.__table__()
        entry = Entry.__table__()
        mark = PeriodMark.__table__()
        filters = cls._filters
        lessons = lesson.select(
            (lesson.id * 3).as_('key'),
            lesson.company.as_('company'),
            lesson.period.as_('period'),
            lesson.teacher.as_('teacher'),
            lesson.subject.as_('subject'),
            lesson.id.as_('lesson'),
            _int().as_('learner'),
            _int().as_('formative'),
            _int().as_('final'),
            where=(lesson.state == 'held') & (lesson.period != Null)
            & (lesson.teacher != Null)
            & filters(lesson.period, lesson.class_, lesson.teacher))
        entries = entry.join(lesson2, condition=entry.lesson == lesson2.id
            ).select(
            (entry.id * 3 + 1).as_('key'),
            lesson2.company.as_('company'),
            lesson2.period.as_('period'),
            lesson2.teacher.as_('teacher'),
            lesson2.subject.as_('subject'),
            _int().as_('lesson'),
            entry.learner.as_('learner'),
            entry.mark.as_('formative'),
            _int().as_('final'),
            where=(lesson2.state != 'cancelled') & (lesson2.period != Null)
            & (lesson2.teacher != Null)
            & filters(lesson2.period, lesson2.class_, lesson2.teacher))
        marks = mark.select(
            (mark.id * 3 + 2).as_('key'),
            mark.company.as_('company'),
            mark.period.as_('period'),
            mark.teacher.as_('teacher'),
            mark.subject.as_('subject'),
            _int().as_('lesson'),
            mark.learner.as_('learner'),
            _int().as_('formative'),
            mark.mark.as_('final'),
            where=(mark.teacher != Null)
            & filters(mark.period, mark.class_, mark.teacher))
        rows = Union(lessons, entries, marks, all_=True)
        final = Count(rows.final)
        return rows.select(
            Min(rows.key).as_('id'),
            rows.company, rows.period, rows.teacher, rows.subject,
            Count(rows.lesson, distinct=True).as_('lessons'),
            Count(rows.learner, distinct=True).as_('learners'),
            Count(rows.formative).as_('marks'),
            cls.average.sql_cast(Avg(rows.formative)).as_('average'),
            final.as_('period_marks'),
            _percent(_count_if(rows.final >= 4), final).as_('quality'),
            _percent(_count_if(rows.final >= 3), final).as_('success'),
            group_by=[rows.company, rows.period, rows.teacher,
                rows.subject])


class Context(ModelView):
    "Analytics Context"
    __name__ = 'edu.analytics.context'
    __string__ = "Analytics Context"
    company = fields.Many2One('company.company', "Organisation")
    period = fields.Many2One('edu.academic.period', "Period",
        domain=[('company', '=', Eval('company', -1))])
    class_ = fields.Many2One('edu.class', "Class",
        domain=[('company', '=', Eval('company', -1))])
    teacher = fields.Many2One('party.party', "Teacher",
        domain=[('is_staff', '=', True)])

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_period(cls):
        Period = Pool().get('edu.academic.period')
        company = Transaction().context.get('company')
        if company:
            period = Period.find(company)
            return period.id if period else None


REPORTS = [
    ('edu.analytics.progress', ['period', 'class_', 'subject', 'learners',
            'marks', 'average', 'period_marks', 'quality', 'success']),
    ('edu.analytics.attendance', ['period', 'class_', 'lessons', 'entries',
            'present', 'late', 'absent_excused', 'absent', 'sick', 'rate']),
    ('edu.analytics.teacher', ['period', 'teacher', 'subject', 'lessons',
            'learners', 'marks', 'average', 'period_marks', 'quality',
            'success']),
    ]


class ExportStart(ModelView):
    "Export Analytics"
    __name__ = 'edu.analytics.export.start'
    __string__ = "Export Analytics"
    company = fields.Many2One('company.company', "Organisation",
        required=True)
    period = fields.Many2One('edu.academic.period', "Period",
        domain=[('company', '=', Eval('company', -1))],
        help="Leave empty for every period.")
    class_ = fields.Many2One('edu.class', "Class",
        domain=[('company', '=', Eval('company', -1))],
        help="Leave empty for every class.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')


class ExportResult(ModelView):
    "Export Analytics"
    __name__ = 'edu.analytics.export.result'
    __string__ = "Export Analytics"
    file = fields.Binary("File", filename='file_name', readonly=True)
    file_name = fields.Char("File Name", readonly=True)


class Export(Wizard):
    "Export Analytics"
    __name__ = 'edu.analytics.export'
    start = StateView('edu.analytics.export.start',
        'edu_analytics.export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView('edu.analytics.export.result',
        'edu_analytics.export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_export(self):
        context = {'period': self.start.period.id if self.start.period
            else None,
            'class_': self.start.class_.id if self.start.class_ else None}
        with Transaction().set_context(**context):
            self._file = workbook(self.start.company.id)
        return 'result'

    def default_result(self, fields):
        return {
            'file': getattr(self, '_file', None),
            'file_name': 'analytics.xlsx',
            }


def workbook(company_id):
    """Return the XLSX bytes of the three reports of the organisation, one
    sheet each, headed in the current language; rows read with the user's
    rights and the context's filters"""
    pool = Pool()
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {'in_memory': True})
    bold = book.add_format({'bold': True, 'text_wrap': True})
    decimal = book.add_format({'num_format': '0.0'})
    for model, columns in REPORTS:
        Model = pool.get(model)
        definitions = Model.fields_get(columns)
        sheet = book.add_worksheet(Model.__names__()['model'][:31])
        for col, name in enumerate(columns):
            sheet.write_string(0, col, definitions[name]['string'], bold)
        rows = Model.search([('company', '=', company_id)])
        for row, record in enumerate(rows, 1):
            for col, name in enumerate(columns):
                value = getattr(record, name)
                if isinstance(value, ModelSQL):
                    sheet.write_string(row, col, value.rec_name)
                elif isinstance(value, float):
                    sheet.write_number(row, col, round(value, 2), decimal)
                elif isinstance(value, int):
                    sheet.write_number(row, col, value)
                else:
                    sheet.write_string(row, col, '' if value is None
                        else str(value))
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, len(columns) - 1, 16)
    book.close()
    return output.getvalue()
