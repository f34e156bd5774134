"""ISO 4217 currencies in circulation and their minor-unit exponents."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

_ZERO_DECIMALS = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE_DECIMALS = "BHD IQD JOD KWD LYD OMR TND"
_FOUR_DECIMALS = "CLF UYW"
_TWO_DECIMALS = (
    "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP "
    "BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR "
    "FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR "
    "KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV "
    "MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR "
    "SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH "
    "USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG"
)

CURRENCY_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(_TWO_DECIMALS.split(), 2),
    **dict.fromkeys(_ZERO_DECIMALS.split(), 0),
    **dict.fromkeys(_THREE_DECIMALS.split(), 3),
    **dict.fromkeys(_FOUR_DECIMALS.split(), 4),
}


def is_currency(code: str) -> bool:
    """True for an ISO 4217 code in circulation (upper case)."""
    return code in CURRENCY_EXPONENTS


def minor_unit_exponent(code: str) -> int:
    """Digits after the decimal point of the currency's minor unit (2 for EUR, 0 for JPY)."""
    return CURRENCY_EXPONENTS[code]


def _known_currency(value: str) -> str:
    if not is_currency(value):
        raise ValueError("not an ISO 4217 currency code in circulation (e.g. EUR, UAH, USD)")
    return value


Currency = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{3}$"),
    AfterValidator(_known_currency),
    Field(examples=["EUR"]),
]
"""A validated ISO 4217 code, upper case."""
