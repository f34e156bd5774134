"""What ``create_app`` builds once per app and keeps in ``app.extensions["stampgate"]``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    # Types only: the container names what the app factory puts in it, and imports none of it,
    # so every route can reach the container without depending on the POS side or workers.
    from flask_limiter import Limiter
    from redis import Redis
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from connectors.base import Connector
    from connectors.connections.directory import ConnectionDirectory
    from gateway.config import Settings
    from gateway.observability.metrics import HttpMetrics
    from gateway.queue.background import BackgroundLoop


@dataclass
class Extensions:
    """The app's settings and the long-lived objects built from them."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    redis: Redis | None
    metrics: HttpMetrics
    directory: ConnectionDirectory
    limiter: Limiter
    connectors: dict[str, Connector] = field(default_factory=dict)
    dispatcher: BackgroundLoop | None = None
    inbox: BackgroundLoop | None = None
    pos_sync: BackgroundLoop | None = None
    campaigns: BackgroundLoop | None = None
    automations: BackgroundLoop | None = None
    purger: BackgroundLoop | None = None
    apple_pushes: BackgroundLoop | None = None
    google_wallet: BackgroundLoop | None = None

    def close(self) -> None:
        """Stop the embedded threads; release pooled database and Redis connections."""
        loops = (
            self.apple_pushes,
            self.google_wallet,
            self.automations,
            self.campaigns,
            self.purger,
            self.pos_sync,
            self.inbox,
            self.dispatcher,
        )
        for loop in loops:
            if loop is not None:
                loop.stop()
        for connector in self.connectors.values():
            connector.http.close()
        self.engine.dispose()
        if self.redis is not None:
            self.redis.close()


def extensions() -> Extensions:
    """The current app's extensions."""
    ext: Extensions = current_app.extensions["stampgate"]
    return ext
