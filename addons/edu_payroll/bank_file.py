# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The bank salary-card registry file and the list of the writs'
recipients of a posted payroll run (R19.12, R18).

Format of the salary-card registry (``.csv``, UTF-8 without BOM, lines
ended by CRLF, fields separated by ``;``, no quoting: a ``;`` or a line
break inside a name is replaced by a space).  It names nothing in a
language, so one file serves banks working in Kazakh or Russian::

    IIN;FULL_NAME;IBAN;AMOUNT;KNP
    850412400123;Нұрланов Ерлан;KZ86125KZT5004100100;245300.00;311
    ...
    TOTAL;2;;512340.50;311

- ``IIN``: the employee's 12-digit individual identification number;
- ``FULL_NAME``: last, first and middle name as in the identity card;
- ``IBAN``: the 20-character Kazakh IBAN of the salary card account
  (``KZ``, 2 check digits, 3-digit bank code, 13 characters), validated
  by ISO 13616 mod 97;
- ``AMOUNT``: the amount to pay, a dot before the 2 decimals;
- ``KNP``: the purpose code (код назначения платежа) 311, wages;
- the last line ``TOTAL;<number of lines>;;<sum>;311`` is the control
  total the bank checks.

Employees with nothing to pay are left out.  When an employee to pay has
no valid IBAN the whole file is refused and the error lists them all.

