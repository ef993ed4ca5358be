# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Accountable persons: the advance report (авансовый отчёт) (R19.5).

Advances are debits of account 1250 with the person as party (a cash
order).  The report lists the spending documents; posting it debits their
expense accounts with the ЕБК specific and the funding source and credits
1250.  What remains on 1250 is returned (debit balance) or reimbursed
(credit balance) by a cash order."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, amount_in_words, format_amount, language,
    translated)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .common import (
    ADVANCE_CODE, default_company, default_journal, find_account,
    party_balance, round_amount)
from .exceptions import AdvanceReportError

STATES = [
    ('draft', "Draft"),
    ('posted', "Posted"),
    ('cancelled', "Cancelled"),
    ]
DOCUMENT_KINDS = [
    ('receipt', "Receipt"),
    ('invoice', "Invoice"),
    ('ticket', "Ticket"),
    ('act', "Act"),
    ('per_diem', "Per Diem"),
    ('other', "Other"),
    ]
_DRAFT = Eval('state') != 'draft'


class AdvanceReport(Workflow, ModelSQL, ModelView):
    "Advance Report"
    __string__ = "Advance Report"
    __name__ = 'edu.advance.report'
    _rec_name = 'number'

    company = fields.Many2One('company.company', "Company", required=True,
        states={'readonly': _DRAFT})
    number = fields.Char("Number", readonly=True)
    date = fields.Date("Date", required=True, states={'readonly': _DRAFT})
    employee = fields.Many2One('company.employee', "Accountable Person",
        required=True, states={'readonly': _DRAFT},
        domain=[('company', '=', Eval('company', -1))])
    party = fields.Function(fields.Many2One('party.party', "Party"),
        'on_change_with_party')
    purpose = fields.Char("Purpose", required=True,
        states={'readonly': _DRAFT})
    trip = fields.Many2One('edu.trip', "Business Trip", ondelete='RESTRICT',
        states={'readonly': _DRAFT},
        domain=[('company', '=', Eval('company', -1)),
            ('employee', '=', Eval('employee', -1))])
    ebk_program = fields.Many2One('edu.ebk.program', "ЕБК Programme",
        states={'readonly': _DRAFT})
    funding_source = fields.Many2One('edu.funding.source', "Funding Source",
        required=True, states={'readonly': _DRAFT})
    journal = fields.Many2One('account.journal', "Journal", required=True,
        states={'readonly': _DRAFT})
    lines = fields.One2Many('edu.advance.report.line', 'report', "Lines",
        states={'readonly': _DRAFT})
    advance_issued = fields.Function(fields.Numeric("Advances Issued",
            digits=(16, 2),
            help="Advances on account 1250 not yet covered by reports."),
        'get_amounts')
    spent = fields.Function(fields.Numeric("Spent", digits=(16, 2)),
        'get_amounts')
    to_return = fields.Function(fields.Numeric("To Return",
            digits=(16, 2)), 'get_amounts')
    to_reimburse = fields.Function(fields.Numeric("To Reimburse",
            digits=(16, 2)), 'get_amounts')
    balance = fields.Function(fields.Numeric("Balance on 1250",
            digits=(16, 2),
            help="The person's balance on account 1250 now: positive to "
            "return, negative to reimburse."),
        'get_balance')
    posted_advance = fields.Numeric("Advance at Posting", digits=(16, 2),
        readonly=True)
    move = fields.Many2One('account.move', "Move", readonly=True)
    cancel_move = fields.Many2One('account.move', "Cancel Move",
        readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'posted'),
            ('posted', 'cancelled'),
            }
        cls._buttons.update({
                'post': {'invisible': Eval('state') != 'draft',
                    'depends': ['state']},
                'cancel': {'invisible': Eval('state') != 'posted',
                    'depends': ['state']},
                })

    @staticmethod
    def default_company():
        return default_company()

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_journal(cls):
        return default_journal('ADV')

    @fields.depends('employee')
    def on_change_with_party(self, name=None):
        if self.employee and self.employee.party:
            return self.employee.party.id

    def advance_account(self):
        account = find_account(self.company, ADVANCE_CODE)
        if not account:
            raise AdvanceReportError(gettext(
                    'edu_account_settlement.msg_account_missing',
                    code=ADVANCE_CODE, company=self.company.rec_name))
        return account

    def compute_advance(self):
        "The person's balance on 1250 at the report date, not this report's"
        return party_balance(self.employee.party, [self.advance_account()],
            date=self.date, exclude_moves=[self.move, self.cancel_move])

    @classmethod
    def get_amounts(cls, reports, names):
        result = {n: {} for n in names}
        for report in reports:
            spent = round_amount(sum(l.amount or 0 for l in report.lines))
            if report.state == 'posted' and report.posted_advance is not None:
                issued = report.posted_advance
            elif report.employee and report.employee.party:
                issued = report.compute_advance()
            else:
                issued = Decimal(0)
            values = {
                'advance_issued': issued,
                'spent': spent,
                'to_return': max(issued - spent, Decimal(0)),
                'to_reimburse': max(spent - issued, Decimal(0)),
                }
            for name in names:
                result[name][report.id] = values[name]
        return result

    def get_balance(self, name):
        if not self.employee or not self.employee.party:
            return Decimal(0)
        return party_balance(self.employee.party, [self.advance_account()])

    def get_move(self):
        "Return the move: Dt expense accounts (ЕБК) / Cr 1250"
        pool = Pool()
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        Period = pool.get('account.period')
        if not self.lines:
            raise AdvanceReportError(gettext(
                    'edu_account_settlement.msg_advance_report_no_lines',
                    report=self.rec_name))
        lines = []
        total = Decimal(0)
        for line in self.lines:
            amount = round_amount(line.amount)
            total += amount
            move_line = MoveLine(
                account=line.account, debit=amount, credit=Decimal(0),
                ebk_specific=line.ebk_specific,
                ebk_program=self.ebk_program,
                funding_source=self.funding_source,
                description=line.description)
            if line.account.party_required:
                move_line.party = self.employee.party
            lines.append(move_line)
        lines.append(MoveLine(
                account=self.advance_account(), party=self.employee.party,
                debit=Decimal(0), credit=total,
                funding_source=self.funding_source,
                description=self.purpose))
        return Move(
            company=self.company, journal=self.journal,
            period=Period.find(self.company, date=self.date),
            date=self.date, origin=self,
            description=self.purpose, lines=lines)

    @classmethod
    @ModelView.button
    @Workflow.transition('posted')
    def post(cls, reports):
        pool = Pool()
        Move = pool.get('account.move')
        for report in reports:
            report.posted_advance = report.compute_advance()
            report.move = report.get_move()
            report.move.save()
            if not report.number:
                report.number = report.move_number()
        cls.save(reports)
        Move.post([r.move for r in reports])
        for report in reports:
            report.reconcile_advance()

    def move_number(self):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        sequence = Sequence(ModelData.get_id(
                'edu_account_settlement', 'sequence_advance_report'))
        with Transaction().set_context(company=self.company.id):
            return sequence.get()

    def reconcile_advance(self):
        "Reconcile the person's 1250 lines when they balance to zero"
        MoveLine = Pool().get('account.move.line')
        lines = MoveLine.search([
                ('account', '=', self.advance_account().id),
                ('party', '=', self.employee.party.id),
                ('reconciliation', '=', None),
                ('move.state', '=', 'posted'),
                ])
        if lines and not sum(l.debit - l.credit for l in lines):
            MoveLine.reconcile(lines)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, reports):
        "Cancel by a reversing move: a posted move is never changed"
        pool = Pool()
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        Reconciliation = pool.get('account.move.reconciliation')
        for report in reports:
            reconciliations = [l.reconciliation for l in report.move.lines
                if l.reconciliation]
            if reconciliations:
                Reconciliation.delete(list(set(reconciliations)))
            cancel_move = report.move.cancel()
            Move.post([cancel_move])
            report.cancel_move = cancel_move
            to_reconcile = {}
            for line in report.move.lines + cancel_move.lines:
                if line.account.reconcile:
                    to_reconcile.setdefault(
                        (line.account, line.party), []).append(line)
            for lines in to_reconcile.values():
                if not sum(l.debit - l.credit for l in lines):
                    MoveLine.reconcile(lines)
        cls.save(reports)

    @classmethod
    def copy(cls, reports, default=None):
        default = default.copy() if default else {}
        for name in ('number', 'move', 'cancel_move', 'posted_advance'):
            default.setdefault(name, None)
        return super().copy(reports, default=default)

    @classmethod
    def check_modification(cls, mode, reports, values=None, external=False):
        super().check_modification(
            mode, reports, values=values, external=external)
        if mode == 'delete':
            for report in reports:
                if report.state != 'draft':
                    raise AdvanceReportError(gettext(
                            'edu_account_settlement.msg_delete_posted',
                            document=report.rec_name))

    def get_rec_name(self, name):
        return '%s %s' % (self.number or '#%s' % self.id,
            self.employee.rec_name if self.employee else '')


