# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The payslip (расчётный листок) and the payroll register (расчётная
ведомость) of a payroll run, and the sending of the payslips by e-mail
(R19.12, R18, R17).

- ``edu.payroll.payslip.pdf``: per payslip the organisation, the employee,
  the period, the days worked, every accrual and deduction, the employer's
  contributions (for information), the advance paid, the amount to pay
  and that amount in words, in Kazakh or Russian;
- "Send" on a payslip (and "Send Payslips" on a run) e-mails each
  employee their payslip as a PDF in the employee's language (the
  language of their party, else the company's) to the first e-mail of
  their party, on commit (``trytond.sendmail``), and records ``sent_at``;
- ``edu.payroll.register.pdf`` / ``.xlsx``: one row per employee with a
  column per accrual type, the withholdings, the advance and the amount
  to pay, a subtotal per department and the total.
"""
import datetime as dt
from collections import OrderedDict, defaultdict
from decimal import Decimal
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr

from trytond.config import config
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, XlsxDocument, translated)
from trytond.modules.edu_account.words import amount_in_words, format_amount
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction

from .exceptions import PayrollOutputError, PayrollOutputWarning

ZERO = Decimal(0)
#: the employer's contributions printed for information
EMPLOYER_FIELDS = ('opvr', 'so', 'oosms', 'sn')
#: the withholdings of the register, in their order
WITHHOLDING_FIELDS = ('opv', 'vosms', 'ipn')


def _lang(code):
    return (code or 'kk').split('_')[0]


def payslip_language(payslip):
    "The employee's language, else the company's, else Kazakh"
    party = payslip.employee.party
    if getattr(party, 'lang', None):
        return _lang(party.lang.code)
    company_party = payslip.company.party
    if getattr(company_party, 'lang', None):
        return _lang(company_party.lang.code)
    return 'kk'


def _name(employee):
    return employee.party.full_name or employee.party.rec_name


def period_text(date_from, date_to):
    return '%s — %s' % (date_from.strftime('%d.%m.%Y'),
        date_to.strftime('%d.%m.%Y'))


def payslip_lines(payslip):
    """The accrual, deduction and employer lines of a payslip:
    {kind: [(name, description, quantity, amount)]}"""
    result = {'accrual': [], 'deduction': [], 'employer': []}
    for line in sorted(payslip.lines,
            key=lambda l: (getattr(l.type, 'sequence', 0) or 0,
                l.type.code or '', l.id)):
        result.setdefault(line.type.kind, []).append((
                line.type.name, line.description or '',
                line.quantity, line.amount))
    return result


def _qty(value):
    if value in (None, ''):
        return ''
    value = Decimal(value)
    return str(value.normalize()) if value == value.to_integral() else (
        format_amount(value))


def render_payslips(payslips, language):
    "Return the PDF of the payslips in language (a context is set)"
    with Transaction().set_context(language=language):
        Payslip = Pool().get('edu.payroll.payslip')
        payslips = Payslip.browse([p.id for p in payslips])
        doc = PdfDocument(translated('edu_payroll.msg_print_payslip'))
        for i, payslip in enumerate(payslips):
            if i:
                from reportlab.platypus import PageBreak
                doc.story.append(PageBreak())
            _payslip_page(doc, payslip, language)
        return doc.build()


def _payslip_page(doc, payslip, language):
    employee = payslip.employee
    department = getattr(employee, 'department', None)
    position = getattr(employee, 'hr_position', None)
    doc.fields([
            (translated('edu_payroll.msg_print_organisation'),
                payslip.company.rec_name),
            (translated('edu_payroll.msg_print_employee'),
                '%s%s' % (_name(employee),
                    ' (%s)' % employee.personnel_number
                    if getattr(employee, 'personnel_number', None) else '')),
            (translated('edu_payroll.msg_print_position'),
                ', '.join(filter(None, [
                            position.rec_name if position else (
                                getattr(employee, 'position', '') or ''),
                            department.rec_name if department else '']))),
            (translated('edu_payroll.msg_print_period'),
                period_text(payslip.date_from, payslip.date_to)),
            (translated('edu_payroll.msg_print_days_worked'),
                '%s / %s' % (payslip.worked_days or 0,
                    payslip.norm_days or 0)),
            ])
    lines = payslip_lines(payslip)
    header = [translated('edu_payroll.msg_print_item'),
        translated('edu_payroll.msg_print_description'),
        translated('edu_payroll.msg_print_quantity'),
        translated('edu_payroll.msg_print_amount')]
    widths = [0.3, 0.4, 0.12, 0.18]
    for kind, total_label, total in [
            ('accrual', 'msg_print_gross', payslip.gross),
            ('deduction', 'msg_print_deductions_total',
                payslip.deductions_total),
            ]:
        doc.heading(translated('edu_payroll.msg_print_%ss' % kind))
        rows = [[n, d, _qty(q), a] for n, d, q, a in lines[kind]]
        rows.append([translated('edu_payroll.msg_print_total'), '', '',
                total or ZERO])
        doc.table([header] + rows, col_widths=widths, numeric=(2, 3),
            bold_rows=(len(rows),))
    doc.heading(translated('edu_payroll.msg_print_employer_contributions'))
    rows = [[translated('edu_payroll.msg_print_%s' % f),
            getattr(payslip, f) or ZERO] for f in EMPLOYER_FIELDS]
    doc.table(rows, header=False, col_widths=[0.82, 0.18], numeric=(1,))
    doc.spacer()
    to_pay = payslip.to_pay or ZERO
    doc.fields([
            (translated('edu_payroll.msg_print_net'),
                format_amount(payslip.net or ZERO)),
            (translated('edu_payroll.msg_print_advance_paid'),
                format_amount(payslip.advance_paid or ZERO)),
            (translated('edu_payroll.msg_print_to_pay'),
                format_amount(to_pay)),
            (translated('edu_payroll.msg_print_in_words'),
                amount_in_words(to_pay, language)),
            ])


class PayslipPdf(FileReport):
    "The payslip (расчётный листок) in the printing language (R19.12)"
    __name__ = 'edu.payroll.payslip.pdf'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        return render_payslips(records,
            _lang(Transaction().context.get('language')))


class Payslip(metaclass=PoolMeta):
    __name__ = 'edu.payroll.payslip'
    sent_at = fields.DateTime("Sent At", readonly=True,
        help="When the payslip was last e-mailed to the employee.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'send': {},
                })

    @classmethod
    def copy(cls, payslips, default=None):
        default = default.copy() if default else {}
        default.setdefault('sent_at', None)
        return super().copy(payslips, default=default)

    @classmethod
    @ModelView.button
    def send(cls, payslips):
        cls.send_by_email(payslips)

    @classmethod
    def send_by_email(cls, payslips):
        """E-mail each payslip to its employee in their language, on
        commit; warn (skippable) about the employees without e-mail and
        refuse a run that is not computed"""
        pool = Pool()
        Warning = pool.get('res.user.warning')
        for payslip in payslips:
            if payslip.run.state not in ('computed', 'posted'):
                raise PayrollOutputError(gettext(
                        'edu_payroll.msg_payslip_send_state',
                        run=payslip.run.rec_name))
        missing = [p for p in payslips if not p.employee.party.email]
        if missing:
            key = Warning.format('edu_payroll.payslip_no_email', missing)
            if Warning.check(key):
                raise PayrollOutputWarning(key, gettext(
                        'edu_payroll.msg_payslip_no_email',
                        employees=', '.join(sorted(
                                _name(p.employee) for p in missing))))
        from_addr = config.get('email', 'from')
        sent = []
        for payslip in payslips:
            email = payslip.employee.party.email
            if not email:
                continue
            language = payslip_language(payslip)
            content = render_payslips([payslip], language)
            with Transaction().set_context(language=language):
                subject = gettext('edu_payroll.msg_payslip_email_subject',
                    period=period_text(payslip.date_from, payslip.date_to),
                    company=payslip.company.rec_name)
                body = gettext('edu_payroll.msg_payslip_email_body',
                    employee=_name(payslip.employee),
                    period=period_text(payslip.date_from, payslip.date_to))
            msg = MIMEMultipart()
            msg['Subject'] = subject
            msg['From'] = from_addr
            msg['To'] = formataddr((_name(payslip.employee), email))
            msg.attach(MIMEText(body, 'plain', 'utf-8'))
            attachment = MIMEApplication(content, 'pdf')
            attachment.add_header('Content-Disposition', 'attachment',
                filename='payslip-%s-%s.pdf' % (
                    payslip.date_from.strftime('%Y-%m'), payslip.id))
            msg.attach(attachment)
            send_message_transactional(msg, from_addr, [email])
            sent.append(payslip)
        if sent:
            cls.write(sent, {'sent_at': dt.datetime.now()})
        return sent


class Run(metaclass=PoolMeta):
    __name__ = 'edu.payroll.run'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'send_payslips': {
                    'invisible': ~Eval('state').in_(['computed', 'posted']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    @ModelView.button
    def send_payslips(cls, runs):
        "E-mail every payslip of the runs to its employee (R19.12)"
        Payslip = Pool().get('edu.payroll.payslip')
        Payslip.send_by_email([p for r in runs for p in r.payslips])


# --- the payroll register -------------------------------------------------

def register_table(run):
    """Return (header, rows, bold rows) of the payroll register of run:
    per employee the accruals by item type, the gross, the withholdings,
    the other deductions, the advance and the amount to pay, with a
    subtotal per department and the total"""
    accrual_types = OrderedDict()
    deduction_types = OrderedDict()
    per_payslip = {}
    for payslip in run.payslips:
        amounts = defaultdict(lambda: ZERO)
        for line in payslip.lines:
            kind = line.type.kind
            if kind == 'accrual':
                accrual_types.setdefault(line.type.code, line.type.name)
            elif kind == 'deduction' and (
                    line.type.code not in WITHHOLDING_FIELDS):
                deduction_types.setdefault(line.type.code, line.type.name)
            else:
                continue
            amounts[line.type.code] += line.amount or ZERO
        per_payslip[payslip.id] = amounts
    accruals = sorted(accrual_types)
    others = sorted(deduction_types)
    header = ([translated('edu_payroll.msg_print_number'),
            translated('edu_payroll.msg_print_employee'),
            translated('edu_payroll.msg_print_days_worked')]
        + [accrual_types[c] for c in accruals]
        + [translated('edu_payroll.msg_print_gross')]
        + [translated('edu_payroll.msg_print_%s' % f)
            for f in WITHHOLDING_FIELDS]
        + [deduction_types[c] for c in others]
        + [translated('edu_payroll.msg_print_deductions_total'),
            translated('edu_payroll.msg_print_advance_paid'),
            translated('edu_payroll.msg_print_to_pay')])
    n_amounts = len(header) - 3

    def amounts_of(payslip):
        values = per_payslip[payslip.id]
        return ([values[c] for c in accruals] + [payslip.gross or ZERO]
            + [getattr(payslip, f) or ZERO for f in WITHHOLDING_FIELDS]
            + [values[c] for c in others]
            + [payslip.deductions_total or ZERO,
                payslip.advance_paid or ZERO, payslip.to_pay or ZERO])

    def department_name(payslip):
        department = getattr(payslip.employee, 'department', None)
        return department.rec_name if department else ''

    by_department = defaultdict(list)
    for payslip in run.payslips:
        by_department[department_name(payslip)].append(payslip)
    rows, bold = [], []
    total = [ZERO] * n_amounts
    number = 0
    for department in sorted(by_department):
        subtotal = [ZERO] * n_amounts
        bold.append(len(rows))
        rows.append([
                '', department or translated(
                    'edu_payroll.msg_print_no_department'), '']
            + [''] * n_amounts)
        for payslip in sorted(by_department[department],
                key=lambda p: (_name(p.employee), p.id)):
            number += 1
            values = amounts_of(payslip)
            subtotal = [a + b for a, b in zip(subtotal, values)]
            rows.append([number, _name(payslip.employee),
                    payslip.worked_days or 0] + values)
        bold.append(len(rows))
        rows.append(['', translated('edu_payroll.msg_print_subtotal',
                    department=department or translated(
                        'edu_payroll.msg_print_no_department')), '']
            + subtotal)
        total = [a + b for a, b in zip(total, subtotal)]
    bold.append(len(rows))
    rows.append(['', translated('edu_payroll.msg_print_total'), ''] + total)
    return header, rows, bold


def _register_title(run):
    return translated('edu_payroll.msg_print_register_title',
        company=run.company.rec_name,
        period=period_text(run.date_from, run.date_to))


class RegisterPdf(FileReport):
    "The payroll register (расчётная ведомость) PDF (R19.12)"
    __name__ = 'edu.payroll.register.pdf'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        doc = PdfDocument(translated('edu_payroll.msg_print_register'),
            landscape=True, font_size=8)
        for run in records:
            header, rows, bold = register_table(run)
            doc.heading(_register_title(run))
            amounts = len(header) - 3
            rest = 0.75 / max(amounts, 1)
            doc.table([header] + rows,
                col_widths=[0.04, 0.16, 0.05] + [rest] * amounts,
                numeric=tuple(range(2, len(header))),
                bold_rows=tuple(b + 1 for b in bold))
            doc.signatures([
                    (translated('edu_payroll.msg_print_director'), ''),
                    (translated('edu_payroll.msg_print_chief_accountant'),
                        ''),
                    (translated('edu_payroll.msg_print_accountant'), ''),
                    ])
        return doc.build()


class RegisterXlsx(FileReport):
    "The payroll register (расчётная ведомость) XLSX (R19.12)"
    __name__ = 'edu.payroll.register.xlsx'
    extension = 'xlsx'

    @classmethod
    def render(cls, records, data):
        doc = XlsxDocument()
        for i, run in enumerate(records, 1):
            header, rows, bold = register_table(run)
            doc.sheet('%s %s' % (i, run.date_from.strftime('%Y-%m')),
                _register_title(run), header, rows, bold_rows=bold,
                widths=[5, 32, 8] + [14] * (len(header) - 3))
        return doc.build()


# the portal's routes of the employee's payslips
from . import portal  # noqa: E402,F401
