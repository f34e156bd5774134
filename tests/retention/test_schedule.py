"""The purge on a schedule: at most one rq job per interval across every ``stampgate worker``,
a backlog that goes on at once, and the embedded mode's thread."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from redis import Redis
from rq import Queue

from gateway.config import Settings
from gateway.retention import jobs
from tests.retention.rows import Rows, World, program_of, remaining
from tests.support.api import Api
from tests.support.services import REDIS_URL, redis_client


@pytest.fixture
def redis() -> Iterator[Redis]:
    """The test Redis without the purge's schedule key and queue, before and after."""
    client = redis_client()
    queue = Queue(jobs.MAINTENANCE_QUEUE, connection=client)

    def forget() -> None:
        client.delete(jobs.PURGE_WAKEUP.key)
        queue.empty()  # type: ignore[no-untyped-call]

    forget()
    yield client
    forget()
    client.close()


@pytest.fixture
def worker_settings(settings: Settings) -> Iterator[Settings]:
    """Settings of a worker process with Redis; its purge engine is disposed afterwards."""
    with_redis = settings.model_copy(update={"redis_url": REDIS_URL})
    yield with_redis
    installed = jobs.installed()
    if installed is not None:
        installed.dispose()


def test_the_workers_enqueue_one_purge_per_interval(
    app: Flask, worker_settings: Settings, redis: Redis
) -> None:
    sessions = app.extensions["stampgate"].session_factory
    jobs.schedule_purge(worker_settings, sessions, redis)
    jobs.schedule_purge(worker_settings, sessions, redis)  # another supervisor, same hour
    assert Queue(jobs.MAINTENANCE_QUEUE, connection=redis).count == 1
    ttl = int(redis.ttl(jobs.PURGE_WAKEUP.key))  # type: ignore[arg-type]
    assert 0 < ttl <= worker_settings.purge_every_seconds


def test_the_job_purges(app: Flask, worker_settings: Settings, redis: Redis, world: World) -> None:
    jobs.install_worker(worker_settings, redis)
    assert jobs.purge_job() == 12
    assert world["gone_delivered"] not in remaining(app)["deliveries"]
    assert Queue(jobs.MAINTENANCE_QUEUE, connection=redis).count == 0


def test_a_run_cut_short_enqueues_the_next_at_once(
    app: Flask,
    worker_settings: Settings,
    redis: Redis,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(jobs, "JOB_BUDGET_SECONDS", 0.0)
    jobs.install_worker(worker_settings, redis)
    assert jobs.purge_job() == 0
    assert Queue(jobs.MAINTENANCE_QUEUE, connection=redis).count == 1
    assert world["gone_delivered"] in remaining(app)["deliveries"]


def _eventually(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_the_embedded_thread_purges(
    app: Flask, api: Api, merchant: dict[str, Any], make_app: Callable[..., Flask]
) -> None:
    with app.extensions["stampgate"].session_factory() as session:
        rows = Rows(session, merchant["id"], program_of(api, merchant))
        old = rows.delivery(rows.event(100), rows.endpoint(), "succeeded", 40)
        recent = rows.delivery(rows.event(1), rows.endpoint(), "succeeded", 1)
        session.commit()
    embedded = make_app(embedded_dispatcher=True)
    assert embedded.extensions["stampgate"].purger is not None
    assert _eventually(lambda: old not in remaining(app)["deliveries"])
    assert recent in remaining(app)["deliveries"]
