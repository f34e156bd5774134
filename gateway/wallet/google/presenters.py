"""Google Wallet credentials in the shape the API answers with."""

from __future__ import annotations

from typing import Any

from gateway.wallet.google.models import GoogleIssuer, GoogleJob
from gateway.wallet.google.schemas import GoogleCredentialsOut, GoogleJobOut


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


def job_out(job: GoogleJob) -> dict[str, Any]:
    """A Google Wallet job as the API shows it."""
    notified = None
    if job.kind == "message" and job.status == "done":
        notified = job.notified_at is not None
    out = GoogleJobOut(
        id=job.id,
        kind=job.kind,
        card_id=job.card_id,
        voucher_id=job.voucher_id,
        status=job.status,
        reason=job.reason,
        attempts=job.attempts,
        notified=notified,
        created_at=job.created_at,
        done_at=job.done_at,
    )
    return out.model_dump(mode="json")
