"""Processing stored webhooks: claim due events, let their connector apply them, record how
it went. Every step is idempotent, so a crash anywhere costs only a repeat."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from connectors.base import Connector, Outcome, ProcessingContext
from connectors.connections.models import PosConnection
from connectors.connections.views import load_view
from connectors.errors import EventRejected, PosAuthRejected, PosError, PosUnavailable
from connectors.inbox.models import InboundEvent
from connectors.inbox.states import InboundAction, sources_of, target_of
from gateway.config import Settings
from gateway.crypto import SecretUnreadable
from gateway.db import commit_unit, utcnow
from gateway.queue.table import QueueTable, WorkRow, drain, work_batch

log = logging.getLogger(__name__)
INBOX = QueueTable(InboundEvent, batch=20, order_by=("next_attempt_at", "id"))
LEASE = timedelta(minutes=5)
ERROR_KEPT = 1000


@dataclass
class Processor:
    """What a worker keeps between events: settings, sessions and one connector per POS."""

    settings: Settings
    session_factory: sessionmaker[Session]
    connectors: Mapping[str, Connector]

    @property
    def context(self) -> ProcessingContext:
        """What connectors get to work with."""
        return ProcessingContext(self.settings, self.session_factory)


def process_due(processor: Processor, limit: int | None = None) -> int:
    """Process one batch of due events; returns how many were claimed."""

    def start(_session: Session, _events: Sequence[InboundEvent]) -> WorkRow[InboundEvent]:
        # Each event is read and recorded in sessions of its own: its outcome commits alone.
        return lambda event: process_claimed(processor, event.id)

    return work_batch(processor.session_factory, INBOX, LEASE, start, limit=limit)


def drain_inbox(processor: Processor) -> int:
    """Process batches until nothing is due; returns how many events were processed."""
    return drain(lambda: process_due(processor), INBOX.batch)


def process_claimed(processor: Processor, event_id: str) -> None:
    """Run one leased event through its connector and record the outcome."""
    with processor.session_factory() as session:
        event = session.get(InboundEvent, event_id)
        connection = session.get(PosConnection, event.connection_id) if event else None
        if event is None or connection is None:
            return
        if connection.status == "needs_reauth":
            _finish(session, event, InboundAction.PARK, error=connection.status_reason)
            return
        try:
            view = load_view(session, connection, processor.settings)
        except SecretUnreadable:
            session.rollback()
            reason = "credentials sealed with another STAMPGATE_SECRET_KEY: send them again"
            _needs_reauth(processor, event_id, connection.id, reason)
            return
        payload = event.payload
        session.rollback()  # no transaction stays open while the POS is called
    connector = processor.connectors[view.pos]
    try:
        outcome = connector.process(processor.context, view, payload)
    except PosAuthRejected as exc:
        _needs_reauth(processor, event_id, view.id, str(exc))
    except PosUnavailable as exc:
        _retry_later(processor, event_id, str(exc), exc.retry_after)
    except (EventRejected, PosError) as exc:
        _record(processor, event_id, InboundAction.FAIL, error=str(exc))
    except Exception as exc:  # a bug or bad data: retried, then failed; never blocks the rest
        log.exception("inbound event failed", extra={"inbound_event_id": event_id})
        _retry_later(processor, event_id, f"internal error: {type(exc).__name__}", None)
    else:
        _record_outcome(processor, event_id, outcome)


def _record_outcome(processor: Processor, event_id: str, outcome: Outcome) -> None:
    action = InboundAction.COMPLETE if outcome.status == "processed" else InboundAction.IGNORE
    _record(processor, event_id, action, result=outcome.result)


def _retry_later(
    processor: Processor, event_id: str, error: str, retry_after: float | None
) -> None:
    schedule = processor.settings.inbound_retry_schedule
    with processor.session_factory() as session:
        event = session.get(InboundEvent, event_id)
        if event is None:
            return
        if event.attempts >= len(schedule):
            _finish(session, event, InboundAction.FAIL, error=error)
            return
        delay = max(schedule[event.attempts], retry_after or 0)
        _finish(
            session,
            event,
            InboundAction.RETRY_LATER,
            error=error,
            next_attempt_at=utcnow() + timedelta(seconds=delay),
        )


def _needs_reauth(processor: Processor, event_id: str, connection_id: str, error: str) -> None:
    with processor.session_factory() as session:
        session.execute(
            update(PosConnection)
            .where(PosConnection.id == connection_id)
            .values(status="needs_reauth", status_reason=error[:500], updated_at=utcnow())
        )
        event = session.get(InboundEvent, event_id)
        if event is not None:
            _finish(session, event, InboundAction.PARK, error=error)
        else:
            commit_unit(session)


def _record(
    processor: Processor,
    event_id: str,
    action: InboundAction,
    *,
    error: str | None = None,
    result: dict[str, Any] | None = None,
) -> None:
    with processor.session_factory() as session:
        event = session.get(InboundEvent, event_id)
        if event is not None:
            _finish(session, event, action, error=error, result=result)


def _finish(
    session: Session,
    event: InboundEvent,
    action: InboundAction,
    *,
    error: str | None = None,
    result: dict[str, Any] | None = None,
    next_attempt_at: Any = None,
) -> None:
    """Move the event and release its lease, in one conditional UPDATE, then commit."""
    now = utcnow()
    values: dict[str, Any] = {
        "status": target_of(action).value,
        # Waiting for re-authorisation is not a failed try: it must not use up the retries.
        "attempts": InboundEvent.attempts + (0 if action is InboundAction.PARK else 1),
        "locked_until": None,
        "last_error": None if error is None else error[:ERROR_KEPT],
    }
    if result is not None:
        values["result"] = result
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    if action in (InboundAction.COMPLETE, InboundAction.IGNORE, InboundAction.FAIL):
        values["processed_at"] = now
    allowed = [status.value for status in sources_of(action)]
    session.execute(
        update(InboundEvent)
        .where(InboundEvent.id == event.id, InboundEvent.status.in_(allowed))
        .values(**values)
    )
    commit_unit(session)
