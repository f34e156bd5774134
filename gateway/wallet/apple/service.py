"""The merchant's Apple Wallet credentials: save (checked, key sealed), read, remove, and open
them to sign a pass."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.config import Settings
from gateway.crypto import SecretUnreadable, secret_box
from gateway.db import commit_unit, utcnow
from gateway.errors import DomainError, not_found
from gateway.ids import new_id
from gateway.wallet.apple import directory
from gateway.wallet.apple.certificates import (
    SigningIdentity,
    check_identity,
    identity_from_pems,
)
from gateway.wallet.apple.models import AppleWalletCredentials
from gateway.wallet.apple.schemas import AppleCredentialsIn

log = logging.getLogger(__name__)
KEY_UNREADABLE = "key sealed with another STAMPGATE_SECRET_KEY: upload the credentials again"


def find_credentials(session: Session, merchant_id: str) -> AppleWalletCredentials | None:
    """The merchant's credentials, or None before they are saved."""
    return session.scalars(
        select(AppleWalletCredentials).where(AppleWalletCredentials.merchant_id == merchant_id)
    ).one_or_none()


def get_credentials(session: Session, merchant_id: str) -> AppleWalletCredentials:
    """The merchant's credentials; ``not_found`` before they are saved."""
    credentials = find_credentials(session, merchant_id)
    if credentials is None:
        raise not_found("Apple Wallet credentials")
    return credentials


def save_credentials(
    session: Session, settings: Settings, merchant_id: str, body: AppleCredentialsIn
) -> AppleWalletCredentials:
    """Check that the key is the certificate's and that it is valid, then store them (the key
    sealed), replacing the merchant's earlier ones."""
    identity = check_identity(
        identity_from_pems(body.certificate_pem, body.key_pem, body.wwdr_pem), utcnow()
    )
    credentials = find_credentials(session, merchant_id)
    if credentials is None:
        credentials = AppleWalletCredentials(id=new_id("awc"), merchant_id=merchant_id)
        session.add(credentials)
    credentials.pass_type_id = body.pass_type_id
    credentials.team_id = body.team_id
    credentials.certificate_pem = body.certificate_pem
    credentials.wwdr_pem = body.wwdr_pem
    credentials.sealed_key = secret_box(settings.secret_key).seal(body.key_pem)
    credentials.subject = identity.subject[:1000]
    credentials.not_after = identity.not_after
    credentials.key_error = None
    credentials.updated_at = utcnow()
    commit_unit(session)
    directory.forget(session)
    return credentials


def remove_credentials(session: Session, merchant_id: str) -> None:
    """Forget the merchant's credentials: passes are no longer offered nor pushed."""
    session.delete(get_credentials(session, merchant_id))
    commit_unit(session)
    directory.forget(session)


def key_unreadable() -> DomainError:
    """The refusal to sign with a key this secret key cannot open."""
    return DomainError(
        "wallet_key_unreadable",
        "The Apple Wallet key was sealed with another STAMPGATE_SECRET_KEY: restore that key, "
        "or upload the credentials again.",
    )


def open_identity(
    credentials: AppleWalletCredentials, settings: Settings
) -> SigningIdentity | None:
    """The signing identity of stored credentials; None when the key cannot be opened."""
    try:
        key_pem = secret_box(settings.secret_key).open(credentials.sealed_key)
    except SecretUnreadable:
        return None
    return identity_from_pems(credentials.certificate_pem, key_pem, credentials.wwdr_pem)


def signing_identity(
    session: Session, settings: Settings, credentials: AppleWalletCredentials
) -> SigningIdentity:
    """The identity to sign a pass with; an unreadable key is recorded on the credentials
    (shown by ``GET /v1/wallet/apple``) and refused: no pass goes out unsigned."""
    identity = open_identity(credentials, settings)
    if identity is not None:
        return identity
    log.warning("apple wallet key unreadable", extra={"merchant_id": credentials.merchant_id})
    if credentials.key_error != KEY_UNREADABLE:
        credentials.key_error = KEY_UNREADABLE
        commit_unit(session)
    raise key_unreadable()
