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
  representative.

The server asks for the second factor when ``trytond.conf`` lists it after
the password::

    [session]
    authentications = password+totp
"""
