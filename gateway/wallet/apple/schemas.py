"""Apple Wallet bodies: the merchant's credentials as sent, and as answers show them (without
the private key)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from gateway.examples import example
from gateway.strict import StrictModel

PEM_MAX = 20_000
Pem = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=PEM_MAX)]
PassTypeId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^pass\.[A-Za-z0-9.-]{1,200}$"),
]
TeamId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Z0-9]{10}$")]
_PEM_EXAMPLE = "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----"


class AppleCredentialsIn(StrictModel):
    """The Pass Type ID certificate, its private key (unencrypted PEM) and Apple's WWDR
    intermediate certificate; the key is sealed at rest and never shown again."""

    model_config = StrictModel.model_config | example(
        {
            "pass_type_id": "pass.com.example.cafe",
            "team_id": "A1B2C3D4E5",
            "certificate_pem": _PEM_EXAMPLE,
            "key_pem": "-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----",
            "wwdr_pem": _PEM_EXAMPLE,
        }
    )

    pass_type_id: PassTypeId
    team_id: TeamId
    certificate_pem: Pem
    key_pem: Pem
    wwdr_pem: Pem


class AppleCredentialsOut(BaseModel):
    """The merchant's Apple Wallet credentials, without the private key."""

    model_config = example(
        {
            "pass_type_id": "pass.com.example.cafe",
            "team_id": "A1B2C3D4E5",
            "certificate_subject": "CN=Pass Type ID: pass.com.example.cafe,O=Cafe",
            "not_after": "2027-11-30T12:00:00Z",
            "expires_soon": False,
            "key_error": None,
            "updated_at": "2026-12-01T12:00:00Z",
        }
    )

    pass_type_id: str
    team_id: str
    certificate_subject: str
    not_after: datetime
    expires_soon: bool
    key_error: str | None
    updated_at: datetime
