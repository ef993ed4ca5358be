# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Treasury and bank statements (R19.3) imported into Tryton's
account.statement, one statement journal per money account.

Two file formats are added to Tryton's *Import Statement* wizard.

CSV (UTF-8, ``;`` separated, an optional header line)::

    date;number;BIN/IIN;name;debit;credit;purpose[;funding source code]
    2026-03-05;15;123456789012;ТОО Асем;120000.00;0;Оплата по договору 7

``debit`` is money that left the account, ``credit`` money that came in
(the account holder's view); exactly one of them is positive.  Dates are
``YYYY-MM-DD`` or ``DD.MM.YYYY``; amounts accept ``,`` as the decimal
mark and spaces between thousands.

XML (no DTD, no entities, no network)::

    <statement xmlns="urn:bilim:statement:1">
      <line>
        <date>2026-03-05</date><number>15</number>
        <code>123456789012</code><name>ТОО Асем</name>
        <debit>120000.00</debit><credit>0</credit>
        <purpose>Оплата по договору 7</purpose>
        <source>REP</source>            <!-- optional -->
      </line>
    </statement>

A line that cannot be read stops the import with a message naming the
line; nothing is imported.  Lines are matched to a party by BIN/IIN and,
for money out, to a posted payment order of the same number and amount.
A matched payment order already posted its move (Dt counter / Cr money
account), so the statement line takes that move instead of a second one,
and the order becomes *executed*.  When the statement is validated, the
party lines are reconciled with the open item of the party of the same
amount (the supplier's act for a payment, the receivable for an income).
"""
import csv
import datetime as dt
import io
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import StatementImportError

XML_NAMESPACE = 'urn:bilim:statement:1'
CENT = Decimal('0.01')


class StatementJournal(metaclass=PoolMeta):
    __name__ = 'account.statement.journal'

    edu_funding_source = fields.Many2One(
        'edu.funding.source', "Default Funding Source",
        help="The funding source of the money account's lines when the "
        "statement does not name one (R19.3).")


class Statement(metaclass=PoolMeta):
    __name__ = 'account.statement'

    def _group_key(self, line):
        return super()._group_key(line) + (
            ('funding_source', line.funding_source),)

    def _get_move_line(self, amount, amount_second_currency, lines):
        line = super()._get_move_line(amount, amount_second_currency, lines)
        if lines:
            line.funding_source = lines[0].funding_source
            line.ebk_specific = lines[0].ebk_specific
            line.ebk_program = lines[0].ebk_program
        return line

    @classmethod
    def create_move(cls, statements):
        pool = Pool()
        Move = pool.get('account.move')
        StatementLine = pool.get('account.statement.line')
        PaymentOrder = pool.get('edu.payment.order')
        moves = super().create_move(statements)

        # the lines of a payment order take the order's posted move
        empty = []
        to_write = []
        orders = []
        for move, statement, lines in moves:
            ordered = [l for l in lines if l.edu_payment_order]
            if not ordered:
                continue
            if len(ordered) == len(lines):
                empty.append(move)
            for line in ordered:
                to_write.extend(([line], {
                            'move': line.edu_payment_order.move.id}))
                orders.append(line)
        if to_write:
            StatementLine.write(*to_write)
        if empty:
            Move.delete(empty)
        for line in orders:
            order = line.edu_payment_order
            PaymentOrder.execute([order])
            PaymentOrder.write([order], {'statement_line': line.id})
        cls.reconcile_open_items(statements)
        return [m for m in moves if m[0] not in empty]

    @classmethod
    def reconcile_open_items(cls, statements):
        """Reconcile each statement party line with one open line of the
        same party, account and opposite amount (R19.3)"""
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        for statement in statements:
            for sline in statement.lines:
                if not sline.move or sline.invoice:
                    continue
                for mline in sline.move.lines:
                    if (mline.account != sline.account
                            or not mline.account.reconcile
                            or mline.reconciliation
                            or not mline.party or mline.party != sline.party):
                        continue
                    if sline.edu_payment_order and (
                            mline.origin != sline.edu_payment_order):
                        continue
                    matches = MoveLine.search([
                            ('account', '=', mline.account.id),
                            ('party', '=', mline.party.id),
                            ('reconciliation', '=', None),
                            ('id', '!=', mline.id),
                            ('debit', '=', mline.credit),
                            ('credit', '=', mline.debit),
                            ('move.state', '=', 'posted'),
                            ], order=[('date', 'ASC'), ('id', 'ASC')],
                        limit=1)
                    if matches:
                        MoveLine.reconcile([mline, matches[0]])


class StatementLine(metaclass=PoolMeta):
    __name__ = 'account.statement.line'

    edu_payment_order = fields.Many2One(
        'edu.payment.order', "Payment Order", readonly=True,
        domain=[('company', '=', Eval('company', -1))])
    funding_source = fields.Many2One(
        'edu.funding.source', "Funding Source",
        states={'readonly': Eval('statement_state') != 'draft'})
    ebk_specific = fields.Many2One(
        'edu.ebk.specific', "ЕБК Specific",
        states={'readonly': Eval('statement_state') != 'draft'})
    ebk_program = fields.Many2One(
        'edu.ebk.program', "ЕБК Program",
        states={'readonly': Eval('statement_state') != 'draft'})

    def get_move_line(self):
        if self.edu_payment_order:
            # the payment order's posted move is the ledger entry
            return None
        line = super().get_move_line()
        if line:
            line.funding_source = self.funding_source
            line.ebk_specific = self.ebk_specific
            line.ebk_program = self.ebk_program
        return line

    @classmethod
    def delete_move(cls, lines):
        "Keep the payment orders' moves; the orders are posted again"
        PaymentOrder = Pool().get('edu.payment.order')
        ordered = [l for l in lines if l.edu_payment_order]
        orders = [l.edu_payment_order for l in ordered
            if l.edu_payment_order.state == 'executed']
        if orders:
            PaymentOrder.unexecute(orders)
        if ordered:
            cls.write(ordered, {'move': None})
        super().delete_move([l for l in lines if not l.edu_payment_order])

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('edu_payment_order', None)
        return super().copy(lines, default=default)


class ImportStatementStart(metaclass=PoolMeta):
    __name__ = 'account.statement.import.start'

    edu_journal = fields.Many2One(
        'account.statement.journal', "Statement Journal",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'invisible': ~Eval('file_format').in_(['edu_csv', 'edu_xml']),
            'required': Eval('file_format').in_(['edu_csv', 'edu_xml']),
            })
    edu_funding_source = fields.Many2One(
        'edu.funding.source', "Funding Source",
        states={
            'invisible': ~Eval('file_format').in_(['edu_csv', 'edu_xml']),
            },
        help="Used for the lines that name no funding source; else the "
        "journal's default.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.file_format.selection.extend([
                ('edu_csv', "Treasury/bank statement CSV"),
                ('edu_xml', "Treasury/bank statement XML"),
                ])


def _error(line, message_id, **variables):
    return StatementImportError(gettext(
            'edu_account_cash.msg_import_line', line=line,
            error=gettext('edu_account_cash.%s' % message_id, **variables)))


def parse_date(value, line):
    value = (value or '').strip()
    for fmt in ('%Y-%m-%d', '%d.%m.%Y'):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise _error(line, 'msg_import_bad_date', value=value)


def parse_amount(value, line):
    value = (value or '').strip().replace('\u00a0', '').replace(' ', '')
    if not value:
        return Decimal(0)
    value = value.replace(',', '.')
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise _error(line, 'msg_import_bad_amount', value=value)
    if amount < 0 or amount != amount.quantize(CENT):
        raise _error(line, 'msg_import_bad_amount', value=value)
    return amount


class ImportStatement(metaclass=PoolMeta):
    __name__ = 'account.statement.import'

    def parse_edu_csv(self):
        "Read the CSV statement (see the module docstring)"
        content = self.start.file_
        try:
            text = content.decode('utf-8-sig')
        except UnicodeDecodeError:
            raise StatementImportError(gettext(
                    'edu_account_cash.msg_import_encoding'))
        rows = []
        reader = csv.reader(io.StringIO(text), delimiter=';')
        for number, row in enumerate(reader, 1):
            if not any(cell.strip() for cell in row):
                continue
            if number == 1 and row and row[0].strip().lower() in {
                    'date', 'дата', 'күні', 'күн'}:
                continue
            if len(row) not in (7, 8):
                raise _error(number, 'msg_import_columns', count=len(row))
            rows.append((number, {
                        'date': row[0], 'number': row[1], 'code': row[2],
                        'name': row[3], 'debit': row[4], 'credit': row[5],
                        'purpose': row[6],
                        'source': row[7] if len(row) > 7 else '',
                        }))
        yield self._edu_statement(rows)

    def parse_edu_xml(self):
        "Read the XML statement (see the module docstring)"
        from lxml import etree
        parser = etree.XMLParser(resolve_entities=False, no_network=True,
            load_dtd=False, dtd_validation=False, huge_tree=False)
        try:
            root = etree.fromstring(self.start.file_, parser=parser)
        except etree.XMLSyntaxError as exception:
            raise StatementImportError(gettext(
                    'edu_account_cash.msg_import_xml', error=str(exception)))
        if etree.QName(root).localname != 'statement':
            raise StatementImportError(gettext(
                    'edu_account_cash.msg_import_xml',
                    error='<statement>'))
        rows = []
        for element in root:
            if not isinstance(element.tag, str):
                continue
            if etree.QName(element).localname != 'line':
                raise _error(element.sourceline, 'msg_import_xml_element',
                    name=etree.QName(element).localname)
            values = {}
            for child in element:
                if isinstance(child.tag, str):
                    values[etree.QName(child).localname] = (
                        child.text or '').strip()
            for required in ('date', 'debit', 'credit'):
                if required not in values:
                    raise _error(element.sourceline,
                        'msg_import_xml_missing', name=required)
            rows.append((element.sourceline, values))
        yield self._edu_statement(rows)

    def _edu_statement(self, rows):
        """Return the unsaved statement of the rows [(line, values)];
        raise StatementImportError naming the line of the first error"""
        pool = Pool()
        Statement = pool.get('account.statement')
        Line = pool.get('account.statement.line')
        Party = pool.get('party.party')
        Source = pool.get('edu.funding.source')
        PaymentOrder = pool.get('edu.payment.order')
        journal = self.start.edu_journal
        company = self.start.company
        if not journal:
            raise StatementImportError(gettext(
                    'edu_account_cash.msg_import_no_journal'))
        if not rows:
            raise StatementImportError(gettext(
                    'edu_account_cash.msg_import_empty'))
        default_source = (self.start.edu_funding_source
            or journal.edu_funding_source)
        lines = []
        for number, values in rows:
            date = parse_date(values.get('date'), number)
            debit = parse_amount(values.get('debit'), number)
            credit = parse_amount(values.get('credit'), number)
            if bool(debit) == bool(credit):
                raise _error(number, 'msg_import_debit_credit')
            amount = credit - debit
            code = (values.get('code') or '').strip().replace(' ', '')
            doc_number = (values.get('number') or '').strip()
            purpose = (values.get('purpose') or '').strip()
            source = default_source
            if values.get('source'):
                sources = Source.search(
                    [('code', '=', values['source'].strip())], limit=1)
                if not sources:
                    raise _error(number, 'msg_import_unknown_source',
                        code=values['source'])
                source, = sources
            line = Line(
                date=date, number=doc_number or None, amount=amount,
                description=purpose[:250] or None, funding_source=source)
            order = None
            if amount < 0 and doc_number:
                order = PaymentOrder.open_for(company, doc_number, -amount)
            if order:
                line.edu_payment_order = order
                line.party = order.party
                line.account = order.account
                line.funding_source = order.funding_source or source
                line.ebk_specific = order.ebk_specific
                line.ebk_program = order.ebk_program
            else:
                parties = Party.search(['OR',
                        ('iin', '=', code), ('bin', '=', code),
                        ], limit=1) if code else []
                if not parties:
                    raise _error(number, 'msg_import_unknown_party',
                        code=code or '-', name=values.get('name') or '')
                line.party, = parties
                with Transaction().set_context(company=company.id):
                    try:
                        line.account = (line.party.account_receivable_used
                            if amount > 0
                            else line.party.account_payable_used)
                    except Exception:
                        line.account = None
                if not line.account:
                    raise _error(number, 'msg_import_no_account',
                        party=line.party.rec_name)
            lines.append(line)
        dates = [l.date for l in lines]
        statement = Statement(
            company=company, journal=journal, date=max(dates),
            name='%s %s – %s' % (journal.rec_name, min(dates).isoformat(),
                max(dates).isoformat()),
            lines=lines)
        total = sum((l.amount for l in lines), Decimal(0))
        statement.start_balance = (
            statement.on_change_with_start_balance() or Decimal(0))
        statement.end_balance = statement.start_balance + total
        statement.total_amount = total
        statement.number_of_lines = len({
                statement._group_key(l) for l in lines})
        return statement
