# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""КАТО: the classifier of administrative-territorial objects (R19.1).

A 9-digit code: two digits of the region (облыс) or city of republican
significance, two of the district (аудан), two of the rural district or
town, three of the settlement.  The records form a tree whose codes share
the prefix of their parent.
"""
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields

from .exceptions import KATOValidationError

LEVELS = [
    ('region', "Region"),
    ('district', "District"),
    ('rural_district', "Rural district or town"),
    ('settlement', "Settlement"),
    ]
# significant prefix length of the code at each level
_PREFIX = {'region': 2, 'district': 4, 'rural_district': 6, 'settlement': 9}


class KATO(DeactivableMixin, ModelSQL, ModelView):
    "КАТО territorial unit"
    __name__ = 'edu.kato'
    _rec_name = 'name'

    code = fields.Char("Code", required=True, size=9,
        help="The 9-digit КАТО code.")
    name = fields.Char("Name", required=True, translate=True)
    level = fields.Selection(LEVELS, "Level", required=True, sort=False)
    parent = fields.Many2One(
        'edu.kato', "Parent", ondelete='RESTRICT',
        domain=[('level', '!=', 'settlement')])
    children = fields.One2Many('edu.kato', 'parent', "Children")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code), 'edu_base.msg_kato_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))
        cls.__access__ = set()

    def get_rec_name(self, name):
        return f'{self.code} {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        code_value = operand
        if operator.endswith('like') and isinstance(operand, str):
            code_value = operand.lstrip('%')
        return [bool_op,
            ('code', operator, code_value, *extra),
            ('name', operator, operand, *extra),
            ]

    @classmethod
    def validate_fields(cls, units, field_names):
        super().validate_fields(units, field_names)
        if field_names & {'code', 'parent', 'level'}:
            for unit in units:
                unit.check_code()

    def check_code(self):
        if not (self.code and self.code.isdigit() and len(self.code) == 9):
            raise KATOValidationError(gettext(
                    'edu_base.msg_kato_code_format', code=self.code))
        if self.parent:
            prefix = _PREFIX[self.parent.level]
            if self.code[:prefix] != self.parent.code[:prefix]:
                raise KATOValidationError(gettext(
                        'edu_base.msg_kato_code_parent',
                        code=self.code, parent=self.parent.code))
