"""Results of campaigns and automations: recipients, delivered per channel, skipped, vouchers
attached and redeemed, stamps in the 14 days after the message; read through indexes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, text, update
from sqlalchemy.engine import Connection

from gateway.campaigns.automations.evaluation import evaluate_automations
from gateway.campaigns.models import Campaign, CampaignMessage
from gateway.campaigns.results import results_of
from gateway.campaigns.sending import drain_campaigns
from gateway.db import utcnow
from gateway.loyalty.cards.models import Card, StampEntry
from gateway.loyalty.vouchers.models import Voucher
from tests.campaigns.conftest import Shop, days_ago
from tests.support.programs import DESSERT_VOUCHER


def stamp(shop: Shop, number: str, count: int, days_later: float = 0) -> None:
    """Stamps by hand, dated ``days_later`` days after now."""
    shop.ok("POST", f"/v1/cards/{number}/stamps", json={"count": count, "channel": "staff"})
    with shop.app.extensions["stampgate"].session_factory() as session:
        card_id = session.scalars(select(Card.id).where(Card.number == number)).one()
        newest = select(StampEntry.id).where(StampEntry.card_id == card_id)
        entry_id = session.scalars(newest.order_by(StampEntry.id.desc()).limit(1)).one()
        later = utcnow() + timedelta(days=days_later)
        session.execute(
            update(StampEntry).where(StampEntry.id == entry_id).values(created_at=later)
        )
        session.commit()


def redeem_first_voucher(shop: Shop, number: str) -> None:
    """Redeem the card's campaign voucher."""
    with shop.app.extensions["stampgate"].session_factory() as session:
        card_id = session.scalars(select(Card.id).where(Card.number == number)).one()
        voucher_id = session.scalars(select(Voucher.id).where(Voucher.card_id == card_id)).one()
    shop.ok("POST", f"/v1/vouchers/{voucher_id}/redeem", json={})


def test_a_campaign_and_an_automation_report_their_results(shop: Shop) -> None:
    before = shop.card(stamps=1)  # stamps before the message do not count
    without_email = shop.card(email=False)
    channels = {"channels": ["wallet", "email"], "message_text": "We miss you"}
    campaign = shop.create(voucher=DESSERT_VOUCHER, **channels)
    drain_campaigns(shop.sender())
    redeem_first_voucher(shop, before)
    stamp(shop, before, 2, days_later=3)
    stamp(shop, without_email, 1, days_later=15)  # outside the 14 days
    results = shop.ok("GET", f"/v1/campaigns/{campaign['id']}")["results"]
    assert results == {
        "recipients": 2,
        "delivered": {"wallet": 2, "email": 0, "messenger": 0},
        "skipped": 2,
        "failed": 0,
        "vouchers_attached": 2,
        "vouchers_redeemed": 1,
        "stamps_after": 2,
    }
    assert shop.ok("GET", "/v1/campaigns")["items"][0]["results"] == results

    made = shop.ok(
        "POST",
        "/v1/automations",
        json={
            "program_id": shop.program_id,
            "name": "Win back",
            "trigger": {"kind": "win_back", "days": 30},
            "push_text": "We miss you",
            "channels": ["wallet"],
        },
    )
    shop.set_card(without_email, last_visit_at=days_ago(40))
    sessions = shop.app.extensions["stampgate"].session_factory
    assert evaluate_automations(sessions, utcnow()) == 1
    drain_campaigns(shop.sender())
    stamp(shop, without_email, 1, days_later=1)
    results = shop.ok("GET", f"/v1/automations/{made['id']}")["results"]
    assert results["recipients"] == 1
    assert results["delivered"]["wallet"] == 1
    assert results["stamps_after"] == 1
    # The automation's run is not a campaign of the campaign list.
    assert [item["id"] for item in shop.ok("GET", "/v1/campaigns")["items"]] == [campaign["id"]]


def test_results_read_through_indexes_on_postgresql(
    request: pytest.FixtureRequest, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the plans checked are PostgreSQL's")
    shop: Shop = request.getfixturevalue("shop")
    shop.card()
    campaign = shop.create(voucher=DESSERT_VOUCHER)
    engine = shop.app.extensions["stampgate"].engine
    statements: list[tuple[str, Any]] = []

    def keep(_conn: Connection, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    with shop.app.extensions["stampgate"].session_factory() as session:
        results_of(session, Campaign.id, [campaign["id"]])
        results_of(session, Campaign.automation_id, ["aut_none"])
    event.remove(engine, "before_cursor_execute", keep)
    assert len(statements) == 8
    with engine.connect() as connection:
        connection.execute(text("SET enable_seqscan = off"))  # no index: a seq scan anyway
        for statement, parameters in statements:
            plan = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars()
            scans = [line for line in plan if "Seq Scan" in line]
            assert not scans, (statement, scans)
    assert CampaignMessage.__tablename__ in " ".join(s for s, _ in statements)
