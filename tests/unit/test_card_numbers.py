"""Card numbers: Luhn check digits catch every single mistyped digit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.loyalty.cards.numbers import (
    is_valid_card_number,
    luhn_check_digit,
    new_card_number,
    normalize_card_number,
)

bodies = st.text(alphabet="0123456789", min_size=1, max_size=24)


@pytest.mark.parametrize(
    ("body", "check"),
    [("7992739871", "3"), ("411111111111111", "1"), ("0", "0"), ("1", "8"), ("5", "9")],
)
def test_known_check_digits(body: str, check: str) -> None:
    assert luhn_check_digit(body) == check
    assert is_valid_card_number(body + check)


@pytest.mark.parametrize("body", ["", "12a4", "12 34", "١٢٣", "²3"])
def test_check_digit_needs_ascii_digits(body: str) -> None:
    with pytest.raises(ValueError, match="ASCII digits"):
        luhn_check_digit(body)


@pytest.mark.parametrize("number", ["", "7", "79927398710", "7992739871a", "٧٩٩٢٧٣٩٨٧١٣"])
def test_invalid_numbers(number: str) -> None:
    assert not is_valid_card_number(number)


def test_new_numbers_have_the_asked_length_and_validate() -> None:
    numbers = {new_card_number() for _ in range(2000)}
    assert len(numbers) == 2000  # 11 random digits: collisions here would mean no randomness
    for number in numbers:
        assert len(number) == 12
        assert number[0] != "0"
        assert is_valid_card_number(number)
    assert len(new_card_number(16)) == 16
    assert is_valid_card_number(new_card_number(2))


def test_a_card_number_has_at_least_two_digits() -> None:
    with pytest.raises(ValueError, match="two digits"):
        new_card_number(1)


def test_normalize_drops_reading_aids() -> None:
    assert normalize_card_number(" 1234-5678 9012 ") == "123456789012"


@given(st.integers(2, 30))
def test_every_generated_number_validates(length: int) -> None:
    number = new_card_number(length)
    assert len(number) == length
    assert number[0] != "0"
    assert is_valid_card_number(number)


@given(bodies, st.data())
def test_any_single_digit_change_fails(body: str, data: st.DataObject) -> None:
    number = body + luhn_check_digit(body)
    assert is_valid_card_number(number)
    index = data.draw(st.integers(0, len(number) - 1))
    digit = data.draw(st.sampled_from("0123456789").filter(lambda d: d != number[index]))
    changed = number[:index] + digit + number[index + 1 :]
    assert not is_valid_card_number(changed)
