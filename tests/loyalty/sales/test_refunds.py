"""Refunds reverse what a sale earned: in proportion, never more, never below zero."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from gateway.models import Event, StampEntry
from tests.support.api import Api
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card
from tests.support.sales import post_sale, sale_body

THREE_LATTES = [{"product": "12", "quantity": 3, "amount": 1500}]


def setup_program(api: Api, merchant: dict[str, Any], **changes: Any) -> None:
    rules = [{"kind": "per_item", "stamps": 1, "products": ["12"]}]
    api.call(
        "POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card(rules=rules, **changes)
    )


def refund(
    api: Api, merchant: dict[str, Any], sale_id: str, refund_id: str, lines: Any = None
) -> Any:
    body = {"refund_id": refund_id, "lines": lines}
    return api.call("POST", f"/v1/sales/{sale_id}/refunds", merchant["api_key"], json=body)


def card_of(api: Api, merchant: dict[str, Any], number: str) -> dict[str, Any]:
    body: dict[str, Any] = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()
    return body


def test_a_full_refund_reverses_the_sales_stamps(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    setup_program(api, merchant, milestones=[])
    sale = post_sale(api, merchant, sale_body("T-1", total=1500, lines=THREE_LATTES)).get_json()
    response = refund(api, merchant, sale["id"], "R-1")
    assert response.status_code == 201
    result = response.get_json()
    assert (result["stamps_reversed"], result["shortfall"], result["voided_vouchers"]) == (3, 0, [])
    assert card_of(api, merchant, sale["card_number"])["stamps"] == 0
    with app.extensions["stampgate"].session_factory() as session:
        entries = [
            (e.kind, e.delta) for e in session.scalars(select(StampEntry).order_by(StampEntry.id))
        ]
        reversed_events = [
            e.data
            for e in session.scalars(select(Event).where(Event.type == "card.stamps_reversed"))
        ]
    assert entries == [("sale", 3), ("refund", -3)]
    assert reversed_events[0]["removed"] == 3


def test_partial_refunds_reverse_in_proportion_and_never_more(
    api: Api, merchant: dict[str, Any]
) -> None:
    setup_program(api, merchant, milestones=[])
    sale = post_sale(api, merchant, sale_body("T-1", total=1500, lines=THREE_LATTES)).get_json()
    one_latte = [{"product": "12", "quantity": 1, "amount": 500}]
    first = refund(api, merchant, sale["id"], "R-1", one_latte).get_json()
    assert first["stamps_reversed"] == 1
    second = refund(
        api, merchant, sale["id"], "R-2", [{"product": "12", "quantity": 2, "amount": 1000}]
    ).get_json()
    assert second["stamps_reversed"] == 2
    beyond = refund(api, merchant, sale["id"], "R-3", one_latte).get_json()
    assert beyond["stamps_reversed"] == 0
    assert refund(api, merchant, sale["id"], "R-4").get_json()["stamps_reversed"] == 0
    assert card_of(api, merchant, sale["card_number"])["stamps"] == 0


def test_a_refund_is_idempotent_by_its_id(api: Api, merchant: dict[str, Any]) -> None:
    setup_program(api, merchant, milestones=[])
    sale = post_sale(api, merchant, sale_body("T-1", total=1500, lines=THREE_LATTES)).get_json()
    first = refund(
        api, merchant, sale["id"], "R-1", [{"product": "12", "quantity": 1, "amount": 500}]
    )
    again = refund(
        api, merchant, sale["id"], "R-1", [{"product": "12", "quantity": 1, "amount": 500}]
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert_problem(refund(api, merchant, sale["id"], "R-1"), 409, "refund_conflict")
    assert card_of(api, merchant, sale["card_number"])["stamps"] == 2


def test_undoing_a_cycle_voids_its_unused_voucher_and_restores_it(
    api: Api, merchant: dict[str, Any]
) -> None:
    setup_program(api, merchant)
    lines = [{"product": "12", "quantity": 10, "amount": 5000}]
    sale = post_sale(api, merchant, sale_body("T-1", total=5000, lines=lines)).get_json()
    vouchers = [g["voucher"]["id"] for g in sale["rewards"] if g["type"] == "voucher"]
    assert len(vouchers) == 2  # the dessert at 6 and the pizza at 9
    result = refund(api, merchant, sale["id"], "R-1").get_json()
    assert (result["stamps_reversed"], result["shortfall"]) == (10, 0)
    assert sorted(result["voided_vouchers"]) == sorted(vouchers)
    card = card_of(api, merchant, sale["card_number"])
    assert (card["stamps"], card["cycle"]) == (0, 1)
    for voucher_id in vouchers:
        assert (
            api.call("GET", f"/v1/vouchers/{voucher_id}", merchant["api_key"]).get_json()["status"]
            == "voided"
        )


def test_a_used_goal_reward_stays_and_the_shortfall_is_recorded(
    api: Api, merchant: dict[str, Any]
) -> None:
    setup_program(api, merchant, milestones=[])
    lines = [{"product": "12", "quantity": 10, "amount": 5000}]
    sale = post_sale(api, merchant, sale_body("T-1", total=5000, lines=lines)).get_json()
    pizza = sale["rewards"][0]["voucher"]
    used = post_sale(
        api, merchant, sale_body("T-2", total=0, lines=[], promo_codes=[pizza["code"]])
    ).get_json()
    assert used["redemptions"][0]["status"] == "redeemed"
    result = refund(api, merchant, sale["id"], "R-1").get_json()
    assert (result["stamps_reversed"], result["shortfall"], result["voided_vouchers"]) == (1, 9, [])
    card = card_of(api, merchant, sale["card_number"])
    assert (card["stamps"], card["cycle"]) == (0, 2)
    assert (
        api.call("GET", f"/v1/vouchers/{pizza['id']}", merchant["api_key"]).get_json()["status"]
        == "redeemed"
    )


def test_refunding_a_sale_does_not_undo_its_redemptions(api: Api, merchant: dict[str, Any]) -> None:
    setup_program(api, merchant, milestones=[])
    number = post_sale(
        api, merchant, sale_body("T-0", total=500, lines=THREE_LATTES[:0])
    ).get_json()["card_number"]
    reward = {
        "type": "voucher",
        "description": "Coffee",
        "redemption": "code",
        "code": {"mode": "shared", "value": "COFFEE"},
    }
    voucher = api.call(
        "POST", "/v1/vouchers", merchant["api_key"], json={"reward": reward, "card_number": number}
    ).get_json()
    sale = post_sale(api, merchant, sale_body("T-1", promo_codes=["COFFEE"])).get_json()
    refund(api, merchant, sale["id"], "R-1")
    assert (
        api.call("GET", f"/v1/vouchers/{voucher['id']}", merchant["api_key"]).get_json()["status"]
        == "redeemed"
    )


def test_refunds_of_unattributed_or_unknown_sales(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    setup_program(api, merchant)
    anonymous = post_sale(api, merchant, sale_body("T-1", customer=None)).get_json()
    assert refund(api, merchant, anonymous["id"], "R-1").get_json()["stamps_reversed"] == 0
    assert_problem(refund(api, other_merchant, anonymous["id"], "R-2"), 404, "not_found")
    assert_problem(refund(api, merchant, "sale_nope", "R-3"), 404, "not_found")
