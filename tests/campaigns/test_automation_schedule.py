"""The automations' scheduler: at most one rq round per interval across every
``stampgate worker``, the round's job on a worker, and the embedded mode's thread."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from redis import Redis
from rq import Queue
from sqlalchemy import func, select

from gateway.campaigns.automations import jobs
from gateway.campaigns.automations.models import AutomationFiring
from gateway.config import Settings
from tests.campaigns.conftest import Shop, days_ago
from tests.support.services import REDIS_URL, redis_client


@pytest.fixture
def redis(redis_prefix: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Redis]:
    """The test Redis, the schedule's key and queue under a prefix of this test's own (workers
    of other tests serve the campaigns' queue)."""
    own = dataclasses.replace(
        jobs.AUTOMATIONS_WAKEUP, key=f"{redis_prefix}:automations", queue=f"{redis_prefix}-queue"
    )
    monkeypatch.setattr(jobs, "AUTOMATIONS_WAKEUP", own)
    client = redis_client()
    yield client
    Queue(own.queue, connection=client).delete()
    client.close()


def _win_back(shop: Shop) -> None:
    """A win-back automation, and one card gone for 31 days."""
    body = {
        "program_id": shop.program_id,
        "name": "Win back",
        "trigger": {"kind": "win_back", "days": 30},
        "push_text": "We miss you",
        "channels": ["wallet"],
    }
    shop.ok("POST", "/v1/automations", json=body)
    shop.set_card(shop.card(), last_visit_at=days_ago(31))


def test_one_round_per_interval_and_the_job_fires(
    shop: Shop, settings: Settings, redis: Redis
) -> None:
    worker_settings = settings.model_copy(update={"redis_url": REDIS_URL})
    sessions = shop.app.extensions["stampgate"].session_factory
    jobs.schedule_automations(worker_settings, sessions, redis)
    jobs.schedule_automations(worker_settings, sessions, redis)  # another supervisor
    queue = Queue(jobs.AUTOMATIONS_WAKEUP.queue, connection=redis)
    assert [job.func_name for job in queue.jobs] == [
        "gateway.campaigns.automations.jobs.evaluate_automations_job"
    ]
    ttl = int(redis.ttl(jobs.AUTOMATIONS_WAKEUP.key))  # type: ignore[arg-type]
    assert 0 < ttl <= worker_settings.automations_every_seconds
    _win_back(shop)
    jobs.install_worker(worker_settings, redis)
    try:
        assert jobs.evaluate_automations_job() == 1
        assert jobs.evaluate_automations_job() == 0
    finally:
        installed = jobs.installed()
        assert installed is not None
        installed.kw["bind"].dispose()


def test_the_embedded_mode_runs_the_scheduler_on_a_thread(
    request: pytest.FixtureRequest, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the embedded mode is the SQLite mode")
    shop: Shop = request.getfixturevalue("shop")
    make_app: Callable[..., Flask] = request.getfixturevalue("make_app")
    _win_back(shop)
    embedded = make_app(embedded_dispatcher=True, automations_every_seconds=3600)
    loop = embedded.extensions["stampgate"].automations
    assert loop is not None
    assert count_firings(shop) == 0  # the first round waits one interval
    loop.notify()  # the interval is over
    deadline = time.monotonic() + 10
    while count_firings(shop) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert count_firings(shop) == 1


def count_firings(shop: Shop) -> int:
    """How many firings the database holds."""
    with shop.app.extensions["stampgate"].session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(AutomationFiring)) or 0)
