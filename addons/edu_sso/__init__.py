# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.

# the HTTP routes of SAML and OpenID Connect (R9, R33-1.13), registered
# once: not again when a test runner imports this directory as "edu_sso"
if __name__ == 'trytond.modules.edu_sso':
    from . import routes

    __all__ = [routes]
