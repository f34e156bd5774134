"""The sale list, its filters, and its CSV export."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.api import Api
from tests.support.codes import post
from tests.support.lists import all_items, exported_rows
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card
from tests.support.sales import sale_body


@pytest.fixture
def program_id(api: Api, merchant: dict[str, Any]) -> str:
    created: str = post(api, merchant, "/v1/programs", nine_stamp_card()).get_json()["id"]
    return created


def _sell(api: Api, merchant: dict[str, Any], program_id: str, **changes: Any) -> dict[str, Any]:
    body = sale_body(changes.pop("transaction_id", f"T-{uuid.uuid4().hex}"), **changes)
    response = post(api, merchant, "/v1/sales", {**body, "program_id": program_id})
    assert response.status_code == 201, response.get_json()
    sale: dict[str, Any] = response.get_json()
    return sale


def _ids(api: Api, merchant: dict[str, Any], **query: Any) -> list[str]:
    return [item["id"] for item in all_items(api, merchant, "/v1/sales", **query)]


def _csv(api: Api, merchant: dict[str, Any], **query: Any) -> list[dict[str, str]]:
    return exported_rows(api, merchant, "/v1/sales/export.csv", **query)


def test_sales_are_listed_newest_first_with_what_the_pos_sent(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any], program_id: str
) -> None:
    made = [_sell(api, merchant, program_id) for _ in range(3)]
    other_program = post(api, other_merchant, "/v1/programs", nine_stamp_card()).get_json()["id"]
    _sell(api, other_merchant, other_program)
    listed = all_items(api, merchant, "/v1/sales", limit=2)
    assert [item["id"] for item in listed] == [sale["id"] for sale in reversed(made)]
    first = listed[-1]
    assert {key: first[key] for key in made[0]} == made[0]  # the sale's result, as answered
    assert first["source"] == "api"
    assert first["location"] == "main"
    assert (first["total"], first["currency"], first["stamps_reversed"]) == (500, "EUR", 0)
    assert first["closed_at"] == "2026-11-22T10:00:00Z"
    assert first["created_at"].endswith("Z")


def test_sales_by_closing_time_location_status_and_card(
    api: Api, merchant: dict[str, Any], program_id: str
) -> None:
    early = _sell(api, merchant, program_id, closed_at="2026-11-20T10:00:00Z")
    late = _sell(api, merchant, program_id, closed_at="2026-11-25T10:00:00+02:00", location="bar")
    anonymous = _sell(api, merchant, program_id, customer={})
    other_card = _sell(api, merchant, program_id, customer={"phone": "+380502222222"})
    assert anonymous["status"] == "unattributed"
    split = "2026-11-24T00:00:00Z"  # the other sales closed on the 22nd
    assert _ids(api, merchant, closed_after=split) == [late["id"]]
    assert early["id"] in _ids(api, merchant, closed_before=split)
    assert late["id"] not in _ids(api, merchant, closed_before=split)
    assert _ids(api, merchant, location="bar") == [late["id"]]
    assert _ids(api, merchant, status="unattributed") == [anonymous["id"]]
    processed = _ids(api, merchant, status="processed")
    assert anonymous["id"] not in processed
    assert len(processed) == 3
    assert _ids(api, merchant, card=early["card_number"]) == [late["id"], early["id"]]
    assert _ids(api, merchant, card=other_card["card_number"]) == [other_card["id"]]
    assert _ids(api, merchant, card=early["card_number"], closed_after=split) == [late["id"]]


def test_an_unknown_card_or_status_is_refused(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    other_program = post(api, other_merchant, "/v1/programs", nine_stamp_card()).get_json()["id"]
    theirs = _sell(api, other_merchant, other_program)
    for path in ("/v1/sales", "/v1/sales/export.csv"):
        card = {"card": theirs["card_number"]}  # another merchant's card is unknown here
        response = api.call("GET", path, merchant["api_key"], query_string=card)
        assert_problem(response, 404, "not_found")
        status = {"status": "refunded"}
        response = api.call("GET", path, merchant["api_key"], query_string=status)
        assert_problem(response, 422, "validation_error")
        naive = {"closed_after": "2026-11-22T00:00:00"}
        body = assert_problem(
            api.call("GET", path, merchant["api_key"], query_string=naive), 422, "validation_error"
        )
        assert body["errors"][0]["loc"] == ["closed_after"]
        assert body["errors"][0]["msg"].startswith("closed_after has no UTC offset")


def test_the_export_writes_the_sales_of_the_list_safe_for_spreadsheets(
    api: Api, merchant: dict[str, Any], program_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gateway.csv_export.BATCH", 2)
    made = [_sell(api, merchant, program_id) for _ in range(3)]
    formula = _sell(
        api,
        merchant,
        program_id,
        transaction_id='=HYPERLINK("http://example.com","x")',
        location="@SUM(1+1)",
    )
    response = api.call("GET", "/v1/sales/export.csv", merchant["api_key"])
    assert response.headers["Content-Disposition"] == 'attachment; filename="sales.csv"'
    assert response.get_data(as_text=True).startswith(
        "id,source,transaction_id,status,program_id,card_number,location,total,currency,"
        "stamps_added,stamps_reversed,closed_at,created_at\r\n"
    )
    rows = _csv(api, merchant)
    assert [row["id"] for row in rows] == [formula["id"], *(s["id"] for s in reversed(made))]
    assert rows[0]["transaction_id"] == '\'=HYPERLINK("http://example.com","x")'
    assert rows[0]["location"] == "'@SUM(1+1)"
    last = rows[-1]
    assert (last["status"], last["card_number"], last["total"]) == (
        "processed",
        made[0]["card_number"],
        "500",
    )
    assert (last["stamps_added"], last["closed_at"]) == ("1", "2026-11-22T10:00:00Z")
    assert [row["id"] for row in _csv(api, merchant, location="main")] == [
        s["id"] for s in reversed(made)
    ]
    split = api.call("GET", "/v1/sales", merchant["api_key"], query_string={"limit": 2}).get_json()[
        "items"
    ][1]["created_at"]
    assert [row["id"] for row in _csv(api, merchant, created_after=split)] == [formula["id"]]
