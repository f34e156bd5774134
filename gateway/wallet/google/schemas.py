"""Bodies of the Google Wallet credential routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from gateway.examples import example
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
