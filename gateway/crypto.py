"""Secrets at rest: sealed with a key derived from ``STAMPGATE_SECRET_KEY`` (Fernet)."""

from __future__ import annotations

import base64
import functools


class SecretUnreadable(Exception):  # noqa: N818 - a state, not an error class name
    """A sealed value that this key cannot open (the secret key changed, or the row was altered)."""


class SecretBox:
    """Seals and opens short secrets (webhook signing secrets, POS credentials)."""

    def __init__(self, secret_key: str) -> None:
        # Imported with the first box, not by every web worker at start: the library weighs
        # megabytes, and a worker that neither signs webhooks nor reads POS secrets needs none.
        from cryptography.fernet import Fernet
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"stampgate secrets at rest v1"
        ).derive(secret_key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, plaintext: str) -> str:
        """The sealed form to store."""
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, sealed: str) -> str:
        """The plaintext of a sealed value."""
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as exc:
            raise SecretUnreadable("sealed with another STAMPGATE_SECRET_KEY, or altered") from exc


@functools.lru_cache(maxsize=8)
def secret_box(secret_key: str) -> SecretBox:
    """The box of a secret key (key derivation done once per key)."""
    return SecretBox(secret_key)
