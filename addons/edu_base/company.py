# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The education organisation on top of Tryton's company (R5.8, R19.1).

An organisation has a kind, a BIN (on its party), a КАТО territory, the
languages of instruction and a tree of departments.  Organisations form a
hierarchy of their own (an education department supervises its schools):
record rules let a user of the supervising body see the records of the
organisations below it, and never those of a sibling.
"""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from .exceptions import OrganisationValidationError

ORGANISATION_KINDS = [
    (None, ""),
    ('preschool', "Preschool organisation"),
    ('school', "General education school"),
    ('college', "Technical and vocational college"),
    ('supplementary', "Supplementary education organisation"),
    ('education_department', "Education department"),
    ]
INSTRUCTION_LANGUAGES = [
    ('kk', "Kazakh"),
    ('ru', "Russian"),
    ('en', "English"),
    ('uz', "Uzbek"),
    ('ug', "Uyghur"),
    ('tg', "Tajik"),
    ]


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    edu_kind = fields.Selection(
        ORGANISATION_KINDS, "Kind of Organisation", sort=False,
        help="The kind of education organisation.")
    bin = fields.Function(fields.Char("BIN"), 'get_bin', searcher='search_bin')
    kato = fields.Many2One(
        'edu.kato', "Territory (КАТО)", ondelete='RESTRICT',
        help="The region, district or settlement of the organisation.")
    region = fields.Function(
        fields.Many2One('edu.kato', "Region"), 'get_region')
    instruction_languages = fields.MultiSelection(
        INSTRUCTION_LANGUAGES, "Languages of Instruction", sort=False)
    edu_parent = fields.Many2One(
        'company.company', "Supervising Organisation", ondelete='RESTRICT',
        domain=[('edu_kind', '=', 'education_department')],
        help="The education department this organisation reports to.")
    edu_children = fields.One2Many(
        'company.company', 'edu_parent', "Supervised Organisations")
    departments = fields.One2Many(
        'edu.department', 'company', "Departments",
        filter=[('parent', '=', None)],
        help="The top departments of the organisational structure.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.edu_parent.domain = [
            ('edu_kind', '=', 'education_department'),
            ('id', '!=', Eval('id', -1)),
            ]

    def get_bin(self, name):
        return self.party.bin if self.party else None

    @classmethod
    def search_bin(cls, name, clause):
        return [('party.bin',) + tuple(clause[1:])]

    def get_region(self, name):
        unit = self.kato
        while unit and unit.parent:
            unit = unit.parent
        return unit.id if unit else None

    @classmethod
    def validate_fields(cls, companies, field_names):
        super().validate_fields(companies, field_names)
        if field_names & {'edu_kind', 'party', 'edu_parent'}:
            for company in companies:
                company.check_education_organisation()

    def check_education_organisation(self):
        if not self.edu_kind:
            return
        if not self.party.bin:
            raise OrganisationValidationError(gettext(
                    'edu_base.msg_organisation_bin_required',
                    organisation=self.rec_name))
        parent, seen = self.edu_parent, {self.id}
        while parent:
            if parent.id in seen:
                raise OrganisationValidationError(gettext(
                        'edu_base.msg_organisation_recursion',
                        organisation=self.rec_name))
            seen.add(parent.id)
            parent = parent.edu_parent
