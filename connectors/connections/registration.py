"""Registering the gateway as a connection's webhook receiver in the POS itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from connectors.base import Connector, RegistersWebhooks
from connectors.connections.mapping import call_pos
from connectors.connections.service import get_connection, webhook_url
from connectors.connections.views import readable_view
from gateway.audit.recorder import note
from gateway.config import Settings
from gateway.db import commit_unit
from gateway.errors import DomainError


def register_webhook(
    session: Session, settings: Settings, connector: Connector, merchant_id: str, connection_id: str
) -> dict[str, Any]:
    """Write our URL, token and filters into the POS, then read them back to confirm."""
    connection = get_connection(session, merchant_id, connection_id)
    if not isinstance(connector, RegistersWebhooks):
        raise DomainError(
            "registration_not_supported",
            f"{connection.pos} webhooks are configured in the POS's own developer settings.",
        )
    view = readable_view(session, connection, settings)
    url = webhook_url(settings, connection)
    held = call_pos(session, connection, lambda: connector.register_webhook(view, url))
    token = held.get("authToken")
    if held.get("webHooksUri") != url or (token and token != view.credentials["webhook_token"]):
        raise DomainError(
            "registration_not_confirmed",
            "The POS answered, but reading its settings back shows another webhook.",
        )
    filters = held.get("webHooksFilter")
    registered = {"webhook_url": url, "filters": filters if isinstance(filters, dict) else {}}
    note(
        session,
        merchant_id=merchant_id,
        object_type="connection",
        object_id=connection.id,
        action="connection.webhook_registered",
        details=registered,
    )
    commit_unit(session)
    return registered
