"""Poster's webhook signature: md5 over the signed fields joined by ``;``, then the secret."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

SIGNED_FIELDS = ("account", "object", "object_id", "action")


def _text(value: Any) -> str:
    # Values are signed as they were received: numbers in their JSON spelling.
    if isinstance(value, bool) or value is None:
        raise ValueError("not a signable value")
    return value if isinstance(value, str) else str(value)


def signed_text(body: dict[str, Any], application_secret: str) -> str:
    """What Poster hashes: account;object;object_id;action;[data;]time;secret.

    ``data`` takes part whenever the key is present and not null, an empty string included.
    """
    parts = [_text(body[name]) for name in SIGNED_FIELDS]
    if body.get("data") is not None:
        parts.append(_text(body["data"]))
    parts.append(_text(body["time"]))
    parts.append(application_secret)
    return ";".join(parts)


def is_signed_by(body: dict[str, Any], application_secret: str) -> bool:
    """True when ``verify`` matches (compared in constant time)."""
    expected = hashlib.md5(  # Poster's scheme, not our choice
        signed_text(body, application_secret).encode(), usedforsecurity=False
    ).hexdigest()
    given = body.get("verify")
    return isinstance(given, str) and hmac.compare_digest(given.lower().encode(), expected.encode())
