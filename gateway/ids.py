"""Opaque, type-prefixed, time-sortable ids (``mer_01h...``).

48 bits of milliseconds then 80 random bits, in lower-case Crockford base32: ids sort by
creation time, so the id itself is the pagination cursor. Within one millisecond a process
increments instead of drawing anew, so the events of one transaction keep their order.
"""

from __future__ import annotations

import secrets
import threading
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_BODY_LENGTH = 26
_RANDOM_BITS = 80
_lock = threading.Lock()
_last = [0, 0]  # [milliseconds, random part] of the latest id of this process


def _next_value() -> int:
    now = time.time_ns() // 1_000_000
    with _lock:
        millis, randomness = _last
        if now <= millis and randomness + 1 < 1 << _RANDOM_BITS:
            now, randomness = millis, randomness + 1
        else:
            randomness = secrets.randbits(_RANDOM_BITS - 1)  # headroom for increments
        _last[:] = [now, randomness]
    return now << _RANDOM_BITS | randomness


def new_id(prefix: str) -> str:
    """A new id such as ``mer_01jd3k...`` (prefix, underscore, 26 characters)."""
    value = _next_value()
    chars = []
    for _ in range(_BODY_LENGTH):
        value, index = divmod(value, 32)
        chars.append(_ALPHABET[index])
    return f"{prefix}_{''.join(reversed(chars))}"


def has_prefix(value: str, prefix: str) -> bool:
    """True when ``value`` looks like an id of the given type."""
    body = value.removeprefix(f"{prefix}_")
    return body != value and len(body) == _BODY_LENGTH and all(char in _ALPHABET for char in body)
