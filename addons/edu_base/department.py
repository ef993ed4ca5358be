# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Organisational structure of an education organisation (R5.8).

Departments form a tree inside one organisation (administration,
methodical associations, accounting office, ...).  Record rules use the
tree: a head of department sees the staff of the whole sub-tree.
"""
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, tree)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import OrganisationValidationError

DEPARTMENT_KINDS = [
    ('administration', "Administration"),
    ('methodical', "Methodical association"),
    ('teaching', "Teaching staff"),
    ('accounting', "Accounting office"),
    ('personnel', "Personnel office"),
    ('office', "Office (records management)"),
    ('service', "Support service"),
    ('other', "Other"),
    ]


class Department(DeactivableMixin, tree(separator=' / '), ModelSQL, ModelView):
    "Department"
    __name__ = 'edu.department'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")
    kind = fields.Selection(DEPARTMENT_KINDS, "Kind", required=True)
    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    parent = fields.Many2One(
        'edu.department', "Parent", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    children = fields.One2Many('edu.department', 'parent', "Children")
    head = fields.Many2One(
        'company.employee', "Head",
        domain=[('company', '=', Eval('company', -1))])
    employees = fields.One2Many(
        'company.employee', 'department', "Employees",
        domain=[('company', '=', Eval('company', -1))])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_kind():
        return 'other'

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def validate_fields(cls, departments, field_names):
        super().validate_fields(departments, field_names)
        if field_names & {'parent', 'company'}:
            for department in departments:
                if (department.parent
                        and department.parent.company != department.company):
                    raise OrganisationValidationError(gettext(
                            'edu_base.msg_department_parent_company',
                            department=department.rec_name))


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'
    department = fields.Many2One(
        'edu.department', "Department", ondelete='SET NULL',
        domain=[
            If(Eval('company'),
                ('company', '=', Eval('company', -1)),
                ()),
            ])
    position = fields.Char("Position")

    @classmethod
    def on_modification(cls, mode, employees, field_names=None):
        super().on_modification(mode, employees, field_names=field_names)
        if mode != 'write' or field_names & {'department', 'company'}:
            Pool().get('ir.rule').clear_edu_values()
