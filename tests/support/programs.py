"""Program bodies used across tests (the product docs' 9-stamp card among them)."""

from __future__ import annotations

import copy
from typing import Any

FREE_COFFEE = {"type": "award", "description": "Any regular coffee"}
FREE_PIZZA = {
    "type": "voucher",
    "description": "Free pizza",
    "redemption": "code",
    "code": {"mode": "shared", "value": "FREEPIZZA9"},
    "validity": {"kind": "days", "count": 30},
}
DESSERT_VOUCHER = {
    "type": "voucher",
    "description": "A dessert",
    "redemption": "staff",
    "validity": {"kind": "months", "count": 1},
}

NINE_STAMP_CARD: dict[str, Any] = {
    "name": "Coffee card",
    "stamps_goal": 9,
    "reward": FREE_PIZZA,
    "milestones": [
        {"stamps": 3, "reward": FREE_COFFEE},
        {"stamps": 6, "reward": DESSERT_VOUCHER},
    ],
    "rules": [{"kind": "per_sale", "stamps": 1}],
    "max_stamps_per_sale": None,
    "stampless_when_redeeming": True,
    "auto_enroll": True,
}


def nine_stamp_card(**changes: Any) -> dict[str, Any]:
    """A copy of the 9-stamp card with the given top-level changes."""
    return {**copy.deepcopy(NINE_STAMP_CARD), **changes}


def lottery(*variants: tuple[str, str]) -> dict[str, Any]:
    """A lottery reward from (kind, probability) pairs; prizes get a small award."""
    return {
        "type": "lottery",
        "name": "Spin to win",
        "variants": [
            {
                "kind": kind,
                "probability": probability,
                "name": f"{kind} slot",
                **({"reward": {**FREE_COFFEE, "type": kind}} if kind == "award" else {}),
                **({"reward": DESSERT_VOUCHER} if kind == "voucher" else {}),
            }
            for kind, probability in variants
        ],
    }
