"""Automations: the API (create, list, read, pause), bad input, and each trigger firing at
most once per card and occurrence with a controllable clock; two schedulers at once fire once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from gateway.campaigns.automations.evaluation import evaluate_automations, fire_batch
from gateway.campaigns.automations.models import AutomationFiring
from gateway.campaigns.models import Campaign, CampaignMessage
from gateway.db import utcnow
from tests.campaigns.conftest import Shop, days_ago
from tests.support.codes import give
from tests.support.programs import DESSERT_VOUCHER

TWO_DAY_VOUCHER = {**DESSERT_VOUCHER, "validity": {"kind": "days", "count": 2}}


def automation(shop: Shop, trigger: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A created automation on the Wallet (201 asserted)."""
    body = {
        "program_id": shop.program_id,
        "name": f"auto {trigger['kind']}",
        "trigger": trigger,
        "push_text": "We miss you ☕",
        "channels": ["wallet"],
        **changes,
    }
    response = shop.call("POST", "/v1/automations", json=body)
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created


def fire(shop: Shop, now: datetime) -> int:
    """One scheduler round at ``now``; how many cards it fired for."""
    return evaluate_automations(shop.app.extensions["stampgate"].session_factory, now)


def count(shop: Shop, *columns: Any) -> int:
    """How many rows of the first column's table (filtered by the rest)."""
    with shop.app.extensions["stampgate"].session_factory() as session:
        return int(session.scalar(select(func.count()).where(*columns)) or 0)


def test_the_api_refuses_bad_input_then_creates_lists_reads_and_pauses(shop: Shop) -> None:
    base: dict[str, Any] = {
        "program_id": shop.program_id,
        "name": "x",
        "trigger": {"kind": "win_back", "days": 30},
        "channels": ["wallet"],
        "push_text": "Hi",
    }
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"push_text": "Coffee's waiting for you ☕"}, "push_text_too_long"),
        ({"channels": ["email"]}, "channel_text_missing"),
        ({"voucher": {"type": "award", "description": "A mug"}}, "not_a_voucher_reward"),
        ({"trigger": {"kind": "win_back"}}, "validation_error"),
        ({"trigger": {}}, "validation_error"),
    ]
    for change, code in refusals:
        response = shop.call("POST", "/v1/automations", json={**base, **change})
        assert response.status_code == 422, (change, response.get_json())
        assert response.get_json()["code"] == code, change
    assert shop.ok("GET", "/v1/automations")["items"] == []
    made = automation(shop, {"kind": "birthday"})
    patched = shop.call("PATCH", f"/v1/automations/{made['id']}", json={"push_text": None})
    assert patched.get_json()["code"] == "channel_text_missing"
    assert shop.ok("GET", f"/v1/automations/{made['id']}")["push_text"] == "We miss you ☕"
    first = automation(shop, {"kind": "win_back", "days": 30}, voucher=DESSERT_VOUCHER)
    second = automation(shop, {"kind": "birthday"})
    assert first["enabled"] is True
    assert first["results"]["recipients"] == 0
    page = shop.ok("GET", "/v1/automations?limit=1")
    assert [item["id"] for item in page["items"]] == [second["id"]]
    rest = shop.ok("GET", f"/v1/automations?limit=1&cursor={page['next_cursor']}")
    assert [item["id"] for item in rest["items"]] == [first["id"]]
    paused = shop.ok("PATCH", f"/v1/automations/{first['id']}", json={"enabled": False})
    assert paused["enabled"] is False
    assert paused["voucher"] == first["voucher"]
    assert shop.ok("GET", f"/v1/automations/{first['id']}")["enabled"] is False
    assert [a["id"] for a in shop.ok("GET", "/v1/automations?enabled=false")["items"]] == [
        first["id"]
    ]
    shop.set_card(shop.card(), last_visit_at=days_ago(40))
    assert fire(shop, utcnow()) == 0  # paused: nothing fires
    shop.ok("PATCH", f"/v1/automations/{first['id']}", json={"enabled": True})
    assert fire(shop, utcnow()) == 1


def test_win_back_fires_once_per_absence(shop: Shop) -> None:
    automation(shop, {"kind": "win_back", "days": 30})
    gone, recent = shop.card(), shop.card()
    shop.set_card(gone, last_visit_at=days_ago(31))
    shop.set_card(recent, last_visit_at=days_ago(5))
    now = utcnow()
    assert fire(shop, now) == 1
    assert fire(shop, now + timedelta(days=10)) == 0  # the same absence
    shop.set_card(gone, last_visit_at=now + timedelta(days=11))  # a visit: a new absence
    assert fire(shop, now + timedelta(days=26)) == 1  # the recent card's 30 days now
    assert fire(shop, now + timedelta(days=40)) == 0
    assert fire(shop, now + timedelta(days=42)) == 1  # the returned card away 31 days again
    assert count(shop, AutomationFiring.id.is_not(None)) == 3
    assert count(shop, CampaignMessage.status == "pending") == 3


