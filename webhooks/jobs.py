"""rq job functions: they run in ``stampgate worker`` processes and carry no payload but a kind."""

from __future__ import annotations

from redis import Redis

from webhooks.deliver import Deliverer, Kind
from webhooks.worker import drain, wake, woken

_deliverer: Deliverer | None = None
_redis: Redis | None = None


def install(deliverer: Deliverer, redis: Redis) -> None:
    """Give this worker process its deliverer (engine, sessions, pooled HTTP client)."""
    global _deliverer, _redis
    _deliverer, _redis = deliverer, redis


def drain_job(kind: Kind) -> int:
    """Deliver everything of ``kind`` that is due, waking another worker while a backlog lasts."""
    if _deliverer is None or _redis is None:
        raise RuntimeError("worker process started without a deliverer")
    redis = _redis
    woken(redis, kind)
    return drain(_deliverer, kind, on_full_batch=lambda: wake(redis, kind))
