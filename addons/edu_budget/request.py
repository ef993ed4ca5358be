# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Budget request for the next year (бюджеттік өтінім, R19.17).

Per budget programme and funding source, one line per ЕБК specific: the
current year's payments plan, the payments executed so far, the amount
requested for the next year and, optionally, for the two planning years
after it, with the justification (расчёт/обоснование).  ``compute`` fills
the lines from the current plan: the suggestion is the current year's plan,
the requested amounts are set to the suggestion where still empty.
"""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, XlsxDocument, translated)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import PlanError

ZERO = Decimal('0.00')


class BudgetRequest(Workflow, ModelSQL, ModelView):
    "Budget Request"
    __string__ = "Budget Request"
    __name__ = 'edu.budget.request'
    _rec_name = 'number'

    _states = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", states=_states)
    date = fields.Date("Date", required=True, states=_states)
    company = fields.Many2One('company.company', "Company", required=True,
        states=_states)
    fiscalyear = fields.Many2One('account.fiscalyear', "Current Fiscal Year",
        required=True, states=_states,
        domain=[('company', '=', Eval('company', -1))])
    year = fields.Integer("Requested Year", required=True, states=_states)
    ebk_program = fields.Many2One('edu.ebk.program', "Budget Programme",
        required=True, states=_states)
    funding_source = fields.Many2One('edu.funding.source', "Funding Source",
        required=True, states=_states)
    plan = fields.Many2One('edu.financing.plan', "Current Plan",
        readonly=True)
    lines = fields.One2Many('edu.budget.request.line', 'request', "Lines",
        states=_states)
    state = fields.Selection([
            ('draft', "Draft"),
            ('confirmed', "Confirmed"),
            ], "State", readonly=True, required=True, sort=False)
    total_current = fields.Function(fields.Numeric("Current Plan Total",
            digits=(16, 2)), 'get_totals')
    total_requested = fields.Function(fields.Numeric("Requested Total",
            digits=(16, 2)), 'get_totals')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'confirmed'), ('confirmed', 'draft')}
        cls._buttons.update({
                'compute': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'confirmed',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('fiscalyear', 'year')
    def on_change_fiscalyear(self):
        if self.fiscalyear and self.fiscalyear.end_date:
            self.year = self.fiscalyear.end_date.year + 1

    @classmethod
    def get_totals(cls, requests, names):
        result = {n: {r.id: ZERO for r in requests} for n in names}
        for request in requests:
            for line in request.lines:
                if 'total_current' in result:
                    result['total_current'][request.id] += (
                        line.current_plan or ZERO)
                if 'total_requested' in result:
                    result['total_requested'][request.id] += (
                        line.requested or ZERO)
        return result

    @classmethod
    def delete(cls, requests):
        for request in requests:
            if request.state != 'draft':
                raise PlanError(gettext('edu_budget.msg_request_confirmed',
                        request=request.rec_name))
        super().delete(requests)

    def find_plan(self):
        Plan = Pool().get('edu.financing.plan')
        plans = Plan.search([
                ('company', '=', self.company.id),
                ('fiscalyear', '=', self.fiscalyear.id),
                ('ebk_program', '=', self.ebk_program.id),
                ('funding_source', '=', self.funding_source.id),
                ('state', 'in', ['approved', 'amended']),
                ], limit=1)
        return plans[0] if plans else None

    @classmethod
    @ModelView.button
    def compute(cls, requests):
        """Fill the lines from the current plan: current-year payments
        plan, executed payments, suggestion = current plan"""
        pool = Pool()
        Plan = pool.get('edu.financing.plan')
        Line = pool.get('edu.budget.request.line')
        for request in requests:
            if request.state != 'draft':
                raise PlanError(gettext('edu_budget.msg_request_confirmed',
                        request=request.rec_name))
            plan = request.find_plan()
            if not plan:
                raise PlanError(gettext('edu_budget.msg_request_no_plan',
                        request=request.rec_name))
            executed = Plan.executed([plan])
            by_specific = {}
            for (_, specific, _), amount in executed.items():
                by_specific[specific] = by_specific.get(
                    specific, ZERO) + amount
            existing = {l.ebk_specific.id: l for l in request.lines}
            planned = {}
            for line in plan.lines:
                if line.kind == 'payments':
                    planned[line.ebk_specific.id] = line.total or ZERO
            to_create, to_write = [], []
            for specific in sorted(set(planned) | set(by_specific)):
                current = planned.get(specific, ZERO)
                values = {
                    'current_plan': current,
                    'executed': by_specific.get(specific, ZERO),
                    'suggested': current,
                    }
                line = existing.get(specific)
                if line:
                    if line.requested is None:
                        values['requested'] = current
                    to_write.extend([[line], values])
                else:
                    values.update({
                            'request': request.id,
                            'ebk_specific': specific,
                            'requested': current,
                            'requested_2': current,
                            'requested_3': current,
                            })
                    to_create.append(values)
            if to_create:
                Line.create(to_create)
            if to_write:
                Line.write(*to_write)
            cls.write([request], {'plan': plan.id})

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, requests):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, requests):
        pass


class BudgetRequestLine(ModelSQL, ModelView):
    "Budget Request Line"
    __string__ = "Budget Request Line"
    __name__ = 'edu.budget.request.line'

    request = fields.Many2One('edu.budget.request', "Request", required=True,
        ondelete='CASCADE')
    ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific",
        required=True)
    current_plan = fields.Numeric("Current-Year Plan", digits=(16, 2),
        readonly=True)
    executed = fields.Numeric("Executed", digits=(16, 2), readonly=True)
    suggested = fields.Numeric("Suggested", digits=(16, 2), readonly=True)
    requested = fields.Numeric("Requested", digits=(16, 2),
        domain=['OR', ('requested', '=', None), ('requested', '>=', 0)])
    requested_2 = fields.Numeric("Planning Year 2", digits=(16, 2),
        domain=['OR', ('requested_2', '=', None), ('requested_2', '>=', 0)])
    requested_3 = fields.Numeric("Planning Year 3", digits=(16, 2),
        domain=['OR', ('requested_3', '=', None), ('requested_3', '>=', 0)])
    justification = fields.Text("Justification")
    change = fields.Function(fields.Numeric("Change", digits=(16, 2)),
        'get_change')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('specific_unique', Unique(t, t.request, t.ebk_specific),
                'edu_budget.msg_request_unique'),
            ]

    def get_change(self, name):
        return (self.requested or ZERO) - (self.current_plan or ZERO)

    @classmethod
    def _check_draft(cls, lines):
        for line in lines:
            if line.request.state != 'draft':
                raise PlanError(gettext('edu_budget.msg_request_confirmed',
                        request=line.request.rec_name))

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for lines, _ in zip(actions, actions):
            cls._check_draft(lines)
        super().write(*args)

    @classmethod
    def delete(cls, lines):
        cls._check_draft(lines)
        super().delete(lines)


def request_rows(request):
    header = [translated('edu_budget.msg_print_specific'),
        translated('edu_budget.msg_print_current_plan'),
        translated('edu_budget.msg_print_executed'),
        '%s %s' % (translated('edu_budget.msg_print_requested'),
            request.year),
        '%s (%s)' % (translated('edu_budget.msg_print_requested_2'),
            request.year + 1),
        '%s (%s)' % (translated('edu_budget.msg_print_requested_3'),
            request.year + 2),
        translated('edu_budget.msg_print_justification')]
    rows = []
    totals = [ZERO] * 5
    for line in sorted(request.lines, key=lambda l: l.ebk_specific.code):
        values = [line.current_plan or ZERO, line.executed or ZERO,
            line.requested or ZERO, line.requested_2 or ZERO,
            line.requested_3 or ZERO]
        totals = [a + b for a, b in zip(totals, values)]
        rows.append(['%s %s' % (line.ebk_specific.code,
                    line.ebk_specific.name)] + values
            + [line.justification or ''])
    rows.append([translated('edu_budget.msg_print_total')] + totals + [''])
    return header, rows


def request_fields(request):
    return [
        (translated('edu_budget.msg_print_company'),
            request.company.rec_name),
        (translated('edu_budget.msg_print_year'), str(request.year)),
        (translated('edu_budget.msg_print_program'),
            request.ebk_program.rec_name),
        (translated('edu_budget.msg_print_source'),
            request.funding_source.rec_name),
        ]


class RequestPdf(FileReport):
    "Budget Request (PDF)"
    __name__ = 'edu.budget.request.pdf'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        pdf = PdfDocument('%s %s' % (
                translated('edu_budget.msg_print_request_title'),
                records[0].number or '' if len(records) == 1 else ''),
            landscape=True, font_size=8)
        for i, request in enumerate(records):
            if i:
                pdf.spacer(18)
            pdf.fields(request_fields(request))
            pdf.spacer()
            header, rows = request_rows(request)
            pdf.table([header] + rows, header=True,
                col_widths=[0.2, 0.11, 0.11, 0.11, 0.11, 0.11, 0.25],
                numeric=(1, 2, 3, 4, 5), bold_rows=(len(rows),))
        pdf.signatures([
                (translated('edu_budget.msg_print_director'), ''),
                (translated('edu_budget.msg_print_chief_accountant'), ''),
                ])
        return pdf.build()


class RequestXlsx(FileReport):
    "Budget Request (XLSX)"
    __name__ = 'edu.budget.request.xlsx'
    extension = 'xlsx'

    @classmethod
    def render(cls, records, data):
        xlsx = XlsxDocument()
        title = translated('edu_budget.msg_print_request_title')
        for request in records:
            header, rows = request_rows(request)
            xlsx.sheet('%s %s' % (request.year, request.number or request.id),
                '%s %s: %s' % (title, request.year,
                    request.funding_source.rec_name),
                header, rows, bold_rows=(len(rows) - 1,),
                widths=[34, 16, 16, 16, 16, 16, 50])
        return xlsx.build()
