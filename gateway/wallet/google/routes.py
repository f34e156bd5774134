"""Google Wallet credential routes: put, read (without the private key), remove."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3.models.tag import Tag

from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session
from gateway.extensions import extensions
from gateway.wallet.google import service
from gateway.wallet.google.presenters import credentials_out, job_out
from gateway.wallet.google.schemas import (
    GoogleCredentialsIn,
    GoogleCredentialsOut,
    GoogleJobPage,
    GoogleJobQuery,
)

google_wallet = merchant_blueprint(
    "google_wallet",
    __name__,
    Tag(name="Google Wallet", description="The issuer account that puts cards in Google Wallet."),
)
_PUT = ("google_service_account_invalid", "google_key_unreadable", "url_not_allowed")


@google_wallet.put(
    "/wallet/google", responses={200: GoogleCredentialsOut, **problem_responses(*_PUT)}
)
def put_google_wallet(body: GoogleCredentialsIn) -> dict[str, Any]:
    """Set the issuer id and service account (sealed at rest): from now on cards and vouchers
    get Google Wallet objects and Save to Google Wallet links."""
    ext = extensions()
    issuer = service.put_credentials(request_session(), ext.settings, current_merchant_id(), body)
    return credentials_out(issuer)


@google_wallet.get(
    "/wallet/google",
    responses={
        200: GoogleCredentialsOut,
        **problem_responses("not_found", "google_credentials_unreadable"),
    },
)
def get_google_wallet() -> dict[str, Any]:
    """The issuer id, the service account's e-mail and key id; never the private key."""
    ext = extensions()
    return credentials_out(
        service.get_credentials(request_session(), ext.settings, current_merchant_id())
    )


@google_wallet.delete("/wallet/google", responses={204: None, **problem_responses("not_found")})
def delete_google_wallet() -> Response:
    """Remove the credentials: nothing more goes to Google Wallet for this merchant."""
    service.delete_credentials(request_session(), current_merchant_id())
    return Response(status=204)


@google_wallet.get("/wallet/google/jobs", responses={200: GoogleJobPage, **problem_responses()})
def list_google_wallet_jobs(query: GoogleJobQuery) -> dict[str, Any]:
    """Updates of Google Wallet, newest first, with how each went (``status=failed``: those
    given up, and Google's reason)."""
    page = service.list_jobs(request_session(), current_merchant_id(), query)
    return {"items": [job_out(job) for job in page.items], "next_cursor": page.next_cursor}
