"""API key material: generation, hashing and constant-time verification (no I/O)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

KEY_SCHEME = "sgk"
PREFIX_LENGTH = 12
SECRET_BYTES = 32


@dataclass(frozen=True)
class NewKey:
    """A freshly generated key: the plaintext is shown once, the rest is stored."""

    plaintext: str
    prefix: str
    key_hash: str


def hash_key(plaintext: str) -> str:
    """SHA-256 of the whole key; keys are 256-bit random, so a fast hash is enough."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def generate_key() -> NewKey:
    """A new random key ``sgk_<prefix><secret>``."""
    body = secrets.token_urlsafe(SECRET_BYTES).replace("-", "x").replace("_", "y")
    plaintext = f"{KEY_SCHEME}_{body}"
    return NewKey(plaintext=plaintext, prefix=body[:PREFIX_LENGTH], key_hash=hash_key(plaintext))


def prefix_of(plaintext: str) -> str | None:
    """The lookup prefix of a presented key, or None when it is not shaped like one of ours."""
    scheme, _, body = plaintext.partition("_")
    if scheme != KEY_SCHEME or len(body) <= PREFIX_LENGTH or not body.isalnum():
        return None
    return body[:PREFIX_LENGTH]


def key_matches(plaintext: str, stored_hash: str) -> bool:
    """Compare a presented key with a stored hash in constant time."""
    return hmac.compare_digest(hash_key(plaintext), stored_hash)
