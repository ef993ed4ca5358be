# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Wizards of the tarification (R19.16): the annual list of 1 September and
the recomputation that finds the teachers whose category, band of years of
service or load changed and makes a 'change' list for them."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from .exceptions import TarificationError


def teachers(company, date):
    """Return the employees of company employed at date whose position is a
    teaching one"""
    Employee = Pool().get('company.employee')
    return Employee.search([
            ('company', '=', company.id),
            ('hr_position.is_teacher', '=', True),
            ['OR', ('start_date', '=', None), ('start_date', '<=', date)],
            ['OR', ('end_date', '=', None), ('end_date', '>=', date)],
            ])


def next_september(date):
    "1 September of the academic year starting on or after date"
    september = dt.date(date.year, 9, 1)
    return september if date <= september else dt.date(date.year + 1, 9, 1)


class CreateListStart(ModelView):
    "Create Annual Tarification List"
    __name__ = 'edu.tarification.create.start'
    __string__ = "Create Annual Tarification List"

    company = fields.Many2One('company.company', "Organisation",
        required=True)
    date = fields.Date("Date", required=True,
        help="Usually 1 September, the start of the academic year.")

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_date():
        today = dt.date.today()
        september = dt.date(today.year, 9, 1)
        return september if today >= september else next_september(today)


class CreateList(Wizard):
    "Create Annual Tarification List"
    __name__ = 'edu.tarification.create'

    start = StateView('edu.tarification.create.start',
        'edu_tarification.create_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateAction('edu_tarification.act_list_form')

    def do_create_(self, action):
        TList = Pool().get('edu.tarification.list')
        tlist = TList.make(self.start.company, self.start.date, 'annual',
            teachers(self.start.company, self.start.date))
        action['res_id'] = [tlist.id]
        action['views'].reverse()
        return action, {}


class RecomputeStart(ModelView):
    "Recompute Tarification"
    __name__ = 'edu.tarification.recompute.start'
    __string__ = "Recompute Tarification"

    company = fields.Many2One('company.company', "Organisation",
        required=True)
    date = fields.Date("From", required=True,
        help="The date from which the new rates apply.")

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_date():
        return dt.date.today()


class Recompute(Wizard):
    """Recompute Tarification

    Compares every teacher's current approved line with the figures at the
    date (category, coefficient i.e. band of years of service and education,
    БДО, weekly load, class supervision) and puts the teachers that differ,
    or have no line, on a new 'change' list from the date."""
    __name__ = 'edu.tarification.recompute'

    start = StateView('edu.tarification.recompute.start',
        'edu_tarification.recompute_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Recompute", 'recompute', 'tryton-ok', default=True),
            ])
    recompute = StateAction('edu_tarification.act_list_form')

    COMPARED = ('category', 'coefficient', 'bdo', 'weekly_hours',
        'education_level', 'class_teacher', 'block', 'norm')

    @classmethod
    def changed(cls, company, date):
        """Return the employees whose figures at date differ from their
        current approved line"""
        pool = Pool()
        Line = pool.get('edu.tarification.line')
        employees = teachers(company, date)
        current = {}
        for line in Line.search([
                    ('company', '=', company.id),
                    ('employee', 'in', [e.id for e in employees]),
                    ('list.state', '=', 'approved'),
                    ('date_from', '<=', date),
                    ['OR', ('date_to', '=', None), ('date_to', '>=', date)],
                    ]):
            current[line.employee.id] = line
        values = Line.tarify(company, [e.id for e in employees], date,
            entered={e: l.weekly_hours for e, l in current.items()})
        result = []
        for employee in employees:
            line = current.get(employee.id)
            new = values[employee.id]
            if line is None or any(
                    _differs(getattr(line, n), new[n]) for n in cls.COMPARED):
                result.append(employee)
        return result

    def do_recompute(self, action):
        TList = Pool().get('edu.tarification.list')
        company, date = self.start.company, self.start.date
        employees = self.changed(company, date)
        if not employees:
            raise TarificationError(gettext(
                'edu_tarification.msg_nothing_changed',
                date=date.strftime('%d.%m.%Y')))
        tlist = TList.make(company, date, 'change', employees)
        action['res_id'] = [tlist.id]
        action['views'].reverse()
        return action, {}


def _differs(old, new):
    if hasattr(old, 'id'):
        old = old.id
    if old is None and new is None:
        return False
    if old is None or new is None:
        return not (old in (False, None) and new in (False, None))
    try:
        return float(old) != float(new)
    except (TypeError, ValueError):
        return old != new
