"""What ``create_app`` builds once per app and keeps in ``app.extensions["stampgate"]``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from gateway.config import Settings
from gateway.observability.metrics import HttpMetrics


@dataclass
class Extensions:
    """The app's settings and the long-lived objects built from them."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    redis: Redis | None
    metrics: HttpMetrics

    def close(self) -> None:
        """Release pooled database and Redis connections."""
        self.engine.dispose()
        if self.redis is not None:
            self.redis.close()


def extensions() -> Extensions:
    """The current app's extensions."""
    ext: Extensions = current_app.extensions["stampgate"]
    return ext
