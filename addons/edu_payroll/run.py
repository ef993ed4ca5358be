# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Payroll runs: compute the payslips of a period and post them (R19.12,
R18, R27.13).

A run (``edu.payroll.run``) covers a month or a part of it for one
organisation and is either an *advance* (the first half of the month) or
the *final* pay of the month.

Compute (button, ``Run.compute``) deletes the payslips of the run and
recreates them for every employee employed in the period (employment
history of edu_hr), so that computing twice gives the same totals.  The
data is read in bulk, per batch of ``BATCH`` employees, with a constant
number of queries per batch (employment lines, timesheet, tarification,
supplements, writs, leaves, year-to-date figures, advances, average
earnings) and the payslips and their lines are created with one ``create``
each per batch.  When the organisation has more than ``queue_employees``
employees (``[edu_payroll] queue_employees``, default 200) the computation
runs in Tryton's queue (``__queue__``): each batch is committed and the
``progress`` of the run is visible while it runs.

Rules (documented for the accountant, R19.12):

- salary = monthly official salary × staff rate × worked days / norm
  days of the month, per employment line (a transfer or a rate change in
  the month gives two lines).  Worked days are the days coded 'Я' in the
  timesheet of the month (``edu.hr.timesheet``), else the working days of
  the calendar (5-day week, public holidays and transfers of
  ``edu.hr.holiday``) outside leaves; the norm is the timesheet's norm,
  else the calendar's.
- teaching pay: the monthly pay of the tarification lines valid in the
  period (``edu.tarification.line.get_monthly``), the load pay as
  'teaching' (ЕБК 111) and the supplements of the line as 'supplement'
  (112), each × worked days in the line's validity / norm days.
- the employee's supplements (``payroll_supplements``): a percentage of
  the salary and teaching pay of the month, or a fixed monthly amount ×
  worked / norm days.
- bonuses and one-off payments: entered on the run as inputs
  (``edu.payroll.run.input``), kept by a recompute.
- average daily earnings = gross of the final posted payslips of the 12
  months before the month ÷ (29.3 × the number of those months with a
  payslip); without history, the monthly salary and teaching pay of the
  month ÷ 29.3.
- vacation pay = average daily earnings × calendar days of annual leave
  ('annual' leaves of edu_hr) in the period, public holidays excluded.
- sick pay (paid by the employer) = average daily earnings × calendar
  days of sick leave in the period, at most ``sick_cap_mrp`` МРП a month.
- taxes and contributions: ``taxes.compute_taxes`` with the taxable
  income and basic deduction already used this year (final posted
  payslips of the same year, one query for all employees).
- writs: alimony as a percentage of the net pay after taxes, other writs
  as fixed amounts, never more than the net pay.
- advance paid = net of the payslips of the posted advance runs of the
  same month; to pay = gross − withholdings − writs − advance paid.
- an advance run pays the salary and teaching pay earned in its period
  without withholdings (they are computed on the final pay of the month).

