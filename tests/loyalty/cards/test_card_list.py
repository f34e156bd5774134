"""The card list without an identifier, its filters, and its CSV export."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.api import Api
from tests.support.codes import post
from tests.support.lists import all_items, exported_rows
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card
from tests.support.sales import sale_body

STAFF_VOUCHER = {"type": "voucher", "description": "Cake", "redemption": "staff"}


def _program(api: Api, merchant: dict[str, Any], name: str = "Coffee card") -> str:
    program_id: str = post(api, merchant, "/v1/programs", nine_stamp_card(name=name)).get_json()[
        "id"
    ]
    return program_id


def _enrol(api: Api, merchant: dict[str, Any], program_id: str, **customer: Any) -> str:
    body = {"program_id": program_id, "customer": customer}
    number: str = post(api, merchant, "/v1/cards", body).get_json()["number"]
    return number


def _visit(api: Api, merchant: dict[str, Any], program_id: str, phone: str, closed_at: str) -> str:
    body = sale_body(
        f"T-{uuid.uuid4().hex}",
        program_id=program_id,
        closed_at=closed_at,
        customer={"phone": phone},
    )
    number: str = post(api, merchant, "/v1/sales", body).get_json()["card_number"]
    return number


def _numbers(api: Api, merchant: dict[str, Any], **query: Any) -> list[str]:
    return [item["number"] for item in all_items(api, merchant, "/v1/cards", **query)]


def _csv(api: Api, merchant: dict[str, Any], **query: Any) -> list[dict[str, str]]:
    return exported_rows(api, merchant, "/v1/cards/export.csv", **query)


def test_all_cards_are_listed_newest_first_page_by_page(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    program_id = _program(api, merchant)
    made = [_enrol(api, merchant, program_id) for _ in range(5)]
    _enrol(api, other_merchant, _program(api, other_merchant))
    assert _numbers(api, merchant, limit=2) == list(reversed(made))


def test_cards_of_one_program(api: Api, merchant: dict[str, Any]) -> None:
    coffee, pizza = _program(api, merchant), _program(api, merchant, "Pizza card")
    mine = _enrol(api, merchant, coffee)
    theirs = _enrol(api, merchant, pizza)
    assert _numbers(api, merchant, program_id=coffee) == [mine]
    assert _numbers(api, merchant, program_id=pizza) == [theirs]
    # The lookups by identifier still work, alone or with the program.
    phoned = _enrol(api, merchant, coffee, phone="+380501112233")
    assert _numbers(api, merchant, phone="+380501112233") == [phoned]
    assert _numbers(api, merchant, phone="+380501112233", program_id=pizza) == []


def test_cards_by_their_last_visit(api: Api, merchant: dict[str, Any]) -> None:
    program_id = _program(api, merchant)
    november = _visit(api, merchant, program_id, "+380501110001", "2026-11-20T10:00:00Z")
    late = _visit(api, merchant, program_id, "+380501110002", "2026-11-25T10:00:00Z")
    # An earlier sale arriving late does not move the last visit back.
    assert _visit(api, merchant, program_id, "+380501110002", "2026-11-01T10:00:00Z") == late
    never = _enrol(api, merchant, program_id)
    split = "2026-11-22T00:00:00Z"
    assert _numbers(api, merchant, last_visit_after=split) == [late]
    assert _numbers(api, merchant, last_visit_before=split) == [november]
    assert set(_numbers(api, merchant)) == {november, late, never}
    card = api.call("GET", f"/v1/cards/{late}", merchant["api_key"]).get_json()
    assert card["last_visit_at"] == "2026-11-25T10:00:00Z"
    assert (
        api.call("GET", f"/v1/cards/{never}", merchant["api_key"]).get_json()["last_visit_at"]
        is None
    )
    # A manual stamp is a visit now; a sale closed in the future counts as now.
    before = datetime.now(UTC)
    post(api, merchant, f"/v1/cards/{never}/stamps", {"count": 1, "channel": "staff"})
    ahead = _visit(api, merchant, program_id, "+380501110003", "2030-01-01T00:00:00Z")
    after = datetime.now(UTC)
    for number in (never, ahead):
        visited = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()
        assert before <= datetime.fromisoformat(visited["last_visit_at"]) <= after
    assert set(_numbers(api, merchant, last_visit_after=before.isoformat())) == {never, ahead}


def test_cards_with_and_without_a_voucher_to_redeem(api: Api, merchant: dict[str, Any]) -> None:
    program_id = _program(api, merchant)
    holder, spent, without = (_enrol(api, merchant, program_id) for _ in range(3))
    post(api, merchant, "/v1/vouchers", {"reward": STAFF_VOUCHER, "card_number": holder})
    used = post(api, merchant, "/v1/vouchers", {"reward": STAFF_VOUCHER, "card_number": spent})
    post(api, merchant, f"/v1/vouchers/{used.get_json()['id']}/redeem", {"channel": "staff"})
    assert _numbers(api, merchant, has_active_voucher="true") == [holder]
    assert _numbers(api, merchant, has_active_voucher="false") == [without, spent]
    response = api.call(
        "GET", "/v1/cards", merchant["api_key"], query_string={"has_active_voucher": "maybe"}
    )
    assert_problem(response, 422, "validation_error")


def test_the_export_writes_the_cards_of_the_list(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    program_id = _program(api, merchant)
    phoned = _enrol(api, merchant, program_id, phone="+380501114455", pos={"poster": "=1+2"})
    visited = _visit(api, merchant, program_id, "+380501116677", "2026-11-20T10:00:00Z")
    post(api, merchant, "/v1/vouchers", {"reward": STAFF_VOUCHER, "card_number": visited})
    _enrol(api, other_merchant, _program(api, other_merchant))
    response = api.call("GET", "/v1/cards/export.csv", merchant["api_key"])
    assert response.headers["Content-Disposition"] == 'attachment; filename="cards.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith(
        "id,number,program_id,stamps,stamps_goal,cycle,active_vouchers,phone,email,pos_ids,"
        "created_at,last_visit_at\r\n"
    )
    rows = _csv(api, merchant)
    assert [row["number"] for row in rows] == [visited, phoned]
    latest, first = rows
    # A phone starts with "+": spreadsheets would read it as a formula without the apostrophe.
    assert first["phone"] == "'+380501114455"
    assert first["pos_ids"] == "poster:=1+2"  # starts with the POS name: nothing to run
    assert first["last_visit_at"] == ""
    assert first["active_vouchers"] == "0"
    assert (latest["stamps"], latest["stamps_goal"], latest["active_vouchers"]) == ("1", "9", "1")
    assert latest["last_visit_at"] == "2026-11-20T10:00:00Z"
    assert latest["created_at"].endswith("Z")
    assert [row["number"] for row in _csv(api, merchant, has_active_voucher="true")] == [visited]
    assert [row["number"] for row in _csv(api, other_merchant)] != [visited]
    assert not {row["number"] for row in _csv(api, other_merchant)} & {visited, phoned}


def test_the_export_reads_the_cards_batch_by_batch(
    api: Api, merchant: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gateway.csv_export.BATCH", 2)
    program_id = _program(api, merchant)
    made = [_enrol(api, merchant, program_id) for _ in range(5)]
    assert [row["number"] for row in _csv(api, merchant)] == list(reversed(made))
    split = api.call("GET", f"/v1/cards/{made[2]}", merchant["api_key"]).get_json()["created_at"]
    newer = _csv(api, merchant, created_after=split)
    assert [row["number"] for row in newer] == list(reversed(made[3:]))


def test_the_export_refuses_what_the_list_refuses(api: Api, merchant: dict[str, Any]) -> None:
    naive = {"last_visit_after": "2026-12-01T00:00:00"}
    response = api.call("GET", "/v1/cards/export.csv", merchant["api_key"], query_string=naive)
    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["loc"] == ["last_visit_after"]
    reversed_range = {
        "last_visit_after": "2026-12-02T00:00:00Z",
        "last_visit_before": "2026-12-01T00:00:00Z",
    }
    response = api.call(
        "GET", "/v1/cards/export.csv", merchant["api_key"], query_string=reversed_range
    )
    assert_problem(response, 422, "invalid_time_range")
