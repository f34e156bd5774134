"""``stampgate worker``: rq worker processes for every queue table, started again when one
dies, and the sweeper that wakes them for whatever is due (lost wake-ups, retries coming due).

Each user of the table-queue brings a ``Duty``: the rq queues it serves, what its jobs need in
a worker process, and its sweep.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.context import SpawnContext
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

from redis import Redis
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session, sessionmaker

from gateway.config import Settings
from gateway.db import build_engine, build_session_factory
from gateway.queue.table import QueueTable
from gateway.queue.wake import Wakeup, wake
from gateway.redis_client import connect_redis

log = logging.getLogger(__name__)
T = TypeVar("T")
Install = Callable[[Settings, Redis], None]
Sweep = Callable[[Settings, sessionmaker[Session], Redis], None]


@dataclass(frozen=True)
class WorkerQueue:
    """An rq queue the worker processes serve; ``retries`` marks one whose jobs may be slow."""

    name: str
    retries: bool = False


@dataclass(frozen=True)
class Duty:
    """One table-queue's share of ``stampgate worker``.

    ``install`` runs in every worker process, with its rq connection, before it takes jobs (a
    module-level function: the processes are spawned); ``sweep`` runs in the supervisor every
    round, with the supervisor's sessions and Redis client.
    """

    queues: tuple[WorkerQueue, ...]
    install: Install
    sweep: Sweep


@dataclass(frozen=True, eq=False)
class Lane:
    """The rows of a queue table that one rq queue serves, and how to wake its workers."""

    wakeup: Wakeup
    where: ColumnElement[bool] | None = None


class WorkerState(Generic[T]):
    """What one worker process's jobs work with, installed once when the process starts."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._value: T | None = None

    def install(self, value: T) -> None:
        """Hand this process's jobs what they work with."""
        self._value = value

    def get(self) -> T:
        """What the jobs work with; a process that was never given it is a bug."""
        if self._value is None:
            raise RuntimeError(f"worker process started without {self._what}")
        return self._value


def sweep(
    sessions: sessionmaker[Session], table: QueueTable[Any], lanes: Sequence[Lane], redis: Redis
) -> None:
    """Wake the workers of every lane that has something due."""
    with sessions() as session:
        due = [lane for lane in lanes if table.has_due(session, lane.where)]
        session.rollback()
    for lane in due:
        wake(redis, lane.wakeup)


def queues_for(queues: Sequence[WorkerQueue], index: int, processes: int) -> list[str]:
    """With two or more processes the first serves no ``retries`` queue, so retries of a
    failing receiver can never hold up fresh work; the others take every queue."""
    if processes >= 2 and index == 0:
        return [queue.name for queue in queues if not queue.retries]
    return [queue.name for queue in queues]


def _work(settings_fields: dict[str, Any], queue_names: list[str], installs: list[Install]) -> None:
    # Imported in the worker process only: the web workers import this module for its duties.
    from rq import SimpleWorker

    settings = Settings.model_validate(settings_fields)
    assert settings.redis_url is not None
    connection = Redis.from_url(settings.redis_url)
    for install in installs:
        install(settings, connection)
    SimpleWorker(queue_names, connection=connection).work(logging_level="WARNING")


def _keep_running(
    children: dict[int, BaseProcess],
    context: SpawnContext,
    settings: Settings,
    duties: Sequence[Duty],
    processes: int,
) -> None:
    queues = [queue for duty in duties for queue in duty.queues]
    installs = [duty.install for duty in duties]
    for index in range(processes):
        child = children.get(index)
        if child is None or not child.is_alive():  # start, or replace one that died
            if child is not None:
                log.warning("worker process died; starting another", extra={"index": index})
            names = queues_for(queues, index, processes)
            child = context.Process(target=_work, args=(settings.model_dump(), names, installs))
            child.start()
            children[index] = child


def run_workers(
    settings: Settings, processes: int, duties: Sequence[Duty], sweep_seconds: float = 1.0
) -> None:
    """Run ``processes`` rq workers and sweep every ``sweep_seconds`` until SIGTERM/SIGINT."""
    assert settings.redis_url is not None
    context = multiprocessing.get_context("spawn")
    children: dict[int, BaseProcess] = {}
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    sessions = build_session_factory(build_engine(settings.database_url), settings.public_url)
    redis = connect_redis(settings.redis_url, settings.redis_timeout)
    while not stopping.is_set():
        _keep_running(children, context, settings, duties, processes)
        try:
            for duty in duties:
                duty.sweep(settings, sessions, redis)
        except Exception:  # the database or Redis may be away for a moment
            log.exception("sweep failed")
        stopping.wait(sweep_seconds)
    for child in children.values():
        child.terminate()
    for child in children.values():
        child.join(timeout=30)
