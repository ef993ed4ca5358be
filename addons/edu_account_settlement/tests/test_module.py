# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of edu_account_settlement: contracts against the financing plan,
supplier acts with the ЕБК dimensions, payments, the reconciliation act,
advance reports, business trips and memorial orders (R19.4, R19.5,
R19.6, R19.8, R19.9, R19.17)."""
import datetime as dt
import io
import zipfile
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import set_company
from trytond.modules.edu_account.tests.tools import (
    post_move, setup_gov_accounting)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import (
    create_employee, create_plan, create_program, create_supplier, funding,
    grant_reports, move_lines, specific)

YEAR = 2026


def d(month, day):
    return dt.date(YEAR, month, day)


class EduAccountSettlementTestCase(ModuleTestCase):
    "Test edu_account_settlement module"
    module = 'edu_account_settlement'

    def setup_contract(self, amount=Decimal('300000'), plan_month=100000):
        """Return (env, program, supplier, contract): a plan of 159 with
        plan_month a month from March, a draft contract of amount over
        March–May"""
        pool = Pool()
        Contract = pool.get('edu.contract')
        env = setup_gov_accounting(year=YEAR)
        program = create_program()
        create_plan(env.company, env.fiscalyear, program, funding('local'),
            '159', {m: plan_month for m in range(3, 13)})
        supplier = create_supplier()
        third = (amount / 3).quantize(Decimal('0.01'))
        contract, = Contract.create([{
                    'company': env.company.id,
                    'number': 'Д-17',
                    'date': d(2, 20),
                    'party': supplier.id,
                    'subject': "Вывоз мусора",
                    'ebk_program': program.id,
                    'ebk_specific': specific('159').id,
                    'funding_source': funding('local').id,
                    'amount': amount,
                    'start_date': d(3, 1),
                    'end_date': d(5, 31),
                    'lines': [('create', [
                                {'month': d(3, 1), 'amount': third},
                                {'month': d(4, 1), 'amount': third},
                                {'month': d(5, 1),
                                    'amount': amount - 2 * third},
                                ])],
                    }])
        return env, program, supplier, contract

    def create_act(self, env, contract, amount, date, post=True):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        invoice, = Invoice.create([{
                    'company': env.company.id,
                    'type': 'in',
                    'party': contract.party.id,
                    'invoice_address': contract.party.addresses[0].id
                    if contract.party.addresses else None,
                    'journal': env.journal('EXP').id,
                    'account': env.account('3210').id,
                    'currency': env.company.currency.id,
                    'invoice_date': date,
                    'reference': 'АВР-%s' % date.month,
                    'edu_contract': contract.id,
                    'lines': [('create', [{
                                    'type': 'line',
                                    'account': env.account('7140').id,
                                    'description': "Вывоз мусора",
                                    'quantity': 1,
                                    'unit_price': amount,
                                    }])],
                    }])
        if post:
            Invoice.post([invoice])
        return invoice

    @with_transaction()
    def test_contract_register_creates_obligations(self):
        "Registering a contract registers an obligation per month (R19.17)"
        pool = Pool()
        Contract = pool.get('edu.contract')
        env, program, supplier, contract = self.setup_contract()
        with set_company(env.company):
            Contract.register([contract])
        self.assertEqual(contract.state, 'registered')
        obligations = sorted(contract.obligations, key=lambda o: o.date)
        self.assertEqual([(o.date, o.amount, o.state) for o in obligations],
            [(d(3, 1), Decimal('100000.00'), 'registered'),
                (d(4, 1), Decimal('100000.00'), 'registered'),
                (d(5, 1), Decimal('100000.00'), 'registered')])
        self.assertTrue(all(o.ebk_specific.code == '159'
                and o.party == supplier for o in obligations))
        with set_company(env.company):
            Contract.cancel([contract])
        self.assertEqual({o.state for o in contract.obligations},
            {'cancelled'})

    @with_transaction()
    def test_contract_over_plan_refused(self):
        "A contract over the financing plan is refused (R19.17)"
        pool = Pool()
        Contract = pool.get('edu.contract')
        env, program, supplier, contract = self.setup_contract(
            plan_month=10000)
        with set_company(env.company), self.assertRaises(UserError) as cm:
            Contract.register([contract])
        self.assertIn('159', str(cm.exception.message)
            + str(cm.exception.description))
        contract = Contract(contract.id)
        self.assertEqual(contract.state, 'draft')

    @with_transaction()
    def test_contract_schedule_must_sum(self):
        "The schedule sums to the contract amount"
        pool = Pool()
        Contract = pool.get('edu.contract')
        Line = pool.get('edu.contract.line')
        env, program, supplier, contract = self.setup_contract()
        Line.write([contract.lines[0]], {'amount': Decimal('1')})
        with set_company(env.company), self.assertRaises(UserError):
            Contract.register([contract])

    @with_transaction()
    def test_contract_party_needs_bin(self):
        "An organisation without a BIN cannot be a contract's party (R19.4)"
        pool = Pool()
        Contract = pool.get('edu.contract')
        env, program, supplier, contract = self.setup_contract()
        no_bin = create_supplier("ТОО «Без БИН»", bin_=False)
        with self.assertRaises(ValidationError):
            Contract.write([contract], {'party': no_bin.id})

    @with_transaction()
    def test_act_dimensions_payment_and_limit(self):
        """An act carries the contract's ЕБК to the expense and payable
        lines; the payment puts them on the money line; an act over the
        remaining amount is refused (R19.4, R19.8)"""
        pool = Pool()
        Contract = pool.get('edu.contract')
        Invoice = pool.get('account.invoice')
        PaymentMethod = pool.get('account.invoice.payment.method')
        env, program, supplier, contract = self.setup_contract()
        with set_company(env.company):
            Contract.register([contract])
            act = self.create_act(env, contract, Decimal('120000'), d(3, 31))
            self.assertEqual(act.state, 'posted')
            self.assertEqual(act.lines[0].ebk_specific, None)
            self.assertEqual(move_lines(act.move), [
                    ('3210', Decimal('0'), Decimal('120000.00'), '159',
                        funding('local').code, supplier.rec_name),
                    ('7140', Decimal('120000.00'), Decimal('0'), '159',
                        funding('local').code, None),
                    ])
            contract = Contract(contract.id)
            self.assertEqual(contract.executed_amount, Decimal('120000.00'))
            self.assertEqual(contract.remaining_amount, Decimal('180000.00'))

            too_much = self.create_act(
                env, contract, Decimal('180000.01'), d(4, 30), post=False)
            with self.assertRaises(UserError) as cm:
                Invoice.post([too_much])
            self.assertIn('180000', cm.exception.message)
            self.assertEqual(Invoice(too_much.id).state, 'draft')

            method, = PaymentMethod.create([{
                        'company': env.company.id,
                        'name': "Казначейство",
                        'journal': env.journal('TRE').id,
                        'credit_account': env.account('1040').id,
                        'debit_account': env.account('1040').id,
                        }])
            act.pay_invoice(Decimal('120000'), method, d(4, 5))
            act = Invoice(act.id)
            self.assertEqual(act.amount_to_pay, Decimal('0'))
            payment_move = act.payment_lines[0].move
            self.assertEqual(move_lines(payment_move), [
                    ('1040', Decimal('0'), Decimal('120000.00'), '159',
                        funding('local').code, None),
                    ('3210', Decimal('120000.00'), Decimal('0'), '159',
                        funding('local').code, supplier.rec_name),
                    ])

    @with_transaction()
    def test_reconciliation_act_and_balances(self):
        "The reconciliation act and the balances per party (R19.4)"
        pool = Pool()
        Contract = pool.get('edu.contract')
        Act = pool.get('edu.reconciliation.act')
        Balance = pool.get('edu.settlement.balance')
        PaymentMethod = pool.get('account.invoice.payment.method')
        Pdf = pool.get('edu.reconciliation.act.pdf', type='report')
        Xlsx = pool.get('edu.reconciliation.act.xlsx', type='report')
        env, program, supplier, contract = self.setup_contract()
        with set_company(env.company):
            Contract.register([contract])
            march = self.create_act(env, contract, Decimal('100000'),
                d(3, 31))
            self.create_act(env, contract, Decimal('90000'), d(4, 30))
            method, = PaymentMethod.create([{
                        'company': env.company.id, 'name': "TRE",
                        'journal': env.journal('TRE').id,
                        'credit_account': env.account('1040').id,
                        'debit_account': env.account('1040').id,
                        }])
            march.pay_invoice(Decimal('100000'), method, d(4, 10))

            act, = Act.create([{'company': env.company.id,
                        'party': supplier.id,
                        'from_date': d(4, 1), 'to_date': d(4, 30)}])
            self.assertEqual(act.opening_balance, Decimal('-100000.00'))
            self.assertEqual(act.debit, Decimal('100000.00'))
            self.assertEqual(act.credit, Decimal('90000.00'))
            self.assertEqual(act.closing_balance, Decimal('-90000.00'))
            documents = act.get_documents()
            self.assertEqual([(x['date'], x['debit'], x['credit'])
                    for x in documents],
                [(d(4, 10), Decimal('100000.00'), Decimal('0.00')),
                    (d(4, 30), Decimal('0.00'), Decimal('90000.00'))])
            header, rows, bold = act.table()
            self.assertEqual(len(header), 6)
            # the counterparty's columns mirror ours
            self.assertEqual(rows[1][2:], [Decimal('100000.00'),
                    Decimal('0.00'), Decimal('0.00'), Decimal('100000.00')])

            grant_reports()
            ext, content, _, _ = Pdf.execute([act.id], {})
            self.assertEqual(ext, 'pdf')
            self.assertTrue(content.startswith(b'%PDF'))
            ext, content, _, _ = Xlsx.execute([act.id], {})
            self.assertEqual(ext, 'xlsx')
            with zipfile.ZipFile(io.BytesIO(content)) as book:
                sheet = book.read('xl/sharedStrings.xml').decode()
            self.assertIn(supplier.rec_name.replace('«', '«')[:5], sheet)

            with Transaction().set_context(date=d(4, 15)):
                balances = Balance.search([('party', '=', supplier.id)])
                self.assertEqual([(b.account.code, b.balance)
                        for b in balances],
                    [('3210', Decimal('0.00'))])
            with Transaction().set_context(date=d(4, 30)):
                balance, = Balance.search([('party', '=', supplier.id)])
                self.assertEqual(balance.balance, Decimal('-90000.00'))

    def advance(self, env, employee, amount, date, debit=True):
        "Post a cash order issuing (or receiving back) an advance"
        lines = [
            {'account': '1250', 'party': employee.party,
                'debit': amount if debit else 0,
                'credit': 0 if debit else amount},
            {'account': '1010', 'funding_source': 'local',
                'debit': 0 if debit else amount,
                'credit': amount if debit else 0},
            ]
        return post_move(env.journal('CASH'), date, lines,
            description="РКО", company=env.company)

    @with_transaction()
    def test_advance_report(self):
        """The advance report posts Dt expense (ЕБК) / Cr 1250 and shows
        the amount to return; the return settles 1250 (R19.5)"""
        pool = Pool()
        Report = pool.get('edu.advance.report')
        Form = pool.get('edu.advance.report.form', type='report')
        env = setup_gov_accounting(year=YEAR)
        employee = create_employee(env.company)
        with set_company(env.company):
            # the cash desk needs money first (never negative)
            post_move(env.journal('CASH'), d(2, 1), [
                    {'account': '1010', 'debit': 200000,
                        'funding_source': 'local'},
                    {'account': '6010', 'credit': 200000,
                        'funding_source': 'local'},
                    ], company=env.company)
            self.advance(env, employee, Decimal('50000'), d(2, 2))
            report, = Report.create([{
                        'company': env.company.id,
                        'date': d(2, 10),
                        'employee': employee.id,
                        'purpose': "Хозяйственные нужды",
                        'funding_source': funding('local').id,
                        'journal': env.journal('ADV').id,
                        'lines': [('create', [{
                                        'date': d(2, 5),
                                        'document_kind': 'receipt',
                                        'document_number': '0012',
                                        'description': "Канцтовары",
                                        'ebk_specific': specific('149').id,
                                        'account': env.account('7110').id,
                                        'amount': Decimal('30000'),
                                        }, {
                                        'date': d(2, 6),
                                        'document_kind': 'act',
                                        'document_number': '7',
                                        'description': "Ремонт замка",
                                        'ebk_specific': specific('159').id,
                                        'account': env.account('7140').id,
                                        'amount': Decimal('12000'),
                                        }])],
                        }])
            self.assertEqual(report.advance_issued, Decimal('50000.00'))
            self.assertEqual(report.spent, Decimal('42000.00'))
            self.assertEqual(report.to_return, Decimal('8000.00'))
            self.assertEqual(report.to_reimburse, Decimal('0'))
            Report.post([report])
            self.assertEqual(report.state, 'posted')
            self.assertTrue(report.number)
            self.assertEqual(move_lines(report.move), [
                    ('1250', Decimal('0'), Decimal('42000.00'), None,
                        funding('local').code, employee.party.rec_name),
                    ('7110', Decimal('30000.00'), Decimal('0'), '149',
                        funding('local').code, None),
                    ('7140', Decimal('12000.00'), Decimal('0'), '159',
                        funding('local').code, None),
                    ])
            report = Report(report.id)
            self.assertEqual(report.advance_issued, Decimal('50000.00'))
            self.assertEqual(report.balance, Decimal('8000.00'))
            # the person returns the difference by a cash order (ПКО)
            self.advance(env, employee, Decimal('8000'), d(2, 11),
                debit=False)
            self.assertEqual(Report(report.id).balance, Decimal('0.00'))
            grant_reports()
            ext, content, _, _ = Form.execute([report.id], {})
            self.assertTrue(content.startswith(b'%PDF'))

            # a posted report is cancelled by a reversal, never edited
            Report.cancel([report])
            self.assertEqual(report.state, 'cancelled')
            self.assertEqual(report.cancel_move.state, 'posted')
            self.assertEqual(Report(report.id).balance, Decimal('42000.00'))
            with self.assertRaises(UserError):
                Report.delete([report])

    @with_transaction()
    def test_advance_report_reimburse(self):
        "Spending over the advance is owed to the person (R19.5)"
        pool = Pool()
        Report = pool.get('edu.advance.report')
        env = setup_gov_accounting(year=YEAR)
        employee = create_employee(env.company)
        with set_company(env.company):
            post_move(env.journal('CASH'), d(2, 1), [
                    {'account': '1010', 'debit': 100000,
                        'funding_source': 'local'},
                    {'account': '6010', 'credit': 100000,
                        'funding_source': 'local'},
                    ], company=env.company)
            self.advance(env, employee, Decimal('10000'), d(2, 2))
            report, = Report.create([{
                        'company': env.company.id, 'date': d(2, 10),
                        'employee': employee.id, 'purpose': "Бензин",
                        'funding_source': funding('local').id,
                        'journal': env.journal('ADV').id,
                        'lines': [('create', [{
                                        'date': d(2, 5),
                                        'document_kind': 'receipt',
                                        'description': "АИ-92",
                                        'ebk_specific': specific('144').id,
                                        'account': env.account('7110').id,
                                        'amount': Decimal('13500'),
                                        }])],
                        }])
            self.assertEqual(report.to_reimburse, Decimal('3500.00'))
            self.assertEqual(report.to_return, Decimal('0'))
            Report.post([report])
            self.assertEqual(Report(report.id).balance, Decimal('-3500.00'))

    @with_transaction()
    def test_trip_norms_by_date(self):
        """Per diem and lodging follow the norm and the МРП valid at the
        departure: 2025 (3 932 ₸) vs 2026 (4 325 ₸) (R19.6)"""
        pool = Pool()
        Mrp = pool.get('edu.mrp')
        Norm = pool.get('edu.trip.norm')
        self.assertEqual(Mrp.get_value(dt.date(2025, 6, 1)), Decimal('3932'))
        self.assertEqual(Mrp.get_value(dt.date(2026, 1, 1)), Decimal('4325'))
        self.assertEqual(Norm.get_rate('per_diem', 'regional_centre',
                dt.date(2025, 12, 30)), Decimal('7864.00'))
        self.assertEqual(Norm.get_rate('per_diem', 'regional_centre',
                dt.date(2026, 1, 10)), Decimal('8650.00'))
        self.assertEqual(Norm.get_rate('lodging', 'astana_almaty',
                dt.date(2026, 1, 10)), Decimal('43250.00'))
        # a later dated norm in tenge replaces the МРП one from its date
        Norm.create([{'valid_from': dt.date(2026, 7, 1), 'kind': 'per_diem',
                    'destination_class': 'regional_centre', 'unit': 'kzt',
                    'amount': Decimal('9000')}])
        self.assertEqual(Norm.get_rate('per_diem', 'regional_centre',
                dt.date(2026, 6, 30)), Decimal('8650.00'))
        self.assertEqual(Norm.get_rate('per_diem', 'regional_centre',
                dt.date(2026, 7, 1)), Decimal('9000.00'))
        with self.assertRaises(UserError):
            Norm.get_rate('per_diem', 'abroad', dt.date(2026, 1, 1))
        with self.assertRaises(UserError):
            Mrp.get_value(dt.date(2020, 1, 1))

    @with_transaction()
    def test_trip_to_advance_report(self):
        """A trip computes days, per diem and lodging; on return it makes
        the advance report with the per-diem line (R19.6)"""
        pool = Pool()
        Trip = pool.get('edu.trip')
        Order = pool.get('edu.trip.order', type='report')
        env = setup_gov_accounting(year=YEAR)
        employee = create_employee(env.company)
        with set_company(env.company):
            trip, = Trip.create([{
                        'company': env.company.id,
                        'date': d(3, 1),
                        'employee': employee.id,
                        'destination': "Караганда",
                        'destination_class': 'regional_centre',
                        'purpose': "Семинар учителей",
                        'departure_date': d(3, 10),
                        'return_date': d(3, 12),
                        'transport_estimate': Decimal('12000'),
                        'advance_amount': Decimal('60000'),
                        'funding_source': funding('local').id,
                        }])
            self.assertEqual(trip.ebk_specific.code, '161')
            self.assertEqual(trip.expense_account.code, '7150')
            self.assertEqual(trip.days, 3)
            self.assertEqual(trip.per_diem_amount, Decimal('25950.00'))
            self.assertEqual(trip.lodging_amount, Decimal('60550.00'))
            self.assertEqual(trip.total_estimate, Decimal('98500.00'))
            Trip.approve([trip])
            self.assertTrue(trip.number)
            grant_reports()
            ext, content, _, _ = Order.execute([trip.id], {})
            self.assertTrue(content.startswith(b'%PDF'))
            Trip.report([trip])
            self.assertEqual(trip.state, 'reported')
            report = trip.advance_report
            self.assertEqual(report.trip, trip)
            line, = report.lines
            self.assertEqual((line.amount, line.account.code,
                    line.ebk_specific.code, line.document_kind),
                (Decimal('25950.00'), '7150', '161', 'per_diem'))
            self.assertEqual(report.journal.code, 'ADV')

    @with_transaction()
    def test_other_operation(self):
        "A memorial order posts in GEN, balanced; cancelled by reversal"
        pool = Pool()
        Operation = pool.get('edu.other.operation')
        env = setup_gov_accounting(year=YEAR)
        supplier = create_supplier()
        with set_company(env.company):
            operation, = Operation.create([{
                        'company': env.company.id,
                        'date': d(5, 20),
                        'description': "Списание неустойки",
                        'lines': [('create', [{
                                        'account': env.account('3240').id,
                                        'party': supplier.id,
                                        'debit': Decimal('5000'),
                                        'credit': Decimal('0'),
                                        }, {
                                        'account': env.account('6210').id,
                                        'debit': Decimal('0'),
                                        'credit': Decimal('5000'),
                                        'funding_source':
                                        funding('local').id,
                                        }])],
                        }])
            self.assertEqual(operation.journal.code, 'GEN')
            Operation.post([operation])
            self.assertEqual(operation.move.state, 'posted')
            self.assertEqual(operation.move.journal.code, 'GEN')
            self.assertEqual(move_lines(operation.move), [
                    ('3240', Decimal('5000.00'), Decimal('0'), None, None,
                        supplier.rec_name),
                    ('6210', Decimal('0'), Decimal('5000.00'), None,
                        funding('local').code, None),
                    ])
            Operation.cancel([operation])
            self.assertEqual(operation.cancel_move.state, 'posted')
            self.assertEqual(sum(l.debit - l.credit
                    for l in operation.move.lines
                    + operation.cancel_move.lines
                    if l.account.code == '3240'), 0)

            unbalanced, = Operation.create([{
                        'company': env.company.id,
                        'date': d(5, 21),
                        'description': "Ошибка",
                        'lines': [('create', [{
                                        'account': env.account('3240').id,
                                        'party': supplier.id,
                                        'debit': Decimal('5000'),
                                        'credit': Decimal('0'),
                                        }])],
                        }])
            with self.assertRaises(UserError):
                Operation.post([unbalanced])
            self.assertEqual(Operation(unbalanced.id).state, 'draft')

    @with_transaction()
    def test_closed_period_refuses_posting(self):
        "A document dated in a closed period is refused"
        pool = Pool()
        Operation = pool.get('edu.other.operation')
        Period = pool.get('account.period')
        env = setup_gov_accounting(year=YEAR)
        supplier = create_supplier()
        with set_company(env.company):
            period = Period.find(env.company, date=d(1, 15))
            Period.close([period])
            operation, = Operation.create([{
                        'company': env.company.id, 'date': d(1, 15),
                        'description': "Закрытый период",
                        'lines': [('create', [{
                                        'account': env.account('3240').id,
                                        'party': supplier.id,
                                        'debit': Decimal('10'),
                                        'credit': Decimal('0'),
                                        }, {
                                        'account': env.account('6210').id,
                                        'debit': Decimal('0'),
                                        'credit': Decimal('10'),
                                        'funding_source':
                                        funding('local').id,
                                        }])],
                        }])
            with self.assertRaises(UserError):
                Operation.post([operation])


del ModuleTestCase
