"""Phones are read with the merchant's country: national numbers work where a country is set."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card
from tests.support.sales import post_sale, sale_body

E164 = "+380501234567"


@pytest.fixture
def program_id(api: Api, merchant: dict[str, Any]) -> str:
    program = api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card())
    identifier: str = program.get_json()["id"]
    return identifier


def _enrol(api: Api, key: str, program_id: str, phone: str) -> Any:
    body = {"program_id": program_id, "customer": {"phone": phone}}
    return api.call("POST", "/v1/cards", key, json=body)


def _found(api: Api, key: str, path: str, **kwargs: Any) -> list[str]:
    response = api.call("GET", path, key, **kwargs)
    assert response.status_code == 200, response.get_json()
    return [card["customer"]["phone"] for card in response.get_json()["items"]]


def test_a_national_number_reads_as_the_merchants_countrys(
    api: Api, merchant: dict[str, Any], program_id: str
) -> None:
    key = merchant["api_key"]
    assert merchant["country"] == "UA"
    card = _enrol(api, key, program_id, "050 123 45 67")
    assert card.status_code == 201, card.get_json()
    assert card.get_json()["customer"]["phone"] == E164
    assert _found(api, key, "/v1/cards", query_string={"phone": "0501234567"}) == [E164]
    assert _found(api, key, "/v1/cards", query_string={"phone": E164}) == [E164]
    sale = post_sale(
        api, merchant, sale_body("T-1", program_id=program_id, customer={"phone": "0501234567"})
    ).get_json()
    assert sale["card_number"] == card.get_json()["number"]


@pytest.mark.parametrize("raw", ["+380501234567", "+380 50 123 45 67", "++380501234567"])
def test_an_unencoded_plus_in_the_query_is_taken_as_the_plus_it_was(
    api: Api, merchant: dict[str, Any], program_id: str, raw: str
) -> None:
    key = merchant["api_key"]
    _enrol(api, key, program_id, E164)
    # Sent as written, not URL-encoded: the query string decodes '+' as a space.
    assert _found(api, key, f"/v1/cards?phone={raw}") == [E164]


def test_without_a_country_a_national_number_says_what_to_do(api: Api, program_id: str) -> None:
    nowhere = api.create_merchant("Nowhere Cafe", timezone="UTC")
    assert nowhere["country"] is None
    key = nowhere["api_key"]
    own_program = api.call("POST", "/v1/programs", key, json=nine_stamp_card()).get_json()["id"]
    for response in (
        _enrol(api, key, own_program, "0501234567"),
        api.call("GET", "/v1/cards", key, query_string={"phone": "0501234567"}),
        api.call(
            "POST",
            "/v1/sales",
            key,
            json=sale_body("T-1", program_id=own_program, customer={"phone": "0501234567"}),
        ),
    ):
        body = assert_problem(response, 422, "validation_error")
        (error,) = body["errors"]
        assert error["loc"][-1] == "phone"
        assert "international" in error["msg"]
        assert "merchant's country" in error["msg"]
    assert _enrol(api, key, own_program, E164).status_code == 201


def test_a_changed_country_reads_later_numbers_as_its_own(
    api: Api, merchant: dict[str, Any], program_id: str
) -> None:
    key = merchant["api_key"]
    assert api.call("PATCH", "/v1/merchant", key, json={"country": "DE"}).status_code == 200
    card = _enrol(api, key, program_id, "030 123456")
    assert card.get_json()["customer"]["phone"] == "+4930123456"
