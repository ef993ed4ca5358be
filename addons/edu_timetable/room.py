# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Rooms of an organisation where lessons are held (R27.8)."""
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.transaction import Transaction


class Room(DeactivableMixin, ModelSQL, ModelView):
    "Room"
    __name__ = 'edu.room'
    __string__ = "Room"

    company = fields.Many2One(
        'company.company', "Organisation", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    capacity = fields.Integer(
        "Capacity", domain=['OR', ('capacity', '=', None),
            ('capacity', '>', 0)],
        help="The number of seats.")
    kind = fields.Selection([
            ('classroom', "Classroom"),
            ('laboratory', "Laboratory"),
            ('computer', "Computer Room"),
            ('gym', "Gym"),
            ('hall', "Assembly Hall"),
            ('other', "Other"),
            ], "Kind", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_name_uniq', Unique(t, t.company, t.name),
                'edu_timetable.msg_room_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_kind(cls):
        return 'classroom'
