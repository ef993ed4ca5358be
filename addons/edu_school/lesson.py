# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Dated lessons (R27.9, R27.12).

A lesson is one occurrence of a weekly timetable slot on a date (or a lesson
entered by hand): class, subject, teacher, times and room, the topic, its
state.  ``Lesson.generate`` builds the lessons of a timetable for a date
range from its slots and the substitutions of the days, skipping the days
outside the academic periods (holidays) and the days already generated (one
lesson per slot and date).  The period of a lesson follows from its date;
nothing is changed in a closed period.

``Lesson.diary`` is the learner's diary (the portal reads it): per day the
lessons with their times, room, topic, attendance and mark; other modules
add to each lesson's dict by extending ``_diary_lesson``.
"""
import datetime as dt
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.rpc import RPC
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import LessonValidationError

SUBGROUPS = [
    (None, ""),
    ('1', "Subgroup 1"),
    ('2', "Subgroup 2"),
    ]
LESSON_STATES = [
    ('planned', "Planned"),
    ('held', "Held"),
    ('cancelled', "Cancelled"),
    ]
BATCH = 1000
# records created per call: Tryton checks the ids of each instance of a
# batch, the cost grows with the square of the batch
CREATE_BATCH = 200


def daterange(start, end):
    "Yield the dates from start to end included"
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def periods_by_date(company_id, start, end):
    """Return {date: period} of the organisation's academic periods between
    start and end: the dates missing are holidays (one search)"""
    Period = Pool().get('edu.academic.period')
    result = {}
    for period in Period.search([
                ('company', '=', company_id),
                ('start_date', '<=', end),
                ('end_date', '>=', start),
                ]):
        for day in daterange(
                max(start, period.start_date), min(end, period.end_date)):
            result[day] = period
    return result


class Lesson(Workflow, ModelSQL, ModelView):
    "Lesson"
    __name__ = 'edu.lesson'
    __string__ = "Lesson"
    _states = {'readonly': Eval('state') == 'cancelled'}

    company = fields.Many2One(
        'company.company', "Organisation", required=True,
        ondelete='CASCADE', states=_states)
    date = fields.Date("Date", required=True, states=_states)
    period = fields.Many2One(
        'edu.academic.period', "Period", readonly=True, ondelete='RESTRICT',
        help="The academic period of the date.")
    slot = fields.Many2One(
        'edu.timetable.slot', "Timetable Slot", readonly=True,
        ondelete='SET NULL',
        help="The weekly lesson of the timetable this lesson comes from.")
    class_ = fields.Many2One(
        'edu.class', "Class", required=True, ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))], states=_states)
    subject = fields.Many2One(
        'edu.subject', "Subject", required=True, ondelete='RESTRICT',
        states=_states)
    teacher = fields.Many2One(
        'party.party', "Teacher", ondelete='RESTRICT',
        domain=[('is_staff', '=', True)], states=_states,
        help="The teacher who gives the lesson (the substitute if any); "
        "the teacher fills the journal of the lesson.")
    subgroup = fields.Selection(SUBGROUPS, "Subgroup", states=_states)
    bell = fields.Many2One(
        'edu.bell', "Bell", ondelete='SET NULL', states=_states)
    start_time = fields.Time("Start", format='%H:%M', states=_states)
    end_time = fields.Time("End", format='%H:%M', states=_states)
    room = fields.Many2One(
        'edu.room', "Room", ondelete='SET NULL',
        domain=[('company', '=', Eval('company', -1))], states=_states)
    topic = fields.Char("Topic", states=_states)
    substitution = fields.Boolean(
        "Substitution", readonly=True,
        help="Given by a substitute teacher.")
    state = fields.Selection(
        LESSON_STATES, "State", readonly=True, required=True, sort=False)
    entries = fields.One2Many(
        'edu.journal.entry', 'lesson', "Journal",
        states={'readonly': Eval('state') == 'cancelled'})
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('slot_date_unique', Unique(t, t.slot, t.date),
                'edu_school.msg_lesson_slot_date_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.class_, Index.Range()), (t.date, Index.Range())),
                Index(t, (t.teacher, Index.Range()), (t.date, Index.Range())),
                Index(t, (t.period, Index.Range()),
                    (t.subject, Index.Range())),
                })
        cls._order = [('date', 'ASC'), ('start_time', 'ASC'),
            ('id', 'ASC')]
        cls.__rpc__.update({
                'diary': RPC(),
                })
        cls._transitions |= {
            ('planned', 'held'),
            ('planned', 'cancelled'),
            ('held', 'planned'),
            ('cancelled', 'planned'),
            }
        cls._buttons.update({
                'hold': {
                    'invisible': Eval('state') != 'planned',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'planned',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'plan': {
                    'invisible': Eval('state') == 'planned',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'planned'

    @classmethod
    def default_substitution(cls):
        return False

    @fields.depends('bell')
    def on_change_bell(self):
        if self.bell:
            self.start_time = self.bell.start_time
            self.end_time = self.bell.end_time

    @fields.depends('company', 'date')
    def on_change_date(self):
        Period = Pool().get('edu.academic.period')
        self.period = None
        if self.company and self.date:
            self.period = Period.find(self.company.id, self.date)

    def get_rec_name(self, name):
        return '%s %s %s' % (
            self.date, self.class_.rec_name, self.subject.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('class_.rec_name', operator, operand, *extra),
            ('subject.rec_name', operator, operand, *extra),
            ('topic', operator, operand, *extra),
            ]

    # -- period of the date; nothing changes in a closed period -----------
    @classmethod
    def _set_periods(cls, vlist):
        """Fill the period of values from their company and date, one
        search per organisation and date range"""
        wanted = defaultdict(list)
        for values in vlist:
            if values.get('date') and values.get('company') and (
                    'period' not in values):
                wanted[values['company']].append(values)
        for company_id, values_list in wanted.items():
            dates = [v['date'] for v in values_list]
            by_date = periods_by_date(company_id, min(dates), max(dates))
            for values in values_list:
                period = by_date.get(values['date'])
                values['period'] = period.id if period else None

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Class = pool.get('edu.class')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if not values.get('company') and values.get('class_'):
                values['company'] = Class(values['class_']).company.id
        cls._set_periods(vlist)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        args = []
        for lessons, values in zip(actions, actions):
            if 'date' in values and 'period' not in values:
                # one write per lesson: the period depends on the company
                for lesson in lessons:
                    new = {**values, 'company': values.get(
                            'company', lesson.company.id)}
                    cls._set_periods([new])
                    args.extend([[lesson], new])
            else:
                args.extend([lessons, values])
        super().write(*args)

    @classmethod
    def check_modification(cls, mode, lessons, values=None, external=False):
        "Refuse any change of a lesson of a closed period (R27.12)"
        super().check_modification(
            mode, lessons, values=values, external=external)
        Period = Pool().get('edu.academic.period')
        by_company = defaultdict(set)
        for lesson in lessons:
            by_company[lesson.company.id].add(lesson.date)
            if values and values.get('date'):
                by_company[lesson.company.id].add(values['date'])
        for company_id, dates in by_company.items():
            Period.check_open(company_id, dates)

    @classmethod
    def validate_fields(cls, lessons, field_names):
        super().validate_fields(lessons, field_names)
        if field_names and not (field_names & {
                    'date', 'period', 'class_', 'start_time', 'end_time'}):
            return
        for lesson in lessons:
            if not lesson.period:
                raise LessonValidationError(gettext(
                        'edu_school.msg_lesson_no_period',
                        lesson=lesson.rec_name, date=lesson.date))
            if lesson.class_.company != lesson.company:
                raise LessonValidationError(gettext(
                        'edu_school.msg_lesson_class_company',
                        lesson=lesson.rec_name))
            if (lesson.start_time and lesson.end_time
                    and lesson.start_time >= lesson.end_time):
                raise LessonValidationError(gettext(
                        'edu_school.msg_lesson_times',
                        lesson=lesson.rec_name))

    # -- workflow ---------------------------------------------------------
    @classmethod
    @ModelView.button
    @Workflow.transition('held')
    def hold(cls, lessons):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, lessons):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('planned')
    def plan(cls, lessons):
        pass

    # -- generation from the timetable (R27.8 → R27.12) --------------------
    @classmethod
    def generate(cls, timetable, start, end):
        """Create the lessons of timetable from start to end (clipped to the
        timetable's dates): one per slot and school day inside an academic
        period, with the substitute teacher and room of the day's
        substitution; days already generated and closed periods are
        skipped.  Returns the number of lessons created."""
        pool = Pool()
        Substitution = pool.get('edu.substitution')
        start = max(start, timetable.start_date)
        end = min(end, timetable.end_date)
        if start > end or not timetable.slots:
            return 0
        company_id = timetable.company.id
        slots_by_day = defaultdict(list)
        for slot in timetable.slots:
            slots_by_day[int(slot.weekday)].append(slot)
        slot_ids = [s.id for s in timetable.slots]
        by_date = periods_by_date(company_id, start, end)
        substitutions = {}
        for substitution in Substitution.search([
                    ('company', '=', company_id),
                    ('date', '>=', start),
                    ('date', '<=', end),
                    ('slot', 'in', slot_ids),
                    ]):
            substitutions[substitution.slot.id, substitution.date] = (
                substitution)
        done = cls._existing(slot_ids, start, end)

        vlist = []
        for day in daterange(start, end):
            period = by_date.get(day)
            if not period or period.state != 'open':
                continue
            for slot in slots_by_day.get(day.weekday(), []):
                if (slot.id, day) in done:
                    continue
                values = cls._lesson_values(
                    slot, day, period, substitutions.get((slot.id, day)))
                vlist.append(values)
        for i in range(0, len(vlist), CREATE_BATCH):
            cls.create(vlist[i:i + CREATE_BATCH])
        return len(vlist)

    @classmethod
    def _existing(cls, slot_ids, start, end):
        "Return the set of (slot id, date) already generated"
        lesson = cls.__table__()
        cursor = Transaction().connection.cursor()
        done = set()
        for i in range(0, len(slot_ids), BATCH):
            cursor.execute(*lesson.select(lesson.slot, lesson.date,
                    where=lesson.slot.in_(slot_ids[i:i + BATCH])
                    & (lesson.date >= start) & (lesson.date <= end)))
            for slot_id, date in cursor:
                if isinstance(date, str):
                    date = dt.date.fromisoformat(date)
                done.add((slot_id, date))
        return done

    @classmethod
    def _lesson_values(cls, slot, date, period, substitution=None):
        "Return the values of the lesson of slot on date"
        teacher = slot.teacher
        room = slot.room
        if substitution:
            teacher = substitution.substitute or teacher
            room = substitution.room or room
        return {
            'company': slot.timetable.company.id,
            'date': date,
            'period': period.id,
            'slot': slot.id,
            'class_': slot.class_.id,
            'subject': slot.subject.id,
            'teacher': teacher.id if teacher else None,
            'subgroup': slot.subgroup,
            'bell': slot.bell.id if slot.bell else None,
            'start_time': slot.bell.start_time if slot.bell else None,
            'end_time': slot.bell.end_time if slot.bell else None,
            'room': room.id if room else None,
            'substitution': bool(substitution),
            'state': 'planned',
            }

    # -- the learner's diary -----------------------------------------------
    @classmethod
    def diary(cls, learner_id, start, end):
        """Return the diary of the learner from start to end: a list of
        ``{'date', 'lessons': [...]}`` per school day, each lesson a dict
        built by ``_diary_lesson`` (subject, times, room, topic,
        attendance, mark).  Record rules apply: a learner reads the own
        diary, a parent the children's (R27.12, R27.18)."""
        pool = Pool()
        Enrolment = pool.get('edu.class.enrolment')
        Entry = pool.get('edu.journal.entry')
        enrolments = Enrolment.search([
                ('learner', '=', learner_id),
                ('start_date', '<=', end),
                ['OR',
                    ('end_date', '=', None),
                    ('end_date', '>=', start),
                    ],
                ])
        if not enrolments:
            return []
        domain = ['OR']
        for enrolment in enrolments:
            clause = [
                ('class_', '=', enrolment.class_.id),
                ('date', '>=', max(start, enrolment.start_date)),
                ('date', '<=', min(end, enrolment.end_date or end)),
                ]
            if enrolment.subgroup:
                clause.append(['OR',
                        ('subgroup', '=', None),
                        ('subgroup', '=', enrolment.subgroup),
                        ])
            domain.append(clause)
        lessons = cls.search([domain, ('state', '!=', 'cancelled')])
        entries = {e.lesson.id: e for e in Entry.search([
                    ('learner', '=', learner_id),
                    ('lesson', 'in', [l.id for l in lessons]),
                    ])}
        days = {}
        for lesson in lessons:
            day = days.setdefault(
                lesson.date, {'date': lesson.date, 'lessons': []})
            day['lessons'].append(
                cls._diary_lesson(lesson, entries.get(lesson.id)))
        return [days[d] for d in sorted(days)]

    @classmethod
    def _diary_lesson(cls, lesson, entry):
        "Return the dict of lesson in the diary; extended by other modules"
        return {
            'id': lesson.id,
            'subject': lesson.subject.rec_name,
            'start_time': lesson.start_time,
            'end_time': lesson.end_time,
            'room': lesson.room.rec_name if lesson.room else None,
            'teacher': lesson.teacher.rec_name if lesson.teacher else None,
            'topic': lesson.topic,
            'state': lesson.state,
            'attendance': entry.attendance if entry else None,
            'mark': entry.mark if entry else None,
            'comment': entry.comment if entry else None,
            }


class LessonGenerateStart(ModelView):
    "Generate Lessons"
    __name__ = 'edu.lesson.generate.start'
    __string__ = "Generate Lessons"

    timetable = fields.Many2One(
        'edu.timetable', "Timetable", required=True,
        domain=[('state', '=', 'active')])
    start_date = fields.Date(
        "From", required=True,
        domain=[If(Eval('end_date'),
                ('start_date', '<=', Eval('end_date')), ())])
    end_date = fields.Date(
        "To", required=True,
        domain=[If(Eval('start_date'),
                ('end_date', '>=', Eval('start_date')), ())])

    @fields.depends('timetable', 'start_date', 'end_date')
    def on_change_timetable(self):
        if self.timetable:
            self.start_date = self.start_date or self.timetable.start_date
            self.end_date = self.end_date or self.timetable.end_date


class LessonGenerate(Wizard):
    "Generate Lessons"
    __name__ = 'edu.lesson.generate'
    start = StateView('edu.lesson.generate.start',
        'edu_school.lesson_generate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Generate", 'generate', 'tryton-ok', default=True),
            ])
    generate = StateTransition()

    def default_start(self, fields):
        if self.model and self.model.__name__ == 'edu.timetable' and (
                self.record):
            return {
                'timetable': self.record.id,
                'start_date': self.record.start_date,
                'end_date': self.record.end_date,
                }
        return {}

    def transition_generate(self):
        Lesson = Pool().get('edu.lesson')
        Lesson.generate(
            self.start.timetable, self.start.start_date, self.start.end_date)
        return 'end'


