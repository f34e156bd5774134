"""Pass pushes on rq workers: one queue, one drain job; Redis only wakes the job, the
apple_pushes table says what is due."""

from __future__ import annotations

from collections.abc import Sequence

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from gateway.config import Settings
from gateway.db import build_engine, build_session_factory
from gateway.queue.wake import Wakeup, wake, woken
from gateway.queue.workers import Duty, Lane, WorkerQueue, WorkerState, sweep
from gateway.wallet.apple.pushing import PUSHES, Pusher, drain_pushes
from gateway.wallet.apple.updates import follow_event
from webhooks.outbox import listen_to_events

PUSHES_QUEUE = "stampgate-apple-pushes"
PUSHES_WAKEUP = Wakeup(
    "stampgate:apple-pushes:wake", PUSHES_QUEUE, "gateway.wallet.apple.jobs.drain_pushes_job"
)
_worker: WorkerState[tuple[Pusher, Redis]] = WorkerState("an APNs pusher")


def wake_pushes(redis: Redis, ids: Sequence[str] = ("due",)) -> None:
    """Make sure a drain job is waiting; Redis trouble is left to the sweeper."""
    if ids:
        wake(redis, PUSHES_WAKEUP)


def drain_pushes_job() -> int:
    """Send every pass push that is due."""
    pusher, redis = _worker.get()
    woken(redis, PUSHES_WAKEUP)
    return drain_pushes(pusher)


def install_worker(settings: Settings, redis: Redis) -> None:
    """Give this worker process its pusher (engine, sessions); passes follow the events its
    other jobs record (POS sales, campaign messages), whose pushes the sweeper wakes."""
    listen_to_events(follow_event)
    factory = build_session_factory(build_engine(settings.database_url), settings.public_url)
    _worker.install((Pusher(settings, factory), redis))


def sweep_pushes(_settings: Settings, sessions: sessionmaker[Session], redis: Redis) -> None:
    """Wake a drain when a push is due (a lost wake-up, a retry coming due)."""
    sweep(sessions, PUSHES, [Lane(PUSHES_WAKEUP)], redis)


DUTY = Duty(queues=(WorkerQueue(PUSHES_QUEUE),), install=install_worker, sweep=sweep_pushes)
