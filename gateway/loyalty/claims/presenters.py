"""Claim links as the API shows them: a sale's ``claim_url``, a batch and its inserts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.loyalty.claims.batches import BatchSummary
from gateway.loyalty.claims.issuing import claim_url
from gateway.loyalty.claims.models import Claim
from gateway.loyalty.claims.schemas import ClaimBatchOut, InsertOut


def open_claim_tokens(session: Session, sale_ids: Sequence[str]) -> dict[str, str]:
    """The token of each of these sales whose claim link has not been used yet."""
    if not sale_ids:
        return {}
    rows = session.execute(
        select(Claim.sale_id, Claim.token).where(
            Claim.sale_id.in_(sale_ids), Claim.claimed_at.is_(None)
        )
    ).tuples()
    return {sale_id: token for sale_id, token in rows if sale_id is not None}


def with_claim_urls(
    session: Session, results: Sequence[dict[str, Any]], public_url: str
) -> list[dict[str, Any]]:
    """Sale results with their ``claim_url``: the link while it is unused, else null.

    Only a sale stored unattributed is given a claim link: the others need no query."""
    unattributed = [r["id"] for r in results if r.get("status", "unattributed") == "unattributed"]
    tokens = open_claim_tokens(session, unattributed)
    return [
        {**result, "claim_url": claim_url(public_url, tokens[result["id"]])}
        if result["id"] in tokens
        else {**result, "claim_url": None}
        for result in results
    ]


def with_claim_url(session: Session, result: dict[str, Any], public_url: str) -> dict[str, Any]:
    """One sale result with its ``claim_url``."""
    return with_claim_urls(session, [result], public_url)[0]


def batch_out(summary: BatchSummary) -> dict[str, Any]:
    """A batch as the API answers it."""
    batch = summary.batch
    return ClaimBatchOut(
        id=batch.id,
        program_id=batch.program_id,
        count=batch.count,
        stamps=batch.stamps,
        valid_until=batch.valid_until,
        claimed=summary.claimed,
        created_at=batch.created_at,
    ).model_dump(mode="json")


def insert_out(claim: Claim, public_url: str) -> dict[str, Any]:
    """An insert as the API answers it: its link and its QR code's address."""
    url = claim_url(public_url, claim.token)
    return InsertOut(
        id=claim.id, claim_url=url, qr_png_url=f"{url}/qr.png", claimed_at=claim.claimed_at
    ).model_dump(mode="json")
