"""Timestamps as the contract writes them: ISO 8601 in UTC with a ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_utc(value: datetime) -> str:
    """``2026-12-01T11:47:00.123456Z``: the instant in UTC, whatever zone it was given in."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def iso_utc_or_none(value: datetime | None) -> str | None:
    """``iso_utc`` of a time that may be missing."""
    return iso_utc(value) if value is not None else None
