# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Personnel (R19.11): years of service from the employment history,
personnel orders (numbering, history, cancellation, errors), leaves and
the monthly timesheet filled from the calendar, history and leaves."""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, create_employee, set_company)
from trytond.modules.edu_hr.tests.tools import QueryCounter, savepoint
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

D = dt.date


def _position(code):
    Position = Pool().get('edu.hr.position')
    position, = Position.search([('code', '=', code)])
    return position


def _order(employee, kind, date_from, **values):
    Order = Pool().get('edu.hr.order')
    order = Order(company=employee.company, employee=employee, kind=kind,
        date=date_from, date_from=date_from, **values)
    order.save()
    return order


def _confirm(order):
    Pool().get('edu.hr.order').confirm([order])
    return order


class EduHrTestCase(CompanyTestMixin, ModuleTestCase):
    "Test edu_hr module"
    module = 'edu_hr'

    def _hire(self, employee, date, code='teacher', rate='1', salary=None):
        return _confirm(_order(employee, 'hire', date,
                position=_position(code), rate=Decimal(rate),
                salary=Decimal(salary) if salary else None))

    @with_transaction()
    def test_positions_data(self):
        "The catalogue of positions is loaded with blocks (R19.11)"
        teacher = _position('teacher')
        self.assertEqual(teacher.block, 'B')
        self.assertTrue(teacher.is_teacher)
        self.assertEqual(_position('director').block, 'A')
        self.assertEqual(_position('cleaner').block, 'D')
        self.assertFalse(_position('accountant').is_teacher)

    @with_transaction()
    def test_service_years(self):
        "Years of service: prior service + history with gaps (R19.11)"
        Employee = Pool().get('company.employee')
        company = create_company()
        with set_company(company):
            employee = create_employee(company, "Айгүл Серікова")
            employee.prior_service_days = 365
            employee.save()
            self._hire(employee, D(2020, 1, 1))
            _confirm(_order(employee, 'dismissal', D(2020, 12, 31)))
            # a gap of the whole 2021
            self._hire(employee, D(2022, 1, 1))
            _confirm(_order(employee, 'transfer', D(2023, 1, 1),
                    position=_position('methodist')))
            # 365 prior + 366 (2020) + 731 (2022-01-01..2024-01-01)
            years = Employee.get_service_years_at([employee], D(2024, 1, 1))
            self.assertEqual(years[employee.id],
                (Decimal(365 + 366 + 731) / Decimal('365.25')).quantize(
                    Decimal('0.01')))
            self.assertEqual(years[employee.id], Decimal('4.00'))
            # before the second hire: only the prior service and 2020
            years = Employee.get_service_years_at([employee], D(2021, 6, 1))
            self.assertEqual(years[employee.id], (Decimal(731)
                    / Decimal('365.25')).quantize(Decimal('0.01')))
            with Transaction().set_context(date=D(2024, 1, 1)):
                employee = Employee(employee.id)
                self.assertEqual(employee.service_years, Decimal('4.00'))
            # the history: hire, dismissal, hire, transfer
            employee = Employee(employee.id)
            kinds = [(l.kind, l.date_from, l.date_to)
                for l in sorted(employee.employment_history,
                    key=lambda l: (l.date_from, l.id))]
            self.assertEqual(kinds, [
                    ('hire', D(2020, 1, 1), D(2020, 12, 31)),
                    ('dismissal', D(2020, 12, 31), D(2020, 12, 31)),
                    ('hire', D(2022, 1, 1), D(2022, 12, 31)),
                    ('transfer', D(2023, 1, 1), None),
                    ])
            self.assertEqual(employee.hr_position, _position('methodist'))
            self.assertEqual(employee.block, 'B')
            self.assertEqual(employee.start_date, D(2022, 1, 1))
            self.assertIsNone(employee.end_date)

    @with_transaction()
    def test_service_years_one_query(self):
        "The years of service of many employees take one query (R19.11)"
        Employee = Pool().get('company.employee')
        company = create_company()
        with set_company(company):
            employees = [create_employee(company, 'Employee %s' % i)
                for i in range(5)]
            for employee in employees:
                self._hire(employee, D(2025, 1, 1))
            employees = Employee.browse([e.id for e in employees])
            Transaction().cache.clear()
            with QueryCounter() as counter:
                years = Employee.get_service_years_at(
                    employees, D(2026, 1, 1))
            self.assertEqual(counter.count, 1, counter.statements)
            self.assertEqual(set(years.values()), {Decimal('1.00')})

    @with_transaction()
    def test_order_numbering_and_cancel(self):
        "Orders are numbered on confirm; a cancel undoes only the last"
        pool = Pool()
        Order = pool.get('edu.hr.order')
        Employment = pool.get('edu.hr.employment')
        company = create_company()
        with set_company(company):
            employee = create_employee(company, "Ерлан Абаев")
            hire = _order(employee, 'hire', D(2025, 9, 1),
                position=_position('teacher'), rate=Decimal('1.5'),
                salary=Decimal('250000'))
            self.assertIsNone(hire.number)
            _confirm(hire)
            rate = _confirm(_order(employee, 'rate', D(2026, 1, 1),
                    rate=Decimal('1.25')))
            self.assertTrue(hire.number)
            self.assertTrue(rate.number)
            self.assertNotEqual(hire.number, rate.number)
            self.assertEqual(int(rate.number.split('-')[0]),
                int(hire.number.split('-')[0]) + 1)
            employee = pool.get('company.employee')(employee.id)
            self.assertEqual(employee.rate, Decimal('1.25'))
            # the rate change keeps the position and the salary
            line, = Employment.search([('order', '=', rate.id)])
            self.assertEqual(line.position, _position('teacher'))
            self.assertEqual(line.salary, Decimal('250000'))

            # the hire cannot be cancelled while the rate change stands
            with self.assertRaises(UserError) as cm, savepoint():
                Order.cancel([hire])
            self.assertIn(rate.number, cm.exception.message)
            # a numbered order is never deleted
            with self.assertRaises(UserError), savepoint():
                Order.delete([rate])

            Order.cancel([rate])
            rate = Order(rate.id)
            self.assertEqual(rate.state, 'cancelled')
            employee = pool.get('company.employee')(employee.id)
            self.assertEqual(employee.rate, Decimal('1.5'))
            line, = Employment.search([('employee', '=', employee.id)])
            self.assertIsNone(line.date_to)
            # a cancelled order back to draft keeps its number
            Order.draft([rate])
            self.assertTrue(rate.number)
            Order.cancel([hire])
            self.assertFalse(Employment.search(
                    [('employee', '=', employee.id)]))

    @with_transaction()
    def test_order_errors(self):
        "Clear errors: rates, dates, overlaps, dismissed employees"
        pool = Pool()
        Leave = pool.get('edu.hr.leave')
        company = create_company()
        with set_company(company):
            employee = create_employee(company, "Дана Нұрова")
            for rate in ['0', '2.5', '-1']:
                order = _order(employee, 'hire', D(2025, 9, 1),
                    position=_position('cook'), rate=Decimal(rate))
                with self.assertRaises(UserError) as cm, savepoint():
                    _confirm(order)
                self.assertIn(rate, cm.exception.message)
            self._hire(employee, D(2025, 9, 1), 'cook', '2')
            with self.assertRaises(UserError), savepoint():
                self._hire(employee, D(2025, 10, 1), 'cook')
            # a transfer before the current terms
            with self.assertRaises(UserError), savepoint():
                _confirm(_order(employee, 'transfer', D(2025, 8, 1),
                        position=_position('cleaner')))
            # the leave ends before it starts
            with self.assertRaises(UserError), savepoint():
                _confirm(_order(employee, 'leave', D(2025, 12, 10),
                        date_to=D(2025, 12, 1), leave_kind='annual'))
            _confirm(_order(employee, 'leave', D(2025, 12, 1),
                    date_to=D(2025, 12, 10), leave_kind='annual'))
            leave, = Leave.search([('employee', '=', employee.id)])
            self.assertEqual(leave.days, 10)
            # overlapping leaves: by order and entered directly
            with self.assertRaises(ValidationError), savepoint():
                _confirm(_order(employee, 'leave', D(2025, 12, 8),
                        date_to=D(2025, 12, 20), leave_kind='unpaid'))
            with self.assertRaises(ValidationError), savepoint():
                Leave.create([{'employee': employee.id,
                            'company': company.id, 'kind': 'sick',
                            'date_from': D(2025, 12, 10),
                            'date_to': D(2025, 12, 12)}])
            _confirm(_order(employee, 'dismissal', D(2026, 1, 31)))
            with self.assertRaises(UserError) as cm, savepoint():
                _confirm(_order(employee, 'dismissal', D(2026, 2, 28)))
            self.assertIn('dismissed', cm.exception.message)
            with self.assertRaises(UserError), savepoint():
                _confirm(_order(employee, 'rate', D(2026, 2, 1),
                        rate=Decimal(1)))
            employee = pool.get('company.employee')(employee.id)
            self.assertEqual(employee.end_date, D(2026, 1, 31))

    @with_transaction()
    def test_holidays_2026(self):
        "Holidays and the next-working-day transfers (R19.11)"
        Holiday = Pool().get('edu.hr.holiday')
        days = Holiday.calendar(D(2026, 3, 1), D(2026, 3, 31))
        # 8 March is a Sunday: Monday 9 March is off
        self.assertEqual(days[D(2026, 3, 8)], 'П')
        self.assertEqual(days[D(2026, 3, 9)], 'В')
        # Nauryz 21-23 with 21 and 22 on the weekend: 24 and 25 are off
        self.assertEqual([days[D(2026, 3, d)] for d in range(21, 27)],
            ['П', 'П', 'П', 'В', 'В', 'Я'])
        self.assertEqual(Holiday.working_days(D(2026, 3, 1),
                D(2026, 3, 31)), 22 - 4)
        # Kurban ait is not moved
        self.assertEqual(Holiday.calendar(D(2026, 5, 27), D(2026, 5, 27)),
            {D(2026, 5, 27): 'П'})
        self.assertEqual(Holiday.working_days(D(2026, 1, 1),
                D(2026, 1, 31)), 22 - 3)

    @with_transaction()
    def test_timesheet_fill(self):
        "Timesheet of a month with holidays, a leave and a mid-month hire"
        pool = Pool()
        Timesheet = pool.get('edu.hr.timesheet')
        Line = pool.get('edu.hr.timesheet.line')
        Leave = pool.get('edu.hr.leave')
        company = create_company()
        with set_company(company):
            full = create_employee(company, "Асқар Бекұлы")
            late = create_employee(company, "Гүлнар Оспан")
            sick = create_employee(company, "Марат Ахметов")
            self._hire(full, D(2025, 9, 1))
            self._hire(late, D(2026, 3, 16), 'cleaner', '0.5')
            self._hire(sick, D(2025, 9, 1), 'guard')
            # annual leave over Nauryz: the holidays stay holidays
            _confirm(_order(full, 'leave', D(2026, 3, 16),
                    date_to=D(2026, 3, 29), leave_kind='annual'))
            Leave.create([{'employee': sick.id, 'company': company.id,
                        'kind': 'sick', 'date_from': D(2026, 3, 2),
                        'date_to': D(2026, 3, 4), 'certificate': 'ЛН-77'}])

            timesheet = Timesheet(company=company, month=D(2026, 3, 1))
            timesheet.save()
            Timesheet.fill([timesheet])
            lines = {l.employee: l for l in timesheet.lines}
            self.assertEqual(len(lines), 3)

            line = lines[full]
            self.assertEqual(line.norm_days, 18)
            self.assertEqual(line.norm_hours, Decimal(144))
            self.assertEqual(line.d01, 'В')
            self.assertEqual(line.d02, 'Я')
            self.assertEqual(line.d08, 'П')
            self.assertEqual(line.d09, 'В')
            self.assertEqual(line.d16, 'О')
            self.assertEqual(line.d21, 'П')
            self.assertEqual(line.d24, 'О')
            self.assertEqual(line.d30, 'Я')
            # 14 days of leave less 3 holidays
            self.assertEqual(line.leave_days, 11)
            # 2-6, 10-13 March then 30, 31
            self.assertEqual(line.worked_days, 5 + 4 + 2)
            self.assertEqual(line.worked_hours, Decimal(88))

            line = lines[late]
            self.assertEqual(line.d13, '')
            self.assertEqual(line.d16, 'Я')
            # 16-20, 26, 27, 30, 31
            self.assertEqual(line.worked_days, 9)

            line = lines[sick]
            self.assertEqual((line.d02, line.d03, line.d04, line.d05),
                ('Б', 'Б', 'Б', 'Я'))
            self.assertEqual(line.sick_days, 3)
            self.assertEqual(line.worked_days, 15)

            # a hand correction recomputes the totals
            line.d05 = 'НН'
            line.save()
            line = Line(line.id)
            self.assertEqual((line.absent_days, line.worked_days), (1, 14))
            with self.assertRaises(UserError), savepoint():
                Line.write([line], {'d06': 'X'})

            # payroll reads the days: one line an employee
            days = Timesheet.get_days(company, D(2026, 3, 15))
            self.assertEqual(days[sick.id].absent_days, 1)
            self.assertEqual(set(days), {full.id, late.id, sick.id})
            # without a timesheet: computed, unsaved lines
            days = Timesheet.get_days(company.id, D(2026, 4, 1))
            self.assertEqual(days[late.id].worked_days, 22)
            self.assertIsNone(days[late.id].id)

            Timesheet.confirm([timesheet])
            with self.assertRaises(UserError), savepoint():
                Line.write([line], {'d06': 'Я'})
            with self.assertRaises(UserError), savepoint():
                Timesheet.fill([timesheet])

    @with_transaction()
    def test_timesheet_queries_constant(self):
        "Filling a timesheet does not query employee by employee"
        Timesheet = Pool().get('edu.hr.timesheet')
        company = create_company()
        with set_company(company):
            counts = []
            for n in (1, 6):
                for i in range(n):
                    employee = create_employee(company, 'E%s %s' % (n, i))
                    self._hire(employee, D(2026, 2, 1))
                    _confirm(_order(employee, 'leave', D(2026, 2, 9),
                            date_to=D(2026, 2, 13), leave_kind='sick'))
                Transaction().cache.clear()
                with QueryCounter() as counter:
                    Timesheet.compute_lines(company, D(2026, 2, 1))
                counts.append(counter.count)
            self.assertEqual(counts[0], counts[1])
            self.assertLessEqual(counts[0], 4)

    @with_transaction()
    def test_staff_schedule(self):
        "The staff schedule shows occupied and vacant rates"
        pool = Pool()
        Schedule = pool.get('edu.hr.staff.schedule')
        company = create_company()
        with set_company(company):
            first = create_employee(company, "Бірінші")
            second = create_employee(company, "Екінші")
            self._hire(first, D(2025, 9, 1), 'teacher', '1.5')
            self._hire(second, D(2025, 9, 1), 'teacher', '1')
            schedule, = Schedule.create([{
                        'company': company.id,
                        'date': D(2025, 9, 1),
                        'lines': [('create', [{
                                        'position': _position('teacher').id,
                                        'rates': Decimal('4'),
                                        'salary': Decimal('200000'),
                                        }, {
                                        'position': _position('cook').id,
                                        'rates': Decimal('1'),
                                        'salary': Decimal('120000'),
                                        }])],
                        }])
            teacher, cook = sorted(schedule.lines,
                key=lambda l: l.position.code != 'teacher')
            self.assertEqual(teacher.occupied, Decimal('2.5'))
            self.assertEqual(teacher.vacant, Decimal('1.5'))
            self.assertEqual(cook.vacant, Decimal('1'))
            self.assertEqual(schedule.total_rates, Decimal('5'))
            self.assertEqual(schedule.total_salary, Decimal('920000.00'))
            Schedule.approve([schedule])
            with self.assertRaises(UserError), savepoint():
                Schedule.delete([schedule])

    @with_transaction()
    def test_reports(self):
        "The order, timesheet and staff schedule print as PDF in kk and ru"
        pool = Pool()
        OrderReport = pool.get('edu.hr.order.report', type='report')
        TimesheetReport = pool.get('edu.hr.timesheet.report', type='report')
        ScheduleReport = pool.get('edu.hr.staff.schedule.report',
            type='report')
        Timesheet = pool.get('edu.hr.timesheet')
        Schedule = pool.get('edu.hr.staff.schedule')
        company = create_company()
        with set_company(company):
            employee = create_employee(company, "Сәуле Қасым")
            order = self._hire(employee, D(2026, 3, 2), 'teacher', '1',
                '180000')
            timesheet = Timesheet(company=company, month=D(2026, 3, 1))
            timesheet.save()
            Timesheet.fill([timesheet])
            schedule, = Schedule.create([{'company': company.id,
                        'date': D(2026, 3, 2), 'lines': [('create', [{
                                        'position': _position('teacher').id,
                                        'rates': Decimal(2),
                                        'salary': Decimal(180000)}])]}])
            for language in ['kk', 'ru']:
                with Transaction().set_context(language=language):
                    for report, record in [(OrderReport, order),
                            (TimesheetReport, timesheet),
                            (ScheduleReport, schedule)]:
                        ext, content = report.render([record], {}), None
                        self.assertTrue(ext.startswith(b'%PDF'))


del ModuleTestCase
