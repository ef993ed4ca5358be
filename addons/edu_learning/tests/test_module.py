# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Unit tests of the learning core (R27.1, R27.2, R27.4, R27.6, R27.12)."""
import datetime as dt
import itertools
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import (
    AccessError, RequiredValidationError, SQLConstraintError,
    ValidationError)
from trytond.modules.company.tests import create_company
from trytond.modules.edu_base.kz_id import make_iin
from trytond.modules.edu_learning.academic import (
    equal_parts, kazakh_quarters, kazakh_semesters)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

_serials = itertools.count(300)


def _person(company, last, is_learner=False, is_staff=False,
        birth=dt.date(2012, 3, 4)):
    Party = Pool().get('party.party')
    party, = Party.create([{
                'is_person': True,
                'organisation': company.id,
                'last_name': last,
                'first_name': "Тест",
                'iin': make_iin(birth, 'male', next(_serials)),
                'is_learner': is_learner,
                'is_staff': is_staff,
                }])
    return party


def _year(company, start=dt.date(2026, 9, 1), end=dt.date(2027, 5, 25),
        name="2026–2027", periods=True):
    Year = Pool().get('edu.academic.year')
    year, = Year.create([{
                'company': company.id, 'name': name,
                'start_date': start, 'end_date': end,
                }])
    if periods:
        Year.create_periods([year])
    return year


def _class(company, year, name="7 Ә", grade=7, language='kk'):
    Class = Pool().get('edu.class')
    class_, = Class.create([{
                'company': company.id, 'year': year.id, 'name': name,
                'grade': grade, 'language': language,
                }])
    return class_


def _movement(company, kind, learner, number, date, from_class=None,
        to_class=None, **values):
    Movement = Pool().get('edu.contingent.movement')
    movement, = Movement.create([{
                'company': company.id, 'kind': kind, 'learner': learner.id,
                'number': number, 'date': date, 'effective_date': date,
                'from_class': from_class.id if from_class else None,
                'to_class': to_class.id if to_class else None,
                **values}])
    return movement


