# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The tarification list of the teachers (R19.16, R27.13).

A list is made on 1 September for every teacher of the organisation
('annual') and whenever a teacher's category, band of years of service or
load changes ('change').  Approving a list supersedes, from its date, the
approved lines of the same teachers: the previous line ends the day before,
so the history of a teacher's rates is kept and a month can be paid from two
lines (``Line.get_monthly``).  The lines of an approved list are read-only.

ДО = БДО × coefficient; load pay = ДО × weekly hours / norm (16 hours in a
school, 18 in a college or supplementary education organisation);
supplements: category % of ДО, the others % of БДО (configurable types).
"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sql import Null
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.edu_learning.teacher import CATEGORIES
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import TarificationAccessError, TarificationError
from .parameter import BLOCKS, EDUCATION_LEVELS

_ZERO = Decimal(0)
_CENT = Decimal('0.01')
LONG_NORM_KINDS = {'college', 'supplementary'}
STATES = [
    ('draft', "Draft"),
    ('approved', "Approved"),
    ]
REASONS = [
    ('annual', "Annual (1 September)"),
    ('change', "Change"),
    ]
_SUPERSEDE = '_edu_tarification_supersede'
_BROWSE_CHUNK = 1000


def norm_of(company):
    """The weekly load norm of the organisation: 18 hours in a college or a
    supplementary education organisation, 16 elsewhere (R27.13)"""
    kind = getattr(company, 'edu_kind', None)
    return Decimal(18) if kind in LONG_NORM_KINDS else Decimal(16)


