# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_account_report (R19.13, R12): the financial
statements are computed by the accountant and the chief accountant (who
alone deletes them), read by the director, the deputy director and the
auditor, by nobody else; their control relations are computed, so nobody
creates, changes or deletes one by hand; no role of school A reaches the
statements of school B.

Every cell is a real attempt (record rules included) on a sample record of
school A.
"""
import datetime as dt
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from tests.access_matrix import (
    ROLES, AccessMatrix, Probe, build_two_schools, expand)

YEAR = 2026
NOBODY = {role: '----' for role in ROLES}
READERS = {'director': 'r---', 'deputy_director': 'r---', 'auditor': 'r---'}
EXPECTED = {
    **expand('edu.account.statement.run', {**NOBODY, **READERS,
            'accountant': 'rwc-', 'chief_accountant': 'rwcd'}),
    **expand('edu.account.statement.control', {**NOBODY, **READERS,
            'accountant': 'r---', 'chief_accountant': 'r---'}),
    }


def run_values(company, form='all'):
    return {'company': company, 'from_date': dt.date(YEAR, 1, 1),
        'to_date': dt.date(YEAR, 12, 31), 'form': form, 'language': 'kk',
        'format': 'xlsx'}


def build_runs(schools):
    "Return a computed run of school A and one of school B"
    Run = Pool().get('edu.account.statement.run')
    runs = []
    for school in [schools.school_a, schools.school_b]:
        with Transaction().set_context(company=school):
            run, = Run.create([run_values(school)])
            Run.compute([run])
            runs.append(run)
    return runs


def report_probes(schools, run_a, run_b):
    pool = Pool()
    Run = pool.get('edu.account.statement.run')
    Control = pool.get('edu.account.statement.control')

    def new_run():
        return Run.create([run_values(schools.school_a, 'fo1')])[0].id

    def new_control():
        return Control.create([{'run': run_a.id, 'relation': "probe",
                    'key': 'probe'}])[0].id

    return {
        'edu.account.statement.run': Probe('edu.account.statement.run',
            own=run_a.id, other=run_b.id, write_field='language',
            create_values=lambda: run_values(schools.school_a, 'fo2'),
            make_record=new_run),
        'edu.account.statement.control': Probe(
            'edu.account.statement.control',
            own=run_a.controls[0].id, other=run_b.controls[0].id,
            write_field='relation',
            create_values=lambda: {'run': run_a.id, 'relation': "forged",
                'key': 'forged'},
            make_record=new_control),
        }


class AccessMatrixAccountReportTestCase(unittest.TestCase):
    "Access matrix of the financial statements"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_account_report'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_access_matrix(self):
        "Who may do what on the statements, school A never reaching B"
        schools = build_two_schools()
        run_a, run_b = build_runs(schools)
        matrix = AccessMatrix(schools.users,
            report_probes(schools, run_a, run_b))
        matrix.check(EXPECTED,
            isolated_models=['edu.account.statement.run',
                'edu.account.statement.control'],
            foreign_domains={
                'edu.account.statement.run': [
                    ('company', '=', schools.school_b)],
                'edu.account.statement.control': [
                    ('run.company', '=', schools.school_b)],
                })

    @with_transaction()
    def test_teacher_cannot_compute(self):
        """Negative: a teacher neither reads nor computes statements, the
        director reads them but cannot compute; the accountant computes"""
        pool = Pool()
        Run = pool.get('edu.account.statement.run')
        schools = build_two_schools()
        run_a, run_b = build_runs(schools)
        matrix = AccessMatrix(schools.users, {})
        for role in ['teacher', 'director']:
            with matrix.as_user(schools.users[role]):
                with self.assertRaises(Exception):
                    Run.compute([Run(run_a.id)])
        with matrix.as_user(schools.users['director']):
            self.assertEqual(
                [r.id for r in Run.search([])], [run_a.id])
        with matrix.as_user(schools.users['accountant']):
            Run.draft([Run(run_a.id)])
            Run.compute([Run(run_a.id)])
            self.assertEqual(Run(run_a.id).state, 'computed')
            self.assertEqual(
                [r.id for r in Run.search([])], [run_a.id])
