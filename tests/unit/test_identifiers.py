"""Customer identifiers: phones to E.164, e-mails trimmed and lower-cased."""

from __future__ import annotations

import pytest

from gateway.emails import normalize_email
from gateway.loyalty.cards.identifiers import normalize_phone


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+380501111111", None, "+380501111111"),
        (" +380 (50) 111-11-11 ", None, "+380501111111"),
        ("050 111 11 11", "UA", "+380501111111"),
        ("+380501111111", "DE", "+380501111111"),
        ("030 123456", "DE", "+4930123456"),
        ("+1 650-253-0000", "UA", "+16502530000"),
    ],
)
def test_phones_become_e164(raw: str, region: str | None, expected: str) -> None:
    assert normalize_phone(raw, region) == expected


@pytest.mark.parametrize(
    ("raw", "region", "message"),
    [
        ("", "UA", "empty"),
        ("   ", None, "empty"),
        ("050 111 11 11", None, "international prefix"),
        ("050 111 11 11", None, "set the merchant's country"),
        ("+999 111 11 11", "UA", "not a country calling code"),
        ("050 111 11 11", "AQ", "national form"),
        ("hello", "UA", "not a phone number"),
        ("+38050", None, "not a valid phone number"),
        ("+380 50 111 11 11 11 11 11 11", None, "not a valid phone number"),
        ("+44 1", None, "too short"),
    ],
)
def test_invalid_phones_explain_themselves(raw: str, region: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalize_phone(raw, region)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Olena@Example.COM ", "olena@example.com"),
        ("first.last+tag@mail.example.co.uk", "first.last+tag@mail.example.co.uk"),
    ],
)
def test_emails_are_trimmed_and_lower_cased(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "olena",
        "olena@",
        "@example.com",
        "olena@example",
        "olena@@example.com",
        "ol ena@example.com",
        "olena@example..com",
        "olena@example.com.",
        "olena\x00@example.com",
        "a" * 250 + "@example.com",
    ],
)
def test_invalid_emails_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="e-mail"):
        normalize_email(raw)
