"""The audit log route: every change made through the API, newest first."""

from __future__ import annotations

from typing import Any

from flask_openapi3.models.tag import Tag

from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.session import request_session
from gateway.audit.schemas import AuditEventPage, AuditQuery
from gateway.audit.service import audit_event_out, list_audit_events

audit = merchant_blueprint(
    "audit",
    __name__,
    Tag(name="Audit", description="Who changed what, when and from where."),
)


@audit.get("/audit-events", responses={200: AuditEventPage})
def list_merchant_audit_events(query: AuditQuery) -> dict[str, Any]:
    """Changes made by this merchant's keys (and the admin), newest first; filter by object,
    actor, action or time."""
    page = list_audit_events(request_session(), current_merchant_id(), query)
    items = [audit_event_out(row) for row in page.items]
    return AuditEventPage(items=items, next_cursor=page.next_cursor).model_dump(mode="json")
