# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Persons and organisations as parties (R5.7, R19.1, R19.14 groundwork).

Every person is one ``party.party`` with a validated IIN; the birth date and
the sex are derived from the IIN when left empty and refused when they
contradict it.  A legal entity carries a validated BIN.  A person belongs to
the education organisation that registered it (R12): record rules hide it
from users of other organisations.  Learners are linked to their parents and
legal representatives by Tryton's party relations.
"""
from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from . import kz_id
from .exceptions import (
    BINValidationError, IINValidationError, PersonValidationError)

SEXES = [
    (None, ""),
    ('male', "Male"),
    ('female', "Female"),
    ]
ADULT_AGE = 18

_PERSON = Bool(Eval('is_person'))


def _code_error(error, kind, code, party_name):
    "Turn a kz_id.InvalidCode into the translated message of the model"
    return gettext(
        f'edu_base.msg_{kind}_{error.reason}',
        code=code, party=party_name or '')


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    is_person = fields.Boolean(
        "Person", help="Check for an individual, uncheck for a legal entity.")
    last_name = fields.Char(
        "Last Name", states={'invisible': ~_PERSON, 'required': _PERSON})
    first_name = fields.Char(
        "First Name", states={'invisible': ~_PERSON, 'required': _PERSON})
    patronymic = fields.Char(
        "Patronymic", states={'invisible': ~_PERSON})
    iin = fields.Char(
        "IIN", size=12, states={'invisible': ~_PERSON},
        help="The 12-digit individual identification number (ЖСН/ИИН).")
    bin = fields.Char(
        "BIN", size=12, states={'invisible': _PERSON},
        help="The 12-digit business identification number (БСН/БИН).")
    birth_date = fields.Date(
        "Birth Date", states={'invisible': ~_PERSON},
        help="Derived from the IIN when left empty.")
    sex = fields.Selection(
        SEXES, "Sex", states={'invisible': ~_PERSON},
        help="Derived from the IIN when left empty.")
    age = fields.Function(
        fields.Integer("Age", states={'invisible': ~_PERSON}), 'get_age')
    organisation = fields.Many2One(
        'company.company', "Organisation", ondelete='RESTRICT',
        states={'required': _PERSON},
        help="The education organisation that keeps this person's record.")
    is_staff = fields.Boolean("Staff", states={'invisible': ~_PERSON})
    is_learner = fields.Boolean("Learner", states={'invisible': ~_PERSON})
    is_representative = fields.Boolean(
        "Parent or Legal Representative", states={'invisible': ~_PERSON})
    representatives = fields.Function(fields.Many2Many(
            'party.party', None, None, "Parents and Representatives",
            states={'invisible': ~Eval('is_learner')}),
        'get_family')
    learners = fields.Function(fields.Many2Many(
            'party.party', None, None, "Children and Wards",
            states={'invisible': ~Eval('is_representative')}),
        'get_family')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('iin_unique', Unique(t, t.iin), 'edu_base.msg_iin_unique'),
            ('bin_unique', Unique(t, t.bin), 'edu_base.msg_bin_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.organisation, Index.Range()),
                    where=t.organisation != Null),
                Index(t,
                    (t.last_name, Index.Similarity()),
                    (t.first_name, Index.Similarity())),
                })

    @classmethod
    def default_organisation(cls):
        return Transaction().context.get('company')

    @staticmethod
    def default_is_person():
        return Transaction().context.get('edu_default_person', False)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        for field in ('iin', 'bin'):
            if values.get(field):
                values[field] = kz_id.compact(values[field])
        iin = values.get('iin')
        if iin and len(iin) == 12 and iin.isdigit():
            try:
                if 'birth_date' not in values or not values['birth_date']:
                    if mode == 'create' or 'birth_date' in values:
                        values['birth_date'] = kz_id.iin_birth_date(iin)
                if 'sex' not in values or not values['sex']:
                    if mode == 'create' or 'sex' in values:
                        values['sex'] = kz_id.iin_sex(iin)
            except kz_id.InvalidCode:
                # reported by validate_fields with a translated message
                pass
        return values

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if (field_names is None
                or field_names & {'last_name', 'first_name', 'patronymic',
                    'is_person'}):
            if self.is_person and self.last_name:
                name = ' '.join(filter(None, [
                            self.last_name, self.first_name,
                            self.patronymic]))
                if name != self.name:
                    values['name'] = name
        return values

    @fields.depends('iin', 'birth_date', 'sex')
    def on_change_iin(self):
        if not self.iin:
            return
        self.iin = kz_id.compact(self.iin)
        try:
            birth_date, sex = kz_id.iin_info(self.iin)
        except kz_id.InvalidCode:
            return
        self.birth_date = birth_date
        self.sex = sex

    @fields.depends('last_name', 'first_name', 'patronymic', 'is_person')
    def on_change_with_name(self):
        if self.is_person and self.last_name:
            return ' '.join(filter(None, [
                        self.last_name, self.first_name, self.patronymic]))

    @fields.depends('last_name', 'first_name', 'patronymic', 'is_person',
        'name')
    def on_change_last_name(self):
        self.name = self.on_change_with_name() or self.name

    on_change_first_name = on_change_last_name
    on_change_patronymic = on_change_last_name

    def get_age(self, name):
        if not self.birth_date:
            return None
        Date = Pool().get('ir.date')
        today = Date.today()
        years = today.year - self.birth_date.year
        if (today.month, today.day) < (
                self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @classmethod
    def get_family(cls, parties, names):
        pool = Pool()
        Relation = pool.get('party.relation.all')
        result = {n: {p.id: [] for p in parties} for n in names}
        ids = [p.id for p in parties]
        # representative --(edu type)--> learner
        for relation in Relation.search([
                    ('from_', 'in', ids),
                    ('type.edu_kind', '!=', None),
                    ('type.edu_direction', 'in',
                        ['representative', 'learner']),
                    ], order=[('id', 'ASC')]):
            if relation.type.edu_direction == 'representative':
                name = 'learners'
            else:
                name = 'representatives'
            if name in result:
                result[name][relation.from_.id].append(relation.to.id)
        return result

    @classmethod
    def validate_fields(cls, parties, field_names):
        super().validate_fields(parties, field_names)
        if field_names & {'iin', 'birth_date', 'sex', 'is_person'}:
            for party in parties:
                party.check_iin()
        if field_names & {'bin', 'is_person'}:
            for party in parties:
                party.check_bin()

    def _message_name(self):
        "The name shown in messages, also before compute_fields has run"
        return self.on_change_with_name() or self.rec_name

    def check_iin(self):
        if not self.iin:
            return
        if not self.is_person:
            raise IINValidationError(gettext(
                    'edu_base.msg_iin_not_person', party=self._message_name()))
        Date = Pool().get('ir.date')
        try:
            kz_id.validate_iin(self.iin, today=Date.today())
        except kz_id.InvalidCode as error:
            raise IINValidationError(
                _code_error(error, 'iin', self.iin, self._message_name()))
        birth_date, sex = kz_id.iin_info(self.iin)
        if self.birth_date and self.birth_date != birth_date:
            raise IINValidationError(gettext(
                    'edu_base.msg_iin_birth_date_mismatch',
                    code=self.iin, party=self._message_name(),
                    birth_date=self.birth_date.strftime('%d.%m.%Y'),
                    iin_birth_date=birth_date.strftime('%d.%m.%Y')))
        if self.sex and self.sex != sex:
            raise IINValidationError(gettext(
                    'edu_base.msg_iin_sex_mismatch',
                    code=self.iin, party=self._message_name()))

    def check_bin(self):
        if not self.bin:
            return
        if self.is_person:
            raise BINValidationError(gettext(
                    'edu_base.msg_bin_person', party=self._message_name()))
        try:
            kz_id.validate_bin(self.bin)
        except kz_id.InvalidCode as error:
            raise BINValidationError(
                _code_error(error, 'bin', self.bin, self._message_name()))

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        _, operator, operand, *extra = clause
        if isinstance(operand, str) and operator.endswith('like'):
            digits = operand.strip('%')
            if digits.isdigit():
                bool_op = 'AND' if operator.startswith('not') else 'OR'
                domain = [bool_op, domain,
                    ('iin', operator, operand, *extra),
                    ('bin', operator, operand, *extra),
                    ]
        return domain


class RelationType(metaclass=PoolMeta):
    __name__ = 'party.relation.type'

    edu_kind = fields.Selection([
            (None, ""),
            ('mother', "Mother"),
            ('father', "Father"),
            ('guardian', "Guardian"),
            ('trustee', "Trustee"),
            ('foster_parent', "Foster parent"),
            ('other_relative', "Other relative"),
            ('child', "Child"),
            ('ward', "Ward"),
            ], "Family Link", sort=False,
        help="The kind of link between a learner and a parent or "
        "legal representative.")
    edu_direction = fields.Selection([
            (None, ""),
            ('representative', "From representative to learner"),
            ('learner', "From learner to representative"),
            ], "Direction", sort=False)
    legal_representative = fields.Boolean(
        "Legal Representative",
        help="The person may act on behalf of the learner "
        "(consents, applications).")


class Relation(metaclass=PoolMeta):
    __name__ = 'party.relation'

    @classmethod
    def on_modification(cls, mode, relations, field_names=None):
        super().on_modification(mode, relations, field_names=field_names)
        Pool().get('ir.rule').clear_edu_values()

    @classmethod
    def validate_fields(cls, relations, field_names):
        super().validate_fields(relations, field_names)
        if field_names & {'from_', 'to', 'type'}:
            for relation in relations:
                relation.check_family_link()

    def check_family_link(self):
        if not self.type.edu_kind:
            return
        if self.type.edu_direction == 'representative':
            representative, learner = self.from_, self.to
        else:
            representative, learner = self.to, self.from_
        if representative == learner:
            raise PersonValidationError(gettext(
                    'edu_base.msg_relation_self', party=learner.rec_name))
        for party in (representative, learner):
            if not party.is_person:
                raise PersonValidationError(gettext(
                        'edu_base.msg_relation_person',
                        party=party.rec_name))
        if (self.type.legal_representative
                and representative.age is not None
                and representative.age < ADULT_AGE):
            raise PersonValidationError(gettext(
                    'edu_base.msg_relation_representative_minor',
                    representative=representative.rec_name,
                    learner=learner.rec_name))
