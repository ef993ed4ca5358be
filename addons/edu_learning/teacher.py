# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The teacher's digital profile (R27.2): education, diplomas, qualification
category, degrees and titles, the national qualification test (NQT),
attestations, courses and certificates.  Personal data: every change is
journalled (edu_audit)."""
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.edu_audit.journal import PersonalDataJournalMixin
from trytond.pyson import Eval, If, In
from trytond.transaction import Transaction

KINDS = [
    ('education', "Education"),
    ('diploma', "Diploma"),
    ('category', "Qualification Category"),
    ('degree', "Academic Degree"),
    ('title', "Honorary Title"),
    ('nqt', "National Qualification Test"),
    ('attestation', "Attestation"),
    ('course', "Professional Development Course"),
    ('certificate', "Certificate"),
    ]
CATEGORIES = [
    (None, ""),
    ('none', "Without Category"),
    ('moderator', "Teacher-Moderator"),
    ('expert', "Teacher-Expert"),
    ('researcher', "Teacher-Researcher"),
    ('master', "Teacher-Master"),
    ('second', "Second Category"),
    ('first', "First Category"),
    ('highest', "Highest Category"),
    ]
CATEGORY_KINDS = ['category', 'attestation']


class TeacherRecord(PersonalDataJournalMixin, ModelSQL, ModelView):
    "Teacher Record"
    __name__ = 'edu.teacher.record'
    __string__ = "Teacher Record"
    person = fields.Many2One(
        'party.party', "Teacher", required=True, ondelete='CASCADE',
        domain=[
            ('is_staff', '=', True),
            If(Eval('company'),
                ('organisation', '=', Eval('company', -1)), ()),
            ])
    company = fields.Many2One(
        'company.company', "Organisation", required=True,
        ondelete='RESTRICT')
    kind = fields.Selection(KINDS, "Kind", required=True)
    name = fields.Char("Name", required=True,
        help="The speciality, course title or document.")
    institution = fields.Char("Institution")
    number = fields.Char("Document Number")
    date = fields.Date("Date")
    valid_until = fields.Date(
        "Valid Until",
        domain=[If(Eval('valid_until') & Eval('date'),
                ('valid_until', '>=', Eval('date')), ())])
    category = fields.Selection(
        CATEGORIES, "Category",
        states={'invisible': ~In(Eval('kind'), CATEGORY_KINDS)})
    score = fields.Numeric(
        "Score", digits=(5, 2),
        domain=[If(Eval('score', None) != None,  # noqa: E711
                ('score', '>=', 0), ())],
        states={'invisible': Eval('kind') != 'nqt'})
    hours = fields.Integer(
        "Hours",
        domain=[If(Eval('hours', None) != None,  # noqa: E711
                ('hours', '>', 0), ())],
        states={'invisible': Eval('kind') != 'course'})
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t, (t.person, Index.Range()), (t.date, Index.Range())))
        cls._order = [('date', 'DESC NULLS FIRST'), ('id', 'DESC')]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        kinds = dict(self.fields_get(['kind'])['kind']['selection'])
        return f'{self.person.rec_name}: {kinds.get(self.kind)} — {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('person.rec_name', operator, operand, *extra),
            ]
