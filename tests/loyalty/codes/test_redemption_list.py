"""The redemption list: every redemption by any channel, with its filters."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api
from tests.support.codes import UNIQUE, code_voucher, give, new_card, post
from tests.support.lists import all_items
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card

STAFF_VOUCHER = {"type": "voucher", "description": "Cake", "redemption": "staff"}


def _ids(api: Api, merchant: dict[str, Any], **query: Any) -> list[str]:
    return [item["id"] for item in all_items(api, merchant, "/v1/redemptions", **query)]


def _redeem_by_staff(
    api: Api, merchant: dict[str, Any], card: str, location: str = "main"
) -> dict[str, Any]:
    voucher = give(api, merchant, STAFF_VOUCHER, card)
    redeemed = post(
        api,
        merchant,
        f"/v1/vouchers/{voucher['id']}/redeem",
        {"channel": "staff", "location": location},
    )
    assert redeemed.status_code == 200, redeemed.get_json()
    body: dict[str, Any] = redeemed.get_json()
    return body


def test_redemptions_by_voucher_card_status_channel_and_location(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    program_id = post(api, merchant, "/v1/programs", nine_stamp_card()).get_json()["id"]
    ann, bob = new_card(api, merchant, program_id), new_card(api, merchant, program_id)
    at_bar = _redeem_by_staff(api, merchant, ann, location="bar")
    at_main = _redeem_by_staff(api, merchant, bob)
    coded = give(api, merchant, code_voucher(UNIQUE), ann)
    at_till = post(api, merchant, "/v1/codes/redeem", {"code": coded["code"], "location": "main"})
    assert at_till.status_code == 200, at_till.get_json()
    till_id = at_till.get_json()["redemption_id"]
    undone = post(api, merchant, f"/v1/redemptions/{at_main['redemption_id']}/rollback", {})
    assert undone.status_code == 200, undone.get_json()
    _redeem_by_staff(api, other_merchant, new_card(api, other_merchant))

    everything = [till_id, at_main["redemption_id"], at_bar["redemption_id"]]
    assert _ids(api, merchant) == everything
    assert _ids(api, merchant, limit=1)[0] == till_id
    assert _ids(api, merchant, voucher=coded["id"]) == [till_id]
    assert _ids(api, merchant, card=ann) == [till_id, at_bar["redemption_id"]]
    assert _ids(api, merchant, status="rolled_back") == [at_main["redemption_id"]]
    assert _ids(api, merchant, status="redeemed") == [till_id, at_bar["redemption_id"]]
    assert _ids(api, merchant, channel="pos") == [till_id]
    assert _ids(api, merchant, channel="staff", location="bar") == [at_bar["redemption_id"]]

    listed = api.call("GET", "/v1/redemptions", merchant["api_key"]).get_json()["items"]
    statuses = {item["id"]: item["status"] for item in listed}
    assert statuses[at_main["redemption_id"]] == "rolled_back"
    assert statuses[till_id] == "redeemed"
    one = api.call("GET", f"/v1/redemptions/{till_id}", merchant["api_key"]).get_json()
    assert one == next(item for item in listed if item["id"] == till_id)


def test_pages_of_redemptions_follow_each_other(api: Api, merchant: dict[str, Any]) -> None:
    card = new_card(api, merchant)
    made = [_redeem_by_staff(api, merchant, card)["redemption_id"] for _ in range(5)]
    assert _ids(api, merchant, limit=2, card=card) == list(reversed(made))


def test_an_unknown_card_or_channel_is_refused(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    theirs = new_card(api, other_merchant)
    response = api.call(
        "GET", "/v1/redemptions", merchant["api_key"], query_string={"card": theirs}
    )
    assert_problem(response, 404, "not_found")
    response = api.call(
        "GET", "/v1/redemptions", merchant["api_key"], query_string={"channel": "fax"}
    )
    assert_problem(response, 422, "validation_error")
