"""Campaigns on rq workers: one queue, one drain job (plan due campaigns, send due messages);
Redis only wakes the job, the campaigns and campaign_messages tables say what is due."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from gateway.campaigns.queues import PLANS, SENDS, campaigns_after_commit
from gateway.campaigns.sending import Sender, drain_campaigns
from gateway.config import Settings
from gateway.db import build_engine, build_session_factory
from gateway.queue.wake import Wakeup, wake, woken
from gateway.queue.workers import Duty, Lane, WorkerQueue, WorkerState, sweep
from gateway.redis_client import connect_redis
from webhooks.dispatch import hand_over_after_commit
from webhooks.jobs import wake_for_new

CAMPAIGNS_QUEUE = "stampgate-campaigns"
CAMPAIGNS_WAKEUP = Wakeup(
    "stampgate:campaigns:wake", CAMPAIGNS_QUEUE, "gateway.campaigns.jobs.drain_campaigns_job"
)
_worker: WorkerState[tuple[Sender, Redis]] = WorkerState("a campaign sender")


def wake_campaigns(redis: Redis, ids: Sequence[str] = ("due",)) -> None:
    """Make sure a drain job is waiting; Redis trouble is left to the sweeper."""
    if ids:
        wake(redis, CAMPAIGNS_WAKEUP)


def drain_campaigns_job() -> int:
    """Plan and send everything of the campaigns that is due (within the throttles)."""
    sender, redis = _worker.get()
    woken(redis, CAMPAIGNS_WAKEUP)
    return drain_campaigns(sender)


def build_sender(settings: Settings) -> Sender:
    """A sender whose events wake delivery, and whose planned messages wake a drain."""
    assert settings.redis_url is not None
    redis = connect_redis(settings.redis_url, settings.redis_timeout)
    factory = build_session_factory(build_engine(settings.database_url), settings.public_url)
    hand_over_after_commit(factory, functools.partial(wake_for_new, redis))
    campaigns_after_commit(factory, functools.partial(wake_campaigns, redis))
    return Sender(settings, factory)


def install_worker(settings: Settings, redis: Redis) -> None:
    """Give this worker process its sender (engine, sessions)."""
    _worker.install((build_sender(settings), redis))


def sweep_campaigns(_settings: Settings, sessions: sessionmaker[Session], redis: Redis) -> None:
    """Wake a drain when a campaign's send time came or a message is due (a lost wake-up, a
    retry, a throttled channel's next minute)."""
    sweep(sessions, PLANS, [Lane(CAMPAIGNS_WAKEUP)], redis)
    sweep(sessions, SENDS, [Lane(CAMPAIGNS_WAKEUP)], redis)


DUTY = Duty(queues=(WorkerQueue(CAMPAIGNS_QUEUE),), install=install_worker, sweep=sweep_campaigns)
