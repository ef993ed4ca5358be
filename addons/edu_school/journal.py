# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The class journal (R27.12): attendance and formative marks.

One entry per lesson and learner: the attendance (present, late, absent
with or without a valid reason, sick) and the formative mark on the
10-point scale of the criteria-based assessment (1..10).  The learner must
be enrolled in the lesson's class (and subgroup) on the lesson's date.  A
teacher writes the entries of the lessons they give (R27.18); nothing is
changed in a closed period.

``JournalEntry.grid`` and ``JournalEntry.record`` serve the portal and the
benchmark with a number of SQL queries that does not depend on the number
of learners and lessons.
"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.rpc import RPC
from trytond.transaction import Transaction

from .exceptions import JournalValidationError

ATTENDANCE = [
    ('present', "Present"),
    ('late', "Late"),
    ('absent_excused', "Absent (Excused)"),
    ('absent', "Absent"),
    ('sick', "Sick"),
    ]
ABSENT = {'absent_excused', 'absent', 'sick'}
MARK_MIN, MARK_MAX = 1, 10


def _date(value):
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def check_enrolled(pairs):
    """Raise unless each (lesson, learner) of pairs is enrolled in the
    lesson's class (and subgroup) on the lesson's date; one search for all
    pairs.  ``pairs`` are (lesson record, learner id); a lesson-like
    record needs ``class_``, ``date``, ``subgroup`` and ``subject``."""
    pool = Pool()
    Enrolment = pool.get('edu.class.enrolment')
    Party = pool.get('party.party')
    if not pairs:
        return
    classes = {l.class_.id for l, _ in pairs}
    learners = {p for _, p in pairs}
    dates = [l.date for l, _ in pairs]
    found = defaultdict(list)
    for sub in range(0, len(learners), 1000):
        chunk = sorted(learners)[sub:sub + 1000]
        for enrolment in Enrolment.search([
                    ('class_', 'in', list(classes)),
                    ('learner', 'in', chunk),
                    ('start_date', '<=', max(dates)),
                    ['OR',
                        ('end_date', '=', None),
                        ('end_date', '>=', min(dates)),
                        ],
                    ]):
            found[enrolment.class_.id, enrolment.learner.id].append(
                enrolment)
    for lesson, learner_id in pairs:
        for enrolment in found.get((lesson.class_.id, learner_id), []):
            if (enrolment.start_date <= lesson.date
                    and (not enrolment.end_date
                        or enrolment.end_date >= lesson.date)
                    and (not lesson.subgroup or not enrolment.subgroup
                        or enrolment.subgroup == lesson.subgroup)):
                break
        else:
            raise JournalValidationError(gettext(
                    'edu_school.msg_learner_not_enrolled',
                    learner=Party(learner_id).rec_name,
                    class_=lesson.class_.rec_name, date=lesson.date,
                    subject=lesson.subject.rec_name))


