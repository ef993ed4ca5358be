# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Unit tests of the IIN/BIN checks (R19.1 reference data, R5.4 unified
formats, R5.10 groundwork): no database.

The valid numbers below were checked by hand with the algorithm of the
kz_id docstring (weights 1..11, then 3..11, 1, 2 when the first pass gives
10); the arithmetic is written next to each so that a reader can redo it.
They are fictitious: no real person's IIN is used.
"""
import datetime as dt
import random

import pytest

from trytond.modules.edu_base import kz_id

W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def reference_control(first11):
    "An independent implementation of the control digit, for cross-checks"
    digits = [int(c) for c in first11]
    first = sum(d * w for d, w in zip(digits, W1)) % 11
    if first != 10:
        return first
    second = sum(d * w for d, w in zip(digits, W2)) % 11
    return None if second == 10 else second


def with_control(first11):
    "Complete 11 digits with their control digit (must exist)"
    check = reference_control(first11)
    assert check is not None, first11
    return first11 + str(check)


# 9005153 0001: 9*1 + 5*4 + 1*5 + 5*6 + 3*7 + 1*11 = 96 = 8*11 + 8 -> 8
IIN_MALE_1990 = '900515300018'
# 1302036 0005: 1*1 + 3*2 + 2*4 + 3*6 + 6*7 + 5*11 = 130 = 11*11 + 9 -> 9
IIN_FEMALE_2013 = '130203600059'
# 9005153 0090, first pass: 9 + 20 + 5 + 30 + 21 + 9*10 = 175
#   = 15*11 + 10 -> 10, so the second pass is used:
#   9*3 + 5*6 + 1*7 + 5*8 + 3*9 + 9*1 = 140 = 12*11 + 8 -> 8
# (found by a throw-away search over the serials of 15.05.1990)
IIN_SECOND_PASS = '900515300908'
# 9005153 0091 gives 10 in both passes (186 and 142): no IIN exists
NO_CONTROL_DIGIT = '90051530091'
# 0409 4 0 00021: 4*2 + 9*4 + 4*5 + 2*10 + 1*11 = 95 = 8*11 + 7 -> 7
BIN_2004 = '040940000217'
# 0409 4 0 00180, first pass: 8 + 36 + 20 + 1*9 + 8*10 = 153 -> 10,
#   second pass: 4*4 + 9*6 + 4*7 + 1*11 + 8*1 = 117 = 10*11 + 7 -> 7
BIN_SECOND_PASS = '040940001807'


def reason(func, *args, **kwargs):
    "Return the reason of the InvalidCode raised by func"
    with pytest.raises(kz_id.InvalidCode) as info:
        func(*args, **kwargs)
    assert isinstance(info.value, ValueError)
    return info.value.reason


class TestControlDigit:
    "The shared control digit of IIN and BIN"

    def test_hand_checked_values(self):
        assert kz_id.control_digit('90051530001') == 8
        assert kz_id.control_digit('13020360005') == 9
        assert kz_id.control_digit('04094000021') == 7

    def test_second_pass(self):
        # the first pass gives 10 for these, the second pass decides
        assert sum(int(d) * w for d, w in zip('90051530090', W1)) % 11 == 10
        assert kz_id.control_digit('90051530090') == 8
        assert kz_id.control_digit('04094000180') == 7

    def test_no_control_digit(self):
        assert kz_id.control_digit(NO_CONTROL_DIGIT) is None

    def test_matches_reference_implementation(self):
        generator = random.Random(456)
        for _ in range(5000):
            first11 = ''.join(generator.choice('0123456789')
                for _ in range(11))
            assert kz_id.control_digit(first11) == \
                reference_control(first11), first11


class TestValidIIN:
    "Valid IINs and what they encode"

    @pytest.mark.parametrize('code, birth_date, sex', [
            (IIN_MALE_1990, dt.date(1990, 5, 15), 'male'),
            (IIN_FEMALE_2013, dt.date(2013, 2, 3), 'female'),
            (IIN_SECOND_PASS, dt.date(1990, 5, 15), 'male'),
            ])
    def test_valid(self, code, birth_date, sex):
        assert kz_id.validate_iin(code) == code
        assert kz_id.iin_birth_date(code) == birth_date
        assert kz_id.iin_sex(code) == sex
        assert kz_id.iin_info(code) == (birth_date, sex)

    def test_compacts_spaces_and_dashes(self):
        assert kz_id.validate_iin(' 900515 300018 ') == IIN_MALE_1990
        assert kz_id.validate_iin('900515-300018') == IIN_MALE_1990
        assert kz_id.compact(None) == ''

    @pytest.mark.parametrize('digit, year, sex', [
            ('1', 1899, 'male'), ('2', 1899, 'female'),
            ('3', 1999, 'male'), ('4', 1999, 'female'),
            ])
    def test_centuries(self, digit, year, sex):
        code = with_control('991231' + digit + '0042')
        assert kz_id.iin_birth_date(code) == dt.date(year, 12, 31)
        assert kz_id.iin_sex(code) == sex
        assert kz_id.validate_iin(code) == code

    def test_2000s(self):
        code = with_control('0002295' + '0007')  # 29 Feb 2000, leap year
        assert kz_id.iin_info(code) == (dt.date(2000, 2, 29), 'male')
        code = with_control('1009016' + '0001')
        assert kz_id.iin_info(code) == (dt.date(2010, 9, 1), 'female')

    def test_born_today_is_not_future(self):
        today = dt.date(2024, 9, 1)
        code = with_control('2409015' + '0003')
        assert kz_id.validate_iin(code, today=today) == code


class TestInvalidIIN:
    "Each kind of invalid IIN is refused with its own reason"

    def test_wrong_control_digit(self):
        for last in '0123456789':
            if last != '8':
                assert reason(kz_id.validate_iin,
                    IIN_MALE_1990[:11] + last) == 'checksum'

    def test_no_possible_control_digit(self):
        for last in '0123456789':
            assert reason(kz_id.validate_iin,
                NO_CONTROL_DIGIT + last) == 'checksum'

    @pytest.mark.parametrize('code', [
            '90051530001', '9005153000188', '9' * 20, '9'])
    def test_wrong_length(self, code):
        assert reason(kz_id.validate_iin, code) == 'length'

    @pytest.mark.parametrize('code', ['', '   ', None])
    def test_empty(self, code):
        assert reason(kz_id.validate_iin, code) == 'digits'

    @pytest.mark.parametrize('code', [
            '90051530001A',
            '9005153000I8',
            '90051530001О',  # Cyrillic capital O, not a zero
            '90051530001١',  # ARABIC-INDIC DIGIT ONE: isdigit() is True
            '９００５１５３０００１８',  # FULLWIDTH digits
            '900515.300018',
            '+90051530001',
            ])
    def test_non_digits(self, code):
        assert reason(kz_id.validate_iin, code) == 'digits'

    @pytest.mark.parametrize('first6, why', [
            ('901315', "month 13"),
            ('900015', "month 00"),
            ('900532', "day 32"),
            ('900500', "day 00"),
            ('900230', "30 February"),
            ('010229', "29 February of 2001, not a leap year"),
            ('900431', "31 April"),
            ])
    def test_bad_date(self, first6, why):
        code = with_control(first6 + '3' + '0001')
        assert reason(kz_id.validate_iin, code) == 'date', why
        assert reason(kz_id.iin_birth_date, code) == 'date', why

    @pytest.mark.parametrize('digit', ['0', '7', '8', '9'])
    def test_bad_century(self, digit):
        code = with_control('900515' + digit + '0001')
        assert reason(kz_id.validate_iin, code) == 'century'
        assert reason(kz_id.iin_birth_date, code) == 'century'
        assert reason(kz_id.iin_sex, code) == 'century'

    def test_future_birth_date(self):
        code = with_control('2501015' + '0001')  # 1 January 2025
        assert reason(kz_id.validate_iin, code,
            today=dt.date(2024, 12, 31)) == 'future'
        assert kz_id.validate_iin(code, today=dt.date(2025, 1, 1)) == code

    def test_future_against_today_by_default(self):
        tomorrow = dt.date.today() + dt.timedelta(days=1)
        code = kz_id.make_iin(tomorrow, 'male', 1)
        assert reason(kz_id.validate_iin, code) == 'future'

    def test_invalid_code_carries_code(self):
        with pytest.raises(kz_id.InvalidCode) as info:
            kz_id.validate_iin('900515 300019')
        assert info.value.code == '900515300019'
        assert info.value.reason == 'checksum'
        assert 'checksum' in str(info.value)


class TestBIN:
    "Business identification numbers"

    @pytest.mark.parametrize('code', [BIN_2004, BIN_SECOND_PASS])
    def test_valid(self, code):
        assert kz_id.validate_bin(code) == code

    @pytest.mark.parametrize('kind', ['4', '5', '6'])
    def test_kinds(self, kind):
        code = with_control('0409' + kind + '000021')
        assert kz_id.validate_bin(code) == code

    def test_wrong_control_digit(self):
        assert reason(kz_id.validate_bin, BIN_2004[:11] + '8') == 'checksum'

    @pytest.mark.parametrize('month', ['13', '00', '99'])
    def test_bad_month(self, month):
        code = with_control('04' + month + '4000021')
        assert reason(kz_id.validate_bin, code) == 'date'

    @pytest.mark.parametrize('kind', ['0', '1', '2', '3', '7', '8', '9'])
    def test_bad_kind(self, kind):
        code = with_control('0409' + kind + '000021')
        assert reason(kz_id.validate_bin, code) == 'bin_kind'

    def test_shape(self):
        assert reason(kz_id.validate_bin, '04094000021') == 'length'
        assert reason(kz_id.validate_bin, '04094000021٧') == 'digits'

    def test_iin_is_not_a_bin(self):
        # an IIN of someone born on the 15th: "month" 05 is fine but the
        # fifth digit (1, from the day) is not a kind of legal entity
        assert reason(kz_id.validate_bin, IIN_MALE_1990) == 'bin_kind'


class TestMake:
    "Generators used by the demo data and the tests"

    @pytest.mark.parametrize('birth_date, sex, digit', [
            (dt.date(1899, 12, 31), 'male', '1'),
            (dt.date(1850, 1, 1), 'female', '2'),
            (dt.date(1985, 4, 12), 'male', '3'),
            (dt.date(1961, 6, 30), 'female', '4'),
            (dt.date(2000, 2, 29), 'male', '5'),
            (dt.date(2016, 11, 7), 'female', '6'),
            ])
    def test_make_iin_round_trip(self, birth_date, sex, digit):
        for serial in (0, 1, 42, 9999, 10005):
            code = kz_id.make_iin(birth_date, sex, serial)
            assert len(code) == 12
            assert code[:6] == birth_date.strftime('%y%m%d')
            assert code[6] == digit
            assert kz_id.validate_iin(code) == code
            assert kz_id.iin_info(code) == (birth_date, sex)
            assert int(code[11]) == reference_control(code[:11])

    def test_make_iin_serial(self):
        code = kz_id.make_iin(dt.date(1990, 5, 15), 'male', 1)
        assert code == IIN_MALE_1990
        assert kz_id.make_iin(dt.date(1990, 5, 15), 'male', 90) == \
            IIN_SECOND_PASS
        # serial 0091 has no control digit: the next serial is taken
        code = kz_id.make_iin(dt.date(1990, 5, 15), 'male', 91)
        assert code[7:11] == '0092'
        assert kz_id.validate_iin(code) == code

    def test_make_iin_unsupported_century(self):
        with pytest.raises(KeyError):
            kz_id.make_iin(dt.date(1799, 1, 1), 'male', 1)

    @pytest.mark.parametrize('kind', ['4', '5', '6'])
    def test_make_bin_round_trip(self, kind):
        for serial in (0, 21, 180, 99999):
            code = kz_id.make_bin(2004, 9, serial, kind=kind)
            assert code[:5] == '0409' + kind
            assert kz_id.validate_bin(code) == code

    def test_make_bin_values(self):
        assert kz_id.make_bin(2004, 9, 21) == BIN_2004
        assert kz_id.make_bin(1999, 12, 5, kind='5', sub_kind='1')[:6] == \
            '991251'
