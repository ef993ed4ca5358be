# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Criteria-based assessment (R27.8 СОр/СОч, R27.12): summative works and
their results, the weighting scheme, quarter marks and year marks.

The weighting is data (``edu.assessment.scheme``), not code.  The national
scheme shipped in ``assessment.xml`` is the one of the Kazakh rules of
current control of progress (Order of the Minister of Education and
Science No. 125 of 18 March 2008, "Типовые правила проведения текущего
контроля успеваемости, промежуточной и итоговой аттестации обучающихся",
as amended for the criteria-based assessment of the updated content):

- quarter mark with a quarter summative work (СОч): formative assessment
  (ФО) 25 %, section summative works (СОр) 25 %, СОч 50 %;
- without a СОч: ФО 50 %, СОр 50 %;
- percent → mark: 0–39 % → 2, 40–64 % → 3, 65–84 % → 4, 85–100 % → 5.

The percentages of a learner: ФО = mean of the formative marks / 10 × 100
(10-point scale); СОр = sum of the scores / sum of the maximum scores of
the section works the learner wrote; СОч likewise for the quarter work(s).
A component the learner has no value for is left out and the weights of
the others are scaled to 100 %.  The total is compared with the thresholds
unrounded (84.75 % gives 4).  The year mark is the mean of the quarter
marks rounded half up.
"""
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from sql import Null
from sql.aggregate import Count, Sum

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool
from trytond.pyson import Eval, If, PYSONEncoder
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateAction, StateView, Wizard

from .exceptions import (
    AssessmentValidationError, JournalValidationError, MarkLockedError)
from .journal import check_enrolled
from .lesson import CREATE_BATCH, SUBGROUPS

HUNDRED = Decimal(100)
CENT = Decimal('0.01')
WORK_KINDS = [
    ('section', "Section Summative (СОр)"),
    ('quarter', "Quarter Summative (СОч)"),
    ]


def percent(part, whole):
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT)


class AssessmentScheme(DeactivableMixin, ModelSQL, ModelView):
    "Assessment Scheme"
    __name__ = 'edu.assessment.scheme'
    __string__ = "Assessment Scheme"

    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One(
        'company.company', "Organisation", ondelete='CASCADE',
        help="Leave empty for the national scheme; an organisation's "
        "scheme replaces it for that organisation.")
    formative_weight = fields.Numeric(
        "Formative (%)", digits=(5, 2), required=True,
        help="Weight of the formative marks when there is a quarter "
        "summative work.")
    section_weight = fields.Numeric(
        "Section Summative (%)", digits=(5, 2), required=True)
    quarter_weight = fields.Numeric(
        "Quarter Summative (%)", digits=(5, 2), required=True)
    formative_weight_alone = fields.Numeric(
        "Formative without Quarter Summative (%)", digits=(5, 2),
        required=True,
        help="Weight of the formative marks when the subject has no "
        "quarter summative work in the period.")
    section_weight_alone = fields.Numeric(
        "Section Summative without Quarter Summative (%)", digits=(5, 2),
        required=True)
    thresholds = fields.One2Many(
        'edu.assessment.threshold', 'scheme', "Thresholds",
        order=[('min_percent', 'ASC')])
    reference = fields.Text("Legal Reference", translate=True)

    @classmethod
    def validate_fields(cls, schemes, field_names):
        super().validate_fields(schemes, field_names)
        for scheme in schemes:
            full = (scheme.formative_weight + scheme.section_weight
                + scheme.quarter_weight)
            alone = scheme.formative_weight_alone + scheme.section_weight_alone
            weights = [scheme.formative_weight, scheme.section_weight,
                scheme.quarter_weight, scheme.formative_weight_alone,
                scheme.section_weight_alone]
            if full != HUNDRED or alone != HUNDRED or any(
                    w < 0 for w in weights):
                raise AssessmentValidationError(gettext(
                        'edu_school.msg_scheme_weights',
                        scheme=scheme.rec_name))

    @classmethod
    def get_scheme(cls, company_id):
        """Return the active scheme of the organisation, else the national
        one"""
        schemes = cls.search([
                ['OR',
                    ('company', '=', company_id),
                    ('company', '=', None),
                    ],
                ], order=[('id', 'ASC')])
        for scheme in schemes:
            if scheme.company:
                return scheme
        if not schemes:
            raise AssessmentValidationError(gettext(
                    'edu_school.msg_scheme_missing'))
        return schemes[0]

    def weights(self, with_quarter):
        "Return the (formative, section, quarter) weights in percent"
        if with_quarter:
            return (self.formative_weight, self.section_weight,
                self.quarter_weight)
        return (self.formative_weight_alone, self.section_weight_alone,
            Decimal(0))

    def total(self, formative, section, quarter, with_quarter):
        """Return the weighted total percent of the components given (None
        for a missing one: the others are scaled to 100 %)"""
        weights = self.weights(with_quarter)
        parts = [(w, p) for w, p in zip(weights, (formative, section,
                    quarter)) if p is not None and w]
        weight = sum(w for w, _ in parts)
        if not weight:
            return None
        return (sum(w * p for w, p in parts) / weight).quantize(CENT)

    def mark_for(self, total):
        "Return the mark of the total percent"
        mark = None
        for threshold in sorted(self.thresholds,
                key=lambda t: t.min_percent):
            if total >= threshold.min_percent:
                mark = threshold.mark
        return mark


class AssessmentThreshold(ModelSQL, ModelView):
    "Assessment Threshold"
    __name__ = 'edu.assessment.threshold'
    __string__ = "Assessment Threshold"

    scheme = fields.Many2One(
        'edu.assessment.scheme', "Scheme", required=True,
        ondelete='CASCADE')
    min_percent = fields.Numeric(
        "From (%)", digits=(5, 2), required=True,
        domain=[('min_percent', '>=', 0), ('min_percent', '<=', 100)])
    mark = fields.Integer(
        "Mark", required=True,
        domain=[('mark', '>=', 1), ('mark', '<=', 5)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('scheme_min_unique', Unique(t, t.scheme, t.min_percent),
                'edu_school.msg_threshold_unique'),
            ]
        cls._order = [('scheme', 'ASC'), ('min_percent', 'ASC'),
            ('id', 'ASC')]


def _check_periods_open(records):
    "Refuse when the period of a record is closed (R27.12)"
    Period = Pool().get('edu.academic.period')
    by_company = defaultdict(set)
    for record in records:
        if record.period:
            by_company[record.period.company.id].add(
                record.period.start_date)
    for company_id, dates in by_company.items():
        Period.check_open(company_id, dates)


class SummativeWork(ModelSQL, ModelView):
    "Summative Work"
    __name__ = 'edu.summative.work'
    __string__ = "Summative Work"

    company = fields.Many2One(
        'company.company', "Organisation", required=True,
        ondelete='CASCADE')
    period = fields.Many2One(
        'edu.academic.period', "Period", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    class_ = fields.Many2One(
        'edu.class', "Class", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    subject = fields.Many2One(
        'edu.subject', "Subject", required=True, ondelete='RESTRICT')
    subgroup = fields.Selection(SUBGROUPS, "Subgroup")
    teacher = fields.Many2One(
        'party.party', "Teacher", required=True, ondelete='RESTRICT',
        domain=[('is_staff', '=', True)],
        help="The teacher who sets and marks the work.")
    kind = fields.Selection(WORK_KINDS, "Kind", required=True)
    name = fields.Char("Name", required=True)
    date = fields.Date(
        "Date", required=True,
        domain=[If(Eval('period_start') & Eval('period_end'),
                [('date', '>=', Eval('period_start')),
                    ('date', '<=', Eval('period_end'))], [])])
    period_start = fields.Function(
        fields.Date("Period Start"), 'on_change_with_period_start')
    period_end = fields.Function(
        fields.Date("Period End"), 'on_change_with_period_end')
    max_score = fields.Integer(
        "Maximum Score", required=True, domain=[('max_score', '>', 0)])
    results = fields.One2Many('edu.summative.result', 'work', "Results")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.class_, Index.Range()),
                (t.subject, Index.Range()), (t.period, Index.Range())))
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_kind(cls):
        return 'section'

    @fields.depends('period')
    def on_change_with_period_start(self, name=None):
        return self.period.start_date if self.period else None

    @fields.depends('period')
    def on_change_with_period_end(self, name=None):
        return self.period.end_date if self.period else None

    @fields.depends('company', 'date', 'period')
    def on_change_date(self):
        Period = Pool().get('edu.academic.period')
        if self.company and self.date and not self.period:
            self.period = Period.find(self.company.id, self.date)

    def get_rec_name(self, name):
        return '%s — %s %s' % (
            self.name, self.class_.rec_name, self.subject.rec_name)

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Class = pool.get('edu.class')
        Period = pool.get('edu.academic.period')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if not values.get('company') and values.get('class_'):
                values['company'] = Class(values['class_']).company.id
            if not values.get('period') and values.get('date') and (
                    values.get('company')):
                period = Period.find(values['company'], values['date'])
                values['period'] = period.id if period else None
        return super().create(vlist)

    @classmethod
    def check_modification(cls, mode, works, values=None, external=False):
        super().check_modification(
            mode, works, values=values, external=external)
        _check_periods_open(works)
        if values and values.get('period'):
            Work = Pool().get('edu.summative.work')
            _check_periods_open([Work(period=values['period'])])

    @classmethod
    def validate_fields(cls, works, field_names):
        super().validate_fields(works, field_names)
        for work in works:
            if not (work.period.start_date <= work.date
                    <= work.period.end_date) or (
                    work.period.company != work.company):
                raise AssessmentValidationError(gettext(
                        'edu_school.msg_work_date',
                        work=work.rec_name, period=work.period.rec_name))
        if field_names and 'max_score' in field_names:
            Result = Pool().get('edu.summative.result')
            Result.check_scores(sum((list(w.results) for w in works), []))


class SummativeResult(ModelSQL, ModelView):
    "Summative Result"
    __name__ = 'edu.summative.result'
    __string__ = "Summative Result"

    work = fields.Many2One(
        'edu.summative.work', "Work", required=True, ondelete='CASCADE')
    learner = fields.Many2One(
        'party.party', "Learner", required=True, ondelete='RESTRICT',
        domain=[('is_learner', '=', True)])
    company = fields.Many2One(
        'company.company', "Organisation", readonly=True,
        ondelete='CASCADE')
    score = fields.Integer(
        "Score", required=True, domain=[('score', '>=', 0)])
    max_score = fields.Function(
        fields.Integer("Maximum Score"), 'get_work_field')
    kind = fields.Function(
        fields.Selection(WORK_KINDS, "Kind"), 'get_work_field')
    period = fields.Function(
        fields.Many2One('edu.academic.period', "Period"), 'get_work_field',
        searcher='search_work_field')
    subject = fields.Function(
        fields.Many2One('edu.subject', "Subject"), 'get_work_field',
        searcher='search_work_field')
    date = fields.Function(fields.Date("Date"), 'get_work_field')
    percent = fields.Function(
        fields.Numeric("Percent", digits=(5, 2)), 'get_percent')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('work_learner_unique', Unique(t, t.work, t.learner),
                'edu_school.msg_result_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.learner, Index.Range())))
        cls.__rpc__.update({
                'record': RPC(readonly=False,
                    result=lambda r: r.id if r else None),
                })

    def get_rec_name(self, name):
        return '%s — %s' % (self.work.rec_name, self.learner.rec_name)

    @classmethod
    def get_work_field(cls, results, name):
        result = {}
        for record in results:
            value = getattr(record.work, name)
            result[record.id] = value.id if isinstance(
                value, ModelSQL) else value
        return result

    @classmethod
    def search_work_field(cls, name, clause):
        return [('work.' + clause[0],) + tuple(clause[1:])]

    def get_percent(self, name):
        return percent(self.score, self.work.max_score)

    @classmethod
    def create(cls, vlist):
        Work = Pool().get('edu.summative.work')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('work'):
                values['company'] = Work(values['work']).company.id
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for results, values in zip(actions, actions):
            if 'work' in values or 'company' in values:
                raise JournalValidationError(gettext(
                        'edu_school.msg_result_work_fixed'))
        super().write(*args)

    @classmethod
    def check_modification(cls, mode, results, values=None, external=False):
        super().check_modification(
            mode, results, values=values, external=external)
        _check_periods_open([r.work for r in results])

    @classmethod
    def validate_fields(cls, results, field_names):
        super().validate_fields(results, field_names)
        cls.check_scores(results)
        if not field_names or field_names & {'work', 'learner'}:
            check_enrolled([(r.work, r.learner.id) for r in results])

    @classmethod
    def check_scores(cls, results):
        for result in results:
            if not (0 <= result.score <= result.work.max_score):
                raise AssessmentValidationError(gettext(
                        'edu_school.msg_result_score',
                        learner=result.learner.rec_name,
                        work=result.work.rec_name,
                        max_score=result.work.max_score))

    @classmethod
    def record(cls, work_id, learner_id, score):
        """Create or update the result of learner in work (``score=None``
        deletes it); record rules and closed periods apply."""
        results = cls.search([
                ('work', '=', work_id),
                ('learner', '=', learner_id),
                ], limit=1)
        if score is None:
            if results:
                cls.delete(results)
            return None
        if results:
            result, = results
            if result.score != score:
                cls.write(results, {'score': score})
            return result
        result, = cls.create([{
                    'work': work_id, 'learner': learner_id, 'score': score}])
        return result


class _MarkMixin:
    "Common to the period and the year marks"
    __slots__ = ()

    def get_rec_name(self, name):
        return '%s — %s: %s' % (
            self.learner.rec_name, self.subject.rec_name, self.mark or '')


class PeriodMark(_MarkMixin, ModelSQL, ModelView):
    "Quarter Mark"
    __name__ = 'edu.period.mark'
    __string__ = "Quarter Mark"

    period = fields.Many2One(
        'edu.academic.period', "Period", required=True, readonly=True,
        ondelete='RESTRICT')
    company = fields.Many2One(
        'company.company', "Organisation", required=True, readonly=True,
        ondelete='CASCADE')
    class_ = fields.Many2One(
        'edu.class', "Class", required=True, readonly=True,
        ondelete='RESTRICT')
    subject = fields.Many2One(
        'edu.subject', "Subject", required=True, readonly=True,
        ondelete='RESTRICT')
    learner = fields.Many2One(
        'party.party', "Learner", required=True, readonly=True,
        ondelete='RESTRICT')
    teacher = fields.Many2One(
        'party.party', "Teacher", readonly=True, ondelete='RESTRICT')
    scheme = fields.Many2One(
        'edu.assessment.scheme', "Scheme", readonly=True,
        ondelete='RESTRICT')
    formative_count = fields.Integer("Formative Marks", readonly=True)
    formative_percent = fields.Numeric(
        "Formative (%)", digits=(5, 2), readonly=True)
    section_percent = fields.Numeric(
        "Section Summative (%)", digits=(5, 2), readonly=True)
    quarter_percent = fields.Numeric(
        "Quarter Summative (%)", digits=(5, 2), readonly=True)
    total_percent = fields.Numeric(
        "Total (%)", digits=(5, 2), readonly=True)
    mark = fields.Integer("Mark", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('period_class_subject_learner_unique',
                Unique(t, t.period, t.class_, t.subject, t.learner),
                'edu_school.msg_period_mark_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.learner, Index.Range())))
        cls._order = [('period', 'ASC'), ('subject', 'ASC'),
            ('learner', 'ASC'), ('id', 'ASC')]

    @classmethod
    def check_modification(cls, mode, marks, values=None, external=False):
        "Quarter marks of a closed period are locked (R27.12)"
        super().check_modification(
            mode, marks, values=values, external=external)
        _check_periods_open(marks)

    @classmethod
    def compute(cls, class_, subject, period):
        """Compute (create or update) the quarter marks of the learners of
        class_ in subject for period from the journal and the summative
        results with the organisation's scheme; return the marks"""
        cls._compute(period, [(class_.id, subject.id)])
        return cls.search([
                ('period', '=', period.id),
                ('class_', '=', class_.id),
                ('subject', '=', subject.id),
                ])

    @classmethod
    def compute_period(cls, periods):
        """Compute the quarter marks of every class and subject that has
        lessons or summative works in the periods"""
        pool = Pool()
        Lesson = pool.get('edu.lesson')
        Work = pool.get('edu.summative.work')
        cursor = Transaction().connection.cursor()
        for period in periods:
            pairs = set()
            for Model in (Lesson, Work):
                table = Model.__table__()
                cursor.execute(*table.select(
                        table.class_, table.subject,
                        where=table.period == period.id,
                        group_by=[table.class_, table.subject]))
                pairs.update(cursor)
            cls._compute(period, sorted(pairs))

    @classmethod
    def _compute(cls, period, pairs):
        """Compute the marks of period for the (class id, subject id) pairs
        with one query per kind of data, whatever their number"""
        pool = Pool()
        Enrolment = pool.get('edu.class.enrolment')
        Lesson = pool.get('edu.lesson')
        Entry = pool.get('edu.journal.entry')
        Work = pool.get('edu.summative.work')
        Result = pool.get('edu.summative.result')
        Scheme = pool.get('edu.assessment.scheme')
        if not pairs:
            return
        cursor = Transaction().connection.cursor()
        pairs = set(pairs)
        class_ids = sorted({c for c, _ in pairs})
        with without_check_access():
            scheme = Scheme.get_scheme(period.company.id)
            thresholds = sorted(
                (t.min_percent, t.mark) for t in scheme.thresholds)

        enrolment = Enrolment.__table__()
        learners = defaultdict(list)
        cursor.execute(*enrolment.select(
                enrolment.class_, enrolment.learner,
                where=enrolment.class_.in_(class_ids)
                & (enrolment.start_date <= period.end_date)
                & ((enrolment.end_date == Null)
                    | (enrolment.end_date >= period.start_date)),
                order_by=[enrolment.class_, enrolment.learner]))
        for class_id, learner_id in cursor:
            if learner_id not in learners[class_id]:
                learners[class_id].append(learner_id)

        lesson = Lesson.__table__()
        entry = Entry.__table__()
        teachers = defaultdict(Counter)
        cursor.execute(*lesson.select(
                lesson.class_, lesson.subject, lesson.teacher,
                Count(lesson.id),
                where=(lesson.period == period.id)
                & lesson.class_.in_(class_ids) & (lesson.teacher != Null),
                group_by=[lesson.class_, lesson.subject, lesson.teacher]))
        for class_id, subject_id, teacher_id, count in cursor:
            teachers[class_id, subject_id][teacher_id] += count
        formative = {}
        cursor.execute(*entry.join(lesson,
                condition=entry.lesson == lesson.id
                ).select(lesson.class_, lesson.subject, entry.learner,
                Sum(entry.mark), Count(entry.mark),
                where=(lesson.period == period.id)
                & lesson.class_.in_(class_ids) & (entry.mark != Null),
                group_by=[lesson.class_, lesson.subject, entry.learner]))
        for class_id, subject_id, learner_id, total, count in cursor:
            formative[class_id, subject_id, learner_id] = (
                int(total), int(count))

        work = Work.__table__()
        result = Result.__table__()
        with_quarter = set()
        cursor.execute(*work.select(
                work.class_, work.subject, work.kind, work.teacher,
                where=(work.period == period.id)
                & work.class_.in_(class_ids)))
        for class_id, subject_id, kind, teacher_id in cursor:
            if kind == 'quarter':
                with_quarter.add((class_id, subject_id))
            if teacher_id:
                teachers[class_id, subject_id][teacher_id] += 1
        scores = defaultdict(lambda: [0, 0])
        cursor.execute(*result.join(work,
                condition=result.work == work.id
                ).select(work.class_, work.subject, work.kind,
                result.learner, Sum(result.score), Sum(work.max_score),
                where=(work.period == period.id)
                & work.class_.in_(class_ids),
                group_by=[work.class_, work.subject, work.kind,
                    result.learner]))
        for class_id, subject_id, kind, learner_id, score, max_score in (
                cursor):
            scores[class_id, subject_id, kind, learner_id] = [
                int(score), int(max_score)]

        table = cls.__table__()
        existing = {}
        cursor.execute(*table.select(
                table.id, table.class_, table.subject, table.learner,
                where=(table.period == period.id)
                & table.class_.in_(class_ids)))
        for mark_id, class_id, subject_id, learner_id in cursor:
            if (class_id, subject_id) in pairs:
                existing[class_id, subject_id, learner_id] = mark_id

        def mark_of(total):
            mark = None
            for minimum, value in thresholds:
                if total >= minimum:
                    mark = value
            return mark

        to_create, to_write, to_delete = [], [], []
        for class_id, subject_id in sorted(pairs):
            pair_teachers = teachers.get((class_id, subject_id))
            teacher = (pair_teachers.most_common(1)[0][0]
                if pair_teachers else None)
            quarter_work = (class_id, subject_id) in with_quarter
            for learner_id in learners.get(class_id, []):
                key = (class_id, subject_id, learner_id)
                total_marks, count = formative.get(key, (0, 0))
                formative_percent = (percent(total_marks, 10 * count)
                    if count else None)
                section = percent(*scores[
                        class_id, subject_id, 'section', learner_id])
                quarter = percent(*scores[
                        class_id, subject_id, 'quarter', learner_id])
                total = scheme.total(
                    formative_percent, section, quarter, quarter_work)
                mark_id = existing.get(key)
                if total is None:
                    if mark_id:
                        to_delete.append(mark_id)
                    continue
                values = {
                    'teacher': teacher,
                    'scheme': scheme.id,
                    'formative_count': count,
                    'formative_percent': formative_percent,
                    'section_percent': section,
                    'quarter_percent': quarter,
                    'total_percent': total,
                    'mark': mark_of(total),
                    }
                if mark_id:
                    to_write.extend([[cls(mark_id)], values])
                else:
                    to_create.append({
                            'period': period.id,
                            'company': period.company.id,
                            'class_': class_id,
                            'subject': subject_id,
                            'learner': learner_id,
                            **values})
        if to_delete:
            cls.delete(cls.browse(to_delete))
        if to_write:
            cls.write(*to_write)
        for i in range(0, len(to_create), CREATE_BATCH):
            cls.create(to_create[i:i + CREATE_BATCH])


