# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Leaves and the production calendar (R19.11): the leaves of employees
(created by leave orders; sick leaves may be entered from the
certificate) and the public holidays and transfers of days off."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.edu_audit.journal import PersonalDataJournalMixin
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from .exceptions import LeaveValidationError

LEAVE_KINDS = [
    ('annual', "Annual Leave"),
    ('unpaid', "Unpaid Leave"),
    ('sick', "Sick Leave"),
    ('maternity', "Maternity Leave"),
    ('study', "Study Leave"),
    ]
HOLIDAY_KINDS = [
    ('holiday', "Public Holiday"),
    ('transfer_off', "Transferred Day Off"),
    ('transfer_work', "Transferred Working Day"),
    ]


class Leave(PersonalDataJournalMixin, ModelSQL, ModelView):
    "Leave"
    __name__ = 'edu.hr.leave'
    __string__ = "Leave"
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': Bool(Eval('order'))})
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT',
        states={'readonly': Bool(Eval('order'))})
    kind = fields.Selection(LEAVE_KINDS, "Kind", required=True,
        states={'readonly': Bool(Eval('order'))})
    date_from = fields.Date("From", required=True,
        states={'readonly': Bool(Eval('order'))})
    date_to = fields.Date("To", required=True,
        states={'readonly': Bool(Eval('order'))})
    days = fields.Function(fields.Integer("Days"), 'on_change_with_days')
    order = fields.Many2One('edu.hr.order', "Order", readonly=True,
        ondelete='CASCADE')
    certificate = fields.Char("Sick-Leave Certificate",
        states={'invisible': Eval('kind') != 'sick'})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.employee, Index.Range()),
                    (t.date_from, Index.Range())),
                Index(t, (t.company, Index.Range()),
                    (t.date_from, Index.Range())),
                })
        cls._order = [('date_from', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @fields.depends('date_from', 'date_to')
    def on_change_with_days(self, name=None):
        if self.date_from and self.date_to and self.date_to >= self.date_from:
            return (self.date_to - self.date_from).days + 1

    def get_rec_name(self, name):
        kinds = dict(self.fields_get(['kind'])['kind']['selection'])
        return '%s: %s %s – %s' % (self.employee.rec_name,
            kinds.get(self.kind), self.date_from, self.date_to)

    @classmethod
    def validate_fields(cls, leaves, field_names):
        super().validate_fields(leaves, field_names)
        if field_names & {'employee', 'date_from', 'date_to'}:
            cls.check_dates(leaves)

    @classmethod
    def check_dates(cls, leaves):
        "The dates are ordered and leaves of an employee do not overlap"
        for leave in leaves:
            if leave.date_to < leave.date_from:
                raise LeaveValidationError(gettext(
                        'edu_hr.msg_leave_dates',
                        leave=leave.rec_name))
        for leave in leaves:
            others = cls.search([
                    ('employee', '=', leave.employee.id),
                    ('id', '!=', leave.id),
                    ('date_from', '<=', leave.date_to),
                    ('date_to', '>=', leave.date_from),
                    ], limit=1)
            if others:
                raise LeaveValidationError(gettext(
                        'edu_hr.msg_leave_overlap',
                        leave=leave.rec_name, other=others[0].rec_name))

    @classmethod
    def leaves_in_period(cls, company, date_from, date_to):
        "Return {employee id: [leaves]} overlapping the period; one query"
        leaves = cls.search([
                ('company', '=', company.id if hasattr(company, 'id')
                    else company),
                ('date_from', '<=', date_to),
                ('date_to', '>=', date_from),
                ], order=[('date_from', 'ASC')])
        result = {}
        for leave in leaves:
            result.setdefault(leave.employee.id, []).append(leave)
        return result


class Holiday(ModelSQL, ModelView):
    "Public Holiday"
    __name__ = 'edu.hr.holiday'
    __string__ = "Public Holiday"
    date = fields.Date("Date", required=True)
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection(HOLIDAY_KINDS, "Kind", required=True,
        help="A transferred day off is a working day made a day off; a "
        "transferred working day is a weekend day made a working day.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('date_unique', Unique(t, t.date), 'edu_hr.msg_holiday_unique'),
            ]
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_kind():
        return 'holiday'

    @classmethod
    def calendar(cls, date_from, date_to):
        """Return {date: code} of the days of the period: 'Я' working day,
        'В' day off, 'П' public holiday (5-day week, holidays and
        transfers); one query"""
        holidays = {h.date: h.kind for h in cls.search([
                    ('date', '>=', date_from), ('date', '<=', date_to)])}
        result = {}
        day = date_from
        while day <= date_to:
            kind = holidays.get(day)
            if kind == 'holiday':
                code = 'П'
            elif kind == 'transfer_off':
                code = 'В'
            elif kind == 'transfer_work':
                code = 'Я'
            else:
                code = 'В' if day.weekday() >= 5 else 'Я'
            result[day] = code
            day += dt.timedelta(days=1)
        return result

    @classmethod
    def working_days(cls, date_from, date_to):
        "Return the number of working days of the period"
        return sum(1 for c in cls.calendar(date_from, date_to).values()
            if c == 'Я')
