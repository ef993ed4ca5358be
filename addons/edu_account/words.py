# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Amounts in words in Kazakh and Russian for printed cash and payment
documents (R19.2, R17).

num2words knows Kazakh as ``'kz'`` (not the ISO ``'kk'``) and defaults it to
euros, so the currency is always passed; a Decimal is passed because an int
would be read as tiyn.
"""
from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

_LANGUAGES = {'kk': 'kz', 'kz': 'kz', 'ru': 'ru', 'en': 'en'}


def amount_in_words(amount, language='kk', currency='KZT'):
    """Return amount as words in language ('kk', 'ru' or 'en'), e.g.
    'бір мың екі жүз отыз төрт теңге, елу алты тиын', capitalised"""
    if amount is None:
        return ''
    amount = Decimal(amount).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)
    code = (language or 'kk').split('_')[0].lower()
    lang = _LANGUAGES.get(code, 'ru')
    if lang == 'en':
        # num2words has no tenge in English: name it ourselves
        units = int(amount)
        cents = int((abs(amount) - abs(units)) * 100)
        text = '%s tenge, %02d tiyn' % (
            num2words(abs(units), lang='en'), cents)
        if amount < 0:
            text = 'minus ' + text
    else:
        text = num2words(amount, lang=lang, to='currency', currency=currency)
    return text[:1].upper() + text[1:]


def format_amount(amount, digits=2):
    "Return 1 234 567,89 as printed in Kazakhstan (no-break space groups)"
    if amount is None:
        return ''
    amount = Decimal(amount).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    sign = '-' if amount < 0 else ''
    integer, _, fraction = f'{abs(amount):.{digits}f}'.partition('.')
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    text = '\u00a0'.join(groups) or '0'
    return sign + text + (',' + fraction if digits else '')
