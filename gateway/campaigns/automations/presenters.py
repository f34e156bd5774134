"""Automations in the shape the API answers with, each with its results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from gateway.campaigns.automations.models import Automation
from gateway.campaigns.automations.service import stored_fields
from gateway.campaigns.models import Campaign
from gateway.campaigns.results import results_of
from gateway.timestamps import iso_utc


def automation_out(automation: Automation, results: dict[str, Any]) -> dict[str, Any]:
    """An automation in the contract's shape."""
    return {
        "id": automation.id,
        "program_id": automation.program_id,
        **stored_fields(automation),
        "created_at": iso_utc(automation.created_at),
        "updated_at": iso_utc(automation.updated_at),
        "results": results,
    }


def automation_views(session: Session, automations: Sequence[Automation]) -> list[dict[str, Any]]:
    """Automations with the results of all their runs, read together."""
    results = results_of(session, Campaign.automation_id, [item.id for item in automations])
    return [automation_out(item, results[item.id]) for item in automations]
