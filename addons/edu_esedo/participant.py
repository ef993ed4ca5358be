# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The directory of ЕСЭДО participants (R21): state bodies and
organisations reachable through the exchange, by their participant code,
with the party that is the correspondent of their documents (its BIN is
checked against the signer's certificate on arrival)."""
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)


class Participant(DeactivableMixin, ModelSQL, ModelView):
    "ЕСЭДО Participant"
    __name__ = 'edu.esedo.participant'
    __string__ = "ЕСЭДО Participant"

    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True)
    party = fields.Many2One('party.party', "Party", ondelete='RESTRICT',
        help="The correspondent of the documents of this participant.")
    bin = fields.Function(fields.Char("BIN"), 'get_bin')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_uniq', Unique(t, t.code),
                'edu_esedo.msg_participant_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    def get_rec_name(self, name):
        return f'[{self.code}] {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]

    def get_bin(self, name):
        return getattr(self.party, 'bin', None) if self.party else None

    @classmethod
    def of_party(cls, party):
        participants = cls.search([('party', '=', int(party))], limit=1)
        return participants[0] if participants else None
