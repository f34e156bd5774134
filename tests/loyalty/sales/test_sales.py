"""The REST sales connector: stamps by the rules, exactly once, customers, and promo codes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from gateway.models import Card, Event, Sale
from tests.support.api import Api
from tests.support.events import event_data
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card
from tests.support.sales import post_sale, sale_body


def make_program(api: Api, merchant: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = api.call(
        "POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card(**changes)
    ).get_json()
    return body


def _count(app: Flask, model: Any, *where: Any) -> int:
    with app.extensions["stampgate"].session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_nine_sales_fill_the_nine_stamp_card(api: Api, merchant: dict[str, Any]) -> None:
    program = make_program(api, merchant)
    results = [post_sale(api, merchant, sale_body(f"T-{n}")).get_json() for n in range(1, 10)]
    assert all(r["status"] == "processed" and r["stamps_added"] == 1 for r in results)
    assert all(r["program_id"] == program["id"] for r in results)
    assert len({r["card_number"] for r in results}) == 1
    rewards = {
        n + 1: [(g["type"], g["milestone"]) for g in r["rewards"]] for n, r in enumerate(results)
    }
    assert rewards[3] == [("award", True)]
    assert rewards[6] == [("voucher", True)]
    assert rewards[9] == [("voucher", False)]
    assert results[8]["rewards"][0]["voucher"]["source"] == {
        "kind": "goal",
        "sale_id": results[8]["id"],
    }
    assert sum(len(v) for v in rewards.values()) == 3
    card = api.call("GET", f"/v1/cards/{results[0]['card_number']}", merchant["api_key"]).get_json()
    assert (card["stamps"], card["cycle"]) == (0, 2)


def test_a_replayed_sale_answers_its_first_result(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant)
    first = post_sale(api, merchant, sale_body("T-1"))
    again = post_sale(api, merchant, sale_body("T-1"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert_problem(post_sale(api, merchant, sale_body("T-1", total=600)), 409, "sale_conflict")
    other_source = post_sale(api, merchant, sale_body("T-1", source="kiosk"))
    assert other_source.status_code == 201
    assert _count(app, Sale) == 2
    card = api.call(
        "GET", f"/v1/cards/{first.get_json()['card_number']}", merchant["api_key"]
    ).get_json()
    assert card["stamps"] == 2


def test_concurrent_deliveries_of_one_sale_apply_it_once(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant)

    def deliver(_: int) -> tuple[int, Any]:
        response = app.test_client().post(
            "/v1/sales",
            json=sale_body("T-race"),
            headers={"Authorization": f"Bearer {merchant['api_key']}"},
        )
        return response.status_code, response.get_json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(deliver, range(12)))
    assert sorted(status for status, _ in results) == [200] * 11 + [201]
    assert len({body["id"] for _, body in results}) == 1
    assert _count(app, Sale) == 1
    assert _count(app, Card) == 1
    assert len(event_data(app, "card.stamped")) == 1


def test_sales_without_program_id_go_to_the_default_program(
    api: Api, merchant: dict[str, Any]
) -> None:
    coffee = make_program(api, merchant)
    assert post_sale(api, merchant, sale_body("T-1")).get_json()["program_id"] == coffee["id"]
    tea = make_program(api, merchant, name="Tea")
    assert post_sale(api, merchant, sale_body("T-2")).get_json()["program_id"] == coffee["id"]
    named = post_sale(api, merchant, sale_body("T-3", program_id=tea["id"])).get_json()
    assert named["program_id"] == tea["id"]
    by_card = post_sale(
        api, merchant, sale_body("T-4", customer={"card_number": named["card_number"]})
    ).get_json()
    assert by_card["program_id"] == tea["id"]
    api.call("PATCH", f"/v1/programs/{tea['id']}", merchant["api_key"], json={"is_default": True})
    assert post_sale(api, merchant, sale_body("T-5")).get_json()["program_id"] == tea["id"]


def test_without_a_default_the_program_must_be_named(api: Api, merchant: dict[str, Any]) -> None:
    coffee = make_program(api, merchant)
    make_program(api, merchant, name="Tea")
    api.call(
        "PATCH", f"/v1/programs/{coffee['id']}", merchant["api_key"], json={"is_default": False}
    )
    refused = post_sale(api, merchant, sale_body("T-1"))
    assert_problem(refused, 422, "program_required")
    assert "is_default" in refused.get_json()["detail"]


def test_a_merchant_without_programs_gets_program_required(
    api: Api, merchant: dict[str, Any]
) -> None:
    assert_problem(post_sale(api, merchant, sale_body("T-1")), 422, "program_required")


def test_a_sale_without_a_customer_is_unattributed(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant)
    result = post_sale(api, merchant, sale_body("T-1", customer=None)).get_json()
    assert (result["status"], result["card_number"], result["stamps_added"]) == (
        "unattributed",
        None,
        0,
    )
    assert [e["id"] for e in event_data(app, "sale.unattributed")] == [result["id"]]
    assert _count(app, Card) == 0


def test_unknown_customers_are_enrolled_only_with_auto_enroll(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant, auto_enroll=False)
    result = post_sale(api, merchant, sale_body("T-1")).get_json()
    assert (result["status"], result["stamps_added"]) == ("unattributed", 0)
    assert _count(app, Card) == 0


def test_customers_are_found_by_phone_email_and_pos_id(api: Api, merchant: dict[str, Any]) -> None:
    program = make_program(api, merchant)
    card = api.call(
        "POST",
        "/v1/cards",
        merchant["api_key"],
        json={
            "program_id": program["id"],
            "customer": {
                "phone": "+380502222222",
                "email": "ann@example.com",
                "pos": {"api": "C-9"},
            },
        },
    ).get_json()
    for n, customer in enumerate(
        [{"phone": "+380 50 222 2222"}, {"email": "ANN@example.com"}, {"pos_customer_id": "C-9"}]
    ):
        result = post_sale(api, merchant, sale_body(f"T-{n}", customer=customer)).get_json()
        assert result["card_number"] == card["number"], customer


def test_rules_and_the_cap_decide_the_stamps(api: Api, merchant: dict[str, Any]) -> None:
    rules = [
        {"kind": "per_item", "stamps": 1, "products": ["12"]},
        {"kind": "per_amount", "stamps": 1, "every": 1000},
    ]
    make_program(api, merchant, rules=rules, max_stamps_per_sale=5, milestones=[])
    lines = [
        {"product": "12", "quantity": 2, "amount": 1000},
        {"product": "99", "quantity": 1, "amount": 1500},
    ]
    result = post_sale(api, merchant, sale_body("T-1", total=2500, lines=lines)).get_json()
    assert result["stamps_added"] == 4  # 2 lattes + floor(2500 / 1000)
    lines[0]["quantity"] = 6
    capped = post_sale(api, merchant, sale_body("T-2", total=2500, lines=lines)).get_json()
    assert capped["stamps_added"] == 5


def _voucher_for(
    api: Api, merchant: dict[str, Any], card_number: str, code: str, days: int = 30
) -> dict[str, Any]:
    reward = {
        "type": "voucher",
        "description": "Free coffee",
        "redemption": "code",
        "code": {"mode": "shared", "value": code},
        "validity": {"kind": "days", "count": days},
    }
    body: dict[str, Any] = api.call(
        "POST",
        "/v1/vouchers",
        merchant["api_key"],
        json={"reward": reward, "card_number": card_number},
    ).get_json()
    return body


def test_a_promo_code_redeems_the_customers_voucher_once(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant)
    number = post_sale(api, merchant, sale_body("T-0")).get_json()["card_number"]
    voucher = _voucher_for(api, merchant, number, "FREECOFFEE")
    first = post_sale(api, merchant, sale_body("T-1", promo_codes=[" freecoffee "])).get_json()
    assert first["redemptions"] == [
        {"code": "freecoffee", "voucher_id": voucher["id"], "status": "redeemed", "reason": None}
    ]
    assert first["stamps_added"] == 0  # stampless_when_redeeming
    redeemed = api.call("GET", f"/v1/vouchers/{voucher['id']}", merchant["api_key"]).get_json()
    assert redeemed["status"] == "redeemed"
    screenshot = post_sale(api, merchant, sale_body("T-2", promo_codes=["FREECOFFEE"])).get_json()
    assert screenshot["redemptions"][0]["status"] == "rejected"
    assert screenshot["redemptions"][0]["reason"] == "already_redeemed"
    assert screenshot["stamps_added"] == 1
    rejected = event_data(app, "voucher.redemption_rejected")
    assert [(e["code"], e["reason"], e["sale_id"]) for e in rejected] == [
        ("FREECOFFEE", "already_redeemed", screenshot["id"])
    ]


def test_stamps_still_count_when_the_program_allows(api: Api, merchant: dict[str, Any]) -> None:
    make_program(api, merchant, stampless_when_redeeming=False)
    number = post_sale(api, merchant, sale_body("T-0")).get_json()["card_number"]
    _voucher_for(api, merchant, number, "FREECOFFEE")
    result = post_sale(api, merchant, sale_body("T-1", promo_codes=["FREECOFFEE"])).get_json()
    assert (result["redemptions"][0]["status"], result["stamps_added"]) == ("redeemed", 1)


@pytest.mark.parametrize(
    ("code", "customer", "reason"),
    [
        ("NOSUCHCODE", {"phone": "+380501111111"}, "unknown_code"),
        ("FREECOFFEE", None, "customer_required"),
        ("FREECOFFEE", {"phone": "+380509999999"}, "other_customer"),
    ],
)
def test_codes_that_redeem_nothing_are_rejected_and_reported(
    app: Flask,
    api: Api,
    merchant: dict[str, Any],
    code: str,
    customer: dict[str, Any] | None,
    reason: str,
) -> None:
    make_program(api, merchant)
    number = post_sale(api, merchant, sale_body("T-0")).get_json()["card_number"]
    voucher = _voucher_for(api, merchant, number, "FREECOFFEE")
    result = post_sale(
        api, merchant, sale_body("T-1", customer=customer, promo_codes=[code])
    ).get_json()
    assert (result["redemptions"][0]["status"], result["redemptions"][0]["reason"]) == (
        "rejected",
        reason,
    )
    assert [e["reason"] for e in event_data(app, "voucher.redemption_rejected")] == [reason]
    assert (
        api.call("GET", f"/v1/vouchers/{voucher['id']}", merchant["api_key"]).get_json()["status"]
        == "active"
    )


def test_a_shared_code_redeems_the_oldest_expiring_voucher_first(
    api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant)
    number = post_sale(api, merchant, sale_body("T-0")).get_json()["card_number"]
    later = _voucher_for(api, merchant, number, "FREECOFFEE", days=60)
    sooner = _voucher_for(api, merchant, number, "FREECOFFEE", days=5)
    first = post_sale(api, merchant, sale_body("T-1", promo_codes=["FREECOFFEE"])).get_json()
    second = post_sale(api, merchant, sale_body("T-2", promo_codes=["FREECOFFEE"])).get_json()
    assert [first["redemptions"][0]["voucher_id"], second["redemptions"][0]["voucher_id"]] == [
        sooner["id"],
        later["id"],
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lines": [{"product": "1", "quantity": -1, "amount": 100}]}, "lines"),
        ({"lines": [{"product": "1", "quantity": 1, "amount": -100}]}, "lines"),
        ({"total": -1}, "total"),
        ({"currency": "XXX"}, "currency"),
        ({"closed_at": "2026-11-22T10:00:00"}, "closed_at"),
        ({"lines": [{"product": "1", "quantity": 1, "amount": 1}] * 501}, "lines"),
        ({"promo_codes": ["FREE\u200bCOFFEE"]}, "promo_codes"),  # not printable
        ({"transaction_id": ""}, "transaction_id"),
        ({"customer": {"phone": "123"}}, "customer"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_bad_sales_are_refused_and_write_nothing(
    app: Flask, api: Api, merchant: dict[str, Any], changes: dict[str, Any], field: str
) -> None:
    make_program(api, merchant)
    body = assert_problem(
        post_sale(api, merchant, {**sale_body("T-1"), **changes}), 422, "validation_error"
    )
    assert any(error["loc"][0] == field for error in body["errors"]), body["errors"]
    assert (_count(app, Sale), _count(app, Card), _count(app, Event)) == (0, 0, 0)


def test_a_sale_in_another_currency_is_refused(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    make_program(api, merchant)
    assert_problem(
        post_sale(api, merchant, sale_body("T-1", currency="USD")), 422, "currency_mismatch"
    )
    assert _count(app, Sale) == 0
