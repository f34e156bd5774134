"""The API keys this process authenticated lately, so a request needs no query to know its key.

An entry lives ``KEY_CACHE_SECONDS``: a key revoked anywhere (another gunicorn worker, another
machine, the CLI) stops working in every process within that time, and in the process that
revoked it at once. The stored hash is still compared with the presented key on every use.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from cachetools import TTLCache

KEY_CACHE_SECONDS = 1.0
_MAX_KEYS = 10_000


@dataclass(frozen=True)
class LiveKey:
    """What a request needs of a live key: whose it is, and the hash to check it against."""

    id: str
    merchant_id: str
    key_hash: str


class KeyCache:
    """Live keys by lookup prefix, each forgotten ``ttl`` seconds after it was read."""

    def __init__(
        self, ttl: float = KEY_CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._entries: TTLCache[str, LiveKey] = TTLCache(_MAX_KEYS, ttl, timer=clock)
        self._lock = threading.Lock()  # gthread workers serve requests from several threads

    def get(self, prefix: str) -> LiveKey | None:
        """The live key read under this prefix less than ``ttl`` ago, if any."""
        with self._lock:
            return self._entries.get(prefix)

    def put(self, prefix: str, key: LiveKey) -> None:
        """Remember a key just read from the database as live."""
        with self._lock:
            self._entries[prefix] = key

    def forget(self, prefix: str) -> None:
        """Drop a key (it was revoked here): the next request reads it from the database."""
        with self._lock:
            self._entries.pop(prefix, None)


live_keys = KeyCache()
"""This process's cache (one per process: each gunicorn worker has its own)."""
