# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_tarification (R19.16, R12): the tarification lists
are written by the HR officer of the school (the shared БДО, coefficients
and supplement types only read), read by the
director, the deputy director and the accounting office (payroll pays
them), unseen by teachers and every other role (pay is personal data).
No role of school A reaches a list or a line of school B.
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
PAY = {**NOTHING,
    'hr_officer': 'rcwd',
    'director': 'r---',
    'deputy_director': 'r---',
    'accountant': 'r---',
    'chief_accountant': 'r---',
    }
LIST_MODELS = ('edu.tarification.list', 'edu.tarification.line',
    'edu.tarification.line.supplement')
RATE_MODELS = ('edu.tarification.bdo', 'edu.tarification.coefficient',
    'edu.tarification.supplement.type')
#: БДО, coefficients and supplement types are shared by every
#: organisation: read only for all of them (changed by the platform
#: administrator or as module data)
RATES = {**PAY, 'hr_officer': 'r---'}
EXPECTED = {}
for _model in LIST_MODELS:
    EXPECTED.update(expand(_model, PAY))
for _model in RATE_MODELS:
    EXPECTED.update(expand(_model, RATES))
DATE = dt.date(2026, 9, 1)


class School:
    "The tarification of one school: one teacher, draft lists"
    _serial = itertools.count(1)

    def __init__(self, company, employee):
        pool = Pool()
        Employee = pool.get('company.employee')
        Data = pool.get('ir.model.data')
        self.company = company
        self.employee = employee
        Employee.write([Employee(employee)], {
                'hr_position': Data.get_id('edu_hr', 'position_teacher'),
                'education_level': 'higher',
                'prior_service_days': 2000,
                })

    def next(self):
        return next(self._serial)

    def create(self, model, values):
        Model = Pool().get(model)
        with Transaction().set_context(company=self.company):
            record, = Model.create([values])
        return record.id

    def list_(self):
        return self.create('edu.tarification.list', {
                'company': self.company, 'reason': 'change',
                'date': DATE + dt.timedelta(days=self.next())})

    def line(self):
        pool = Pool()
        Company = pool.get('company.company')
        Line = pool.get('edu.tarification.line')
        list_ = self.list_()
        values = Line.tarify(Company(self.company), [self.employee], DATE)
        return self.create('edu.tarification.line',
            {**values[self.employee], 'list': list_})

    def values(self, model):
        n = self.next()
        if model == 'edu.tarification.list':
            return {'company': self.company, 'reason': 'annual',
                'date': DATE + dt.timedelta(days=n)}
        if model == 'edu.tarification.line':
            Line = Pool().get('edu.tarification.line')
            Company = Pool().get('company.company')
            values = Line.tarify(Company(self.company), [self.employee],
                DATE)
            return {**values[self.employee], 'list': self.list_()}
        if model == 'edu.tarification.line.supplement':
            Type = Pool().get('edu.tarification.supplement.type')
            stype, = Type.search([('code', '=', 'CLASS')])
            return {'line': self.line(), 'type': stype.id}
        if model == 'edu.tarification.bdo':
            return {'date': dt.date(2030, 1, 1) + dt.timedelta(days=n),
                'amount': Decimal(20000)}
        if model == 'edu.tarification.coefficient':
            return {'date': dt.date(2030, 1, 1), 'block': 'C',
                'service_from': Decimal(n), 'service_to': Decimal(n + 1),
                'coefficient': Decimal('2.5')}
        if model == 'edu.tarification.supplement.type':
            return {'code': 'PROBE%s' % n, 'name': "Сынақ %s" % n,
                'kind': 'other', 'base': 'amount', 'amount': Decimal(1000),
                'date': DATE}
        raise KeyError(model)


WRITE_FIELD = {
    'edu.tarification.list': 'description',
    'edu.tarification.line': 'weekly_hours',
    'edu.tarification.line.supplement': 'percent',
    'edu.tarification.bdo': 'amount',
    'edu.tarification.coefficient': 'coefficient',
    'edu.tarification.supplement.type': 'name',
    }


def tarification_probes(a, b):
    probes = {}
    for model in LIST_MODELS:
        probes[model] = Probe(model,
            own=a.create(model, a.values(model)),
            other=b.create(model, b.values(model)),
            write_field=WRITE_FIELD[model],
            create_values=lambda m=model: a.values(m),
            make_record=lambda m=model: a.create(m, a.values(m)))
    for model in RATE_MODELS:
        probes[model] = Probe(model,
            own=a.create(model, a.values(model)),
            write_field=WRITE_FIELD[model],
            create_values=lambda m=model: a.values(m),
            make_record=lambda m=model: a.create(m, a.values(m)))
    return probes


class AccessMatrixTarificationTestCase(unittest.TestCase):
    "Access matrix of the tarification"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_tarification'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def setup(self):
        schools = build_two_schools()
        a = School(schools.school_a, schools.employees['teacher'])
        b = School(schools.school_b, schools.employees_b['teacher'])
        return schools, a, b, AccessMatrix(
            schools.users, tarification_probes(a, b))

    @with_transaction()
    def test_access_matrix(self):
        """Each role's rights on the tarification of its school; no role of
        school A reaches school B (R19.16, R12)"""
        schools, a, b, matrix = self.setup()
        matrix.check(EXPECTED, isolated_models=list(LIST_MODELS))

    @with_transaction()
    def test_negatives(self):
        """The director and the accountant cannot approve a list; a teacher
        sees no list nor line, not even her own; the HR officer cannot
        change an approved line nor delete an approved list"""
        pool = Pool()
        TList = pool.get('edu.tarification.list')
        Line = pool.get('edu.tarification.line')
        schools, a, b, matrix = self.setup()
        own_list = Line(matrix.probes['edu.tarification.line'].own).list
        for role in ['director', 'accountant', 'chief_accountant']:
            with matrix.as_user(schools.users[role]):
                with self.assertRaises(UserError, msg=role):
                    TList.approve([TList(own_list.id)])
        self.assertEqual(TList(own_list.id).state, 'draft')
        for role in ['teacher', 'tutor', 'methodist', 'clerk', 'learner',
                'parent', 'sysadmin', 'auditor']:
            with matrix.as_user(schools.users[role]):
                for Model in [TList, Line]:
                    with self.assertRaises(UserError, msg=role):
                        Model.search([])
        with matrix.as_user(schools.users['hr_officer']):
            TList.approve([TList(own_list.id)])
            line = Line(matrix.probes['edu.tarification.line'].own)
            with self.assertRaises(UserError):
                Line.write([line], {'weekly_hours': Decimal(1)})
            with self.assertRaises(UserError):
                TList.delete([TList(own_list.id)])
            # the list of school B is out of reach even by id
            with self.assertRaises(UserError):
                TList.approve([TList(
                            matrix.probes['edu.tarification.list'].other)])
        self.assertEqual(TList(own_list.id).state, 'approved')
