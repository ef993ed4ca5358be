# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Personnel orders (R19.11): hire, transfer, change of the staff rate,
leave and dismissal.  Confirming an order numbers it and writes the
employee's card and employment history (a leave order creates the leave);
a confirmed order is cancelled only while no later order of the employee
is confirmed."""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, format_amount, translated)
from trytond.modules.edu_audit.journal import PersonalDataJournalMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import OrderError
from .leave import LEAVE_KINDS

ORDER_KINDS = [
    ('hire', "Hire"),
    ('transfer', "Transfer"),
    ('rate', "Rate Change"),
    ('leave', "Leave"),
    ('dismissal', "Dismissal"),
    ]
STATES = [
    ('draft', "Draft"),
    ('confirmed', "Confirmed"),
    ('cancelled', "Cancelled"),
    ]
_DRAFT = Eval('state') != 'draft'
_POSITIONED = ['hire', 'transfer']
_RATED = ['hire', 'transfer', 'rate']
MAX_RATE = Decimal(2)
_CENT = Decimal('0.01')


def _round(value):
    "Rates and salaries are kept with 2 digits on every backend"
    return value.quantize(_CENT) if value is not None else None


class Order(PersonalDataJournalMixin, Workflow, ModelSQL, ModelView):
    "Personnel Order"
    __name__ = 'edu.hr.order'
    __string__ = "Personnel Order"
    _rec_name = 'number'
    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT', states={'readonly': _DRAFT})
    number = fields.Char("Number", readonly=True)
    date = fields.Date("Order Date", required=True,
        states={'readonly': _DRAFT})
    kind = fields.Selection(ORDER_KINDS, "Kind", required=True,
        states={'readonly': _DRAFT})
    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': _DRAFT})
    date_from = fields.Date("Effective Date", required=True,
        states={'readonly': _DRAFT},
        help="The first day of the new terms, of the leave, or the last "
        "day of work for a dismissal.")
    date_to = fields.Date("Leave Until",
        domain=[If(Eval('date_to') & Eval('date_from'),
                ('date_to', '>=', Eval('date_from')), ())],
        states={'readonly': _DRAFT,
            'invisible': Eval('kind') != 'leave',
            'required': Eval('kind') == 'leave'})
    leave_kind = fields.Selection([(None, "")] + LEAVE_KINDS, "Leave Kind",
        states={'readonly': _DRAFT,
            'invisible': Eval('kind') != 'leave',
            'required': Eval('kind') == 'leave'})
    position = fields.Many2One('edu.hr.position', "Position",
        ondelete='RESTRICT',
        states={'readonly': _DRAFT,
            'invisible': ~Eval('kind').in_(_POSITIONED),
            'required': Eval('kind') == 'hire'})
    department = fields.Many2One('edu.department', "Department",
        ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': _DRAFT,
            'invisible': ~Eval('kind').in_(_POSITIONED)})
    rate = fields.Numeric("Staff Rate", digits=(4, 2),
        states={'readonly': _DRAFT,
            'invisible': ~Eval('kind').in_(_RATED),
            'required': Eval('kind').in_(['hire', 'rate'])})
    salary = fields.Numeric("Official Salary", digits=(16, 2),
        states={'readonly': _DRAFT,
            'invisible': ~Eval('kind').in_(_RATED)})
    reason = fields.Text("Reason", states={'readonly': _DRAFT})
    employment = fields.One2Many('edu.hr.employment', 'order',
        "Employment History", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.employee, Index.Range()),
                    (t.date_from, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'confirmed'),
            ('confirmed', 'cancelled'),
            ('draft', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'confirm': {'invisible': Eval('state') != 'draft',
                    'depends': ['state']},
                'cancel': {'invisible': Eval('state') == 'cancelled',
                    'depends': ['state']},
                'draft': {'invisible': Eval('state') != 'cancelled',
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

    @staticmethod
    def default_kind():
        return 'hire'

    def get_rec_name(self, name):
        kinds = dict(self.fields_get(['kind'])['kind']['selection'])
        return '%s %s %s' % (self.number or '#%s' % self.id,
            kinds.get(self.kind), self.employee.rec_name
            if self.employee else '')

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('number', operator, operand, *extra),
            ('employee.rec_name', operator, operand, *extra),
            ]

    def _error(self, message, **variables):
        raise OrderError(gettext('edu_hr.' + message,
                order=self.rec_name, **variables))

    def check_values(self):
        "Check the order's values (clear translated errors)"
        if self.kind in _RATED and self.rate is not None:
            if self.rate <= 0 or self.rate > MAX_RATE:
                self._error('msg_order_rate', rate=self.rate)
        if self.kind in ['hire', 'rate'] and not self.rate:
            self._error('msg_order_rate', rate=self.rate or 0)
        if self.kind == 'hire' and not self.position:
            self._error('msg_order_position')
        if self.salary is not None and self.salary < 0:
            self._error('msg_order_salary')
        if self.kind == 'leave':
            if not self.date_to or not self.leave_kind:
                self._error('msg_order_leave_missing')
            if self.date_to < self.date_from:
                self._error('msg_order_leave_dates',
                    date_from=self.date_from, date_to=self.date_to)
        if self.kind == 'transfer' and not (self.position or self.department
                or self.rate or self.salary is not None):
            self._error('msg_order_transfer_nothing')

    def apply(self):
        """Write the employee and the employment history; return the
        records to save"""
        pool = Pool()
        Employment = pool.get('edu.hr.employment')
        Leave = pool.get('edu.hr.leave')
        employee = self.employee
        current = employee.get_open_employment()
        if current and current.date_from > self.date_from:
            self._error('msg_order_before_current',
                date=current.date_from)
        if self.kind == 'hire':
            if current:
                self._error('msg_order_hire_employed')
            line = Employment(employee=employee, company=self.company,
                order=self, kind='hire', date_from=self.date_from,
                position=self.position,
                department=self.department or employee.department,
                rate=_round(self.rate), salary=_round(self.salary))
            Employment.save([line])
            self._write_employee(line, start=True)
        elif self.kind in ('transfer', 'rate'):
            if not current:
                self._error('msg_order_not_employed')
            if self.date_from == current.date_from:
                self._error('msg_order_same_day', date=self.date_from)
            line = Employment(employee=employee, company=self.company,
                order=self, kind=self.kind, date_from=self.date_from,
                position=(self.kind == 'transfer' and self.position
                    or current.position),
                department=(self.kind == 'transfer' and self.department
                    or current.department),
                rate=_round(self.rate or current.rate),
                salary=_round(self.salary if self.salary is not None
                    else current.salary))
            current.date_to = self.date_from - dt.timedelta(days=1)
            Employment.save([current, line])
            self._write_employee(line)
        elif self.kind == 'dismissal':
            if not current:
                self._error('msg_order_dismissed')
            current.date_to = self.date_from
            line = Employment(employee=employee, company=self.company,
                order=self, kind='dismissal', date_from=self.date_from,
                date_to=self.date_from, position=current.position,
                department=current.department, rate=current.rate,
                salary=current.salary)
            Employment.save([current, line])
            employee.end_date = self.date_from
            employee.save()
        elif self.kind == 'leave':
            if not employee.get_open_employment(self.date_from):
                self._error('msg_order_not_employed')
            leave = Leave(employee=employee, company=self.company,
                kind=self.leave_kind, date_from=self.date_from,
                date_to=self.date_to, order=self)
            Leave.save([leave])

    def _write_employee(self, line, start=False):
        employee = self.employee
        employee.hr_position = line.position
        employee.position = line.position.name if line.position else None
        employee.department = line.department
        employee.rate = line.rate
        if start:
            employee.start_date = line.date_from
            employee.end_date = None
        employee.save()

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, orders):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        sequence = Sequence(ModelData.get_id('edu_hr', 'sequence_order'))
        for order in sorted(orders, key=lambda o: (o.date_from, o.id)):
            order.check_values()
            order.apply()
            if not order.number:
                with Transaction().set_context(company=order.company.id):
                    order.number = sequence.get()
            order.save()

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, orders):
        "Undo confirmed orders while no later order of the employee exists"
        pool = Pool()
        Employment = pool.get('edu.hr.employment')
        Leave = pool.get('edu.hr.leave')
        for order in sorted(orders, key=lambda o: (o.date_from, o.id),
                reverse=True):
            if order.state != 'confirmed':
                continue
            later = cls.search([
                    ('employee', '=', order.employee.id),
                    ('state', '=', 'confirmed'),
                    ('id', '!=', order.id),
                    ['OR',
                        ('date_from', '>', order.date_from),
                        [('date_from', '=', order.date_from),
                            ('id', '>', order.id)],
                        ],
                    ], limit=1)
            if later:
                order._error('msg_order_cancel_later',
                    later=later[0].rec_name)
            if order.kind == 'leave':
                Leave.delete(Leave.search([('order', '=', order.id)]))
                continue
            Employment.delete(Employment.search(
                    [('order', '=', order.id)]))
            employee = order.employee
            previous = Employment.search([
                    ('employee', '=', employee.id),
                    ('kind', '!=', 'dismissal'),
                    ], order=[('date_from', 'DESC'), ('id', 'DESC')],
                limit=1)
            if previous:
                previous, = previous
                if order.kind != 'hire':
                    previous.date_to = None
                    previous.save()
                if order.kind == 'dismissal':
                    employee.end_date = None
                    employee.save()
                elif previous.date_to is None:
                    order._write_employee(previous)
            else:
                employee.hr_position = None
                employee.save()

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, orders):
        pass

    @classmethod
    def copy(cls, orders, default=None):
        default = default.copy() if default else {}
        default.setdefault('number', None)
        default.setdefault('employment', None)
        return super().copy(orders, default=default)

    @classmethod
    def check_modification(cls, mode, orders, values=None, external=False):
        super().check_modification(
            mode, orders, values=values, external=external)
        if mode == 'delete':
            for order in orders:
                if order.state == 'confirmed' or order.number:
                    raise OrderError(gettext('edu_hr.msg_order_delete',
                            order=order.rec_name))


class OrderReport(FileReport):
    "Personnel order (PDF)"
    __name__ = 'edu.hr.order.report'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        t = translated
        pdf = None
        for order in records:
            kinds = dict(order.fields_get(['kind'])['kind']['selection'])
            title = t('edu_hr.msg_print_order_title',
                number=order.number or '', date=order.date)
            if pdf is None:
                pdf = PdfDocument(title)
            else:
                pdf.heading(title)
            pdf.paragraph(order.company.rec_name)
            pdf.paragraph(kinds.get(order.kind, ''), 'heading')
            pdf.spacer()
            text = 'edu_hr.msg_print_order_' + order.kind
            variables = {
                'employee': order.employee.rec_name,
                'position': order.position.rec_name if order.position
                else (order.employee.hr_position.rec_name
                    if order.employee.hr_position else ''),
                'department': order.department.rec_name
                if order.department else '',
                'date_from': order.date_from,
                'date_to': order.date_to or '',
                'rate': order.rate or '',
                'days': ((order.date_to - order.date_from).days + 1
                    if order.date_to else ''),
                }
            if order.kind == 'leave':
                leave_kinds = dict(order.fields_get(
                        ['leave_kind'])['leave_kind']['selection'])
                variables['leave_kind'] = leave_kinds.get(
                    order.leave_kind, '').lower()
            pdf.paragraph(t(text, **variables))
            pdf.spacer()
            pairs = [(t('edu_hr.msg_print_personnel_number'),
                    order.employee.personnel_number or '')]
            if order.salary is not None:
                pairs.append((t('edu_hr.msg_print_salary'),
                        format_amount(order.salary)))
            if order.reason:
                pairs.append((t('edu_hr.msg_print_reason'), order.reason))
            pdf.fields(pairs)
            pdf.spacer(18)
            pdf.signatures([
                    (t('edu_hr.msg_print_director'), ''),
                    (t('edu_hr.msg_print_acquainted'),
                        order.employee.rec_name),
                    ])
        return pdf.build()
