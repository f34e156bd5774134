"""Standard Webhooks signing: secrets, the delivery envelope, and the signature headers.

Pure functions, no I/O. The signature is ``v1,`` + standard base64 of HMAC-SHA256 over
``{id}.{timestamp}.{body}`` keyed with the decoded secret, as ``standardwebhooks`` verifies.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from secrets import token_bytes
from typing import Any

from itsdangerous.signer import HMACAlgorithm

SECRET_PREFIX = "whsec_"  # noqa: S105 (a format marker, not a credential)
SECRET_BYTES = 32
# The Standard Webhooks spec allows keys of 24 to 64 bytes; anything else is not ours.
MIN_KEY_BYTES, MAX_KEY_BYTES = 24, 64
MAX_PAYLOAD_BYTES = 64 * 1024
SIGNATURE_VERSION = "v1"

_HMAC_SHA256 = HMACAlgorithm(hashlib.sha256)


def new_secret() -> str:
    """A fresh signing secret: ``whsec_`` + standard base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(token_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret; ValueError when the secret is malformed."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"a webhook secret starts with {SECRET_PREFIX!r}")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error as exc:
        raise ValueError("a webhook secret is standard base64 after its prefix") from exc
    if not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        raise ValueError(f"a webhook secret holds {MIN_KEY_BYTES} to {MAX_KEY_BYTES} bytes")
    return key


def sign(msg_id: str, timestamp: int, body: bytes, secrets: Sequence[str]) -> str:
    """The ``webhook-signature`` value: one ``v1,<base64>`` per secret (newest first)."""
    if isinstance(secrets, str):  # a lone secret would be signed character by character
        raise TypeError("pass a sequence of secrets, not one string")
    if not secrets:
        raise ValueError("at least one secret is needed to sign")
    message = f"{msg_id}.{timestamp}.".encode() + body
    return " ".join(
        SIGNATURE_VERSION
        + ","
        + base64.b64encode(_HMAC_SHA256.get_signature(secret_key(secret), message)).decode()
        for secret in secrets
    )


def headers(msg_id: str, timestamp: int, body: bytes, secrets: Sequence[str]) -> dict[str, str]:
    """The headers of one delivery attempt (``timestamp`` in Unix seconds)."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(msg_id, timestamp, body, secrets),
        "content-type": "application/json",
    }


def envelope(
    event_id: str, event_type: str, timestamp_iso: str, merchant_id: str, data: dict[str, Any]
) -> bytes:
    """The compact JSON body of a delivery: id, type, timestamp, merchant_id, data."""
    document = {
        "id": event_id,
        "type": event_type,
        "timestamp": timestamp_iso,
        "merchant_id": merchant_id,
        "data": data,
    }
    # ASCII escapes: any string the API accepted (even a lone surrogate) encodes.
    return json.dumps(document, separators=(",", ":")).encode()
