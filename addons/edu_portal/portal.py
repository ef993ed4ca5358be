# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import Model


class PortalAPI(Model):
    """Portal API

    No data: its presence in a database's pool tells that edu_portal is
    activated there, so that the routes answer only in such databases."""
    __name__ = 'edu.portal.api'
    __string__ = "Portal API"
