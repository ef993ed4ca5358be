# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Export of the audit journal to XLSX (R5.13): the entries of the chosen
users over a period, with the column headers in the language of the user
who exports (Kazakh or Russian)."""
import datetime as dt
import io

import xlsxwriter

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.wizard import Button, StateTransition, StateView, Wizard

#: the exported columns, in order
COLUMNS = ('date', 'user', 'ip_address', 'action', 'operation',
    'model_name', 'record_id', 'record_name', 'changed_fields', 'changes',
    'description', 'hash')


class ExportStart(ModelView):
    "Export audit journal"
    __name__ = 'edu.audit.export.start'
    users = fields.Many2Many('res.user', None, None, "Users",
        help="Leave empty to export the entries of every user.")
    from_date = fields.Date("From Date", required=True,
        domain=[If(Eval('to_date'), ('from_date', '<=', Eval('to_date')),
                ())])
    to_date = fields.Date("To Date", required=True,
        domain=[If(Eval('from_date'), ('to_date', '>=', Eval('from_date')),
                ())])

    @classmethod
    def default_from_date(cls):
        return dt.date.today().replace(day=1)

    @classmethod
    def default_to_date(cls):
        return dt.date.today()


class ExportResult(ModelView):
    "Export audit journal"
    __name__ = 'edu.audit.export.result'
    file = fields.Binary("File", filename='file_name', readonly=True)
    file_name = fields.Char("File Name", readonly=True)
    count = fields.Integer("Entries", readonly=True)


class Export(Wizard):
    "Export audit journal"
    __name__ = 'edu.audit.export'
    start = StateView('edu.audit.export.start',
        'edu_audit.export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView('edu.audit.export.result',
        'edu_audit.export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_export(self):
        AuditEntry = Pool().get('edu.audit.entry')
        domain = [
            ('date', '>=', dt.datetime.combine(
                    self.start.from_date, dt.time.min)),
            ('date', '<', dt.datetime.combine(
                    self.start.to_date + dt.timedelta(days=1), dt.time.min)),
            ]
        if self.start.users:
            domain.append(('user', 'in', [u.id for u in self.start.users]))
        entries = AuditEntry.search(domain, order=[('id', 'ASC')])
        self._count = len(entries)
        self._file = workbook(entries)
        self._file_name = 'audit-%s-%s.xlsx' % (
            self.start.from_date.isoformat(), self.start.to_date.isoformat())
        return 'result'

    def default_result(self, fields):
        return {
            'file': getattr(self, '_file', None),
            'file_name': getattr(self, '_file_name', None),
            'count': getattr(self, '_count', 0),
            }


def workbook(entries):
    "Return the XLSX bytes of entries, headed in the current language"
    AuditEntry = Pool().get('edu.audit.entry')
    definitions = AuditEntry.fields_get(list(COLUMNS))
    actions = dict(definitions['action']['selection'])
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {'in_memory': True})
    sheet = book.add_worksheet(gettext('edu_audit.msg_export_sheet')[:31])
    bold = book.add_format({'bold': True})
    when = book.add_format({'num_format': 'yyyy-mm-dd hh:mm:ss'})
    for col, name in enumerate(COLUMNS):
        sheet.write_string(0, col, definitions[name]['string'], bold)
    for row, entry in enumerate(entries, 1):
        for col, name in enumerate(COLUMNS):
            value = getattr(entry, name)
            if name == 'date':
                sheet.write_datetime(row, col, value, when)
            elif name == 'action':
                sheet.write_string(row, col, actions.get(value, value or ''))
            elif name == 'user':
                sheet.write_string(row, col, value.rec_name if value else '')
            elif isinstance(value, int):
                sheet.write_number(row, col, value)
            else:
                sheet.write_string(row, col, value or '')
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 19)
    sheet.set_column(1, len(COLUMNS) - 1, 18)
    book.close()
    return output.getvalue()
