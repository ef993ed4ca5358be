# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Kazakh taxes and contributions of one month's pay (R19.12, R18).

A pure computation: no ORM, no database.  Every rate, cap and threshold
comes from the dated rule set ``rates`` (an ``edu.payroll.rates`` record,
or any object or dict with the same attribute names), never from a
literal here, because they change every year
(/work/shared/domain/payroll-2026.md).

Rounding: each tax and contribution is rounded to whole tenge
(ROUND_HALF_UP), as in practice and as in the published worked examples
(gross 300,000 → ИПН 13,425, net 250,575); the results are Decimals with
2 digits (KZT amounts), the net keeps the kopecks of the gross.

Rules and their sources (payroll-2026.md line / law):

- ОПВ (employee pension, 10%): base ``opv_base`` (default the gross),
  capped at ``opv_cap_mzp`` МЗП (2026: 50 МЗП, bpo.kz fot-2026, Kaspi
  q2926).  Not withheld from pensioners, from persons with disability of
  group I or II established indefinitely (Social Code art. 251 — verify)
  nor from non-residents (foreigners without a residence permit are not
  in the pension system — simplification, verify).
- ВОСМС (employee health, 2%): base the gross capped at ``vosms_cap_mzp``
  МЗП (2026: 20 МЗП, law of 14 Jul 2025).  Not withheld from pensioners
  nor persons with disability of any group: the state pays for them
  (Law on ОСМС art. 26 p. 1 — payroll-2026 note; verify), nor from
  non-residents (simplification).
- ИПН (income tax): taxable = gross − ОПВ − ВОСМС − basic deduction
  (never below 0).  The basic deduction (``basic_deduction_mrp`` МРП a
  month, 2026: 30 МРП, Tax Code art. 401) is granted only on the
  employee's application (``basic_deduction=True``), only to residents,
  and within ``basic_deduction_year_mrp`` МРП a year (2026: 360 МРП)
  counting ``ytd_basic_deduction`` already granted this year.
  Rate ``ipn_rate`` (10%) on the annual income up to
  ``ipn_threshold_mrp`` МРП (2026: 8,500 МРП, Tax Code art. 363) counting
  ``ytd_taxable_income`` (the taxable income of the earlier months of the
  year), ``ipn_high_rate`` (15%) on the excess; ``ipn_threshold_mrp``
  None = flat rate (2025).  2025 only (``ipn_adjustment``): when the
  month's income is below 25 МРП the taxable income is reduced by 90%
  (Tax Code 2017 art. 351; abolished in 2026 per payroll-2026.md).
  Non-residents: flat ``ipn_rate``, no deduction (simplification).
- ОПВР (employer pension, 2026: 3.5%, 2025: 2.5%): base ``opv_base``
  clamped to [``opvr_min_mzp``, ``opvr_max_mzp``] МЗП (min 2,975, max
  148,750 in 2026, Kaspi q3138).  Not for pensioners, disability I/II
  indefinite, persons born before 1 Jan 1975 (Kaspi q3138), nor
  non-residents.
- СО (social contributions, 5%): base ``opv_base`` − ОПВ clamped to
  [``so_min_mzp``, ``so_max_mzp``] МЗП (max 7 МЗП → 29,750, Kaspi q15160).
  Not for pensioners (payroll-2026 note) nor non-residents
  (simplification).
- ООСМС (employer health, 3%): base the gross capped at ``oosms_cap_mzp``
  МЗП (2026: 40 МЗП, law of 14 Jul 2025; 2025: 10 МЗП).  Not for
  pensioners nor persons with disability (Law on ОСМС art. 28 with
  art. 26 p. 1 — verify), nor non-residents (simplification).
- СН (social tax, 2026: 6%, 2025: 11%): base ``sn_base`` —
  'gross_opv_vosms' (gross − ОПВ − ВОСМС, the choice reproducing the
  worked example СН 15,840, steppenews.kz ?p=55093) or 'gross_opv'
  (kadroved.kz ?p=6543); with ``sn_minus_so`` (2025) СО is subtracted
  from the tax (never below 0).

