"""Connections in the shape the API answers with (never their secrets)."""

from __future__ import annotations

from typing import Any

from connectors.connections.models import PosConnection
from connectors.connections.schemas import ConnectionOut
from connectors.connections.service import webhook_url
from gateway.config import Settings


def connection_out(connection: PosConnection, settings: Settings, **extra: Any) -> dict[str, Any]:
    """A connection; ``extra`` adds answer-only fields (the Serve webhook token on create)."""
    poster = connection.pos == "poster"
    return ConnectionOut.model_validate(
        {
            "id": connection.id,
            "pos": connection.pos,
            "program_id": connection.program_id,
            "account": connection.account if poster else None,
            "organization_id": None if poster else connection.account,
            "status": connection.status,
            "status_reason": connection.status_reason,
            "api_base_url": connection.api_base_url,
            "webhook_url": webhook_url(settings, connection),
            "locations": connection.locations or {},
            "codes": connection.codes or {},
            "stale_codes": connection.stale_codes or {},
            "synced_at": connection.synced_at,
            "created_at": connection.created_at,
            "updated_at": connection.updated_at,
            **extra,
        }
    ).model_dump(mode="json", exclude_none=False)
