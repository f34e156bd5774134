"""POS: the inbound events (what the POS sent and how processing went) with a retry button."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from pydantic import ValidationError

from connectors.connections import service as connections
from connectors.inbox import service as inbox
from connectors.inbox.states import InboundAction, sources_of
from gateway.api.problems import STATUSES
from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.pagination import PageQuery
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user
from gateway.web.console.catalog_choices import POS_NAMES
from gateway.web.forms import FormErrors, errors_of

EVENT_STATUSES = ("failed", "waiting", "pending", "processed", "ignored")
RETRYABLE = frozenset(status.value for status in sources_of(InboundAction.RETRY))


@console.get("/pos/events")
@console_page()
def pos_events() -> Page:
    """What the POS sent and how processing went; failed events can be retried."""
    return _events_page(FormErrors())


def _events_page(errors: FormErrors, status: int = 200) -> tuple[str, int]:
    session = request_session()
    merchant_id = logged_in_user().merchant_id
    chosen = {name: request.values.get(name, "").strip() for name in ("status", "connection")}
    try:
        query = inbox.InboundQuery(
            status=chosen["status"] or None,
            connection_id=chosen["connection"] or None,
            cursor=request.args.get("cursor") or None,
        )
    except ValidationError as exc:
        errors = errors_of(exc, ())
        query, status = inbox.InboundQuery(), 422
    if query.connection_id:  # another merchant's connection is not found
        connections.get_connection(session, merchant_id, query.connection_id)
    events = inbox.list_inbound(session, merchant_id, query)
    listed = connections.list_connections(session, merchant_id, PageQuery(limit=500)).items
    page = render_template(
        "console/pos_events.html",
        events=events.items,
        next_cursor=events.next_cursor,
        chosen=chosen,
        statuses=EVENT_STATUSES,
        retryable=RETRYABLE,
        connections=listed,
        pos_names=POS_NAMES,
        errors=errors,
    )
    return page, status


@console.post("/pos/events/<event_id>/retry")
@console_page()
def pos_retry_event(event_id: str) -> Page:
    """Process an event again now, with a fresh set of retries."""
    try:
        inbox.retry_inbound(request_session(), logged_in_user().merchant_id, event_id)
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        return _events_page(errors_of(exc, ()), STATUSES.get(exc.code, 422))
    flash("The event is queued again: it is processed in a moment.")
    back = url_for(
        "console.pos_events",
        status=request.form.get("status") or None,
        connection=request.form.get("connection") or None,
    )
    return redirect(back, code=303)