class YearMark(_MarkMixin, ModelSQL, ModelView):
    "Year Mark"
    __name__ = 'edu.year.mark'
    __string__ = "Year Mark"

    year = fields.Many2One(
        'edu.academic.year', "Academic Year", required=True, readonly=True,
        ondelete='RESTRICT')
    company = fields.Many2One(
        'company.company', "Organisation", required=True, readonly=True,
        ondelete='CASCADE')
    class_ = fields.Many2One(
        'edu.class', "Class", required=True, readonly=True,
        ondelete='RESTRICT')
    subject = fields.Many2One(
        'edu.subject', "Subject", required=True, readonly=True,
        ondelete='RESTRICT')
    learner = fields.Many2One(
        'party.party', "Learner", required=True, readonly=True,
        ondelete='RESTRICT')
    teacher = fields.Many2One(
        'party.party', "Teacher", readonly=True, ondelete='RESTRICT')
    period_marks = fields.Char("Quarter Marks", readonly=True)
    mark = fields.Integer("Mark", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('year_class_subject_learner_unique',
                Unique(t, t.year, t.class_, t.subject, t.learner),
                'edu_school.msg_year_mark_unique'),
            ]
        cls._order = [('year', 'DESC'), ('subject', 'ASC'),
            ('learner', 'ASC'), ('id', 'ASC')]

    @classmethod
    def check_modification(cls, mode, marks, values=None, external=False):
        "Year marks of a closed academic year are locked"
        super().check_modification(
            mode, marks, values=values, external=external)
        for mark in marks:
            if mark.year.state == 'closed':
                raise MarkLockedError(gettext(
                        'edu_school.msg_year_closed',
                        year=mark.year.rec_name))

    @classmethod
    def compute(cls, class_, subject, year=None):
        """Compute the year marks of class_ in subject: the mean of the
        quarter marks of the year, rounded half up; return the marks"""
        PeriodMark = Pool().get('edu.period.mark')
        year = year or class_.year
        with without_check_access():
            by_learner = defaultdict(list)
            teachers = Counter()
            for mark in PeriodMark.search([
                        ('class_', '=', class_.id),
                        ('subject', '=', subject.id),
                        ('period.year', '=', year.id),
                        ('mark', '!=', None),
                        ], order=[('period.start_date', 'ASC')]):
                by_learner[mark.learner.id].append(mark.mark)
                if mark.teacher:
                    teachers[mark.teacher.id] += 1
            existing = {m.learner.id: m for m in cls.search([
                        ('year', '=', year.id),
                        ('class_', '=', class_.id),
                        ('subject', '=', subject.id),
                        ])}
        teacher = teachers.most_common(1)[0][0] if teachers else None
        to_create, to_write = [], []
        for learner_id, values in by_learner.items():
            mean = Decimal(sum(values)) / len(values)
            values = {
                'teacher': teacher,
                'period_marks': ', '.join(map(str, values)),
                'mark': int(mean.quantize(Decimal(1), ROUND_HALF_UP)),
                }
            mark = existing.get(learner_id)
            if mark:
                to_write.extend([[mark], values])
            else:
                to_create.append({
                        'year': year.id,
                        'company': class_.company.id,
                        'class_': class_.id,
                        'subject': subject.id,
                        'learner': learner_id,
                        **values})
        if to_write:
            cls.write(*to_write)
        if to_create:
            cls.create(to_create)
        return cls.search([
                ('year', '=', year.id),
                ('class_', '=', class_.id),
                ('subject', '=', subject.id),
                ])