class EduLearningTestCase(ModuleTestCase):
    "Test edu_learning module"
    module = 'edu_learning'

    def test_kazakh_quarters(self):
        "The quarters of 2026–2027 follow the Kazakh calendar (R27.12)"
        quarters = kazakh_quarters(dt.date(2026, 9, 1), dt.date(2027, 5, 25))
        self.assertEqual(quarters, [
                (dt.date(2026, 9, 1), dt.date(2026, 10, 25)),
                (dt.date(2026, 11, 2), dt.date(2026, 12, 27)),
                (dt.date(2027, 1, 8), dt.date(2027, 3, 18)),
                (dt.date(2027, 3, 29), dt.date(2027, 5, 25)),
                ])
        # 2025–2026 as the ministry's order fixed it
        quarters = kazakh_quarters(dt.date(2025, 9, 1), dt.date(2026, 5, 25))
        self.assertEqual([q[1] for q in quarters[:2]],
            [dt.date(2025, 10, 26), dt.date(2025, 12, 28)])
        self.assertEqual(quarters[3][0], dt.date(2026, 3, 30))
        for (_, end), (start, _) in zip(quarters, quarters[1:]):
            self.assertGreater((start - end).days, 1, msg="holidays")

    def test_semesters_and_equal_parts(self):
        halves = kazakh_semesters(dt.date(2026, 9, 1), dt.date(2027, 5, 25))
        self.assertEqual(halves, [
                (dt.date(2026, 9, 1), dt.date(2026, 12, 27)),
                (dt.date(2027, 1, 8), dt.date(2027, 5, 25))])
        parts = equal_parts(dt.date(2027, 1, 1), dt.date(2027, 6, 30), 3)
        self.assertEqual(parts[0][0], dt.date(2027, 1, 1))
        self.assertEqual(parts[-1][1], dt.date(2027, 6, 30))
        for (_, end), (start, _) in zip(parts, parts[1:]):
            self.assertEqual((start - end).days, 1)

    @with_transaction()
    def test_create_periods(self):
        "create_periods makes the 4 quarters, find() finds them (R27.12)"
        pool = Pool()
        Year = pool.get('edu.academic.year')
        Period = pool.get('edu.academic.period')
        company = create_company()
        year = _year(company)
        self.assertEqual([p.number for p in year.periods], [1, 2, 3, 4])
        self.assertTrue(all(p.company == company for p in year.periods))
        self.assertEqual(Year.find(company.id, dt.date(2026, 11, 5)), year)
        self.assertIsNone(Year.find(company.id, dt.date(2026, 7, 1)))
        period = Period.find(company.id, dt.date(2026, 11, 5))
        self.assertEqual(period.number, 2)
        # in the autumn holidays there is no period
        self.assertIsNone(Period.find(company.id, dt.date(2026, 10, 28)))
        # a second call does not duplicate
        Year.create_periods([year])
        self.assertEqual(len(Year(year.id).periods), 4)

    @with_transaction()
    def test_period_rules(self):
        "A period lies inside its year and does not overlap another"
        pool = Pool()
        Period = pool.get('edu.academic.period')
        Year = pool.get('edu.academic.year')
        company = create_company()
        year = _year(company, periods=False)
        period, = Period.create([{'year': year.id, 'number': 1,
                    'name': "I", 'start_date': dt.date(2026, 9, 1),
                    'end_date': dt.date(2026, 10, 25)}])

        def check(start, end):
            Period.check_dates([Period(year=year, number=2, name="II",
                        start_date=start, end_date=end)])
        check(dt.date(2026, 11, 2), dt.date(2026, 12, 27))
        for start, end in [
                (dt.date(2026, 10, 20), dt.date(2026, 12, 27)),  # overlap
                (dt.date(2027, 4, 1), dt.date(2027, 6, 27)),  # after year
                (dt.date(2026, 8, 1), dt.date(2026, 8, 31)),  # before year
                (dt.date(2026, 12, 27), dt.date(2026, 11, 2)),  # reversed
                ]:
            with self.subTest(start=start, end=end):
                with self.assertRaises(ValidationError):
                    check(start, end)
        # overlapping years of one organisation are refused
        with self.assertRaises(ValidationError):
            Year.create([{'company': company.id, 'name': "bis",
                        'start_date': dt.date(2027, 5, 1),
                        'end_date': dt.date(2028, 5, 25)}])
        # and the rules hold when the records are saved
        with self.assertRaises(ValidationError):
            Period.write([period], {'end_date': dt.date(2027, 8, 1)})

    @with_transaction()
    def test_period_close_check_open_reopen(self):
        "A closed period refuses its dates; reopening is journalled"
        pool = Pool()
        Period = pool.get('edu.academic.period')
        AuditEntry = pool.get('edu.audit.entry')
        company = create_company()
        year = _year(company)
        first = year.periods[0]
        Period.check_open(company.id, [dt.date(2026, 9, 15)])
        Period.close([first])
        with self.assertRaises(UserError) as cm:
            Period.check_open(company.id,
                [dt.date(2026, 12, 1), dt.date(2026, 9, 15)])
        self.assertIn(first.name, cm.exception.message)
        # other dates and other organisations are not concerned
        Period.check_open(company.id, [dt.date(2026, 12, 1), None])
        other = create_company(name="Other")
        Period.check_open(other.id, [dt.date(2026, 9, 15)])
        with self.assertRaises(UserError):
            Period.delete([first])
        Period.reopen([first])
        self.assertEqual(first.state, 'open')
        entries = AuditEntry.search([
                ('operation', '=', 'academic_period_reopen'),
                ('record_id', '=', first.id)])
        self.assertEqual(len(entries), 1)
        Period.check_open(company.id, [dt.date(2026, 9, 15)])

    @with_transaction()
    def test_subject_catalogue(self):
        "The national catalogue is data, in three languages (R27.7)"
        pool = Pool()
        Subject = pool.get('edu.subject')
        Lang = pool.get('ir.lang')
        subjects = Subject.search([('national', '=', True)])
        self.assertGreaterEqual(len(subjects), 25)
        english, = Subject.search([('code', '=', 'ENGLISH')])
        self.assertTrue(english.subgroups)
        maths, = Subject.search([('code', '=', 'MATHEMATICS')])
        self.assertFalse(maths.subgroups)
        self.assertEqual(maths.area, 'mathematics')
        languages = Lang.search([('code', 'in', ['kk', 'ru'])])
        with Transaction().set_user(0):
            Lang.write(languages, {'translatable': True})
            Lang.load_translations(languages)
        with Transaction().set_context(language='kk'):
            self.assertEqual(Subject(english.id).name, "Ағылшын тілі")
        with Transaction().set_context(language='ru'):
            self.assertEqual(Subject(english.id).name, "Английский язык")
        # a school's own subject; codes are unique
        company = create_company()
        own, = Subject.create([{'name': "Робототехника", 'code': 'ROBO',
                    'area': 'it', 'company': company.id}])
        self.assertFalse(own.national)
        with self.assertRaises(SQLConstraintError):
            Subject.create([{'name': "X", 'code': 'ROBO'}])

    @with_transaction()
    def test_subject_subgroups_default(self):
        Subject = Pool().get('edu.subject')
        subject = Subject(area='language')
        subject.on_change_area()
        self.assertTrue(subject.subgroups)
        subject.area = 'science'
        subject.on_change_area()
        self.assertFalse(subject.subgroups)

    @with_transaction()
    def test_class(self):
        "Class names are unique in the year, the teacher is staff (R27.3)"
        pool = Pool()
        Class = pool.get('edu.class')
        company = create_company()
        year = _year(company)
        class_ = _class(company, year)
        learner = _person(company, "Оқушы", is_learner=True)
        with self.assertRaises(ValidationError):
            Class.write([class_], {'homeroom_teacher': learner.id})
        teacher = _person(company, "Мұғалім", is_staff=True,
            birth=dt.date(1980, 1, 1))
        Class.write([class_], {'homeroom_teacher': teacher.id})
        # the year of another organisation is refused
        other = create_company(name="Other")
        with self.assertRaises(ValidationError):
            Class.create([{'company': other.id, 'year': year.id,
                        'name': "1 А", 'grade': 1, 'language': 'ru'}])
        new = Class(grade=5, letter="Б")
        self.assertEqual(new.on_change_with_name(), "5 Б")
        # (an SQL constraint error rolls the transaction back: last)
        with self.assertRaises(SQLConstraintError):
            _class(company, year)

    @with_transaction()
    def test_contingent_enrol_transfer_depart(self):
        """Enrolment, transfer and departure orders make the history of
        the learner; one class at a time (R27.4, R19.14)"""
        pool = Pool()
        Enrolment = pool.get('edu.class.enrolment')
        Movement = pool.get('edu.contingent.movement')
        Class = pool.get('edu.class')
        Party = pool.get('party.party')
        AuditEntry = pool.get('edu.audit.entry')
        company = create_company()
        year = _year(company)
        class_a = _class(company, year, "7 А")
        class_b = _class(company, year, "7 Ә")
        learner = _person(company, "Асанов", is_learner=True)
        enrol = _movement(company, 'enrolment', learner, "7-А/2026-0001",
            dt.date(2026, 9, 1), to_class=class_a)
        Movement.confirm([enrol])
        self.assertEqual(enrol.state, 'done')
        enrolment, = enrol.enrolments
        self.assertEqual(enrolment.class_, class_a)
        self.assertEqual(enrolment.company, company)
        with Transaction().set_context(date=dt.date(2026, 10, 1)):
            self.assertEqual(Class(class_a.id).learners, (learner,))
            self.assertEqual(Class(class_a.id).learner_count, 1)
            self.assertEqual(
                Class.search([('learners', '=', learner.id)]), [class_a])
        # a second enrolment at the same time is refused
        double = _movement(company, 'enrolment', learner, "7-Ә/2026-0001",
            dt.date(2026, 10, 1), to_class=class_b)
        with self.assertRaises(UserError) as cm:
            Movement.confirm([double])
        self.assertIn("7 А", cm.exception.message)
        self.assertEqual(Movement(double.id).state, 'draft')
        Movement.cancel([double])

        transfer = _movement(company, 'transfer', learner, "7-А/2026-0002",
            dt.date(2026, 11, 2), from_class=class_a, to_class=class_b,
            reason='other', note="Тіл тобы")
        Movement.confirm([transfer])
        old, = transfer.ended_enrolments
        new, = transfer.enrolments
        self.assertEqual(old.end_date, dt.date(2026, 11, 1))
        self.assertEqual(new.start_date, dt.date(2026, 11, 2))
        self.assertEqual(new.class_, class_b)

        departure = _movement(company, 'departure', learner,
            "7-Ә/2026-0003", dt.date(2027, 2, 10), from_class=class_b,
            reason='residence', other_organisation="Алматы, №5 мектеп")
        Movement.confirm([departure])
        self.assertEqual(Enrolment(new.id).end_date, dt.date(2027, 2, 10))
        history = Enrolment.search([('learner', '=', learner.id)],
            order=[('start_date', 'ASC')])
        self.assertEqual([(e.class_.name, e.start_date, e.end_date)
                for e in history], [
                ("7 А", dt.date(2026, 9, 1), dt.date(2026, 11, 1)),
                ("7 Ә", dt.date(2026, 11, 2), dt.date(2027, 2, 10)),
                ])
        self.assertEqual(len(Party(learner.id).movements), 4)

        # history is never modified nor deleted
        with self.assertRaises(AccessError):
            Movement.write([departure], {'note': "changed"})
        with self.assertRaises(AccessError):
            Movement.write([departure], {'state': 'draft'})
        with self.assertRaises(AccessError):
            Movement.delete([enrol])
        with self.assertRaises(AccessError):
            Enrolment.write([old], {'end_date': dt.date(2026, 12, 1)})
        with self.assertRaises(AccessError):
            Enrolment.delete([old])
        Enrolment.write([old], {'subgroup': '1'})
        # journalled
        confirmed = AuditEntry.search([
                ('operation', '=', 'contingent_movement_confirm')])
        self.assertEqual({e.record_id for e in confirmed},
            {enrol.id, transfer.id, departure.id})
        created = AuditEntry.search([
                ('model', '=', 'edu.contingent.movement'),
                ('action', '=', 'create')])
        self.assertEqual(len(created), 4)

    @with_transaction()
    def test_contingent_rules(self):
        "Orders are checked before they change anything"
        pool = Pool()
        Movement = pool.get('edu.contingent.movement')
        Enrolment = pool.get('edu.class.enrolment')
        Period = pool.get('edu.academic.period')
        company = create_company()
        year = _year(company)
        class_a = _class(company, year, "5 А", grade=5)
        learner = _person(company, "Бекова", is_learner=True)
        # departure of a learner who is not in the class
        departure = _movement(company, 'departure', learner, "1",
            dt.date(2026, 9, 10), from_class=class_a)
        with self.assertRaises(UserError):
            Movement.confirm([departure])
        # a learner of another organisation cannot be enrolled
        other = create_company(name="Other")
        stranger = _person(other, "Бөгде", is_learner=True)
        with self.assertRaises(ValidationError):
            Enrolment.create([{'class_': class_a.id,
                        'learner': stranger.id,
                        'start_date': dt.date(2026, 9, 1)}])
        # nothing is confirmed in a closed period, all or nothing
        Period.close([year.periods[0]])
        ok = _movement(company, 'enrolment', learner, "2",
            dt.date(2026, 11, 2), to_class=class_a)
        closed = _movement(company, 'arrival', learner, "3",
            dt.date(2026, 9, 15), to_class=class_a)
        with self.assertRaises(UserError):
            Movement.confirm([ok, closed])
        self.assertFalse(Enrolment.search([('learner', '=', learner.id)]))
        # a required class is checked
        with self.assertRaises(RequiredValidationError):
            _movement(company, 'arrival', learner, "4", dt.date(2026, 11, 3))
        # a learner appears once in an order (rolls back: last)
        with self.assertRaises(SQLConstraintError):
            _movement(company, 'enrolment', learner, "1",
                dt.date(2026, 9, 1), to_class=class_a)

    @with_transaction()
    def test_current_class(self):
        "current_class follows today's enrolment (R27.1)"
        pool = Pool()
        Enrolment = pool.get('edu.class.enrolment')
        Party = pool.get('party.party')
        company = create_company()
        today = dt.date.today()
        year = _year(company, start=today - dt.timedelta(days=100),
            end=today + dt.timedelta(days=100), periods=False)
        class_ = _class(company, year)
        learner = _person(company, "Ахмет", is_learner=True)
        self.assertIsNone(learner.current_class)
        Enrolment.create([{'class_': class_.id, 'learner': learner.id,
                    'start_date': today - dt.timedelta(days=10)}])
        self.assertEqual(Party(learner.id).current_class, class_)
        self.assertEqual(
            Party.search([('current_class', '=', class_.id)]), [learner])
        # manual enrolments (without order) may be corrected
        enrolment, = Enrolment.search([('learner', '=', learner.id)])
        Enrolment.write([enrolment], {'end_date': today - dt.timedelta(1)})
        self.assertIsNone(Party(learner.id).current_class)
        Enrolment.delete([enrolment])

    @with_transaction()
    def test_study_plan(self):
        "Study plan lines: one per subject, hours > 0 (R27.6)"
        pool = Pool()
        Plan = pool.get('edu.study.plan')
        Line = pool.get('edu.study.plan.line')
        Subject = pool.get('edu.subject')
        company = create_company()
        year = _year(company, periods=False)
        english, = Subject.search([('code', '=', 'ENGLISH')])
        maths, = Subject.search([('code', '=', 'MATHEMATICS')])
        plan, = Plan.create([{'company': company.id, 'year': year.id,
                    'name': "1 сынып (қаз.)", 'grade': 1, 'language': 'kk',
                    'weeks': 33, 'lines': [('create', [
                                {'subject': maths.id, 'hours': 4},
                                {'subject': english.id,
                                    'hours': Decimal('2')},
                                ])]}])
        self.assertEqual(plan.total_hours, Decimal(6))
        lines = {l.subject: l for l in plan.lines}
        self.assertTrue(lines[english].subgroups)
        self.assertFalse(lines[maths].subgroups)
        self.assertEqual(lines[maths].annual_hours, Decimal(132))
        with self.assertRaises(ValidationError):
            Line.write([lines[maths]], {'hours': 0})
        self.assertEqual(Plan.find(year.id, 1, 'kk'), plan)
        self.assertEqual(Plan.find(year.id, 1, 'ru'), None)
        new = Plan(grade=1)
        new.on_change_grade()
        self.assertEqual(new.weeks, 33)
        with self.assertRaises(SQLConstraintError):
            Line.create([{'plan': plan.id, 'subject': maths.id,
                        'hours': 1}])

    @with_transaction()
    def test_teacher_record(self):
        "Teacher records make the profile; changes are journalled (R27.2)"
        pool = Pool()
        Record = pool.get('edu.teacher.record')
        Party = pool.get('party.party')
        company = create_company()
        teacher = _person(company, "Нұрланов", is_staff=True,
            birth=dt.date(1985, 4, 12))
        Record.create([
                {'person': teacher.id, 'company': company.id,
                    'kind': 'category', 'name': "Педагог-сарапшы",
                    'category': 'expert', 'date': dt.date(2022, 6, 1)},
                {'person': teacher.id, 'company': company.id,
                    'kind': 'attestation', 'name': "Аттестация",
                    'category': 'researcher', 'date': dt.date(2025, 6, 1)},
                {'person': teacher.id, 'company': company.id,
                    'kind': 'course', 'name': "Өрлеу", 'hours': 72,
                    'date': dt.date(2024, 3, 1)},
                ])
        self.assertEqual(Party(teacher.id).teacher_category, 'researcher')
        self.assertEqual(len(Party(teacher.id).teacher_records), 3)
        # personal data: creations and changes are journalled (R5.13)
        AuditEntry = pool.get('edu.audit.entry')
        course, = Record.search([('kind', '=', 'course')])
        Record.write([course], {'hours': 80})
        entries = AuditEntry.search([('model', '=', 'edu.teacher.record')])
        self.assertEqual(sorted(e.action for e in entries),
            ['create', 'create', 'create', 'write'])
        write, = [e for e in entries if e.action == 'write']
        self.assertEqual(write.changed_fields, 'hours')
        with self.assertRaises(ValidationError):
            Record.create([{'person': teacher.id, 'company': company.id,
                        'kind': 'course', 'name': "X", 'hours': 0}])

    @with_transaction()
    def test_achievement(self):
        "Achievements belong to the learner's profile (R27.1)"
        pool = Pool()
        Achievement = pool.get('edu.learner.achievement')
        Party = pool.get('party.party')
        company = create_company()
        learner = _person(company, "Оқушы", is_learner=True)
        Achievement.create([{'learner': learner.id, 'company': company.id,
                    'kind': 'olympiad', 'name': "Математика олимпиадасы",
                    'level': 'region', 'date': dt.date(2026, 12, 5),
                    'result': "II орын"}])
        self.assertEqual(len(Party(learner.id).achievements), 1)
        with self.assertRaises(RequiredValidationError):
            Achievement.create([{'learner': learner.id,
                        'company': company.id, 'kind': 'sport',
                        'date': dt.date(2026, 12, 5)}])


del ModuleTestCase
