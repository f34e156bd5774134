"""The gateway's Redis clients: Redis only wakes workers (the tables are the queues), so a
Redis that is down, slow or frozen must cost a request at most ``redis_timeout``, never hold it."""

from __future__ import annotations

from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry


def connect_redis(url: str, timeout: float) -> Redis:
    """A client whose connects and commands give up after ``timeout`` seconds, without retries:
    a missed wake-up is recovered by the sweeper."""
    return Redis.from_url(
        url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 0)
    )