class Substitution(metaclass=PoolMeta):
    __name__ = 'edu.substitution'

    @classmethod
    def on_modification(cls, mode, substitutions, field_names=None):
        """The lessons already generated follow their substitutions: the
        substitute gives the lesson and fills its journal (R27.18)"""
        super().on_modification(mode, substitutions, field_names=field_names)
        if mode == 'write' and field_names is not None and not (
                field_names & {'date', 'slot', 'substitute', 'room'}):
            return
        Lesson = Pool().get('edu.lesson')
        keys = {(s.slot.id, s.date): s for s in substitutions}
        if not keys:
            return
        lessons = Lesson.search([
                ('slot', 'in', list({k[0] for k in keys})),
                ('date', 'in', list({k[1] for k in keys})),
                ])
        to_write = []
        for lesson in lessons:
            substitution = keys.get((lesson.slot.id, lesson.date))
            if not substitution:
                continue
            slot = lesson.slot
            if mode == 'delete':
                values = {
                    'teacher': slot.teacher.id if slot.teacher else None,
                    'room': slot.room.id if slot.room else None,
                    'substitution': False,
                    }
            else:
                room = substitution.room or slot.room
                values = {
                    'teacher': substitution.substitute.id,
                    'room': room.id if room else None,
                    'substitution': True,
                    }
            to_write.extend([[lesson], values])
        if to_write:
            Lesson.write(*to_write)
