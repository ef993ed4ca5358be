# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Unit tests of the tarification (R19.16, R27.13)."""
import datetime as dt
import io
import itertools
import unittest
import zipfile
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.edu_base.kz_id import make_bin, make_iin
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    ModuleTestCase, activate_module, drop_db, with_transaction)

_serials = itertools.count(500)
BDO = Decimal('17697')
CENT = Decimal('0.01')


def _teacher(company, last, years=Decimal(4), level='higher',
        position='position_teacher', start=dt.date(2020, 9, 1)):
    "An employee of company on a teaching position with years of service"
    pool = Pool()
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    Data = pool.get('ir.model.data')
    party, = Party.create([{
                'is_person': True,
                'organisation': company.id,
                'last_name': last,
                'first_name': "Тест",
                'iin': make_iin(dt.date(1985, 3, 4), 'female',
                    next(_serials)),
                'is_staff': True,
                }])
    employee, = Employee.create([{
                'party': party.id,
                'company': company.id,
                'start_date': start,
                'hr_position': Data.get_id('edu_hr', position),
                'education_level': level,
                'diploma': 'ЖБ-Б 0012345, 2008',
                # service from the labour book only (no employment
                # history): the same years at every date
                'prior_service_days': int(
                    (years * Decimal('365.25')).to_integral_value()),
                }])
    return employee


def _category(company, employee, category, date):
    Record = Pool().get('edu.teacher.record')
    Record.create([{
                'person': employee.party.id,
                'company': company.id,
                'kind': 'category',
                'name': category,
                'date': date,
                'category': category,
                }])


def _list(company, date, reason, employees, hours=None):
    "A draft list with lines for employees, hours entered by hand"
    pool = Pool()
    TList = pool.get('edu.tarification.list')
    Line = pool.get('edu.tarification.line')
    tlist, = TList.create([{
                'company': company.id, 'date': date, 'reason': reason}])
    values = Line.tarify(company, [e.id for e in employees], date,
        entered={e.id: (hours or {}).get(e.id) for e in employees})
    lines = Line.create([{**v, 'list': tlist.id} for v in values.values()])
    Line.set_supplements(lines)
    return TList(tlist.id)


