# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Time-based one-time passwords (RFC 6238) and recovery codes, without
Tryton: the secret, the otpauth:// URI and its QR code, the check of a
code against the time steps around now, and the one-time recovery codes.
"""
import hmac
import io
import secrets
import time

import pyotp
import qrcode
import qrcode.image.pure

ISSUER = 'Bilim ERP'
DIGITS = 6
INTERVAL = 30
#: the time steps accepted either side of the current one
VALID_WINDOW = 1
RECOVERY_CODES = 10
# no look-alike characters in a code read from paper
_RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'


def new_secret():
    "Return a new random base32 secret (160 bits)"
    return pyotp.random_base32(length=32)


def provisioning_uri(secret, login):
    "Return the otpauth:// URI an authenticator application reads"
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL
        ).provisioning_uri(name=login, issuer_name=ISSUER)


def qr_png(data):
    "Return the PNG image (bytes) of the QR code of data"
    image = qrcode.make(
        data, image_factory=qrcode.image.pure.PyPNGImage, box_size=6,
        border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def current_step(for_time=None):
    "Return the TOTP time step of for_time (a UNIX time, default now)"
    if for_time is None:
        for_time = time.time()
    return int(for_time // INTERVAL)


def match_step(secret, code, last_step=None, for_time=None):
    """Return the time step that code is valid for, within the window
    around for_time, or None.  A step not after last_step is refused: a
    code is used once."""
    code = normalise_code(code)
    if not secret or len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    step = current_step(for_time)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        candidate = step + offset
        if last_step is not None and candidate <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def normalise_code(code):
    "Return code without spaces and dashes, in capitals"
    return ''.join((code or '').split()).replace('-', '').upper()


def new_recovery_codes(count=RECOVERY_CODES):
    "Return count random recovery codes written as XXXXX-XXXXX"
    codes = []
    while len(codes) < count:
        raw = ''.join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        code = f'{raw[:5]}-{raw[5:]}'
        if code not in codes:
            codes.append(code)
    return codes
