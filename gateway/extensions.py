"""What ``create_app`` builds once per app and keeps in ``app.extensions["stampgate"]``."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import current_app
from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from gateway.config import Settings
from gateway.observability.metrics import HttpMetrics
from webhooks.deliver import Deliverer
from webhooks.dispatch import hand_over_after_commit
from webhooks.worker import EmbeddedDispatcher, wake_for_new


@dataclass
class Extensions:
    """The app's settings and the long-lived objects built from them."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    redis: Redis | None
    metrics: HttpMetrics
    dispatcher: EmbeddedDispatcher | None = None

    def close(self) -> None:
        """Stop the embedded dispatcher; release pooled database and Redis connections."""
        if self.dispatcher is not None:
            self.dispatcher.stop()
        self.engine.dispose()
        if self.redis is not None:
            self.redis.close()


def extensions() -> Extensions:
    """The current app's extensions."""
    ext: Extensions = current_app.extensions["stampgate"]
    return ext


def start_delivery(ext: Extensions) -> None:
    """Wire committed deliveries to their deliverer: this process's thread, or rq via Redis."""
    if ext.settings.runs_embedded_dispatcher:
        ext.dispatcher = EmbeddedDispatcher(Deliverer(ext.settings, ext.session_factory))
        hand_over_after_commit(ext.session_factory, ext.dispatcher.notify)
        ext.dispatcher.start()
    elif ext.redis is not None:
        hand_over_after_commit(ext.session_factory, functools.partial(wake_for_new, ext.redis))