class EduTarificationTestCase(CompanyTestMixin, ModuleTestCase):
    "Test edu_tarification module"
    module = 'edu_tarification'

    def _company(self, kind='school'):
        company = create_company()
        company.party.bin = make_bin(2015, 4, 123)
        company.party.save()
        company.edu_kind = kind
        company.save()
        return company

    @with_transaction()
    def test_parameters(self):
        "БДО and coefficients are dated; the band of service selects (R19.16)"
        pool = Pool()
        BDO_ = pool.get('edu.tarification.bdo')
        Coefficient = pool.get('edu.tarification.coefficient')
        self.assertEqual(BDO_.get(dt.date(2026, 9, 1)), BDO)
        with self.assertRaises(UserError):
            BDO_.get(dt.date(2015, 1, 1))
        date = dt.date(2026, 9, 1)
        bands = [Coefficient.get('B', 'higher', Decimal(y), date)
            for y in ['0', '1', '2.5', '4', '7', '12', '17', '22', '30']]
        self.assertEqual(len(set(bands)), 9)
        self.assertEqual(bands, sorted(bands))
        # the upper bound of a band is excluded
        self.assertEqual(Coefficient.get('B', 'higher', Decimal(5), date),
            bands[4])
        # a new dated row wins from its date, the old one stays before
        Coefficient.create([{'date': dt.date(2027, 1, 1), 'block': 'B',
                    'education_level': 'higher',
                    'service_from': Decimal(0), 'service_to': None,
                    'coefficient': Decimal('7.000')}])
        self.assertEqual(Coefficient.get('B', 'higher', Decimal(4),
                dt.date(2027, 1, 1)), Decimal('7.000'))
        self.assertEqual(Coefficient.get('B', 'higher', Decimal(4), date),
            bands[3])

    @with_transaction()
    def test_official_salary_and_load_pay(self):
        "ДО = БДО × coefficient, load pay = ДО × hours / norm (R19.16)"
        pool = Pool()
        Coefficient = pool.get('edu.tarification.coefficient')
        Line = pool.get('edu.tarification.line')
        company = self._company('school')
        with set_company(company):
            teacher = _teacher(company, "Әбенова", years=Decimal(4))
            tlist = _list(company, dt.date(2026, 9, 1), 'annual', [teacher],
                hours={teacher.id: Decimal(20)})
            line, = tlist.lines
            coefficient = Coefficient.get('B', 'higher', Decimal(4),
                tlist.date)
            self.assertEqual(line.coefficient, coefficient)
            self.assertEqual(line.norm, Decimal(16))
            self.assertEqual(line.service_years, Decimal('4.00'))
            base = (BDO * coefficient).quantize(CENT)
            self.assertEqual(line.base_salary, base)
            self.assertEqual(line.load_pay,
                (base * 20 / 16).quantize(CENT))
            self.assertGreater(line.load_pay, line.base_salary)
            self.assertEqual(line.monthly_total, line.load_pay)
            # a change of the hours in draft recomputes the amounts
            Line.write([line], {'weekly_hours': Decimal(8)})
            self.assertEqual(line.load_pay, (base / 2).quantize(CENT))
            # the Compute button refills from the employee, the hours
            # entered by hand are kept
            TList = pool.get('edu.tarification.list')
            TList.compute([tlist])
            line = Line(line.id)
            self.assertEqual(line.weekly_hours, Decimal(8))
            self.assertEqual(line.load_pay, (base / 2).quantize(CENT))
            self.assertEqual(line.block, 'B')
            self.assertEqual(line.diploma, 'ЖБ-Б 0012345, 2008')

    @with_transaction()
    def test_college_norm(self):
        "The norm is 18 hours in a college, 16 hours without load = rate"
        company = self._company('college')
        with set_company(company):
            teacher = _teacher(company, "Бекова")
            tlist = _list(company, dt.date(2026, 9, 1), 'annual', [teacher])
            line, = tlist.lines
            self.assertEqual(line.norm, Decimal(18))
            # no load and nothing entered: the norm × the staff rate
            self.assertEqual(line.weekly_hours, Decimal(18))
            self.assertEqual(line.load_pay, line.base_salary)

    @with_transaction()
    def test_supplements(self):
        "Category on ДО, class supervision and others on БДО (R19.16)"
        pool = Pool()
        Line = pool.get('edu.tarification.line')
        Type = pool.get('edu.tarification.supplement.type')
        company = self._company('school')
        with set_company(company):
            teacher = _teacher(company, "Серікова", level='postgraduate')
            _category(company, teacher, 'expert', dt.date(2024, 5, 1))
            tlist = _list(company, dt.date(2026, 9, 1), 'annual', [teacher],
                hours={teacher.id: Decimal(16)})
            line, = tlist.lines
            self.assertEqual(line.category, 'expert')
            self.assertTrue(line.masters)
            by_code = {s.type.code: s.amount for s in line.supplements}
            self.assertEqual(by_code['CAT_EXP'],
                (line.base_salary * Decimal('0.35')).quantize(CENT))
            masters, = Type.search([('code', '=', 'MASTERS')])
            self.assertEqual(by_code['MASTERS'],
                (BDO * masters.percent / 100).quantize(CENT))
            self.assertNotIn('CLASS', by_code)
            # class supervision ticked by hand, supplements rebuilt
            Line.write([line], {'class_teacher': True})
            Line.set_supplements([line])
            line = Line(line.id)
            by_code = {s.type.code: s.amount for s in line.supplements}
            self.assertIn('CLASS', by_code)
            self.assertEqual(line.supplement_total, sum(by_code.values()))
            self.assertEqual(line.monthly_total,
                line.load_pay + line.supplement_total)

    @with_transaction()
    def test_approve_supersedes_and_get_monthly(self):
        """Approving a change list ends the previous line the day before;
        approved lines are read-only; get_monthly splits the month"""
        pool = Pool()
        TList = pool.get('edu.tarification.list')
        Line = pool.get('edu.tarification.line')
        company = self._company('school')
        with set_company(company):
            aigul = _teacher(company, "Айгүл")
            bolat = _teacher(company, "Болат", years=Decimal(12))
            _category(company, aigul, 'moderator', dt.date(2023, 5, 1))
            annual = _list(company, dt.date(2026, 9, 1), 'annual',
                [aigul, bolat])
            TList.approve([annual])
            old = {l.employee: l for l in annual.lines}[aigul]
            with self.assertRaises(AccessError):
                Line.write([old], {'weekly_hours': Decimal(10)})
            with self.assertRaises(AccessError):
                Line.delete([old])
            with self.assertRaises(AccessError):
                TList.delete([annual])

            _category(company, aigul, 'expert', dt.date(2027, 1, 15))
            change = _list(company, dt.date(2027, 1, 15), 'change', [aigul])
            TList.approve([change])
            new, = change.lines
            old = Line(old.id)
            self.assertEqual(old.date_to, dt.date(2027, 1, 14))
            self.assertEqual(new.date_from, dt.date(2027, 1, 15))
            self.assertIsNone(new.date_to)
            self.assertEqual(new.category, 'expert')
            self.assertEqual(old.category, 'moderator')
            self.assertGreater(new.monthly_total, old.monthly_total)

            monthly = Line.get_monthly(company, dt.date(2027, 1, 1),
                dt.date(2027, 1, 31))
            self.assertEqual(
                [(l.id, d) for l, d in monthly[aigul.id]],
                [(old.id, 14), (new.id, 17)])
            self.assertEqual([d for _, d in monthly[bolat.id]], [31])
            # before the change one line only, a draft list is ignored
            _list(company, dt.date(2026, 12, 10), 'change', [bolat])
            december = Line.get_monthly(company, dt.date(2026, 12, 1),
                dt.date(2026, 12, 31))
            self.assertEqual([(l.id, d) for l, d in december[aigul.id]],
                [(old.id, 31)])
            self.assertEqual(len(december[bolat.id]), 1)
            # nothing before the first list, nothing of another company
            self.assertEqual(Line.get_monthly(company, dt.date(2026, 8, 1),
                    dt.date(2026, 8, 31)), {})
            # a list dated before an approved line of the teacher is refused
            late = _list(company, dt.date(2027, 1, 10), 'change', [aigul])
            with self.assertRaises(UserError):
                TList.approve([late])

    @with_transaction()
    def test_recompute_and_annual_wizards(self):
        "Annual list of every teacher; recompute finds the changed ones"
        pool = Pool()
        TList = pool.get('edu.tarification.list')
        Create = pool.get('edu.tarification.create', type='wizard')
        Recompute = pool.get('edu.tarification.recompute', type='wizard')
        company = self._company('school')
        with set_company(company):
            aigul = _teacher(company, "Айгүл")
            bolat = _teacher(company, "Болат", years=Decimal(12))
            _teacher(company, "Кассир", position='position_accountant')
            session_id, _, _ = Create.create()
            create = Create(session_id)
            create.start.company = company
            create.start.date = dt.date(2026, 9, 1)
            _, action = create.do_create_({'views': [1, 2]})
            annual, = TList.search([('reason', '=', 'annual')])
            self.assertEqual({l.employee for l in annual.lines},
                {aigul, bolat})
            TList.approve([annual])
            date = dt.date(2027, 1, 15)
            # nothing changed: refused with a message
            self.assertEqual(Recompute.changed(company, date), [])
            _category(company, aigul, 'expert', date)
            self.assertEqual(Recompute.changed(company, date), [aigul])
            session_id, _, _ = Recompute.create()
            recompute = Recompute(session_id)
            recompute.start.company = company
            recompute.start.date = date
            recompute.do_recompute({'views': [1, 2]})
            change, = TList.search([('reason', '=', 'change')])
            line, = change.lines
            self.assertEqual(line.employee, aigul)
            self.assertEqual(line.category, 'expert')

    @with_transaction()
    def test_reports(self):
        "The list prints as a PDF and an XLSX"
        pool = Pool()
        PDF = pool.get('edu.tarification.list.report', type='report')
        XLSX = pool.get('edu.tarification.list.xlsx', type='report')
        company = self._company('school')
        with set_company(company):
            teacher = _teacher(company, "Әбенова")
            tlist = _list(company, dt.date(2026, 9, 1), 'annual', [teacher])
            ext, content, _, _ = PDF.execute([tlist.id], {})
            self.assertEqual(ext, 'pdf')
            self.assertTrue(bytes(content).startswith(b'%PDF'))
            ext, content, _, _ = XLSX.execute([tlist.id], {})
            self.assertEqual(ext, 'xlsx')
            names = zipfile.ZipFile(io.BytesIO(bytes(content))).namelist()
            self.assertIn('xl/worksheets/sheet1.xml', names)



