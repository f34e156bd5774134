"""Every list: cursor pages newest first, narrowed by created_after / created_before."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from gateway.loyalty.cards.numbers import luhn_check_digit
from tests.support.api import Api
from tests.support.codes import new_card, post
from tests.support.lists import all_items
from tests.support.openapi import operations
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card
from tests.support.sales import sale_body

Maker = Callable[[Api, dict[str, Any]], str]
UNKNOWN_CARD = "1" * 11 + luhn_check_digit("1" * 11)
STAFF_VOUCHER = {"type": "voucher", "description": "Cake", "redemption": "staff"}


def _document(client: FlaskClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").get_json()
    return document


def _list_operations(client: FlaskClient) -> list[str]:
    return [
        op.path
        for op in operations(_document(client))
        if op.method == "GET" and any(p["name"] == "cursor" for p in op.parameters("query"))
    ]


def _placeholder_url(path: str) -> str:
    """The path with its parameters filled in by well-formed values that name nothing."""
    return path.replace("{number}", UNKNOWN_CARD).replace("{", "").replace("}", "")


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def test_every_list_documents_the_creation_range(client: FlaskClient) -> None:
    lists = _list_operations(client)
    assert set(lists) >= {
        "/v1/programs",
        "/v1/api-keys",
        "/v1/cards",
        "/v1/cards/{number}/journal",
        "/v1/cards/{number}/spins",
        "/v1/vouchers",
        "/v1/sales",
        "/v1/redemptions",
        "/v1/code-pools",
        "/v1/connections",
        "/v1/inbound-events",
        "/v1/webhook-endpoints",
        "/v1/webhook-endpoints/{endpoint_id}/deliveries",
        "/v1/events",
        "/v1/audit-events",
    }
    document = _document(client)
    for path in lists:
        names = {p["name"] for p in document["paths"][path]["get"]["parameters"]}
        assert {"cursor", "limit", "created_after", "created_before"} <= names, path


def test_every_list_refuses_a_time_without_offset_naming_the_field(
    api: Api, merchant: dict[str, Any]
) -> None:
    for path in _list_operations(api.client):
        url = _placeholder_url(path)  # the query is read before any lookup
        for field in ("created_after", "created_before"):
            response = api.call(
                "GET", url, merchant["api_key"], query_string={field: "2026-12-01T10:00:00"}
            )
            body = assert_problem(response, 422, "validation_error")
            assert [error["loc"] for error in body["errors"]] == [[field]], path
            assert body["errors"][0]["msg"].startswith(f"{field} has no UTC offset"), path


def test_every_list_refuses_a_reversed_range_naming_both_fields(
    api: Api, merchant: dict[str, Any]
) -> None:
    reversed_range = {
        "created_after": "2026-12-02T00:00:00Z",
        "created_before": "2026-12-01T00:00:00+02:00",
    }
    for path in _list_operations(api.client):
        url = _placeholder_url(path)
        response = api.call("GET", url, merchant["api_key"], query_string=reversed_range)
        body = assert_problem(response, 422, "invalid_time_range")
        assert "created_after" in body["detail"], path
        assert "created_before" in body["detail"], path
        assert [error["loc"] for error in body["errors"]] == [["created_after"], ["created_before"]]


def _program(api: Api, owner: dict[str, Any]) -> str:
    created = post(api, owner, "/v1/programs", nine_stamp_card())
    program_id: str = created.get_json()["id"]
    return program_id


def _card(api: Api, owner: dict[str, Any]) -> str:
    number = new_card(api, owner)
    card_id: str = api.call("GET", f"/v1/cards/{number}", owner["api_key"]).get_json()["id"]
    return card_id


def _key(api: Api, owner: dict[str, Any]) -> str:
    key_id: str = post(api, owner, "/v1/api-keys", {"label": "till"}).get_json()["id"]
    return key_id


def _sale(api: Api, owner: dict[str, Any]) -> str:
    body = sale_body(f"T-{uuid.uuid4().hex}", program_id=_program(api, owner))
    sale_id: str = post(api, owner, "/v1/sales", body).get_json()["id"]
    return sale_id


def _voucher(api: Api, owner: dict[str, Any]) -> str:
    voucher_id: str = post(api, owner, "/v1/vouchers", {"reward": STAFF_VOUCHER}).get_json()["id"]
    return voucher_id


def _redemption(api: Api, owner: dict[str, Any]) -> str:
    body = {"reward": STAFF_VOUCHER, "card_number": new_card(api, owner)}
    voucher_id = post(api, owner, "/v1/vouchers", body).get_json()["id"]
    redeemed = post(api, owner, f"/v1/vouchers/{voucher_id}/redeem", {"channel": "staff"})
    redemption_id: str = redeemed.get_json()["redemption_id"]
    return redemption_id


def _pool(api: Api, owner: dict[str, Any]) -> str:
    pool_id: str = post(api, owner, "/v1/code-pools", {"name": "POS codes"}).get_json()["id"]
    return pool_id


def _endpoint(api: Api, owner: dict[str, Any]) -> str:
    body = {"url": "https://1.1.1.1/hooks"}  # a public literal address: nothing is sent here
    endpoint_id: str = post(api, owner, "/v1/webhook-endpoints", body).get_json()["id"]
    return endpoint_id


def _newest(path: str, make: Maker) -> Maker:
    def newest(api: Api, owner: dict[str, Any]) -> str:
        make(api, owner)
        page = api.call("GET", path, owner["api_key"], query_string={"limit": 1}).get_json()
        newest_id: str = page["items"][0]["id"]
        return newest_id

    return newest


# Lists whose rows the API makes directly; the rest share the same fetch_page (and are
# checked for their parameters above).
MAKERS: dict[str, Maker] = {
    "/v1/programs": _program,
    "/v1/api-keys": _key,
    "/v1/cards": _card,
    "/v1/sales": _sale,
    "/v1/vouchers": _voucher,
    "/v1/redemptions": _redemption,
    "/v1/code-pools": _pool,
    "/v1/webhook-endpoints": _endpoint,
    "/v1/events": _newest("/v1/events", _card),
    "/v1/audit-events": _newest("/v1/audit-events", _pool),
}


def _ids(api: Api, owner: dict[str, Any], path: str, **query: Any) -> list[str]:
    return [item["id"] for item in all_items(api, owner, path, **query)]


@pytest.mark.parametrize("path", sorted(MAKERS))
def test_the_creation_range_narrows_the_list_and_pages_with_it(
    api: Api, merchant: dict[str, Any], path: str
) -> None:
    make = MAKERS[path]
    older = make(api, merchant)
    middle = _now()
    newer = [make(api, merchant) for _ in range(3)]
    after = _ids(api, merchant, path, created_after=middle, limit=2)
    assert after[:3] == list(reversed(newer))
    assert older not in after
    before = _ids(api, merchant, path, created_before=middle, limit=1)
    assert older in before
    assert not set(newer) & set(before)
    window = _ids(api, merchant, path, created_after=middle, created_before=_now(), limit=1)
    assert window[:3] == list(reversed(newer))


@pytest.mark.parametrize("name", ["cards", "sales"])
def test_exports_are_documented_as_csv_with_the_lists_filters(
    client: FlaskClient, name: str
) -> None:
    paths = _document(client)["paths"]
    export = paths[f"/v1/{name}/export.csv"]["get"]
    assert "text/csv" in export["responses"]["200"]["content"]
    assert "header row first" in export["responses"]["200"]["description"]
    listed = {p["name"] for p in paths[f"/v1/{name}"]["get"]["parameters"]}
    exported = {p["name"] for p in export["parameters"]}
    assert exported == listed - {"cursor", "limit"}
