"""Opaque, type-prefixed, time-sortable ids (``mer_01h...``).

48 bits of milliseconds then 80 random bits, in lower-case Crockford base32: ids sort by
creation time, so the id itself is the pagination cursor.
"""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_BODY_LENGTH = 26


def new_id(prefix: str) -> str:
    """A new id such as ``mer_01jd3k...`` (prefix, underscore, 26 characters)."""
    value = (time.time_ns() // 1_000_000) << 80 | secrets.randbits(80)
    chars = []
    for _ in range(_BODY_LENGTH):
        value, index = divmod(value, 32)
        chars.append(_ALPHABET[index])
    return f"{prefix}_{''.join(reversed(chars))}"


def has_prefix(value: str, prefix: str) -> bool:
    """True when ``value`` looks like an id of the given type."""
    body = value.removeprefix(f"{prefix}_")
    return body != value and len(body) == _BODY_LENGTH and all(char in _ALPHABET for char in body)
