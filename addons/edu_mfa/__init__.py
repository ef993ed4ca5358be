# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Bilim ERP second factor (R5.11): TOTP login for the user accounts.

- ``totp.py``: the secret, the otpauth:// URI and its QR code, the check
  of a code (one time step either side, each step used once), the
  recovery codes — without Tryton;
- ``res.py``: the login method ``totp`` of ``res.user``, the per-user
  state (the secret never leaves the server) and the per-role policy,
  mandatory for staff;
- ``recovery.py``: the ten one-time recovery codes, stored hashed;
- ``enrol.py``: the enrolment wizard of the logged-in user (QR code,
  confirmation code, recovery codes shown once), run at login for a user
  who must enrol;
- ``reset.py``: the reset by an administrator, journalled (edu_audit) and
  reported as a security event (edu_security);
- ``exemption.py``: a learner under 16 (by the IIN's birth date) whose
  second factor is switched off with the recorded consent of a legal
  representative;
- ``sms.py``: the SMS gateways (HTTP, local simulator) behind Tryton's
  ``authentication_sms``, without Tryton;
- ``sms_login.py``: the code by SMS as the second factor, each user's
  choice of method and the mobile of the account or of its person;
- ``password.py``: the reset of a forgotten password by e-mail, with a
  temporary password in kk/ru that expires and logs in once;
- ``session.py``: the inactivity expiry of the sessions and "log out
  everywhere";
- ``translation.py``: Kazakh and Russian for ``authentication_sms``.

The server asks for the second factor when ``trytond.conf`` lists it after
the password (``docs/authentication.md``)::

    [session]
    authentications = password+totp+sms
"""
