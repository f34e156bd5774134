"""Planning writes each message once; workers send each once, as campaign.message events at a
real receiver, within the channel's throttle, with retries; cancel stops what is not sent."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select, update
from sqlalchemy.engine import Connection

from gateway.campaigns.models import CampaignMessage
from gateway.campaigns.planning import plan_campaign, plan_due, write_plan
from gateway.campaigns.sending import drain_campaigns, send_message
from gateway.loyalty.vouchers.models import Voucher
from tests.campaigns.conftest import Shop
from tests.support.api import Api
from tests.support.programs import DESSERT_VOUCHER
from tests.support.receiver import running_receiver
from tests.support.webhooks import LOOPBACK, add_endpoint, verify
from webhooks.models import Event

ALL_CHANNELS = {"channels": ["wallet", "email", "messenger"], "message_text": "We miss you"}


def rows(shop: Shop, model: Any, *where: Any) -> list[Any]:
    """Rows of a table, read in a session of their own."""
    with shop.app.extensions["stampgate"].session_factory() as session:
        return list(session.scalars(select(model).where(*where)))


def messages(shop: Shop, campaign_id: str) -> list[CampaignMessage]:
    """The campaign's message rows."""
    return rows(shop, CampaignMessage, CampaignMessage.campaign_id == campaign_id)


def events_of(shop: Shop, event_type: str) -> list[Event]:
    """The outbox events of a type."""
    return rows(shop, Event, Event.type == event_type)


