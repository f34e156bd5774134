"""Campaigns on real ``stampgate worker`` processes (rq, Redis, PostgreSQL): each message is
sent exactly once, also when the workers are SIGKILLed mid-campaign and started again."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from gateway.campaigns.models import CampaignMessage
from tests.e2e.conftest import ADMIN, Workers
from tests.e2e.test_worker import wait_until
from tests.support.api import Api
from tests.support.programs import nine_stamp_card
from tests.support.receiver import running_receiver
from webhooks.models import Event

pytestmark = pytest.mark.e2e
RECIPIENTS = 300


def count(app: Flask, *what: Any) -> int:
    with app.extensions["stampgate"].session_factory() as session:
        return int(
            session.scalar(select(func.count()).select_from(*what[:1]).where(*what[1:])) or 0
        )


def sent(app: Flask) -> int:
    return count(app, CampaignMessage, CampaignMessage.status == "sent")


def test_a_killed_worker_sends_each_campaign_message_once(app: Flask, workers: Workers) -> None:
    api = Api(app.test_client(), ADMIN)
    key = api.create_merchant("Campaign Cafe")["api_key"]
    program_id = api.call("POST", "/v1/programs", key, json=nine_stamp_card()).get_json()["id"]
    for _ in range(RECIPIENTS):
        assert (
            api.call("POST", "/v1/cards", key, json={"program_id": program_id}).status_code == 201
        )
    with running_receiver() as receiver:
        endpoint = {"url": receiver.url, "event_types": ["campaign.message"]}
        assert api.call("POST", "/v1/webhook-endpoints", key, json=endpoint).status_code == 201
        body = {
            "program_id": program_id,
            "segment": {"kind": "all"},
            "channels": ["wallet"],
            "push_text": "Coffee's waiting ☕",
        }
        campaign = api.call("POST", "/v1/campaigns", key, json=body).get_json()
        started = time.monotonic()
        workers.start()
        wait_until(lambda: sent(app) > 0, 60, "the first message")
        workers.kill()  # mid-campaign, as often as not: no warm shutdown
        killed_at = sent(app)
        workers.start()
        wait_until(lambda: sent(app) == RECIPIENTS, 120, "every message")
        elapsed = time.monotonic() - started
        got = receiver.wait_for(RECIPIENTS, timeout=120)
    print(f"{RECIPIENTS} messages in {elapsed:.1f}s; {killed_at} sent at the kill")
    assert count(app, Event, Event.type == "campaign.message") == RECIPIENTS
    numbers = {request.headers["webhook-id"] for request in got}
    assert len(numbers) == RECIPIENTS  # deliveries may repeat after a kill; events never
    read = api.call("GET", f"/v1/campaigns/{campaign['id']}", key).get_json()
    wait_until(
        lambda: (
            api.call("GET", f"/v1/campaigns/{campaign['id']}", key).get_json()["status"] == "sent"
        ),
        30,
        "the campaign to finish",
    )
    assert read["progress"]["total"] == RECIPIENTS
