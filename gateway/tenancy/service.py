"""Merchant provisioning and API key lifecycle (the only place these tables change)."""

from __future__ import annotations

from collections.abc import Callable
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
from gateway.tenancy.key_cache import LiveKey, live_keys
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
        live_keys.forget(key.prefix)
    return key


def authenticate(session: Session, presented: str) -> ApiKey | None:
    """The live key matching a presented plaintext, or None."""
    prefix = prefix_of(presented)
    if prefix is None:
        return None
    key = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).first()
    if key is None or key.revoked_at is not None or not key_matches(presented, key.key_hash):
        return None
    return key


def authenticate_recent(session: Callable[[], Session], presented: str) -> LiveKey | None:
    """:func:`authenticate` through this process's cache of keys found live in the last
    second (``gateway.tenancy.key_cache``); ``session`` is called only on a cache miss."""
    prefix = prefix_of(presented)
    if prefix is None:
        return None
    live = live_keys.get(prefix)
    if live is None:
        key = authenticate(session(), presented)
        if key is None:
            return None
        live = LiveKey(id=key.id, merchant_id=key.merchant_id, key_hash=key.key_hash)
        live_keys.put(prefix, live)
    return live if key_matches(presented, live.key_hash) else None
