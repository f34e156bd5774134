"""The scheduled purge: an rq job at most once per ``purge_every_seconds`` across every
``stampgate worker`` (the wake-up key lives as long as the interval), or a thread of the
gateway in the embedded mode. Either way the purge lock lets only one run at a time."""

from __future__ import annotations

import dataclasses
import logging

from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from gateway.config import Settings
from gateway.db import build_engine
from gateway.queue.wake import Wakeup, wake
from gateway.queue.workers import Duty, WorkerQueue, WorkerState
from gateway.retention.purge import PurgeReport, run_purge

log = logging.getLogger(__name__)
MAINTENANCE_QUEUE = "stampgate-maintenance"
_PURGE_JOB = "gateway.retention.jobs.purge_job"
# Its key is never deleted: it lives as long as the purge interval, across all supervisors.
PURGE_WAKEUP = Wakeup("stampgate:purge:scheduled", MAINTENANCE_QUEUE, _PURGE_JOB)
# Below rq's default job timeout (180 s): a run that has more to do enqueues the next.
JOB_BUDGET_SECONDS = 120.0
_worker: WorkerState[tuple[Settings, Engine, Redis]] = WorkerState("a purge engine")


def purge_once(engine: Engine, settings: Settings, budget_seconds: float) -> PurgeReport | None:
    """One scheduled run, logged with its counts; None when another purge was running."""
    report = run_purge(engine, settings, budget_seconds=budget_seconds)
    if report is None:
        log.info("purge skipped: another purge is running")
    elif report.total:
        log.info("purged", extra={"counts": dict(report.counts), "finished": report.finished})
    return report


def purge_job() -> int:
    """Purge for at most the job's budget; returns the rows deleted."""
    settings, engine, redis = _worker.get()
    report = purge_once(engine, settings, JOB_BUDGET_SECONDS)
    if report is None:
        return 0
    if not report.finished:  # a backlog: go on at once rather than in an hour
        from rq import Queue  # in the worker process only, as gateway.queue.workers does

        Queue(MAINTENANCE_QUEUE, connection=redis).enqueue(_PURGE_JOB, result_ttl=0)
    return report.total


def installed() -> Engine | None:
    """The engine this process's purges use, when a worker installed one."""
    try:
        return _worker.get()[1]
    except RuntimeError:
        return None


def install_worker(settings: Settings, redis: Redis) -> None:
    """Give this worker process the engine its purges use."""
    _worker.install((settings, build_engine(settings.database_url), redis))


def schedule_purge(settings: Settings, _sessions: sessionmaker[Session], redis: Redis) -> None:
    """Enqueue the purge at most once per ``purge_every_seconds``, across all supervisors."""
    wake(redis, dataclasses.replace(PURGE_WAKEUP, ttl_seconds=settings.purge_every_seconds))


# A slow queue: with two or more worker processes the first-attempt process never takes it.
DUTY = Duty(
    queues=(WorkerQueue(MAINTENANCE_QUEUE, retries=True),),
    install=install_worker,
    sweep=schedule_purge,
)
