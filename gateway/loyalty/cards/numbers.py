"""Human-readable card numbers: digits ending in a Luhn check digit, so typos are caught."""

from __future__ import annotations

import secrets

from pydantic_core import PydanticCustomError

DEFAULT_LENGTH = 12
INVALID_CARD_NUMBER = "invalid_card_number"
NOT_DIGITS = "must be a card number: digits (spaces and dashes may separate them)"
BAD_CHECK_DIGIT = (
    "is not a valid card number: its last digit (the check digit) does not match the others; "
    "look for a mistyped or swapped digit"
)
_SEPARATORS = str.maketrans("", "", " -")


def _is_digits(text: str) -> bool:
    # str.isdigit() alone also accepts non-ASCII digits such as '²' or Arabic-Indic ones.
    return text.isascii() and text.isdigit()


def luhn_check_digit(digits: str) -> str:
    """The Luhn digit to append to ``digits`` (ASCII digits, at least one)."""
    if not _is_digits(digits):
        raise ValueError("a card number body must be one or more ASCII digits")
    total = 0
    # Counting from the right of the body, every first, third, ... digit is doubled, because
    # the check digit appended after it takes the undoubled rightmost position.
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def is_valid_card_number(number: str) -> bool:
    """True when ``number`` is at least two ASCII digits and its last one is the Luhn digit."""
    if len(number) < 2 or not _is_digits(number):
        return False
    return luhn_check_digit(number[:-1]) == number[-1]


def normalize_card_number(raw: str) -> str:
    """A typed card number without the spaces and dashes people put in to read it."""
    return raw.strip().translate(_SEPARATORS)


def card_number_problem(digits: str) -> str | None:
    """Why ``digits`` (normalised) cannot be a card number, or None when it can be one."""
    if len(digits) < 2 or not _is_digits(digits):
        return NOT_DIGITS
    return None if is_valid_card_number(digits) else BAD_CHECK_DIGIT


def checked_card_number(raw: str) -> str:
    """A typed card number, normalised; refused (``invalid_card_number``) unless it checks."""
    digits = normalize_card_number(raw)
    problem = card_number_problem(digits)
    if problem is not None:
        raise PydanticCustomError(INVALID_CARD_NUMBER, problem)
    return digits


def new_card_number(length: int = DEFAULT_LENGTH) -> str:
    """A random card number of ``length`` digits, not starting with 0, ending in its Luhn digit."""
    if length < 2:
        raise ValueError("a card number has at least two digits")
    # No leading 0: spreadsheets and some POS fields drop it, and the number would change.
    first = str(1 + secrets.randbelow(9))
    body = first + "".join(str(secrets.randbelow(10)) for _ in range(length - 2))
    return body + luhn_check_digit(body)