class TarificationList(Workflow, ModelSQL, ModelView):
    "Tarification List"
    __name__ = 'edu.tarification.list'
    __string__ = "Tarification List"

    _states = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One(
        'company.company', "Organisation", required=True,
        ondelete='RESTRICT', states=_states)
    date = fields.Date("Effective Date", required=True, states=_states)
    reason = fields.Selection(REASONS, "Reason", required=True,
        states=_states)
    description = fields.Char("Description", states=_states)
    lines = fields.One2Many(
        'edu.tarification.line', 'list', "Lines", states=_states,
        order=[('employee.party.name', 'ASC'), ('id', 'ASC')])
    total = fields.Function(
        fields.Numeric("Monthly Total", digits=(16, 2)), 'get_total')
    approved_by = fields.Many2One('res.user', "Approved by", readonly=True)
    approved_date = fields.Date("Approved on", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'approved')}
        cls._buttons.update({
                'compute': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_reason():
        return 'change'

    def get_rec_name(self, name):
        return '%s %s' % (self.company.rec_name if self.company else '',
            self.date.strftime('%d.%m.%Y') if self.date else '')

    @classmethod
    def get_total(cls, lists, name):
        return {l.id: sum((line.monthly_total or _ZERO for line in l.lines),
                _ZERO) for l in lists}

    @classmethod
    def delete(cls, lists):
        for tlist in lists:
            if tlist.state != 'draft':
                raise TarificationAccessError(gettext(
                    'edu_tarification.msg_list_delete_approved',
                    list=tlist.rec_name))
        super().delete(lists)

    @classmethod
    def copy(cls, lists, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('approved_by')
        default.setdefault('approved_date')
        default.setdefault('state', 'draft')
        return super().copy(lists, default=default)

    @classmethod
    def make(cls, company, date, reason, employees):
        """Create and return a draft list of company at date for employees,
        its lines filled and their supplements computed"""
        Line = Pool().get('edu.tarification.line')
        if not employees:
            raise TarificationError(gettext(
                'edu_tarification.msg_no_teachers',
                company=company.rec_name))
        tlist, = cls.create([{
                    'company': company.id,
                    'date': date,
                    'reason': reason,
                    }])
        # without a teaching load, the hours entered on the teacher's
        # current approved line are kept
        entered = {l.employee.id: l.weekly_hours for l in Line.search([
                    ('company', '=', company.id),
                    ('employee', 'in', [e.id for e in employees]),
                    ('list.state', '=', 'approved'),
                    ('date_from', '<=', date),
                    ['OR', ('date_to', '=', None), ('date_to', '>=', date)],
                    ])}
        values = Line.tarify(company, [e.id for e in employees], date,
            entered=entered)
        lines = Line.create([{**v, 'list': tlist.id}
                for v in values.values()])
        Line.set_supplements(lines)
        return tlist

    @classmethod
    @ModelView.button
    def compute(cls, lists):
        "Fill every line again from the employee, the load and the rates"
        Line = Pool().get('edu.tarification.line')
        Line.compute([l for t in lists for l in t.lines])

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, lists):
        """Approve the lists: the approved lines of the same teachers valid
        at the list's date end the day before (R19.16)"""
        pool = Pool()
        Line = pool.get('edu.tarification.line')
        for tlist in sorted(lists, key=lambda l: l.date):
            employees = [l.employee.id for l in tlist.lines]
            seen = set()
            for line in tlist.lines:
                if line.employee.id in seen:
                    raise TarificationError(gettext(
                        'edu_tarification.msg_duplicate_employee',
                        employee=line.employee.rec_name,
                        list=tlist.rec_name))
                seen.add(line.employee.id)
            previous = Line.search([
                    ('employee', 'in', employees),
                    ('list', '!=', tlist.id),
                    ('list.state', '=', 'approved'),
                    ('company', '=', tlist.company.id),
                    ['OR',
                        ('date_to', '=', None),
                        ('date_to', '>=', tlist.date),
                        ],
                    ])
            for line in previous:
                if line.date_from >= tlist.date:
                    raise TarificationError(gettext(
                        'edu_tarification.msg_later_line',
                        employee=line.employee.rec_name,
                        date=line.date_from.strftime('%d.%m.%Y')))
            with Transaction().set_context(**{_SUPERSEDE: True}):
                if previous:
                    Line.write(previous, {
                            'date_to': tlist.date - dt.timedelta(days=1)})
                if tlist.lines:
                    Line.write(list(tlist.lines), {'date_from': tlist.date})
        cls.write(lists, {
                'approved_by': Transaction().user,
                'approved_date': dt.date.today(),
                })


class TarificationLine(ModelSQL, ModelView):
    "Tarification Line"
    __name__ = 'edu.tarification.line'
    __string__ = "Tarification Line"

    _states = {'readonly': Eval('state') != 'draft'}

    list = fields.Many2One(
        'edu.tarification.list', "List", required=True, ondelete='CASCADE',
        states=_states)
    company = fields.Many2One(
        'company.company', "Organisation", required=True,
        ondelete='RESTRICT', readonly=True)
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='RESTRICT',
        states=_states,
        domain=[('company', '=', Eval('company', -1))])
    date_from = fields.Date("From", readonly=True)
    date_to = fields.Date(
        "To", readonly=True,
        help="Filled when a later approved list supersedes the line.")
    position = fields.Many2One(
        'edu.hr.position', "Position", ondelete='RESTRICT', states=_states)
    subject = fields.Char("Subject", states=_states)
    block = fields.Selection(BLOCKS, "Block", required=True, states=_states)
    education_level = fields.Selection(
        EDUCATION_LEVELS, "Education Level", states=_states)
    diploma = fields.Char("Diploma", states=_states)
    category = fields.Selection(
        CATEGORIES, "Qualification Category", states=_states)
    service_years = fields.Numeric(
        "Years of Service", digits=(5, 2), states=_states)
    weekly_hours = fields.Numeric(
        "Weekly Hours", digits=(5, 1), states=_states,
        domain=[If(Eval('weekly_hours', None) != None,  # noqa: E711
                ('weekly_hours', '>=', 0), ())])
    norm = fields.Numeric(
        "Norm", digits=(5, 1), required=True, states=_states,
        domain=[('norm', '>', 0)])
    coefficient = fields.Numeric(
        "Coefficient", digits=(6, 3), required=True, states=_states)
    bdo = fields.Numeric("БДО", digits=(16, 2), required=True,
        states=_states)
    base_salary = fields.Numeric(
        "Official Salary", digits=(16, 2), readonly=True,
        help="ДО = БДО × coefficient.")
    load_pay = fields.Numeric(
        "Pay for the Load", digits=(16, 2), readonly=True,
        help="ДО × weekly hours / norm.")
    class_teacher = fields.Boolean("Class Supervision", states=_states)
    notebook = fields.Boolean("Notebook Checking", states=_states)
    english = fields.Boolean("Teaching in English", states=_states)
    masters = fields.Boolean("Master's Degree", states=_states)
    supplements = fields.One2Many(
        'edu.tarification.line.supplement', 'line', "Supplements",
        states=_states)
    supplement_total = fields.Numeric(
        "Supplements", digits=(16, 2), readonly=True)
    monthly_total = fields.Numeric(
        "Monthly Total", digits=(16, 2), readonly=True)
    state = fields.Function(
        fields.Selection(STATES, "State"), 'on_change_with_state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date_from', 'DESC'), ('employee', 'ASC'),
            ('id', 'DESC')]
        cls.__access__.add('list')
        # payroll reads the lines of a company valid in a period
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.company, Index.Range()),
                (t.date_from, Index.Range()), (t.employee, Index.Range())))

    @staticmethod
    def default_block():
        return 'B'

    @staticmethod
    def default_norm():
        return Decimal(16)

    @fields.depends('list', '_parent_list.state')
    def on_change_with_state(self, name=None):
        return self.list.state if self.list else 'draft'

    @fields.depends('list', '_parent_list.company')
    def on_change_with_company(self):
        return self.list.company if self.list and self.list.company else None

    def get_rec_name(self, name):
        return '%s %s' % (self.employee.rec_name,
            self.date_from.strftime('%d.%m.%Y') if self.date_from else '')

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('employee.rec_name',) + tuple(clause[1:])]

    # -- read-only once approved ----------------------------------------
    @classmethod
    def _check_draft(cls, lines):
        if Transaction().context.get(_SUPERSEDE):
            return
        for line in lines:
            if line.list.state != 'draft':
                raise TarificationAccessError(gettext(
                    'edu_tarification.msg_line_approved',
                    line=line.rec_name))

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        TList = pool.get('edu.tarification.list')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            tlist = TList(values['list'])
            if tlist.state != 'draft':
                raise TarificationAccessError(gettext(
                    'edu_tarification.msg_line_approved',
                    line=tlist.rec_name))
            values['company'] = tlist.company.id
            values.setdefault('date_from', tlist.date)
            values.setdefault('norm', norm_of(tlist.company))
        lines = super().create(vlist)
        cls.update_amounts(lines)
        return lines

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        all_lines = []
        for lines, values in zip(actions, actions):
            cls._check_draft(lines)
            if 'list' in values:
                raise TarificationAccessError(gettext(
                    'edu_tarification.msg_line_move',
                    line=lines[0].rec_name if lines else ''))
            all_lines.extend(lines)
        super().write(*args)
        if not Transaction().context.get(_SUPERSEDE):
            cls.update_amounts(all_lines)

    @classmethod
    def delete(cls, lines):
        cls._check_draft(lines)
        super().delete(lines)

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('date_from')
        default.setdefault('date_to')
        return super().copy(lines, default=default)

    # -- amounts -------------------------------------------------------------
    def _amounts(self):
        "Return the values of the amounts computed from the line's inputs"
        base_salary = (Decimal(self.bdo or 0)
            * Decimal(self.coefficient or 0)).quantize(_CENT)
        hours = Decimal(self.weekly_hours or 0)
        norm = Decimal(self.norm or 0)
        load_pay = ((base_salary * hours / norm).quantize(_CENT)
            if norm else _ZERO)
        return base_salary, load_pay

    @classmethod
    def update_amounts(cls, lines):
        """Compute ДО, load pay, the supplements' amounts and the totals of
        lines from their stored inputs (R19.16)"""
        pool = Pool()
        Supplement = pool.get('edu.tarification.line.supplement')
        to_write = []
        supplement_writes = []
        for line in cls.browse(lines):
            base_salary, load_pay = line._amounts()
            total = _ZERO
            for supplement in line.supplements:
                amount = supplement.compute(base_salary, line.bdo)
                if amount != supplement.amount:
                    supplement_writes.extend(
                        [[supplement], {'amount': amount}])
                total += amount
            values = {
                'base_salary': base_salary,
                'load_pay': load_pay,
                'supplement_total': total,
                'monthly_total': load_pay + total,
                }
            if any(getattr(line, k) != v for k, v in values.items()):
                to_write.extend([[line], values])
        with Transaction().set_context(**{_SUPERSEDE: True}):
            if supplement_writes:
                Supplement.write(*supplement_writes)
            if to_write:
                super().write(*to_write)

    # -- filling from the employee -------------------------------------------
    @classmethod
    def category_at(cls, parties, date):
        """Return {party_id: category} of the latest category or attestation
        record dated on or before date (one query)"""
        Record = Pool().get('edu.teacher.record')
        result = {p: None for p in parties}
        for record in Record.search([
                    ('person', 'in', list(parties)),
                    ('kind', 'in', ['category', 'attestation']),
                    ('category', '!=', None),
                    ['OR', ('date', '=', None), ('date', '<=', date)],
                    ], order=[('date', 'ASC NULLS FIRST'), ('id', 'ASC')]):
            result[record.person.id] = record.category
        return result

    @classmethod
    def load_hours(cls, company, parties, date):
        """Return {party_id: weekly hours} of the teaching load of the
        academic year containing date (edu_timetable, R27.13) or {} when
        edu_timetable is not activated or the year has no load"""
        pool = Pool()
        try:
            Load = pool.get('edu.teaching.load')
        except KeyError:
            return {}
        Year = pool.get('edu.academic.year')
        year = Year.find(company.id, date)
        if not year:
            return {}
        hours = defaultdict(Decimal)
        for load in Load.search([
                    ('company', '=', company.id),
                    ('year', '=', year.id),
                    ('teacher', 'in', list(parties)),
                    ]):
            hours[load.teacher.id] += Decimal(str(load.hours or 0))
        return dict(hours)

    @classmethod
    def homeroom_parties(cls, company, parties, date):
        "Return the parties that are homeroom teachers at date"
        pool = Pool()
        Class = pool.get('edu.class')
        classes = Class.search([
                ('company', '=', company.id),
                ('homeroom_teacher', 'in', list(parties)),
                ('year.start_date', '<=', date),
                ('year.end_date', '>=', date),
                ])
        return {c.homeroom_teacher.id for c in classes}

    @classmethod
    def tarify(cls, company, employees, date, entered=None):
        """Return {employee_id: values of a line} for employees at date.

        entered maps an employee id to weekly hours entered by hand, used
        when the organisation has no teaching load (edu_timetable) for the
        teacher; without either the hours are the norm × the staff rate.
        Raises when no БДО or coefficient applies."""
        pool = Pool()
        Employee = pool.get('company.employee')
        BDO = pool.get('edu.tarification.bdo')
        Coefficient = pool.get('edu.tarification.coefficient')
        entered = entered or {}
        employees = Employee.browse(employees)
        if not employees:
            return {}
        parties = {e.party.id for e in employees}
        bdo = BDO.get(date)
        norm = norm_of(company)
        years = Employee.get_service_years_at(employees, date)
        categories = cls.category_at(parties, date)
        loads = cls.load_hours(company, parties, date)
        homeroom = cls.homeroom_parties(company, parties, date)
        coefficients = Coefficient.valid_rows(date)
        result = {}
        for employee in employees:
            position = getattr(employee, 'hr_position', None)
            block = (position.block if position and position.block
                else 'B')
            level = getattr(employee, 'education_level', None)
            service = Decimal(years.get(employee.id) or 0).quantize(_CENT)
            coefficient = Coefficient.pick(
                coefficients, block, level, service)
            if coefficient is None:
                raise TarificationError(gettext(
                    'edu_tarification.msg_no_coefficient',
                    employee=employee.rec_name, block=block,
                    level=level or '-', years=service,
                    date=date.strftime('%d.%m.%Y')))
            party = employee.party.id
            if party in loads:
                hours = loads[party]
            elif entered.get(employee.id) is not None:
                hours = entered[employee.id]
            else:
                rate = Decimal(getattr(employee, 'rate', None) or 1)
                hours = (norm * rate).quantize(Decimal('0.1'))
            result[employee.id] = {
                'employee': employee.id,
                'position': position.id if position else None,
                'block': block,
                'education_level': level,
                'diploma': getattr(employee, 'diploma', None),
                'category': categories.get(party),
                'service_years': service,
                'weekly_hours': Decimal(hours).quantize(Decimal('0.1')),
                'norm': norm.quantize(Decimal('0.1')),
                'coefficient': coefficient.quantize(Decimal('0.001')),
                'bdo': bdo.quantize(_CENT),
                'class_teacher': party in homeroom,
                'masters': level == 'postgraduate',
                }
        return result

    @classmethod
    def compute(cls, lines):
        """Fill lines again from their employees (category, service, load,
        rates) and rebuild their automatic supplements"""
        by_list = defaultdict(list)
        for line in lines:
            by_list[line.list].append(line)
        to_write = []
        for tlist, list_lines in by_list.items():
            values = cls.tarify(tlist.company,
                [l.employee.id for l in list_lines], tlist.date,
                entered={l.employee.id: l.weekly_hours for l in list_lines})
            for line in list_lines:
                line_values = values[line.employee.id].copy()
                del line_values['employee']
                # flags set by hand are kept
                for name in ('class_teacher', 'masters'):
                    line_values[name] = line_values[name] or getattr(
                        line, name)
                to_write.extend([[line], line_values])
        if to_write:
            cls.write(*to_write)
        cls.set_supplements(lines)

    @classmethod
    def set_supplements(cls, lines):
        """Rebuild the supplements of lines from the supplement types valid
        at their date: category (on ДО), class supervision, notebook
        checking, English, master's degree; 'other' ones are kept"""
        pool = Pool()
        Supplement = pool.get('edu.tarification.line.supplement')
        Type = pool.get('edu.tarification.supplement.type')
        lines = cls.browse(lines)
        with Transaction().set_context(**{_SUPERSEDE: True}):
            Supplement.delete([s for l in lines for s in l.supplements
                    if s.type.kind != 'other'])
        types = {}
        to_create = []
        for line in lines:
            date = line.date_from or line.list.date
            if date not in types:
                types[date] = Type.valid_at(date)
            for stype in types[date]:
                if not line.applies(stype):
                    continue
                to_create.append({
                        'line': line.id,
                        'type': stype.id,
                        'base': stype.base,
                        'percent': stype.percent,
                        'amount': stype.compute(_ZERO, _ZERO),
                        })
        if to_create:
            Supplement.create(to_create)
        cls.update_amounts(lines)

    def applies(self, supplement_type):
        "Whether the supplement type is due to the line's teacher"
        kind = supplement_type.kind
        if kind == 'category':
            return bool(self.category) and (
                self.category == supplement_type.category)
        if kind in {'class_teacher', 'notebook', 'english', 'masters'}:
            return bool(getattr(self, kind))
        return False

    # -- API for payroll -------------------------------------------------
    @classmethod
    def get_monthly(cls, company, date_from, date_to):
        """Return {employee_id: [(line, days), ...]}: the approved lines of
        company valid between date_from and date_to (included) with the
        number of days of the period each covers, in date order.  A change
        in the middle of the period gives two lines (R19.16).

        One query finds the lines; the lines (and then their supplements)
        are read in one query each (per 1,000 lines) when first used."""
        line = cls.__table__()
        tlist = Pool().get('edu.tarification.list').__table__()
        company_id = getattr(company, 'id', company)
        cursor = Transaction().connection.cursor()
        cursor.execute(*line.join(tlist,
                condition=line.list == tlist.id).select(
                line.id, line.employee, line.date_from, line.date_to,
                where=(line.company == company_id)
                & (tlist.state == 'approved')
                & (line.date_from <= date_to)
                & (Coalesce(line.date_to, date_to) >= date_from)
                & (line.date_from != Null),
                order_by=[line.employee, line.date_from, line.id]))
        rows = cursor.fetchall()
        # browsed by chunks: a browse checks its whole id list for each
        # instance, quadratic for the 10,000 lines of a big organisation;
        # each chunk is read in one query when first used
        records = []
        for start in range(0, len(rows), _BROWSE_CHUNK):
            records.extend(cls.browse(
                    [r[0] for r in rows[start:start + _BROWSE_CHUNK]]))
        result = defaultdict(list)
        for record, (_, employee, start, end) in zip(records, rows):
            if isinstance(start, str):
                start = dt.date.fromisoformat(start)
            if isinstance(end, str):
                end = dt.date.fromisoformat(end)
            first = max(start, date_from)
            last = min(end or date_to, date_to)
            days = (last - first).days + 1
            if days > 0:
                result[employee].append((record, days))
        return dict(result)


