# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The weekly lessons of a timetable and the refusal of double bookings
(R27.8).

A teacher, a room or a class cannot be at two lessons on the same weekday
at overlapping bell times, in timetables of the organisation whose dates
overlap (draft or active).  A class holds two lessons at once only when
they are for different subgroups (a split subject).  The check is one SQL
query for a whole batch of lessons (per chunk of ``MAX_QUERY_PARAMS`` ids:
200 on SQLite, 50 000 on PostgreSQL), so that a generated timetable of a
thousand lessons is checked at once.
"""
from sql import Null
from sql.conditionals import Coalesce

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .exceptions import SlotConflictError

WEEKDAYS = [
    ('0', "Monday"),
    ('1', "Tuesday"),
    ('2', "Wednesday"),
    ('3', "Thursday"),
    ('4', "Friday"),
    ('5', "Saturday"),
    ]
SUBGROUPS = [
    (None, ""),
    ('1', "Subgroup 1"),
    ('2', "Subgroup 2"),
    ]
# the timetables whose lessons can collide
BOOKING_STATES = ['draft', 'active']


class Slot(ModelSQL, ModelView):
    "Timetable Lesson"
    __name__ = 'edu.timetable.slot'
    __string__ = "Timetable Lesson"

    timetable = fields.Many2One(
        'edu.timetable', "Timetable", required=True, ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))])
    company = fields.Many2One(
        'company.company', "Organisation", required=True, readonly=True,
        ondelete='CASCADE')
    weekday = fields.Selection(WEEKDAYS, "Weekday", required=True,
        sort=False)
    weekday_string = weekday.translated('weekday')
    bell = fields.Many2One(
        'edu.bell', "Lesson", required=True, ondelete='RESTRICT',
        domain=[('schedule.company', '=', Eval('company', -1))])
    start_time = fields.Function(
        fields.Time("Start", format='%H:%M'), 'get_bell_time')
    end_time = fields.Function(
        fields.Time("End", format='%H:%M'), 'get_bell_time')
    class_ = fields.Many2One(
        'edu.class', "Class", required=True, ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))])
    subject = fields.Many2One(
        'edu.subject', "Subject", required=True, ondelete='RESTRICT',
        domain=['OR',
            ('company', '=', None),
            ('company', '=', Eval('company', -1)),
            ])
    teacher = fields.Many2One(
        'party.party', "Teacher", ondelete='RESTRICT',
        domain=[
            ('is_staff', '=', True),
            ('organisation', '=', Eval('company', -1)),
            ])
    room = fields.Many2One(
        'edu.room', "Room", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    subgroup = fields.Selection(SUBGROUPS, "Subgroup")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t, (t.company, Index.Range()),
                (t.weekday, Index.Equality())))
        cls._order = [('timetable', 'ASC'), ('weekday', 'ASC'),
            ('bell.start_time', 'ASC'), ('class_', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @fields.depends('timetable', '_parent_timetable.company')
    def on_change_timetable(self):
        if self.timetable:
            self.company = self.timetable.company

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('timetable') and (
                mode == 'write' or not values.get('company')):
            Timetable = Pool().get('edu.timetable')
            values['company'] = Timetable(values['timetable']).company.id
        return values

    @classmethod
    def get_bell_time(cls, slots, names):
        result = {n: {} for n in names}
        for slot in slots:
            for name in names:
                result[name][slot.id] = getattr(slot.bell, name)
        return result

    @classmethod
    def get_rec_name(cls, slots, name):
        """Return "Monday 2 (08:50–09:35), 7 А Математика (Subgroup 1) —
        teacher, room" per lesson; the names of the bells, classes,
        subjects, teachers and rooms are computed once for the batch
        (Tryton reads the name of every created lesson to validate it)"""
        names = {}

        def name_of(record):
            if not record:
                return ''
            key = (record.__name__, record.id)
            if key not in names:
                names[key] = record.rec_name
            return names[key]
        result = {}
        for slot in slots:
            label = '%s %s, %s %s' % (slot.weekday_string,
                name_of(slot.bell), name_of(slot.class_),
                name_of(slot.subject))
            if slot.subgroup:
                label += ' (%s)' % slot.subgroup_string
            if slot.teacher:
                label += ' — %s' % name_of(slot.teacher)
            if slot.room:
                label += ', %s' % name_of(slot.room)
            result[slot.id] = label
        return result

    subgroup_string = subgroup.translated('subgroup')

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('class_.rec_name', operator, value),
            ('subject.rec_name', operator, value),
            ('teacher.rec_name', operator, value),
            ]

    @classmethod
    def validate(cls, slots):
        super().validate(slots)
        cls.check_conflicts(slots)

    @classmethod
    def conflicts(cls, slots):
        """Return the conflicts of the slots as a list of
        (slot id, other slot id, kind) with kind 'teacher', 'room' or
        'class', in one query per chunk of slots (R27.8)"""
        pool = Pool()
        Timetable = pool.get('edu.timetable')
        Bell = pool.get('edu.bell')
        s1, s2 = cls.__table__(), cls.__table__()
        t1, t2 = Timetable.__table__(), Timetable.__table__()
        b1, b2 = Bell.__table__(), Bell.__table__()
        cursor = Transaction().connection.cursor()

        same_teacher = (s1.teacher != Null) & (s1.teacher == s2.teacher)
        same_room = (s1.room != Null) & (s1.room == s2.room)
        split = ((Coalesce(s1.subgroup, '') != '')
            & (Coalesce(s2.subgroup, '') != '')
            & (s1.subgroup != s2.subgroup))
        same_class = (s1.class_ == s2.class_) & ~split
        query = (s1
            .join(t1, condition=t1.id == s1.timetable)
            .join(b1, condition=b1.id == s1.bell)
            .join(s2, condition=(s2.company == s1.company)
                & (s2.weekday == s1.weekday) & (s2.id != s1.id))
            .join(t2, condition=t2.id == s2.timetable)
            .join(b2, condition=b2.id == s2.bell))
        result = []
        for sub_ids in grouped_slice(
                [s.id for s in slots], backend.MAX_QUERY_PARAMS):
            cursor.execute(*query.select(
                    s1.id, s2.id, s1.teacher, s2.teacher, s1.room, s2.room,
                    s1.class_, s2.class_, s1.subgroup, s2.subgroup,
                    where=reduce_ids(s1.id, sub_ids)
                    & t1.state.in_(BOOKING_STATES)
                    & t2.state.in_(BOOKING_STATES)
                    & (t1.start_date <= t2.end_date)
                    & (t2.start_date <= t1.end_date)
                    & (b1.start_time < b2.end_time)
                    & (b2.start_time < b1.end_time)
                    & (same_teacher | same_room | same_class),
                    order_by=[s1.id.asc, s2.id.asc]))
            for (id1, id2, teacher1, teacher2, room1, room2, class1, class2,
                    subgroup1, subgroup2) in cursor:
                if teacher1 and teacher1 == teacher2:
                    kind = 'teacher'
                elif room1 and room1 == room2:
                    kind = 'room'
                else:
                    kind = 'class'
                result.append((id1, id2, kind))
        return result

    @classmethod
    def check_conflicts(cls, slots):
        "Refuse a teacher, a room or a class booked twice (R27.8)"
        if not slots:
            return
        found = cls.conflicts(slots)
        if not found:
            return
        # the teacher first, then the room, then the class
        rank = {'teacher': 0, 'room': 1, 'class': 2}
        slot_id, other_id, kind = min(
            found, key=lambda c: (c[0], rank[c[2]], c[1]))
        slot, other = cls(slot_id), cls(other_id)
        values = {
            'slot': slot.rec_name,
            'other': other.rec_name,
            'timetable': other.timetable.rec_name,
            'weekday': slot.weekday_string,
            'bell': slot.bell.rec_name,
            }
        if kind == 'teacher':
            message = 'edu_timetable.msg_slot_teacher_busy'
            values['teacher'] = slot.teacher.rec_name
        elif kind == 'room':
            message = 'edu_timetable.msg_slot_room_busy'
            values['room'] = slot.room.rec_name
        else:
            message = 'edu_timetable.msg_slot_class_busy'
            values['class_'] = slot.class_.rec_name
        raise SlotConflictError(gettext(message, **values))
