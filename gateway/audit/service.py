"""Reading and purging the audit log."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gateway.audit.models import AuditEvent
from gateway.audit.schemas import ACTOR_KINDS, Actor, AuditEventOut, AuditQuery
from gateway.db import commit_unit, utcnow
from gateway.pagination import Page, fetch_page


def list_audit_events(session: Session, merchant_id: str, query: AuditQuery) -> Page[AuditEvent]:
    """The merchant's audit events, newest first, narrowed by the query's filters."""
    statement = select(AuditEvent).where(AuditEvent.merchant_id == merchant_id)
    if query.object_type is not None:
        statement = statement.where(AuditEvent.object_type == query.object_type)
    if query.object_id is not None:
        statement = statement.where(AuditEvent.object_id == query.object_id)
    if query.action is not None:
        statement = statement.where(AuditEvent.action == query.action)
    if query.actor in ACTOR_KINDS:
        statement = statement.where(AuditEvent.actor_kind == query.actor)
    elif query.actor is not None:
        statement = statement.where(AuditEvent.actor_id == query.actor)
    return fetch_page(session, statement, AuditEvent.id, AuditEvent.created_at, query)


def audit_event_out(row: AuditEvent) -> AuditEventOut:
    """An audit row as the API shows it."""
    return AuditEventOut(
        id=row.id,
        actor=Actor(kind=row.actor_kind, id=row.actor_id),
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        changes=row.changes,
        details=row.details,
        operation=row.operation,
        remote_addr=row.remote_addr,
        request_id=row.request_id,
        created_at=row.created_at,
    )


def purge_audit_events(session: Session, retention_days: int) -> int:
    """Delete audit events older than the retention period; returns how many went."""
    cutoff = utcnow() - timedelta(days=retention_days)
    result = session.execute(delete(AuditEvent).where(AuditEvent.created_at < cutoff))
    commit_unit(session)
    return int(getattr(result, "rowcount", 0) or 0)
