# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The catalogue of positions (R19.11): the block of the civil servants'
pay scale (A, B, C, D) a position belongs to and whether it teaches."""
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields

BLOCKS = [
    (None, ""),
    ('A', "A"),
    ('B', "B"),
    ('C', "C"),
    ('D', "D"),
    ]


class Position(DeactivableMixin, ModelSQL, ModelView):
    "Position"
    __name__ = 'edu.hr.position'
    __string__ = "Position"
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    block = fields.Selection(BLOCKS, "Block",
        help="The block of the pay scale of civil servants: A management, "
        "B main staff (teachers), C administrative, D technical staff.")
    is_teacher = fields.Boolean("Teaching Position",
        help="The salary of the position comes from the tarification.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'edu_hr.msg_position_code_unique'),
            ]
        cls._order = [('code', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_is_teacher():
        return False
