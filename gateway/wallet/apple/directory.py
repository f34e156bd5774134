"""Which merchants have Apple Wallet credentials, as one process knows it.

Every recorded event asks; the answer is one read of the credentials table per engine every
``REFRESH_SECONDS`` (the hot path pays a set lookup). Saving or removing credentials in this
process refreshes it at once; another process learns it within the refresh time.
"""

from __future__ import annotations

import threading
import time
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from gateway.wallet.apple.models import AppleWalletCredentials

REFRESH_SECONDS = 30.0
_known: WeakKeyDictionary[Engine, tuple[float, frozenset[str]]] = WeakKeyDictionary()
_lock = threading.Lock()


def _engine(session: Session) -> Engine:
    bind = session.bind or session.get_bind()  # the factory's engine, without a lookup
    return bind if isinstance(bind, Engine) else bind.engine


def has_apple_wallet(session: Session, merchant_id: str) -> bool:
    """True when the merchant has Apple Wallet credentials (as of the last refresh)."""
    engine = _engine(session)
    with _lock:
        loaded = _known.get(engine)
    if loaded is None or time.monotonic() - loaded[0] > REFRESH_SECONDS:
        merchants = frozenset(session.scalars(select(AppleWalletCredentials.merchant_id)))
        loaded = (time.monotonic(), merchants)
        with _lock:
            _known[engine] = loaded
    return merchant_id in loaded[1]


def forget(session: Session) -> None:
    """Read the credentials table again on the next question (they were just changed)."""
    with _lock:
        _known.pop(_engine(session), None)


PKPASS_FILE = "/pass.pkpass"


def apple_pass_url(session: Session, merchant_id: str, page_url: str) -> str | None:
    """The **Add to Apple Wallet** link beside a customer page; None without credentials."""
    return f"{page_url}{PKPASS_FILE}" if has_apple_wallet(session, merchant_id) else None
