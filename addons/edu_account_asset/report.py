# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Printed forms of inventories and fixed assets, kk and ru (R19.7, R19.10).

Every label comes from an ir.message of this module, so the form prints in
the printing language (edu_account.printing.language()).
"""
from decimal import Decimal

from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, XlsxDocument, amount_in_words, format_amount,
    language, translated)
from trytond.pool import Pool

_ZERO = Decimal(0)


def _(name, **variables):
    return translated('edu_account_asset.msg_label_' + name, **variables)


def _date(date):
    return date.strftime('%d.%m.%Y') if date else ''


def _qty(value):
    if value is None:
        return ''
    return ('%.3f' % value).rstrip('0').rstrip('.').replace('.', ',')


def _name(record):
    return record.rec_name if record else ''


def _lines(text):
    return [l.strip() for l in (text or '').splitlines() if l.strip()]


def _selection(record, field):
    "The translated label of a selection field in the printing language"
    Model = Pool().get(record.__name__)
    from trytond.transaction import Transaction
    with Transaction().set_context(language=language()):
        selection = dict(Model.fields_get([field])[field]['selection'])
    return selection.get(getattr(record, field), '')


class StockDocumentReport(FileReport):
    "Receipt, issue, write-off act or transfer of inventories (R19.7)"
    __name__ = 'edu.stock.document.form'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        pdf = None
        for document in records:
            pdf = cls.draw(document, pdf)
        return pdf.build()

    @classmethod
    def draw(cls, document, pdf=None):
        title = _('form_' + document.kind)
        if pdf is None:
            pdf = PdfDocument(title)
        else:
            pdf.spacer(24)
        pdf.heading('%s № %s' % (title, document.number or ''))
        pairs = [
            (_('institution'), _name(document.company)),
            (_('date'), _date(document.date)),
            (_('storage_place'), _name(document.location)),
            (_('responsible'), _name(document.responsible)),
            ]
        if document.kind == 'receipt':
            pairs += [(_('supplier'), _name(document.party)),
                (_('supplier_document'), document.supplier_reference or '')]
        if document.kind == 'issue':
            pairs.append((_('recipient'), _name(document.recipient)))
        if document.kind == 'transfer':
            pairs += [(_('to_storage_place'), _name(document.to_location)),
                (_('to_responsible'), _name(document.to_responsible))]
        if document.funding_source:
            pairs.append((_('funding_source'), _name(document.funding_source)))
        pdf.fields(pairs)
        rows = [[_('no'), _('product'), _('unit'), _('quantity'),
                _('price'), _('amount'), _('ebk')]]
        for i, line in enumerate(document.lines, 1):
            rows.append([str(i), line.product.rec_name,
                    line.product.default_uom.symbol, _qty(line.quantity),
                    format_amount(line.unit_price)
                    if line.unit_price is not None else '',
                    format_amount(line.amount)
                    if line.amount is not None else '',
                    line.ebk_specific.code if line.ebk_specific else ''])
        total = document.total or _ZERO
        rows.append(['', _('total'), '', '', '', format_amount(total), ''])
        pdf.table(rows, col_widths=[0.05, 0.37, 0.08, 0.1, 0.13, 0.15, 0.12],
            numeric=(3, 4, 5), bold_rows=(len(rows) - 1,))
        pdf.paragraph('%s: %s' % (_('in_words'),
                amount_in_words(total, language(), 'KZT')))
        if document.reason:
            pdf.paragraph('%s: %s' % (_('reason'), document.reason))
        signatures = []
        if document.kind == 'writeoff':
            for i, member in enumerate(_lines(document.commission)):
                signatures.append((_('chairman') if i == 0
                        else _('commission_member'), member))
        if document.kind == 'receipt':
            signatures.append((_('received'), _name(document.responsible)))
        else:
            signatures.append((_('handed'), _name(document.responsible)))
        if document.kind == 'issue':
            signatures.append((_('received'), _name(document.recipient)))
        if document.kind == 'transfer':
            signatures.append((_('received'), _name(document.to_responsible)))
        signatures.append((_('accountant'), ''))
        pdf.signatures(signatures)
        return pdf


def inventory_rows(inventory):
    """Return the rows of the inventory list of a stock.inventory and the
    totals: expected and counted quantity and amount, surplus, shortage"""
    rows = []
    totals = [_ZERO] * 4
    for i, line in enumerate(inventory.lines, 1):
        price = None
        for move in line.moves:
            if move.cost_price is not None:
                price = move.cost_price
        if price is None:
            price = line.product.get_multivalue(
                'cost_price', company=inventory.company.id) or _ZERO
        expected = line.expected_quantity or 0
        counted = line.quantity if line.quantity is not None else expected
        expected_amount = (Decimal(str(expected)) * price).quantize(
            Decimal('0.01'))
        counted_amount = (Decimal(str(counted)) * price).quantize(
            Decimal('0.01'))
        difference = counted_amount - expected_amount
        surplus = difference if difference > 0 else _ZERO
        shortage = -difference if difference < 0 else _ZERO
        for j, value in enumerate([expected_amount, counted_amount,
                    surplus, shortage]):
            totals[j] += value
        rows.append([i, line.product.rec_name,
                line.product.default_uom.symbol, expected, counted,
                price.quantize(Decimal('0.01')), expected_amount,
                counted_amount, surplus, shortage])
    return rows, totals


def inventory_header():
    return [_('no'), _('product'), _('unit'), _('expected_quantity'),
        _('counted_quantity'), _('price'), _('expected_amount'),
        _('counted_amount'), _('surplus'), _('shortage')]


class InventoryListReport(FileReport):
    "Inventory list (инвентаризационная опись) of a stock-taking, PDF"
    __name__ = 'edu.stock.inventory.list'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        pdf = PdfDocument(_('form_inventory'), landscape=True)
        for inventory in records:
            pdf.heading('%s № %s' % (
                    _('form_inventory'), inventory.number or ''))
            pdf.fields([
                    (_('institution'), _name(inventory.company)),
                    (_('date'), _date(inventory.date)),
                    (_('storage_place'), _name(inventory.location)),
                    (_('responsible'),
                        _name(inventory.location.edu_responsible)),
                    (_('order_number'), inventory.edu_order_number or ''),
                    ])
            rows, totals = inventory_rows(inventory)
            table = [inventory_header()]
            for row in rows:
                table.append([str(row[0]), row[1], row[2], _qty(row[3]),
                        _qty(row[4])] + [format_amount(v) for v in row[5:]])
            table.append(['', _('total'), '', '', '', '']
                + [format_amount(v) for v in totals])
            pdf.table(table, col_widths=[0.04, 0.24, 0.06, 0.08, 0.08,
                    0.09, 0.11, 0.11, 0.095, 0.095],
                numeric=(3, 4, 5, 6, 7, 8, 9), bold_rows=(len(table) - 1,))
            signatures = []
            for i, member in enumerate(_lines(inventory.edu_commission)):
                signatures.append((_('chairman') if i == 0
                        else _('commission_member'), member))
            signatures.append((_('responsible'),
                    _name(inventory.location.edu_responsible)))
            pdf.signatures(signatures)
        return pdf.build()


class InventoryListXlsx(FileReport):
    "Inventory list of a stock-taking, XLSX"
    __name__ = 'edu.stock.inventory.list.xlsx'
    extension = 'xlsx'

    @classmethod
    def render(cls, records, data):
        book = XlsxDocument()
        for inventory in records:
            rows, totals = inventory_rows(inventory)
            rows.append(['', _('total'), '', '', '', ''] + totals)
            book.sheet(inventory.number or str(inventory.id),
                '%s № %s, %s, %s' % (_('form_inventory'),
                    inventory.number or '', _name(inventory.location),
                    _date(inventory.date)),
                inventory_header(), rows, bold_rows=(len(rows) - 1,),
                widths=[5, 40, 8, 12, 12, 12, 15, 15, 15, 15])
        return book.build()


class AssetCardReport(FileReport):
    "Inventory card of a fixed asset (инвентарная карточка, R19.10)"
    __name__ = 'edu.asset.card'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        pdf = PdfDocument(_('form_card'))
        for asset in records:
            pdf.heading('%s № %s' % (_('form_card'), asset.number or ''))
            group = asset.edu_group
            pdf.fields([
                    (_('institution'), _name(asset.company)),
                    (_('asset'), _name(asset.product)),
                    (_('inventory_number'), asset.number or ''),
                    (_('group'), _name(group)),
                    (_('rate'), '%s %%' % group.rate if group else ''),
                    (_('account'), group.account_code if group else ''),
                    (_('receipt_date'), _date(asset.purchase_date)),
                    (_('receipt_kind'),
                        _selection(asset, 'edu_receipt_kind')),
                    (_('supplier'), _name(asset.edu_party)),
                    (_('commissioning_date'),
                        _date(asset.edu_commissioning_date)),
                    (_('responsible'), _name(asset.edu_responsible)),
                    (_('place'), _name(asset.edu_location)),
                    (_('value'), format_amount(asset.value)),
                    (_('depreciation'), format_amount(
                            (asset.depreciated_amount or _ZERO)
                            + asset.get_depreciated_amount())),
                    (_('residual'), format_amount(asset.edu_residual)),
                    (_('writeoff_date'), _date(asset.edu_writeoff_date)),
                    ])
            rows = [[_('date'), _('depreciation'), _('accumulated'),
                    _('residual')]]
            for line in asset.lines:
                if not line.move or line.move.state != 'posted':
                    continue
                rows.append([_date(line.date),
                        format_amount(line.depreciation),
                        format_amount(line.accumulated_depreciation),
                        format_amount(line.actual_value)])
            pdf.paragraph(_('depreciation_history'), style='heading')
            pdf.table(rows, col_widths=[0.25] * 4, numeric=(1, 2, 3))
            rows = [[_('date'), _('number'), _('from'), _('to')]]
            for transfer in asset.edu_transfers:
                if transfer.state != 'done':
                    continue
                rows.append([_date(transfer.date), transfer.number or '',
                        _name(transfer.from_employee),
                        _name(transfer.to_employee)])
            pdf.paragraph(_('transfer_history'), style='heading')
            pdf.table(rows, col_widths=[0.15, 0.15, 0.35, 0.35])
            pdf.signatures([(_('accountant'), '')])
        return pdf.build()


class AssetTransferReport(FileReport):
    "Act of transfer of a fixed asset between responsible persons"
    __name__ = 'edu.asset.transfer.act'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        pdf = PdfDocument(_('form_transfer'))
        for transfer in records:
            asset = transfer.asset
            pdf.heading('%s № %s' % (_('form_transfer'),
                    transfer.number or ''))
            pdf.fields([
                    (_('institution'), _name(transfer.company)),
                    (_('date'), _date(transfer.date)),
                    (_('asset'), _name(asset.product)),
                    (_('inventory_number'), asset.number or ''),
                    (_('value'), format_amount(asset.value)),
                    (_('residual'), format_amount(asset.edu_residual)),
                    (_('from'), '%s %s' % (_name(transfer.from_employee),
                            _name(transfer.from_location))),
                    (_('to'), '%s %s' % (_name(transfer.to_employee),
                            _name(transfer.to_location))),
                    (_('reason'), transfer.reason or ''),
                    ])
            pdf.signatures([
                    (_('handed'), _name(transfer.from_employee)),
                    (_('received'), _name(transfer.to_employee)),
                    (_('accountant'), ''),
                    ])
        return pdf.build()


class AssetInventoryReport(FileReport):
    "Inventory list of fixed assets of a responsible person (R19.10)"
    __name__ = 'edu.asset.inventory.list'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        pdf = PdfDocument(_('form_asset_inventory'), landscape=True)
        for inventory in records:
            pdf.heading('%s № %s' % (_('form_asset_inventory'),
                    inventory.number or ''))
            pdf.fields([
                    (_('institution'), _name(inventory.company)),
                    (_('date'), _date(inventory.date)),
                    (_('responsible'), _name(inventory.responsible)),
                    ])
            rows = [[_('no'), _('inventory_number'), _('asset'),
                    _('value'), _('found'), _('missing'), _('note')]]
            found = missing = _ZERO
            for i, line in enumerate(inventory.lines, 1):
                value = line.asset.value
                if line.found:
                    found += value
                else:
                    missing += value
                rows.append([str(i), line.asset.number or '',
                        _name(line.asset.product), format_amount(value),
                        format_amount(value) if line.found else '',
                        '' if line.found else format_amount(value),
                        line.note or ''])
            rows.append(['', '', _('total'), format_amount(found + missing),
                    format_amount(found), format_amount(missing), ''])
            pdf.table(rows, col_widths=[0.05, 0.12, 0.33, 0.12, 0.12, 0.12,
                    0.14], numeric=(3, 4, 5), bold_rows=(len(rows) - 1,))
            signatures = []
            for i, member in enumerate(_lines(inventory.commission)):
                signatures.append((_('chairman') if i == 0
                        else _('commission_member'), member))
            signatures.append((_('responsible'),
                    _name(inventory.responsible)))
            pdf.signatures(signatures)
        return pdf.build()
