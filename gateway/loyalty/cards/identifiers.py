"""Customer identifiers in one canonical form: phones as E.164, e-mails lower-cased."""

from __future__ import annotations

import re
from typing import Annotated

import phonenumbers
from pydantic import AfterValidator, StringConstraints

MAX_EMAIL_LENGTH = 254
_PARSE_ERRORS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: (
        "the phone number needs its international prefix (e.g. +380...)"
    ),
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "the phone number is too short",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "the phone number is too short",
    phonenumbers.NumberParseException.TOO_LONG: "the phone number is too long",
}
_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")


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


def normalize_email(raw: str) -> str:
    """``raw`` trimmed and lower-cased, if it looks like ``name@domain.tld``."""
    text = raw.strip().lower()
    if len(text) > MAX_EMAIL_LENGTH:
        raise ValueError(f"the e-mail address is longer than {MAX_EMAIL_LENGTH} characters")
    if not text.isprintable() or _EMAIL_SHAPE.fullmatch(text) is None:
        raise ValueError("not an e-mail address (expected name@domain.tld)")
    return text


Phone = Annotated[
    str, StringConstraints(max_length=32), AfterValidator(lambda raw: normalize_phone(raw, None))
]
"""A phone number in international format, normalised to E.164."""
Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(normalize_email)]
"""An e-mail address, trimmed and lower-cased."""
