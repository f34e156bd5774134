"""Which tables the audit log follows, under which object type, and which columns it hides.

Tables are named as strings so this module imports no model: the recorder looks a mapper's
table up here. Tables missing from ``AUDITED`` are the machinery around the merchant's
objects (the outbox, the ledger lines, idempotency records, pooled codes); actions on them
that a merchant takes are recorded by the services as notes (``recorder.note``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from gateway.timestamps import iso_utc

REDACTED = "[redacted]"
# A column or JSON key named like a secret is never recorded, whatever the table declares.
_SECRET_NAME = re.compile(r"secret|token|password|credential|hash|api_key|authorization", re.I)


@dataclass(frozen=True)
class AuditSpec:
    """How one table appears in the audit log."""

    object_type: str
    redact: frozenset[str] = frozenset()  # recorded as "[redacted]" when they change
    ignore: frozenset[str] = frozenset()  # bookkeeping or copies not worth a line
    merchant_column: str = "merchant_id"


def _spec(
    object_type: str,
    redact: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    merchant_column: str = "merchant_id",
) -> AuditSpec:
    # The id and the merchant are the record's own columns; updated_at repeats created_at.
    skipped = frozenset(("id", "merchant_id", "updated_at", *ignore))
    return AuditSpec(object_type, frozenset(redact), skipped, merchant_column)


AUDITED: dict[str, AuditSpec] = {
    "merchants": _spec("merchant", ignore=("setup_version",), merchant_column="id"),
    "api_keys": _spec("api_key", redact=("key_hash",)),
    "programs": _spec("program"),
    "cards": _spec("card", ignore=("version",)),
    "vouchers": _spec("voucher", ignore=("code_key",)),
    "spins": _spec("spin"),
    "sales": _spec("sale", ignore=("fingerprint", "body")),
    "refunds": _spec("refund", ignore=("fingerprint",)),
    "code_pools": _spec("code_pool"),
    "redemptions": _spec("redemption"),
    "pos_connections": _spec("connection", redact=("credentials",)),
    "inbound_events": _spec("inbound_event", ignore=("payload", "locked_until")),
    "webhook_endpoints": _spec("webhook_endpoint", redact=("secret", "previous_secret")),
    "users": _spec("user", redact=("password_hash",), ignore=("last_login_at",)),
    "staff_seats": _spec("staff_seat", redact=("link_nonce",)),
    "wallet_designs": _spec(
        "wallet_design", ignore=("program_id", "logo_png", "icon_png", "strip_png")
    ),
    "apple_wallet_credentials": _spec(
        "apple_wallet", redact=("sealed_key",), ignore=("certificate_pem", "wwdr_pem")
    ),
    "campaigns": _spec("campaign", ignore=("next_attempt_at", "locked_until")),
    "claim_batches": _spec("claim_batch"),
    "automations": _spec("automation"),
    "google_wallet_issuers": _spec("google_wallet", redact=("service_account",)),
}
# Every other table, with the reason it is not followed row by row (a test holds the two lists
# to the metadata, so a new table needs a decision).
UNAUDITED: dict[str, str] = {
    "audit_events": "the log itself",
    "card_pos_ids": "written with its card, whose record names the customer",
    "stamp_entries": "ledger lines; the card's record carries the stamps they changed",
    "pool_codes": "imported in bulk; the import is noted on its pool, without the codes",
    "events": "the outbox: written by the changes it announces",
    "deliveries": "the outbox's queue; a retry by hand is noted on the delivery",
    "delivery_attempts": "the delivery log",
    "idempotency_keys": "replay bookkeeping",
    "campaign_messages": "one per recipient and channel, written and moved by the workers; "
    "the campaign's progress counts them",
    "automation_firings": "one per card and occurrence, written by the scheduler with the "
    "automation's run, whose messages the results count",
    "claims": "claim links, issued with their sale or their batch (whose record says how many) "
    "and claimed by customers; each claim is an event",
    "pos_catalogs": "a copy of what the POS lists, fetched again at will; nobody edits it",
    "rejected_code_attempts": "observations of refused code lookups, counted by the analytics",
    "apple_passes": "the update tags of handed-out Wallet passes, moved by every change",
    "apple_registrations": "devices that keep a Wallet pass, registered by the phones",
    "apple_pushes": "the APNs pushes after changes: the machinery, like deliveries",
    "google_wallet_objects": "what was last sent to Google for a card or voucher, by the workers",
    "google_wallet_jobs": "the queue of calls to Google, written with the changes they follow",
}
NOTED_TYPES = ("delivery",)
OBJECT_TYPES = tuple(sorted({spec.object_type for spec in AUDITED.values()} | set(NOTED_TYPES)))


def jsonable(value: Any) -> Any:
    """A column value as JSON: times in RFC 3339 UTC, decimals as strings, secrets hidden."""
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {
            str(key): REDACTED if _SECRET_NAME.search(str(key)) else jsonable(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


def _shown(spec: AuditSpec, name: str, value: Any) -> Any:
    if value is not None and (name in spec.redact or _SECRET_NAME.search(name)):
        return REDACTED
    return jsonable(value)


def diff(spec: AuditSpec, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``{column: {"before", "after"}}`` for every followed column whose value changed.

    A created row has an empty ``before``, a deleted one an empty ``after``; a column that
    was and stays null is left out.
    """
    changes: dict[str, Any] = {}
    for name in sorted(before.keys() | after.keys()):
        if name in spec.ignore:
            continue
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        changes[name] = {"before": _shown(spec, name, old), "after": _shown(spec, name, new)}
    return changes
