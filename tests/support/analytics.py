"""A busy day at a café with two rooms, made through the API, for the analytics tests."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api
from tests.support.codes import give, post
from tests.support.programs import DESSERT_VOUCHER, FREE_COFFEE, nine_stamp_card
from tests.support.sales import post_sale, sale_body

ALICE = {"phone": "+380501111111"}
BOB = {"phone": "+380502222222"}
FREECOFFEE = {
    "type": "voucher",
    "description": "Free coffee",
    "redemption": "code",
    "code": {"mode": "shared", "value": "FREECOFFEE"},
    "validity": {"kind": "unlimited"},
}


def sale(api: Api, merchant: dict[str, Any], tx: str, **changes: Any) -> dict[str, Any]:
    """A 1-stamp sale; returns the 201 body."""
    response = post_sale(api, merchant, sale_body(tx, **changes))
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def busy_day(api: Api, merchant: dict[str, Any]) -> None:
    """A day at a café with a main room and a terrace (see the expected figures below).

    Goal 3 gives a FREECOFFEE voucher, the milestone at 2 an award. Alice collects three
    stamps at main (milestone, goal), redeems the code on the terrace, then shows the same
    code again (a screenshot): rejected. Bob tries her code at main (another customer's),
    that sale is refunded, bar-1 stamps his card by hand twice (milestone) and redeems a
    goodwill voucher for him at main."""
    program = nine_stamp_card(
        stamps_goal=3,
        reward=FREECOFFEE,
        milestones=[{"stamps": 2, "reward": FREE_COFFEE}],
        stampless_when_redeeming=False,
    )
    assert post(api, merchant, "/v1/programs", program).status_code == 201
    for tx in ("T-1", "T-2", "T-3"):
        sale(api, merchant, tx, customer=ALICE)
    redeemed = sale(
        api, merchant, "T-4", customer=ALICE, location="terrace", promo_codes=["FREECOFFEE"]
    )
    assert redeemed["redemptions"][0]["status"] == "redeemed"
    again = sale(
        api, merchant, "T-5", customer=ALICE, location="terrace", promo_codes=["FREECOFFEE"]
    )
    assert again["redemptions"][0]["reason"] == "already_redeemed"
    bobs = sale(api, merchant, "T-6", customer=BOB, promo_codes=["FREECOFFEE"])
    assert bobs["redemptions"][0]["reason"] == "other_customer"
    refund = post(api, merchant, f"/v1/sales/{bobs['id']}/refunds", {"refund_id": "R-1"})
    assert refund.get_json()["stamps_reversed"] == 1
    number = bobs["card_number"]
    hand = {"count": 2, "channel": "staff", "location": "main", "staff": "bar-1"}
    assert post(api, merchant, f"/v1/cards/{number}/stamps", hand).status_code == 200
    goodwill = give(api, merchant, DESSERT_VOUCHER, number)
    at_the_bar = {"channel": "staff", "location": "main", "staff": "bar-1"}
    used = post(api, merchant, f"/v1/vouchers/{goodwill['id']}/redeem", at_the_bar)
    assert used.status_code == 200, used.get_json()
