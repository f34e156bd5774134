"""A card number whose check digit does not match is a typo (422), not a missing card (404)."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.loyalty.cards.numbers import luhn_check_digit
from tests.support.api import Api
from tests.support.codes import code_voucher
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card


def _typo(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


@pytest.fixture
def card_number(api: Api, merchant: dict[str, Any]) -> str:
    key = merchant["api_key"]
    program = api.call("POST", "/v1/programs", key, json=nine_stamp_card()).get_json()
    card = api.call("POST", "/v1/cards", key, json={"program_id": program["id"]}).get_json()
    number: str = card["number"]
    return number


def _calls(number: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Every route that takes a card number: in the path, the query, or the body."""
    shared = code_voucher({"mode": "shared", "value": "FREECAKE"})
    return [
        ("GET", f"/v1/cards/{number}", {}),
        ("POST", f"/v1/cards/{number}/stamps", {"json": {"count": 1, "channel": "staff"}}),
        ("GET", f"/v1/cards/{number}/journal", {}),
        ("GET", f"/v1/cards/{number}/spins", {}),
        ("GET", "/v1/vouchers", {"query_string": {"card": number}}),
        ("POST", "/v1/vouchers", {"json": {"reward": shared, "card_number": number}}),
        ("POST", "/v1/codes/check", {"json": {"code": "FREECAKE", "card_number": number}}),
        ("POST", "/v1/codes/redeem", {"json": {"code": "FREECAKE", "card_number": number}}),
        (
            "POST",
            "/v1/codes/hold",
            {"json": {"code": "FREECAKE", "card_number": number, "pos_transaction_id": "T-1"}},
        ),
    ]


@pytest.mark.parametrize("index", range(len(_calls("0"))))
def test_a_wrong_check_digit_is_an_invalid_card_number_on_every_route(
    api: Api, merchant: dict[str, Any], card_number: str, index: int
) -> None:
    method, path, kwargs = _calls(_typo(card_number))[index]
    body = assert_problem(
        api.call(method, path, merchant["api_key"], **kwargs), 422, "invalid_card_number"
    )
    (error,) = body["errors"]
    assert error["loc"] in (["number"], ["card"], ["card_number"])
    assert "not a valid card number" in error["msg"]
    assert "check digit" in error["msg"]
    assert "check digit" in body["detail"]


def test_a_well_formed_number_no_card_has_is_not_found(
    api: Api, merchant: dict[str, Any], card_number: str
) -> None:
    body = "9" * 11
    unknown = body + luhn_check_digit(body)
    assert unknown != card_number
    for method, path, kwargs in _calls(unknown)[:5]:
        response = api.call(method, path, merchant["api_key"], **kwargs)
        assert_problem(response, 404, "not_found")


def test_separators_are_ignored_and_letters_are_refused(
    api: Api, merchant: dict[str, Any], card_number: str
) -> None:
    key = merchant["api_key"]
    spaced = f"{card_number[:4]} {card_number[4:8]}-{card_number[8:]}"
    assert api.call("GET", f"/v1/cards/{spaced}", key).get_json()["number"] == card_number
    body = assert_problem(api.call("GET", "/v1/cards/12ab", key), 422, "invalid_card_number")
    assert "digits" in body["errors"][0]["msg"]