class MarkComputeStart(ModelView):
    "Compute Marks"
    __name__ = 'edu.mark.compute.start'
    __string__ = "Compute Marks"

    company = fields.Many2One('company.company', "Organisation",
        readonly=True)
    class_ = fields.Many2One(
        'edu.class', "Class", required=True,
        domain=[('company', '=', Eval('company', -1))])
    subject = fields.Many2One('edu.subject', "Subject", required=True)
    period = fields.Many2One(
        'edu.academic.period', "Period", required=True,
        domain=[('company', '=', Eval('company', -1)),
            If(Eval('class_year'), ('year', '=', Eval('class_year', -1)),
                ())])
    class_year = fields.Function(
        fields.Many2One('edu.academic.year', "Academic Year"),
        'on_change_with_class_year')

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @fields.depends('class_')
    def on_change_with_class_year(self, name=None):
        return self.class_.year if self.class_ else None


class MarkCompute(Wizard):
    "Compute Marks"
    __name__ = 'edu.mark.compute'
    start = StateView('edu.mark.compute.start',
        'edu_school.mark_compute_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Compute Year Marks", 'year', 'tryton-launch'),
            Button("Compute Quarter Marks", 'quarter', 'tryton-ok',
                default=True),
            ])
    quarter = StateAction('edu_school.act_period_mark')
    year = StateAction('edu_school.act_year_mark')

    def default_start(self, fields):
        pool = Pool()
        Period = pool.get('edu.academic.period')
        values = {'company': Transaction().context.get('company')}
        if self.model and self.model.__name__ == 'edu.class' and (
                self.record):
            values['class_'] = self.record.id
            values['company'] = self.record.company.id
            period = Period.find(self.record.company.id)
            if period:
                values['period'] = period.id
        return values

    def do_quarter(self, action):
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        PeriodMark = pool.get('edu.period.mark')
        ModelAccess.check('edu.period.mark', 'create')
        ModelAccess.check('edu.period.mark', 'write')
        marks = PeriodMark.compute(
            self.start.class_, self.start.subject, self.start.period)
        pool.get('edu.audit.entry').log_action(
            'edu.period.mark.compute', [self.start.class_],
            description="quarter marks computed",
            details={'subject': self.start.subject.rec_name,
                'period': self.start.period.rec_name,
                'marks': len(marks)})
        action['domain'] = PYSONEncoder().encode(
            [('id', 'in', [m.id for m in marks])])
        action['name'] += ' — %s, %s' % (
            self.start.class_.rec_name, self.start.subject.rec_name)
        return action, {}

    def do_year(self, action):
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        YearMark = pool.get('edu.year.mark')
        ModelAccess.check('edu.year.mark', 'create')
        ModelAccess.check('edu.year.mark', 'write')
        marks = YearMark.compute(
            self.start.class_, self.start.subject,
            self.start.period.year)
        pool.get('edu.audit.entry').log_action(
            'edu.year.mark.compute', [self.start.class_],
            description="year marks computed",
            details={'subject': self.start.subject.rec_name,
                'year': self.start.period.year.rec_name,
                'marks': len(marks)})
        action['domain'] = PYSONEncoder().encode(
            [('id', 'in', [m.id for m in marks])])
        action['name'] += ' — %s, %s' % (
            self.start.class_.rec_name, self.start.subject.rec_name)
        return action, {}
