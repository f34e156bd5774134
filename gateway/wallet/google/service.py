"""A merchant's Google Wallet credentials: put, read, remove; and whether a merchant has any,
answered from a per-process cache so that events of merchants without Wallet cost nothing."""

from __future__ import annotations

import threading

from cachetools import TTLCache
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.config import Settings
from gateway.db import commit_unit, utcnow
from gateway.errors import not_found
from gateway.ids import new_id
from gateway.wallet.google.accounts import (
    ServiceAccount,
    opened_or_refused,
    read_service_account,
    seal_account,
)
from gateway.wallet.google.models import GoogleIssuer
from gateway.wallet.google.schemas import GoogleCredentialsIn

# Other processes learn of new or removed credentials within this many seconds; the process
# that changed them at once.
ENABLED_TTL_SECONDS = 30.0
_enabled: TTLCache[str, bool] = TTLCache(maxsize=10_000, ttl=ENABLED_TTL_SECONDS)
_enabled_lock = threading.Lock()


def put_credentials(
    session: Session, settings: Settings, merchant_id: str, body: GoogleCredentialsIn
) -> GoogleIssuer:
    """Store (or replace) the merchant's issuer id and service account, sealed."""
    account = read_service_account(settings, body.service_account)
    issuer = _issuer_row(session, merchant_id)
    if issuer is None:
        issuer = GoogleIssuer(id=new_id("gwi"), merchant_id=merchant_id)
        session.add(issuer)
    issuer.issuer_id = body.issuer_id
    issuer.client_email = account.client_email
    issuer.key_id = account.key_id
    issuer.service_account = seal_account(settings, account)
    issuer.updated_at = utcnow()
    commit_unit(session)
    _remember(merchant_id, enabled=True)
    return issuer


def get_credentials(session: Session, settings: Settings, merchant_id: str) -> GoogleIssuer:
    """The merchant's credentials; 404 without any, 503 when the key cannot be opened."""
    issuer = _issuer_row(session, merchant_id)
    if issuer is None:
        raise not_found("Google Wallet credentials")
    opened_or_refused(settings, issuer.service_account)
    return issuer


def delete_credentials(session: Session, merchant_id: str) -> None:
    """Forget the merchant's credentials: nothing more goes to Google for them."""
    issuer = _issuer_row(session, merchant_id)
    if issuer is None:
        raise not_found("Google Wallet credentials")
    session.delete(issuer)
    commit_unit(session)
    _remember(merchant_id, enabled=False)


def issuer_of(session: Session, merchant_id: str) -> GoogleIssuer | None:
    """The merchant's issuer row, if it has one."""
    return _issuer_row(session, merchant_id)


def account_of(settings: Settings, issuer: GoogleIssuer) -> ServiceAccount:
    """The issuer's service account, opened (503 ``google_credentials_unreadable`` if not)."""
    return opened_or_refused(settings, issuer.service_account)


def has_google_wallet(session: Session, merchant_id: str) -> bool:
    """Whether the merchant has Google credentials: one indexed lookup per merchant and
    ``ENABLED_TTL_SECONDS`` in this process, none in between."""
    with _enabled_lock:
        known = _enabled.get(merchant_id)
    if known is not None:
        return known
    found = session.scalar(select(GoogleIssuer.id).where(GoogleIssuer.merchant_id == merchant_id))
    _remember(merchant_id, enabled=found is not None)
    return found is not None


def forget_enabled() -> None:
    """Empty the cache (a test that switched databases)."""
    with _enabled_lock:
        _enabled.clear()


def _remember(merchant_id: str, *, enabled: bool) -> None:
    with _enabled_lock:
        _enabled[merchant_id] = enabled


def _issuer_row(session: Session, merchant_id: str) -> GoogleIssuer | None:
    issuer: GoogleIssuer | None = session.scalar(
        select(GoogleIssuer).where(GoogleIssuer.merchant_id == merchant_id)
    )
    return issuer
