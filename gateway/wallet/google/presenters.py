"""Google Wallet credentials in the shape the API answers with."""

from __future__ import annotations

from typing import Any

from gateway.wallet.google.models import GoogleIssuer
from gateway.wallet.google.schemas import GoogleCredentialsOut


def credentials_out(issuer: GoogleIssuer) -> dict[str, Any]:
    """The credentials without the private key."""
    out = GoogleCredentialsOut(
        issuer_id=issuer.issuer_id,
        client_email=issuer.client_email,
        key_id=issuer.key_id,
        created_at=issuer.created_at,
        updated_at=issuer.updated_at,
    )
    return out.model_dump(mode="json")
