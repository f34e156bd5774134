"""Bounds of one sale: rule values, stamps and rewards per sale, and the widest money amounts."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from gateway.loyalty.cards.progress import MAX_REWARDS_PER_SALE
from gateway.models import Card, Sale, Voucher
from mappings.rules import DEFAULT_MAX_STAMPS_PER_SALE, MAX_MINOR_UNITS, MAX_STAMPS_PER_SALE
from tests.support.api import Api
from tests.support.problems import assert_problem
from tests.support.programs import FREE_COFFEE, FREE_PIZZA, nine_stamp_card
from tests.support.sales import post_sale, sale_body

INT32_MAX = 2**31 - 1
# 10,000 stamps a cent: even the smallest sale earns far more than any cap.
EVERY_CENT = {"kind": "per_amount", "stamps": MAX_STAMPS_PER_SALE, "every": 1}


def _program(api: Api, merchant: dict[str, Any], **changes: Any) -> Any:
    return api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card(**changes))


def _count(app: Flask, model: Any) -> int:
    with app.extensions["stampgate"].session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _card(app: Flask) -> tuple[int, int]:
    with app.extensions["stampgate"].session_factory() as session:
        card = session.scalars(select(Card)).one()
        return card.stamps, card.cycle


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "per_sale", "stamps": 3_000_000_000},
        {"kind": "per_amount", "stamps": MAX_STAMPS_PER_SALE + 1, "every": 1},
        {"kind": "per_amount", "stamps": 1, "every": MAX_MINOR_UNITS + 1},
        {"kind": "per_sale", "stamps": 1, "min_total": MAX_MINOR_UNITS + 1},
        {"kind": "per_item", "stamps": MAX_STAMPS_PER_SALE + 1, "products": ["12"]},
    ],
)
def test_a_rule_beyond_its_bounds_is_refused(
    app: Flask, api: Api, merchant: dict[str, Any], rule: dict[str, Any]
) -> None:
    body = assert_problem(_program(api, merchant, rules=[rule]), 422, "validation_error")
    assert [error["loc"][:2] for error in body["errors"]] == [["rules", "0"]]
    assert body["errors"][0]["type"] == "less_than_equal"
    program = _program(api, merchant).get_json()
    patched = api.call(
        "PATCH", f"/v1/programs/{program['id']}", merchant["api_key"], json={"rules": [rule]}
    )
    assert_problem(patched, 422, "validation_error")


def test_a_cap_beyond_the_maximum_is_refused(api: Api, merchant: dict[str, Any]) -> None:
    too_many = _program(api, merchant, max_stamps_per_sale=MAX_STAMPS_PER_SALE + 1)
    body = assert_problem(too_many, 422, "validation_error")
    assert body["errors"][0]["loc"] == ["max_stamps_per_sale"]


def test_a_program_without_a_cap_earns_at_most_the_default_cap(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    _program(api, merchant, stamps_goal=100, milestones=[], reward=FREE_COFFEE, rules=[EVERY_CENT])
    result = post_sale(api, merchant, sale_body("T-1")).get_json()
    assert result["stamps_added"] == DEFAULT_MAX_STAMPS_PER_SALE
    assert len(result["rewards"]) == DEFAULT_MAX_STAMPS_PER_SALE // 100
    assert _card(app) == (0, DEFAULT_MAX_STAMPS_PER_SALE // 100 + 1)


def test_a_sale_completing_many_cycles_gives_at_most_the_reward_cap(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    # One stamp is one whole cycle: 10,000 stamps would be 10,000 vouchers.
    _program(
        api,
        merchant,
        stamps_goal=1,
        milestones=[],
        reward=FREE_PIZZA,
        rules=[EVERY_CENT],
        max_stamps_per_sale=MAX_STAMPS_PER_SALE,
    )
    result = post_sale(api, merchant, sale_body("T-1")).get_json()
    assert result["stamps_added"] == MAX_REWARDS_PER_SALE
    assert [reward["type"] for reward in result["rewards"]] == ["voucher"] * MAX_REWARDS_PER_SALE
    assert _count(app, Voucher) == MAX_REWARDS_PER_SALE
    assert _card(app) == (0, MAX_REWARDS_PER_SALE + 1)


def test_the_reward_cap_counts_milestones_and_keeps_the_stamps_up_to_the_last_reward(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    _program(api, merchant, rules=[EVERY_CENT], max_stamps_per_sale=MAX_STAMPS_PER_SALE)
    result = post_sale(api, merchant, sale_body("T-1")).get_json()
    # The 9-stamp card rewards every third stamp; the 101st reward would be stamp 303.
    assert result["stamps_added"] == 3 * (MAX_REWARDS_PER_SALE + 1) - 1
    assert len(result["rewards"]) == MAX_REWARDS_PER_SALE
    assert _card(app) == (5, 34)
    refund = api.call(
        "POST", f"/v1/sales/{result['id']}/refunds", merchant["api_key"], json={"refund_id": "R-1"}
    ).get_json()
    assert refund["stamps_reversed"] == result["stamps_added"]
    assert _card(app) == (0, 1)


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"total": INT32_MAX + 1}, 201),
        ({"total": MAX_MINOR_UNITS}, 201),
        ({"total": MAX_MINOR_UNITS + 1}, 422),
        ({"lines": [{"product": "12", "quantity": 100_000, "amount": MAX_MINOR_UNITS}]}, 201),
        ({"lines": [{"product": "12", "quantity": 100_001, "amount": 1}]}, 422),
        ({"lines": [{"product": "12", "quantity": 1, "amount": MAX_MINOR_UNITS + 1}]}, 422),
    ],
)
def test_the_widest_amounts_are_stored_or_refused_never_a_server_error(
    app: Flask, api: Api, merchant: dict[str, Any], changes: dict[str, Any], status: int
) -> None:
    rules = [
        {"kind": "per_sale", "stamps": 1, "min_total": MAX_MINOR_UNITS},
        {"kind": "per_item", "stamps": 1, "products": ["12"]},
        {"kind": "per_amount", "stamps": 1, "every": MAX_MINOR_UNITS},
    ]
    _program(api, merchant, rules=rules)
    answer = post_sale(api, merchant, sale_body("T-1", **changes))
    assert answer.status_code == status, answer.get_json()
    if status == 422:
        assert_problem(answer, 422, "validation_error")
        assert _count(app, Sale) == 0
        return
    with app.extensions["stampgate"].session_factory() as session:
        stored = session.scalars(select(Sale)).one()
    assert stored.total == changes.get("total", 500)
    refund = api.call(
        "POST", f"/v1/sales/{stored.id}/refunds", merchant["api_key"], json={"refund_id": "R-1"}
    )
    assert refund.status_code == 201, refund.get_json()
