# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_school (R27.18, R27.12, R12).

- a teacher writes the journal entries, summative works and results of the
  lessons and works they give, nothing else; a homeroom teacher reads the
  whole class; the methodist, the director and the deputy read all of the
  organisation and only the management computes quarter and year marks;
- a learner reads the own entries and marks, a parent the children's;
- the back office (accounting, HR, records, administration, audit, the
  ministry's API) sees no journal;
- nobody writes in a closed quarter; no role of school A reaches school B.
"""
import datetime as dt
import itertools
import unittest
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from tests.access_matrix import (
    ROLES, AccessMatrix, Probe, build_two_schools, expand)

MODELS = ('edu.lesson', 'edu.journal.entry', 'edu.summative.work',
    'edu.summative.result', 'edu.period.mark', 'edu.year.mark',
    'edu.assessment.scheme', 'edu.assessment.threshold')
NOBODY = {role: '----' for role in ROLES}
READERS = {'director': 'r---', 'deputy_director': 'r---',
    'methodist': 'r---', 'tutor': 'r---', 'learner': 'r---',
    'parent': 'r---'}
EXPECTED = {
    **expand('edu.lesson', {**NOBODY, **READERS,
            'director': 'rwcd', 'deputy_director': 'rwcd',
            'teacher': 'rwc-'}),
    **expand('edu.journal.entry', {**NOBODY, **READERS,
            'teacher': 'rwcd'}),
    **expand('edu.summative.work', {**NOBODY, **READERS,
            'teacher': 'rwcd'}),
    **expand('edu.summative.result', {**NOBODY, **READERS,
            'teacher': 'rwcd'}),
    **expand('edu.period.mark', {**NOBODY, **READERS,
            'teacher': 'r---',
            'director': 'rwcd', 'deputy_director': 'rwcd'}),
    **expand('edu.year.mark', {**NOBODY, **READERS,
            'teacher': 'r---',
            'director': 'rwcd', 'deputy_director': 'rwcd'}),
    # the weighting is public: everybody reads it, the management of a
    # school changes its own scheme
    **expand('edu.assessment.scheme', {
            **{role: 'r---' for role in ROLES},
            'director': 'rwcd', 'deputy_director': 'rwcd'}),
    **expand('edu.assessment.threshold', {
            **{role: 'r---' for role in ROLES},
            'director': 'rwcd', 'deputy_director': 'rwcd'}),
    }


def build_journals(schools):
    """Give school A a class 7 Ә taught by the teacher (maths) and the
    colleague (physics), with the tutor as homeroom teacher, the learner
    and another learner; school B the same with its teacher; one month of
    lessons, entries, works, results and marks in each"""
    from trytond.modules.edu_school.tests.tools import build_school, person
    pool = Pool()
    Lesson = pool.get('edu.lesson')
    Entry = pool.get('edu.journal.entry')
    Work = pool.get('edu.summative.work')
    Result = pool.get('edu.summative.result')
    PeriodMark = pool.get('edu.period.mark')
    YearMark = pool.get('edu.year.mark')
    Scheme = pool.get('edu.assessment.scheme')

    def fill(school, ns):
        Lesson.generate(ns.timetable, dt.date(2025, 9, 1),
            dt.date(2025, 9, 30))
        lessons = Lesson.search([('class_', '=', ns.class_.id),
                ('subject', '=', ns.maths.id)])
        for lesson in lessons[:3]:
            for learner in ns.learners:
                Entry.record(lesson.id, learner.id, mark=8)
        work, = Work.create([{
                    'class_': ns.class_.id, 'subject': ns.maths.id,
                    'teacher': ns.teacher.id, 'kind': 'section',
                    'name': "СОр 1", 'date': dt.date(2025, 9, 19),
                    'max_score': 10}])
        for learner in ns.learners:
            Result.record(work.id, learner.id, 7)
        PeriodMark.compute(ns.class_, ns.maths, ns.q1)
        YearMark.compute(ns.class_, ns.maths)
        scheme, = Scheme.create([{
                    'name': "Мектеп схемасы", 'company': school,
                    'formative_weight': Decimal(25),
                    'section_weight': Decimal(25),
                    'quarter_weight': Decimal(50),
                    'formative_weight_alone': Decimal(50),
                    'section_weight_alone': Decimal(50),
                    'thresholds': [('create', [
                                {'min_percent': Decimal(0), 'mark': 2},
                                {'min_percent': Decimal(40), 'mark': 3}])],
                    }])
        ns.lessons, ns.work, ns.scheme = lessons, work, scheme
        return ns

    a = fill(schools.school_a, build_school(schools.school_a,
            teacher_id=schools.persons['teacher'],
            colleague_id=schools.sample_a['party'],
            homeroom_id=schools.persons['tutor'],
            learner_ids=[schools.persons['learner'],
                schools.persons['other_learner']]))
    colleague_b = person(schools.school_b, "Қайратов", "Нұрлан",
        dt.date(1982, 2, 2), 'male', is_staff=True)
    b = fill(schools.school_b, build_school(schools.school_b,
            teacher_id=schools.persons_b['teacher'],
            colleague_id=colleague_b.id,
            learner_ids=[schools.persons_b['learner']], learners=1,
            suffix=' B'))
    return a, b


def school_probes(schools, a, b):
    pool = Pool()
    Lesson = pool.get('edu.lesson')
    Entry = pool.get('edu.journal.entry')
    Work = pool.get('edu.summative.work')
    Result = pool.get('edu.summative.result')
    PeriodMark = pool.get('edu.period.mark')
    YearMark = pool.get('edu.year.mark')
    Scheme = pool.get('edu.assessment.scheme')
    Threshold = pool.get('edu.assessment.threshold')
    learner = schools.persons['learner']
    other = schools.persons['other_learner']
    days = itertools.count()

    def lesson_values():
        # a lesson by hand on a Friday of September or October (no slot)
        day = dt.date(2025, 9, 5) + dt.timedelta(weeks=next(days) % 7)
        return {'company': schools.school_a, 'date': day,
            'class_': a.class_.id, 'subject': a.maths.id,
            'teacher': schools.persons['teacher'], 'topic': "Қосымша"}

    def new_lesson():
        return Lesson.create([lesson_values()])[0].id

    def entry_values():
        return {'lesson': new_lesson(), 'learner': other, 'mark': 6}

    def new_entry():
        return Entry.create([entry_values()])[0].id

    def work_values():
        return {'class_': a.class_.id, 'subject': a.maths.id,
            'teacher': schools.persons['teacher'], 'kind': 'section',
            'name': "СОр", 'date': dt.date(2025, 10, 3), 'max_score': 8}

    def new_work():
        return Work.create([work_values()])[0].id

    def result_values():
        return {'work': new_work(), 'learner': other, 'score': 5}

    def new_result():
        return Result.create([result_values()])[0].id

    def scheme_values():
        return {'name': "Сынақ", 'company': schools.school_a,
            'formative_weight': Decimal(30), 'section_weight': Decimal(20),
            'quarter_weight': Decimal(50),
            'formative_weight_alone': Decimal(50),
            'section_weight_alone': Decimal(50)}

    def new_scheme():
        return Scheme.create([scheme_values()])[0].id

    percents = (Decimal(p) for p in itertools.count(50))

    def threshold_values():
        return {'scheme': a.scheme.id, 'min_percent': next(percents),
            'mark': 4}

    def new_threshold():
        return Threshold.create([threshold_values()])[0].id

    def one(Model, domain):
        record, = Model.search(domain)
        return record.id

    return {
        'edu.lesson': Probe('edu.lesson', own=a.lessons[0].id,
            other=b.lessons[0].id, write_field='topic',
            create_values=lesson_values, make_record=new_lesson),
        'edu.journal.entry': Probe('edu.journal.entry',
            own=one(Entry, [('lesson', '=', a.lessons[0].id),
                    ('learner', '=', learner)]),
            other=one(Entry, [('lesson', '=', b.lessons[0].id)]),
            write_field='mark',
            create_values=entry_values, make_record=new_entry),
        'edu.summative.work': Probe('edu.summative.work', own=a.work.id,
            other=b.work.id, write_field='name',
            create_values=work_values, make_record=new_work),
        'edu.summative.result': Probe('edu.summative.result',
            own=one(Result, [('work', '=', a.work.id),
                    ('learner', '=', learner)]),
            other=one(Result, [('work', '=', b.work.id)]),
            write_field='score',
            create_values=result_values, make_record=new_result),
        'edu.period.mark': Probe('edu.period.mark',
            own=one(PeriodMark, [('class_', '=', a.class_.id),
                    ('learner', '=', learner)]),
            other=one(PeriodMark, [('class_', '=', b.class_.id)]),
            write_field='mark'),
        'edu.year.mark': Probe('edu.year.mark',
            own=one(YearMark, [('class_', '=', a.class_.id),
                    ('learner', '=', learner)]),
            other=one(YearMark, [('class_', '=', b.class_.id)]),
            write_field='mark'),
        'edu.assessment.scheme': Probe('edu.assessment.scheme',
            own=a.scheme.id, other=b.scheme.id, write_field='name',
            create_values=scheme_values, make_record=new_scheme),
        'edu.assessment.threshold': Probe('edu.assessment.threshold',
            own=a.scheme.thresholds[0].id,
            other=b.scheme.thresholds[0].id, write_field='mark',
            create_values=threshold_values, make_record=new_threshold),
        }


class AccessMatrixSchoolTestCase(unittest.TestCase):
    "Access matrix of the school journal"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_school'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_access_matrix(self):
        """Each role's rights on the journal, the summative assessment and
        the marks; no role of school A reaches school B (R27.18, R12)"""
        schools = build_two_schools()
        a, b = build_journals(schools)
        matrix = AccessMatrix(schools.users, school_probes(schools, a, b))
        matrix.check(EXPECTED, isolated_models=MODELS)

    @with_transaction()
    def test_negatives(self):
        """A teacher cannot mark in a class they do not teach, a parent
        cannot read another child, a homeroom teacher reads the class but
        marks nothing, nobody writes in a closed quarter (R27.18)"""
        from trytond.modules.edu_school.tests.tools import (
            person, savepoint)
        pool = Pool()
        Lesson = pool.get('edu.lesson')
        Entry = pool.get('edu.journal.entry')
        Result = pool.get('edu.summative.result')
        PeriodMark = pool.get('edu.period.mark')
        Period = pool.get('edu.academic.period')
        Class = pool.get('edu.class')
        Enrolment = pool.get('edu.class.enrolment')
        schools = build_two_schools()
        a, b = build_journals(schools)
        matrix = AccessMatrix(schools.users, school_probes(schools, a, b))
        learner = schools.persons['learner']
        other = schools.persons['other_learner']

        # a class 8 А the teacher does not teach: the colleague's lesson
        class_8, = Class.create([{
                    'company': schools.school_a, 'year': a.year.id,
                    'name': '8 А', 'grade': 8, 'language': 'ru'}])
        pupil = person(schools.school_a, "Ким", "Виктор",
            dt.date(2011, 4, 4), 'male', is_learner=True)
        Enrolment.create([{'class_': class_8.id, 'learner': pupil.id,
                    'start_date': dt.date(2025, 9, 1)}])
        foreign, = Lesson.create([{
                    'company': schools.school_a, 'class_': class_8.id,
                    'subject': a.maths.id, 'date': dt.date(2025, 9, 12),
                    'teacher': schools.sample_a['party']}])
        physics = Lesson.search([('class_', '=', a.class_.id),
                ('subject', '=', a.physics.id)])[0]
        with matrix.as_user(schools.users['teacher']):
            for lesson, learner_id in [(foreign, pupil.id),
                    (physics, learner)]:
                with self.assertRaises(UserError), savepoint():
                    Entry.record(lesson.id, learner_id, mark=9)
            self.assertFalse(Entry.search(
                    [('lesson', '=', foreign.id)]))
            # the own lesson is marked
            entry = Entry.record(a.lessons[1].id, learner, mark=10)
            self.assertEqual(entry.mark, 10)
            # nor the marks are computed by the teacher
            with self.assertRaises(UserError), savepoint():
                PeriodMark.compute(a.class_, a.maths, a.q1)

        # the parent sees the own child only
        with matrix.as_user(schools.users['parent']):
            found = {e.learner.id for e in Entry.search([])}
            self.assertEqual(found, {learner})
            self.assertFalse(Entry.search([('learner', '=', other)]))
            hidden = Entry.search([], limit=1)
            self.assertTrue(hidden)
        other_entry, = Entry.search([('lesson', '=', a.lessons[0].id),
                ('learner', '=', other)])
        with matrix.as_user(schools.users['parent']):
            with self.assertRaises(UserError):
                Entry.read([other_entry.id], ['mark'])
            self.assertEqual(len(Lesson.diary(
                        learner, dt.date(2025, 9, 1),
                        dt.date(2025, 9, 7))), 3)
        with matrix.as_user(schools.users['learner']):
            self.assertEqual({e.learner.id for e in Entry.search([])},
                {learner})

        # the homeroom teacher reads the whole class, marks nothing
        with matrix.as_user(schools.users['tutor']):
            grid = Entry.grid(a.class_.id, a.maths.id, a.q1.id)
            self.assertEqual({l['id'] for l in grid['learners']},
                {l.id for l in a.learners})
            self.assertIn(other, {l['id'] for l in grid['learners']})
            self.assertEqual(len(grid['cells']), len(a.learners) * 3)
            with self.assertRaises(UserError), savepoint():
                Entry.record(a.lessons[2].id, learner, mark=3)

        # the director closes the quarter: the marks are computed, then
        # nobody writes
        with matrix.as_user(schools.users['director']):
            Period.close([Period(a.q1.id)])
        for role, attempt in [
                ('teacher', lambda: Entry.record(
                        a.lessons[0].id, learner, mark=5)),
                ('teacher', lambda: Result.record(a.work.id, learner, 9)),
                ('director', lambda: PeriodMark.compute(
                        a.class_, a.maths, a.q1)),
                ]:
            with matrix.as_user(schools.users[role]):
                with self.assertRaises(UserError), savepoint():
                    attempt()
