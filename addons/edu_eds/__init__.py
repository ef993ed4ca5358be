# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""NCA RK electronic digital signatures: certificates, CMS verification
with chain, validity and revocation (OCSP, CRL), trusted roots and the
verified signatures of any record (R20, R22.4, R22.10, R5.3).
The classes are registered by tryton.cfg."""
