# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The learner's achievements (R27.1): olympiads, competitions, projects,
certificates, sport, awards and career guidance, part of the learner's
digital profile."""
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pyson import Eval
from trytond.transaction import Transaction

KINDS = [
    ('olympiad', "Olympiad"),
    ('competition', "Competition"),
    ('project', "Research Project"),
    ('certificate', "Certificate"),
    ('sport', "Sport"),
    ('award', "Award"),
    ('career_guidance', "Career Guidance"),
    ]
LEVELS = [
    (None, ""),
    ('school', "School"),
    ('district', "District"),
    ('city', "City"),
    ('region', "Region"),
    ('national', "National"),
    ('international', "International"),
    ]


class LearnerAchievement(ModelSQL, ModelView):
    "Learner Achievement"
    __name__ = 'edu.learner.achievement'
    __string__ = "Learner Achievement"
    learner = fields.Many2One(
        'party.party', "Learner", required=True, ondelete='CASCADE',
        domain=[
            ('is_learner', '=', True),
            ('organisation', '=', Eval('company', -1)),
            ])
    company = fields.Many2One(
        'company.company', "Organisation", required=True,
        ondelete='RESTRICT')
    kind = fields.Selection(KINDS, "Kind", required=True)
    name = fields.Char("Name", required=True)
    subject = fields.Many2One(
        'edu.subject', "Subject", ondelete='RESTRICT')
    level = fields.Selection(LEVELS, "Level")
    date = fields.Date("Date", required=True)
    result = fields.Char("Result", help='For example "1st place", "diploma".')
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t, (t.learner, Index.Range()), (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        return f'{self.name} ({self.learner.rec_name})'
