"""The event log: every state change, newest first or oldest first after an event."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card
from tests.support.sales import post_sale, sale_body


def _events(api: Api, merchant: dict[str, Any], **query: Any) -> dict[str, Any]:
    body: dict[str, Any] = api.call(
        "GET", "/v1/events", merchant["api_key"], query_string=query
    ).get_json()
    return body


def test_a_sale_writes_its_events_with_the_change(api: Api, merchant: dict[str, Any]) -> None:
    api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card())
    sale = post_sale(api, merchant, sale_body("T-1")).get_json()
    log = _events(api, merchant)
    assert log["order"] == "newest_first"
    assert [e["type"] for e in log["items"]] == ["sale.processed", "card.stamped", "card.created"]
    processed = log["items"][0]
    assert processed["merchant_id"] == merchant["id"]
    assert processed["timestamp"].endswith("Z")
    assert processed["data"]["id"] == sale["id"]
    assert processed["data"]["stamps_added"] == 1


def test_events_filter_by_type_and_page_after_an_id(api: Api, merchant: dict[str, Any]) -> None:
    api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card())
    for n in range(5):
        post_sale(api, merchant, sale_body(f"T-{n}"))
    stamped = _events(api, merchant, type="card.stamped")["items"]
    assert len(stamped) == 5
    oldest = list(reversed(stamped))
    first = _events(api, merchant, type="card.stamped", after=oldest[0]["id"], limit=2)
    assert first["order"] == "oldest_first"
    assert [e["id"] for e in first["items"]] == [oldest[1]["id"], oldest[2]["id"]]
    rest = _events(api, merchant, type="card.stamped", after=first["next_cursor"], limit=2)
    assert [e["id"] for e in rest["items"]] == [oldest[3]["id"], oldest[4]["id"]]
    assert _events(api, merchant, type="card.stamped", after=oldest[4]["id"])["items"] == []


def test_unknown_event_types_are_refused(api: Api, merchant: dict[str, Any]) -> None:
    response = api.call(
        "GET", "/v1/events", merchant["api_key"], query_string={"type": "card.exploded"}
    )
    assert_problem(response, 422, "validation_error")


def test_events_are_per_merchant(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card())
    post_sale(api, merchant, sale_body("T-1"))
    assert _events(api, other_merchant)["items"] == []


def test_changing_what_cards_earn_after_cards_exist_is_warned(
    api: Api, merchant: dict[str, Any]
) -> None:
    program = api.call(
        "POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card()
    ).get_json()
    path = f"/v1/programs/{program['id']}"
    assert (
        api.call("PATCH", path, merchant["api_key"], json={"stamps_goal": 10}).get_json()[
            "warnings"
        ]
        == []
    )
    post_sale(api, merchant, sale_body("T-1"))
    changed = api.call("PATCH", path, merchant["api_key"], json={"stamps_goal": 12}).get_json()
    assert changed["stamps_goal"] == 12
    [warning] = changed["warnings"]
    assert warning["code"] == "earning_changed"
    assert "stamps_goal" in warning["detail"]
    assert "1 card" in warning["detail"]
    renamed = api.call("PATCH", path, merchant["api_key"], json={"name": "New name"}).get_json()
    assert renamed["warnings"] == []


def test_a_sale_can_be_read_back(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card())
    sale = post_sale(api, merchant, sale_body("T-1")).get_json()
    assert api.call("GET", f"/v1/sales/{sale['id']}", merchant["api_key"]).get_json() == sale
    assert_problem(
        api.call("GET", f"/v1/sales/{sale['id']}", other_merchant["api_key"]), 404, "not_found"
    )
