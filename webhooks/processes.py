"""``stampgate worker``: rq processes that drain deliveries, and the sweeper that wakes them."""

from __future__ import annotations

import functools
import logging
import multiprocessing
import signal
import threading
from typing import Any

from redis import Redis
from rq import SimpleWorker

from connectors.inbox import jobs as inbox_jobs
from connectors.inbox.jobs import INBOX_QUEUE, schedule_sync, sweep_inbox, wake_inbox
from connectors.inbox.processing import Processor
from connectors.inbox.store import process_after_commit
from connectors.registry import build_connectors
from gateway.config import Settings
from gateway.db import build_engine, build_session_factory
from gateway.redis_client import connect_redis
from webhooks import jobs
from webhooks.deliver import Deliverer
from webhooks.dispatch import hand_over_after_commit
from webhooks.worker import FIRST_QUEUE, RETRY_QUEUE, sweep, wake_for_new

log = logging.getLogger(__name__)


def queues_for(index: int, processes: int) -> list[str]:
    """With two or more processes the first serves only inbound events and first attempts, so
    retries of a failing endpoint can never hold up fresh events; the others take all three."""
    if processes >= 2 and index == 0:
        return [INBOX_QUEUE, FIRST_QUEUE]
    return [INBOX_QUEUE, FIRST_QUEUE, RETRY_QUEUE]


def build_deliverer(settings: Settings) -> Deliverer:
    """A deliverer whose own events (endpoint.failing...) wake a drain after their commit."""
    assert settings.redis_url is not None
    factory = build_session_factory(build_engine(settings.database_url))
    redis = connect_redis(settings.redis_url, settings.redis_timeout)
    hand_over_after_commit(factory, functools.partial(wake_for_new, redis))
    return Deliverer(settings, factory)


def build_processor(settings: Settings) -> Processor:
    """An inbox processor whose sales wake delivery and whose requeues wake the inbox."""
    assert settings.redis_url is not None
    redis = connect_redis(settings.redis_url, settings.redis_timeout)
    factory = build_session_factory(build_engine(settings.database_url))
    hand_over_after_commit(factory, functools.partial(wake_for_new, redis))
    process_after_commit(factory, functools.partial(wake_inbox, redis))
    return Processor(settings, factory, build_connectors(settings))


def _work(settings_fields: dict[str, Any], queue_names: list[str]) -> None:
    settings = Settings.model_validate(settings_fields)
    assert settings.redis_url is not None
    connection = Redis.from_url(settings.redis_url)
    jobs.install(build_deliverer(settings), connection)
    inbox_jobs.install(build_processor(settings), connection)
    SimpleWorker(queue_names, connection=connection).work(logging_level="WARNING")


def run_workers(settings: Settings, processes: int, sweep_seconds: float = 1.0) -> None:
    """Run ``processes`` rq workers and sweep every ``sweep_seconds`` until SIGTERM/SIGINT."""
    assert settings.redis_url is not None
    context = multiprocessing.get_context("spawn")
    fields = settings.model_dump()
    children: dict[int, multiprocessing.process.BaseProcess] = {}
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    deliverer = build_deliverer(settings)
    processor = build_processor(settings)
    redis = connect_redis(settings.redis_url, settings.redis_timeout)
    while not stopping.is_set():
        for index in range(processes):
            child = children.get(index)
            if child is None or not child.is_alive():  # start, or replace one that died
                if child is not None:
                    log.warning("worker process died; starting another", extra={"index": index})
                child = context.Process(target=_work, args=(fields, queues_for(index, processes)))
                child.start()
                children[index] = child
        try:
            sweep(deliverer, redis)
            sweep_inbox(processor, redis)
            schedule_sync(redis, settings.pos_sync_seconds)
        except Exception:  # the database or Redis may be away for a moment
            log.exception("sweep failed")
        stopping.wait(sweep_seconds)
    for child in children.values():
        child.terminate()
    for child in children.values():
        child.join(timeout=30)
