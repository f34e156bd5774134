"""POS webhooks processed by real ``stampgate worker`` processes (rq, Redis, PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
import redis
from flask import Flask

from gateway import create_app
from gateway.config import Settings
from tests.e2e.conftest import Workers
from tests.support.fake_poster import (
    FakePoster,
    connection_body,
    poster_hook,
    running_poster,
)
from tests.support.fake_syrve import FakeSyrve, order_event
from tests.support.fake_syrve import connection_body as syrve_connection
from tests.support.pos import PosWorld, make_world

pytestmark = pytest.mark.e2e
LATTE = {"product_id": "12", "num": "1", "payed_sum": "8000"}


@pytest.fixture
def poster() -> Iterator[FakePoster]:
    with running_poster() as fake:
        fake.clients["7"] = {"client_id": "7", "phone_number": "380501111111"}
        yield fake


@pytest.fixture
def app(settings: Settings, poster: FakePoster, syrve: FakeSyrve) -> Iterator[Flask]:
    """The gateway the test talks to; the fakes are the POS's own hosts that confirm accounts."""
    own_hosts = {"poster_api_url": poster.base_url, "serve_api_url": syrve.base_url}
    application = create_app(settings.model_copy(update=own_hosts))
    yield application
    application.extensions["stampgate"].close()


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def connected(app: Flask, poster: FakePoster) -> PosWorld:
    world = make_world(app, connection_body(poster))
    poster.calls.clear()  # what tests look at starts once the connection is made
    return world


def stamps(world: PosWorld) -> int:
    cards = world.cards("pos=poster:7")
    return int(cards[0]["stamps"]) if cards else 0


def test_an_rq_worker_processes_hooks_once_and_recovers_lost_wakeups(
    app: Flask, workers: Workers, poster: FakePoster, redis_db: redis.Redis
) -> None:
    world = connected(app, poster)
    workers.start(processes=2)
    poster.add_sale("101", [LATTE], client_id="7")
    for _ in range(5):
        assert world.client.post("/hooks/poster", json=poster_hook(101)).status_code == 200
    wait_for(lambda: stamps(world) == 1, "the sale to be stamped by the worker")

    # Redis loses its jobs (flush) while a hook is stored: the sweeper still finds it.
    workers.stop()
    poster.add_sale("102", [LATTE], client_id="7")
    world.client.post("/hooks/poster", json=poster_hook(102))
    redis_db.flushdb()
    workers.start(processes=1)
    wait_for(lambda: stamps(world) == 2, "the stored hook to be processed after the flush")
    assert len(world.inbound("processed")) == 2
    assert poster.count("dash.getTransaction") == 2


def test_an_outage_under_rq_is_retried_until_poster_answers(
    app: Flask, workers: Workers, poster: FakePoster
) -> None:
    world = connected(app, poster)
    poster.outages = 10_000
    poster.add_sale("201", [LATTE], client_id="7")
    workers.start(processes=1)
    world.client.post("/hooks/poster", json=poster_hook(201))
    wait_for(lambda: any(e["attempts"] >= 1 for e in world.inbound("pending")), "a failed try")
    poster.outages = 0
    wait_for(lambda: stamps(world) == 1, "the retried event to stamp")


def test_an_rq_worker_processes_syrve_orders_and_reversals(
    app: Flask, workers: Workers, syrve: FakeSyrve
) -> None:
    world = make_world(app, syrve_connection(syrve), currency="EUR")
    syrve.calls.clear()
    workers.start(processes=1)
    url = f"/hooks/serve/{world.connection['id']}"
    headers = {"Authorization": f"Bearer {world.connection['webhook_token']}"}
    for _ in range(3):
        assert world.client.post(url, json=[order_event("o-1")], headers=headers).status_code == 200

    def card_stamps() -> int:
        cards = world.cards("pos=serve:cust-1")
        return int(cards[0]["stamps"]) if cards else -1

    wait_for(lambda: card_stamps() == 1, "the order to be stamped by the worker")
    deleted = order_event("o-1", status="Deleted", event_time="2026-11-22 11:00:00.000")
    world.client.post(url, json=[deleted], headers=headers)
    wait_for(lambda: card_stamps() == 0, "the deleted order to be reversed")
    assert syrve.count("access_token") == 1
