# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Ledger of a state institution (R19.1, R19.2, R19.18).

Account types carry the line of the financial statement they feed
(``fo_line``), accounts say which analytic dimensions their lines need
(``ebk_required``, ``funding_required``) and which accounts hold money
(``edu_cash``); move lines carry the ЕБК programme and specific and the
funding source, checked when a move is posted.
"""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import Index, ModelView, dualmethod, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import DimensionRequiredError

EDU_CASH = [
    ('', ""),
    ('cash_desk', "Cash Desk"),
    ('treasury', "Treasury Account"),
    ('bank', "Bank Account"),
    ]


def _readonly_template(field):
    field.states['readonly'] = (
        Bool(Eval('template', -1)) & ~Eval('template_override', False))
    return field


class TypeTemplate(metaclass=PoolMeta):
    __name__ = 'account.account.type.template'
    fo_line = fields.Char("Statement Line",
        help="The line of the ФО-1 balance sheet (balance types) or of the "
        "ФО-2 statement of financial results (income types) this type "
        "feeds, e.g. 010.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.name.translate = True

    def _get_type_value(self, type=None):
        values = super()._get_type_value(type=type)
        if not type or type.fo_line != self.fo_line:
            values['fo_line'] = self.fo_line
        return values


class Type(metaclass=PoolMeta):
    __name__ = 'account.account.type'
    fo_line = _readonly_template(fields.Char("Statement Line",
            help="The line of the ФО-1 balance sheet (balance types) or of "
            "the ФО-2 statement of financial results (income types) this "
            "type feeds, e.g. 010."))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.name.translate = True


class AccountTemplate(metaclass=PoolMeta):
    __name__ = 'account.account.template'
    ebk_required = fields.Boolean("ЕБК Specific Required",
        help="Lines of this account need the ЕБК economic specific.")
    funding_required = fields.Boolean("Funding Source Required",
        help="Lines of this account need the funding source.")
    edu_cash = fields.Selection(EDU_CASH, "Money Account",
        help="Marks the accounts holding money: cash desk, treasury or "
        "bank.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.name.translate = True

    @classmethod
    def default_ebk_required(cls):
        return False

    @classmethod
    def default_funding_required(cls):
        return False

    @classmethod
    def default_edu_cash(cls):
        return ''

    def _get_account_value(self, account=None):
        values = super()._get_account_value(account=account)
        for name in ['ebk_required', 'funding_required', 'edu_cash']:
            if not account or getattr(account, name) != getattr(self, name):
                values[name] = getattr(self, name)
        return values


class Account(metaclass=PoolMeta):
    __name__ = 'account.account'
    ebk_required = _readonly_template(fields.Boolean("ЕБК Specific Required",
            help="Lines of this account need the ЕБК economic specific."))
    funding_required = _readonly_template(fields.Boolean(
            "Funding Source Required",
            help="Lines of this account need the funding source."))
    edu_cash = _readonly_template(fields.Selection(EDU_CASH, "Money Account",
            help="Marks the accounts holding money: cash desk, treasury or "
            "bank."))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.name.translate = True

    @classmethod
    def default_ebk_required(cls):
        return False

    @classmethod
    def default_funding_required(cls):
        return False

    @classmethod
    def default_edu_cash(cls):
        return ''


class MoveLine(metaclass=PoolMeta):
    __name__ = 'account.move.line'
    ebk_program = fields.Many2One('edu.ebk.program', "ЕБК Programme",
        ondelete='RESTRICT',
        domain=['OR',
            ('company', '=', None),
            ('company', '=', Eval('company', -1)),
            ],
        states={
            'readonly': Eval('move_state') == 'posted',
            })
    ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific",
        ondelete='RESTRICT',
        states={
            'readonly': Eval('move_state') == 'posted',
            })
    funding_source = fields.Many2One('edu.funding.source', "Funding Source",
        ondelete='RESTRICT',
        states={
            'readonly': Eval('move_state') == 'posted',
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.ebk_specific, Index.Range())),
                Index(t, (t.funding_source, Index.Range())),
                Index(t, (t.ebk_program, Index.Range())),
                })

    @classmethod
    def _get_dimension_errors(cls, lines):
        "Yield (message id, line) for lines missing a required dimension"
        for line in lines:
            account = line.account
            if account.ebk_required and not line.ebk_specific:
                yield 'edu_account.msg_line_ebk_required', line
            if account.funding_required and not line.funding_source:
                yield 'edu_account.msg_line_funding_required', line

    @classmethod
    def check_edu_dimensions(cls, lines):
        "Raise when a line misses a dimension its account requires (R19.2)"
        for msg_id, line in cls._get_dimension_errors(lines):
            raise DimensionRequiredError(gettext(msg_id,
                    account=line.account.rec_name,
                    line=line.rec_name,
                    move=(line.move.number or line.move.description
                        or line.move.rec_name),
                    date=line.move.date,
                    debit=line.debit, credit=line.credit))


class Move(metaclass=PoolMeta):
    __name__ = 'account.move'

    @dualmethod
    @ModelView.button
    def post(cls, moves):
        pool = Pool()
        Line = pool.get('account.move.line')
        Line.check_edu_dimensions([l for m in moves for l in m.lines])
        super().post(moves)


def copy_template_translations(records, field='name'):
    """Copy the translations of the templates of records to the records.

    Tryton's chart wizards copy the template names in the default language
    only; the kk/ru names of chart_gov come from the locale files onto the
    templates, and this copies them to the accounts and types (R17, R19.1).
    Records that override their template are left alone.
    """
    pool = Pool()
    Translation = pool.get('ir.translation')
    Lang = pool.get('ir.lang')
    Config = pool.get('ir.configuration')
    if not records:
        return
    Model = records[0].__class__
    default = Config.get_language()
    by_template = defaultdict(list)
    for record in records:
        if record.template and not record.template_override:
            by_template[record.template.id].append(record)
    if not by_template:
        return
    template_name = Model.template.get_target().__name__
    for lang in Lang.get_translatable_languages():
        if lang == default:
            continue
        to_write = defaultdict(list)
        for sub_ids in grouped_slice(list(by_template), 1000):
            for translation in Translation.search([
                        ('name', '=', '%s,%s' % (template_name, field)),
                        ('type', '=', 'model'),
                        ('lang', '=', lang),
                        ('res_id', 'in', list(sub_ids)),
                        ('fuzzy', '=', False),
                        ]):
                if translation.value:
                    to_write[translation.value].extend(
                        by_template[translation.res_id])
        if to_write:
            args = []
            for value, recs in to_write.items():
                args.extend((recs, {field: value}))
            with Transaction().set_context(language=lang):
                Model.write(*args)


def copy_chart_translations(company_id):
    "Copy the template translations to the types and accounts of company"
    pool = Pool()
    Account = pool.get('account.account')
    Type = pool.get('account.account.type')
    with Transaction().set_context(active_test=False, company=company_id):
        copy_template_translations(Type.search([
                    ('company', '=', company_id),
                    ('template', '!=', None)]))
        copy_template_translations(Account.search([
                    ('company', '=', company_id),
                    ('template', '!=', None)]))


class CreateChart(metaclass=PoolMeta):
    __name__ = 'account.create_chart'

    def transition_create_account(self):
        state = super().transition_create_account()
        copy_chart_translations(self.account.company.id)
        return state


class UpdateChart(metaclass=PoolMeta):
    __name__ = 'account.update_chart'

    def transition_update(self):
        pool = Pool()
        Account = pool.get('account.account')
        state = super().transition_update()
        with Transaction().set_context(active_test=False):
            account = Account(self.start.account.id)
        copy_chart_translations(account.company.id)
        return state
