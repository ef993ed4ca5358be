# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Lesson plans of the teachers and their materials (R27.9).

A teacher writes the plans of the own lessons (learning objectives, content,
duration, materials: links, files, texts) and may share a plan with the
methodical association; the methodists read every plan of the organisation.
The files are kept in the filestore, checked by type and size
(``files.py``)."""
from urllib.parse import urlsplit

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from . import files
from .exceptions import MaterialValidationError

KINDS = [
    ('link', "Link"),
    ('file', "File"),
    ('text', "Text"),
    ]


def user_person():
    "Return the id of the person of the user, or None"
    pool = Pool()
    User = pool.get('res.user')
    user_id = Transaction().user
    if not user_id:
        return None
    user = User(user_id)
    return user.person.id if getattr(user, 'person', None) else None


class LessonPlan(ModelSQL, ModelView):
    "Lesson Plan"
    __name__ = 'edu.lesson.plan'
    __string__ = "Lesson Plan"
    _rec_name = 'title'

    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    teacher = fields.Many2One('party.party', "Teacher", required=True,
        ondelete='RESTRICT',
        domain=[('is_staff', '=', True)])
    subject = fields.Many2One('edu.subject', "Subject", required=True,
        ondelete='RESTRICT')
    grade = fields.Integer("Grade",
        domain=[If(Eval('grade', None) == None,  # noqa: E711
                [], [('grade', '>=', 0), ('grade', '<=', 12)])])
    title = fields.Char("Title", required=True)
    objectives = fields.Text("Learning Objectives",
        help="The codes and texts of the learning objectives of the "
        "curriculum the lesson works on.")
    content = fields.Text("Content", help="The course of the lesson.")
    duration = fields.Integer("Duration",
        domain=[If(Eval('duration', None) == None,  # noqa: E711
                [], [('duration', '>', 0)])],
        help="In minutes.")
    materials = fields.One2Many(
        'edu.lesson.material', 'plan', "Materials")
    shared = fields.Boolean("Shared with the Methodical Association",
        help="The teachers of the organisation may read the plan.")
    lessons = fields.One2Many(
        'edu.lesson', 'lesson_plan', "Lessons", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('subject', 'ASC'), ('grade', 'ASC'), ('title', 'ASC'),
            ('id', 'DESC')]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_teacher(cls):
        return user_person()

    @classmethod
    def default_duration(cls):
        return 45

    @classmethod
    def default_shared(cls):
        return False

    def get_rec_name(self, name):
        parts = [self.title]
        if self.grade is not None:
            parts.append(f'({self.grade})')
        return ' '.join(parts)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('title', *clause[1:])]

    @classmethod
    def copy(cls, plans, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('lessons', None)
        default.setdefault('shared', False)
        default.setdefault('teacher', user_person())
        return super().copy(plans, default=default)


class Material(ModelSQL, ModelView):
    "Lesson Material"
    __name__ = 'edu.lesson.material'
    __string__ = "Lesson Material"

    plan = fields.Many2One('edu.lesson.plan', "Lesson Plan",
        ondelete='CASCADE',
        states={'invisible': Eval('homework', None) != None})  # noqa: E711
    homework = fields.Many2One('edu.homework', "Homework",
        ondelete='CASCADE',
        states={'invisible': Eval('plan', None) != None})  # noqa: E711
    company = fields.Many2One(
        'company.company', "Organisation", readonly=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    name = fields.Char("Name", required=True)
    kind = fields.Selection(KINDS, "Kind", required=True)
    url = fields.Char("URL",
        states={
            'invisible': Eval('kind') != 'link',
            'required': Eval('kind') == 'link',
            })
    file = fields.Binary("File", filename='filename', file_id='file_id',
        store_prefix='edu_teaching',
        states={
            'invisible': Eval('kind') != 'file',
            'required': Eval('kind') == 'file',
            })
    file_id = fields.Char("File ID", readonly=True)
    filename = fields.Char("File Name",
        states={
            'invisible': Eval('kind') != 'file',
            'required': Eval('kind') == 'file',
            })
    size = fields.Integer("Size", readonly=True,
        states={'invisible': Eval('kind') != 'file'},
        help="In bytes.")
    text = fields.Text("Text",
        states={
            'invisible': Eval('kind') != 'text',
            'required': Eval('kind') == 'text',
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('sequence', 'ASC NULLS FIRST'), ('id', 'ASC')]

    @classmethod
    def default_kind(cls):
        return 'link'

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Plan = pool.get('edu.lesson.plan')
        Homework = pool.get('edu.homework')
        values = super().preprocess_values(mode, values)
        if values.get('plan'):
            values['company'] = Plan(values['plan']).company.id
        elif values.get('homework'):
            values['company'] = Homework(values['homework']).company.id
        if 'file' in values:
            data = values['file']
            values['size'] = len(data) if data is not None else None
        return values

    @classmethod
    def validate_fields(cls, materials, field_names):
        super().validate_fields(materials, field_names)
        if field_names & {'plan', 'homework', 'kind', 'url', 'file',
                'filename', 'text'}:
            cls.check_materials(materials)

    @classmethod
    def check_materials(cls, materials):
        Configuration = Pool().get('edu.teaching.configuration')
        for material in materials:
            if bool(material.plan) == bool(material.homework):
                raise MaterialValidationError(gettext(
                        'edu_teaching.msg_material_owner',
                        material=material.name))
            if material.kind == 'link':
                parts = urlsplit(material.url or '')
                if parts.scheme not in {'http', 'https'} or not parts.netloc:
                    raise MaterialValidationError(gettext(
                            'edu_teaching.msg_material_url',
                            material=material.name, url=material.url or ''))
            elif material.kind == 'file':
                data = material.file
                if data is None:
                    raise MaterialValidationError(gettext(
                            'edu_teaching.msg_material_file',
                            material=material.name))
                configuration = Configuration.get_for(material.company.id)
                files.check_file(data, material.filename,
                    configuration.max_size, material.name)
