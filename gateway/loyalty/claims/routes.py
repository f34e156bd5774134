"""Claim batch routes: delivery inserts, each a one-time claim link worth some stamps."""

from __future__ import annotations

from typing import Any

from flask_openapi3.models.tag import Tag

from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session
from gateway.extensions import extensions
from gateway.loyalty.claims import batches
from gateway.loyalty.claims.presenters import batch_out, insert_out
from gateway.loyalty.claims.schemas import (
    ClaimBatchCreate,
    ClaimBatchOut,
    ClaimBatchPage,
    ClaimBatchPath,
    InsertPage,
    InsertQuery,
)
from gateway.pagination import PageQuery

claim_batches = merchant_blueprint(
    "claim_batches",
    __name__,
    Tag(
        name="Claims",
        description="Delivery inserts: printed one-time claim links that give stamps. "
        "(A sale's own claim link is its claim_url.)",
    ),
)


@claim_batches.post(
    "/claim-batches", responses={201: ClaimBatchOut, **problem_responses("not_found")}
)
def create_claim_batch(body: ClaimBatchCreate) -> tuple[dict[str, Any], int]:
    """Create ``count`` inserts of a program, each claimable once for ``stamps`` until
    ``valid_until``; their links are at ``/v1/claim-batches/{id}/inserts``."""
    summary = batches.create_batch(request_session(), current_merchant_id(), body)
    return batch_out(summary), 201


@claim_batches.get("/claim-batches", responses={200: ClaimBatchPage})
def list_claim_batches(query: PageQuery) -> dict[str, Any]:
    """The merchant's claim batches, newest first."""
    page = batches.list_batches(request_session(), current_merchant_id(), query)
    return {"items": [batch_out(item) for item in page.items], "next_cursor": page.next_cursor}


@claim_batches.get(
    "/claim-batches/<batch_id>",
    responses={200: ClaimBatchOut, **problem_responses("not_found")},
)
def get_claim_batch(path: ClaimBatchPath) -> dict[str, Any]:
    """A claim batch and how many of its inserts were claimed."""
    return batch_out(batches.get_batch(request_session(), current_merchant_id(), path.batch_id))


@claim_batches.get(
    "/claim-batches/<batch_id>/inserts",
    responses={200: InsertPage, **problem_responses("not_found")},
)
def list_claim_batch_inserts(path: ClaimBatchPath, query: InsertQuery) -> dict[str, Any]:
    """The batch's inserts, newest first: each one's claim link and QR code to print."""
    page = batches.list_inserts(request_session(), current_merchant_id(), path.batch_id, query)
    public_url = extensions().settings.public_url
    items = [insert_out(claim, public_url) for claim in page.items]
    return {"items": items, "next_cursor": page.next_cursor}
