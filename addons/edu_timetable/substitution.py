# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Substitutions: on a date, a lesson of the timetable is given by another
teacher, possibly in another room (R27.8), and the effective lessons of a
day that the portal shows and from which dated lessons are generated."""
import datetime as dt
from collections import namedtuple

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access

from .exceptions import SubstitutionValidationError
from .slot import SUBGROUPS


class EffectiveLesson(namedtuple('EffectiveLesson', 'slot teacher room')):
    """A lesson of a day: ``(slot, teacher, room)`` after substitutions;
    also gives ``substitution`` (or None), ``date``, ``bell``,
    ``start_time``, ``end_time``, ``class_``, ``subject`` and
    ``subgroup``."""
    substitution = None
    date = None

    @property
    def bell(self):
        return self.slot.bell

    @property
    def start_time(self):
        return self.slot.bell.start_time

    @property
    def end_time(self):
        return self.slot.bell.end_time

    @property
    def class_(self):
        return self.slot.class_

    @property
    def subject(self):
        return self.slot.subject

    @property
    def subgroup(self):
        return self.slot.subgroup

    @property
    def start(self):
        return dt.datetime.combine(self.date, self.start_time)

    @property
    def end(self):
        return dt.datetime.combine(self.date, self.end_time)


class Substitution(ModelSQL, ModelView):
    "Substitution"
    __name__ = 'edu.substitution'
    __string__ = "Substitution"

    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    slot = fields.Many2One(
        'edu.timetable.slot', "Lesson", required=True, ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))],
        help="The lesson of the timetable that is substituted.")
    teacher = fields.Function(
        fields.Many2One('party.party', "Absent Teacher"), 'get_slot_field')
    class_ = fields.Function(
        fields.Many2One('edu.class', "Class"), 'get_slot_field')
    subject = fields.Function(
        fields.Many2One('edu.subject', "Subject"), 'get_slot_field')
    bell = fields.Function(
        fields.Many2One('edu.bell', "Bell"), 'get_slot_field')
    subgroup = fields.Function(
        fields.Selection(SUBGROUPS, "Subgroup"), 'get_slot_field')
    substitute = fields.Many2One(
        'party.party', "Substitute", required=True, ondelete='RESTRICT',
        domain=[
            ('is_staff', '=', True),
            ('organisation', '=', Eval('company', -1)),
            ])
    room = fields.Many2One(
        'edu.room', "Room", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        help="Empty to keep the room of the timetable.")
    reason = fields.Selection([
            ('illness', "Illness"),
            ('training', "Training Course"),
            ('business_trip', "Business Trip"),
            ('leave', "Leave"),
            ('other', "Other"),
            ], "Reason", required=True)
    note = fields.Char("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('slot_date_uniq', Unique(t, t.slot, t.date),
                'edu_timetable.msg_substitution_unique'),
            ]
        cls._sql_indexes.add(Index(
                t, (t.company, Index.Range()), (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls.__rpc__.update({
                'day_lessons': RPC(),
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_reason(cls):
        return 'illness'

    @classmethod
    def get_slot_field(cls, substitutions, names):
        result = {n: {} for n in names}
        for substitution in substitutions:
            slot = substitution.slot
            for name in names:
                value = getattr(slot, name)
                if isinstance(value, ModelSQL):
                    value = value.id
                result[name][substitution.id] = value
        return result

    def get_rec_name(self, name):
        return '%s %s → %s' % (self.date.strftime('%d.%m.%Y'),
            self.slot.rec_name, self.substitute.rec_name)

    @classmethod
    def lessons_on(cls, company_id, date):
        """Return the effective lessons of the organisation on date, from
        its active timetables and the substitutions of the day, as a list
        of :class:`EffectiveLesson` ordered by time and class (R27.8).

        Record rules apply: a learner gets the lessons of the own class.
        Two queries whatever the number of lessons."""
        pool = Pool()
        Slot = pool.get('edu.timetable.slot')
        if date.weekday() > 5:
            return []
        slots = Slot.search([
                ('company', '=', company_id),
                ('weekday', '=', str(date.weekday())),
                ('timetable.state', '=', 'active'),
                ('timetable.start_date', '<=', date),
                ('timetable.end_date', '>=', date),
                ])
        substitutions = {s.slot.id: s for s in cls.search([
                    ('company', '=', company_id),
                    ('date', '=', date),
                    ('slot', 'in', [s.id for s in slots]),
                    ])}
        lessons = []
        for slot in slots:
            substitution = substitutions.get(slot.id)
            if substitution:
                lesson = EffectiveLesson(slot, substitution.substitute,
                    substitution.room or slot.room)
                lesson.substitution = substitution
            else:
                lesson = EffectiveLesson(slot, slot.teacher, slot.room)
            lesson.date = date
            lessons.append(lesson)
        lessons.sort(key=lambda l: (l.start_time, l.class_.rec_name,
                l.subgroup or '', l.slot.id))
        return lessons

    @classmethod
    def day_lessons(cls, company_id, date):
        """Return the effective lessons of the day as a list of dicts of
        ids and times (for the clients: the portal, the REST API)"""
        if isinstance(date, str):
            date = dt.date.fromisoformat(date)
        return [{
                'slot': l.slot.id,
                'date': date,
                'bell': l.bell.number,
                'start_time': l.start_time,
                'end_time': l.end_time,
                'class_': l.class_.id,
                'subject': l.subject.id,
                'subgroup': l.subgroup,
                'teacher': l.teacher.id if l.teacher else None,
                'room': l.room.id if l.room else None,
                'substitution': (
                    l.substitution.id if l.substitution else None),
                } for l in cls.lessons_on(company_id, date)]

    @classmethod
    def validate(cls, substitutions):
        super().validate(substitutions)
        cls.check_substitutions(substitutions)

    @classmethod
    def check_substitutions(cls, substitutions):
        """The date is a day of the lesson in its timetable; the substitute
        (and the room) is free at that time that day, counting the own
        lessons and the other substitutions (R27.8)"""
        with without_check_access():
            days = {}
            for substitution in substitutions:
                slot = substitution.slot
                timetable = slot.timetable
                date = substitution.date
                values = {
                    'substitution': substitution.rec_name,
                    'date': date.strftime('%d.%m.%Y'),
                    'slot': slot.rec_name,
                    }
                if (str(date.weekday()) != slot.weekday
                        or not (timetable.start_date <= date
                            <= timetable.end_date)):
                    raise SubstitutionValidationError(gettext(
                            'edu_timetable.msg_substitution_date', **values))
                if substitution.substitute == slot.teacher:
                    raise SubstitutionValidationError(gettext(
                            'edu_timetable.msg_substitution_same_teacher',
                            **values))
                key = (substitution.company.id, date)
                if key not in days:
                    days[key] = cls.lessons_on(*key)
                for lesson in days[key]:
                    if lesson.slot == slot:
                        continue
                    if not (lesson.start_time < slot.bell.end_time
                            and slot.bell.start_time < lesson.end_time):
                        continue
                    if lesson.teacher == substitution.substitute:
                        raise SubstitutionValidationError(gettext(
                                'edu_timetable.msg_substitute_busy'
                                + ('_substituting' if lesson.substitution
                                    else ''),
                                substitute=substitution.substitute.rec_name,
                                other=lesson.slot.rec_name, **values))
                    if substitution.room and lesson.room == substitution.room:
                        raise SubstitutionValidationError(gettext(
                                'edu_timetable.msg_substitution_room_busy',
                                room=substitution.room.rec_name,
                                other=lesson.slot.rec_name, **values))
