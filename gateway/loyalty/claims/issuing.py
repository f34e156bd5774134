"""Issuing claim links: a new one-time token for a sale or an insert, and the link it makes.

The sale service issues a sale's claim, so this module knows nothing of sales.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from gateway.customer_links import new_customer_token
from gateway.ids import new_id
from gateway.loyalty.claims.models import Claim

CLAIM_PATH = "/claim/"


def claim_url(public_url: str, token: str) -> str:
    """The customer's link of a claim token under the gateway's public URL."""
    return f"{public_url.rstrip('/')}{CLAIM_PATH}{token}"


def issue_claim(
    session: Session,
    *,
    merchant_id: str,
    program_id: str,
    stamps: int,
    expires_at: datetime,
    sale_id: str | None = None,
    batch_id: str | None = None,
) -> Claim:
    """Add a claim worth ``stamps`` of a sale or of an insert batch (the caller commits)."""
    claim = Claim(
        id=new_id("clm"),
        merchant_id=merchant_id,
        program_id=program_id,
        token=new_customer_token(),
        kind="sale" if sale_id else "insert",
        sale_id=sale_id,
        batch_id=batch_id,
        stamps=stamps,
        expires_at=expires_at,
    )
    session.add(claim)
    return claim
