# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Electronic document management: kinds, nomenclature of cases,
registration, files with preview and search, approval routes, signing
with NCA RK EDS, resolutions and execution control (R22.2–R22.10).
The classes are registered by tryton.cfg."""

# the pages of the portal for approving and signing (H7): routes on
# trytond.wsgi.app, registered only when edu_portal is installed
from . import portal  # noqa: E402,F401
