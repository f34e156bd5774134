"""Merchant provisioning and API key lifecycle (the only place these tables change)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import commit_unit, utcnow
from gateway.errors import not_found
from gateway.ids import new_id
from gateway.ownership import owned_by
from gateway.pagination import Page, PageQuery, fetch_page
from gateway.tenancy.countries import country_of_timezone
from gateway.tenancy.keys import generate_key, key_matches, prefix_of
from gateway.tenancy.models import ApiKey, Merchant


@dataclass(frozen=True)
class IssuedKey:
    """A stored key and its plaintext, which exists only in this response."""

    key: ApiKey
    plaintext: str


def _issue_key(session: Session, merchant_id: str, label: str | None) -> IssuedKey:
    material = generate_key()
    key = ApiKey(
        id=new_id("key"),
        merchant_id=merchant_id,
        prefix=material.prefix,
        key_hash=material.key_hash,
        label=label,
    )
    session.add(key)
    return IssuedKey(key=key, plaintext=material.plaintext)


def create_merchant(
    session: Session, *, name: str, currency: str, timezone: str, country: str | None = None
) -> tuple[Merchant, IssuedKey]:
    """Create a merchant and its first API key, in one transaction.

    ``country`` defaults to the time zone's (``Europe/Kyiv``: ``UA``), when one country has it.
    """
    merchant = Merchant(
        id=new_id("mer"),
        name=name,
        currency=currency,
        timezone=timezone,
        country=country or country_of_timezone(timezone),
    )
    session.add(merchant)
    session.flush()
    issued = _issue_key(session, merchant.id, label="initial")
    commit_unit(session)
    return merchant, issued


def get_merchant(session: Session, merchant_id: str) -> Merchant:
    """A merchant by id, or 404."""
    merchant = session.get(Merchant, merchant_id)
    if merchant is None:
        raise not_found("merchant")
    return merchant


def update_merchant(session: Session, merchant_id: str, changes: dict[str, Any]) -> Merchant:
    """Change the merchant's editable fields (name, time zone, country) given in ``changes``;
    a name or time zone given as null keeps the current one."""
    merchant = get_merchant(session, merchant_id)
    if "country" in changes:
        merchant.country = changes["country"]
    for name in ("name", "timezone"):
        if changes.get(name) is not None:
            setattr(merchant, name, changes[name])
    commit_unit(session)
    return merchant


def create_api_key(session: Session, merchant_id: str, label: str | None = None) -> IssuedKey:
    """Issue another key for a merchant."""
    get_merchant(session, merchant_id)
    issued = _issue_key(session, merchant_id, label)
    commit_unit(session)
    return issued


def list_api_keys(session: Session, merchant_id: str, query: PageQuery) -> Page[ApiKey]:
    """The merchant's keys, newest first, revoked ones included."""
    statement = select(ApiKey).where(ApiKey.merchant_id == merchant_id)
    return fetch_page(session, statement, ApiKey.id, ApiKey.created_at, query)


def revoke_api_key(session: Session, merchant_id: str, key_id: str) -> ApiKey:
    """Revoke a key of this merchant; revoking twice is a no-op. Another merchant's key is 404."""
    key = owned_by(session, ApiKey, key_id, merchant_id, "API key")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        commit_unit(session)
    return key


def authenticate(session: Session, presented: str) -> ApiKey | None:
    """The live key matching a presented plaintext, or None."""
    prefix = prefix_of(presented)
    if prefix is None:
        return None
    # The merchant comes along so the request's later reads of it hit the identity map.
    statement = select(ApiKey, Merchant).join(Merchant, Merchant.id == ApiKey.merchant_id)
    row = session.execute(statement.where(ApiKey.prefix == prefix)).first()
    key: ApiKey | None = row[0] if row is not None else None
    if key is None or key.revoked_at is not None or not key_matches(presented, key.key_hash):
        return None
    return key
