"""Request and response bodies of the claim batch routes (delivery inserts)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field

from gateway.db import utcnow
from gateway.examples import example, example_of, page_example
from gateway.pagination import PageQuery
from gateway.strict import StrictModel

MAX_INSERTS = 1000
MAX_INSERT_STAMPS = 100


def _in_the_future(value: datetime) -> datetime:
    if value <= utcnow():
        raise ValueError("valid_until must be in the future")
    return value


class ClaimBatchCreate(StrictModel):
    """``POST /v1/claim-batches``: ``count`` inserts, each claimable once for ``stamps``."""

    model_config = example(
        {
            "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
            "count": 200,
            "stamps": 1,
            "valid_until": "2027-03-31T21:59:59Z",
        }
    )

    program_id: str = Field(max_length=64)
    count: int = Field(ge=1, le=MAX_INSERTS, description=f"Inserts to print, 1 to {MAX_INSERTS}")
    stamps: int = Field(ge=1, le=MAX_INSERT_STAMPS, description="Stamps each insert gives")
    valid_until: Annotated[AwareDatetime, AfterValidator(_in_the_future)] = Field(
        description="RFC 3339 with an offset; the inserts can be claimed until then"
    )


class ClaimBatchOut(BaseModel):
    """A batch of delivery inserts and how many were claimed."""

    model_config = example(
        {
            "id": "clb_01m8s0dp7g0j2m4p6r8t0w2y4a",
            "program_id": "prg_01m8s0dnz989va9jv410bcyyg5",
            "count": 200,
            "stamps": 1,
            "valid_until": "2027-03-31T21:59:59Z",
            "claimed": 12,
            "created_at": "2026-12-01T10:00:00Z",
        }
    )

    id: str
    program_id: str
    count: int
    stamps: int
    valid_until: datetime
    claimed: int = Field(description="Inserts claimed so far")
    created_at: datetime


class ClaimBatchPage(BaseModel):
    """A page of claim batches, newest first."""

    model_config = page_example(ClaimBatchOut)

    items: list[ClaimBatchOut]
    next_cursor: str | None


class InsertOut(BaseModel):
    """One insert of a batch: its one-time claim link (print it, or its QR code)."""

    model_config = example(
        {
            "id": "clm_01m8s0dp6f9h1k3m5p7r9t1w3y",
            "claim_url": "https://loyalty.example.com/claim/3q2-7wEr1mYk0aZb9XcVdQ",
            "qr_png_url": "https://loyalty.example.com/claim/3q2-7wEr1mYk0aZb9XcVdQ/qr.png",
            "claimed_at": None,
        }
    )

    id: str
    claim_url: str
    qr_png_url: str
    claimed_at: datetime | None


class InsertPage(BaseModel):
    """A page of a batch's inserts, newest first."""

    model_config = example({"items": [example_of(InsertOut)], "next_cursor": None})

    items: list[InsertOut]
    next_cursor: str | None


class ClaimBatchPath(BaseModel):
    """Path of one claim batch."""

    batch_id: str = Field(max_length=64)


class InsertQuery(PageQuery):
    """A page of a batch's inserts."""
