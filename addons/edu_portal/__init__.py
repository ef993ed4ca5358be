# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Bilim ERP portal for learners, parents and teachers: the free mobile app
of learners and parents (R27.19) as a progressive web app and the REST API
behind it (R27.1 digital profile: journal, homework, timetable; R27.8,
R27.11, R27.12, R27.16 feedback; R27.18 roles; R17 kk/ru), with its
OpenAPI document.

Design decision: learners and parents log in with their ``res.user``
accounts, with the roles ``role_learner`` and ``role_parent`` of edu_base
(the demo has them), not with ``web.user``.  So ONE set of record rules
(edu_learning, edu_timetable, edu_school, edu_teaching, edu_feedback:
``learner = person``, ``learner in person_learners``, ``teacher =
person``) decides what a user sees in sao and in the portal alike, and the
same machinery protects both: the password policy and reset (edu_base,
edu_mfa), the second factor (edu_mfa), the session timeout (edu_mfa's
``ir.session.check``), the register and throttling of failed logins
(edu_security) and the audit journal (edu_audit).

- ``api.py``: authentication (the token is the key of an ``ir.session``
  made by Tryton's own login), CSRF, language, transaction as the user,
  JSON errors in kk/ru;
- ``routes.py``: the endpoints of ``/<db>/portal/api/v1``;
- ``openapi.py``: the OpenAPI 3.1 document of the API (the contract);
- ``uploads.py``: the file types and sizes accepted (content detected);
- ``pages.py``: the app shell, static files, manifest and service worker
  with their security headers.
"""
from trytond.pool import Pool

from . import portal

__all__ = ['register']

# the HTTP routes, registered once: not again when a test runner imports
# this directory as "edu_portal"
if __name__ == 'trytond.modules.edu_portal':
    from . import pages, routes

    __all__ += [pages, routes]


def register():
    Pool.register(
        portal.PortalAPI,
        module='edu_portal', type_='model')
