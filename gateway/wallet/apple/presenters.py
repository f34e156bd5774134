"""Apple Wallet credentials as answers show them: never the key."""

from __future__ import annotations

from typing import Any

from gateway.db import utcnow
from gateway.timestamps import iso_utc
from gateway.wallet.apple.certificates import expires_soon
from gateway.wallet.apple.models import AppleWalletCredentials


def credentials_out(credentials: AppleWalletCredentials) -> dict[str, Any]:
    """The public part of the credentials, with the certificate's expiry."""
    return {
        "pass_type_id": credentials.pass_type_id,
        "team_id": credentials.team_id,
        "certificate_subject": credentials.subject,
        "not_after": iso_utc(credentials.not_after),
        "expires_soon": expires_soon(credentials.not_after, utcnow()),
        "key_error": credentials.key_error,
        "updated_at": iso_utc(credentials.updated_at),
    }
