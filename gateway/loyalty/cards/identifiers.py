"""Customer identifiers in one canonical form: phones as E.164, e-mails lower-cased."""

from __future__ import annotations

from typing import Annotated

import phonenumbers
from pydantic import AfterValidator, StringConstraints

from gateway.emails import normalize_email

_PARSE_ERRORS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: (
        "the phone number needs its international prefix (e.g. +380...)"
    ),
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
        raise ValueError(_PARSE_ERRORS.get(exc.error_type, "not a phone number")) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("not a valid phone number for its country")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


Phone = Annotated[
    str, StringConstraints(max_length=32), AfterValidator(lambda raw: normalize_phone(raw, None))
]
"""A phone number in international format, normalised to E.164."""
Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(normalize_email)]
"""An e-mail address, trimmed and lower-cased."""
