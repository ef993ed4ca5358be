# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_hr (R19.11, R12): the personnel records — employment
history, personnel orders, leaves, timesheets and staff schedules — are
written by the HR officer of the school, read by the director, the deputy
director and the accounting office (payroll needs them), unseen by
teachers and every other role (personal data); the catalogue of positions
is read by the management and the accounting office; the production
calendar is public.  No role of school A reaches a record of school B.
"""
import datetime as dt
import itertools
import unittest
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from tests.access_matrix import (
    ROLES, AccessMatrix, Probe, build_two_schools, expand)

NOTHING = {role: '----' for role in ROLES}
PERSONNEL = {**NOTHING,
    'hr_officer': 'rcwd',
    'director': 'r---',
    'deputy_director': 'r---',
    'accountant': 'r---',
    'chief_accountant': 'r---',
    }
CATALOGUE = {**PERSONNEL, 'auditor': 'r---'}
CALENDAR = {**{role: 'r---' for role in ROLES}, 'hr_officer': 'rcwd'}
PERSONNEL_MODELS = ('edu.hr.employment', 'edu.hr.order', 'edu.hr.leave',
    'edu.hr.timesheet', 'edu.hr.timesheet.line')
CATALOGUE_MODELS = ('edu.hr.position', 'edu.hr.staff.schedule',
    'edu.hr.staff.schedule.line')
EXPECTED = {}
for _model in PERSONNEL_MODELS:
    EXPECTED.update(expand(_model, PERSONNEL))
for _model in CATALOGUE_MODELS:
    EXPECTED.update(expand(_model, CATALOGUE))
EXPECTED.update(expand('edu.hr.holiday', CALENDAR))
ISOLATED = [*PERSONNEL_MODELS, 'edu.hr.staff.schedule',
    'edu.hr.staff.schedule.line']
DAY = dt.date(2026, 3, 2)


class School:
    "The personnel records of one school"
    _serial = itertools.count(1)

    def __init__(self, company, employee):
        self.company = company
        self.employee = employee

    def next(self):
        return next(self._serial)

    def create(self, model, values):
        Model = Pool().get(model)
        with Transaction().set_context(company=self.company):
            record, = Model.create([values])
        return record.id

    def position(self):
        Position = Pool().get('edu.hr.position')
        position, = Position.search([('code', '=', 'teacher')])
        return position.id

    def month(self):
        n = self.next()
        return dt.date(2000 + n // 12, n % 12 + 1, 1)

    def values(self, model):
        n = self.next()
        if model == 'edu.hr.employment':
            return {'employee': self.employee, 'company': self.company,
                'kind': 'hire', 'date_from': DAY, 'date_to': DAY,
                'position': self.position(), 'rate': Decimal(1)}
        if model == 'edu.hr.order':
            return {'employee': self.employee, 'company': self.company,
                'kind': 'hire', 'date': DAY, 'date_from': DAY,
                'position': self.position(), 'rate': Decimal(1)}
        if model == 'edu.hr.leave':
            day = DAY + dt.timedelta(days=10 * n)
            return {'employee': self.employee, 'company': self.company,
                'kind': 'sick', 'date_from': day, 'date_to': day}
        if model == 'edu.hr.timesheet':
            return {'company': self.company, 'month': self.month()}
        if model == 'edu.hr.timesheet.line':
            timesheet = self.create('edu.hr.timesheet', {
                    'company': self.company, 'month': self.month()})
            return {'timesheet': timesheet, 'employee': self.employee,
                'd01': 'Я'}
        if model == 'edu.hr.staff.schedule':
            return {'company': self.company, 'date': DAY}
        if model == 'edu.hr.staff.schedule.line':
            schedule = self.create('edu.hr.staff.schedule', {
                    'company': self.company, 'date': DAY})
            return {'schedule': schedule, 'position': self.position(),
                'rates': Decimal(2), 'salary': Decimal(150000)}
        if model == 'edu.hr.position':
            return {'code': 'probe_%s' % n, 'name': "Сынақ %s" % n,
                'block': 'C'}
        if model == 'edu.hr.holiday':
            return {'date': dt.date(2040, 1, 1) + dt.timedelta(days=n),
                'name': "Сынақ", 'kind': 'holiday'}
        raise KeyError(model)


WRITE_FIELD = {
    'edu.hr.employment': 'salary',
    'edu.hr.order': 'reason',
    'edu.hr.leave': 'certificate',
    'edu.hr.timesheet': 'month',
    'edu.hr.timesheet.line': 'd01',
    'edu.hr.staff.schedule': 'date',
    'edu.hr.staff.schedule.line': 'rates',
    'edu.hr.position': 'name',
    'edu.hr.holiday': 'name',
    }


def hr_probes(a, b):
    ModelData = Pool().get('ir.model.data')
    probes = {}
    for model in [*PERSONNEL_MODELS, 'edu.hr.staff.schedule',
            'edu.hr.staff.schedule.line']:
        probes[model] = Probe(model,
            own=a.create(model, a.values(model)),
            other=b.create(model, b.values(model)),
            write_field=WRITE_FIELD[model],
            create_values=lambda m=model: a.values(m),
            make_record=lambda m=model: a.create(m, a.values(m)))
    probes['edu.hr.position'] = Probe('edu.hr.position',
        own=ModelData.get_id('edu_hr', 'position_teacher'),
        write_field='name',
        create_values=lambda: a.values('edu.hr.position'),
        make_record=lambda: a.create('edu.hr.position',
            a.values('edu.hr.position')))
    probes['edu.hr.holiday'] = Probe('edu.hr.holiday',
        own=ModelData.get_id('edu_hr', 'holiday_20260322'),
        write_field='name',
        create_values=lambda: a.values('edu.hr.holiday'),
        make_record=lambda: a.create('edu.hr.holiday',
            a.values('edu.hr.holiday')))
    return probes


class AccessMatrixHrTestCase(unittest.TestCase):
    "Access matrix of the personnel records"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_hr'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def setup(self):
        schools = build_two_schools()
        a = School(schools.school_a, schools.employees['teacher'])
        b = School(schools.school_b, schools.employees_b['teacher'])
        return schools, a, b, AccessMatrix(schools.users, hr_probes(a, b))

    @with_transaction()
    def test_access_matrix(self):
        """Each role's rights on the personnel records of its school; no
        role of school A reaches school B (R19.11, R12)"""
        schools, a, b, matrix = self.setup()
        matrix.check(EXPECTED, isolated_models=ISOLATED)

    @with_transaction()
    def test_negatives(self):
        """The director cannot confirm a personnel order; a teacher sees no
        order, leave nor timesheet, not even of a colleague; the accountant
        cannot fill a timesheet nor change a leave"""
        pool = Pool()
        Order = pool.get('edu.hr.order')
        Leave = pool.get('edu.hr.leave')
        Timesheet = pool.get('edu.hr.timesheet')
        Employment = pool.get('edu.hr.employment')
        schools, a, b, matrix = self.setup()
        probes = matrix.probes
        with matrix.as_user(schools.users['director']):
            with self.assertRaises(UserError):
                Order.confirm([Order(probes['edu.hr.order'].own)])
        self.assertEqual(Order(probes['edu.hr.order'].own).state, 'draft')
        for role in ['teacher', 'tutor', 'methodist', 'clerk', 'learner',
                'parent']:
            with matrix.as_user(schools.users[role]):
                for Model in [Order, Leave, Timesheet, Employment]:
                    with self.assertRaises(UserError, msg=role):
                        Model.search([])
        with matrix.as_user(schools.users['accountant']):
            self.assertTrue(Leave.search([]))
            with self.assertRaises(UserError):
                Timesheet.fill([Timesheet(probes['edu.hr.timesheet'].own)])
            with self.assertRaises(UserError):
                Leave.write([Leave(probes['edu.hr.leave'].own)],
                    {'kind': 'unpaid'})
        # the personnel fields of the employee card: hidden from the
        # teachers, read by the accounting office
        Employee = pool.get('company.employee')
        own = schools.employees['teacher']
        with matrix.as_user(schools.users['teacher']):
            self.assertTrue(Employee.read([own], ['rec_name']))
            for name in ['rate', 'service_years', 'prior_service_days',
                    'diploma']:
                with self.assertRaises(UserError, msg=name):
                    Employee.read([own], [name])
        with matrix.as_user(schools.users['accountant']):
            values, = Employee.read([own], ['rate', 'service_years'])
            self.assertEqual(values['rate'], Decimal(1))
            with self.assertRaises(UserError):
                Employee.write([Employee(own)], {'rate': Decimal(2)})
        # the HR officer of school A confirms a hire in school A
        with matrix.as_user(schools.users['hr_officer']):
            order = Order(probes['edu.hr.order'].own)
            Order.confirm([order])
        self.assertEqual(Order(probes['edu.hr.order'].own).state,
            'confirmed')
