# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Weekly timetables of an academic year (R27.8)."""
from sql.aggregate import Count

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import TimetableValidationError


class Timetable(Workflow, ModelSQL, ModelView):
    "Timetable"
    __name__ = 'edu.timetable'
    __string__ = "Timetable"

    _states = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE',
        states=_states)
    year = fields.Many2One(
        'edu.academic.year', "Academic Year", required=True,
        ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))], states=_states)
    name = fields.Char("Name", required=True)
    start_date = fields.Date(
        "Start Date", required=True,
        domain=[If(Eval('end_date'),
                ('start_date', '<=', Eval('end_date')), ())],
        states=_states)
    end_date = fields.Date(
        "End Date", required=True,
        domain=[If(Eval('start_date'),
                ('end_date', '>=', Eval('start_date')), ())],
        states=_states)
    state = fields.Selection([
            ('draft', "Draft"),
            ('active', "Active"),
            ], "State", readonly=True, required=True, sort=False)
    slots = fields.One2Many(
        'edu.timetable.slot', 'timetable', "Lessons",
        states=_states)
    slot_count = fields.Function(
        fields.Integer("Lessons per Week"), 'get_slot_count')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'active'),
            ('active', 'draft'),
            }
        cls._buttons.update({
                'activate': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'active',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @fields.depends('year', 'start_date', 'end_date')
    def on_change_year(self):
        if self.year:
            if not self.start_date:
                self.start_date = self.year.start_date
            if not self.end_date:
                self.end_date = self.year.end_date

    @classmethod
    def get_slot_count(cls, timetables, name):
        Slot = Pool().get('edu.timetable.slot')
        slot = Slot.__table__()
        cursor = Transaction().connection.cursor()
        result = {t.id: 0 for t in timetables}
        cursor.execute(*slot.select(slot.timetable, Count(slot.id),
                where=slot.timetable.in_(list(result)),
                group_by=[slot.timetable]))
        result.update(dict(cursor))
        return result

    @classmethod
    def validate_fields(cls, timetables, field_names):
        super().validate_fields(timetables, field_names)
        if field_names and not (
                field_names & {'start_date', 'end_date', 'year'}):
            return
        for timetable in timetables:
            year = timetable.year
            if ((year.start_date and timetable.start_date < year.start_date)
                    or (year.end_date
                        and timetable.end_date > year.end_date)):
                raise TimetableValidationError(gettext(
                        'edu_timetable.msg_timetable_outside_year',
                        timetable=timetable.rec_name, year=year.rec_name))

    @classmethod
    def write(cls, *args):
        super().write(*args)
        # the dates decide which timetables overlap: check the lessons again
        actions = iter(args)
        changed = []
        for timetables, values in zip(actions, actions):
            if {'start_date', 'end_date', 'state'} & set(values):
                changed.extend(timetables)
        if changed:
            Slot = Pool().get('edu.timetable.slot')
            Slot.check_conflicts(sum((list(t.slots) for t in changed), []))

    @classmethod
    @ModelView.button
    @Workflow.transition('active')
    def activate(cls, timetables):
        "Put the timetables in force: lessons are generated from them"
        AuditEntry = Pool().get('edu.audit.entry')
        AuditEntry.log_action('edu.timetable.activate', timetables,
            description="timetable activated")

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, timetables):
        AuditEntry = Pool().get('edu.audit.entry')
        AuditEntry.log_action('edu.timetable.draft', timetables,
            description="timetable back to draft")

    @classmethod
    def copy(cls, timetables, default=None):
        default = {} if default is None else default.copy()
        default.setdefault('state', 'draft')
        # the lessons of a copy would collide with the original's until
        # the copy gets its own dates
        default.setdefault('slots', None)
        return super().copy(timetables, default=default)
