# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The printed tarification list (R19.16): PDF (landscape) and XLSX in the
printing language (kk or ru).  There is no single official form; the
columns are the usual ones: full name, position and subject, education,
diploma, weekly load, years of service, category, ДО, pay for the load,
supplements and the monthly total."""
from decimal import Decimal

from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, XlsxDocument, translated)
from trytond.pool import Pool

_ZERO = Decimal(0)
COLUMNS = ('number', 'name', 'position', 'education', 'diploma', 'hours',
    'service', 'category', 'coefficient', 'base_salary', 'load_pay',
    'supplements', 'total')


def _(name, **variables):
    return translated('edu_tarification.msg_label_' + name, **variables)


def _date(date):
    return date.strftime('%d.%m.%Y') if date else ''


def _num(value, digits=1):
    if value is None:
        return ''
    return ('%.*f' % (digits, value)).replace('.', ',')


def _selection(record, field):
    "The translated label of a selection value in the printing language"
    Model = Pool().get(record.__name__)
    value = getattr(record, field)
    return dict(Model.fields_get([field])[field]['selection']).get(
        value, value or '') or ''


def rows_of(tlist):
    "Return the header, the rows and the total row of a list"
    header = [_(c) for c in COLUMNS]
    rows = []
    totals = [_ZERO] * 4
    for i, line in enumerate(tlist.lines, 1):
        supplements = '; '.join('%s %s' % (s.type.name, s.amount)
            for s in line.supplements)
        position = line.position.rec_name if line.position else ''
        if line.subject:
            position = '%s, %s' % (position, line.subject)
        amounts = [line.base_salary or _ZERO, line.load_pay or _ZERO,
            line.supplement_total or _ZERO, line.monthly_total or _ZERO]
        totals = [a + b for a, b in zip(totals, amounts)]
        rows.append([i, line.employee.rec_name, position,
                _selection(line, 'education_level'), line.diploma or '',
                _num(line.weekly_hours), _num(line.service_years, 2),
                _selection(line, 'category'), _num(line.coefficient, 3),
                amounts[0], amounts[1],
                '%s\n%s' % (amounts[2], supplements) if supplements
                else amounts[2],
                amounts[3]])
    total = ['', _('total'), '', '', '', '', '', '', '', *totals]
    return header, rows, total


class TarificationListReport(FileReport):
    "Tarification list (PDF)"
    __name__ = 'edu.tarification.list.report'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        pdf = None
        for tlist in records:
            title = _('title')
            if pdf is None:
                pdf = PdfDocument(title, landscape=True, font_size=8)
            else:
                pdf.spacer(24)
                pdf.heading(title)
            pdf.fields([
                    (_('organisation'), tlist.company.rec_name),
                    (_('date'), _date(tlist.date)),
                    (_('reason'), _selection(tlist, 'reason')),
                    (_('state'), _selection(tlist, 'state')),
                    ])
            pdf.spacer()
            header, rows, total = rows_of(tlist)
            rows.append(total)
            pdf.table([header] + rows, numeric=(0, 5, 6, 8, 9, 10, 12),
                col_widths=[0.03, 0.13, 0.11, 0.07, 0.08, 0.05, 0.05, 0.08,
                    0.05, 0.08, 0.08, 0.11, 0.08],
                bold_rows=(len(rows),))
            pdf.signatures([(_('director'), ''), (_('hr'), ''),
                    (_('chief_accountant'), '')])
        return pdf.build()


class TarificationListXlsx(FileReport):
    "Tarification list (XLSX)"
    __name__ = 'edu.tarification.list.xlsx'
    extension = 'xlsx'

    @classmethod
    def render(cls, records, data):
        book = XlsxDocument()
        for i, tlist in enumerate(records, 1):
            header, rows, total = rows_of(tlist)
            rows.append(total)
            book.sheet('%s %s' % (i, _date(tlist.date)),
                '%s — %s, %s' % (_('title'), tlist.company.rec_name,
                    _date(tlist.date)),
                header, rows, bold_rows=(len(rows) - 1,),
                widths=[4, 30, 24, 14, 16, 8, 8, 18, 8, 12, 12, 16, 12])
        return book.build()
