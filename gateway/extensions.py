"""What ``create_app`` builds once per app and keeps in ``app.extensions["stampgate"]``."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from flask import current_app
from flask_limiter import Limiter
from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from connectors.base import Connector
from connectors.connections.directory import ConnectionDirectory
from connectors.inbox.jobs import wake_inbox
from connectors.inbox.processing import Processor, drain_inbox
from connectors.inbox.store import process_after_commit
from gateway.config import Settings
from gateway.observability.metrics import HttpMetrics
from gateway.queue.background import BackgroundLoop
from webhooks.deliver import Deliverer, drain
from webhooks.dispatch import hand_over_after_commit
from webhooks.jobs import wake_for_new


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

    def close(self) -> None:
        """Stop the embedded threads; release pooled database and Redis connections."""
        for loop in (self.inbox, self.dispatcher):
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


def start_delivery(ext: Extensions) -> None:
    """Wire committed deliveries and inbound events to their workers: threads of this process
    (embedded mode), or rq workers woken through Redis."""
    if ext.settings.runs_embedded_dispatcher:
        deliverer = Deliverer(ext.settings, ext.session_factory)
        ext.dispatcher = BackgroundLoop(
            "stampgate-webhooks", lambda: drain(deliverer), on_stop=deliverer.http.close
        )
        hand_over_after_commit(ext.session_factory, ext.dispatcher.notify)
        processor = Processor(ext.settings, ext.session_factory, ext.connectors)
        ext.inbox = BackgroundLoop("stampgate-inbox", lambda: drain_inbox(processor))
        process_after_commit(ext.session_factory, ext.inbox.notify)
        ext.dispatcher.start()
        ext.inbox.start()
    elif ext.redis is not None:
        hand_over_after_commit(ext.session_factory, functools.partial(wake_for_new, ext.redis))
        process_after_commit(ext.session_factory, functools.partial(wake_inbox, ext.redis))
