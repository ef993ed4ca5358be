# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Who is reached by what, through the learning core (R27.16).

These helpers read the classes, enrolments and (when edu_timetable is
activated) the weekly timetable with plain SQL and without access checks:
they are used by record rules and validations, which must not depend on the
rights of the user they are evaluated for.
"""
import datetime as dt

from sql import Null

from trytond.pool import Pool
from trytond.transaction import Transaction


def _today():
    return Transaction().context.get('date') or dt.date.today()


def learner_classes(learner_ids, date=None):
    """Return the set of (class id, grade, company id) of the classes in
    which the learners are enrolled at date (default today)"""
    learner_ids = [i for i in learner_ids if i is not None and i >= 0]
    if not learner_ids:
        return set()
    pool = Pool()
    Enrolment = pool.get('edu.class.enrolment')
    Class = pool.get('edu.class')
    enrolment = Enrolment.__table__()
    class_ = Class.__table__()
    date = date or _today()
    cursor = Transaction().connection.cursor()
    cursor.execute(*enrolment.join(class_,
            condition=enrolment.class_ == class_.id
            ).select(class_.id, class_.grade, class_.company,
            where=enrolment.learner.in_(learner_ids)
            & ((enrolment.start_date == Null)
                | (enrolment.start_date <= date))
            & ((enrolment.end_date == Null) | (enrolment.end_date >= date))))
    return set(cursor)


def class_learners(class_ids, date=None):
    "Return the ids of the learners enrolled in the classes at date"
    if not class_ids:
        return set()
    Enrolment = Pool().get('edu.class.enrolment')
    enrolment = Enrolment.__table__()
    date = date or _today()
    cursor = Transaction().connection.cursor()
    cursor.execute(*enrolment.select(enrolment.learner,
            where=enrolment.class_.in_(list(class_ids))
            & ((enrolment.start_date == Null)
                | (enrolment.start_date <= date))
            & ((enrolment.end_date == Null) | (enrolment.end_date >= date))))
    return {r for r, in cursor}


def teacher_classes(person_id):
    """Return the ids of the classes of which the person is the homeroom
    teacher or, when edu_timetable is activated, teaches a lesson of the
    weekly timetable or is assigned a subject of the teaching load"""
    if person_id is None or person_id < 0:
        return set()
    pool = Pool()
    Class = pool.get('edu.class')
    class_ = Class.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*class_.select(class_.id,
            where=class_.homeroom_teacher == person_id))
    result = {c for c, in cursor}
    for name in ['edu.timetable.slot', 'edu.teaching.assignment']:
        try:
            Model = pool.get(name)
        except KeyError:
            continue
        table = Model.__table__()
        cursor.execute(*table.select(table.class_,
                where=table.teacher == person_id, group_by=[table.class_]))
        result.update(c for c, in cursor)
    return result


def class_teachers(class_ids):
    """Return {class id: set of person ids} of the homeroom teacher and
    the teachers of the weekly timetable and the teaching load"""
    result = {c: set() for c in class_ids}
    if not result:
        return result
    pool = Pool()
    Class = pool.get('edu.class')
    class_ = Class.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*class_.select(class_.id, class_.homeroom_teacher,
            where=class_.id.in_(list(result))
            & (class_.homeroom_teacher != Null)))
    for class_id, teacher in cursor:
        result[class_id].add(teacher)
    for name in ['edu.timetable.slot', 'edu.teaching.assignment']:
        try:
            Model = pool.get(name)
        except KeyError:
            continue
        table = Model.__table__()
        cursor.execute(*table.select(table.class_, table.teacher,
                where=table.class_.in_(list(result))
                & (table.teacher != Null),
                group_by=[table.class_, table.teacher]))
        for class_id, teacher in cursor:
            result[class_id].add(teacher)
    return result


def representatives(learner_ids):
    "Return the ids of the legal representatives of the learners"
    learner_ids = [i for i in learner_ids if i is not None]
    if not learner_ids:
        return set()
    pool = Pool()
    Relation = pool.get('party.relation')
    RelationType = pool.get('party.relation.type')
    relation = Relation.__table__()
    type_ = RelationType.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*relation.join(type_,
            condition=relation.type == type_.id
            ).select(relation.from_,
            where=relation.to.in_(learner_ids)
            & (type_.edu_direction == 'representative')))
    return {r for r, in cursor}


def represents(parent_id, learner_id):
    "Tell whether the person is a legal representative of the learner"
    return parent_id in representatives([learner_id])


def audience_domain(classes, field='class_'):
    """Return the domain of the records whose (audience, company, grade,
    class) reaches one of the classes given as (id, grade, company)"""
    if not classes:
        return [('id', '=', -1)]
    companies = sorted({c for _, _, c in classes})
    grades = sorted({(c, g) for _, g, c in classes})
    domain = ['OR',
        [('audience', '=', 'school'), ('company', 'in', companies)],
        [('audience', '=', 'class'),
            (field, 'in', sorted({i for i, _, _ in classes}))],
        ]
    for company, grade in grades:
        domain.append([('audience', '=', 'grade'),
                ('company', '=', company), ('grade', '=', grade)])
    return domain


__all__ = ['learner_classes', 'class_learners', 'teacher_classes',
    'representatives', 'represents', 'audience_domain']
