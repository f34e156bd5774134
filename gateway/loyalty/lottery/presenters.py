"""Lottery spins in the shape the API answers with."""

from __future__ import annotations

from typing import Any

from gateway.loyalty.lottery.models import Spin
from gateway.timestamps import iso_utc_or_none


def spin_out(spin: Spin, card_number: str) -> dict[str, Any]:
    """A lottery spin."""
    return {
        "id": spin.id,
        "status": spin.status,
        "card_number": card_number,
        "program_id": spin.program_id,
        "lottery": spin.lottery["name"],
        "outcome": spin.outcome,
        "created_at": iso_utc_or_none(spin.created_at),
        "played_at": iso_utc_or_none(spin.played_at),
    }
