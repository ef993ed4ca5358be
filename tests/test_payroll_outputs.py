# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The outputs of the payroll (R19.12, R18, R17): the payslip in Kazakh and
Russian and its sending by e-mail, the payroll register, the bank
salary-card registry and the writs' recipients list, the form 200.00
summary and the employee's own payslips on the portal.

The runs are built directly (payslips and lines as the computation of
edu_payroll leaves them) so that the outputs are checked on known figures:
two employees of the mathematics department and one of the accounting in
February 2026, one of them with alimony withheld for a recipient.
"""
import datetime as dt
import email
import unittest
from decimal import Decimal
from unittest import mock

from trytond.exceptions import UserError, UserWarning
from trytond.modules.company.tests import set_company
from trytond.modules.edu_account.printing import PdfDocument
from trytond.modules.edu_account.tests.tools import setup_gov_accounting
from trytond.modules.edu_account.words import amount_in_words
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

YEAR = 2026
FEB = (dt.date(YEAR, 2, 1), dt.date(YEAR, 2, 28))
MAR = (dt.date(YEAR, 3, 1), dt.date(YEAR, 3, 31))
IBANS = ['KZ86125KZT5004100100', 'KZ75125KZT2069100100',
    'KZ563190000012344567']
D = Decimal

#: per employee: (last, first, department, lang, e-mail, iban index,
#: salary, alimony)
STAFF = [
    ("Нұрланов", "Ерлан", 'maths', 'kk', 'erlan@school.kz', 0,
        D('300000.00'), D('0')),
    ("Иванова", "Ольга", 'accounting', 'ru', 'olga@school.kz', 1,
        D('500000.00'), D('40897.50')),
    ("Әлиев", "Тимур", 'maths', 'kk', None, 2, D('200000.00'), D('0')),
    ]


def figures(salary):
    "The 2026 figures of a salary with the basic deduction (notes)"
    opv = (salary * D('0.10')).quantize(D(1))
    vosms = (salary * D('0.02')).quantize(D(1))
    taxable = max(salary - opv - vosms - D('129750'), D(0))
    ipn = (taxable * D('0.10')).quantize(D(1))
    so = ((salary - opv) * D('0.05')).quantize(D(1))
    return {'gross': salary, 'opv': opv, 'vosms': vosms, 'ipn': ipn,
        'opvr': (salary * D('0.035')).quantize(D(1)), 'so': so,
        'oosms': (salary * D('0.03')).quantize(D(1)),
        'sn': ((salary - opv - vosms) * D('0.06')).quantize(D(1))}


def pdf_texts(story):
    "The texts of the paragraphs of a reportlab story, tables included"
    texts = []

    def walk(item):
        if hasattr(item, 'text') and isinstance(item.text, str):
            texts.append(item.text)
        for row in getattr(item, '_cellvalues', []) or []:
            for cell in row:
                walk(cell)
    for item in story:
        walk(item)
    return texts


class PdfSpy:
    "Collect the texts of the PDF documents built while it is active"

    def __init__(self):
        self.documents = []

    def __enter__(self):
        spy = self

        def build(doc):
            spy.documents.append(pdf_texts(doc.story))
            return b'%PDF-spy'
        self.patch = mock.patch.object(PdfDocument, 'build', build)
        self.patch.start()
        return self

    def __exit__(self, *exc):
        self.patch.stop()

    @property
    def text(self):
        return '\n'.join(t for doc in self.documents for t in doc)


def load_translations(codes=('kk', 'ru'), module='edu_payroll'):
    "Make the languages translatable and load the module's translations"
    from trytond.modules import create_graph
    from trytond.modules import load_translations as load
    pool = Pool()
    Lang = pool.get('ir.lang')
    Module = pool.get('ir.module')
    with Transaction().set_user(0):
        Lang.write(Lang.search([('code', 'in', list(codes))]),
            {'translatable': True})
        modules = {m.name for m in Module.search(
                    [('state', '=', 'activated')])}
        for node in create_graph(modules):
            if node.name == module:
                load(pool, node, list(codes))


def execute(name, ids, data=None):
    """Execute the report as the root (the groups of the reports are the
    access matrix's concern)"""
    Report = Pool().get(name, type='report')
    with Transaction().set_user(0):
        return Report.execute(ids, data or {})


class PayrollOutputsTestCase(unittest.TestCase):
    "Test the outputs of edu_payroll"

    @classmethod
    def setUpClass(cls):
        activate_module('edu_payroll')

    # -- the data ----------------------------------------------------------
    def setup_payroll(self):
        from trytond.modules.edu_base import kz_id
        pool = Pool()
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        Department = pool.get('edu.department')
        Lang = pool.get('ir.lang')
        load_translations()
        env = setup_gov_accounting(year=YEAR)
        company = env.company
        langs = {l.code: l
            for l in Lang.search([('code', 'in', ['kk', 'ru'])])}
        with set_company(company):
            departments = {}
            for key, name, kind in [('maths', "Математика ӘБ", 'teaching'),
                    ('accounting', "Бухгалтерия", 'accounting')]:
                departments[key], = Department.create([{
                            'name': name, 'kind': kind,
                            'company': company.id}])
            self.recipient, = Party.create([{'name': "Иванов Пётр"}])
            employees = []
            for i, (last, first, dept, lang, mail, iban, salary,
                    alimony) in enumerate(STAFF):
                values = {
                    'is_person': True, 'last_name': last,
                    'first_name': first,
                    'iin': kz_id.make_iin(dt.date(1985, 4, 12), 'male',
                        200 + i * 7),
                    'lang': langs[lang].id if lang in langs else None,
                    }
                if mail:
                    values['contact_mechanisms'] = [('create', [{
                                    'type': 'email', 'value': mail}])]
                party, = Party.create([values])
                employee, = Employee.create([{
                            'party': party.id, 'company': company.id,
                            'department': departments[dept].id,
                            'start_date': dt.date(2020, 9, 1),
                            'iban': IBANS[iban],
                            }])
                employees.append(employee)
            Writ = pool.get('edu.payroll.writ')
            Writ.create([{
                        'employee': employees[1].id,
                        'company': company.id, 'kind': 'alimony',
                        'document': 'ИЛ-1/2025', 'percent': D('25'),
                        'recipient': self.recipient.id,
                        'recipient_iban': 'KZ74601A861000286561',
                        'date_from': dt.date(2025, 1, 1),
                        }])
        self.env, self.company, self.employees = env, company, employees
        self.departments = departments
        return env

    def item_types(self):
        ItemType = Pool().get('edu.payroll.item.type')
        return {t.code: t for t in ItemType.search([])}

    def make_run(self, period=FEB, kind='final', state='posted',
            employees=None, advance=D('0')):
        "A run with a payslip per employee as the computation makes them"
        pool = Pool()
        Run = pool.get('edu.payroll.run')
        Payslip = pool.get('edu.payroll.payslip')
        types = self.item_types()
        with set_company(self.company):
            run, = Run.create([{
                        'company': self.company.id, 'kind': kind,
                        'date_from': period[0], 'date_to': period[1],
                        }])
            payslips = []
            for employee, staff in zip(employees or self.employees, STAFF):
                salary, alimony = staff[6], staff[7]
                f = figures(salary)
                withheld = f['opv'] + f['vosms'] + f['ipn']
                lines = [
                    {'type': types['salary'].id, 'amount': salary,
                        'quantity': D(19),
                        'description': "Лауазымдық айлықақы"},
                    {'type': types['opv'].id, 'amount': f['opv']},
                    {'type': types['vosms'].id, 'amount': f['vosms']},
                    {'type': types['ipn'].id, 'amount': f['ipn']},
                    ] + [{'type': types[c].id, 'amount': f[c]}
                    for c in ('opvr', 'so', 'oosms', 'sn')]
                if alimony:
                    lines.append({'type': types['alimony'].id,
                            'amount': alimony,
                            'party': self.recipient.id})
                deductions = withheld + alimony
                payslips.append({
                        'run': run.id, 'company': self.company.id,
                        'employee': employee.id, 'date_from': period[0],
                        'date_to': period[1], 'worked_days': 19,
                        'norm_days': 19, **f,
                        'deductions_total': deductions,
                        'net': salary - deductions,
                        'advance_paid': advance,
                        'to_pay': salary - deductions - advance,
                        'lines': [('create', lines)],
                        })
            Payslip.create(payslips)
        self.set_state(run, state)
        return Run(run.id)

    def set_state(self, run, state):
        Run = Pool().get('edu.payroll.run')
        table = Run.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.state], [state],
                where=table.id == run.id))
        Transaction().cache.clear()

    # -- the bank files ----------------------------------------------------
    def test_iban_and_registry_format(self):
        "IBAN check and the documented registry layout (R19.12)"
        from trytond.modules.edu_payroll.bank_file import (
            iban_valid, salary_registry, writ_list)
        for iban in IBANS + ['kz86 125K ZT50 0410 0100']:
            self.assertTrue(iban_valid(iban), iban)
        for iban in ['', None, 'KZ87125KZT5004100100', 'KZ86125KZT500410010',
                'DE89370400440532013000']:
            self.assertFalse(iban_valid(iban), iban)
        text = salary_registry([
                ('850412300123', 'Нұрланов; Ерлан', IBANS[0], D('250575')),
                ('850412300124', 'Без выплаты', None, D('0')),
                ('850412300125', 'Иванова Ольга', IBANS[1], D('0.5')),
                ])
        self.assertEqual(text.split('\r\n'), [
                'IIN;FULL_NAME;IBAN;AMOUNT;KNP',
                '850412300123;Нұрланов Ерлан;KZ86125KZT5004100100;'
                '250575.00;311',
                '850412300125;Иванова Ольга;KZ75125KZT2069100100;0.50;311',
                'TOTAL;2;;250575.50;311',
                ''])
        self.assertEqual(writ_list([('Р', 'KZ74601A861000286561', 'Е',
                        D('10'))]).split('\r\n')[-2], 'TOTAL;1;;10.00')

    @with_transaction()
    def test_bank_file(self):
        "The salary-card registry of a posted run, refused without IBAN"
        pool = Pool()
        Employee = pool.get('company.employee')
        self.setup_payroll()
        run = self.make_run()
        with set_company(self.company):
            ext, content, _, name = execute('edu.payroll.bank_file',
                [run.id])
        self.assertEqual(ext, 'csv')
        lines = content.decode('utf-8').split('\r\n')
        self.assertEqual(lines[0], 'IIN;FULL_NAME;IBAN;AMOUNT;KNP')
        self.assertEqual(len(lines), 1 + 3 + 1 + 1)
        total = sum((p.to_pay for p in run.payslips), D(0))
        self.assertEqual(lines[-2], 'TOTAL;3;;%s;311' % total)
        iins = {e.party.iin for e in self.employees}
        self.assertEqual({l.split(';')[0] for l in lines[1:4]}, iins)
        self.assertTrue(all(l.endswith(';311') for l in lines[1:4]))

        # an employee without a valid IBAN: the whole file is refused and
        # names them
        Employee.write([self.employees[0]], {'iban': None})
        table = Employee.__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.iban], ['KZ00BAD'],
                where=table.id == self.employees[2].id))
        Transaction().cache.clear()
        with set_company(self.company), self.assertRaises(UserError) as cm:
            execute('edu.payroll.bank_file', [run.id])
        message = cm.exception.message
        self.assertIn("Нұрланов", message)
        self.assertIn("Әлиев", message)
        self.assertNotIn("Иванова", message)

        # only a posted run
        self.set_state(run, 'computed')
        with set_company(self.company), self.assertRaises(UserError):
            execute('edu.payroll.bank_file', [run.id])

    @with_transaction()
    def test_writ_list(self):
        "The list of the writs' recipients of a posted run"
        from trytond.modules.edu_payroll.bank_file import run_writ_rows
        self.setup_payroll()
        run = self.make_run()
        self.assertEqual(run_writ_rows(run), [
                ("Иванов Пётр", 'KZ74601A861000286561', "Иванова Ольга",
                    D('40897.50'))])
        with set_company(self.company):
            ext, content, _, _ = execute('edu.payroll.writ_list', [run.id])
        self.assertEqual(content.decode('utf-8').split('\r\n')[-2],
            'TOTAL;1;;40897.50')
        with set_company(self.company), PdfSpy() as spy:
            execute('edu.payroll.writ_list.pdf', [run.id])
        self.assertIn("Иванов Пётр", spy.text)

    # -- the payslip and its e-mail ------------------------------------------
    @with_transaction()
    def test_payslip_pdf(self):
        """The payslip shows the organisation, the period, the days, each
        accrual and deduction, the employer's contributions, the amount to
        pay in words, in Kazakh or Russian (R19.12, R17)"""
        from trytond.modules.edu_payroll.report import render_payslips
        self.setup_payroll()
        run = self.make_run()
        payslip = [p for p in run.payslips
            if p.employee == self.employees[1]][0]
        for language, words, label in [
                ('kk', amount_in_words(payslip.to_pay, 'kk'),
                    'Есеп айырысу парағы'),
                ('ru', amount_in_words(payslip.to_pay, 'ru'),
                    'Расчётный листок')]:
            with self.subTest(language=language), PdfSpy() as spy:
                render_payslips([payslip], language)
                text = spy.text
                self.assertIn(label, text)
                self.assertIn(words, text)
                self.assertIn(self.company.rec_name, text)
                self.assertIn('01.02.2026', text)
                self.assertIn('19 / 19', text)
                for amount in ['500\u00a0000,00', '40\u00a0897,50',
                        '17\u00a0500,00']:  # salary, alimony, ОПВР
                    self.assertIn(amount, text)
        # the real PDF
        with set_company(self.company):
            ext, content, _, _ = execute('edu.payroll.payslip.pdf',
                [payslip.id])
        self.assertEqual(ext, 'pdf')
        self.assertTrue(bytes(content).startswith(b'%PDF'))

    @with_transaction()
    def test_send_payslips(self):
        """Send Payslips e-mails each employee their PDF in their language
        on commit and records it; those without e-mail are named in a
        warning (R19.12, R17)"""
        pool = Pool()
        Run = pool.get('edu.payroll.run')
        Payslip = pool.get('edu.payroll.payslip')
        self.setup_payroll()
        run = self.make_run(state='computed')
        path = 'trytond.modules.edu_payroll.report.send_message_transactional'
        with mock.patch(path) as send, set_company(self.company):
            with self.assertRaises(UserWarning) as cm:
                Run.send_payslips([run])
            self.assertIn("Әлиев", cm.exception.message)
            send.assert_not_called()
            with Transaction().set_context(_skip_warnings=True):
                Run.send_payslips([run])
        self.assertEqual(send.call_count, 2)
        sent = {}
        for call in send.call_args_list:
            msg, from_addr, to_addrs = call.args
            sent[to_addrs[0]] = msg
        self.assertEqual(set(sent), {'erlan@school.kz', 'olga@school.kz'})
        kk = email.message_from_bytes(sent['erlan@school.kz'].as_bytes())
        ru = email.message_from_bytes(sent['olga@school.kz'].as_bytes())
        self.assertIn('есеп айырысу парағы', str(email.header.make_header(
                    email.header.decode_header(kk['Subject']))))
        self.assertIn('Расчётный листок', str(email.header.make_header(
                    email.header.decode_header(ru['Subject']))))
        for msg in (kk, ru):
            attachments = [p for p in msg.walk()
                if p.get_content_type() == 'application/pdf']
            self.assertEqual(len(attachments), 1)
            self.assertTrue(attachments[0].get_payload(decode=True)
                .startswith(b'%PDF'))
        states = {p.employee.id: p.sent_at for p in Payslip.browse(
                [p.id for p in run.payslips])}
        self.assertIsNotNone(states[self.employees[0].id])
        self.assertIsNotNone(states[self.employees[1].id])
        self.assertIsNone(states[self.employees[2].id])

        # a draft run is not sent
        self.set_state(run, 'draft')
        with mock.patch(path) as send, set_company(self.company), \
                self.assertRaises(UserError):
            Run.send_payslips([Run(run.id)])
        send.assert_not_called()

    # -- the register --------------------------------------------------------
    @with_transaction()
    def test_register(self):
        """The payroll register: a column per accrual type, the
        withholdings, subtotals per department and the total (R19.12)"""
        from trytond.modules.edu_payroll.report import register_table
        self.setup_payroll()
        run = self.make_run(advance=D('50000'))
        with Transaction().set_context(language='ru'):
            header, rows, bold = register_table(Pool().get(
                    'edu.payroll.run')(run.id))
        self.assertEqual(header[-1], 'К выплате')
        self.assertIn('Всего начислено', header)
        # departments sorted: accounting (1 employee), then maths (2)
        labels = [r[1] for r in rows]
        self.assertEqual(labels[0], "Бухгалтерия")
        self.assertEqual(labels[1], "Иванова Ольга")
        self.assertEqual(labels[2], "Итого: Бухгалтерия")
        self.assertEqual(labels[3], "Математика ӘБ")
        self.assertEqual(labels[-1], "Итого")
        self.assertEqual(bold, [0, 2, 3, 6, 7])
        to_pay = header.index('К выплате')
        total = sum((p.to_pay for p in run.payslips), D(0))
        self.assertEqual(rows[-1][to_pay], total)
        self.assertEqual(rows[2][to_pay] + rows[6][to_pay], total)
        gross = header.index('Всего начислено')
        self.assertEqual(rows[-1][gross], D('1000000.00'))
        for name, ext, magic in [('edu.payroll.register.pdf', 'pdf', b'%PDF'),
                ('edu.payroll.register.xlsx', 'xlsx', b'PK')]:
            with set_company(self.company):
                result = execute(name, [run.id])
            self.assertEqual(result[0], ext)
            self.assertTrue(bytes(result[1]).startswith(magic))

    # -- form 200.00 -------------------------------------------------------
    @with_transaction()
    def test_form200(self):
        """The quarter's figures per month from the posted final runs only,
        with the line codes of the form (R19.12)"""
        from trytond.modules.edu_payroll.tax_summary import (
            FORM_200_LINES, form200_figures, form200_table)
        self.setup_payroll()
        self.make_run(period=FEB)
        self.make_run(period=MAR, employees=self.employees[:2])
        # not counted: a computed run, an advance, another quarter
        self.make_run(period=(dt.date(YEAR, 1, 1), dt.date(YEAR, 1, 31)),
            state='computed')
        self.make_run(period=MAR, kind='advance')
        self.make_run(period=(dt.date(YEAR, 4, 1), dt.date(YEAR, 4, 30)))
        queries = []
        transaction = Transaction()

        class Cursor:
            "count the queries of a cursor"
            def __init__(self, cursor):
                self.cursor = cursor

            def execute(self, *args):
                queries.append(args[0])
                return self.cursor.execute(*args)

            def __iter__(self):
                return iter(self.cursor)

            def __getattr__(self, name):
                return getattr(self.cursor, name)

        class Counting:
            connection = type('Connection', (), {
                    'cursor': lambda self: Cursor(
                        transaction.connection.cursor())})()
        with mock.patch(
                'trytond.modules.edu_payroll.tax_summary.Transaction',
                Counting):
            result = form200_figures(self.company.id, YEAR, '1')
        self.assertEqual(len(queries), 1)
        jan, feb, mar = [dt.date(YEAR, m, 1) for m in (1, 2, 3)]
        self.assertEqual(result[jan]['employees'], 0)
        self.assertEqual(result[jan]['gross'], D(0))
        self.assertEqual(result[feb]['employees'], 3)
        self.assertEqual(result[feb]['gross'], D('1000000.00'))
        self.assertEqual(result[mar]['employees'], 2)
        self.assertEqual(result[mar]['gross'], D('800000.00'))
        ipn = sum((figures(s[6])['ipn'] for s in STAFF), D(0)) + sum(
            (figures(s[6])['ipn'] for s in STAFF[:2]), D(0))
        self.assertEqual(result[None]['ipn'], ipn)
        self.assertEqual(result[None]['sn'], result[feb]['sn']
            + result[mar]['sn'])
        codes = [c for c, _, _ in FORM_200_LINES]
        self.assertEqual(len(codes), len(set(codes)))
        self.assertEqual({f for _, f, _ in FORM_200_LINES}, {'employees',
                'gross', 'ipn', 'opv', 'vosms', 'opvr', 'so', 'oosms', 'sn'})
        with Transaction().set_context(language='kk'):
            header, rows = form200_table(self.company.id, YEAR, '1')
        self.assertEqual(header[2:], ['01.2026', '02.2026', '03.2026',
                'Тоқсан'])
        self.assertEqual(rows[1][0], '200.01.002')
        self.assertEqual(rows[1][-1], D('1800000.00'))
        # the wizard's reports
        data = {'company': self.company.id, 'year': YEAR, 'quarter': '1'}
        for name, magic in [('edu.payroll.form200.pdf', b'%PDF'),
                ('edu.payroll.form200.xlsx', b'PK')]:
            with set_company(self.company):
                result = execute(name, [], data)
            self.assertTrue(bytes(result[1]).startswith(magic))

    # -- the portal --------------------------------------------------------
    @with_transaction()
    def test_portal_own_payslips(self):
        """On the portal an employee lists and downloads their own
        payslips only, in their language (R19.12, R27.12)"""
        from trytond.modules.edu_payroll import portal
        pool = Pool()
        User = pool.get('res.user')
        self.setup_payroll()
        run = self.make_run()
        self.make_run(period=MAR, state='draft')
        own = self.employees[0]
        user, = User.create([{
                    'login': 'erlan', 'name': "Ерлан",
                    'person': own.party.id,
                    'companies': [('add', [self.company.id])],
                    'company': self.company.id,
                    'employees': [('add', [own.id])], 'employee': own.id,
                    }])
        mine = [p for p in run.payslips if p.employee == own][0]
        other = [p for p in run.payslips if p.employee != own][0]
        with Transaction().set_user(user.id), \
                Transaction().set_context(company=self.company.id,
                    language='ru', _check_access=True):
            data = portal.payslips_data('bilim')
            self.assertEqual([d['id'] for d in data], [mine.id])
            self.assertEqual(data[0]['to_pay'], str(mine.to_pay))
            self.assertEqual(data[0]['pdf'],
                f'/bilim/portal/payroll/payslips/{mine.id}.pdf')
            with PdfSpy() as spy:
                self.assertIsNotNone(portal.own_payslip_pdf(mine.id))
            self.assertIn('Расчётный листок', spy.text)
            self.assertIsNone(portal.own_payslip_pdf(other.id))
            page = portal.payslips_html('bilim')
            self.assertIn('Мои расчётные листки', page)
            self.assertIn(f'payslips/{mine.id}.pdf', page)
            self.assertNotIn(f'payslips/{other.id}.pdf', page)
            self.assertNotIn('<script', page)

    def test_portal_routes(self):
        "The routes are registered outside the portal's documented API"
        from trytond.modules.edu_payroll import portal
        self.assertTrue(portal.PORTAL)
        from trytond.wsgi import app
        rules = {r.rule for r in app.url_map.iter_rules()}
        for rule in ['/<database_name>/portal/payroll/payslips',
                '/<database_name>/portal/payroll/payslips.json',
                '/<database_name>/portal/payroll/payslips/'
                '<int:payslip_id>.pdf']:
            self.assertIn(rule, rules)
        self.assertFalse([r for r in rules
                if r.startswith('/<database_name>/portal/api/v1/payslip')])


