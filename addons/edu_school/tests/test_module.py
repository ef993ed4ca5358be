# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of edu_school: dated lessons, journal, assessment (R27.8, R27.12,
R27.18)."""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from .tools import QueryCounter, build_school, person, savepoint


def _school(learners=4):
    company = create_company()
    return company, build_school(company.id, learners=learners)


class EduSchoolTestCase(ModuleTestCase):
    "Test edu_school module"
    module = 'edu_school'

    @with_transaction()
    def test_generate_lessons(self):
        """Lessons of the timetable for a date range: one per slot and
        school day, holidays skipped, generated once, substitutions taken
        (R27.8, R27.12)"""
        pool = Pool()
        Lesson = pool.get('edu.lesson')
        Substitution = pool.get('edu.substitution')
        company, ns = _school()
        with set_company(company):
            # 6 October 2025 is a Monday: maths on the 6th, substitute
            substitute = person(company.id, "Серікова", "Алма",
                dt.date(1980, 6, 6), is_staff=True)
            monday_slot, = [s for s in ns.timetable.slots
                if s.weekday == '0']
            Substitution.create([{
                        'company': company.id, 'date': dt.date(2025, 10, 6),
                        'slot': monday_slot.id,
                        'substitute': substitute.id, 'reason': 'illness'}])
            # September 2025: 5 Mondays, 5 Tuesdays, 4 Wednesdays
            created = Lesson.generate(ns.timetable,
                dt.date(2025, 9, 1), dt.date(2025, 9, 30))
            self.assertEqual(created, 14)
            self.assertEqual(Lesson.generate(ns.timetable,
                    dt.date(2025, 9, 1), dt.date(2025, 9, 30)), 0)
            lesson = Lesson.search([('date', '=', dt.date(2025, 9, 1))])[0]
            self.assertEqual(lesson.period, ns.q1)
            self.assertEqual(lesson.teacher, ns.teacher)
            self.assertEqual(lesson.start_time, dt.time(8, 30))
            self.assertEqual(lesson.room, ns.room)
            # 27 October – 2 November: autumn holidays, no lesson
            Lesson.generate(ns.timetable,
                dt.date(2025, 10, 1), dt.date(2025, 11, 9))
            self.assertFalse(Lesson.search([
                        ('date', '>=', dt.date(2025, 10, 27)),
                        ('date', '<=', dt.date(2025, 11, 2))]))
            self.assertTrue(Lesson.search([
                        ('date', '=', dt.date(2025, 11, 3))]))
            self.assertEqual(Lesson.search([
                        ('date', '=', dt.date(2025, 11, 3))])[0].period,
                ns.periods[1])
            substituted, = Lesson.search([
                    ('date', '=', dt.date(2025, 10, 6))])
            self.assertEqual(substituted.teacher, substitute)
            self.assertTrue(substituted.substitution)
            # a substitution entered after the generation moves the lesson
            # to the substitute; deleted, back to the timetable's teacher
            later, = Substitution.create([{
                        'company': company.id,
                        'date': dt.date(2025, 9, 8),
                        'slot': monday_slot.id,
                        'substitute': substitute.id, 'reason': 'training'}])
            lesson, = Lesson.search([('date', '=', dt.date(2025, 9, 8))])
            self.assertEqual((lesson.teacher, lesson.substitution),
                (substitute, True))
            Substitution.delete([later])
            lesson, = Lesson.search([('date', '=', dt.date(2025, 9, 8))])
            self.assertEqual((lesson.teacher, lesson.substitution),
                (ns.teacher, False))
            # by hand: a lesson on a holiday is refused
            with self.assertRaises(ValidationError), savepoint():
                Lesson.create([{
                            'date': dt.date(2025, 10, 29),
                            'class_': ns.class_.id,
                            'subject': ns.maths.id}])

    @with_transaction()
    def test_record_entries(self):
        """Attendance and formative marks 1..10 of enrolled learners only;
        one entry per lesson and learner (R27.12)"""
        pool = Pool()
        Lesson = pool.get('edu.lesson')
        Entry = pool.get('edu.journal.entry')
        Enrolment = pool.get('edu.class.enrolment')
        company, ns = _school()
        with set_company(company):
            Lesson.generate(ns.timetable,
                dt.date(2025, 9, 1), dt.date(2025, 9, 30))
            lesson = Lesson.search([('date', '=', dt.date(2025, 9, 1))])[0]
            first, second = ns.learners[:2]
            entry = Entry.record(lesson.id, first.id, mark=8)
            self.assertEqual((entry.attendance, entry.mark), ('present', 8))
            # upsert: the same entry is updated
            again = Entry.record(lesson.id, first.id, attendance='late')
            self.assertEqual(again, entry)
            self.assertEqual((again.attendance, again.mark), ('late', 8))
            self.assertEqual(Entry.record(
                    lesson.id, first.id, mark=0).mark, None)
            for mark in (0, 11):
                with self.assertRaises(ValidationError), savepoint():
                    Entry.create([{'lesson': lesson.id,
                                'learner': second.id, 'mark': mark}])
            with self.assertRaises(ValidationError), savepoint():
                Entry.record(lesson.id, second.id, attendance='sick',
                    mark=7)
            # a learner of another class is refused
            stranger = person(company.id, "Бөтен", "Оқушы",
                dt.date(2012, 5, 5), is_learner=True)
            with self.assertRaises(ValidationError) as cm, savepoint():
                Entry.record(lesson.id, stranger.id, mark=9)
            self.assertIn("Бөтен", cm.exception.message)
            # a learner who left before the lesson is refused too
            enrolment, = Enrolment.search([('learner', '=', second.id)])
            Enrolment.write([enrolment], {'end_date': dt.date(2025, 9, 15)})
            later = Lesson.search([('date', '=', dt.date(2025, 9, 22))])[0]
            with self.assertRaises(ValidationError), savepoint():
                Entry.record(later.id, second.id, attendance='absent')
            Entry.record(lesson.id, second.id, attendance='absent')
            # a cancelled lesson records nothing
            Lesson.cancel([later])
            with self.assertRaises(ValidationError), savepoint():
                Entry.record(later.id, first.id, mark=5)

    @with_transaction()
    def test_grid_constant_queries(self):
        """The journal grid and the recording of an entry run the same
        number of SQL queries for 2 and for 6 learners, for 4 and for 14
        lessons (the portal and the benchmark rely on it)"""
        pool = Pool()
        Lesson = pool.get('edu.lesson')
        Entry = pool.get('edu.journal.entry')
        Work = pool.get('edu.summative.work')
        Result = pool.get('edu.summative.result')
        company, ns = _school(learners=6)
        with set_company(company):
            Lesson.generate(ns.timetable,
                dt.date(2025, 9, 1), dt.date(2025, 10, 24))
            lessons = Lesson.search([('subject', '=', ns.maths.id)])
            work, = Work.create([{
                        'class_': ns.class_.id, 'subject': ns.maths.id,
                        'teacher': ns.teacher.id, 'kind': 'section',
                        'name': "СОр 1", 'date': dt.date(2025, 9, 26),
                        'max_score': 10}])

            def fill(count_lessons, learners):
                for lesson in lessons[:count_lessons]:
                    for learner in learners:
                        Entry.record(lesson.id, learner.id, mark=7)
                for learner in learners:
                    Result.record(work.id, learner.id, 8)

            def queries():
                with QueryCounter() as counter:
                    grid = Entry.grid(ns.class_.id, ns.maths.id, ns.q1.id)
                grid_count = counter.count
                with QueryCounter() as counter:
                    Entry.record(lessons[0].id, ns.learners[0].id, mark=9)
                return grid, grid_count, counter.count

            fill(4, ns.learners[:2])
            queries()  # the caches of the transaction are warm after
            grid, small, record_small = queries()
            self.assertEqual(len(grid['cells']), 8)
            fill(len(lessons), ns.learners)
            grid, large, record_large = queries()
            self.assertEqual(len(grid['learners']), 6)
            self.assertEqual(len(grid['lessons']), len(lessons))
            self.assertEqual(len(grid['cells']), 6 * len(lessons))
            self.assertEqual(len(grid['scores']), 6)
            self.assertEqual(grid['cells'][
                    f'{lessons[0].id}:{ns.learners[0].id}'],
                {'attendance': 'present', 'mark': 7})
            self.assertEqual(small, large)
            self.assertEqual(record_small, record_large)

    @with_transaction()
    def test_quarter_and_year_marks(self):
        """Quarter mark from the weights of the scheme, year mark from the
        quarter marks; closing a period locks everything (R27.8, R27.12)"""
        pool = Pool()
        Lesson = pool.get('edu.lesson')
        Entry = pool.get('edu.journal.entry')
        Work = pool.get('edu.summative.work')
        Result = pool.get('edu.summative.result')
        PeriodMark = pool.get('edu.period.mark')
        YearMark = pool.get('edu.year.mark')
        Period = pool.get('edu.academic.period')
        Scheme = pool.get('edu.assessment.scheme')
        company, ns = _school(learners=2)
        with set_company(company):
            Lesson.generate(ns.timetable,
                dt.date(2025, 9, 1), dt.date(2025, 9, 30))
            lessons = Lesson.search([('subject', '=', ns.maths.id)])
            learner, other = ns.learners
            # formative 9, 10, 9, 10 → 95 %
            for lesson, mark in zip(lessons, [9, 10, 9, 10]):
                Entry.record(lesson.id, learner.id, mark=mark)
            Entry.record(lessons[0].id, other.id, mark=4)
            sor1, sor2, soch = Work.create([{
                        'class_': ns.class_.id, 'subject': ns.maths.id,
                        'teacher': ns.teacher.id, 'kind': kind,
                        'name': name, 'date': date, 'max_score': max_score,
                        } for kind, name, date, max_score in [
                        ('section', "СОр 1", dt.date(2025, 9, 12), 10),
                        ('section', "СОр 2", dt.date(2025, 9, 26), 15),
                        ('quarter', "СОч", dt.date(2025, 10, 20), 20)]])
            self.assertEqual(sor1.period, ns.q1)
            # СОр 8/10 + 13/15 = 21/25 = 84 %; СОч 16/20 = 80 %
            Result.record(sor1.id, learner.id, 8)
            Result.record(sor2.id, learner.id, 13)
            Result.record(soch.id, learner.id, 16)
            with self.assertRaises(ValidationError), savepoint():
                Result.record(soch.id, other.id, 21)
            marks = PeriodMark.compute(ns.class_, ns.maths, ns.q1)
            mark, = [m for m in marks if m.learner == learner]
            # 25 % × 95 + 25 % × 84 + 50 % × 80 = 23.75 + 21 + 40 = 84.75
            self.assertEqual(
                (mark.formative_percent, mark.section_percent,
                    mark.quarter_percent, mark.total_percent, mark.mark),
                (Decimal('95'), Decimal('84'), Decimal('80'),
                    Decimal('84.75'), 4))
            # the other learner has only a formative mark 4 → 40 % → 3
            weak, = [m for m in marks if m.learner == other]
            self.assertEqual((weak.total_percent, weak.mark),
                (Decimal('40'), 3))
            # weights are data: 35/25/40 → 33.25 + 21 + 32 = 86.25 → 5
            scheme = Scheme.get_scheme(company.id)
            Scheme.write([scheme], {
                    'formative_weight': Decimal(35),
                    'quarter_weight': Decimal(40)})
            with self.assertRaises(ValidationError), savepoint():
                Scheme.write([scheme], {'quarter_weight': Decimal(41)})
            mark, = [m for m in PeriodMark.compute(
                        ns.class_, ns.maths, ns.q1) if m.learner == learner]
            self.assertEqual((mark.total_percent, mark.mark),
                (Decimal('86.25'), 5))
            # the grid shows the marks
            grid = Entry.grid(ns.class_.id, ns.maths.id, ns.q1.id)
            self.assertEqual(grid['marks'][str(learner.id)]['mark'], 5)
            self.assertEqual(grid['scores'][f'{soch.id}:{learner.id}'], 16)

            # closing the quarter: every write refused
            Period.close([ns.q1])
            for attempt in [
                    lambda: Entry.record(lessons[1].id, other.id, mark=6),
                    lambda: Entry.record(lessons[0].id, learner.id, mark=6),
                    lambda: Entry.delete(Entry.search([])),
                    lambda: Result.record(sor1.id, learner.id, 9),
                    lambda: Result.record(sor1.id, other.id, 5),
                    lambda: Work.write([sor1], {'max_score': 12}),
                    lambda: PeriodMark.compute(ns.class_, ns.maths, ns.q1),
                    lambda: PeriodMark.delete([mark]),
                    lambda: Lesson.write([lessons[0]], {'topic': "x"}),
                    ]:
                with self.assertRaises(UserError) as cm, savepoint():
                    attempt()
                self.assertIn(ns.q1.name, cm.exception.message)

            # second quarter: 5 → year mark round((5 + 4) / 2 = 4.5) = 5
            Lesson.generate(ns.timetable,
                dt.date(2025, 11, 3), dt.date(2025, 11, 30))
            q2_lessons = Lesson.search([
                    ('subject', '=', ns.maths.id), ('period', '=',
                        ns.periods[1].id)])
            for lesson, value in zip(q2_lessons, [7, 8]):
                Entry.record(lesson.id, learner.id, mark=value)
            q2, = [m for m in PeriodMark.compute(
                        ns.class_, ns.maths, ns.periods[1])
                if m.learner == learner]
            self.assertEqual((q2.total_percent, q2.mark),
                (Decimal('75'), 4))
            year_mark, = [m for m in YearMark.compute(ns.class_, ns.maths)
                if m.learner == learner]
            self.assertEqual((year_mark.period_marks, year_mark.mark),
                ('5, 4', 5))

    @with_transaction()
    def test_diary(self):
        "The learner's diary: lessons per day with attendance and mark"
        pool = Pool()
        Lesson = pool.get('edu.lesson')
        Entry = pool.get('edu.journal.entry')
        company, ns = _school(learners=2)
        with set_company(company):
            Lesson.generate(ns.timetable,
                dt.date(2025, 9, 1), dt.date(2025, 9, 7))
            lesson, = Lesson.search([('date', '=', dt.date(2025, 9, 1))])
            Lesson.write([lesson], {'topic': "Бөлшектер"})
            learner = ns.learners[0]
            Entry.record(lesson.id, learner.id, mark=9)
            days = Lesson.diary(
                learner.id, dt.date(2025, 9, 1), dt.date(2025, 9, 7))
            self.assertEqual([d['date'] for d in days], [
                    dt.date(2025, 9, 1), dt.date(2025, 9, 2),
                    dt.date(2025, 9, 3)])
            first = days[0]['lessons'][0]
            self.assertEqual(
                (first['subject'], first['topic'], first['mark'],
                    first['attendance'], first['start_time']),
                ("Математика", "Бөлшектер", 9, 'present',
                    dt.time(8, 30)))
            self.assertIsNone(days[1]['lessons'][0]['mark'])


del ModuleTestCase
