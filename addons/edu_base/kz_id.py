# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Kazakh individual (ИИН/ЖСН) and business (БИН/БСН) identification numbers.

Both are 12 digits with the same control digit (R5.10 groundwork, R19.1):
the weighted sum of the first 11 digits with weights 1..11 modulo 11; when
that gives 10 the weights 3..11, 1, 2 are used; a second 10 means the number
cannot be valid.

IIN: YYMMDD, then the century-and-sex digit (1/2: 1800s, 3/4: 1900s,
5/6: 2000s; odd male, even female), four serial digits and the control digit.
BIN: YYMM of registration, the kind of body (4 resident legal entity,
5 non-resident legal entity, 6 joint individual entrepreneurship), a
sub-kind digit, five serial digits and the control digit.

Functions raise :class:`InvalidCode` with a machine-readable ``reason`` that
the models turn into translated ``ir.message`` errors.
"""
import datetime as dt

__all__ = ['InvalidCode', 'control_digit', 'validate_iin', 'validate_bin',
    'iin_birth_date', 'iin_sex', 'iin_info']

_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURY = {'1': 1800, '2': 1800, '3': 1900, '4': 1900, '5': 2000, '6': 2000}
BIN_KINDS = {'4', '5', '6'}


class InvalidCode(ValueError):
    "The number is not a valid IIN/BIN; ``reason`` says why."

    def __init__(self, reason, code):
        super().__init__(f'{reason}: {code!r}')
        self.reason = reason
        self.code = code


def compact(code):
    "Remove the spaces and dashes people type between digit groups"
    return ''.join((code or '').split()).replace('-', '')


def control_digit(first11):
    "Return the control digit for 11 digits, or None if none can exist"
    digits = [int(c) for c in first11]
    for weights in (_W1, _W2):
        value = sum(d * w for d, w in zip(digits, weights)) % 11
        if value != 10:
            return value
    return None


def _check_shape(code):
    code = compact(code)
    if not code.isdigit() or not code.isascii():
        raise InvalidCode('digits', code)
    if len(code) != 12:
        raise InvalidCode('length', code)
    expected = control_digit(code[:11])
    if expected is None or expected != int(code[11]):
        raise InvalidCode('checksum', code)
    return code


def iin_birth_date(code):
    "Return the birth date encoded in an IIN"
    code = compact(code)
    century = _CENTURY.get(code[6:7])
    if century is None:
        raise InvalidCode('century', code)
    try:
        return dt.date(
            century + int(code[0:2]), int(code[2:4]), int(code[4:6]))
    except ValueError:
        raise InvalidCode('date', code)


def iin_sex(code):
    "Return 'male' or 'female' from the IIN's seventh digit"
    code = compact(code)
    if code[6:7] not in _CENTURY:
        raise InvalidCode('century', code)
    return 'male' if int(code[6]) % 2 else 'female'


def validate_iin(code, today=None):
    "Return the compact IIN or raise InvalidCode"
    code = _check_shape(code)
    birth_date = iin_birth_date(code)
    if birth_date > (today or dt.date.today()):
        raise InvalidCode('future', code)
    return code


def iin_info(code):
    "Return (birth_date, sex) of a valid IIN"
    code = validate_iin(code)
    return iin_birth_date(code), iin_sex(code)


def validate_bin(code):
    "Return the compact BIN or raise InvalidCode"
    code = _check_shape(code)
    month = int(code[2:4])
    if not 1 <= month <= 12:
        raise InvalidCode('date', code)
    if code[4] not in BIN_KINDS:
        raise InvalidCode('bin_kind', code)
    return code


def make_iin(birth_date, sex, serial):
    """Build a valid IIN from a birth date, a sex and a serial number.

    Used by the demo generator and the tests to make fictitious persons; it
    skips serials for which no control digit exists.
    """
    century = birth_date.year // 100 * 100
    digit = {1800: 1, 1900: 3, 2000: 5}[century] + (sex == 'female')
    while True:
        first = '%s%d%04d' % (
            birth_date.strftime('%y%m%d'), digit, serial % 10000)
        check = control_digit(first)
        if check is not None:
            return first + str(check)
        serial += 1


def make_bin(year, month, serial, kind='4', sub_kind='0'):
    "Build a valid BIN (fictitious organisations in demo and tests)"
    while True:
        first = '%02d%02d%s%s%05d' % (
            year % 100, month, kind, sub_kind, serial % 100000)
        check = control_digit(first)
        if check is not None:
            return first + str(check)
        serial += 1
