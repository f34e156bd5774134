"""Storing an inbound webhook: one INSERT that a retried webhook turns into a no-op."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from connectors.inbox.models import InboundEvent
from connectors.inbox.states import InboundStatus
from gateway.db import utcnow
from gateway.ids import new_id
from gateway.queue.wake import Notify, note_due, notify_after_commit

_NEW = "new_inbound_event_ids"


@dataclass(frozen=True)
class Inbound:
    """One webhook event as a connector's hook parsed it."""

    dedupe_key: str
    kind: str
    object_id: str | None
    payload: dict[str, Any]
    # Events the hook settles itself (a token update) are stored already done.
    status: InboundStatus = InboundStatus.PENDING
    result: dict[str, Any] | None = None


@functools.cache
def _insert_statement(dialect: str) -> Any:
    # Built once per dialect: building it per webhook cost more than its database round trip.
    # (SQLAlchemy does not cache the compiled form of dialect inserts, so that part remains.)
    builder: Callable[..., Any] = postgresql.insert if dialect == "postgresql" else sqlite.insert
    insert = builder(InboundEvent)
    return insert.on_conflict_do_update(
        index_elements=["connection_id", "dedupe_key"],
        set_={
            "status": InboundStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": insert.excluded.next_attempt_at,
        },
        where=InboundEvent.status == InboundStatus.IGNORED.value,
    ).returning(InboundEvent.id)


def store_inbound(
    session: Session, merchant_id: str, connection_id: str, pos: str, inbound: Inbound
) -> str | None:
    """Add the event unless its dedupe key is already stored; returns its id when it is due.

    A copy of an event that ended ``ignored`` makes it due again: two distinct changes within
    one second can look identical (an order touched, then closed), and looking again is
    harmless because processing is idempotent. The caller commits; only then may the POS be
    told the webhook was accepted.
    """
    now = utcnow()
    row = {
        "id": new_id("ibe"),
        "merchant_id": merchant_id,
        "connection_id": connection_id,
        "pos": pos,
        "dedupe_key": inbound.dedupe_key[:255],
        "kind": inbound.kind[:64],
        "object_id": None if inbound.object_id is None else inbound.object_id[:128],
        "payload": inbound.payload,
        "status": inbound.status.value,
        "attempts": 0,
        "next_attempt_at": now,
        "locked_until": None,
        "last_error": None,
        "result": inbound.result,
        "received_at": now,
        "processed_at": None if inbound.status is InboundStatus.PENDING else now,
    }
    statement = _insert_statement(session.get_bind().dialect.name)
    stored: str | None = session.connection().execute(statement, row).scalar()
    if stored is not None and inbound.status is InboundStatus.PENDING:
        note_due(session, _NEW, [stored])
    return stored


def requeue_inbound(session: Session, event_ids: Sequence[str]) -> None:
    """Hand events made due again to the processor after this commit."""
    note_due(session, _NEW, event_ids)


def process_after_commit(factory: sessionmaker[Session], notify: Notify) -> None:
    """After every commit of the factory's sessions, pass newly due inbound ids to ``notify``."""
    notify_after_commit(factory, _NEW, notify)
