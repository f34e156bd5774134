"""Bodies of the Google Wallet credential routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from gateway.enums import Meanings
from gateway.examples import example, page_example
from gateway.pagination import PageQuery
from gateway.strict import StrictModel

IssuerId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{1,32}$")]
SERVICE_ACCOUNT_EXAMPLE = {
    "type": "service_account",
    "project_id": "cafe-aroma-wallet",
    "private_key_id": "8d3c0a6f1f0e4e7b9c2a5d4e3f2a1b0c9d8e7f6a",
    "private_key": "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n",
    "client_email": "wallet@cafe-aroma-wallet.iam.gserviceaccount.com",
    "client_id": "112233445566778899001",
    "token_uri": "https://oauth2.googleapis.com/token",
}
CREDENTIALS_OUT_EXAMPLE = {
    "issuer_id": "3388000000022222228",
    "client_email": "wallet@cafe-aroma-wallet.iam.gserviceaccount.com",
    "key_id": "8d3c0a6f1f0e4e7b9c2a5d4e3f2a1b0c9d8e7f6a",
    "created_at": "2026-11-22T10:00:00Z",
    "updated_at": "2026-11-22T10:00:00Z",
}


class GoogleCredentialsIn(StrictModel):
    """``PUT /v1/wallet/google``: the issuer account and the service account that acts for it."""

    model_config = example(
        {"issuer_id": "3388000000022222228", "service_account": SERVICE_ACCOUNT_EXAMPLE}
    )

    issuer_id: IssuerId = Field(
        description="The issuer id shown in the Google Pay & Wallet Console"
    )
    service_account: dict[str, Any] = Field(
        description="The service account's JSON key file as Google Cloud downloads it",
        max_length=20,
    )


class GoogleCredentialsOut(BaseModel):
    """The merchant's Google Wallet credentials, without the private key."""

    model_config = example(CREDENTIALS_OUT_EXAMPLE)

    issuer_id: str
    client_email: str
    key_id: str = Field(description="The id of the service account's key (`private_key_id`)")
    created_at: datetime
    updated_at: datetime


JobStatus = Annotated[
    Literal["pending", "done", "failed"],
    Meanings(
        {
            "pending": "waits for a worker, or for its retry (``reason`` says what failed)",
            "done": "Google has the change (or the message)",
            "failed": "given up: ``reason`` says why (Google's status and message)",
        },
        "How a call to Google Wallet went.",
    ),
]
JobKind = Annotated[
    Literal["card", "voucher", "message"],
    Meanings(
        {
            "card": "the card's loyalty object (and its program's class)",
            "voucher": "the voucher's offer class and object",
            "message": "a Wallet campaign message added to the card's object",
        },
        "What the job brings to Google Wallet.",
    ),
]


class GoogleJobOut(BaseModel):
    """One update of Google Wallet: what, for which card or voucher, and how it went."""

    model_config = example(
        {
            "id": "gwj_01m8s0dp10fzd7v9vyqmcwdev8",
            "kind": "card",
            "card_id": "crd_01m8s0dnzq4w7c4m1c8y2r9f3a",
            "voucher_id": None,
            "status": "failed",
            "reason": "Google Wallet HTTP 400 INVALID_ARGUMENT: Invalid loyaltyPoints.label.",
            "attempts": 1,
            "notified": None,
            "created_at": "2026-11-22T10:00:00Z",
            "done_at": None,
        }
    )

    id: str
    kind: JobKind
    card_id: str | None
    voucher_id: str | None
    status: JobStatus
    reason: str | None
    attempts: int
    notified: bool | None = Field(
        description="For a message: whether Google was asked to notify the customer (null "
        "for other jobs and for messages not sent yet)"
    )
    created_at: datetime
    done_at: datetime | None


class GoogleJobPage(BaseModel):
    """A page of Google Wallet jobs."""

    model_config = page_example(GoogleJobOut)

    items: list[GoogleJobOut]
    next_cursor: str | None


class GoogleJobQuery(PageQuery):
    """The merchant's Google Wallet jobs, newest first; ``created_*`` is when each was queued."""

    status: JobStatus | None = None
