# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of edu_analytics (R27.5, R27.15): the figures of the three
reports on a small journal, counted by hand."""
import datetime as dt
import io
import re
import zipfile

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.edu_school.tests.tools import build_school
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


def fill_journal(ns):
    """Hold two maths lessons and a physics lesson of September 2025,
    cancel a third maths lesson, and fill the journal of the 4 learners:

    ========  ===========  ===========  ===========
    learner   maths 1      maths 2      physics 1
    ========  ===========  ===========  ===========
    L1        present 8    present 9    present 7
    L2        present 6    sick         present
    L3        absent       excused      present
    L4        late 10      present 5    absent
    ========  ===========  ===========  ===========

    then compute the quarter marks of maths; return the lessons"""
    pool = Pool()
    Lesson = pool.get('edu.lesson')
    Entry = pool.get('edu.journal.entry')
    PeriodMark = pool.get('edu.period.mark')
    Lesson.generate(ns.timetable, dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    maths = Lesson.search([('subject', '=', ns.maths.id)],
        order=[('date', 'ASC')])
    physics = Lesson.search([('subject', '=', ns.physics.id)],
        order=[('date', 'ASC')])
    m1, m2, m3 = maths[:3]
    p1 = physics[0]
    Lesson.hold([m1, m2, p1])
    Lesson.cancel([m3])
    l1, l2, l3, l4 = ns.learners
    for lesson, learner, attendance, mark in [
            (m1, l1, 'present', 8), (m1, l2, 'present', 6),
            (m1, l3, 'absent', None), (m1, l4, 'late', 10),
            (m2, l1, 'present', 9), (m2, l2, 'sick', None),
            (m2, l3, 'absent_excused', None), (m2, l4, 'present', 5),
            (p1, l1, 'present', 7), (p1, l2, 'present', None),
            (p1, l3, 'present', None), (p1, l4, 'absent', None),
            ]:
        Entry.record(lesson.id, learner.id, attendance=attendance,
            mark=mark)
    PeriodMark.compute(ns.class_, ns.maths, ns.q1)
    return m1, m2, m3, p1


class EduAnalyticsTestCase(ModuleTestCase):
    "Test edu_analytics module"
    module = 'edu_analytics'

    @with_transaction()
    def test_reports(self):
        "Progress, attendance and teacher results counted by hand"
        pool = Pool()
        Progress = pool.get('edu.analytics.progress')
        Attendance = pool.get('edu.analytics.attendance')
        TeacherResult = pool.get('edu.analytics.teacher')
        PeriodMark = pool.get('edu.period.mark')
        company = create_company()
        with set_company(company):
            ns = build_school(company.id, learners=4)
            fill_journal(ns)
            l1, l2, l3, l4 = ns.learners
            # the quarter marks of edu_school's scheme: formative average
            # in percent of 10 → 85 % is 5, 60 % is 3, 75 % is 4; L3 has
            # no mark
            marks = {m.learner: m.mark for m in PeriodMark.search([
                        ('subject', '=', ns.maths.id)])}
            self.assertEqual(
                (marks.get(l1), marks.get(l2), marks.get(l4)), (5, 3, 4))
            final = [m for m in marks.values() if m is not None]
            good = sum(1 for m in final if m >= 4)
            passed = sum(1 for m in final if m >= 3)

            rows = {r.subject: r for r in Progress.search([])}
            self.assertEqual(set(rows), {ns.maths, ns.physics})
            maths = rows[ns.maths]
            self.assertEqual(
                (maths.period, maths.class_, maths.learners, maths.marks,
                    maths.period_marks),
                (ns.q1, ns.class_, 4, 5, len(final)))
            # (8 + 6 + 10 + 9 + 5) / 5
            self.assertAlmostEqual(maths.average, 7.6)
            self.assertAlmostEqual(maths.quality, 100 * good / len(final))
            self.assertAlmostEqual(maths.success, 100 * passed / len(final))
            physics = rows[ns.physics]
            self.assertEqual(
                (physics.learners, physics.marks, physics.average,
                    physics.period_marks, physics.quality, physics.success),
                (4, 1, 7.0, 0, None, None))

            # the cancelled and the planned lessons do not count
            row, = Attendance.search([])
            self.assertEqual(
                (row.period, row.class_, row.lessons, row.entries,
                    row.present, row.late, row.absent_excused, row.absent,
                    row.sick),
                (ns.q1, ns.class_, 3, 12, 7, 1, 1, 2, 1))
            # present or late: 8 of 12
            self.assertAlmostEqual(row.rate, 200 / 3)

            rows = {r.teacher: r for r in TeacherResult.search([])}
            teacher, colleague = rows[ns.teacher], rows[ns.colleague]
            self.assertEqual(
                (teacher.subject, teacher.lessons, teacher.learners,
                    teacher.marks, teacher.period_marks),
                (ns.maths, 2, 4, 5, len(final)))
            self.assertAlmostEqual(teacher.average, 7.6)
            self.assertAlmostEqual(teacher.quality, 100 * good / len(final))
            self.assertEqual(
                (colleague.subject, colleague.lessons, colleague.learners,
                    colleague.marks, colleague.average),
                (ns.physics, 1, 4, 1, 7.0))

            # the filters of the context
            with Transaction().set_context(period=ns.periods[1].id):
                self.assertEqual(Progress.search([], count=True), 0)
                self.assertEqual(Attendance.search([], count=True), 0)
            with Transaction().set_context(period=ns.q1.id,
                    teacher=ns.colleague.id):
                self.assertEqual(
                    [r.subject for r in Progress.search([])], [ns.physics])
                self.assertEqual(Attendance.search([])[0].lessons, 1)
                self.assertEqual(
                    [r.teacher for r in TeacherResult.search([])],
                    [ns.colleague])

    @with_transaction()
    def test_export(self):
        "The XLSX export has a sheet per report with the figures"
        from trytond.modules.edu_analytics.analytics import workbook
        company = create_company()
        with set_company(company):
            ns = build_school(company.id, learners=4)
            fill_journal(ns)
            data = workbook(company.id)
        book = zipfile.ZipFile(io.BytesIO(data))
        sheets = [n for n in book.namelist()
            if n.startswith('xl/worksheets/sheet')]
        self.assertEqual(len(sheets), 3)
        strings = book.read('xl/sharedStrings.xml').decode()
        for text in ["Quality (%)", "Attendance (%)", "7 Ә",
                "Математика"]:
            self.assertIn(text, strings)
        attendance = book.read('xl/worksheets/sheet2.xml').decode()
        # header and one row; 12 entries, 66.67 %
        self.assertEqual(len(re.findall('<row ', attendance)), 2)
        self.assertIn('<v>12</v>', attendance)
        self.assertIn('<v>66.67</v>', attendance)

    @with_transaction()
    def test_feedback_timetable_teachers(self):
        """With the timetable, a parent writes to any teacher of a weekly
        lesson of the child's class, not to another member of the staff
        (edu_feedback, R27.16)"""
        from trytond.exceptions import UserError
        from trytond.modules.edu_school.tests.tools import person
        pool = Pool()
        Thread = pool.get('edu.message.thread')
        Relation = pool.get('party.relation')
        Data = pool.get('ir.model.data')
        company = create_company()
        with set_company(company):
            ns = build_school(company.id, learners=1)
            learner, = ns.learners
            mother = person(company.id, "Асанова", "Гүлнар",
                dt.date(1985, 5, 5), is_representative=True)
            Relation.create([{'from_': mother.id, 'to': learner.id,
                        'type': Data.get_id('edu_base', 'relation_mother')}])
            other = person(company.id, "Ким", "Елена", dt.date(1980, 1, 1),
                is_staff=True)
            for teacher in [ns.teacher, ns.colleague]:
                Thread.create([{'company': company.id, 'subject': "?",
                            'learner': learner.id, 'teacher': teacher.id,
                            'parent': mother.id}])
            with self.assertRaises(UserError):
                Thread.create([{'company': company.id, 'subject': "?",
                            'learner': learner.id, 'teacher': other.id,
                            'parent': mother.id}])


del ModuleTestCase
