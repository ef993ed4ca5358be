# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Budget reference data for state institutions (R19.1).

Funding sources, the economic classification (ЕБК specific) and the
functional classification (ЕБК programme) are global reference data used
as analytic dimensions on every move line (R19.2).
"""
from sql.conditionals import Coalesce
from sql.operators import Concat

from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)

KINDS = [
    ('republican', "Republican budget"),
    ('local', "Local budget"),
    ('paid', "Paid services"),
    ('sponsorship', "Sponsorship and charity"),
    ('other', "Other"),
    ]


class _CodeNameMixin:
    __slots__ = ()

    def get_rec_name(self, name):
        if self.code:
            return '%s - %s' % (self.code, self.name)
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]


class FundingSource(_CodeNameMixin, DeactivableMixin, ModelSQL, ModelView):
    "Funding source of a state institution (R19.1)"
    __name__ = 'edu.funding.source'
    __string__ = "Funding Source"
    _order_name = 'code'
    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection(KINDS, "Kind", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_uniq', Unique(t, t.code),
                'edu_account.msg_funding_source_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @classmethod
    def default_kind(cls):
        return 'local'


class EbkSpecific(_CodeNameMixin, DeactivableMixin, ModelSQL, ModelView):
    "Economic classification specific of the ЕБК (R19.1)"
    __name__ = 'edu.ebk.specific'
    __string__ = "ЕБК Economic Specific"
    code = fields.Char("Code", required=True, size=3, strip=True,
        help="Three digits: category, class, specific (e.g. 111).")
    name = fields.Char("Name", required=True, translate=True)
    category = fields.Char("Category", size=1)
    class_ = fields.Char("Class", size=2)
    subclass = fields.Char("Subclass", size=3)
    kind = fields.Selection([
            ('current', "Current expenses"),
            ('capital', "Capital expenses"),
            ], "Kind", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_uniq', Unique(t, t.code),
                'edu_account.msg_ebk_specific_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @classmethod
    def default_kind(cls):
        return 'current'

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if field_names is None or 'code' in field_names:
            from trytond.i18n import gettext
            from .exceptions import ReferenceValidationError
            for record in records:
                if not (record.code and record.code.isdigit()
                        and len(record.code) == 3):
                    raise ReferenceValidationError(gettext(
                            'edu_account.msg_ebk_specific_code_digits',
                            code=record.code))


class EbkProgram(_CodeNameMixin, DeactivableMixin, ModelSQL, ModelView):
    "Functional classification of the ЕБК: budget programme (R19.1)"
    __name__ = 'edu.ebk.program'
    __string__ = "ЕБК Budget Programme"
    functional_group = fields.Char("Functional Group", required=True,
        size=2, strip=True)
    administrator = fields.Char("Administrator", required=True, size=3,
        strip=True)
    program = fields.Char("Programme", required=True, size=3, strip=True)
    subprogram = fields.Char("Subprogramme", size=3, strip=True)
    code = fields.Function(fields.Char("Code"), 'get_code',
        searcher='search_code')
    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One('company.company', "Institution",
        ondelete='CASCADE',
        help="Leave empty for a programme shared by all institutions.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.program, Index.Equality())))
        cls._order = [
            ('functional_group', 'ASC'), ('administrator', 'ASC'),
            ('program', 'ASC'), ('subprogram', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _code_sql(cls, table):
        code = Concat(table.functional_group, ' ')
        code = Concat(code, table.administrator)
        code = Concat(code, ' ')
        code = Concat(code, table.program)
        return Concat(code, Coalesce(Concat(' ', table.subprogram), ''))

    def get_code(self, name):
        parts = [self.functional_group, self.administrator, self.program,
            self.subprogram]
        return ' '.join(p for p in parts if p)

    @classmethod
    def search_code(cls, name, clause):
        _, operator, operand, *extra = clause
        table = cls.__table__()
        Operator = fields.SQL_OPERATORS[operator]
        query = table.select(table.id,
            where=Operator(cls._code_sql(table), operand))
        return [('id', 'in', query)]

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        from trytond.i18n import gettext
        from .exceptions import ReferenceValidationError
        for record in records:
            for fname, size in [('functional_group', 2),
                    ('administrator', 3), ('program', 3),
                    ('subprogram', 3)]:
                value = getattr(record, fname)
                if fname == 'subprogram' and not value:
                    continue
                if not (value and value.isdigit() and len(value) == size):
                    raise ReferenceValidationError(gettext(
                            'edu_account.msg_ebk_program_code_digits',
                            program=record.name, field=fname, size=size))

    @staticmethod
    def default_company():
        return None
