# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Subjects (R27.7 subject catalogue): the national catalogue (no
organisation, data of the module, names in Kazakh, Russian and English)
and an organisation's own subjects (electives, clubs)."""
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.transaction import Transaction

AREAS = [
    ('language', "Languages and Literature"),
    ('mathematics', "Mathematics"),
    ('science', "Natural Sciences"),
    ('social', "Social Sciences"),
    ('arts', "Arts"),
    ('technology', "Technology"),
    ('physical', "Physical Education"),
    ('it', "Computer Science"),
    ('other', "Other"),
    ]
#: areas whose subjects are split into subgroups by default
SUBGROUP_AREAS = {'language', 'it'}


class Subject(DeactivableMixin, ModelSQL, ModelView):
    "Subject"
    __name__ = 'edu.subject'
    __string__ = "Subject"
    name = fields.Char("Name", required=True, translate=True)
    short_name = fields.Char("Short Name", translate=True)
    code = fields.Char("Code", required=True, strip=True)
    area = fields.Selection(AREAS, "Area", required=True)
    subgroups = fields.Boolean(
        "Split into Subgroups",
        help="The class is split into two subgroups for this subject.")
    company = fields.Many2One(
        'company.company', "Organisation", ondelete='RESTRICT',
        help="Empty for the subjects of the national catalogue.")
    national = fields.Function(
        fields.Boolean("National Catalogue"), 'get_national',
        searcher='search_national')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'edu_learning.msg_subject_code_unique'),
            ]
        cls._order = [('name', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_area(cls):
        return 'other'

    @classmethod
    def default_subgroups(cls):
        return False

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @fields.depends('area')
    def on_change_area(self):
        self.subgroups = self.area in SUBGROUP_AREAS

    def get_national(self, name):
        return not self.company

    @classmethod
    def search_national(cls, name, clause):
        _, operator, value = clause
        national = (operator == '=') == bool(value)
        return [('company', '=' if national else '!=', None)]

    def get_rec_name(self, name):
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('short_name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]