class JournalEntry(ModelSQL, ModelView):
    "Journal Entry"
    __name__ = 'edu.journal.entry'
    __string__ = "Journal Entry"

    lesson = fields.Many2One(
        'edu.lesson', "Lesson", required=True, ondelete='CASCADE')
    learner = fields.Many2One(
        'party.party', "Learner", required=True, ondelete='RESTRICT',
        domain=[('is_learner', '=', True)])
    company = fields.Many2One(
        'company.company', "Organisation", readonly=True,
        ondelete='CASCADE')
    attendance = fields.Selection(
        ATTENDANCE, "Attendance", required=True, sort=False)
    mark = fields.Integer(
        "Mark", domain=['OR',
            ('mark', '=', None),
            [('mark', '>=', MARK_MIN), ('mark', '<=', MARK_MAX)],
            ],
        help="Formative mark on the 10-point scale (1 to 10).")
    comment = fields.Char("Comment")
    date = fields.Function(fields.Date("Date"), 'get_lesson_field',
        searcher='search_lesson_field')
    subject = fields.Function(fields.Many2One('edu.subject', "Subject"),
        'get_lesson_field', searcher='search_lesson_field')
    class_ = fields.Function(fields.Many2One('edu.class', "Class"),
        'get_lesson_field', searcher='search_lesson_field')
    period = fields.Function(
        fields.Many2One('edu.academic.period', "Period"),
        'get_lesson_field', searcher='search_lesson_field')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('lesson_learner_unique', Unique(t, t.lesson, t.learner),
                'edu_school.msg_entry_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.learner, Index.Range())))
        cls._order = [('lesson.date', 'DESC'), ('id', 'DESC')]
        cls.__rpc__.update({
                'grid': RPC(),
                'record': RPC(readonly=False, result=lambda r: r.id),
                })

    @classmethod
    def default_attendance(cls):
        return 'present'

    def get_rec_name(self, name):
        return '%s — %s' % (self.lesson.rec_name, self.learner.rec_name)

    @classmethod
    def get_lesson_field(cls, entries, name):
        result = {}
        for entry in entries:
            value = getattr(entry.lesson, name)
            result[entry.id] = value.id if isinstance(
                value, ModelSQL) else value
        return result

    @classmethod
    def search_lesson_field(cls, name, clause):
        return [('lesson.' + clause[0],) + tuple(clause[1:])]

    @classmethod
    def create(cls, vlist):
        Lesson = Pool().get('edu.lesson')
        vlist = [v.copy() for v in vlist]
        lessons = {l.id: l for l in Lesson.browse(
                list({v['lesson'] for v in vlist if v.get('lesson')}))}
        for values in vlist:
            if values.get('lesson'):
                values['company'] = lessons[values['lesson']].company.id
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for entries, values in zip(actions, actions):
            if 'lesson' in values or 'company' in values:
                raise JournalValidationError(gettext(
                        'edu_school.msg_entry_lesson_fixed'))
        super().write(*args)

    @classmethod
    def check_modification(cls, mode, entries, values=None, external=False):
        "Refuse any change of the journal of a closed period (R27.12)"
        super().check_modification(
            mode, entries, values=values, external=external)
        Period = Pool().get('edu.academic.period')
        by_company = defaultdict(set)
        for entry in entries:
            by_company[entry.lesson.company.id].add(entry.lesson.date)
        for company_id, dates in by_company.items():
            Period.check_open(company_id, dates)

    @classmethod
    def validate_fields(cls, entries, field_names):
        super().validate_fields(entries, field_names)
        if field_names and not (field_names & {
                    'lesson', 'learner', 'attendance', 'mark'}):
            return
        for entry in entries:
            if entry.lesson.state == 'cancelled':
                raise JournalValidationError(gettext(
                        'edu_school.msg_entry_lesson_cancelled',
                        lesson=entry.lesson.rec_name))
            if entry.mark is not None and entry.attendance in ABSENT:
                raise JournalValidationError(gettext(
                        'edu_school.msg_entry_mark_absent',
                        learner=entry.learner.rec_name,
                        lesson=entry.lesson.rec_name))
        if not field_names or field_names & {'lesson', 'learner'}:
            check_enrolled([(e.lesson, e.learner.id) for e in entries])

    # -- API for the portal and the benchmark ------------------------------
    @classmethod
    def record(cls, lesson_id, learner_id, attendance=None, mark=None,
            comment=None):
        """Create or update the entry of learner in lesson: the given
        attendance and mark (``mark=0`` clears it); record rules and the
        closed periods apply.  Returns the entry."""
        entries = cls.search([
                ('lesson', '=', lesson_id),
                ('learner', '=', learner_id),
                ], limit=1)
        values = {}
        if attendance is not None:
            values['attendance'] = attendance
        if mark is not None:
            values['mark'] = mark or None
            if mark and 'attendance' not in values and (
                    not entries or entries[0].attendance in ABSENT):
                values['attendance'] = 'present'
        if comment is not None:
            values['comment'] = comment
        if entries:
            entry, = entries
            if values:
                cls.write([entry], values)
        else:
            values.setdefault('attendance', 'present')
            entry, = cls.create([{
                        'lesson': lesson_id, 'learner': learner_id,
                        **values}])
        return entry

    @classmethod
    def grid(cls, class_id, subject_id, period_id):
        """Return the journal of a class in a subject for a period:

        - ``learners``: [{'id', 'name', 'subgroup'}] enrolled during the
          period, by name;
        - ``lessons``: [{'id', 'date', 'topic', 'state', 'subgroup'}];
        - ``works``: [{'id', 'kind', 'name', 'date', 'max_score'}];
        - ``cells``: {"lesson:learner": {'attendance', 'mark'}};
        - ``scores``: {"work:learner": score};
        - ``marks``: {"learner": {'mark', 'total_percent', ...}}.

        Each part is one SQL query on the records the user may read
        (record rules applied), whatever the number of learners and
        lessons."""
        pool = Pool()
        Period = pool.get('edu.academic.period')
        Enrolment = pool.get('edu.class.enrolment')
        Party = pool.get('party.party')
        Lesson = pool.get('edu.lesson')
        Work = pool.get('edu.summative.work')
        Result = pool.get('edu.summative.result')
        PeriodMark = pool.get('edu.period.mark')
        cursor = Transaction().connection.cursor()

        period = Period(period_id)
        start, end = period.start_date, period.end_date

        enrolment = Enrolment.__table__()
        party = Party.__table__()
        query = Enrolment.search([
                ('class_', '=', class_id),
                ('start_date', '<=', end),
                ['OR', ('end_date', '=', None), ('end_date', '>=', start)],
                ], query=True, order=[])
        cursor.execute(*enrolment.join(
                party, condition=enrolment.learner == party.id
                ).select(party.id, party.name, enrolment.subgroup,
                where=enrolment.id.in_(query),
                order_by=[party.name.asc, party.id.asc]))
        learners, seen = [], set()
        for learner_id, name, subgroup in cursor:
            if learner_id not in seen:
                seen.add(learner_id)
                learners.append({
                        'id': learner_id, 'name': name,
                        'subgroup': subgroup})

        lesson = Lesson.__table__()
        query = Lesson.search([
                ('class_', '=', class_id),
                ('subject', '=', subject_id),
                ('period', '=', period_id),
                ], query=True, order=[])
        cursor.execute(*lesson.select(
                lesson.id, lesson.date, lesson.topic, lesson.state,
                lesson.subgroup, lesson.start_time,
                where=lesson.id.in_(query),
                order_by=[lesson.date.asc, lesson.start_time.asc,
                    lesson.id.asc]))
        lessons = [{'id': i, 'date': _date(d), 'topic': t, 'state': s,
                'subgroup': g} for i, d, t, s, g, _ in cursor]

        entry = cls.__table__()
        query = cls.search([
                ('lesson.class_', '=', class_id),
                ('lesson.subject', '=', subject_id),
                ('lesson.period', '=', period_id),
                ], query=True, order=[])
        cursor.execute(*entry.select(
                entry.lesson, entry.learner, entry.attendance, entry.mark,
                where=entry.id.in_(query)))
        cells = {f'{l}:{p}': {'attendance': a, 'mark': m}
            for l, p, a, m in cursor}

        work = Work.__table__()
        query = Work.search([
                ('class_', '=', class_id),
                ('subject', '=', subject_id),
                ('period', '=', period_id),
                ], query=True, order=[])
        cursor.execute(*work.select(
                work.id, work.kind, work.name, work.date, work.max_score,
                where=work.id.in_(query),
                order_by=[work.date.asc, work.id.asc]))
        works = [{'id': i, 'kind': k, 'name': n, 'date': _date(d),
                'max_score': m} for i, k, n, d, m in cursor]

        result = Result.__table__()
        query = Result.search([
                ('work.class_', '=', class_id),
                ('work.subject', '=', subject_id),
                ('work.period', '=', period_id),
                ], query=True, order=[])
        cursor.execute(*result.select(
                result.work, result.learner, result.score,
                where=result.id.in_(query)))
        scores = {f'{w}:{p}': s for w, p, s in cursor}

        mark = PeriodMark.__table__()
        query = PeriodMark.search([
                ('class_', '=', class_id),
                ('subject', '=', subject_id),
                ('period', '=', period_id),
                ], query=True, order=[])
        cursor.execute(*mark.select(
                mark.learner, mark.formative_percent, mark.section_percent,
                mark.quarter_percent, mark.total_percent, mark.mark,
                where=mark.id.in_(query)))
        marks = {}
        for learner_id, fp, sp, qp, tp, value in cursor:
            marks[str(learner_id)] = {
                'formative_percent': _decimal(fp),
                'section_percent': _decimal(sp),
                'quarter_percent': _decimal(qp),
                'total_percent': _decimal(tp),
                'mark': value,
                }
        return {
            'class': class_id,
            'subject': subject_id,
            'period': period_id,
            'learners': learners,
            'lessons': lessons,
            'works': works,
            'cells': cells,
            'scores': scores,
            'marks': marks,
            }


def _decimal(value):
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal('0.01'))

