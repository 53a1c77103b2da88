"""How numbers read in the active language: units, money, digit grouping; no number is computed
here (they come from `scoring` and the models).

Values with units follow the active language (Babel's data for it): digit grouping and decimal
mark for plain numbers, and for money — a unit that is an ISO currency code ("KRW", "USD") or a
currency sign (₩ $ € £ ¥) — the locale's currency format: "₩1,500,000", "$1,200.50", and in
Korean "US$1,200.50". Decimals stay Decimals throughout; nothing is rounded away.
"""

import re
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal, list_currencies
from django.conf import settings
from django.utils.translation import get_language, to_locale

# Signs people type as a unit, and the currency each stands for.
CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW"}
PREFIX_UNITS = set(CURRENCY_SIGNS)  # kept for callers that ask which units are money signs
MINUS = "−"
_FRACTION = re.compile(r"0\.0+")


@lru_cache(maxsize=8)
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(to_locale(language))
    except (ValueError, UnknownLocaleError):
        return Locale.parse(to_locale(settings.LANGUAGE_CODE))


def active_locale() -> Locale:
    """Babel's locale for the active language (the site's default when none is active)."""
    return _locale(get_language() or settings.LANGUAGE_CODE)


@lru_cache(maxsize=1)
def _currency_codes() -> frozenset[str]:
    return frozenset(list_currencies())


def currency_of(unit: str) -> str | None:
    """The ISO code a unit stands for ("KRW" for "KRW" or "₩"), or None when it is not money."""
    unit = unit.strip()
    if unit in CURRENCY_SIGNS:
        return CURRENCY_SIGNS[unit]
    if len(unit) == 3 and unit.isascii() and unit.isupper() and unit in _currency_codes():
        return unit
    return None


@lru_cache(maxsize=32)
def _whole_pattern(locale: Locale) -> str:
    """The locale's currency pattern without its fixed fraction digits: "¤#,##0"."""
    return _FRACTION.sub("0", locale.currency_formats["standard"].pattern)


def _plain(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent, with "," every three digits."""
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):,}"
    return f"{value.normalize():,f}"


@lru_cache(maxsize=32)
def _simple_marks(locale: Locale) -> tuple[str, str] | None:
    """(group, decimal) marks when the locale groups by threes with a plain minus, as English
    and Korean do: then Python's own formatting gives Babel's text, many times faster."""
    pattern = locale.decimal_formats[None]
    symbols = locale.number_symbols["latn"]
    if pattern.grouping != (3, 3) or symbols.get("minusSign", "-") != "-":
        return None
    return symbols.get("group", ","), symbols.get("decimal", ".")


def number_text(value: Decimal, locale: Locale | None = None) -> str:
    """A decimal with the locale's grouping and decimal mark, all its digits and no trailing
    zeros: 1234567.50 → "1,234,567.5"."""
    locale = locale or active_locale()
    value = Decimal(value)
    marks = _simple_marks(locale)
    if marks is None or not value.is_finite():
        return format_decimal(value, locale=locale, decimal_quantization=False)
    text = _plain(value)
    if marks != (",", "."):
        text = text.translate(str.maketrans({",": marks[0], ".": marks[1]}))
    return text


def money_text(value: Decimal, currency: str, locale: Locale | None = None) -> str:
    """An amount in the locale's currency format: whole amounts without cents ("$740,000"),
    others with at least the currency's digits ("$1,200.50"); a minus sign in front."""
    locale = locale or active_locale()
    value = Decimal(value)
    amount = abs(value)
    if amount == amount.to_integral_value():
        text = format_currency(
            amount.quantize(Decimal(1)),
            currency,
            format=_whole_pattern(locale),
            locale=locale,
            currency_digits=False,
        )
    else:
        text = format_currency(amount, currency, locale=locale, decimal_quantization=False)
    return f"{MINUS}{text}" if value < 0 else text


def with_unit(value: Decimal | None, unit: str = "") -> str:
    """740000 with "$" → "$740,000"; 12.5 with "%" → "12.5%"; 30 with "days" → "30 days",
    with "일" → "30일"; 1500000 with "KRW" → "₩1,500,000". Numbers as the active language
    writes them."""
    if value is None:
        return "—"
    unit = unit or ""
    currency = currency_of(unit)
    if currency is not None:
        return money_text(Decimal(value), currency)
    number = number_text(Decimal(value))
    if not unit:
        return number
    if unit == "%" or _is_hangul_counter(unit):
        return f"{number}{unit}"
    return f"{number} {unit}"


def _is_hangul_counter(unit: str) -> bool:
    """Korean counters ("일", "명", "건") are written against the number: "30일", "100명"."""
    return "\uac00" <= unit[0] <= "\ud7a3"
