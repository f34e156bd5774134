"""POS-side rq jobs: inbound processing (Redis only wakes a worker; the inbox table is the
queue) and the periodic POS sync (promotions, code pools), both on the inbox's rq queue."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from connectors.base import Connector
from connectors.connections.sync import sync_all
from connectors.inbox.processing import INBOX, Processor, drain_inbox
from connectors.inbox.store import process_after_commit
from connectors.pools.sync import sync_all_pools
from connectors.registry import build_connectors
from gateway.config import Settings
from gateway.db import build_engine, build_session_factory
from gateway.queue.wake import Wakeup, wake, woken
from gateway.queue.workers import Duty, Lane, WorkerQueue, WorkerState, sweep
from gateway.redis_client import connect_redis
from webhooks.dispatch import hand_over_after_commit
from webhooks.jobs import wake_for_new

INBOX_QUEUE = "stampgate-inbox"
INBOX_WAKEUP = Wakeup("stampgate:inbox:wake", INBOX_QUEUE, "connectors.inbox.jobs.drain_inbox_job")
# Its key is never deleted: it lives as long as the sync interval, across all supervisors.
SYNC_WAKEUP = Wakeup("stampgate:pos:sync", INBOX_QUEUE, "connectors.inbox.jobs.sync_promotions_job")
_worker: WorkerState[tuple[Processor, Redis]] = WorkerState("an inbox processor")


def wake_inbox(redis: Redis, event_ids: Sequence[str] = ("due",)) -> None:
    """Make sure a drain job is waiting; Redis trouble is left to the sweeper."""
    if event_ids:
        wake(redis, INBOX_WAKEUP)


def drain_inbox_job() -> int:
    """Process every due inbound event."""
    processor, redis = _worker.get()
    woken(redis, INBOX_WAKEUP)
    return drain_inbox(processor)


def schedule_sync(redis: Redis, every_seconds: int) -> None:
    """Enqueue the promotion sync at most once per ``every_seconds``, across all supervisors."""
    wake(redis, dataclasses.replace(SYNC_WAKEUP, ttl_seconds=every_seconds))


def sync_promotions_job() -> int:
    """Sync every connection's promotions, then every code pool bound to a POS series;
    returns how many connections and pools were synced."""
    processor, _redis = _worker.get()
    return sync_pos(processor.session_factory, processor.settings, processor.connectors)


def sync_pos(
    factory: sessionmaker[Session], settings: Settings, connectors: Mapping[str, Connector]
) -> int:
    """One round of the periodic POS sync (rq job or embedded thread): promotions, then pools."""
    connections = sync_all(factory, settings, connectors)
    pools = sync_all_pools(factory, settings, connectors)
    statuses = [result.status for result in connections] + [result.status for result in pools]
    return statuses.count("synced")


def build_processor(settings: Settings) -> Processor:
    """An inbox processor whose sales wake delivery and whose requeues wake the inbox."""
    assert settings.redis_url is not None
    redis = connect_redis(settings.redis_url, settings.redis_timeout)
    factory = build_session_factory(build_engine(settings.database_url), settings.public_url)
    hand_over_after_commit(factory, functools.partial(wake_for_new, redis))
    process_after_commit(factory, functools.partial(wake_inbox, redis))
    return Processor(settings, factory, build_connectors(settings))


def install_worker(settings: Settings, redis: Redis) -> None:
    """Give this worker process its processor (engine, sessions, connectors)."""
    _worker.install((build_processor(settings), redis))


def sweep_inbox(settings: Settings, sessions: sessionmaker[Session], redis: Redis) -> None:
    """Wake a drain when something is due (a lost job, a retry coming due); schedule the sync."""
    sweep(sessions, INBOX, [Lane(INBOX_WAKEUP)], redis)
    schedule_sync(redis, settings.pos_sync_seconds)


DUTY = Duty(queues=(WorkerQueue(INBOX_QUEUE),), install=install_worker, sweep=sweep_inbox)
