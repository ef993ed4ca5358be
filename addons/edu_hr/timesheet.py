# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The monthly timesheet (табель учёта рабочего времени, R19.11): a code a
day for every employee, filled from the production calendar (5-day week,
public holidays, transfers), the employment history and the leaves, then
corrected by hand in draft and confirmed; payroll reads its days."""
import calendar
import datetime as dt
from decimal import Decimal

from sql import Null

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, translated)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import TimesheetError

STATES = [
    ('draft', "Draft"),
    ('confirmed', "Confirmed"),
    ]
#: day codes of the timesheet
WORKED, WEEKEND, HOLIDAY = 'Я', 'В', 'П'
ANNUAL, UNPAID, SICK, MATERNITY, STUDY, ABSENT = (
    'О', 'ОЗ', 'Б', 'Р', 'У', 'НН')
LEAVE_CODES = {
    'annual': ANNUAL,
    'unpaid': UNPAID,
    'sick': SICK,
    'maternity': MATERNITY,
    'study': STUDY,
    }
#: leaves that do not cover public holidays (the leave is extended)
HOLIDAY_EXCLUDED = {'annual', 'study'}
CODES = {WORKED, WEEKEND, HOLIDAY, ANNUAL, UNPAID, SICK, MATERNITY, STUDY,
    ABSENT, ''}
HOURS_A_DAY = Decimal(8)
DAYS = ['d%02d' % d for d in range(1, 32)]
_TOTALS = ['worked_days', 'worked_hours', 'norm_days', 'norm_hours',
    'leave_days', 'sick_days', 'unpaid_days', 'maternity_days',
    'absent_days']


def month_end(month):
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _date(value):
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


class Timesheet(Workflow, ModelSQL, ModelView):
    "Timesheet"
    __name__ = 'edu.hr.timesheet'
    __string__ = "Timesheet"
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'draft'})
    month = fields.Date("Month", required=True,
        states={'readonly': Eval('state') != 'draft'},
        help="The first day of the month.")
    lines = fields.One2Many('edu.hr.timesheet.line', 'timesheet', "Lines",
        states={'readonly': Eval('state') != 'draft'})
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('month_unique', Unique(t, t.company, t.month),
                'edu_hr.msg_timesheet_unique'),
            ]
        cls._order = [('month', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'confirmed'),
            ('confirmed', 'draft'),
            }
        cls._buttons.update({
                'fill': {'invisible': Eval('state') != 'draft',
                    'depends': ['state']},
                'confirm': {'invisible': Eval('state') != 'draft',
                    'depends': ['state']},
                'draft': {'invisible': Eval('state') != 'confirmed',
                    'depends': ['state']},
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_month(cls):
        return Pool().get('ir.date').today().replace(day=1)

    def get_rec_name(self, name):
        return '%s %s' % (self.company.rec_name if self.company else '',
            self.month.strftime('%m.%Y') if self.month else '')

    @classmethod
    def validate_fields(cls, timesheets, field_names):
        super().validate_fields(timesheets, field_names)
        if 'month' in field_names:
            for timesheet in timesheets:
                if timesheet.month.day != 1:
                    raise TimesheetError(gettext(
                            'edu_hr.msg_timesheet_month',
                            timesheet=timesheet.rec_name))

    @classmethod
    def compute_lines(cls, company, month):
        """Return unsaved timesheet lines of the employees of company
        employed in the month, filled from the calendar, the employment
        history and the leaves: three queries whatever the staff"""
        pool = Pool()
        Holiday = pool.get('edu.hr.holiday')
        Employment = pool.get('edu.hr.employment')
        Leave = pool.get('edu.hr.leave')
        Line = pool.get('edu.hr.timesheet.line')
        company_id = company.id if hasattr(company, 'id') else company
        month = month.replace(day=1)
        end = month_end(month)
        days = Holiday.calendar(month, end)
        norm_days = sum(1 for c in days.values() if c == WORKED)
        cursor = Transaction().connection.cursor()

        history = Employment.__table__()
        cursor.execute(*history.select(
                history.employee, history.date_from, history.date_to,
                where=(history.company == company_id)
                & (history.kind != 'dismissal')
                & (history.date_from <= end)
                & ((history.date_to == Null) | (history.date_to >= month)),
                order_by=[history.employee, history.date_from]))
        periods = {}
        for employee, date_from, date_to in cursor:
            periods.setdefault(employee, []).append(
                (_date(date_from), _date(date_to) or end))

        leave = Leave.__table__()
        cursor.execute(*leave.select(
                leave.employee, leave.kind, leave.date_from, leave.date_to,
                where=(leave.company == company_id)
                & (leave.date_from <= end) & (leave.date_to >= month)))
        leaves = {}
        for employee, kind, date_from, date_to in cursor:
            leaves.setdefault(employee, []).append(
                (kind, _date(date_from), _date(date_to)))

        lines = []
        for employee in sorted(periods):
            values = {}
            for day, code in days.items():
                employed = any(start <= day <= stop
                    for start, stop in periods[employee])
                if not employed:
                    code = ''
                else:
                    for kind, start, stop in leaves.get(employee, []):
                        if start <= day <= stop:
                            if not (code == HOLIDAY
                                    and kind in HOLIDAY_EXCLUDED):
                                code = LEAVE_CODES[kind]
                            break
                values['d%02d' % day.day] = code
            for name in DAYS[len(days):]:
                values[name] = None
            line = Line(employee=employee, **values)
            line.norm_days = norm_days
            line.update_totals()
            lines.append(line)
        return lines

    @classmethod
    @ModelView.button
    def fill(cls, timesheets):
        "Recompute the lines from the calendar, history and leaves"
        Line = Pool().get('edu.hr.timesheet.line')
        for timesheet in timesheets:
            if timesheet.state != 'draft':
                raise TimesheetError(gettext(
                        'edu_hr.msg_timesheet_confirmed',
                        timesheet=timesheet.rec_name))
        Line.delete([l for t in timesheets for l in t.lines])
        to_save = []
        for timesheet in timesheets:
            for line in cls.compute_lines(timesheet.company, timesheet.month):
                line.timesheet = timesheet
                to_save.append(line)
        Line.save(to_save)

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, timesheets):
        for timesheet in timesheets:
            if not timesheet.lines:
                raise TimesheetError(gettext(
                        'edu_hr.msg_timesheet_empty',
                        timesheet=timesheet.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, timesheets):
        pass

    @classmethod
    def get_days(cls, company, month):
        """Return {employee id: line} for payroll: the lines of the
        confirmed (else draft) timesheet of the month; without a
        timesheet, unsaved lines computed as fill would"""
        company_id = company.id if hasattr(company, 'id') else company
        month = month.replace(day=1)
        timesheets = cls.search([
                ('company', '=', company_id),
                ('month', '=', month),
                ], limit=1)
        if timesheets:
            lines = timesheets[0].lines
        else:
            lines = cls.compute_lines(company_id, month)
        return {l.employee.id if hasattr(l.employee, 'id') else l.employee:
            l for l in lines}

    @classmethod
    def check_modification(cls, mode, timesheets, values=None,
            external=False):
        super().check_modification(
            mode, timesheets, values=values, external=external)
        if mode == 'delete':
            for timesheet in timesheets:
                if timesheet.state != 'draft':
                    raise TimesheetError(gettext(
                            'edu_hr.msg_timesheet_confirmed',
                            timesheet=timesheet.rec_name))


class TimesheetLine(ModelSQL, ModelView):
    "Timesheet Line"
    __name__ = 'edu.hr.timesheet.line'
    __string__ = "Timesheet Line"
    timesheet = fields.Many2One('edu.hr.timesheet', "Timesheet",
        required=True, ondelete='CASCADE')
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='CASCADE')
    worked_days = fields.Integer("Worked Days", readonly=True)
    worked_hours = fields.Numeric("Worked Hours", digits=(6, 2),
        readonly=True)
    norm_days = fields.Integer("Norm Days", readonly=True)
    norm_hours = fields.Numeric("Norm Hours", digits=(6, 2), readonly=True)
    leave_days = fields.Integer("Leave Days", readonly=True,
        help="Days of annual and study leave.")
    sick_days = fields.Integer("Sick Days", readonly=True)
    unpaid_days = fields.Integer("Unpaid Leave Days", readonly=True)
    maternity_days = fields.Integer("Maternity Leave Days", readonly=True)
    absent_days = fields.Integer("Absence Days", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('employee_unique', Unique(t, t.timesheet, t.employee),
                'edu_hr.msg_timesheet_line_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.employee, Index.Range())))
        cls._order = [('timesheet', 'DESC'), ('id', 'ASC')]
        for name in DAYS:
            getattr(cls, name).states = {
                'readonly': Eval('timesheet_state') != 'draft'}

    timesheet_state = fields.Function(fields.Selection(
            STATES, "Timesheet State"), 'on_change_with_timesheet_state')

    @fields.depends('timesheet', '_parent_timesheet.state')
    def on_change_with_timesheet_state(self, name=None):
        return self.timesheet.state if self.timesheet else 'draft'

    def get_rec_name(self, name):
        return '%s: %s' % (self.timesheet.rec_name, self.employee.rec_name)

    def codes(self):
        return [getattr(self, name, None) or '' for name in DAYS]

    def update_totals(self):
        "Set the totals from the day codes"
        codes = self.codes()
        self.worked_days = codes.count(WORKED)
        self.worked_hours = HOURS_A_DAY * self.worked_days
        if self.norm_days is None:
            self.norm_days = Pool().get('edu.hr.holiday').working_days(
                self.timesheet.month, month_end(self.timesheet.month))
        self.norm_hours = HOURS_A_DAY * self.norm_days
        self.leave_days = codes.count(ANNUAL) + codes.count(STUDY)
        self.sick_days = codes.count(SICK)
        self.unpaid_days = codes.count(UNPAID)
        self.maternity_days = codes.count(MATERNITY)
        self.absent_days = codes.count(ABSENT)

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        if set(DAYS) & field_names:
            for line in lines:
                for code in line.codes():
                    if code not in CODES:
                        raise TimesheetError(gettext(
                                'edu_hr.msg_timesheet_code',
                                code=code, line=line.rec_name))

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        super().on_modification(mode, lines, field_names=field_names)
        if mode == 'write' and set(DAYS) & set(field_names or ()):
            to_save = []
            for line in lines:
                before = [getattr(line, n) for n in _TOTALS]
                line.update_totals()
                if [getattr(line, n) for n in _TOTALS] != before:
                    to_save.append(line)
            cls.save(to_save)

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode in {'write', 'delete'}:
            for line in lines:
                if line.timesheet.state != 'draft':
                    raise TimesheetError(gettext(
                            'edu_hr.msg_timesheet_confirmed',
                            timesheet=line.timesheet.rec_name))


for _name in DAYS:
    setattr(TimesheetLine, _name, fields.Char(
            _name[1:].lstrip('0'), size=3))
del _name


class TimesheetReport(FileReport):
    "Timesheet (PDF, form T-12)"
    __name__ = 'edu.hr.timesheet.report'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        t = translated
        pdf = None
        for timesheet in records:
            title = t('edu_hr.msg_print_timesheet_title',
                month=timesheet.month.strftime('%m.%Y'))
            if pdf is None:
                pdf = PdfDocument(title, landscape=True, font_size=6)
            else:
                pdf.heading(title)
            pdf.paragraph(timesheet.company.rec_name)
            pdf.spacer()
            ndays = calendar.monthrange(
                timesheet.month.year, timesheet.month.month)[1]
            header = (['№', t('edu_hr.msg_print_employee'),
                    t('edu_hr.msg_print_personnel_number')]
                + [str(d) for d in range(1, ndays + 1)]
                + [t('edu_hr.msg_print_worked_days'),
                    t('edu_hr.msg_print_worked_hours'),
                    t('edu_hr.msg_print_leave_days'),
                    t('edu_hr.msg_print_sick_days'),
                    t('edu_hr.msg_print_unpaid_days'),
                    t('edu_hr.msg_print_absent_days')])
            rows = [header]
            for i, line in enumerate(timesheet.lines, 1):
                rows.append([i, line.employee.rec_name,
                        line.employee.personnel_number or '']
                    + line.codes()[:ndays]
                    + [line.worked_days, line.worked_hours,
                        line.leave_days + (line.maternity_days or 0),
                        line.sick_days, line.unpaid_days,
                        line.absent_days])
            first = 0.14
            rest = (1 - first - 0.05) / (ndays + 6)
            pdf.table(rows, col_widths=[0.02, first, 0.03]
                + [rest] * (ndays + 6),
                numeric=range(3 + ndays, 9 + ndays))
            pdf.paragraph(t('edu_hr.msg_print_timesheet_legend'))
            pdf.signatures([
                    (t('edu_hr.msg_print_hr_officer'), ''),
                    (t('edu_hr.msg_print_director'), ''),
                    ])
        return pdf.build()
