# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Printout with signature stamps and QR code, the public verification
page, archive of closed cases with inventories, full archive export
(R22.11, R22.12, R22.13).
The classes are registered by tryton.cfg."""
