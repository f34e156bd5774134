"""Automations on rq workers: the supervisor enqueues one round at most once per
``automations_every_seconds`` across every ``stampgate worker`` (the wake-up key lives as long
as the interval); the round's runs wake the campaigns' sender after their commit."""

from __future__ import annotations

import dataclasses

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from gateway.campaigns.automations.evaluation import evaluate_automations
from gateway.campaigns.jobs import CAMPAIGNS_QUEUE, build_sender
from gateway.config import Settings
from gateway.queue.wake import Wakeup, wake
from gateway.queue.workers import Duty, WorkerState

# Its key is never deleted: it lives as long as the interval, across all supervisors.
AUTOMATIONS_WAKEUP = Wakeup(
    "stampgate:automations:scheduled",
    CAMPAIGNS_QUEUE,
    "gateway.campaigns.automations.jobs.evaluate_automations_job",
)
_worker: WorkerState[sessionmaker[Session]] = WorkerState("automation sessions")


def evaluate_automations_job() -> int:
    """One scheduler round: fire every enabled automation for the cards whose moment came."""
    return evaluate_automations(_worker.get())


def installed() -> sessionmaker[Session] | None:
    """The sessions this process's rounds use, when a worker installed them."""
    try:
        return _worker.get()
    except RuntimeError:
        return None


def install_worker(settings: Settings, _redis: Redis) -> None:
    """Give this worker process sessions whose runs wake the campaigns' sender."""
    _worker.install(build_sender(settings).sessions)


def schedule_automations(
    settings: Settings, _sessions: sessionmaker[Session], redis: Redis
) -> None:
    """Enqueue a round at most once per ``automations_every_seconds``, across all supervisors."""
    ttl = settings.automations_every_seconds
    wake(redis, dataclasses.replace(AUTOMATIONS_WAKEUP, ttl_seconds=ttl))


# The campaigns' queue, which the campaigns' duty serves: this duty brings only the job.
DUTY = Duty(queues=(), install=install_worker, sweep=schedule_automations)
