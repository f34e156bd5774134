"""Finding the connection a POS webhook belongs to, fast: a short-lived in-process cache.

Each gateway process keeps what it looked up for ``ttl`` seconds. A cached entry can only be
stale in one harmful way (credentials changed), so a webhook that fails verification with a
cached entry is checked again against the database before it is refused.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass

from cachetools import TTLCache
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from connectors.connections.models import PosConnection
from connectors.connections.views import credentials_unreadable
from gateway.config import Settings
from gateway.crypto import SecretUnreadable, secret_box


@dataclass(frozen=True)
class HookTarget:
    """What receiving a webhook needs of its connection."""

    connection_id: str
    merchant_id: str
    pos: str
    credentials: dict[str, str]


class ConnectionDirectory:
    """Connections by POS account or id, cached for a few seconds per process."""

    def __init__(self, settings: Settings, ttl: float = 30.0) -> None:
        self._settings = settings
        self._cache: TTLCache[tuple[str, str], HookTarget] = TTLCache(maxsize=10_000, ttl=ttl)
        self._lock = threading.Lock()

    def by_account(
        self, session: Session, pos: str, account: str, fresh: bool = False
    ) -> HookTarget | None:
        """The connection of a POS account (``fresh`` skips the cache)."""
        return self._find(
            session,
            ("account", f"{pos}:{account}"),
            lambda: (PosConnection.pos == pos) & (PosConnection.account == account),
            fresh,
        )

    def by_id(self, session: Session, connection_id: str, fresh: bool = False) -> HookTarget | None:
        """The connection with this id (``fresh`` skips the cache)."""
        return self._find(
            session, ("id", connection_id), lambda: PosConnection.id == connection_id, fresh
        )

    def _find(
        self,
        session: Session,
        key: tuple[str, str],
        condition: Callable[[], ColumnElement[bool]],
        fresh: bool,
    ) -> HookTarget | None:
        # The condition is built only on a miss: building it cost more than a cache hit.
        if not fresh:
            with self._lock:
                cached = self._cache.get(key)
            if cached is not None:
                return cached
        row = session.execute(
            select(
                PosConnection.id,
                PosConnection.merchant_id,
                PosConnection.pos,
                PosConnection.credentials,
            ).where(condition())
        ).first()
        if row is None:
            return None  # unknown accounts are not cached: a new connection works at once
        target = HookTarget(row.id, row.merchant_id, row.pos, self._open(row.credentials))
        with self._lock:
            self._cache[key] = target
        return target

    def _open(self, sealed: str) -> dict[str, str]:
        try:
            opened: dict[str, str] = json.loads(secret_box(self._settings.secret_key).open(sealed))
        except SecretUnreadable:
            raise credentials_unreadable() from None
        return opened
