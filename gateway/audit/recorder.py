"""Recording changes in the transaction that makes them, at the unit-of-work layer.

A request that changes state binds its actor to its session (``bind``). From then on two
session hooks turn every change of a followed table (``catalog.AUDITED``) into an audit row
written in the same transaction, so the row commits, or rolls back, with its change:

- ``after_flush``: rows the ORM inserted, updated or deleted, diffed from attribute history;
- ``do_orm_execute``: conditional ``UPDATE``/``DELETE`` statements (voucher moves, spin
  claims, retries). The matching rows are read, locked, before the statement runs; what it
  made of them is read again after it, unless it set plain values on every one of them (or
  deleted them all), so the record carries what the statement really changed.

Sessions without a bound actor (workers, the CLI, reads) record nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, event, insert, inspect, select
from sqlalchemy.engine import Result
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.sql.elements import BindParameter

from gateway.audit.catalog import AUDITED, AuditSpec, diff, jsonable
from gateway.audit.models import AuditEvent
from gateway.db import utcnow
from gateway.ids import new_id

_CONTEXT_KEY = "audit_context"
_MISSING = object()  # an attribute never loaded


@dataclass(frozen=True)
class AuditContext:
    """Who acts in a session, and the request they act through."""

    actor_kind: str  # "api_key", "admin", later "user"
    actor_id: str | None
    operation: str | None = None  # e.g. "POST /v1/vouchers/{voucher_id}/redeem"
    remote_addr: str | None = None
    request_id: str | None = None


def bind(session: Session, context: AuditContext) -> None:
    """Record every later change made through ``session`` as made by ``context``'s actor."""
    session.info[_CONTEXT_KEY] = context


def context_of(session: Session) -> AuditContext | None:
    """The actor bound to the session, if any."""
    context: AuditContext | None = session.info.get(_CONTEXT_KEY)
    return context


def note(
    session: Session,
    *,
    merchant_id: str,
    object_type: str,
    object_id: str,
    action: str,
    changes: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Record an action that changes no followed row (an import, a test send, a retry).

    The caller commits; without a bound actor nothing is recorded.
    """
    context = context_of(session)
    if context is not None:
        row = _row(context, merchant_id, object_type, object_id, action, changes or {}, details)
        session.add(AuditEvent(**row))


def install(factory: sessionmaker[Session]) -> None:
    """Follow changes in every session of ``factory``."""
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _around_statement)


def _row(
    context: AuditContext,
    merchant_id: str,
    object_type: str,
    object_id: str,
    action: str,
    changes: dict[str, Any],
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": new_id("aud"),
        "merchant_id": merchant_id,
        "actor_kind": context.actor_kind,
        "actor_id": context.actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "changes": changes,
        "details": jsonable(details) if details is not None else None,
        "operation": context.operation,
        "remote_addr": context.remote_addr,
        "request_id": context.request_id,
        "created_at": utcnow(),
    }


def _write(session: Session, rows: Iterable[dict[str, Any] | None]) -> None:
    # Core, in one statement: audit rows are never read back in the transaction that writes
    # them, and an ORM object each would cost the session another flush.
    written = [row for row in rows if row is not None]
    if written:
        session.connection().execute(insert(AuditEvent), written)


def _spec_of(table: Any) -> AuditSpec | None:
    return AUDITED.get(table.name) if isinstance(table, Table) else None


def _record(
    context: AuditContext,
    spec: AuditSpec,
    verb: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> dict[str, Any] | None:
    changes = diff(spec, before, after)
    if not changes and verb == "updated":
        return None
    values = after or before
    merchant_id, object_id = values.get(spec.merchant_column), values.get("id")
    if merchant_id is None or object_id is None:
        return None
    action = f"{spec.object_type}.{verb}"
    return _row(context, merchant_id, spec.object_type, str(object_id), action, changes)


def _after_flush(session: Session, _flush_context: Any) -> None:
    context = context_of(session)
    if context is None:
        return
    rows: list[dict[str, Any] | None] = []
    for verb, objects in (
        ("created", session.new),
        ("updated", session.dirty),
        ("deleted", session.deleted),
    ):
        for obj in list(objects):
            spec = _spec_of(inspect(obj).mapper.local_table)
            if spec is not None:
                before, after = _states(obj, verb)
                rows.append(_record(context, spec, verb, before, after))
    _write(session, rows)


def _states(obj: Any, verb: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The row before and after this flush, by column name, from attribute history."""
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attribute in state.mapper.column_attrs:
        name = attribute.columns[0].name
        history = state.attrs[attribute.key].history
        current = state.dict.get(attribute.key, _MISSING)
        if verb != "created":
            if history.added or history.deleted:  # unknown when it was set before loading
                before[name] = history.deleted[0] if history.deleted else None
            elif current is not _MISSING:
                before[name] = current
        if verb != "deleted" and current is not _MISSING:
            after[name] = current
    return before, after


def _around_statement(state: ORMExecuteState) -> Result[Any] | None:
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return None
    context = context_of(state.session)
    table = state.bind_mapper.local_table
    spec = _spec_of(table)
    if context is None or spec is None:
        return None
    assert isinstance(table, Table)
    key = table.primary_key.columns.values()[0]
    where = getattr(state.statement, "whereclause", None)
    # The table as one element, not its columns one by one: its cache key is far cheaper.
    matching = select(table).with_for_update()
    if where is not None:
        matching = matching.where(where)
    elif isinstance(state.parameters, list):  # an UPDATE by primary key, one row per parameter
        matching = matching.where(key.in_([row[key.key] for row in state.parameters]))
    before = _rows(state.session.execute(matching).mappings(), key.name)
    result = state.invoke_statement()
    rowcount = getattr(result, "rowcount", 1)
    if not before or rowcount == 0:
        return result
    after = _after_image(state, table, before) if rowcount == len(before) else None
    if after is None:
        current = select(table).where(key.in_(list(before)))
        after = _rows(state.session.execute(current).mappings(), key.name)
    rows = []
    for object_id, old in before.items():
        new = after.get(object_id, {})
        rows.append(_record(context, spec, "updated" if new else "deleted", old, new))
    _write(state.session, rows)
    return result


def _after_image(
    state: ORMExecuteState, table: Table, before: dict[Any, dict[str, Any]]
) -> dict[Any, dict[str, Any]] | None:
    """The locked rows as the statement left them, when that needs no second read: every one
    of them changed (the row count says so), and deleted, or updated to plain values only.
    None when only reading them again tells (a value computed in SQL, a column's onupdate)."""
    if state.is_delete:
        return {}
    assigned = _assigned_values(state, table)
    if assigned is None:
        return None
    return {object_id: {**row, **assigned} for object_id, row in before.items()}


def _assigned_values(state: ORMExecuteState, table: Table) -> dict[str, Any] | None:
    values: dict[Any, Any] = getattr(state.statement, "_values", None) or {}
    mapper = state.bind_mapper
    assert mapper is not None
    assigned: dict[str, Any] = {}
    for target, value in values.items():
        name = target if isinstance(target, str) else getattr(target, "key", None)
        attribute = mapper.column_attrs.get(name) if isinstance(name, str) else None
        if attribute is None or not isinstance(value, BindParameter) or value.callable:
            return None
        assigned[attribute.columns[0].name] = value.value
    if not assigned:
        return None
    for column in table.columns:
        if column.onupdate is not None and column.name not in assigned:
            return None
    return assigned


def _rows(rows: Iterable[Any], key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: dict(row) for row in rows}