The writs' recipients list gives, per recipient of an alimony or a writ
withheld in the run (the employee's ``payroll_writs``), the recipient,
their IBAN, the employee it is withheld from and the amount, with the
same layout (header ``RECIPIENT;IBAN;EMPLOYEE;AMOUNT`` and a total line).
"""
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from trytond.i18n import gettext
from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, translated)

from .exceptions import PayrollOutputError

KNP_SALARY = '311'
SEPARATOR = ';'
EOL = '\r\n'
CENT = Decimal('0.01')
ZERO = Decimal(0)
_IBAN_KZ = re.compile(r'^KZ\d{2}\d{3}[0-9A-Z]{13}$')


def normalise_iban(iban):
    "The IBAN without spaces, upper case"
    return re.sub(r'\s+', '', iban or '').upper()


def iban_valid(iban):
    """Whether iban is a valid Kazakh IBAN (20 characters, mod 97 = 1)

    >>> iban_valid('KZ86125KZT5004100100')
    True
    >>> iban_valid('KZ87125KZT5004100100')
    False
    """
    iban = normalise_iban(iban)
    if not _IBAN_KZ.match(iban):
        return False
    moved = iban[4:] + iban[:4]
    digits = ''.join(str(int(c, 36)) for c in moved)
    return int(digits) % 97 == 1


def _clean(text):
    return ' '.join(str(text or '').replace(SEPARATOR, ' ').split())


def _amount(value):
    return str(Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP))


def salary_registry(rows):
    """Return the registry file text of rows [(iin, name, iban, amount)].

    Rows with a zero or negative amount are left out; raise
    PayrollOutputError listing the names whose IBAN is missing or invalid.
    """
    bad = [name for iin, name, iban, amount in rows
        if amount and amount > 0 and not iban_valid(iban)]
    if bad:
        raise PayrollOutputError(gettext(
                'edu_payroll.msg_bank_file_iban_missing',
                employees=', '.join(sorted(_clean(n) for n in bad))))
    lines = [SEPARATOR.join(['IIN', 'FULL_NAME', 'IBAN', 'AMOUNT', 'KNP'])]
    total, count = ZERO, 0
    for iin, name, iban, amount in rows:
        if not amount or amount <= 0:
            continue
        amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
        lines.append(SEPARATOR.join([_clean(iin), _clean(name),
                    normalise_iban(iban), _amount(amount), KNP_SALARY]))
        total += amount
        count += 1
    lines.append(SEPARATOR.join(
            ['TOTAL', str(count), '', _amount(total), KNP_SALARY]))
    return EOL.join(lines) + EOL


def writ_list(rows):
    """Return the writs' recipients list text of rows
    [(recipient, iban, employee, amount)], recipients grouped"""
    lines = [SEPARATOR.join(['RECIPIENT', 'IBAN', 'EMPLOYEE', 'AMOUNT'])]
    total, count = ZERO, 0
    for recipient, iban, employee, amount in rows:
        if not amount:
            continue
        amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
        lines.append(SEPARATOR.join([_clean(recipient),
                    normalise_iban(iban), _clean(employee), _amount(amount)]))
        total += amount
        count += 1
    lines.append(SEPARATOR.join(['TOTAL', str(count), '', _amount(total)]))
    return EOL.join(lines) + EOL


def _check_posted(run):
    if run.state != 'posted':
        raise PayrollOutputError(gettext(
                'edu_payroll.msg_bank_file_not_posted', run=run.rec_name))


def _employee_name(employee):
    return employee.party.full_name or employee.party.rec_name


def run_salary_rows(run):
    "The (iin, name, iban, amount) of the payslips of a posted run"
    _check_posted(run)
    rows = []
    for payslip in sorted(run.payslips,
            key=lambda p: (_employee_name(p.employee), p.id)):
        employee = payslip.employee
        rows.append((getattr(employee.party, 'iin', None) or '',
                _employee_name(employee),
                getattr(employee, 'iban', None) or '',
                payslip.to_pay))
    return rows


def run_writ_rows(run):
    """The (recipient, iban, employee, amount) withheld by the writs of
    the employees of a posted run: the alimony and writ lines of its
    payslips, paid to the line's recipient at the IBAN of the employee's
    writ for that recipient"""
    _check_posted(run)
    rows = []
    for payslip in sorted(run.payslips,
            key=lambda p: (_employee_name(p.employee), p.id)):
        employee = payslip.employee
        ibans = {w.recipient.id: w.recipient_iban
            for w in (getattr(employee, 'payroll_writs', None) or [])
            if w.recipient and w.recipient_iban}
        amounts = defaultdict(lambda: ZERO)
        for line in payslip.lines:
            if line.type.code not in ('alimony', 'writ'):
                continue
            amounts[line.party] += line.amount or ZERO
        for party, amount in amounts.items():
            rows.append((party.rec_name if party else '',
                    ibans.get(party.id, '') if party else '',
                    _employee_name(employee), amount))
    return rows


class SalaryRegistryFile(FileReport):
    "The bank salary-card registry file of a posted run (R19.12)"
    __name__ = 'edu.payroll.bank_file'
    extension = 'csv'

    @classmethod
    def render(cls, records, data):
        rows = []
        for run in records:
            rows.extend(run_salary_rows(run))
        return salary_registry(rows).encode('utf-8')


class WritListFile(FileReport):
    "The writs' recipients payments list of a posted run (CSV)"
    __name__ = 'edu.payroll.writ_list'
    extension = 'csv'

    @classmethod
    def render(cls, records, data):
        rows = []
        for run in records:
            rows.extend(run_writ_rows(run))
        return writ_list(rows).encode('utf-8')


class WritListPdf(FileReport):
    "The writs' recipients payments list of a posted run (PDF, kk/ru)"
    __name__ = 'edu.payroll.writ_list.pdf'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        doc = PdfDocument(translated('edu_payroll.msg_print_writ_list'))
        for run in records:
            rows = run_writ_rows(run)
            doc.heading('%s: %s' % (run.company.rec_name, run.rec_name))
            header = [translated('edu_payroll.msg_print_recipient'),
                'IBAN', translated('edu_payroll.msg_print_employee'),
                translated('edu_payroll.msg_print_amount')]
            total = sum((Decimal(r[3] or 0) for r in rows), ZERO)
            body = [list(r) for r in rows]
            body.append([translated('edu_payroll.msg_print_total'), '', '',
                    total])
            doc.table([header] + body, col_widths=[0.3, 0.27, 0.28, 0.15],
                numeric=(3,), bold_rows=(len(body),))
            doc.signatures([
                    (translated('edu_payroll.msg_print_chief_accountant'),
                        ''),
                    ])
        return doc.build()

