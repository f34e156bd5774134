"""Waking the workers of a queue table once a commit made rows due.

A transaction notes the ids of the rows it made due; after its commit they go to a notify
function: the embedded thread's ``notify`` (embedded mode), or a wake-up through Redis that
enqueues one drain job unless one is already waiting. Redis only wakes workers: a wake-up it
does not answer is left to the sweeper, so a flushed Redis or a killed worker costs a
wake-up, never a row.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
WAKE_TTL_SECONDS = 30
Notify = Callable[[Sequence[str]], object]


@dataclass(frozen=True)
class Wakeup:
    """How to wake the workers of one rq queue: the Redis key that says a job is waiting, and
    the job (an import path, so that the web process need not import the worker's code)."""

    key: str
    queue: str
    job: str
    args: tuple[str, ...] = ()
    ttl_seconds: int = WAKE_TTL_SECONDS


def wake(redis: Redis, wakeup: Wakeup) -> bool:
    """Make sure the wake-up's job is waiting; False when Redis could not be reached."""
    # rq is imported by the first wake-up, not by every web worker at start: an embedded
    # gateway wakes its threads and never needs it.
    from rq import Queue

    try:
        if redis.set(wakeup.key, "1", nx=True, ex=wakeup.ttl_seconds):
            Queue(wakeup.queue, connection=redis).enqueue(
                wakeup.job, *wakeup.args, result_ttl=0, failure_ttl=3600
            )
    except RedisError:
        log.warning(
            "could not wake a worker; the sweeper will",
            extra={"queue": wakeup.queue, "job": wakeup.job},
        )
        return False
    return True


def woken(redis: Redis, wakeup: Wakeup) -> None:
    """The job started: from now on new work needs a new wake-up."""
    redis.delete(wakeup.key)


def note_due(session: Session, key: str, ids: Sequence[str]) -> None:
    """Remember rows this transaction made due, for the notify function of ``key``."""
    session.info.setdefault(key, []).extend(ids)


def _after_commit(session: Session, key: str, notify: Notify, forget: Sequence[str]) -> None:
    ids = session.info.pop(key, [])
    _forget(session, forget)
    if ids:
        notify(ids)


def _forget(session: Session, keys: Sequence[str]) -> None:
    for key in keys:
        session.info.pop(key, None)


def notify_after_commit(
    factory: sessionmaker[Session], key: str, notify: Notify, forget: Sequence[str] = ()
) -> None:
    """After every commit of the factory's sessions, pass the ids noted under ``key`` to
    ``notify``; a rollback drops them. ``forget`` names other per-transaction entries of
    ``session.info`` to drop at either end."""
    # Listeners, not factory-wide ``info``: a factory's info dict is shared by its sessions.
    keys = (key, *forget)
    sa_event.listen(
        factory,
        "after_commit",
        functools.partial(_after_commit, key=key, notify=notify, forget=tuple(forget)),
    )
    sa_event.listen(
        factory, "after_soft_rollback", lambda session, _previous: _forget(session, keys)
    )
