"""Storing an inbound webhook: one INSERT that a retried webhook turns into a no-op."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import TextClause, bindparam, text
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
def _insert_statement() -> TextClause:
    # Text rather than the dialect insert constructs: those have no cache key, so SQLAlchemy
    # compiled them anew for every webhook, at a cost close to the database round trip's.
    # PostgreSQL and SQLite spell this upsert alike; the typed parameters keep the columns'
    # conversions (JSON documents, UTC times).
    table = InboundEvent.__table__
    name = InboundEvent.__tablename__
    columns = [column.name for column in table.c]
    # Every name comes from the table's own metadata; the values are bound parameters.
    sql = (
        f"INSERT INTO {name} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(':' + column for column in columns)}) "
        "ON CONFLICT (connection_id, dedupe_key) DO UPDATE SET status = :due_status, "
        "attempts = 0, next_attempt_at = excluded.next_attempt_at "
        f"WHERE {name}.status = :ignored_status RETURNING id"
    )
    return text(sql).bindparams(
        *(bindparam(column.name, type_=column.type) for column in table.c),
        bindparam("due_status", InboundStatus.PENDING.value),
        bindparam("ignored_status", InboundStatus.IGNORED.value),
    )


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
    stored: str | None = session.connection().execute(_insert_statement(), row).scalar()
    if stored is not None and inbound.status is InboundStatus.PENDING:
        note_due(session, _NEW, [stored])
    return stored


def single_statement_unit(session: Session) -> None:
    """Let the session's statements commit one by one, for a unit of work that writes with
    a single statement (one webhook's INSERT, which is atomic by itself): BEGIN and COMMIT
    would be two more round trips before the acknowledgement. ``commit_unit`` still ends
    the unit, so after-commit hooks (the processor's wake-up) run as before."""
    if not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def requeue_inbound(session: Session, event_ids: Sequence[str]) -> None:
    """Hand events made due again to the processor after this commit."""
    note_due(session, _NEW, event_ids)


def process_after_commit(factory: sessionmaker[Session], notify: Notify) -> None:
    """After every commit of the factory's sessions, pass newly due inbound ids to ``notify``."""
    notify_after_commit(factory, _NEW, notify)
