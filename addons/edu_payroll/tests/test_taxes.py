# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Pure unit tests of the Kazakh payroll taxes (R19.12, R18): no database.

The rule sets below repeat the data of rates.xml (2025 and 2026, see
/work/shared/domain/payroll-2026.md); scenario_payroll_taxes.rst checks
the same figures reading the rule sets from the database."""
import unittest
from decimal import Decimal as D
from types import SimpleNamespace

from trytond.modules.edu_payroll.taxes import RESULT_KEYS, compute_taxes

RATES_2026 = {
    'mzp': D('85000'), 'mrp': D('4325'),
    'ipn_rate': D('0.10'), 'ipn_high_rate': D('0.15'),
    'ipn_threshold_mrp': D('8500'),
    'basic_deduction_mrp': D('30'), 'basic_deduction_year_mrp': D('360'),
    'ipn_adjustment': False,
    'opv_rate': D('0.10'), 'opv_cap_mzp': D('50'),
    'vosms_rate': D('0.02'), 'vosms_cap_mzp': D('20'),
    'opvr_rate': D('0.035'), 'opvr_min_mzp': D('1'), 'opvr_max_mzp': D('50'),
    'so_rate': D('0.05'), 'so_min_mzp': D('1'), 'so_max_mzp': D('7'),
    'oosms_rate': D('0.03'), 'oosms_cap_mzp': D('40'),
    'sn_rate': D('0.06'), 'sn_base': 'gross_opv_vosms', 'sn_minus_so': False,
    }
# an object, as a record is: attribute access
RATES_2025 = SimpleNamespace(
    mzp=D('85000'), mrp=D('3932'),
    ipn_rate=D('0.10'), ipn_high_rate=None, ipn_threshold_mrp=None,
    basic_deduction_mrp=D('14'), basic_deduction_year_mrp=None,
    ipn_adjustment=True,
    opv_rate=D('0.10'), opv_cap_mzp=D('50'),
    vosms_rate=D('0.02'), vosms_cap_mzp=D('10'),
    opvr_rate=D('0.025'), opvr_min_mzp=D('1'), opvr_max_mzp=D('50'),
    so_rate=D('0.05'), so_min_mzp=D('1'), so_max_mzp=D('7'),
    oosms_rate=D('0.03'), oosms_cap_mzp=D('10'),
    sn_rate=D('0.11'), sn_base='gross_opv_vosms', sn_minus_so=True)

THRESHOLD_2026 = D('8500') * D('4325')   # 36,762,500 ₸
DEDUCTION_2026 = D('30') * D('4325')     # 129,750 ₸


class TaxesTestCase(unittest.TestCase):
    "compute_taxes (R19.12)"

    def assertFigures(self, result, **expected):
        for key, value in expected.items():
            self.assertEqual(result[key], D(value), msg=key)
        # the identities hold whatever the case
        self.assertEqual(result['withholdings'],
            result['opv'] + result['vosms'] + result['ipn'])
        self.assertEqual(result['net'],
            result['gross'] - result['withholdings'])
        self.assertEqual(result['employer_total'],
            result['opvr'] + result['so'] + result['oosms'] + result['sn'])
        for key in RESULT_KEYS:
            self.assertIsInstance(result[key], D, msg=key)
            self.assertEqual(result[key].as_tuple().exponent, -2, msg=key)

    def test_worked_example_300000(self):
        "The published 2026 example: gross 300,000, basic deduction (R19.12)"
        result = compute_taxes(RATES_2026, D('300000'), basic_deduction=True)
        self.assertFigures(result,
            opv='30000', vosms='6000', deduction_used='129750',
            taxable='134250', ipn='13425', withholdings='49425',
            net='250575', opvr='10500', so='13500', oosms='9000',
            sn='15840', employer_total='48840')

    def test_worked_example_500000(self):
        "The published 500,000 example: withholdings 91,025 (R19.12)"
        result = compute_taxes(RATES_2026, 500000, basic_deduction=True)
        self.assertFigures(result,
            opv='50000', vosms='10000', ipn='31025',
            withholdings='91025', net='408975')

    def test_income_exempt_from_so_sn(self):
        """A benefit exempt from СО and СН (the sick pay) stays out of their
        bases; ОПВ and ВОСМС reduce them in proportion (R19.12)"""
        whole = compute_taxes(RATES_2026, D('300000'), basic_deduction=True,
            so_income=D('300000'), sn_income=D('300000'))
        self.assertFigures(whole, so='13500', sn='15840')
        result = compute_taxes(RATES_2026, D('300000'), basic_deduction=True,
            so_income=D('200000'), sn_income=D('200000'))
        # СО 5 % × (200,000 − 30,000 × 2/3); СН 6 % × 264,000 × 2/3
        self.assertFigures(result, opv='30000', vosms='6000', ipn='13425',
            net='250575', opvr='10500', so='9000', oosms='9000', sn='10560')

    def test_caps(self):
        "ОПВ ≤ 50 МЗП, ВОСМС ≤ 20 МЗП, ООСМС ≤ 40 МЗП, ОПВР/СО maxima (R18)"
        result = compute_taxes(RATES_2026, D('5000000'),
            basic_deduction=True)
        self.assertFigures(result,
            opv='425000',      # 10% × 4,250,000
            vosms='34000',     # 2% × 1,700,000
            oosms='102000',    # 3% × 3,400,000
            opvr='148750',     # 3.5% × 4,250,000
            so='29750',        # 5% × 595,000
            taxable='4411250', ipn='441125',
            sn='272460')       # 6% × (5,000,000 − 425,000 − 34,000)
        # just below each cap the contribution still grows
        below = compute_taxes(RATES_2026, D('1600000'))
        self.assertEqual(below['vosms'], D('32000'))
        self.assertEqual(below['oosms'], D('48000'))

    def test_minimum_bases(self):
        "ОПВР and СО on at least 1 МЗП for a part-time wage (R18)"
        result = compute_taxes(RATES_2026, D('50000'))
        self.assertFigures(result,
            opv='5000', opvr='2975',   # 3.5% × 85,000
            so='4250')                  # 5% × 85,000 (base 45,000)
        # from 1 МЗП on the real base is used
        result = compute_taxes(RATES_2026, D('100000'))
        self.assertFigures(result, opvr='3500', so='4500')

    def test_no_income(self):
        "A month without income pays nothing, minimum bases included"
        result = compute_taxes(RATES_2026, 0, basic_deduction=True)
        for key in RESULT_KEYS:
            self.assertEqual(result[key], 0, msg=key)

    def test_high_band_straddle(self):
        "15% on the annual taxable income above 8,500 МРП (Tax Code art. 363)"
        ytd = THRESHOLD_2026 - D('100000')
        result = compute_taxes(RATES_2026, D('300000'),
            ytd_taxable_income=ytd)
        # taxable 264,000: 100,000 at 10% + 164,000 at 15%
        self.assertFigures(result, taxable='264000',
            ipn='34600', net='229400')
        above = compute_taxes(RATES_2026, D('300000'),
            ytd_taxable_income=THRESHOLD_2026)
        self.assertEqual(above['ipn'], D('39600'))
        below = compute_taxes(RATES_2026, D('300000'),
            ytd_taxable_income=THRESHOLD_2026 - D('264000'))
        self.assertEqual(below['ipn'], D('26400'))

    def test_basic_deduction_needs_application(self):
        "No basic deduction without the employee's application (art. 401)"
        result = compute_taxes(RATES_2026, D('300000'))
        self.assertFigures(result, deduction_used='0', taxable='264000',
            ipn='26400', net='237600')
        # nor for a non-resident who applied
        result = compute_taxes(RATES_2026, D('300000'),
            basic_deduction=True, resident=False)
        self.assertEqual(result['deduction_used'], 0)

    def test_basic_deduction_year_limit(self):
        "The basic deduction stops at 360 МРП a year (art. 401)"
        mrp = D('4325')
        full = compute_taxes(RATES_2026, D('300000'), basic_deduction=True,
            ytd_basic_deduction=330 * mrp)
        self.assertEqual(full['deduction_used'], DEDUCTION_2026)
        partial = compute_taxes(RATES_2026, D('300000'),
            basic_deduction=True, ytd_basic_deduction=345 * mrp)
        self.assertFigures(partial, deduction_used='64875',
            taxable='199125', ipn='19913')   # 19,912.5 rounds half up
        spent = compute_taxes(RATES_2026, D('300000'), basic_deduction=True,
            ytd_basic_deduction=360 * mrp)
        self.assertFigures(spent, deduction_used='0', ipn='26400')

    def test_deduction_never_exceeds_income(self):
        "The taxable income never goes below zero"
        result = compute_taxes(RATES_2026, D('100000'), basic_deduction=True)
        self.assertFigures(result, opv='10000', vosms='2000',
            deduction_used='88000', taxable='0', ipn='0', net='88000')

    def test_pensioner(self):
        "A pensioner: no ОПВ, ОПВР, ВОСМС, ООСМС nor СО"
        result = compute_taxes(RATES_2026, D('300000'),
            basic_deduction=True, pensioner=True)
        self.assertFigures(result, opv='0', vosms='0', opvr='0', so='0',
            oosms='0', taxable='170250', ipn='17025', net='282975',
            sn='18000')

    def test_disability_indefinite(self):
        "Group I/II indefinitely: no ОПВ nor ОПВР; the state pays ВОСМС"
        result = compute_taxes(RATES_2026, D('300000'),
            basic_deduction=True, disability='2',
            disability_indefinite=True)
        self.assertFigures(result, opv='0', vosms='0', opvr='0',
            oosms='0', so='15000', ipn='17025')

    def test_disability_limited(self):
        "Group III or for a term: ОПВ and ОПВР paid, no ВОСМС/ООСМС"
        for disability, indefinite in [('3', True), ('2', False)]:
            result = compute_taxes(RATES_2026, D('300000'),
                basic_deduction=True, disability=disability,
                disability_indefinite=indefinite)
            self.assertFigures(result, opv='30000', vosms='0',
                opvr='10500', oosms='0', so='13500', ipn='14025')

    def test_born_before_1975(self):
        "Born before 1 Jan 1975: no ОПВР, the rest unchanged"
        result = compute_taxes(RATES_2026, D('300000'),
            basic_deduction=True, born_before_1975=True)
        self.assertFigures(result, opv='30000', vosms='6000', ipn='13425',
            net='250575', opvr='0', so='13500', oosms='9000', sn='15840')

    def test_non_resident(self):
        "A non-resident: flat ИПН, no deduction, no pension nor health"
        result = compute_taxes(RATES_2026, D('300000'),
            basic_deduction=True, resident=False,
            ytd_taxable_income=THRESHOLD_2026)
        self.assertFigures(result, opv='0', vosms='0', opvr='0', so='0',
            oosms='0', ipn='30000', net='270000', sn='18000')

    def test_rounding_half_up(self):
        "Each tax is rounded to whole tenge, half up"
        result = compute_taxes(RATES_2026, D('300005'))
        self.assertFigures(result, opv='30001',   # 30,000.5
            vosms='6000',                          # 6,000.1
            taxable='264004', ipn='26400', net='237604')
        kopecks = compute_taxes(RATES_2026, D('300000.40'))
        self.assertEqual(kopecks['net'],
            D('300000.40') - kopecks['withholdings'])

    def test_opv_base(self):
        "An income outside ОПВ (opv_base) still bears ИПН and ВОСМС"
        result = compute_taxes(RATES_2026, D('300000'), opv_base=D('200000'))
        self.assertFigures(result, opv='20000', vosms='6000',
            opvr='7000', so='9000', taxable='274000', ipn='27400')

    def test_2025_month(self):
        "A 2025 month: flat 10%, 14 МРП, ОПВР 2.5%, СН 11% − СО"
        result = compute_taxes(RATES_2025, D('300000'),
            basic_deduction=True,
            # no 8,500 МРП band in 2025
            ytd_taxable_income=THRESHOLD_2026)
        self.assertFigures(result, opv='30000', vosms='6000',
            deduction_used='55048', taxable='208952', ipn='20895',
            net='243105', opvr='7500', so='13500', oosms='9000',
            sn='15540')   # 11% × 264,000 − 13,500
        # ВОСМС and ООСМС capped at 10 МЗП in 2025
        high = compute_taxes(RATES_2025, D('1000000'))
        self.assertFigures(high, vosms='17000', oosms='25500')

    def test_2025_low_wage_adjustment(self):
        "2025: the taxable income of a month below 25 МРП is cut by 90%"
        result = compute_taxes(RATES_2025, D('90000'), basic_deduction=True)
        # 90,000 − 9,000 − 1,800 − 55,048 = 24,152; 10% of 2,415.20
        self.assertFigures(result, taxable='24152',
            ipn_adjustment='21736.80', ipn='242', net='78958')
        # at 25 МРП (98,300) and above no adjustment
        result = compute_taxes(RATES_2025, D('100000'), basic_deduction=True)
        self.assertFigures(result, ipn_adjustment='0', ipn='3295')
        # never in 2026
        result = compute_taxes(RATES_2026, D('90000'))
        self.assertEqual(result['ipn_adjustment'], 0)

    def test_2025_sn_never_negative(self):
        "2025: СН minus СО never below zero"
        result = compute_taxes(RATES_2025, D('50000'))
        # 11% × 44,000 = 4,840 minus СО 4,250 (on the 1 МЗП minimum)
        self.assertFigures(result, so='4250', sn='590')
        # 11% × 26,400 = 2,904 is less than СО 4,250: no СН
        result = compute_taxes(RATES_2025, D('30000'))
        self.assertFigures(result, so='4250', sn='0')
        pensioner = compute_taxes(RATES_2025, D('50000'), pensioner=True)
        self.assertFigures(pensioner, so='0', sn='5500')

    def test_invalid_disability(self):
        with self.assertRaises(ValueError):
            compute_taxes(RATES_2026, D('1000'), disability='4')
