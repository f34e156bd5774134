"""The campaign form and the API's campaign body: fields by name, errors placed beside them.

Only the field the chosen segment kind needs is read (``segment-days``, ``segment-stamps_left``
or ``segment-location``); the voucher's fields are the program editor's reward fields under the
``voucher`` prefix. The send time is typed in the merchant's time zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from gateway.web.console.program_form import field_of, reward_from_form

SEGMENT_FIELDS = {
    "inactive": "days",
    "voucher_expiring": "days",
    "near_goal": "stamps_left",
    "location": "location",
}
SEGMENT_TAGS = frozenset(
    {
        "all",
        "inactive",
        "near_goal",
        "voucher_expiring",
        "never_redeemed",
        "location",
        "birthday_week",
    }
)
# Where an error of a whole part of the body goes.
PART_FIELDS = {"segment": "segment-kind", "voucher": "voucher-type", "channels": "channels"}


class SendAtError(ValueError):
    """The typed send time is not a date and time."""


def _text(form: Mapping[str, str], name: str) -> str | None:
    return str(form.get(name, "")).strip() or None


def _segment(form: Mapping[str, str]) -> dict[str, Any]:
    kind = _text(form, "segment-kind") or ""
    segment: dict[str, Any] = {"kind": kind}
    name = SEGMENT_FIELDS.get(kind)
    if name:
        value = _text(form, f"segment-{name}") or ""
        segment[name] = int(value) if name != "location" and value.isdigit() else value or None
    return segment


def send_at_of(form: Mapping[str, str], timezone: str) -> str | None:
    """The send time as RFC 3339 (None: now); a typed local time is the merchant's."""
    if form.get("send_when") != "later":
        return None
    typed = _text(form, "send_at") or ""
    try:
        local = datetime.fromisoformat(typed)
    except ValueError as exc:
        raise SendAtError("Choose a date and a time") from exc
    return local.replace(tzinfo=ZoneInfo(timezone)).isoformat()


def body_from_form(
    form: Mapping[str, str], channels: Sequence[str], send_at: str | None
) -> dict[str, Any]:
    """The ``POST /v1/campaigns`` body the form describes (unvalidated)."""
    voucher = None
    if form.get("voucher-type") == "voucher":
        voucher = {**reward_from_form(form, "voucher"), "type": "voucher"}
    return {
        "program_id": _text(form, "program_id") or "",
        "name": _text(form, "name"),
        "segment": _segment(form),
        "push_text": _text(form, "push_text"),
        "message_text": _text(form, "message_text"),
        "channels": list(channels),
        "voucher": voucher,
        "send_at": send_at,
    }


def campaign_field_of(loc: Sequence[str | int]) -> str:
    """The form field an error at ``loc`` (pydantic's location, or a refusal's) belongs beside."""
    parts = [str(part) for part in loc]
    if not parts:
        return ""
    head, rest = parts[0], parts[1:]
    if head == "segment":
        named = [part for part in rest if part not in SEGMENT_TAGS]
        return f"segment-{named[0]}" if named else PART_FIELDS[head]
    if head == "voucher":
        inner = field_of(rest)
        return f"voucher-{inner}" if inner else PART_FIELDS[head]
    return PART_FIELDS.get(head, head)


def refusal_field(code: str, extra: Mapping[str, Any]) -> str:
    """The field a campaign refusal (a ``DomainError``) belongs beside ("" for none)."""
    if code == "not_found":
        return "program_id"
    if code == "unknown_code_pool":
        return "voucher-code_pool_id"
    errors = extra.get("errors") or []
    return campaign_field_of(errors[0]["loc"]) if errors else ""