Posting (button, ``Run.post``) makes ``account.move``\ s in the journal
GEN dated the end of the run — one per ``POST_BATCH`` employees, because a
Tryton move's validation grows with the square of its lines (one move of
20,000 lines would take hours) — with lines aggregated by account, party, ЕБК
specific and funding source: Dr 7010 / Cr 3220 accruals (specifics 111,
112, 113), Dr 3220 / Cr 3110, 3140, 3150 withholdings, Dr 7020 / Cr 3140,
3130, 3150, 3120 employer contributions (116, 122, 124, 121), Dr 3220 /
Cr 3240 writs.  Everything happens in the caller's transaction: an error
anywhere leaves no move and the run unposted.  An advance run is posted
without a move: the advance is a payment, recorded by the treasury
documents against 3220.  Cancelling a posted run reverses its move with
Tryton's cancel move (never editing the posted one).
"""
import calendar
import datetime as dt
import logging
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from sql import Literal
from sql.aggregate import Count, Sum
from sql.conditionals import Coalesce
from sql.functions import Extract

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .exceptions import PayrollRunError, PayrollRunValidationError

logger = logging.getLogger(__name__)

BATCH = 500
#: employees per move of a posted run (the wages payable 3220 keep one line
#: per employee, so a move has about two lines per employee)
POST_BATCH = 500
CENT = Decimal('0.01')
ZERO = Decimal(0)
DAYS_PER_MONTH = Decimal('29.3')
WORKED_CODES = ('Я',)

STATES = [
    ('draft', "Draft"),
    ('computed', "Computed"),
    ('posted', "Posted"),
    ('cancelled', "Cancelled"),
    ]
KINDS = [
    ('advance', "Advance"),
    ('final', "Final"),
    ]
ACCRUAL_CODES = ['salary', 'teaching', 'supplement', 'bonus', 'vacation',
    'sick', 'oneoff']
EMPLOYER_CODES = ['opvr', 'so', 'oosms', 'sn']


def queue_employees():
    "Above this number of employees the computation runs in the queue"
    return config.getint('edu_payroll', 'queue_employees', default=200)


def round_(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def month_bounds(date):
    first = date.replace(day=1)
    last = date.replace(day=calendar.monthrange(date.year, date.month)[1])
    return first, last


def date_range(date_from, date_to):
    day = date_from
    while day <= date_to:
        yield day
        day += dt.timedelta(days=1)


class Calendar:
    """The working days of a month from the 5-day week and the holidays
    and transfers of edu_hr (one query)"""

    def __init__(self, date_from, date_to):
        pool = Pool()
        try:
            Holiday = pool.get('edu.hr.holiday')
        except KeyError:
            Holiday = None
        kinds = {}
        if Holiday is not None:
            for holiday in Holiday.search([
                        ('date', '>=', date_from),
                        ('date', '<=', date_to),
                        ]):
                kinds[holiday.date] = holiday.kind
        self.holidays = {d for d, k in kinds.items() if k == 'holiday'}
        self.working = set()
        for day in date_range(date_from, date_to):
            kind = kinds.get(day)
            if kind == 'transfer_work' or (
                    day.weekday() < 5 and kind not in {
                        'holiday', 'transfer_off'}):
                self.working.add(day)

    def working_days(self, date_from, date_to, excluded=()):
        return sum(1 for d in self.working
            if date_from <= d <= date_to and d not in excluded)


class Run(Workflow, ModelSQL, ModelView):
    "Payroll run of an organisation for a period (R19.12)"
    __name__ = 'edu.payroll.run'
    __string__ = "Payroll Run"

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='RESTRICT', states=_states)
    name = fields.Char("Name", states=_states)
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False,
        states=_states)
    date_from = fields.Date("From", required=True, states=_states,
        domain=[If(Eval('date_to'), ('date_from', '<=', Eval('date_to')),
                ())])
    date_to = fields.Date("To", required=True, states=_states,
        domain=[If(Eval('date_from'), ('date_to', '>=', Eval('date_from')),
                ())])
    funding_source = fields.Many2One('edu.funding.source', "Funding Source",
        required=True, ondelete='RESTRICT', states=_states)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    progress = fields.Numeric("Progress", digits=(5, 2), readonly=True,
        help="Percentage of the employees computed.")
    employees = fields.Integer("Employees", readonly=True)
    payslips = fields.One2Many('edu.payroll.payslip', 'run', "Payslips",
        readonly=True)
    inputs = fields.One2Many('edu.payroll.run.input', 'run', "Inputs",
        states={
            'readonly': ~Eval('state').in_(['draft', 'computed']),
            },
        help="Bonuses and one-off payments of the period, kept when the "
        "run is computed again.")
    move = fields.Many2One('account.move', "Move", readonly=True,
        ondelete='RESTRICT',
        help="The first move of the posted run (a run of more than 500 "
        "employees is posted in several moves, listed in Moves).")
    moves = fields.One2Many('account.move', 'origin', "Moves",
        readonly=True)
    gross = fields.Function(fields.Numeric("Gross", digits=(16, 2)),
        'get_totals')
    net = fields.Function(fields.Numeric("Net", digits=(16, 2)),
        'get_totals')
    to_pay = fields.Function(fields.Numeric("To Pay", digits=(16, 2)),
        'get_totals')
    employer_total = fields.Function(fields.Numeric(
            "Employer Contributions", digits=(16, 2)), 'get_totals')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date_from', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'computed'),
            ('computed', 'computed'),
            ('computed', 'draft'),
            ('computed', 'posted'),
            ('draft', 'cancelled'),
            ('computed', 'cancelled'),
            ('posted', 'cancelled'),
            }
        cls._buttons.update({
                'compute': {
                    'invisible': ~Eval('state').in_(['draft', 'computed']),
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'computed',
                    'depends': ['state'],
                    },
                'post': {
                    'invisible': Eval('state') != 'computed',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'computed', 'posted']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'final'

    @classmethod
    def default_progress(cls):
        return ZERO

    @classmethod
    def default_funding_source(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('edu_account', 'funding_republican')
        except KeyError:
            return None

    def get_rec_name(self, name):
        if self.name:
            return self.name
        kinds = dict(self.fields_get(['kind'])['kind']['selection'])
        return '%s %s — %s' % (kinds.get(self.kind, ''), self.date_from,
            self.date_to)

    @classmethod
    def get_totals(cls, runs, names):
        pool = Pool()
        Payslip = pool.get('edu.payroll.payslip')
        payslip = Payslip.__table__()
        cursor = Transaction().connection.cursor()
        result = {n: {r.id: ZERO for r in runs} for n in names}
        columns = {
            'gross': Sum(payslip.gross),
            'net': Sum(payslip.net),
            'to_pay': Sum(payslip.to_pay),
            'employer_total': Sum(payslip.opvr + payslip.so + payslip.oosms
                + payslip.sn),
            }
        for sub_ids in grouped_slice([r.id for r in runs], 1000):
            cursor.execute(*payslip.select(payslip.run,
                    *[columns[n] for n in names],
                    where=payslip.run.in_(list(sub_ids)),
                    group_by=[payslip.run]))
            for row in cursor:
                for name, value in zip(names, row[1:]):
                    result[name][row[0]] = round_(value or 0)
        return result

    @classmethod
    def validate_fields(cls, runs, field_names):
        super().validate_fields(runs, field_names)
        if field_names & {'date_from', 'date_to'}:
            for run in runs:
                if (run.date_from.replace(day=1)
                        != run.date_to.replace(day=1)):
                    raise PayrollRunValidationError(gettext(
                            'edu_payroll.msg_run_month', run=run.rec_name))
        if field_names & {'date_from', 'date_to', 'kind', 'company',
                'state'}:
            for run in runs:
                if run.kind != 'final' or run.state == 'cancelled':
                    continue
                others = cls.search([
                        ('id', '!=', run.id),
                        ('company', '=', run.company.id),
                        ('kind', '=', 'final'),
                        ('state', '!=', 'cancelled'),
                        ('date_from', '<=', month_bounds(run.date_from)[1]),
                        ('date_to', '>=', month_bounds(run.date_from)[0]),
                        ], limit=1)
                if others:
                    raise PayrollRunValidationError(gettext(
                            'edu_payroll.msg_run_overlap', run=run.rec_name,
                            other=others[0].rec_name))

    @classmethod
    def delete(cls, runs):
        for run in runs:
            if run.state not in {'draft', 'cancelled'} or run.move:
                raise AccessError(gettext(
                        'edu_payroll.msg_run_delete_state',
                        run=run.rec_name))
        super().delete(runs)

    @classmethod
    def copy(cls, runs, default=None):
        default = default.copy() if default else {}
        default.setdefault('payslips')
        default.setdefault('move')
        default.setdefault('moves')
        default.setdefault('progress', ZERO)
        default.setdefault('employees')
        return super().copy(runs, default=default)

    # --- compute ---------------------------------------------------------

    @classmethod
    @ModelView.button
    def compute(cls, runs):
        """Compute the payslips: at once for a small organisation, in the
        queue above queue_employees employees (R27.13)"""
        for run in runs:
            if run.state not in {'draft', 'computed'}:
                raise PayrollRunError(gettext(
                        'edu_payroll.msg_run_compute_state',
                        run=run.rec_name))
        small, large = [], []
        for run in runs:
            count = len(run.employee_lines())
            (large if count > queue_employees() else small).append(run)
        if small:
            cls.do_compute(small)
        if large:
            # back to draft while the queue computes (its batches commit):
            # a half-computed run can never be posted
            cls.write(large, {'progress': ZERO, 'state': 'draft'})
            with Transaction().set_context(queue_name='edu_payroll',
                    payroll_queued=True):
                cls.__queue__.do_compute(large)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, runs):
        pass

    def employee_lines(self):
        "Return {employee id: [employment lines]} of the period, one query"
        Employment = Pool().get('edu.hr.employment')
        if hasattr(Employment, 'lines_in_period'):
            return Employment.lines_in_period(
                self.company, self.date_from, self.date_to)
        result = defaultdict(list)
        for line in Employment.search([
                    ('company', '=', self.company.id),
                    ('kind', '!=', 'dismissal'),
                    ('date_from', '<=', self.date_to),
                    ['OR', ('date_to', '=', None),
                        ('date_to', '>=', self.date_from)],
                    ], order=[('employee', 'ASC'), ('date_from', 'ASC')]):
            result[line.employee.id].append(line)
        return dict(result)

    @classmethod
    def do_compute(cls, runs):
        """Delete the payslips of runs and compute them again (idempotent).
        In the queue each batch is committed so the progress shows."""
        pool = Pool()
        Payslip = pool.get('edu.payroll.payslip')
        Line = pool.get('edu.payroll.payslip.line')
        queued = Transaction().context.get('payroll_queued')
        for run in runs:
            run = cls(run.id)
            if run.state not in {'draft', 'computed'}:
                continue
            old = Payslip.search([('run', '=', run.id)])
            if old:
                Payslip.delete(old)
            by_employee = run.employee_lines()
            employee_ids = sorted(by_employee)
            total = len(employee_ids) or 1
            context = run._compute_context()
            done = 0
            for sub_ids in grouped_slice(employee_ids, BATCH):
                sub_ids = list(sub_ids)
                slips, lines = run._compute_batch(
                    sub_ids, by_employee, context)
                payslips = Payslip.create(slips)
                to_create = []
                for payslip, slip_lines in zip(payslips, lines):
                    for values in slip_lines:
                        values['payslip'] = payslip.id
                        to_create.append(values)
                if to_create:
                    Line.create(to_create)
                done += len(sub_ids)
                cls.write([run], {
                        'progress': round_(Decimal(done) * 100 / total),
                        })
                if queued:
                    Transaction().commit()
            cls.write([run], {
                    'state': 'computed',
                    'progress': Decimal('100.00'),
                    'employees': len(employee_ids),
                    })
            if queued:
                Transaction().commit()

    def _compute_context(self):
        "The data of the run shared by all batches"
        pool = Pool()
        Rates = pool.get('edu.payroll.rates')
        ItemType = pool.get('edu.payroll.item.type')
        month_start, month_end = month_bounds(self.date_from)
        return {
            'rates': Rates.get(self.date_to, self.company),
            'types': ItemType.get_by_code(),
            'month_start': month_start,
            'month_end': month_end,
            'calendar': Calendar(month_start, month_end),
            'types_by_id': {t.id: t for t in ItemType.search([])},
            }

    # The readers below take the employee ids of a batch and make a
    # constant number of queries whatever their number.

    def _read_timesheet(self, employee_ids, month):
        pool = Pool()
        try:
            Timesheet = pool.get('edu.hr.timesheet')
        except KeyError:
            return {}
        if not hasattr(Timesheet, 'get_days'):
            return {}
        days = Timesheet.get_days(self.company, month) or {}
        ids = set(employee_ids)
        return {k: v for k, v in days.items() if k in ids}

    def _read_tarification(self, employee_ids):
        pool = Pool()
        try:
            TLine = pool.get('edu.tarification.line')
        except KeyError:
            return {}
        if not hasattr(TLine, 'get_monthly'):
            return {}
        monthly = TLine.get_monthly(self.company, self.date_from,
            self.date_to) or {}
        ids = set(employee_ids)
        return {k: v for k, v in monthly.items() if k in ids}

    def _read_related(self, model, employee_ids, domain=None):
        "Return {employee id: [records]} of model overlapping the period"
        pool = Pool()
        try:
            Model = pool.get(model)
        except KeyError:
            return {}
        clause = [
            ('employee', 'in', employee_ids),
            ['OR', ('date_from', '=', None),
                ('date_from', '<=', self.date_to)],
            ['OR', ('date_to', '=', None), ('date_to', '>=', self.date_from)],
            ]
        if domain:
            clause.append(domain)
        result = defaultdict(list)
        for record in Model.search(clause, order=[('id', 'ASC')]):
            result[record.employee.id].append(record)
        return result

    def _read_history(self, employee_ids, month_start):
        """Return {employee id: (gross, months)} of the final posted
        payslips of the 12 months before month_start, one query"""
        pool = Pool()
        Payslip = pool.get('edu.payroll.payslip')
        payslip = Payslip.__table__()
        run = self.__table__()
        cursor = Transaction().connection.cursor()
        start = (month_start.replace(day=1) - dt.timedelta(days=365)
            ).replace(day=1)
        if start.month != month_start.month:
            start = month_start.replace(year=month_start.year - 1)
        month = Extract('YEAR', payslip.date_from) * 100 + Extract(
            'MONTH', payslip.date_from)
        cursor.execute(*payslip.join(run, condition=payslip.run == run.id
                ).select(payslip.employee, Sum(payslip.gross),
                Count(month, distinct=True),
                where=(run.company == self.company.id)
                & (run.state == 'posted') & (run.kind == 'final')
                & (payslip.date_from >= start)
                & (payslip.date_from < month_start)
                & payslip.employee.in_(employee_ids),
                group_by=[payslip.employee]))
        return {e: (Decimal(str(g or 0)), m) for e, g, m in cursor}

    def _read_ytd(self, employee_ids):
        """Return {employee id: (taxable income, basic deduction)} of the
        final posted payslips of the year before the run, one query"""
        pool = Pool()
        Payslip = pool.get('edu.payroll.payslip')
        payslip = Payslip.__table__()
        run = self.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*payslip.join(run, condition=payslip.run == run.id
                ).select(payslip.employee,
                Sum(Coalesce(payslip.taxable, 0)),
                Sum(Coalesce(payslip.deduction_used, 0)),
                where=(run.company == self.company.id)
                & (run.state == 'posted') & (run.kind == 'final')
                & (payslip.date_from >= self.date_from.replace(
                        month=1, day=1))
                & (payslip.date_from < self.date_from)
                & payslip.employee.in_(employee_ids),
                group_by=[payslip.employee]))
        return {e: (Decimal(str(t or 0)), Decimal(str(d or 0)))
            for e, t, d in cursor}

    def _read_advances(self, employee_ids, month_start, month_end):
        """Return {employee id: net} of the posted advance runs of the
        month, one query"""
        pool = Pool()
        Payslip = pool.get('edu.payroll.payslip')
        payslip = Payslip.__table__()
        run = self.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*payslip.join(run, condition=payslip.run == run.id
                ).select(payslip.employee, Sum(payslip.net),
                where=(run.company == self.company.id)
                & (run.state == 'posted') & (run.kind == 'advance')
                & (run.id != (self.id or Literal(0)))
                & (run.date_from >= month_start)
                & (run.date_from <= month_end)
                & payslip.employee.in_(employee_ids),
                group_by=[payslip.employee]))
        return {e: Decimal(str(n or 0)) for e, n in cursor}

    def _compute_batch(self, employee_ids, by_employee, context):
        """Return (payslip values, [line values per payslip]) of the
        employees of a batch"""
        pool = Pool()
        Employee = pool.get('company.employee')
        Input = pool.get('edu.payroll.run.input')
        rates = context['rates']
        types = context['types']
        month_start = context['month_start']
        month_end = context['month_end']
        cal = context['calendar']
        final = self.kind == 'final'

        employees = Employee.browse(employee_ids)
        timesheet = self._read_timesheet(employee_ids, month_start)
        tarification = self._read_tarification(employee_ids)
        leaves = self._read_related('edu.hr.leave', employee_ids)
        supplements = writs = inputs = {}
        history = ytd = advances = {}
        if final:
            supplements = self._read_related(
                'edu.payroll.employee.supplement', employee_ids)
            writs = self._read_related('edu.payroll.writ', employee_ids)
            inputs = defaultdict(list)
            for input_ in Input.search([
                        ('run', '=', self.id),
                        ('employee', 'in', employee_ids),
                        ], order=[('id', 'ASC')]):
                inputs[input_.employee.id].append(input_)
            history = self._read_history(employee_ids, month_start)
            ytd = self._read_ytd(employee_ids)
            advances = self._read_advances(
                employee_ids, month_start, month_end)

        slips, all_lines = [], []
        for employee in employees:
            eid = employee.id
            ts_line = timesheet.get(eid)
            emp_leaves = leaves.get(eid, [])
            leave_dates = set()
            for leave in emp_leaves:
                leave_dates.update(date_range(
                        max(leave.date_from, month_start),
                        min(leave.date_to, month_end)))

            def worked(date_from, date_to):
                date_from = max(date_from, self.date_from)
                date_to = min(date_to or self.date_to, self.date_to)
                if date_from > date_to:
                    return 0
                if ts_line is not None:
                    return sum(1 for d in date_range(date_from, date_to)
                        if (getattr(ts_line, 'd%02d' % d.day, None) or ''
                            ).strip() in WORKED_CODES)
                return cal.working_days(date_from, date_to, leave_dates)

            norm = (getattr(ts_line, 'norm_days', None)
                if ts_line is not None else None) or len(cal.working) or 1
            lines = []

            def add(code, amount, base=None, rate=None, quantity=None,
                    description=None, specific=None, party=None):
                amount = round_(amount)
                if not amount:
                    return
                type_ = types[code]
                lines.append({
                        'type': type_.id,
                        'ebk_specific': (specific.id if specific
                            else type_.ebk_specific.id
                            if type_.ebk_specific else None),
                        'base': round_(base) if base is not None else None,
                        'rate': rate,
                        'quantity': quantity,
                        'amount': amount,
                        'description': description,
                        'party': party.id if party else None,
                        })

            wage_specific = getattr(employee, 'payroll_ebk_specific', None)
            worked_total = 0
            tar_lines = sorted(tarification.get(eid) or [],
                key=lambda t: t[0].date_from)
            # the monthly pay of the average earnings without history is
            # the pay in force at the end of the month (a change within the
            # month is not added twice): the last salary plus the last
            # tarification line
            salary_pay = ZERO
            for emp_line in sorted(by_employee.get(eid, []),
                    key=lambda l: l.date_from):
                # with a tarification the teaching is paid from it; a
                # salary of the post itself (a deputy who also teaches)
                # is paid besides
                days = worked(emp_line.date_from, emp_line.date_to)
                if not tar_lines:
                    worked_total += days
                salary = emp_line.salary or (None if tar_lines
                    else getattr(employee, 'salary', None))
                if not salary:
                    continue
                staff_rate = emp_line.rate or Decimal(1)
                base = salary * staff_rate
                salary_pay = base
                add('salary', base * days / norm, base=base,
                    rate=staff_rate, quantity=days,
                    description=getattr(emp_line.position, 'rec_name',
                        None),
                    specific=wage_specific)
            monthly_pay = salary_pay
            teaching_pay = ZERO
            for tar_line, _ in tar_lines:
                days = worked(tar_line.date_from, tar_line.date_to)
                worked_total += days
                month_total = tar_line.monthly_total or ZERO
                supplement = tar_line.supplement_total or ZERO
                teaching = month_total - supplement
                teaching_pay = month_total
                add('teaching', teaching * days / norm, base=teaching,
                    quantity=days, specific=wage_specific,
                    description=str(tar_line.weekly_hours or ''))
                add('supplement', supplement * days / norm,
                    base=supplement, quantity=days)
            monthly_pay += teaching_pay
            earned = sum((l['amount'] for l in lines), ZERO)

            if not final:
                slip = self._payslip_values(employee, worked_total, norm)
                slip.update(gross=earned, net=earned, to_pay=earned)
                slips.append(slip)
                all_lines.append(lines)
                continue

            for supplement in supplements.get(eid, []):
                code = supplement.item_code or 'supplement'
                if code not in types:
                    code = 'supplement'
                if supplement.percent:
                    add(code, earned * supplement.percent / 100,
                        base=earned, rate=supplement.percent,
                        description=supplement.name)
                elif supplement.amount:
                    add(code, supplement.amount * worked_total / norm,
                        base=supplement.amount, quantity=worked_total,
                        description=supplement.name)
            for input_ in inputs.get(eid, []):
                add(input_.type.code, input_.amount,
                    description=input_.description)

            gross_history, months = history.get(eid, (ZERO, 0))
            if months:
                daily = gross_history / (DAYS_PER_MONTH * months)
            else:
                daily = monthly_pay / DAYS_PER_MONTH
            daily = round_(daily)
            sick_days = 0
            for leave in emp_leaves:
                start = max(leave.date_from, self.date_from)
                end = min(leave.date_to, self.date_to)
                if start > end:
                    continue
                if leave.kind == 'annual':
                    days = sum(1 for d in date_range(start, end)
                        if d not in cal.holidays)
                    add('vacation', daily * days, base=daily, quantity=days)
                elif leave.kind == 'sick':
                    sick_days += (end - start).days + 1
            if sick_days:
                cap = (rates.sick_cap_mrp or 0) * rates.mrp
                amount = daily * sick_days
                if cap:
                    amount = min(amount, cap)
                add('sick', amount, base=daily, quantity=sick_days)

            gross = sum((l['amount'] for l in lines), ZERO)
            taxable_gross = sum((l['amount'] for l in lines
                    if context['types_by_id'][l['type']].taxable_ipn), ZERO)
            opv_base = sum((l['amount'] for l in lines
                    if context['types_by_id'][l['type']].taxable_opv), ZERO)
            so_income = sum((l['amount'] for l in lines
                    if context['types_by_id'][l['type']].taxable_opv
                    and context['types_by_id'][l['type']].taxable_so),
                ZERO)
            sn_income = sum((l['amount'] for l in lines
                    if context['types_by_id'][l['type']].taxable_ipn
                    and context['types_by_id'][l['type']].taxable_sn),
                ZERO)
            ytd_income, ytd_deduction = ytd.get(eid, (ZERO, ZERO))
            flags = (employee.payroll_flags()
                if hasattr(employee, 'payroll_flags') else {})
            taxes = self._compute_taxes(rates, taxable_gross,
                opv_base=opv_base, so_income=so_income, sn_income=sn_income,
                ytd_taxable_income=ytd_income,
                ytd_basic_deduction=ytd_deduction, **flags)
            for code in ['opv', 'vosms', 'ipn']:
                add(code, taxes[code])
            net = gross - taxes['opv'] - taxes['vosms'] - taxes['ipn']
            writs_total = ZERO
            for writ in writs.get(eid, []):
                if writ.percent:
                    amount = round_(net * writ.percent / 100)
                else:
                    amount = writ.amount or ZERO
                amount = min(amount, net - writs_total)
                if amount <= 0:
                    continue
                writs_total += round_(amount)
                add('alimony' if writ.kind == 'alimony' else 'writ',
                    amount, base=net, rate=writ.percent,
                    party=writ.recipient,
                    description=getattr(writ, 'document', None))
            advance = advances.get(eid, ZERO)
            add('advance', advance)
            for code in EMPLOYER_CODES:
                add(code, taxes[code])
            slip = self._payslip_values(employee, worked_total, norm)
            slip.update({
                    'gross': round_(gross),
                    'opv': taxes['opv'],
                    'vosms': taxes['vosms'],
                    'ipn': taxes['ipn'],
                    'taxable': taxes['taxable'],
                    'deduction_used': taxes['deduction_used'],
                    'deductions_total': round_(taxes['opv'] + taxes['vosms']
                        + taxes['ipn'] + writs_total),
                    'net': round_(net),
                    'advance_paid': advance,
                    'to_pay': round_(net - writs_total - advance),
                    'opvr': taxes['opvr'],
                    'so': taxes['so'],
                    'oosms': taxes['oosms'],
                    'sn': taxes['sn'],
                    })
            slips.append(slip)
            all_lines.append(lines)
        return slips, all_lines

    @staticmethod
    def _compute_taxes(rates, gross, **kwargs):
        from .taxes import compute_taxes
        return compute_taxes(rates, gross, **kwargs)

    def _payslip_values(self, employee, worked_days, norm_days):
        return {
            'run': self.id,
            'company': self.company.id,
            'employee': employee.id,
            'date_from': self.date_from,
            'date_to': self.date_to,
            'worked_days': worked_days,
            'norm_days': norm_days,
            }

    # --- post and cancel --------------------------------------------------

    @classmethod
    @ModelView.button
    @Workflow.transition('posted')
    def post(cls, runs):
        """Post the runs: one move per final run in the journal GEN, all in
        the caller's transaction (R19.12, R18)"""
        pool = Pool()
        Move = pool.get('account.move')
        moves = {}
        for run in runs:
            if run.kind == 'final':
                moves[run] = run.get_moves()
        to_post = [m for ms in moves.values() for m in ms]
        if to_post:
            Move.save(to_post)
            Move.post(to_post)
        for run, run_moves in moves.items():
            run.move = run_moves[0] if run_moves else None
        cls.save(runs)

    def get_move(self):
        "Return the (unsaved) move of a run of at most POST_BATCH employees"
        move, = self.get_moves()
        return move

    def get_moves(self):
        """Return the (unsaved) moves of the run with their aggregated
        lines: one move per POST_BATCH employees, each balanced"""
        pool = Pool()
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        Journal = pool.get('account.journal')
        Period = pool.get('account.period')
        Account = pool.get('account.account')
        Payslip = pool.get('edu.payroll.payslip')
        PLine = pool.get('edu.payroll.payslip.line')
        ItemType = pool.get('edu.payroll.item.type')
        Employee = pool.get('company.employee')
        cursor = Transaction().connection.cursor()

        journals = Journal.search([('code', '=', 'GEN')], limit=1)
        if not journals:
            raise PayrollRunError(gettext(
                    'edu_payroll.msg_run_no_journal', run=self.rec_name))
        journal, = journals
        period = Period.find(self.company, date=self.date_to)

        types = {t.id: t for t in ItemType.search([])}
        codes = {c for t in types.values()
            for c in (t.debit_account, t.credit_account) if c}
        with Transaction().set_context(company=self.company.id):
            accounts = {a.code: a for a in Account.search([
                        ('company', '=', self.company.id),
                        ('code', 'in', list(codes)),
                        ('closed', '!=', True),
                        ])}

        line = PLine.__table__()
        payslip = Payslip.__table__()
        cursor.execute(*line.join(payslip,
                condition=line.payslip == payslip.id
                ).select(line.type, line.ebk_specific, payslip.employee,
                line.party, Sum(line.amount),
                where=payslip.run == self.id,
                group_by=[line.type, line.ebk_specific, payslip.employee,
                    line.party]))
        rows = cursor.fetchall()
        # the employees' parties: one query per 1,000
        employee = Employee.__table__()
        employee_parties = {}
        for sub_ids in grouped_slice(list({r[2] for r in rows}), 1000):
            cursor.execute(*employee.select(employee.id, employee.party,
                    where=reduce_ids(employee.id, sub_ids)))
            employee_parties.update(cursor.fetchall())

        def account(code):
            if code not in accounts:
                raise PayrollRunError(gettext(
                        'edu_payroll.msg_run_no_account', code=code,
                        company=self.company.rec_name))
            return accounts[code]

        funding = self.funding_source.id
        chunk_of = {e: i // POST_BATCH
            for i, e in enumerate(sorted({r[2] for r in rows}))}
        chunks = defaultdict(lambda: defaultdict(lambda: ZERO))
        for type_id, specific, employee_id, party, amount in rows:
            totals = chunks[chunk_of[employee_id]]
            type_ = types[type_id]
            amount = round_(amount or 0)
            if not amount or not (type_.debit_account
                    and type_.credit_account):
                continue
            debit = account(type_.debit_account)
            credit = account(type_.credit_account)
            employee_party = employee_parties[employee_id]
            debit_party = credit_party = None
            debit_specific = credit_specific = None
            if type_.kind in {'accrual', 'employer'}:
                debit_specific = specific
            if debit.party_required:
                debit_party = employee_party
            if credit.party_required:
                credit_party = (party if type_.kind == 'deduction'
                    and party else employee_party)
            totals[(debit.id, debit_party, debit_specific, 'debit')] += amount
            totals[(credit.id, credit_party, credit_specific, 'credit')] += (
                amount)

        moves = []
        for index in sorted(chunks):
            lines = []
            for (account_id, party, specific, side), amount in sorted(
                    chunks[index].items(), key=lambda i: (
                        i[0][3] != 'debit', i[0][0], i[0][2] or 0,
                        i[0][1] or 0)):
                if not amount:
                    continue
                lines.append(MoveLine(
                        account=account_id,
                        party=party,
                        ebk_specific=specific,
                        funding_source=funding,
                        debit=amount if side == 'debit' else ZERO,
                        credit=amount if side == 'credit' else ZERO,
                        ))
            if lines:
                moves.append(Move(
                        company=self.company,
                        journal=journal,
                        period=period,
                        date=self.date_to,
                        origin=self,
                        description=gettext(
                            'edu_payroll.msg_run_move_description',
                            run=self.rec_name),
                        lines=lines))
        return moves

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, runs):
        """Cancel the runs; a posted run's move is reversed by Tryton's
        cancel move, never edited (R19.12)"""
        pool = Pool()
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        to_post, to_reconcile = [], []
        originals = [m for r in runs for m in r.moves]
        # a move reversed by an earlier cancellation is not reversed again
        reversed_ = {int(str(m.origin).split(',')[1]) for m in Move.search([
                    ('origin', 'in', [str(m) for m in originals]),
                    ])} if originals else set()
        for move in originals:
            if move.id in reversed_:
                continue
            cancel_move = move.cancel(reversal=True)
            to_post.append(cancel_move)
            to_reconcile.append((move, cancel_move))
        if to_post:
            Move.post(to_post)
        for move, cancel_move in to_reconcile:
            groups = defaultdict(list)
            for line in move.lines + cancel_move.lines:
                if line.account.reconcile and not line.reconciliation:
                    groups[(line.account, line.party)].append(line)
            for lines in groups.values():
                if sum(l.debit - l.credit for l in lines) == 0:
                    MoveLine.reconcile(lines)


class RunInput(ModelSQL, ModelView):
    "Bonus or one-off payment entered on a payroll run (R19.12)"
    __name__ = 'edu.payroll.run.input'
    __string__ = "Payroll Run Input"

    run = fields.Many2One('edu.payroll.run', "Run", required=True,
        ondelete='CASCADE')
    company = fields.Function(fields.Many2One('company.company',
            "Organisation"), 'on_change_with_company',
        searcher='search_company')
    employee = fields.Many2One('company.employee', "Employee", required=True,
        ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    type = fields.Many2One('edu.payroll.item.type', "Type", required=True,
        ondelete='RESTRICT',
        domain=[('kind', '=', 'accrual')])
    amount = fields.Numeric("Amount", digits=(16, 2), required=True)
    description = fields.Char("Description")

    @fields.depends('run', '_parent_run.company')
    def on_change_with_company(self, name=None):
        return self.run.company if self.run else None

    @classmethod
    def search_company(cls, name, clause):
        return [('run.company',) + tuple(clause[1:])]


class Move(metaclass=PoolMeta):
    __name__ = 'account.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['edu.payroll.run']
