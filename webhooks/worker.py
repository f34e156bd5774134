"""Running deliveries: an in-process thread (embedded mode) or rq workers fed by a sweeper.

The database is the source of truth. Jobs carry delivery ids only; a delivery is attempted
by whoever claims it first, so a job delivered twice, or lost with Redis, costs nothing: the
sweeper enqueues every due delivery that has not been enqueued within its lease.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy import or_, select, update

from gateway.db import utcnow
from webhooks.deliver import Deliverer, attempt, is_due
from webhooks.models import Delivery

log = logging.getLogger(__name__)
FIRST_QUEUE = "stampgate-webhooks-first"
RETRY_QUEUE = "stampgate-webhooks-retry"
JOB_BATCH = 50


def run_due(deliverer: Deliverer, limit: int = 50) -> int:
    """Attempt up to ``limit`` due deliveries, oldest due first; returns how many were tried."""
    with deliverer.session_factory() as session:
        now = utcnow()
        due = select(Delivery.id).where(is_due(now)).order_by(Delivery.next_attempt_at)
        ids = list(session.scalars(due.limit(limit)))
    return sum(attempt(deliverer, delivery_id) is not None for delivery_id in ids)


class EmbeddedDispatcher:
    """A daemon thread that delivers due webhooks; woken at once by new deliveries."""

    def __init__(self, deliverer: Deliverer, poll_seconds: float = 1.0) -> None:
        self._deliverer = deliverer
        self._poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stampgate-webhooks", daemon=True)

    def start(self) -> None:
        """Begin delivering in the background."""
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the attempt in hand and stop."""
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def notify(self, delivery_ids: Sequence[str]) -> None:
        """New deliveries were committed: look now rather than at the next poll."""
        del delivery_ids
        self._wake.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                busy = run_due(self._deliverer) > 0
            except Exception:  # a bad delivery must not stop the thread
                log.exception("webhook dispatch round failed")
                busy = False
            if not busy:
                self._wake.wait(self._poll_seconds)
                self._wake.clear()


def enqueue(redis: Redis, delivery_ids: Sequence[str], queue_name: str = FIRST_QUEUE) -> None:
    """Put delivery jobs on an rq queue, up to JOB_BATCH ids a job (the deliveries of one
    commit travel together); if Redis is down the sweeper will enqueue them later."""
    queue = Queue(queue_name, connection=redis)
    ids = list(delivery_ids)
    try:
        for start in range(0, len(ids), JOB_BATCH):
            batch = ids[start : start + JOB_BATCH]
            queue.enqueue("webhooks.jobs.deliver_batch", batch, result_ttl=0, failure_ttl=86400)
    except RedisError:
        log.warning("could not enqueue deliveries; the sweeper will", extra={"count": len(ids)})


def sweep(deliverer: Deliverer, redis: Redis, limit: int = 500) -> int:
    """Enqueue due deliveries that no live job is known to carry; returns how many."""
    now = utcnow()
    stale = now - deliverer.lease
    with deliverer.session_factory() as session:
        candidates = (
            select(Delivery.id, Delivery.attempts)
            .where(is_due(now))
            .where(or_(Delivery.enqueued_at.is_(None), Delivery.enqueued_at < stale))
            .order_by(Delivery.next_attempt_at)
            .limit(limit)
        )
        rows = session.execute(candidates).all()
        if not rows:
            return 0
        ids = [row.id for row in rows]
        session.execute(update(Delivery).where(Delivery.id.in_(ids)).values(enqueued_at=now))
        session.commit()
    enqueue(redis, [row.id for row in rows if row.attempts == 0], FIRST_QUEUE)
    enqueue(redis, [row.id for row in rows if row.attempts > 0], RETRY_QUEUE)
    return len(rows)
