"""POS-side rq jobs: inbound processing (Redis only wakes a worker; the inbox table is the
queue) and the periodic promotion sync."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy import select

from connectors.connections.sync import sync_all
from connectors.inbox.models import InboundEvent
from connectors.inbox.processing import Processor, drain_inbox, is_due
from gateway.db import utcnow

log = logging.getLogger(__name__)
INBOX_QUEUE = "stampgate-inbox"
_WAKE_KEY = "stampgate:inbox:wake"
_SYNC_KEY = "stampgate:pos:sync"
WAKE_TTL_SECONDS = 30

_processor: Processor | None = None
_redis: Redis | None = None


def wake_inbox(redis: Redis, event_ids: Sequence[str] = ("due",)) -> None:
    """Make sure a drain job is waiting; Redis trouble is left to the sweeper."""
    if not event_ids:
        return
    try:
        if redis.set(_WAKE_KEY, "1", nx=True, ex=WAKE_TTL_SECONDS):
            Queue(INBOX_QUEUE, connection=redis).enqueue(
                "connectors.inbox.jobs.drain_inbox_job", result_ttl=0, failure_ttl=3600
            )
    except RedisError:
        log.warning("could not wake an inbox worker; the sweeper will")


def install(processor: Processor, redis: Redis) -> None:
    """Give this worker process its processor (engine, sessions, connectors)."""
    global _processor, _redis
    _processor, _redis = processor, redis


def drain_inbox_job() -> int:
    """Process every due inbound event."""
    if _processor is None or _redis is None:
        raise RuntimeError("worker process started without an inbox processor")
    _redis.delete(_WAKE_KEY)
    return drain_inbox(_processor)


def sweep_inbox(processor: Processor, redis: Redis) -> None:
    """Wake a drain when something is due (a lost job, a retry coming due)."""
    with processor.session_factory() as session:
        due = session.scalar(select(InboundEvent.id).where(is_due(utcnow())).limit(1))
        session.rollback()
    if due is not None:
        wake_inbox(redis)


def schedule_sync(redis: Redis, every_seconds: int) -> None:
    """Enqueue the promotion sync at most once per ``every_seconds``, across all supervisors."""
    try:
        if redis.set(_SYNC_KEY, "1", nx=True, ex=every_seconds):
            Queue(INBOX_QUEUE, connection=redis).enqueue(
                "connectors.inbox.jobs.sync_promotions_job", result_ttl=0, failure_ttl=3600
            )
    except RedisError:
        log.warning("could not schedule the promotion sync")


def sync_promotions_job() -> int:
    """Sync every connection's promotions; returns how many connections were synced."""
    if _processor is None:
        raise RuntimeError("worker process started without an inbox processor")
    results = sync_all(_processor.session_factory, _processor.settings, _processor.connectors)
    return sum(result.status == "synced" for result in results)
