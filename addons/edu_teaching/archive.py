# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The archive of a class for a closed academic period (R27.10): closing a
period writes, for each class of its year, a ZIP in the filestore with the
messages of the class chat during the period (JSON and readable text), the
lesson plans and materials used (their description, not the files) and the
homework set with the submissions (state, mark, dates).  Read by the
management of the organisation."""
import datetime as dt
import io
import json
import zipfile

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class PeriodArchive(ModelSQL, ModelView):
    "Period Archive"
    __name__ = 'edu.period.archive'
    __string__ = "Period Archive"

    company = fields.Many2One(
        'company.company', "Organisation", required=True, readonly=True,
        ondelete='CASCADE')
    period = fields.Many2One('edu.academic.period', "Period", required=True,
        readonly=True, ondelete='CASCADE')
    class_ = fields.Many2One('edu.class', "Class", required=True,
        readonly=True, ondelete='CASCADE')
    archived_at = fields.Timestamp("Archived At", readonly=True)
    data = fields.Binary("Archive", filename='filename', file_id='data_id',
        store_prefix='edu_teaching', readonly=True)
    data_id = fields.Char("Archive ID", readonly=True)
    filename = fields.Char("File Name", readonly=True)
    size = fields.Integer("Size", readonly=True, help="In bytes.")
    messages = fields.Integer("Chat Messages", readonly=True)
    plans = fields.Integer("Lesson Plans", readonly=True)
    materials = fields.Integer("Materials", readonly=True)
    homeworks = fields.Integer("Homework", readonly=True)
    submissions = fields.Integer("Submissions", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('archived_at', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.class_.rec_name} — {self.period.rec_name}'

    @classmethod
    def build(cls, periods):
        """Write the archives of the classes of the periods, replacing
        those of an earlier closing; return them"""
        pool = Pool()
        Class = pool.get('edu.class')
        vlist = []
        with without_check_access():
            for period in periods:
                old = cls.search([('period', '=', period.id)])
                if old:
                    cls.delete(old)
                classes = Class.search([
                        ('year', '=', period.year.id),
                        ], order=[('name', 'ASC'), ('id', 'ASC')])
                for class_ in classes:
                    vlist.append(cls._archive_values(period, class_))
            return cls.create(vlist) if vlist else []

    @classmethod
    def _archive_values(cls, period, class_):
        pool = Pool()
        Lesson = pool.get('edu.lesson')
        Message = pool.get('ir.chat.message')
        start = dt.datetime.combine(period.start_date, dt.time.min)
        end = dt.datetime.combine(period.end_date, dt.time.max)
        messages = Message.search([
                ('channel.resource', '=', str(class_)),
                ('create_date', '>=', start),
                ('create_date', '<=', end),
                ], order=[('create_date', 'ASC'), ('id', 'ASC')])
        lessons = Lesson.search([
                ('class_', '=', class_.id),
                ('date', '>=', period.start_date),
                ('date', '<=', period.end_date),
                ], order=[('date', 'ASC'), ('id', 'ASC')])
        plans = []
        for lesson in lessons:
            if lesson.lesson_plan and lesson.lesson_plan not in plans:
                plans.append(lesson.lesson_plan)
        homeworks = [h for lesson in lessons for h in lesson.homework]

        def material(m):
            return {'name': m.name, 'kind': m.kind, 'url': m.url,
                'filename': m.filename, 'size': m.size, 'text': m.text}
        chat = [{
                'date': m.create_date.isoformat(timespec='seconds'),
                'author': m.author,
                'content': m.content,
                } for m in messages]
        plan_rows = [{
                'id': p.id, 'title': p.title,
                'teacher': p.teacher.rec_name,
                'subject': p.subject.rec_name, 'grade': p.grade,
                'objectives': p.objectives, 'duration': p.duration,
                'lessons': [lesson.date.isoformat() for lesson in lessons
                    if lesson.lesson_plan == p],
                'materials': [material(m) for m in p.materials],
                } for p in plans]
        homework_rows = [{
                'id': h.id, 'lesson_date': h.lesson.date.isoformat(),
                'subject': h.subject.rec_name,
                'teacher': h.teacher.rec_name if h.teacher else None,
                'description': h.description,
                'due_date': h.due_date.isoformat(),
                'materials': [material(m) for m in h.materials],
                'submissions': [{
                        'learner': s.learner.rec_name,
                        'state': s.state, 'mark': s.mark, 'late': s.late,
                        'attempt': s.attempt,
                        'submitted_at': (s.submitted_at.isoformat(
                                timespec='seconds')
                            if s.submitted_at else None),
                        'filename': s.filename,
                        } for s in h.submissions],
                } for h in homeworks]
        submissions = sum(len(h['submissions']) for h in homework_rows)
        materials = sum(len(p['materials']) for p in plan_rows) + sum(
            len(h['materials']) for h in homework_rows)
        header = {
            'organisation': class_.company.rec_name,
            'class': class_.rec_name,
            'period': period.rec_name,
            'start_date': period.start_date.isoformat(),
            'end_date': period.end_date.isoformat(),
            }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
            def dump(name, rows):
                archive.writestr(name, json.dumps(
                        {**header, name.split('.')[0]: rows},
                        ensure_ascii=False, indent=1, default=str))
            dump('chat.json', chat)
            archive.writestr('chat.txt', '\n'.join(
                    [f"{header['class']} — {header['period']}", '']
                    + [f"[{m['date']}] {m['author']}: {m['content']}"
                        for m in chat]) + '\n')
            dump('plans.json', plan_rows)
            dump('homework.json', homework_rows)
        data = buffer.getvalue()
        name = '-'.join(str(class_.name).split())
        return {
            'company': class_.company.id,
            'period': period.id,
            'class_': class_.id,
            'archived_at': dt.datetime.now(),
            'data': data,
            'filename': f'archive-{name}-{period.start_date}.zip',
            'size': len(data),
            'messages': len(chat),
            'plans': len(plan_rows),
            'materials': materials,
            'homeworks': len(homework_rows),
            'submissions': submissions,
            }


class AcademicPeriod(metaclass=PoolMeta):
    __name__ = 'edu.academic.period'

    @classmethod
    @ModelView.button
    def close(cls, periods):
        "Close the periods and archive the chats, plans and homework"
        Archive = Pool().get('edu.period.archive')
        to_close = [p.id for p in periods if p.state != 'closed']
        super().close(periods)
        closed = [p for p in cls.browse(to_close) if p.state == 'closed']
        if closed:
            Archive.build(closed)
