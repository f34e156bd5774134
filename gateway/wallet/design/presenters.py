"""A Wallet design as answers show it (images by name, never their bytes)."""

from __future__ import annotations

from typing import Any

from gateway.timestamps import iso_utc
from gateway.wallet.design.images import RULES
from gateway.wallet.design.models import WalletDesign
from gateway.wallet.design.service import TEXT_FIELDS


def design_out(design: WalletDesign) -> dict[str, Any]:
    """The design's colours and labels, and which images it has."""
    return {
        "program_id": design.program_id,
        **{field: getattr(design, field) for field in TEXT_FIELDS},
        "images": [field.removesuffix("_png") for field in RULES if getattr(design, field)],
        "updated_at": iso_utc(design.updated_at),
    }
