"""Apple Wallet credential routes: save, read and remove the merchant's Pass Type ID
certificate and key."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3.models.tag import Tag

from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session
from gateway.extensions import extensions
from gateway.wallet.apple import service
from gateway.wallet.apple.presenters import credentials_out
from gateway.wallet.apple.schemas import AppleCredentialsIn, AppleCredentialsOut

apple_wallet = merchant_blueprint(
    "apple_wallet",
    __name__,
    Tag(name="Apple Wallet", description="The merchant's Pass Type ID certificate for passes."),
)
_SAVE = ("wallet_pem_unreadable", "wallet_key_mismatch", "wallet_certificate_expired")


@apple_wallet.put(
    "/wallet/apple", responses={200: AppleCredentialsOut, **problem_responses(*_SAVE)}
)
def save_apple_wallet(body: AppleCredentialsIn) -> dict[str, Any]:
    """Save the Pass Type ID certificate, its key and the WWDR certificate (replacing earlier
    ones): the key must belong to the certificate and the certificate must still be valid."""
    session = request_session()
    credentials = service.save_credentials(
        session, extensions().settings, current_merchant_id(), body
    )
    return credentials_out(credentials)


@apple_wallet.get(
    "/wallet/apple", responses={200: AppleCredentialsOut, **problem_responses("not_found")}
)
def get_apple_wallet() -> dict[str, Any]:
    """The saved credentials without the key: the certificate's subject and expiry
    (``expires_soon`` within 30 days) and ``key_error`` once the key could not be opened."""
    return credentials_out(service.get_credentials(request_session(), current_merchant_id()))


@apple_wallet.delete("/wallet/apple", responses={204: None, **problem_responses("not_found")})
def delete_apple_wallet() -> Response:
    """Remove the credentials: cards and vouchers no longer offer Apple passes."""
    service.remove_credentials(request_session(), current_merchant_id())
    return Response(status=204)