class ComputedRunOutputsTestCase(unittest.TestCase):
    "The outputs of a run computed and posted by edu_payroll itself"

    @classmethod
    def setUpClass(cls):
        activate_module('edu_payroll')

    @with_transaction()
    def test_computed_run(self):
        """The bank file, the register and the form 200.00 summary of the
        worked example (gross 300,000, basic deduction: net 250,575)"""
        from trytond.modules.edu_payroll.report import register_table
        from trytond.modules.edu_payroll.tax_summary import form200_figures
        pool = Pool()
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        Employment = pool.get('edu.hr.employment')
        Run = pool.get('edu.payroll.run')
        env = setup_gov_accounting(year=YEAR)
        with set_company(env.company):
            party, = Party.create([{'name': "Сейітов Бауыржан"}])
            employee, = Employee.create([{
                        'party': party.id, 'company': env.company.id,
                        'start_date': dt.date(YEAR, 1, 1),
                        'basic_deduction': True, 'iban': IBANS[0]}])
            Employment.create([{
                        'employee': employee.id,
                        'company': env.company.id, 'kind': 'hire',
                        'date_from': dt.date(YEAR, 1, 1), 'rate': D(1),
                        'salary': D('300000')}])
            run, = Run.create([{'company': env.company.id, 'kind': 'final',
                        'date_from': FEB[0], 'date_to': FEB[1]}])
            Run.compute([run])
            Run.post([run])
            ext, content, _, _ = execute('edu.payroll.bank_file', [run.id])
        self.assertEqual(content.decode('utf-8').split('\r\n')[1:3], [
                ';Сейітов Бауыржан;KZ86125KZT5004100100;250575.00;311',
                'TOTAL;1;;250575.00;311'])
        header, rows, bold = register_table(run)
        self.assertEqual(rows[-1][-1], D('250575'))
        figures_ = form200_figures(env.company.id, YEAR, '1')
        february = figures_[FEB[0]]
        self.assertEqual((february['employees'], february['gross'],
                february['ipn'], february['opv'], february['vosms'],
                february['opvr'], february['so'], february['oosms'],
                february['sn']),
            (1, D('300000'), D('13425'), D('30000'), D('6000'),
                D('10500'), D('13500'), D('9000'), D('15840')))
