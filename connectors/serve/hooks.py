"""Receiving a Syrve webhook: check the token, store each event of the array, commit, answer."""

from __future__ import annotations

import hmac
from typing import Any

from sqlalchemy.orm import Session

from connectors.connections.directory import ConnectionDirectory, HookTarget
from connectors.inbox.store import Inbound, store_inbound
from gateway.db import commit_unit
from gateway.errors import ApiError
from gateway.inputs import parse_json

MAX_EVENTS = 500


def receive_serve_hook(
    session: Session,
    directory: ConnectionDirectory,
    connection_id: str,
    authorization: str | None,
    raw: bytes,
) -> int:
    """Store every event of one delivery (once per dedupe key); returns how many were new."""
    target = directory.by_id(session, connection_id)
    if target is None or target.pos != "serve":
        raise ApiError(404, "not_found", "connection not found")
    if not _authorized(target, authorization):
        # The cached token may be an old one: ask the database before refusing.
        target = directory.by_id(session, connection_id, fresh=True)
        if target is None or not _authorized(target, authorization):
            raise ApiError(401, "bad_token", "Send the connection's webhook token.")
    stored = 0
    for event in _events(raw):
        inbound = _inbound(event)
        stored += (
            store_inbound(session, target.merchant_id, target.connection_id, "serve", inbound)
            is not None
        )
    commit_unit(session)
    return stored


def _authorized(target: HookTarget, authorization: str | None) -> bool:
    expected = target.credentials.get("webhook_token", "")
    given = (authorization or "").strip()
    if given[:7].lower() == "bearer ":
        given = given[7:].strip()
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _events(raw: bytes) -> list[dict[str, Any]]:
    try:
        body = parse_json(raw, text_status=400)
    except ValueError:
        raise ApiError(400, "malformed_json", "The webhook body is not valid JSON.") from None
    if not isinstance(body, list) or not all(isinstance(event, dict) for event in body):
        raise ApiError(400, "malformed_webhook", "A Syrve webhook body is a JSON array of events.")
    if len(body) > MAX_EVENTS:
        raise ApiError(400, "malformed_webhook", f"At most {MAX_EVENTS} events per delivery.")
    return body


def _inbound(event: dict[str, Any]) -> Inbound:
    info = _object(event.get("eventInfo"))
    order = _object(info.get("order"))
    event_type = str(event.get("eventType") or "unknown")
    object_id = str(info.get("id") or "") or None
    status = str(order.get("status") or info.get("creationStatus") or "")
    when = str(event.get("eventTime") or "")
    correlation = "" if object_id else str(event.get("correlationId") or "")
    return Inbound(
        dedupe_key=f"{event_type}:{object_id or correlation}:{status}:{when}",
        kind=event_type,
        object_id=object_id,
        payload=event,
    )


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
