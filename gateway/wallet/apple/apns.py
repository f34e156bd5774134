"""An APNs client per merchant: HTTP/2 with the merchant's Pass Type ID certificate as the
TLS client certificate; a pass push is ``POST /3/device/<pushToken>`` with an empty JSON body
and the Pass Type ID as its topic."""

from __future__ import annotations

import json
import logging
import os
import ssl
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gateway.config import Settings
from gateway.wallet.apple.certificates import SigningIdentity, certificate_pem, key_pem

if TYPE_CHECKING:
    import httpx

# httpx (and h2 under it) is imported by the first APNs client, not by every web worker at
# start: it weighs megabytes in each, and only the workers pushing to Apple use it.

TIMEOUT_SECONDS = 10.0
GONE = 410


@dataclass(frozen=True)
class PushOutcome:
    """What APNs answered one push: ``status`` 0 when it could not be reached."""

    status: int
    reason: str | None

    @property
    def retryable(self) -> bool:
        """Worth trying again later: APNs away, busy, or throttling this device."""
        return self.status == 0 or self.status == 429 or self.status >= 500


def _tls_context(settings: Settings, identity: SigningIdentity) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=settings.apns_ca_file)
    # ``load_cert_chain`` reads files only: the PEMs exist on disk (owner-only) for a moment.
    with tempfile.TemporaryDirectory(prefix="stampgate-apns-") as folder:
        chain_path = os.path.join(folder, "chain.pem")
        key_path = os.path.join(folder, "key.pem")
        for path, text in (
            (chain_path, certificate_pem(identity.certificate)),
            (key_path, key_pem(identity.key)),
        ):
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(text)
        context.load_cert_chain(chain_path, key_path)
    return context


def apns_client(settings: Settings, identity: SigningIdentity) -> httpx.Client:
    """An HTTP/2 client that authenticates to APNs with the merchant's certificate."""
    import httpx

    # httpx logs every request line at INFO, and these carry the device's push token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return httpx.Client(
        http2=True,
        verify=_tls_context(settings, identity),
        base_url=settings.apns_url,
        timeout=TIMEOUT_SECONDS,
    )


def _reason(response: httpx.Response) -> str:
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        body = None
    reason = body.get("reason") if isinstance(body, dict) else None
    return str(reason or f"HTTP {response.status_code}")[:200]


def push(client: httpx.Client, pass_type_id: str, push_token: str) -> PushOutcome:
    """Tell one device that a pass changed."""
    import httpx

    try:
        response = client.post(
            f"/3/device/{push_token}", content=b"{}", headers={"apns-topic": pass_type_id}
        )
    except httpx.HTTPError as exc:
        return PushOutcome(0, f"APNs unreachable: {type(exc).__name__}")
    if response.status_code == 200:
        return PushOutcome(200, None)
    return PushOutcome(response.status_code, _reason(response))
