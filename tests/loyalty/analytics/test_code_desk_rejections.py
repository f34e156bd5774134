"""Rejected code attempts at the till (/v1/codes/*) count in the analytics beside the promo
codes on sales: the screenshot-reuse signal, wherever the code was shown."""

from __future__ import annotations

from typing import Any

from tests.support.analytics import ALICE, BOB, busy_day
from tests.support.api import Api
from tests.support.codes import post


def card_number(api: Api, merchant: dict[str, Any], customer: dict[str, str]) -> str:
    """The number of the customer's card, found by phone."""
    query = {"phone": customer["phone"]}
    found = api.call("GET", "/v1/cards", merchant["api_key"], query_string=query)
    number: str = found.get_json()["items"][0]["number"]
    return number


def rejected(api: Api, merchant: dict[str, Any], **query: str) -> dict[str, Any]:
    """The analytics' rejected code attempts, and each location's count."""
    body = api.call("GET", "/v1/analytics", merchant["api_key"], query_string=query).get_json()
    places = {row["location"]: row["rejected_code_attempts"] for row in body["locations"]}
    return {**body["rejected_code_attempts"], "places": places}


def test_refused_redemptions_holds_and_checks_of_a_used_code_count(
    api: Api, merchant: dict[str, Any]
) -> None:
    busy_day(api, merchant)  # on sales: already_redeemed on the terrace, other_customer at main
    before = rejected(api, merchant)
    assert before["total"] == 2
    alice, bob = card_number(api, merchant, ALICE), card_number(api, merchant, BOB)

    at_the_till = [
        ("redeem", {"code": "FREECOFFEE", "card_number": alice, "location": "terrace"}, 409),
        ("redeem", {"code": "FREECOFFEE", "card_number": bob, "location": "main"}, 409),
        ("redeem", {"code": "NO-SUCH-CODE", "location": "main"}, 404),
        ("hold", {"code": "FREECOFFEE", "card_number": alice}, 409),
        ("check", {"code": "FREECOFFEE", "card_number": alice, "location": "terrace"}, 200),
    ]
    for operation, body, status in at_the_till:
        response = post(api, merchant, f"/v1/codes/{operation}", body)
        assert response.status_code == status, (operation, response.get_json())

    assert rejected(api, merchant) == {
        "total": 7,
        "by_reason": {"already_redeemed": 4, "other_customer": 2, "unknown_code": 1},
        "places": {"main": 3, "terrace": 3, None: 1},
    }
    terrace = rejected(api, merchant, location="terrace")
    assert (terrace["total"], terrace["by_reason"]) == (3, {"already_redeemed": 3})


def test_questions_and_typos_at_the_till_are_not_rejections(
    api: Api, merchant: dict[str, Any]
) -> None:
    busy_day(api, merchant)
    before = rejected(api, merchant)
    alice = card_number(api, merchant, ALICE)
    # A check is a question: only a used code (or another customer's) shown at the till
    # counts; an unknown code is a typo, which the lockout of guessing runs watches.
    checked = post(api, merchant, "/v1/codes/check", {"code": "NO-SUCH-CODE"})
    assert checked.get_json()["reason"] == "unknown_code"
    # A card number that is not one refuses the request before any code is looked at.
    typo = post(api, merchant, "/v1/codes/redeem", {"code": "FREECOFFEE", "card_number": "1"})
    assert typo.status_code == 422
    goodwill = {
        "reward": {
            "type": "voucher",
            "description": "Tea",
            "redemption": "code",
            "code": {"mode": "shared", "value": "FREETEA"},
            "validity": {"kind": "unlimited"},
        },
        "card_number": alice,
        "reason": "goodwill",
    }
    assert post(api, merchant, "/v1/vouchers", goodwill).status_code == 201
    valid = post(api, merchant, "/v1/codes/check", {"code": "FREETEA", "card_number": alice})
    assert valid.get_json()["valid"] is True
    used = post(api, merchant, "/v1/codes/redeem", {"code": "FREETEA", "card_number": alice})
    assert used.status_code == 200, used.get_json()
    assert rejected(api, merchant) == before