class EduTarificationLoadTestCase(unittest.TestCase):
    "The load comes from edu_timetable when it is activated (R27.13)"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_tarification', 'edu_timetable'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_load_and_homeroom(self):
        """The weekly hours are the teacher's load of the academic year
        containing the date; a homeroom teacher gets class supervision"""
        pool = Pool()
        Year = pool.get('edu.academic.year')
        Class = pool.get('edu.class')
        Subject = pool.get('edu.subject')
        Assignment = pool.get('edu.teaching.assignment')
        Line = pool.get('edu.tarification.line')
        company = create_company()
        company.party.bin = make_bin(2015, 4, 123)
        company.party.save()
        company.edu_kind = 'school'
        company.save()
        with set_company(company):
            loaded = _teacher(company, "Жүктемелі")
            free = _teacher(company, "Жүктемесіз")
            year, = Year.create([{'company': company.id,
                        'name': "2026–2027",
                        'start_date': dt.date(2026, 9, 1),
                        'end_date': dt.date(2027, 5, 25)}])
            class_, = Class.create([{'company': company.id,
                        'year': year.id, 'name': "5 А", 'grade': 5,
                        'letter': "А", 'language': 'kk',
                        'homeroom_teacher': loaded.party.id}])
            maths, english = Subject.create([{
                        'name': "Математика", 'code': 'T-M',
                        'area': 'mathematics', 'company': company.id}, {
                        'name': "Ағылшын тілі", 'code': 'T-E',
                        'area': 'language', 'company': company.id}])
            Assignment.create([{'company': company.id, 'year': year.id,
                        'class_': class_.id, 'subject': s.id,
                        'teacher': loaded.party.id, 'hours': Decimal(h)}
                    for s, h in [(maths, 12), (english, 8)]])
            values = Line.tarify(company, [loaded.id, free.id],
                dt.date(2026, 9, 1),
                entered={loaded.id: Decimal(3), free.id: Decimal(9)})
            self.assertEqual(values[loaded.id]['weekly_hours'], Decimal(20))
            self.assertTrue(values[loaded.id]['class_teacher'])
            # without a load the hours entered on the line are kept
            self.assertEqual(values[free.id]['weekly_hours'], Decimal(9))
            self.assertFalse(values[free.id]['class_teacher'])
            # outside the academic year: no load, no class
            values = Line.tarify(company, [loaded.id], dt.date(2027, 7, 1))
            self.assertEqual(values[loaded.id]['weekly_hours'], Decimal(16))
            self.assertFalse(values[loaded.id]['class_teacher'])


del ModuleTestCase
