"""Running deliveries: an in-process thread (embedded mode) or rq workers woken through Redis.

The database is the work queue and the source of truth: a worker claims due deliveries in
batches (``SKIP LOCKED``), so nothing depends on a job surviving. Redis only wakes workers: a
commit that created deliveries, or the sweeper finding something due, enqueues one ``drain``
job per kind (first attempts, retries) unless one is already waiting. A flushed Redis or a
killed worker costs a wake-up, never a delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy import ColumnElement, select

from gateway.background import BackgroundLoop
from gateway.db import utcnow
from webhooks.deliver import BATCH, Deliverer, Kind, deliver_batch, is_due
from webhooks.models import Delivery

log = logging.getLogger(__name__)
FIRST_QUEUE = "stampgate-webhooks-first"
RETRY_QUEUE = "stampgate-webhooks-retry"
QUEUES: dict[Kind, str] = {"first": FIRST_QUEUE, "retry": RETRY_QUEUE}
WAKE_TTL_SECONDS = 30


def drain(
    deliverer: Deliverer, kind: Kind = "any", on_full_batch: Callable[[], object] | None = None
) -> int:
    """Deliver batches until nothing of ``kind`` is due; returns how many were claimed."""
    total = 0
    while True:
        claimed = deliver_batch(deliverer, kind)
        total += claimed
        if claimed < BATCH:
            return total
        if on_full_batch is not None:  # a backlog: let another worker join in
            on_full_batch()


def embedded_dispatcher(deliverer: Deliverer, poll_seconds: float = 1.0) -> BackgroundLoop:
    """A daemon thread that delivers due webhooks; woken at once by new deliveries."""
    return BackgroundLoop(
        "stampgate-webhooks",
        lambda: drain(deliverer),
        poll_seconds=poll_seconds,
        on_stop=deliverer.http.close,
    )


def wake(redis: Redis, kind: Kind) -> bool:
    """Make sure a drain job of ``kind`` is waiting; Redis trouble is left to the sweeper.

    Returns False when Redis could not be reached.
    """
    try:
        if redis.set(f"stampgate:webhooks:wake:{kind}", "1", nx=True, ex=WAKE_TTL_SECONDS):
            Queue(QUEUES[kind], connection=redis).enqueue(
                "webhooks.jobs.drain_job", kind, result_ttl=0, failure_ttl=3600
            )
    except RedisError:
        log.warning("could not wake a webhook worker; the sweeper will", extra={"kind": kind})
        return False
    return True


def woken(redis: Redis, kind: Kind) -> None:
    """A drain job started: from now on new work needs a new wake-up."""
    redis.delete(f"stampgate:webhooks:wake:{kind}")


def wake_for_new(redis: Redis, delivery_ids: Sequence[str]) -> None:
    """After a commit that created (or re-queued) deliveries."""
    # A Redis that did not answer the first wake-up would only make the request wait again.
    if delivery_ids and wake(redis, "first"):
        wake(redis, "retry")


def sweep(deliverer: Deliverer, redis: Redis) -> None:
    """Wake a drain for each kind that has something due (lost jobs, retries coming due)."""
    now = utcnow()
    with deliverer.session_factory() as session:
        kinds: list[tuple[Kind, ColumnElement[bool]]] = [
            ("first", Delivery.attempts == 0),
            ("retry", Delivery.attempts > 0),
        ]
        for kind, condition in kinds:
            due = select(Delivery.id).where(is_due(now), condition).limit(1)
            if session.scalar(due) is not None:
                wake(redis, kind)
        session.rollback()
