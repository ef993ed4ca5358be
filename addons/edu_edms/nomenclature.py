# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Nomenclature of cases (R22.2, R22.12): the cases of an organisation per
year, each with its index, retention period and article of the standard
list; documents are filed into a case and the case's index starts their
registration number."""
import datetime as dt

from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access


class Nomenclature(ModelSQL, ModelView):
    "Nomenclature case"
    __string__ = "Nomenclature Case"
    __name__ = 'edu.edms.nomenclature'
    _rec_name = 'index'

    company = fields.Many2One(
        'company.company', "Organisation", required=True,
        states={'readonly': Eval('state') != 'open'})
    year = fields.Integer(
        "Year", required=True, states={'readonly': Eval('state') != 'open'})
    index = fields.Char(
        "Index", required=True, strip=True,
        states={'readonly': Eval('state') != 'open'},
        help="The index of the case, e.g. 01-12; it starts the numbers of "
        "the documents filed into it.")
    name = fields.Char("Name", required=True, translate=True)
    retention_years = fields.Integer(
        "Retention (Years)", required=True,
        domain=[('retention_years', '>=', 0)],
        help="0 means kept permanently.")
    article = fields.Char(
        "Article", help="The article of the standard list of documents.")
    state = fields.Selection([
            ('open', "Open"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True)
    closed_date = fields.Date("Closed On", readonly=True)
    documents = fields.One2Many(
        'edu.edms.document', 'case', "Documents", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_year_index_uniq', Unique(t, t.company, t.year, t.index),
                'edu_edms.msg_nomenclature_unique'),
            ]
        cls._order = [('year', 'DESC'), ('index', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'close': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_year():
        return Pool().get('ir.date').today().year

    @staticmethod
    def default_state():
        return 'open'

    @staticmethod
    def default_retention_years():
        return 5

    def get_rec_name(self, name):
        return '%s %s' % (self.index, self.name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('index', *clause[1:]),
            ('name', *clause[1:]),
            ]

    @classmethod
    @ModelView.button
    def close(cls, cases):
        "Close the cases; edu_edms_archive archives their documents"
        today = Pool().get('ir.date').today()
        cls.write(cases, {'state': 'closed', 'closed_date': today})

    @classmethod
    def next_number(cls, case):
        """Return the next registration number <n> of the case: counted per
        case (organisation, year and index) whatever the kinds filed into
        it, the case's row locked until the transaction ends (a failed
        registration rolls it back: no gap)"""
        Document = Pool().get('edu.edms.document')
        cls.lock([case])
        prefix = '%s/' % case.index
        last = 0
        with without_check_access():
            documents = Document.search([
                    ('company', '=', case.company.id),
                    ('registration_date', '>=', dt.date(case.year, 1, 1)),
                    ('registration_date', '<=', dt.date(case.year, 12, 31)),
                    ('number', 'like', prefix.replace('\\', '\\\\')
                        .replace('%', '\\%').replace('_', '\\_') + '%'),
                    ])
            for document in documents:
                suffix = document.number[len(prefix):]
                if suffix.isdigit():
                    last = max(last, int(suffix))
        return last + 1

    @classmethod
    def case_for(cls, company, year, index):
        "Return the open case of company with index for year, or None"
        if not index:
            return None
        cases = cls.search([
                ('company', '=', int(company)),
                ('year', '=', year),
                ('index', '=', index),
                ], limit=1)
        return cases[0] if cases else None

    def retention_until(self):
        "Return the last day of retention, None when kept permanently"
        if not self.retention_years:
            return None
        return dt.date(self.year + self.retention_years, 12, 31)
