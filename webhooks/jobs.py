"""Deliveries on rq workers: the delivery queue table has two lanes, first attempts and
retries, each with its rq queue and wake-up, so a failing receiver's retries never hold up
fresh events. Jobs carry no payload but a lane; the table says what is due."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from gateway.config import Settings
from gateway.db import build_engine, build_session_factory
from gateway.queue.wake import Wakeup, wake, woken
from gateway.queue.workers import Duty, Lane, WorkerQueue, WorkerState, sweep
from gateway.redis_client import connect_redis
from webhooks.deliver import DELIVERIES, LANES, Deliverer, Kind, drain
from webhooks.dispatch import hand_over_after_commit

FIRST_QUEUE = "stampgate-webhooks-first"
RETRY_QUEUE = "stampgate-webhooks-retry"
_DRAIN_JOB = "webhooks.jobs.drain_job"
WAKEUPS: dict[Kind, Wakeup] = {
    "first": Wakeup("stampgate:webhooks:wake:first", FIRST_QUEUE, _DRAIN_JOB, ("first",)),
    "retry": Wakeup("stampgate:webhooks:wake:retry", RETRY_QUEUE, _DRAIN_JOB, ("retry",)),
}
_SWEPT = [Lane(WAKEUPS[kind], LANES[kind]) for kind in WAKEUPS]
_worker: WorkerState[tuple[Deliverer, Redis]] = WorkerState("a deliverer")


def wake_for_new(redis: Redis, delivery_ids: Sequence[str]) -> None:
    """After a commit that created (or re-queued) deliveries."""
    # A Redis that did not answer the first wake-up would only make the request wait again.
    if delivery_ids and wake(redis, WAKEUPS["first"]):
        wake(redis, WAKEUPS["retry"])


def drain_job(kind: Kind) -> int:
    """Deliver everything of ``kind`` that is due, waking another worker while a backlog lasts."""
    deliverer, redis = _worker.get()
    wakeup = WAKEUPS[kind]
    woken(redis, wakeup)
    return drain(deliverer, kind, on_full_batch=lambda: wake(redis, wakeup))


def build_deliverer(settings: Settings) -> Deliverer:
    """A deliverer whose own events (endpoint.failing...) wake a drain after their commit."""
    assert settings.redis_url is not None
    factory = build_session_factory(build_engine(settings.database_url), settings.public_url)
    redis = connect_redis(settings.redis_url, settings.redis_timeout)
    hand_over_after_commit(factory, functools.partial(wake_for_new, redis))
    return Deliverer(settings, factory)


def install_worker(settings: Settings, redis: Redis) -> None:
    """Give this worker process its deliverer (engine, sessions, pooled HTTP client)."""
    _worker.install((build_deliverer(settings), redis))


def sweep_deliveries(settings: Settings, sessions: sessionmaker[Session], redis: Redis) -> None:
    """Wake a drain for each lane that has something due (lost jobs, retries coming due)."""
    sweep(sessions, DELIVERIES, _SWEPT, redis)


DUTY = Duty(
    queues=(WorkerQueue(FIRST_QUEUE), WorkerQueue(RETRY_QUEUE, retries=True)),
    install=install_worker,
    sweep=sweep_deliveries,
)
