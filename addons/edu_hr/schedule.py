# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The staff schedule (штатное расписание, R19.11): the approved staff
rates and salaries by department and position, with the rates occupied by
the employees on its date and the vacancies."""
from decimal import Decimal

from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, translated)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import StaffScheduleError

STATES = [
    ('draft', "Draft"),
    ('approved', "Approved"),
    ]


class StaffSchedule(Workflow, ModelSQL, ModelView):
    "Staff Schedule"
    __name__ = 'edu.hr.staff.schedule'
    __string__ = "Staff Schedule"
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'draft'})
    date = fields.Date("Date", required=True,
        states={'readonly': Eval('state') != 'draft'},
        help="The date the schedule comes into force.")
    lines = fields.One2Many('edu.hr.staff.schedule.line', 'schedule',
        "Lines", states={'readonly': Eval('state') != 'draft'})
    total_rates = fields.Function(fields.Numeric("Rates", digits=(8, 2)),
        'get_totals')
    total_salary = fields.Function(fields.Numeric("Monthly Fund",
            digits=(16, 2)), 'get_totals')
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'approved'),
            ('approved', 'draft'),
            }
        cls._buttons.update({
                'approve': {'invisible': Eval('state') != 'draft',
                    'depends': ['state']},
                'draft': {'invisible': Eval('state') != 'approved',
                    'depends': ['state']},
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return '%s %s' % (self.company.rec_name if self.company else '',
            self.date or '')

    @classmethod
    def get_totals(cls, schedules, names):
        result = {n: {} for n in names}
        for schedule in schedules:
            rates = sum((l.rates or 0 for l in schedule.lines), Decimal(0))
            salary = sum(((l.rates or 0) * (l.salary or 0)
                    for l in schedule.lines), Decimal(0))
            if 'total_rates' in names:
                result['total_rates'][schedule.id] = rates
            if 'total_salary' in names:
                result['total_salary'][schedule.id] = salary.quantize(
                    Decimal('0.01'))
        return result

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, schedules):
        for schedule in schedules:
            if not schedule.lines:
                raise StaffScheduleError(gettext(
                        'edu_hr.msg_schedule_empty',
                        schedule=schedule.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, schedules):
        pass

    @classmethod
    def check_modification(cls, mode, schedules, values=None,
            external=False):
        super().check_modification(
            mode, schedules, values=values, external=external)
        if mode == 'delete':
            for schedule in schedules:
                if schedule.state != 'draft':
                    raise StaffScheduleError(gettext(
                            'edu_hr.msg_schedule_approved',
                            schedule=schedule.rec_name))


class StaffScheduleLine(ModelSQL, ModelView):
    "Staff Schedule Line"
    __name__ = 'edu.hr.staff.schedule.line'
    __string__ = "Staff Schedule Line"
    schedule = fields.Many2One('edu.hr.staff.schedule', "Schedule",
        required=True, ondelete='CASCADE')
    department = fields.Many2One('edu.department', "Department",
        ondelete='RESTRICT')
    position = fields.Many2One('edu.hr.position', "Position",
        required=True, ondelete='RESTRICT')
    rates = fields.Numeric("Rates", digits=(8, 2), required=True,
        domain=[('rates', '>', 0)])
    salary = fields.Numeric("Official Salary", digits=(16, 2),
        domain=[('salary', '>=', 0)],
        help="The monthly official salary of a full rate.")
    occupied = fields.Function(fields.Numeric("Occupied", digits=(8, 2)),
        'get_occupied')
    vacant = fields.Function(fields.Numeric("Vacant", digits=(8, 2)),
        'get_occupied')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.schedule, Index.Range())))
        cls._order = [('schedule', 'DESC'), ('department', 'ASC'),
            ('position', 'ASC'), ('id', 'ASC')]

    @classmethod
    def get_occupied(cls, lines, names):
        """The rates of the employment lines in force on the schedule's
        date by department and position; one query a schedule"""
        Employment = Pool().get('edu.hr.employment')
        history = Employment.__table__()
        cursor = Transaction().connection.cursor()
        by_schedule = {}
        for line in lines:
            by_schedule.setdefault(line.schedule, []).append(line)
        result = {n: {} for n in names}
        for schedule, slines in by_schedule.items():
            date = schedule.date
            cursor.execute(*history.select(
                    history.department, history.position, history.rate,
                    where=(history.company == schedule.company.id)
                    & (history.kind != 'dismissal')
                    & (history.date_from <= date)
                    & ((history.date_to == Null)
                        | (history.date_to >= date))))
            occupied = {}
            for department, position, rate in cursor:
                key = (department, position)
                occupied[key] = occupied.get(key, Decimal(0)) + Decimal(
                    str(rate or 0))
            for line in slines:
                value = occupied.get((line.department.id if line.department
                        else None, line.position.id), Decimal(0))
                value = value.quantize(Decimal('0.01'))
                if 'occupied' in names:
                    result['occupied'][line.id] = value
                if 'vacant' in names:
                    result['vacant'][line.id] = (line.rates or 0) - value
        return result


class StaffScheduleReport(FileReport):
    "Staff schedule (PDF)"
    __name__ = 'edu.hr.staff.schedule.report'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        t = translated
        pdf = None
        for schedule in records:
            title = t('edu_hr.msg_print_schedule_title', date=schedule.date)
            if pdf is None:
                pdf = PdfDocument(title, landscape=True)
            else:
                pdf.heading(title)
            pdf.paragraph(schedule.company.rec_name)
            pdf.spacer()
            rows = [['№', t('edu_hr.msg_print_department'),
                    t('edu_hr.msg_print_position'),
                    t('edu_hr.msg_print_rates'),
                    t('edu_hr.msg_print_salary'),
                    t('edu_hr.msg_print_fund'),
                    t('edu_hr.msg_print_occupied'),
                    t('edu_hr.msg_print_vacant')]]
            for i, line in enumerate(schedule.lines, 1):
                rows.append([i,
                        line.department.rec_name if line.department else '',
                        line.position.rec_name, line.rates,
                        line.salary or Decimal(0),
                        ((line.rates or 0) * (line.salary or 0)).quantize(
                            Decimal('0.01')),
                        line.occupied, line.vacant])
            rows.append(['', t('edu_hr.msg_print_total'), '',
                    schedule.total_rates, '', schedule.total_salary, '', ''])
            pdf.table(rows, col_widths=[0.04, 0.24, 0.24, 0.08, 0.12, 0.12,
                    0.08, 0.08], numeric=(3, 4, 5, 6, 7),
                bold_rows=(len(rows) - 1,))
            pdf.signatures([
                    (t('edu_hr.msg_print_director'), ''),
                    (t('edu_hr.msg_print_chief_accountant'), ''),
                    ])
        return pdf.build()
