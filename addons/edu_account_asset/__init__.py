# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Inventories (ТМЗ, R19.7) and fixed assets (R19.10) of a state institution.

Design (see the module docstrings of stock.py and asset.py): Tryton's
``stock`` keeps the quantities (storage places are ``stock.location`` of
type storage, every document does real ``stock.move`` records, the cost is
Tryton's weighted average per product and company) and Tryton's
``account_asset`` keeps the depreciation schedule; this module adds the
documents of a state institution, their postings to the ledger of
edu_account (journals STO and AST) and the printed forms in kk and ru.
"""
from trytond.pool import Pool

from . import asset, report, stock

__all__ = ['register']


def register():
    Pool.register(
        stock.Company,
        stock.Location,
        stock.Category,
        stock.Template,
        stock.Product,
        stock.Document,
        stock.DocumentLine,
        stock.Move,
        stock.AccountMove,
        stock.Inventory,
        asset.AssetGroup,
        asset.Asset,
        asset.AssetTransfer,
        asset.AssetInventory,
        asset.AssetInventoryLine,
        module='edu_account_asset', type_='model')
    Pool.register(
        report.StockDocumentReport,
        report.InventoryListReport,
        report.InventoryListXlsx,
        report.AssetCardReport,
        report.AssetTransferReport,
        report.AssetInventoryReport,
        module='edu_account_asset', type_='report')
