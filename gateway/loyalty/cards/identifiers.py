"""Customer identifiers in one canonical form: phones as E.164, e-mails lower-cased.

A phone in national form (``0501234567``) is read as a number of the merchant's country.
The HTTP edge names that country for the request (``gateway.tenancy.countries``) before
bodies and queries are validated, so every ``Phone`` field of every route reads it the same way.
"""

from __future__ import annotations

from typing import Annotated

import phonenumbers
from pydantic import AfterValidator, StringConstraints

from gateway.emails import normalize_email
from gateway.tenancy.countries import phone_country

NEEDS_COUNTRY = (
    "the phone number is in national form: write it with its international prefix "
    "(e.g. +380501234567), or set the merchant's country (PATCH /v1/merchant) to read "
    "national numbers as that country's"
)
_UNKNOWN_PREFIX = "the phone number's international prefix is not a country calling code"
_PARSE_ERRORS = {
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "the phone number is too short",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "the phone number is too short",
    phonenumbers.NumberParseException.TOO_LONG: "the phone number is too long",
}


def normalize_phone(raw: str, default_region: str | None) -> str:
    """``raw`` as E.164 (``+380501111111``); ``default_region`` (e.g. "UA") reads local forms."""
    text = raw.strip()
    if not text:
        raise ValueError("the phone number is empty")
    try:
        parsed = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            raise ValueError(_no_country_code(text, default_region)) from exc
        raise ValueError(_PARSE_ERRORS.get(exc.error_type, "not a phone number")) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("not a valid phone number for its country")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _no_country_code(text: str, region: str | None) -> str:
    if text.startswith("+"):
        return _UNKNOWN_PREFIX
    if region is None:
        return NEEDS_COUNTRY
    return f"numbers of {region} cannot be read in national form: write its international prefix"


def _in_phone_country(raw: str) -> str:
    return normalize_phone(raw, phone_country())


Phone = Annotated[str, StringConstraints(max_length=32), AfterValidator(_in_phone_country)]
"""A phone number, international or national (of the merchant's country), as E.164."""
Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(normalize_email)]
"""An e-mail address, trimmed and lower-cased."""
