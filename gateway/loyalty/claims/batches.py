"""Delivery inserts: a batch of one-time claim links, each worth the same stamps."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.db import commit_unit_of_work
from gateway.ids import new_id
from gateway.loyalty.claims.issuing import issue_claim
from gateway.loyalty.claims.models import Claim, ClaimBatch
from gateway.loyalty.claims.schemas import ClaimBatchCreate
from gateway.loyalty.programs.service import get_program
from gateway.ownership import owned_by
from gateway.pagination import Page, PageQuery, fetch_page


@dataclass(frozen=True)
class BatchSummary:
    """A batch and how many of its inserts were claimed."""

    batch: ClaimBatch
    claimed: int


def create_batch(session: Session, merchant_id: str, body: ClaimBatchCreate) -> BatchSummary:
    """A new batch of ``count`` inserts of a program of the merchant (``not_found`` otherwise)."""

    def create() -> BatchSummary:
        program = get_program(session, merchant_id, body.program_id)
        batch = ClaimBatch(
            id=new_id("clb"),
            merchant_id=merchant_id,
            program_id=program.id,
            count=body.count,
            stamps=body.stamps,
            valid_until=body.valid_until,
        )
        session.add(batch)
        session.flush()  # the batch row first: its inserts refer to it
        for _ in range(body.count):
            issue_claim(
                session,
                merchant_id=merchant_id,
                program_id=program.id,
                stamps=body.stamps,
                expires_at=body.valid_until,
                batch_id=batch.id,
            )
        return BatchSummary(batch, 0)

    # A token drawn twice (never, in practice) loses on the unique key and the batch is redrawn.
    return commit_unit_of_work(session, create)


def get_batch(session: Session, merchant_id: str, batch_id: str) -> BatchSummary:
    """One of the merchant's batches with its claimed count, or 404."""
    batch = owned_by(session, ClaimBatch, batch_id, merchant_id, "claim batch")
    return BatchSummary(batch, _claimed_counts(session, [batch.id]).get(batch.id, 0))


def list_batches(session: Session, merchant_id: str, query: PageQuery) -> Page[BatchSummary]:
    """The merchant's batches, newest first."""
    statement = select(ClaimBatch).where(ClaimBatch.merchant_id == merchant_id)
    page = fetch_page(session, statement, ClaimBatch.id, ClaimBatch.created_at, query)
    counts = _claimed_counts(session, [batch.id for batch in page.items])
    summaries = [BatchSummary(batch, counts.get(batch.id, 0)) for batch in page.items]
    return Page(summaries, page.next_cursor)


def list_inserts(
    session: Session, merchant_id: str, batch_id: str, query: PageQuery
) -> Page[Claim]:
    """A page of a batch's inserts, newest first."""
    batch = owned_by(session, ClaimBatch, batch_id, merchant_id, "claim batch")
    statement = select(Claim).where(Claim.batch_id == batch.id)
    return fetch_page(session, statement, Claim.id, Claim.created_at, query)


def all_inserts(session: Session, merchant_id: str, batch_id: str) -> list[Claim]:
    """Every insert of a batch (at most a print run), oldest first: the printed sheet."""
    batch = owned_by(session, ClaimBatch, batch_id, merchant_id, "claim batch")
    statement = select(Claim).where(Claim.batch_id == batch.id).order_by(Claim.id)
    return list(session.scalars(statement))


def _claimed_counts(session: Session, batch_ids: list[str]) -> dict[str, int]:
    if not batch_ids:
        return {}
    rows = session.execute(
        select(Claim.batch_id, func.count())
        .where(Claim.batch_id.in_(batch_ids), Claim.claimed_at.is_not(None))
        .group_by(Claim.batch_id)
    ).tuples()
    return {batch_id: count for batch_id, count in rows if batch_id is not None}