@contextmanager
def failing_event_inserts(app: Flask, times: int) -> Iterator[list[int]]:
    """The next ``times`` inserts into the events table fail (a database error mid-send)."""
    failed: list[int] = []

    def fail(_conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO EVENTS") and len(failed) < times:
            failed.append(1)
            raise RuntimeError("the database went away")

    engine = app.extensions["stampgate"].engine
    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield failed
    finally:
        event.remove(engine, "before_cursor_execute", fail)


def test_planning_twice_writes_each_message_and_voucher_once(shop: Shop) -> None:
    numbers = [shop.card(), shop.card(), shop.card(email=False)]
    campaign = shop.create(voucher=DESSERT_VOUCHER, **ALL_CHANNELS)
    sessions = shop.app.extensions["stampgate"].session_factory
    assert plan_campaign(sessions, campaign["id"]) == 9
    assert plan_campaign(sessions, campaign["id"]) == 0  # planned already: a no-op
    assert plan_due(sessions) == 0  # nothing scheduled is due any more
    written = messages(shop, campaign["id"])
    assert len({(m.card_id, m.channel) for m in written}) == len(written) == 9
    vouchers = rows(shop, Voucher, Voucher.source_kind == "campaign")
    assert len(vouchers) == 3 == len({voucher.card_id for voucher in vouchers})
    assert {m.voucher_id for m in written} == {voucher.id for voucher in vouchers}
    emails = sorted(m.reason or "" for m in written if m.channel == "email")
    assert emails == ["no_email", "no_email_consent", "no_email_consent"]
    read = shop.ok("GET", f"/v1/campaigns/{campaign['id']}")
    assert read["status"] == "sending"
    assert read["progress"] == {
        "total": 9,
        "pending": 6,
        "sent": 0,
        "failed": 0,
        "skipped": 3,
        "cancelled": 0,
    }
    voucher = shop.ok("GET", f"/v1/vouchers/{vouchers[0].id}")
    assert voucher["source"]["kind"] == "campaign"
    assert voucher["card_number"] in numbers


def test_a_message_is_sent_once_whoever_sends_it_again(shop: Shop) -> None:
    shop.card()
    campaign = shop.create()
    sender = shop.sender()
    plan_campaign(sender.sessions, campaign["id"])
    (message,) = messages(shop, campaign["id"])
    send_message(sender, message.id)
    send_message(sender, message.id)  # a second worker whose lease ran out
    assert drain_campaigns(sender) == 0
    assert len(events_of(shop, "campaign.message")) == 1
    read = shop.ok("GET", f"/v1/campaigns/{campaign['id']}")
    assert read["status"] == "sent"
    assert read["progress"]["sent"] == 1


def test_the_embedded_worker_sends_events_to_a_real_receiver(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(embedded_dispatcher=True, webhook_allowed_networks=LOOPBACK)
    api = Api(app.test_client(), "test-admin-token")
    shop = Shop(app, api, api.create_merchant("Broadcast Cafe"))
    with running_receiver() as receiver:
        endpoint = add_endpoint(api, shop.merchant, receiver.url, event_types=["campaign.message"])
        numbers = {shop.card(), shop.card(email=False)}
        campaign = shop.create(voucher=DESSERT_VOUCHER, **ALL_CHANNELS)
        got = receiver.wait_for(4, timeout=20)
    payloads = [verify(request, endpoint["secret"]) for request in got]
    assert {payload["type"] for payload in payloads} == {"campaign.message"}
    data = [payload["data"] for payload in payloads]
    assert {(item["card_number"], item["channel"]) for item in data} == {
        (number, channel) for number in numbers for channel in ("wallet", "messenger")
    }
    wallet = next(item for item in data if item["channel"] == "wallet")
    assert wallet["push_text"] == "Coffee's waiting ☕"
    assert wallet["message_text"] == "We miss you"
    assert wallet["campaign_id"] == campaign["id"]
    card = shop.ok("GET", f"/v1/cards/{wallet['card_number']}")
    assert wallet["customer_url"] == card["customer_url"]
    assert wallet["voucher_id"].startswith("vch_")
    deadline = time.monotonic() + 10
    while shop.ok("GET", f"/v1/campaigns/{campaign['id']}")["status"] != "sent":
        assert time.monotonic() < deadline, "the campaign never finished"
        time.sleep(0.1)
    progress = shop.ok("GET", f"/v1/campaigns/{campaign['id']}")["progress"]
    assert progress == {
        "total": 6,
        "pending": 0,
        "sent": 4,
        "failed": 0,
        "skipped": 2,
        "cancelled": 0,
    }


def test_the_throttle_holds_a_channel_and_cancel_stops_the_rest(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(campaign_wallet_per_minute=2)
    api = Api(app.test_client(), "test-admin-token")
    shop = Shop(app, api, api.create_merchant("Slow Cafe"))
    for _ in range(5):
        shop.card()
    campaign = shop.create(channels=["wallet", "messenger"], message_text="Hi")
    sender = shop.sender()
    drain_campaigns(sender)
    drain_campaigns(sender)  # the minute is not over: the wallet waits
    progress = shop.ok("GET", f"/v1/campaigns/{campaign['id']}")["progress"]
    assert progress["sent"] == 2 + 5  # two pushes, every messenger message
    cancelled = shop.ok("POST", f"/v1/campaigns/{campaign['id']}/cancel")
    assert cancelled["status"] == "cancelled"
    assert cancelled["progress"] == {
        "total": 10,
        "pending": 0,
        "sent": 7,
        "failed": 0,
        "skipped": 0,
        "cancelled": 3,
    }
    with app.extensions["stampgate"].session_factory() as session:
        session.execute(update(CampaignMessage).values(sent_at=None))
        session.commit()  # as if the minute were over
    assert drain_campaigns(sender) == 0
    assert len(events_of(shop, "campaign.message")) == 7


@pytest.mark.parametrize("failures", [1, 3])
def test_a_failed_send_is_retried_then_recorded_as_failed(
    make_app: Callable[..., Flask], failures: int
) -> None:
    app = make_app(campaign_retry_schedule=(0, 0))
    api = Api(app.test_client(), "test-admin-token")
    shop = Shop(app, api, api.create_merchant("Flaky Cafe"))
    shop.card()
    campaign = shop.create()
    with failing_event_inserts(app, failures) as failed:
        drain_campaigns(shop.sender())
    assert len(failed) == failures
    (message,) = messages(shop, campaign["id"])
    if failures < 3:
        assert (message.status, message.attempts) == ("sent", failures + 1)
        assert len(events_of(shop, "campaign.message")) == 1
    else:  # the first attempt and both retries failed
        assert (message.status, message.attempts) == ("failed", 3)
        assert message.reason == "internal error: RuntimeError"
        assert events_of(shop, "campaign.message") == []
    read = shop.ok("GET", f"/v1/campaigns/{campaign['id']}")
    assert read["status"] == "sent"


def test_an_email_only_campaign_is_finished_when_planned(shop: Shop) -> None:
    shop.card()
    shop.card(email=False)
    campaign = shop.create(channels=["email"], push_text=None, message_text="Hello")
    drain_campaigns(shop.sender())
    read = shop.ok("GET", f"/v1/campaigns/{campaign['id']}")
    assert read["status"] == "sent"
    assert read["progress"]["skipped"] == 2
    assert events_of(shop, "campaign.message") == []


def test_two_planners_at_once_write_the_messages_once(shop: Shop, database_url: str) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite has one writer: a second planner waits for the first's commit")
    for _ in range(3):
        shop.card()
    campaign = shop.create(voucher=DESSERT_VOUCHER)
    sessions = shop.app.extensions["stampgate"].session_factory
    first = sessions()
    assert write_plan(first, campaign["id"]) == 3  # written, not yet committed
    results: list[int] = []
    second = threading.Thread(
        target=lambda: results.append(plan_campaign(sessions, campaign["id"]))
    )
    second.start()  # blocks on the first's rows until it commits
    second.join(timeout=0.5)
    first.commit()
    first.close()
    second.join(timeout=10)
    assert results == [0]
    assert len(messages(shop, campaign["id"])) == 3
    assert len(rows(shop, Voucher, Voucher.source_kind == "campaign")) == 3
