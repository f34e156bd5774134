"""Query and response bodies of ``GET /v1/audit-events``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.config import JsonDict

from gateway.audit.catalog import OBJECT_TYPES
from gateway.pagination import PageQuery

ACTOR_KINDS = ("api_key", "admin", "user")
_EXAMPLE: JsonDict = {
    "id": "aud_01jdx4s1v7k3m9q2w8e5r6t4y0",
    "actor": {"kind": "api_key", "id": "key_01jdx3z8q4n7m2k5j9h6g3f1d0"},
    "action": "voucher.updated",
    "object_type": "voucher",
    "object_id": "vch_01jdx4rz2c5v8b1n4m7k0j3h6g",
    "changes": {
        "status": {"before": "active", "after": "redeemed"},
        "redeemed_at": {"before": None, "after": "2026-12-01T10:00:00.123000Z"},
        "redeemed_channel": {"before": None, "after": "staff"},
    },
    "details": None,
    "operation": "POST /v1/vouchers/{voucher_id}/redeem",
    "remote_addr": "203.0.113.7",
    "request_id": "5f0c3a9e2b7d4e1f8a6c0b9d3e2f1a4b",
    "created_at": "2026-12-01T10:00:00.125000Z",
}


class AuditQuery(PageQuery):
    """Filters of the audit log; every one narrows the list."""

    object_type: str | None = Field(default=None, max_length=32, description="e.g. voucher")
    object_id: str | None = Field(default=None, max_length=64)
    actor: str | None = Field(
        default=None,
        max_length=64,
        description="An actor id (an API key id such as key_...) or a kind: api_key, admin, user",
    )
    action: str | None = Field(default=None, max_length=64, description="e.g. voucher.updated")

    @field_validator("object_type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value is not None and value not in OBJECT_TYPES:
            raise ValueError(f"not an object type; one of {', '.join(OBJECT_TYPES)}")
        return value


class Actor(BaseModel):
    """Who made a change: an API key (its id), the platform admin, or a console user."""

    kind: str = Field(examples=list(ACTOR_KINDS))
    id: str | None


class AuditEventOut(BaseModel):
    """One change of one object. ``changes`` maps a field to its ``before`` and ``after``
    (secrets appear as "[redacted]"); ``details`` holds facts of actions that are not field
    changes (codes imported, deliveries sent again)."""

    model_config = ConfigDict(json_schema_extra={"example": _EXAMPLE})

    id: str
    actor: Actor
    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any]
    details: dict[str, Any] | None
    operation: str | None
    remote_addr: str | None
    request_id: str | None
    created_at: datetime


class AuditEventPage(BaseModel):
    """A page of audit events, newest first."""

    model_config = ConfigDict(
        json_schema_extra={"example": {"items": [_EXAMPLE], "next_cursor": None}}
    )

    items: list[AuditEventOut]
    next_cursor: str | None
