# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The reconciliation act (акт сверки взаиморасчётов) with a counterparty
for a period: opening balance, the documents with both sides' columns,
closing balance; printed as PDF (signatures of both parties) and XLSX
(R19.4)."""
from decimal import Decimal

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, XlsxDocument, translated)
from trytond.pool import Pool
from trytond.pyson import Eval

from .common import (
    SETTLEMENT_CODES, default_company, party_balance, round_amount)


class ReconciliationAct(ModelSQL, ModelView):
    "Reconciliation Act"
    __string__ = "Reconciliation Act"
    __name__ = 'edu.reconciliation.act'
    company = fields.Many2One('company.company', "Company", required=True)
    party = fields.Many2One('party.party', "Counterparty", required=True)
    from_date = fields.Date("From Date", required=True)
    to_date = fields.Date("To Date", required=True,
        domain=[('to_date', '>=', Eval('from_date'))])
    account = fields.Many2One('account.account', "Account",
        domain=[('company', '=', Eval('company', -1)),
            ('code', 'in', list(SETTLEMENT_CODES))],
        help="Leave empty for every settlement account.")
    opening_balance = fields.Function(fields.Numeric("Opening Balance",
            digits=(16, 2)), 'get_amounts')
    debit = fields.Function(fields.Numeric("Debit", digits=(16, 2)),
        'get_amounts')
    credit = fields.Function(fields.Numeric("Credit", digits=(16, 2)),
        'get_amounts')
    closing_balance = fields.Function(fields.Numeric("Closing Balance",
            digits=(16, 2),
            help="Positive: the counterparty owes the institution."),
        'get_amounts')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('to_date', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_company():
        return default_company()

    def get_rec_name(self, name):
        return '%s %s–%s' % (self.party.rec_name, self.from_date,
            self.to_date)

    def settlement_accounts(self):
        Account = Pool().get('account.account')
        if self.account:
            return [self.account]
        return Account.search([
                ('company', '=', self.company.id),
                ('code', 'in', list(SETTLEMENT_CODES)),
                ])

    def get_documents(self):
        """Return the documents of the period: dicts with date, number,
        description, debit, credit (the institution's books)"""
        pool = Pool()
        Line = pool.get('account.move.line')
        accounts = self.settlement_accounts()
        lines = Line.search([
                ('party', '=', self.party.id),
                ('account', 'in', [a.id for a in accounts]),
                ('move.state', '=', 'posted'),
                ('move.date', '>=', self.from_date),
                ('move.date', '<=', self.to_date),
                ], order=[('move.date', 'ASC'), ('move', 'ASC'),
                ('id', 'ASC')])
        documents = []
        by_move = {}
        for line in lines:
            document = by_move.get(line.move.id)
            if document is None:
                origin = line.move.origin
                number = (getattr(origin, 'number', None)
                    or getattr(origin, 'reference', None)
                    or line.move.number or '')
                description = (line.move.description or line.description
                    or (origin.rec_name if origin else ''))
                document = by_move[line.move.id] = {
                    'date': line.move.date,
                    'number': number,
                    'description': description,
                    'debit': Decimal(0),
                    'credit': Decimal(0),
                    }
                documents.append(document)
            document['debit'] += line.debit
            document['credit'] += line.credit
        for document in documents:
            # a move both debiting and crediting the party shows its net
            net = document['debit'] - document['credit']
            document['debit'] = round_amount(max(net, 0))
            document['credit'] = round_amount(max(-net, 0))
        return documents

    @classmethod
    def get_amounts(cls, acts, names):
        result = {n: {} for n in names}
        for act in acts:
            opening = party_balance(act.party, act.settlement_accounts(),
                before=act.from_date)
            documents = act.get_documents()
            debit = round_amount(sum(d['debit'] for d in documents))
            credit = round_amount(sum(d['credit'] for d in documents))
            values = {
                'opening_balance': opening,
                'debit': debit,
                'credit': credit,
                'closing_balance': round_amount(opening + debit - credit),
                }
            for name in names:
                result[name][act.id] = values[name]
        return result

    def table(self):
        """Return header and rows of the act: date, document, our debit,
        our credit, their debit, their credit; and the bold row indexes"""
        t = translated
        header = [t('edu_account_settlement.msg_print_date'),
            t('edu_account_settlement.msg_print_document'),
            t('edu_account_settlement.msg_print_our_debit'),
            t('edu_account_settlement.msg_print_our_credit'),
            t('edu_account_settlement.msg_print_their_debit'),
            t('edu_account_settlement.msg_print_their_credit')]
        zero = Decimal(0)

        def balance_row(label, amount):
            debit = amount if amount > 0 else zero
            credit = -amount if amount < 0 else zero
            return ['', label, debit, credit, credit, debit]

        rows = [balance_row(t('edu_account_settlement.msg_print_opening',
                    date=self.from_date), self.opening_balance)]
        for document in self.get_documents():
            rows.append([str(document['date']),
                    ('%s %s' % (document['number'],
                            document['description'] or '')).strip(),
                    document['debit'], document['credit'],
                    document['credit'], document['debit']])
        rows.append(['', t('edu_account_settlement.msg_print_turnover'),
                self.debit, self.credit, self.credit, self.debit])
        rows.append(balance_row(t('edu_account_settlement.msg_print_closing',
                    date=self.to_date), self.closing_balance))
        return header, rows, (0, len(rows) - 2, len(rows) - 1)

    def conclusion(self):
        t = translated
        balance = self.closing_balance
        if balance > 0:
            return t('edu_account_settlement.msg_print_debt_party',
                date=self.to_date, party=self.party.rec_name,
                amount=balance)
        elif balance < 0:
            return t('edu_account_settlement.msg_print_debt_company',
                date=self.to_date, company=self.company.rec_name,
                amount=-balance)
        return t('edu_account_settlement.msg_print_no_debt',
            date=self.to_date)


class ReconciliationActPdf(FileReport):
    "Reconciliation act (PDF)"
    __name__ = 'edu.reconciliation.act.pdf'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        t = translated
        pdf = None
        for act in records:
            title = t('edu_account_settlement.msg_print_reconciliation_title',
                from_date=act.from_date, to_date=act.to_date)
            if pdf is None:
                pdf = PdfDocument(title, landscape=True)
            else:
                pdf.heading(title)
            pdf.paragraph(t('edu_account_settlement.msg_print_between',
                    company=act.company.rec_name, party=act.party.rec_name))
            pdf.spacer()
            header, rows, bold = act.table()
            pdf.table([header] + rows,
                col_widths=[0.1, 0.34, 0.14, 0.14, 0.14, 0.14],
                numeric=(2, 3, 4, 5), bold_rows=tuple(i + 1 for i in bold))
            pdf.spacer()
            pdf.paragraph(act.conclusion())
            pdf.signatures([
                    (t('edu_account_settlement.msg_print_for_company',
                            company=act.company.rec_name), ''),
                    (t('edu_account_settlement.msg_print_chief_accountant'),
                        ''),
                    (t('edu_account_settlement.msg_print_for_party',
                            party=act.party.rec_name), ''),
                    (t('edu_account_settlement.msg_print_chief_accountant'),
                        ''),
                    ])
        return pdf.build()


class ReconciliationActXlsx(FileReport):
    "Reconciliation act (XLSX)"
    __name__ = 'edu.reconciliation.act.xlsx'
    extension = 'xlsx'

    @classmethod
    def render(cls, records, data):
        t = translated
        xlsx = XlsxDocument()
        for i, act in enumerate(records, 1):
            title = '%s — %s' % (
                t('edu_account_settlement.msg_print_reconciliation_title',
                    from_date=act.from_date, to_date=act.to_date),
                act.party.rec_name)
            header, rows, bold = act.table()
            rows.append(['', act.conclusion(), '', '', '', ''])
            xlsx.sheet('%s' % i, title, header, rows, bold_rows=bold,
                widths=[12, 50, 16, 16, 16, 16])
        return xlsx.build()
