"""Suspected fraud, announced to the merchant's systems (``fraud.suspected``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from gateway.db import commit_unit
from webhooks.outbox import record_event


def report_code_guessing(session: Session, merchant_id: str, data: dict[str, Any]) -> None:
    """Record a ``fraud.suspected`` event for a run of unknown codes, and commit it."""
    record_event(session, merchant_id, "fraud.suspected", data)
    commit_unit(session)
