"""Whether a merchant has Google Wallet credentials, answered from a per-process cache so that
events of merchants without Wallet cost no query."""

from __future__ import annotations

import threading

from cachetools import TTLCache
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.wallet.google.models import GoogleIssuer

# Other processes learn of new or removed credentials within this many seconds; the process
# that changed them at once.
ENABLED_TTL_SECONDS = 30.0
_enabled: TTLCache[str, bool] = TTLCache(maxsize=10_000, ttl=ENABLED_TTL_SECONDS)
_enabled_lock = threading.Lock()


def has_google_wallet(session: Session, merchant_id: str) -> bool:
    """Whether the merchant has Google credentials: one indexed lookup per merchant and
    ``ENABLED_TTL_SECONDS`` in this process, none in between."""
    with _enabled_lock:
        known = _enabled.get(merchant_id)
    if known is not None:
        return known
    found = session.scalar(select(GoogleIssuer.id).where(GoogleIssuer.merchant_id == merchant_id))
    remember_enabled(merchant_id, enabled=found is not None)
    return found is not None


def remember_enabled(merchant_id: str, *, enabled: bool) -> None:
    """Note in this process that the merchant has (or no longer has) credentials."""
    with _enabled_lock:
        _enabled[merchant_id] = enabled


def forget_enabled() -> None:
    """Empty the cache (a test that switched databases)."""
    with _enabled_lock:
        _enabled.clear()