class AdvanceReportLine(ModelSQL, ModelView):
    "Advance Report Line"
    __string__ = "Advance Report Line"
    __name__ = 'edu.advance.report.line'
    report = fields.Many2One('edu.advance.report', "Report", required=True,
        ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    document_kind = fields.Selection(DOCUMENT_KINDS, "Document",
        required=True)
    document_number = fields.Char("Document Number")
    description = fields.Char("Description", required=True)
    ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific",
        required=True)
    account = fields.Many2One('account.account', "Expense Account",
        required=True,
        domain=[
            ('type', '!=', None),
            ('closed', '!=', True),
            ('company', '=', Eval('_parent_report', {}).get('company', -1)),
            ])
    amount = fields.Numeric("Amount", digits=(16, 2), required=True,
        domain=[('amount', '>', 0)])
    attachment = fields.Binary("Attachment", filename='attachment_name')
    attachment_name = fields.Char("Attachment Name")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('report')
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_document_kind():
        return 'receipt'


class AdvanceReportForm(FileReport):
    "Advance report (PDF)"
    __name__ = 'edu.advance.report.form'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        t = translated
        pdf = None
        for report in records:
            title = t('edu_account_settlement.msg_print_advance_title',
                number=report.number or '', date=report.date)
            if pdf is None:
                pdf = PdfDocument(title)
            else:
                pdf.heading(title)
            pdf.fields([
                    (t('edu_account_settlement.msg_print_company'),
                        report.company.rec_name),
                    (t('edu_account_settlement.msg_print_accountable'),
                        report.employee.rec_name),
                    (t('edu_account_settlement.msg_print_purpose'),
                        report.purpose),
                    (t('edu_account_settlement.msg_print_funding'),
                        report.funding_source.rec_name),
                    ])
            rows = [[t('edu_account_settlement.msg_print_date'),
                    t('edu_account_settlement.msg_print_document'),
                    t('edu_account_settlement.msg_print_description'),
                    t('edu_account_settlement.msg_print_specific'),
                    t('edu_account_settlement.msg_print_account'),
                    t('edu_account_settlement.msg_print_amount')]]
            kinds = dict(DOCUMENT_KINDS)
            for line in report.lines:
                rows.append([str(line.date),
                        '%s %s' % (kinds.get(line.document_kind, ''),
                            line.document_number or ''),
                        line.description, line.ebk_specific.code,
                        line.account.code, round_amount(line.amount)])
            rows.append(['', '', t('edu_account_settlement.msg_print_total'),
                    '', '', report.spent])
            pdf.table(rows, col_widths=[0.12, 0.18, 0.32, 0.1, 0.1, 0.18],
                numeric=(5,), bold_rows=(len(rows) - 1,))
            pdf.spacer()
            pdf.fields([
                    (t('edu_account_settlement.msg_print_advance_issued'),
                        format_amount(report.advance_issued)),
                    (t('edu_account_settlement.msg_print_spent'),
                        format_amount(report.spent)),
                    (t('edu_account_settlement.msg_print_spent_words'),
                        amount_in_words(report.spent, language())),
                    (t('edu_account_settlement.msg_print_to_return'),
                        format_amount(report.to_return)),
                    (t('edu_account_settlement.msg_print_to_reimburse'),
                        format_amount(report.to_reimburse)),
                    ])
            pdf.signatures([
                    (t('edu_account_settlement.msg_print_accountable'),
                        report.employee.rec_name),
                    (t('edu_account_settlement.msg_print_accountant'), ''),
                    (t('edu_account_settlement.msg_print_chief_accountant'),
                        ''),
                    ])
        return pdf.build()
