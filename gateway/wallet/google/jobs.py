"""Google Wallet on rq workers and in the embedded thread: one queue, one drain job; Redis
only wakes the job, the jobs table says what is due."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from gateway.config import Settings
from gateway.db import build_engine, build_session_factory
from gateway.queue.background import BackgroundLoop
from gateway.queue.wake import Wakeup, wake, woken
from gateway.queue.workers import Duty, Lane, WorkerQueue, WorkerState, sweep
from gateway.wallet.google.links import install_save_links
from gateway.wallet.google.queue import (
    JOBS,
    google_after_any_commit,
    google_after_commit,
    on_event,
)
from gateway.wallet.google.worker import GoogleWorker, drain_google
from webhooks.outbox import listen_to_events

if TYPE_CHECKING:  # the app hands its extensions in; importing them would pull in Flask
    from gateway.extensions import Extensions

GOOGLE_QUEUE = "stampgate-google-wallet"
GOOGLE_WAKEUP = Wakeup(
    "stampgate:google-wallet:wake", GOOGLE_QUEUE, "gateway.wallet.google.jobs.drain_google_job"
)
_worker: WorkerState[tuple[GoogleWorker, Redis]] = WorkerState("a Google Wallet worker")


def wake_google(redis: Redis, ids: Sequence[str] = ("due",)) -> None:
    """Make sure a drain job is waiting; Redis trouble is left to the sweeper."""
    if ids:
        wake(redis, GOOGLE_WAKEUP)


def drain_google_job() -> int:
    """Work every due Google Wallet job, waking another worker while a backlog lasts."""
    worker, redis = _worker.get()
    woken(redis, GOOGLE_WAKEUP)
    return drain_google(worker, on_full_batch=lambda: wake(redis, GOOGLE_WAKEUP))


def install_worker(settings: Settings, redis: Redis) -> None:
    """Give this worker process its Google worker; events it records queue Google jobs."""
    listen_to_events(on_event)
    google_after_any_commit(functools.partial(wake_google, redis))
    factory = build_session_factory(build_engine(settings.database_url), settings.public_url)
    _worker.install((GoogleWorker(settings, factory), redis))


def sweep_google(_settings: Settings, sessions: sessionmaker[Session], redis: Redis) -> None:
    """Wake a drain when a job is due (a lost wake-up, a retry coming due)."""
    sweep(sessions, JOBS, [Lane(GOOGLE_WAKEUP)], redis)


def start_google_wallet(ext: Extensions) -> BackgroundLoop | None:
    """Queue Google jobs for the app's events; work them in a thread of this process
    (embedded mode) or wake the rq workers after each commit. The embedded loop is returned
    for the app to stop."""
    listen_to_events(on_event)
    install_save_links(ext.session_factory, ext.settings)
    if ext.settings.runs_embedded_dispatcher:
        worker = GoogleWorker(ext.settings, ext.session_factory)
        loop = BackgroundLoop(
            "stampgate-google-wallet", lambda: drain_google(worker), on_stop=worker.http.close
        )
        google_after_commit(ext.session_factory, loop.notify)
        loop.start()
        return loop
    if ext.redis is not None:
        google_after_commit(ext.session_factory, functools.partial(wake_google, ext.redis))
    return None


DUTY = Duty(queues=(WorkerQueue(GOOGLE_QUEUE),), install=install_worker, sweep=sweep_google)