def test_birthday_fires_once_per_year(shop: Shop) -> None:
    automation(shop, {"kind": "birthday"})
    body = {"program_id": shop.program_id, "customer": {"birthday": "--03-10"}}
    shop.ok("POST", "/v1/cards", json=body)
    shop.ok("POST", "/v1/cards", json={**body, "customer": {"birthday": "1990-03-11"}})
    assert fire(shop, datetime(2027, 3, 9, 12, tzinfo=UTC)) == 0
    assert fire(shop, datetime(2027, 3, 10, 8, tzinfo=UTC)) == 1
    assert fire(shop, datetime(2027, 3, 10, 20, tzinfo=UTC)) == 0  # the same birthday
    assert fire(shop, datetime(2027, 3, 11, 1, tzinfo=UTC)) == 1  # the other card's
    assert fire(shop, datetime(2028, 3, 10, 9, tzinfo=UTC)) == 1  # a year later


def test_voucher_reminder_fires_once_per_voucher(shop: Shop) -> None:
    first = automation(shop, {"kind": "voucher_expiring", "days": 3})
    number = shop.card()
    give(shop.api, shop.merchant, TWO_DAY_VOUCHER, number)
    give(
        shop.api,
        shop.merchant,
        {**TWO_DAY_VOUCHER, "validity": {"kind": "days", "count": 30}},
        number,
    )
    now = utcnow()
    assert fire(shop, now) == 1
    assert fire(shop, now + timedelta(hours=1)) == 0  # the same voucher
    assert fire(shop, now + timedelta(days=28)) == 1  # the 30-day voucher's turn
    give(shop.api, shop.merchant, TWO_DAY_VOUCHER, number)
    assert fire(shop, now + timedelta(hours=2)) == 1  # a new voucher

    # A reminder that brings a short voucher of its own never reminds of that one.
    shop.ok("PATCH", f"/v1/automations/{first['id']}", json={"enabled": False})
    automation(shop, {"kind": "voucher_expiring", "days": 3}, voucher=TWO_DAY_VOUCHER)
    other = shop.card()
    give(shop.api, shop.merchant, TWO_DAY_VOUCHER, other)
    assert fire(shop, now + timedelta(hours=3)) == 2  # a voucher of each card
    assert fire(shop, now + timedelta(hours=4)) == 1  # the first card's other short voucher
    assert fire(shop, now + timedelta(hours=5)) == 0  # not the vouchers the reminders brought


def test_reward_ready_fires_once_per_cycle(shop: Shop) -> None:
    automation(shop, {"kind": "reward_ready"})
    number = shop.card(stamps=7)
    assert fire(shop, utcnow()) == 0
    shop.ok("POST", f"/v1/cards/{number}/stamps", json={"count": 1, "channel": "staff"})
    assert fire(shop, utcnow()) == 1  # 8 of 9
    assert fire(shop, utcnow()) == 0
    shop.ok("POST", f"/v1/cards/{number}/stamps", json={"count": 9, "channel": "staff"})
    assert shop.ok("GET", f"/v1/cards/{number}")["cycle"] == 2
    assert fire(shop, utcnow()) == 1  # 8 of 9 again, in the next cycle


def test_two_schedulers_at_once_fire_each_card_once(
    request: pytest.FixtureRequest, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("two writers at once: PostgreSQL's row locks (SQLite has one writer)")
    shop: Shop = request.getfixturevalue("shop")
    made = automation(shop, {"kind": "win_back", "days": 30}, voucher=DESSERT_VOUCHER)
    for _ in range(5):
        shop.set_card(shop.card(), last_visit_at=days_ago(40))
    sessions = shop.app.extensions["stampgate"].session_factory
    start, now = threading.Barrier(2), utcnow()
    fired: list[int] = []

    def scheduler() -> None:
        start.wait()
        fired.append(fire_batch(sessions, made["id"], now))

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(fired) == [0, 5]
    assert count(shop, AutomationFiring.automation_id == made["id"]) == 5
    assert count(shop, Campaign.automation_id == made["id"]) == 1
    assert count(shop, CampaignMessage.channel == "wallet") == 5