The minimum bases (ОПВР, СО) only apply to a month with income: a month
without income pays nothing.
"""
from decimal import ROUND_HALF_UP, Decimal

__all__ = ['compute_taxes', 'DISABILITIES', 'RESULT_KEYS']

DISABILITIES = ('none', '1', '2', '3')
RESULT_KEYS = ('gross', 'opv', 'vosms', 'ipn', 'taxable', 'deduction_used',
    'ipn_adjustment', 'withholdings', 'net', 'opvr', 'so', 'oosms', 'sn',
    'employer_total')

_ZERO = Decimal('0.00')
_WHOLE = Decimal(1)
_CENT = Decimal('0.01')


def _dec(value):
    "Return value as a Decimal (None is 0)"
    if value is None:
        return _ZERO
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _tenge(value):
    "Round to whole tenge (ROUND_HALF_UP), kept with 2 digits"
    return value.quantize(_WHOLE, rounding=ROUND_HALF_UP).quantize(_CENT)


def _clamp(base, low, high):
    if low is not None and base < low:
        base = low
    if high is not None and base > high:
        base = high
    return base


class _Rates:
    "Attribute access to a rule set given as a record, an object or a dict"

    def __init__(self, rates):
        self._rates = rates

    def __getattr__(self, name):
        rates = self.__dict__['_rates']
        if isinstance(rates, dict):
            return rates.get(name)
        return getattr(rates, name, None)

    def mzp_times(self, name):
        "Return the field name (a number of МЗП) in tenge or None"
        value = getattr(self, name)
        if value is None:
            return None
        return _dec(value) * _dec(self.mzp)

    def mrp_times(self, name):
        value = getattr(self, name)
        if value is None:
            return None
        return _dec(value) * _dec(self.mrp)

    def rate(self, name):
        return _dec(getattr(self, name))


def compute_taxes(rates, gross, *, opv_base=None, basic_deduction=False,
        pensioner=False, disability='none', disability_indefinite=False,
        born_before_1975=False, resident=True, ytd_taxable_income=0,
        ytd_basic_deduction=0, so_income=None, sn_income=None):
    """Return the taxes and contributions of a month's pay gross (R19.12)

    rates: the rule set in force (``edu.payroll.rates`` record or dict).
    gross: the month's income subject to ИПН, ВОСМС, ООСМС and СН.
    opv_base: the part of it subject to ОПВ, ОПВР and СО (default gross).
    so_income, sn_income: the parts subject to СО and to СН (default
    opv_base and gross; a benefit exempt from them, as the sick pay, is
    left out); ОПВ and ВОСМС reduce them in proportion.
    ytd_taxable_income, ytd_basic_deduction: the taxable income and the
    basic deduction of the earlier months of the same calendar year.

    Return a dict of Decimals (2 digits, whole tenge): gross, opv, vosms,
    ipn, taxable (ИПН base after deductions, before the 2025 adjustment),
    deduction_used, ipn_adjustment (the 2025 90% reduction of the base),
    withholdings (opv + vosms + ipn), net, opvr, so, oosms, sn,
    employer_total (opvr + so + oosms + sn).
    """
    if disability not in DISABILITIES:
        raise ValueError("disability must be one of %s" % (DISABILITIES,))
    r = _Rates(rates)
    gross = _dec(gross)
    opv_base = gross if opv_base is None else _dec(opv_base)
    ytd_taxable_income = _dec(ytd_taxable_income)
    ytd_basic_deduction = _dec(ytd_basic_deduction)
    has_income = gross > 0
    heavy_disability = disability in ('1', '2') and disability_indefinite
    disabled = disability != 'none'

    # ОПВ
    if pensioner or heavy_disability or not resident or opv_base <= 0:
        opv = _ZERO
    else:
        opv = _tenge(r.rate('opv_rate') * _clamp(
                opv_base, None, r.mzp_times('opv_cap_mzp')))

    # ВОСМС
    if pensioner or disabled or not resident or not has_income:
        vosms = _ZERO
    else:
        vosms = _tenge(r.rate('vosms_rate') * _clamp(
                gross, None, r.mzp_times('vosms_cap_mzp')))

    # ИПН
    before_deduction = max(gross - opv - vosms, _ZERO)
    deduction_used = _ZERO
    if basic_deduction and resident and before_deduction > 0:
        deduction_used = r.mrp_times('basic_deduction_mrp') or _ZERO
        year_limit = r.mrp_times('basic_deduction_year_mrp')
        if year_limit is not None:
            deduction_used = min(deduction_used,
                max(year_limit - ytd_basic_deduction, _ZERO))
        deduction_used = min(deduction_used, before_deduction)
    taxable = before_deduction - deduction_used
    adjustment = _ZERO
    if (resident and r.ipn_adjustment and has_income
            and gross < 25 * _dec(r.mrp)):
        adjustment = taxable * Decimal('0.9')
    base = taxable - adjustment
    threshold = r.mrp_times('ipn_threshold_mrp')
    if not resident or threshold is None:
        ipn = r.rate('ipn_rate') * base
    else:
        low = min(base, max(threshold - ytd_taxable_income, _ZERO))
        ipn = (r.rate('ipn_rate') * low
            + r.rate('ipn_high_rate') * (base - low))
    ipn = _tenge(ipn)

    # ОПВР
    if (pensioner or heavy_disability or born_before_1975 or not resident
            or opv_base <= 0):
        opvr = _ZERO
    else:
        opvr = _tenge(r.rate('opvr_rate') * _clamp(opv_base,
                r.mzp_times('opvr_min_mzp'), r.mzp_times('opvr_max_mzp')))

    # СО
    so_income = opv_base if so_income is None else _dec(so_income)
    so_base = so_income - (opv * so_income / opv_base if opv_base > 0
        else _ZERO)
    if pensioner or not resident or so_base <= 0:
        so = _ZERO
    else:
        so = _tenge(r.rate('so_rate') * _clamp(so_base,
                r.mzp_times('so_min_mzp'), r.mzp_times('so_max_mzp')))

    # ООСМС
    if pensioner or disabled or not resident or not has_income:
        oosms = _ZERO
    else:
        oosms = _tenge(r.rate('oosms_rate') * _clamp(
                gross, None, r.mzp_times('oosms_cap_mzp')))

    # СН
    sn_income = gross if sn_income is None else _dec(sn_income)
    sn_base = gross - opv
    if (r.sn_base or 'gross_opv_vosms') == 'gross_opv_vosms':
        sn_base -= vosms
    if sn_income != gross:
        sn_base = sn_base * sn_income / gross if gross > 0 else _ZERO
    sn = r.rate('sn_rate') * max(sn_base, _ZERO)
    if r.sn_minus_so:
        sn -= so
    sn = _tenge(max(sn, _ZERO))

    gross = gross.quantize(_CENT)
    withholdings = opv + vosms + ipn
    return {
        'gross': gross,
        'opv': opv,
        'vosms': vosms,
        'ipn': ipn,
        'taxable': taxable.quantize(_CENT, rounding=ROUND_HALF_UP),
        'deduction_used': deduction_used.quantize(
            _CENT, rounding=ROUND_HALF_UP),
        'ipn_adjustment': adjustment.quantize(_CENT, rounding=ROUND_HALF_UP),
        'withholdings': withholdings,
        'net': gross - withholdings,
        'opvr': opvr,
        'so': so,
        'oosms': oosms,
        'sn': sn,
        'employer_total': opvr + so + oosms + sn,
        }
