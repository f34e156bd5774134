"""The service-account JSON a merchant pastes: its shape checked, its key read, nothing kept
in the clear but the issuer id, the account's e-mail and its key id."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from gateway.config import Settings
from gateway.crypto import SecretUnreadable, secret_box
from gateway.egress.guard import allowed_url
from gateway.errors import DomainError

REQUIRED_FIELDS = ("type", "private_key_id", "private_key", "client_email", "token_uri")


@dataclass(frozen=True)
class ServiceAccount:
    """What acting for an issuer needs: who signs, with which key, where tokens come from."""

    client_email: str
    key_id: str
    private_key: str
    token_uri: str

    def info(self) -> dict[str, str]:
        """The account as a service-account JSON (the fields that signing uses)."""
        return {
            "type": "service_account",
            "client_email": self.client_email,
            "private_key_id": self.key_id,
            "private_key": self.private_key,
            "token_uri": self.token_uri,
        }


def read_service_account(settings: Settings, info: dict[str, Any]) -> ServiceAccount:
    """The account of a pasted JSON key file; refuses a wrong shape or an unreadable key."""
    missing = [name for name in REQUIRED_FIELDS if not isinstance(info.get(name), str)]
    if missing or info["type"] != "service_account" or "@" not in info["client_email"]:
        named = ", ".join(missing) or "type service_account, client_email"
        raise DomainError(
            "google_service_account_invalid",
            f"service_account is not a Google service-account JSON key file (check: {named}).",
        )
    _check_key(info["private_key"])
    token_uri = allowed_url(
        settings, info["token_uri"], "The service account's token_uri is not allowed"
    )
    return ServiceAccount(
        client_email=info["client_email"][:254],
        key_id=info["private_key_id"][:64],
        private_key=info["private_key"],
        token_uri=token_uri,
    )


def _check_key(pem: str) -> None:
    # Imported when an account is pasted, not by every web worker at start (megabytes in each).
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, RSAPrivateKey):
        raise DomainError(
            "google_key_unreadable",
            "The service account's private_key is not an RSA private key in PEM form: paste "
            "the JSON key file exactly as Google Cloud downloaded it.",
        )


def seal_account(settings: Settings, account: ServiceAccount) -> str:
    """The stored form of an account."""
    return secret_box(settings.secret_key).seal(json.dumps(account.info(), sort_keys=True))


def open_account(settings: Settings, sealed: str) -> ServiceAccount:
    """A stored account (raises SecretUnreadable when the secret key changed)."""
    return open_sealed(settings.secret_key, sealed)


def open_sealed(secret_key: str, sealed: str) -> ServiceAccount:
    """``open_account`` with the secret key itself."""
    info = json.loads(secret_box(secret_key).open(sealed))
    return ServiceAccount(
        client_email=info["client_email"],
        key_id=info["private_key_id"],
        private_key=info["private_key"],
        token_uri=info["token_uri"],
    )


def credentials_unreadable() -> DomainError:
    """The refusal of credentials sealed under another secret key."""
    return DomainError(
        "google_credentials_unreadable",
        "The Google service account was sealed with another STAMPGATE_SECRET_KEY: restore "
        "that key, or put the service-account JSON again.",
    )


def opened_or_refused(settings: Settings, sealed: str) -> ServiceAccount:
    """``open_account`` for a request: unreadable credentials answer 503."""
    try:
        return open_account(settings, sealed)
    except SecretUnreadable:
        raise credentials_unreadable() from None