class TarificationLineSupplement(ModelSQL, ModelView):
    "Tarification Line Supplement"
    __name__ = 'edu.tarification.line.supplement'
    __string__ = "Tarification Line Supplement"

    _states = {'readonly': Eval('line_state') != 'draft'}

    line = fields.Many2One(
        'edu.tarification.line', "Line", required=True, ondelete='CASCADE',
        states=_states)
    type = fields.Many2One(
        'edu.tarification.supplement.type', "Type", required=True,
        ondelete='RESTRICT', states=_states)
    base = fields.Selection('get_bases', "Base", readonly=True)
    percent = fields.Numeric("Percent", digits=(6, 2), states=_states)
    amount = fields.Numeric("Amount", digits=(16, 2), readonly=True)
    line_state = fields.Function(
        fields.Selection(STATES, "State"), 'on_change_with_line_state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('line')

    @staticmethod
    def get_bases():
        from .parameter import SUPPLEMENT_BASES
        return SUPPLEMENT_BASES

    @fields.depends('line', '_parent_line.state')
    def on_change_with_line_state(self, name=None):
        return self.line.state if self.line else 'draft'

    @fields.depends('type')
    def on_change_type(self):
        if self.type:
            self.base = self.type.base
            self.percent = self.type.percent

    def compute(self, base_salary, bdo):
        "The amount of the supplement for the line's ДО and БДО"
        if self.base == 'amount' or (self.base is None
                and self.type.base == 'amount'):
            return (self.type.amount or _ZERO).quantize(_CENT)
        base = base_salary if (self.base or self.type.base) == 'do' else bdo
        return (Decimal(base or 0) * Decimal(self.percent or 0)
            / 100).quantize(_CENT)

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Line = pool.get('edu.tarification.line')
        Type = pool.get('edu.tarification.supplement.type')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            Line._check_draft([Line(values['line'])])
            stype = Type(values['type'])
            values.setdefault('base', stype.base)
            if values.get('percent') is None:
                values['percent'] = stype.percent
        records = super().create(vlist)
        if not Transaction().context.get(_SUPERSEDE):
            Line.update_amounts(list({r.line for r in records}))
        return records

    @classmethod
    def write(cls, *args):
        Line = Pool().get('edu.tarification.line')
        actions = iter(args)
        lines = set()
        for records, values in zip(actions, actions):
            Line._check_draft([r.line for r in records])
            lines.update(r.line for r in records)
        super().write(*args)
        if not Transaction().context.get(_SUPERSEDE):
            Line.update_amounts(list(lines))

    @classmethod
    def delete(cls, records):
        Line = Pool().get('edu.tarification.line')
        lines = list({r.line for r in records})
        Line._check_draft(lines)
        super().delete(records)
        if not Transaction().context.get(_SUPERSEDE):
            Line.update_amounts(lines)
