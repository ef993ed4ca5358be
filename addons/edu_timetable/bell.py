# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Bell schedules: the times of the lessons of a shift (R27.8)."""
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.transaction import Transaction

from .exceptions import BellValidationError


def format_time(value):
    return value.strftime('%H:%M') if value else ''


class BellSchedule(DeactivableMixin, ModelSQL, ModelView):
    "Bell Schedule"
    __name__ = 'edu.bell.schedule'
    __string__ = "Bell Schedule"

    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    shift = fields.Integer(
        "Shift", required=True,
        domain=[('shift', '>=', 1), ('shift', '<=', 3)])
    bells = fields.One2Many('edu.bell', 'schedule', "Bells")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('shift', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_shift(cls):
        return 1


class Bell(ModelSQL, ModelView):
    "Bell"
    __name__ = 'edu.bell'
    __string__ = "Bell"

    schedule = fields.Many2One(
        'edu.bell.schedule', "Schedule", required=True, ondelete='CASCADE')
    company = fields.Function(
        fields.Many2One('company.company', "Organisation"),
        'on_change_with_company', searcher='search_company')
    number = fields.Integer(
        "Lesson", required=True, domain=[('number', '>=', 0)],
        help="The number of the lesson in the day.")
    start_time = fields.Time("Start", required=True, format='%H:%M')
    end_time = fields.Time("End", required=True, format='%H:%M')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('schedule_number_uniq', Unique(t, t.schedule, t.number),
                'edu_timetable.msg_bell_number_unique'),
            ]
        cls._order = [('schedule', 'ASC'), ('start_time', 'ASC'),
            ('id', 'ASC')]

    @fields.depends('schedule', '_parent_schedule.company')
    def on_change_with_company(self, name=None):
        return self.schedule.company if self.schedule else None

    @classmethod
    def search_company(cls, name, clause):
        return [('schedule.' + clause[0],) + tuple(clause[1:])]

    def get_rec_name(self, name):
        return '%s (%s–%s)' % (self.number, format_time(self.start_time),
            format_time(self.end_time))

    @classmethod
    def search_rec_name(cls, name, clause):
        try:
            number = int(clause[2].strip('%'))
        except (TypeError, ValueError, AttributeError):
            return [('schedule.name',) + tuple(clause[1:])]
        return [('number', '=', number)]

    @classmethod
    def validate_fields(cls, bells, field_names):
        super().validate_fields(bells, field_names)
        cls.check_times(bells, field_names)

    @classmethod
    def check_times(cls, bells, field_names=None):
        """A bell starts before it ends and no two bells of a schedule
        overlap (R27.8); one read of the schedules' bells"""
        if field_names and not (field_names
                & {'start_time', 'end_time', 'schedule'}):
            return
        for bell in bells:
            if bell.start_time >= bell.end_time:
                raise BellValidationError(gettext(
                        'edu_timetable.msg_bell_times',
                        bell=bell.rec_name,
                        schedule=bell.schedule.rec_name))
        schedules = {b.schedule.id for b in bells}
        others = cls.search([('schedule', 'in', list(schedules))],
            order=[('schedule', 'ASC'), ('start_time', 'ASC')])
        previous = None
        for bell in others:
            if (previous and previous.schedule == bell.schedule
                    and bell.start_time < previous.end_time):
                raise BellValidationError(gettext(
                        'edu_timetable.msg_bell_overlap',
                        bell=bell.rec_name, other=previous.rec_name,
                        schedule=bell.schedule.rec_name))
            if (not previous or previous.schedule != bell.schedule
                    or bell.end_time > previous.end_time):
                previous = bell
