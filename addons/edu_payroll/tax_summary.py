# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Summary for the declaration form 200.00 (ИПН and social payments) of a
quarter (R19.12, R18).

The wizard asks for the company, the year and the quarter and prints, per
month of the quarter and for the quarter, the figures the accountant
carries into the form, from the payslips of the posted final runs (the
advance runs withhold nothing), gathered by ONE aggregate SQL query.

Mapping of the figures to the lines of the form (``FORM_200_LINES``).  It
follows the structure of the form 200.00 for 2026 (page 200.01: income
and ИПН; 200.02: ОПВ; 200.03: ОПВР; 200.04: СО; 200.05: ВОСМС and ООСМС;
200.06: СН) as the module's authors understood it: the line codes MUST be
checked against the form approved by the tax authority for the period
before the figures are filed; change ``FORM_200_LINES`` if they differ.

====================  ===========================================  ========
line code             figure                                       payslip
====================  ===========================================  ========
200.01.001            number of employees paid                      count
200.01.002            income accrued to the employees               gross
200.01.003            ИПН withheld at source                        ipn
200.02.001            ОПВ (employee's pension contributions)         opv
200.03.001            ОПВР (employer's pension contributions)        opvr
200.04.001            СО (social contributions)                      so
200.05.001            ВОСМС (employee's health insurance)            vosms
200.05.002            ООСМС (employer's health insurance)            oosms
200.06.001            СН (social tax)                                sn
====================  ===========================================  ========
"""
import datetime as dt
from decimal import Decimal

from sql import Literal
from sql.aggregate import Count, Sum
from sql.functions import Extract

from trytond.model import ModelView, fields
from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, XlsxDocument, translated)
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateReport, StateView, Wizard

ZERO = Decimal(0)
CENT = Decimal('0.01')

#: (line code, figure, label message) in the order of the form
FORM_200_LINES = (
    ('200.01.001', 'employees', 'msg_form200_employees'),
    ('200.01.002', 'gross', 'msg_form200_income'),
    ('200.01.003', 'ipn', 'msg_print_ipn'),
    ('200.02.001', 'opv', 'msg_print_opv'),
    ('200.03.001', 'opvr', 'msg_print_opvr'),
    ('200.04.001', 'so', 'msg_print_so'),
    ('200.05.001', 'vosms', 'msg_print_vosms'),
    ('200.05.002', 'oosms', 'msg_print_oosms'),
    ('200.06.001', 'sn', 'msg_print_sn'),
    )
AMOUNTS = ('gross', 'ipn', 'opv', 'opvr', 'so', 'vosms', 'oosms', 'sn')
QUARTERS = [('1', 'I'), ('2', 'II'), ('3', 'III'), ('4', 'IV')]


def quarter_months(year, quarter):
    "The first days of the three months of a quarter"
    first = (int(quarter) - 1) * 3 + 1
    return [dt.date(int(year), m, 1) for m in range(first, first + 3)]


def quarter_bounds(year, quarter):
    months = quarter_months(year, quarter)
    last = months[-1]
    end = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1) \
        - dt.timedelta(days=1)
    return months[0], end


def form200_figures(company_id, year, quarter):
    """Return {month (1st day): {figure: value}} and the quarter's totals
    under the key None, from one aggregate query on the payslips of the
    posted final runs whose period starts in the quarter"""
    pool = Pool()
    Payslip = pool.get('edu.payroll.payslip')
    Run = pool.get('edu.payroll.run')
    payslip = Payslip.__table__()
    run = Run.__table__()
    start, end = quarter_bounds(year, quarter)
    month = Extract('MONTH', run.date_from)
    columns = [Sum(getattr(payslip, f)) for f in AMOUNTS]
    cursor = Transaction().connection.cursor()
    cursor.execute(*payslip.join(run, condition=payslip.run == run.id)
        .select(month, Count(payslip.employee, distinct=True), *columns,
            where=((run.company == company_id)
                & (run.state == Literal('posted'))
                & (run.kind == Literal('final'))
                & (run.date_from >= start) & (run.date_from <= end)),
            group_by=[month]))
    figures = {}
    for m in quarter_months(year, quarter):
        figures[m] = dict({f: ZERO for f in AMOUNTS}, employees=0)
    for row in cursor:
        key = dt.date(int(year), int(row[0]), 1)
        values = figures[key]
        values['employees'] = int(row[1] or 0)
        for name, value in zip(AMOUNTS, row[2:]):
            values[name] = Decimal(str(value or 0)).quantize(CENT)
    total = dict({f: sum((v[f] for v in figures.values()), ZERO)
            for f in AMOUNTS})
    # the quarter's number of employees: the average of the months, as
    # the form asks for the average number (rounded down)
    total['employees'] = sum(v['employees'] for v in figures.values()) // 3
    figures[None] = total
    return figures


def form200_table(company_id, year, quarter):
    "Return (header, rows) of the summary: a row per line of the form"
    figures = form200_figures(company_id, year, quarter)
    months = quarter_months(year, quarter)
    header = [translated('edu_payroll.msg_form200_line'),
        translated('edu_payroll.msg_form200_figure')] + [
        m.strftime('%m.%Y') for m in months] + [
        translated('edu_payroll.msg_form200_quarter')]
    rows = []
    for code, figure, label in FORM_200_LINES:
        rows.append([code, translated('edu_payroll.%s' % label)]
            + [figures[m][figure] for m in months] + [figures[None][figure]])
    return header, rows


def _title(data):
    Company = Pool().get('company.company')
    company = Company(data['company'])
    return translated('edu_payroll.msg_form200_title',
        company=company.rec_name, year=data['year'],
        quarter=dict(QUARTERS)[str(data['quarter'])])


class Form200Start(ModelView):
    "Form 200.00 Summary"
    __name__ = 'edu.payroll.form200.start'
    __string__ = "Form 200.00 Summary"
    company = fields.Many2One('company.company', "Company", required=True)
    year = fields.Integer("Year", required=True)
    quarter = fields.Selection(QUARTERS, "Quarter", required=True)

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_year():
        return dt.date.today().year

    @staticmethod
    def default_quarter():
        return str((dt.date.today().month - 1) // 3 + 1)


class Form200(Wizard):
    "Form 200.00 Summary"
    __name__ = 'edu.payroll.form200'
    start = StateView('edu.payroll.form200.start',
        'edu_payroll.form200_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("XLSX", 'xlsx', 'tryton-print'),
            Button("PDF", 'pdf', 'tryton-print', default=True),
            ])
    pdf = StateReport('edu.payroll.form200.pdf')
    xlsx = StateReport('edu.payroll.form200.xlsx')

    def _data(self):
        return {'company': self.start.company.id, 'year': self.start.year,
            'quarter': self.start.quarter}

    def do_pdf(self, action):
        return action, self._data()

    def do_xlsx(self, action):
        return action, self._data()


class Form200Pdf(FileReport):
    "Form 200.00 summary (PDF)"
    __name__ = 'edu.payroll.form200.pdf'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        header, rows = form200_table(
            data['company'], data['year'], data['quarter'])
        doc = PdfDocument(translated('edu_payroll.msg_form200'),
            landscape=True)
        doc.heading(_title(data))
        doc.table([header] + [[v if not isinstance(v, int) else str(v)
                        for v in r] for r in rows],
            col_widths=[0.12, 0.32, 0.14, 0.14, 0.14, 0.14],
            numeric=(2, 3, 4, 5))
        doc.paragraph(translated('edu_payroll.msg_form200_note'), 'small')
        doc.signatures([
                (translated('edu_payroll.msg_print_director'), ''),
                (translated('edu_payroll.msg_print_chief_accountant'), ''),
                ])
        return doc.build()


class Form200Xlsx(FileReport):
    "Form 200.00 summary (XLSX)"
    __name__ = 'edu.payroll.form200.xlsx'
    extension = 'xlsx'

    @classmethod
    def render(cls, records, data):
        header, rows = form200_table(
            data['company'], data['year'], data['quarter'])
        doc = XlsxDocument()
        sheet = doc.sheet('200.00', _title(data), header, rows,
            widths=[12, 44, 16, 16, 16, 16])
        sheet.write(4 + len(rows), 0,
            translated('edu_payroll.msg_form200_note'))
        return doc.build()
