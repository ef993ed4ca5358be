# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Second factor switched off for a learner under 16 (R5.11).

The consent of a parent or legal representative is recorded as an
``edu.mfa.exemption``: the learner's account, the learner, the
representative (a legal representative of the learner through a family
link of edu_base), the date and the document of the consent (a reference;
the scan goes as an attachment), and who recorded it.  The second factor
of the account may then be switched off (``mfa_exempt``) — refused when
the learner is not under 16 by the birth date of the IIN, or when no
active consent is recorded.  The exemption stops counting on the 16th
birthday or when the consent is deactivated.  Every change is journalled.
"""
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .exceptions import ExemptionError
from .res import log_action

#: the age from which the second factor cannot be switched off
EXEMPTION_AGE = 16


def _under_age(person):
    return (person is not None and person.age is not None
        and person.age < EXEMPTION_AGE)


class Exemption(DeactivableMixin, ModelSQL, ModelView):
    "Second factor exemption"
    __name__ = 'edu.mfa.exemption'
    __string__ = "Second Factor Consent"

    user = fields.Many2One(
        'res.user', "Learner's Account", required=True, ondelete='CASCADE')
    learner = fields.Many2One(
        'party.party', "Learner", required=True, ondelete='RESTRICT',
        domain=[('is_person', '=', True)])
    representative = fields.Many2One(
        'party.party', "Parent or Legal Representative", required=True,
        ondelete='RESTRICT', domain=[('is_person', '=', True)],
        help="Who gave the consent.")
    consent_date = fields.Date("Consent Date", required=True)
    document = fields.Char("Consent Document", required=True,
        help="The reference of the signed consent; attach its scan.")
    recorded_by = fields.Many2One(
        'res.user', "Recorded By", readonly=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.user, Index.Equality())))
        cls._order.insert(0, ('consent_date', 'DESC'))

    @classmethod
    def default_recorded_by(cls):
        return Transaction().user

    @classmethod
    def default_consent_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('user', '_parent_user.person')
    def on_change_user(self):
        if self.user and self.user.person:
            self.learner = self.user.person

    def get_rec_name(self, name):
        return f'{self.learner.rec_name} ({self.document})'

    @classmethod
    def validate_fields(cls, exemptions, field_names):
        super().validate_fields(exemptions, field_names)
        if field_names & {'user', 'learner', 'representative'}:
            for exemption in exemptions:
                exemption.check_parties()

    def check_parties(self):
        pool = Pool()
        Relation = pool.get('party.relation.all')
        if self.user.person != self.learner:
            raise ExemptionError(gettext(
                    'edu_mfa.msg_exemption_learner_account',
                    learner=self.learner.rec_name, user=self.user.login))
        with without_check_access():
            links = Relation.search([
                    ('from_', '=', self.representative.id),
                    ('to', '=', self.learner.id),
                    ('type.legal_representative', '=', True),
                    ('type.edu_direction', '=', 'representative'),
                    ], limit=1)
        if not links:
            raise ExemptionError(gettext(
                    'edu_mfa.msg_exemption_not_representative',
                    representative=self.representative.rec_name,
                    learner=self.learner.rec_name))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values['recorded_by'] = Transaction().user
        return values

    @classmethod
    def on_modification(cls, mode, exemptions, field_names=None):
        super().on_modification(mode, exemptions, field_names=field_names)
        if mode == 'delete':
            return
        action = 'mfa_consent_' + mode
        for exemption in exemptions:
            log_action(action, [exemption],
                description=gettext('edu_mfa.msg_consent_journal',
                    learner=exemption.learner.rec_name,
                    representative=exemption.representative.rec_name,
                    document=exemption.document),
                details={
                    'user': exemption.user.login,
                    'consent_date': exemption.consent_date,
                    'active': exemption.active,
                    })

    @classmethod
    def on_delete(cls, exemptions):
        callback = super().on_delete(exemptions)
        for exemption in exemptions:
            log_action('mfa_consent_delete', [exemption],
                description=gettext('edu_mfa.msg_consent_journal',
                    learner=exemption.learner.rec_name,
                    representative=exemption.representative.rec_name,
                    document=exemption.document))
        return callback


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    mfa_exempt = fields.Boolean("Second Factor Switched Off",
        help="Only for a learner under 16 with the recorded consent of a "
        "parent or legal representative.")

    @classmethod
    def default_mfa_exempt(cls):
        return False

    def _mfa_consents(self):
        Exemption = Pool().get('edu.mfa.exemption')
        with without_check_access():
            return Exemption.search([
                    ('user', '=', self.id),
                    ('learner', '=', self.person.id if self.person else -1),
                    ], limit=1)

    def mfa_exempted(self):
        return bool(super().mfa_exempted()
            or (self.mfa_exempt and _under_age(self.person)
                and self._mfa_consents()))

    @classmethod
    def validate_fields(cls, users, field_names):
        super().validate_fields(users, field_names)
        if field_names & {'mfa_exempt', 'person'}:
            for user in users:
                user.check_mfa_exempt()

    def check_mfa_exempt(self):
        if not self.mfa_exempt:
            return
        if not _under_age(self.person):
            raise ExemptionError(gettext(
                    'edu_mfa.msg_exempt_not_under_16',
                    user=self.login, age=EXEMPTION_AGE))
        if not self._mfa_consents():
            raise ExemptionError(gettext(
                    'edu_mfa.msg_exempt_no_consent', user=self.login))

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        if mode == 'write' and 'mfa_exempt' in field_names:
            for user in users:
                log_action(
                    'mfa_exempt' if user.mfa_exempt else 'mfa_unexempt',
                    [user], description=gettext(
                        'edu_mfa.msg_exempt_journal' if user.mfa_exempt
                        else 'edu_mfa.msg_unexempt_journal',
                        user=user.login),
                    details={'mfa_exempt': user.mfa_exempt})

    @classmethod
    def copy(cls, users, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('mfa_exempt', False)
        return super().copy(users, default=default)
