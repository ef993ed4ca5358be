# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Frequently asked questions (R27.16): questions and answers in Kazakh and
Russian by category; national ones (no organisation) are kept by the
platform administrator, an organisation's by its management."""
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.model import sequence_ordered
from trytond.transaction import Transaction

CATEGORIES = [
    ('portal', "Portal"),
    ('school_life', "School Life"),
    ('learning', "Learning and Assessment"),
    ('admission', "Admission"),
    ('meals', "Meals and Health"),
    ('safety', "Safety"),
    ('other', "Other"),
    ]


class FAQ(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Frequently Asked Question"
    __name__ = 'edu.faq'
    __string__ = "Frequently Asked Question"
    _rec_name = 'question'
    company = fields.Many2One('company.company', "Organisation",
        help="Leave empty for a national question.")
    category = fields.Selection(CATEGORIES, "Category", required=True,
        sort=False)
    question = fields.Char("Question", required=True, translate=True)
    answer = fields.Text("Answer", required=True, translate=True)

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_category():
        return 'other'
