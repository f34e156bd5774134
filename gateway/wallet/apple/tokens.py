"""The ``authenticationToken`` of a pass: an HMAC of its serial under a key derived from
``STAMPGATE_SECRET_KEY``, so it never changes, needs no storage and says nothing."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac

TOKEN_BYTES = 24  # 32 characters of URL-safe base64, over the 16 Wallet asks for


@functools.lru_cache(maxsize=8)
def _token_key(secret_key: str) -> bytes:
    # Imported with the first token, not by every web worker at start (megabytes in each).
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"stampgate apple pass tokens v1"
    ).derive(secret_key.encode())


def pass_token(secret_key: str, serial: str) -> str:
    """The authentication token of the pass with this serial."""
    digest = hmac.new(_token_key(secret_key), serial.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).decode()


def token_matches(secret_key: str, serial: str, presented: str) -> bool:
    """True when ``presented`` is the pass's token (compared in constant time)."""
    return hmac.compare_digest(pass_token(secret_key, serial).encode(), presented.encode())
