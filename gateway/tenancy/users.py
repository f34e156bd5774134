"""Merchant users: accounts, passwords, roles and the signed set-password links."""

from __future__ import annotations

import hashlib
from typing import Literal, get_args

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.db import commit_unit, utcnow
from gateway.emails import normalize_email
from gateway.errors import DomainError, not_found
from gateway.ids import new_id
from gateway.tenancy.links import sign_pair, signed_pair
from gateway.tenancy.models import User
from gateway.tenancy.passwords import (
    check_password_rules,
    hash_password,
    needs_rehash,
    password_matches,
)
from gateway.tenancy.service import get_merchant

Role = Literal["owner", "manager", "staff"]
ROLES: tuple[str, ...] = get_args(Role)
LINK_SALT = "stampgate.set-password"
LINK_SECONDS = 24 * 3600
# The console page that takes the token (gateway/web/console/routes.py serves it).
SET_PASSWORD_PATH = "/console/set-password/"  # noqa: S105 - a path, not a password


def create_user(
    session: Session, merchant_id: str, email: str, role: str, password: str | None = None
) -> User:
    """A new user of the merchant; without a password it waits for its set-password link."""
    get_merchant(session, merchant_id)
    if role not in ROLES:
        raise DomainError("validation_error", f"role: one of {', '.join(ROLES)}.")
    user = User(id=new_id("usr"), merchant_id=merchant_id, email=_email(email), role=role)
    if password is not None:
        _store_password(user, password)
    session.add(user)
    try:
        commit_unit(session)
    except IntegrityError:
        raise DomainError("conflict", "email: an account with this address exists.") from None
    return user


def _email(raw: str) -> str:
    try:
        return normalize_email(raw)
    except ValueError as exc:
        raise DomainError("validation_error", f"email: {exc}.") from None


def _store_password(user: User, password: str) -> None:
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.password_set_at = utcnow()


def authenticate_user(session: Session, email: str, password: str) -> User | None:
    """The user these credentials name, or None (as slow for an unknown address)."""
    try:
        address = normalize_email(email)
    except ValueError:
        address = ""
    user = session.scalars(select(User).where(User.email == address)).first() if address else None
    if not password_matches(user.password_hash if user else None, password) or user is None:
        return None
    assert user.password_hash is not None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    commit_unit(session)
    return user


def get_user(session: Session, user_id: str) -> User | None:
    """A user by id (None when removed)."""
    return session.get(User, user_id)


def list_users(session: Session, merchant_id: str) -> list[User]:
    """The merchant's users, oldest first."""
    return list(
        session.scalars(select(User).where(User.merchant_id == merchant_id).order_by(User.id))
    )


def remove_user(session: Session, merchant_id: str, user_id: str, by_user_id: str) -> None:
    """Remove a user of the merchant (never the one asking: an owner keeps a way in)."""
    user = session.get(User, user_id)
    if user is None or user.merchant_id != merchant_id:
        raise not_found("user")
    if user.id == by_user_id:
        raise DomainError("validation_error", "user: you cannot remove your own account.")
    session.delete(user)
    commit_unit(session)


def session_fingerprint(user: User) -> str:
    """Changes whenever the password does: sessions and links carrying an old one end."""
    material = f"{user.id}:{user.password_hash or ''}".encode()
    return hashlib.sha256(material).hexdigest()[:16]


def set_password_token(secret_key: str, user: User) -> str:
    """A signed token for the user's set-password link (24 h, used once)."""
    return sign_pair(secret_key, LINK_SALT, user.id, session_fingerprint(user))


def set_password_url(public_url: str, secret_key: str, user: User) -> str:
    """The link a user sets their password with (valid 24 hours, once)."""
    return f"{public_url.rstrip('/')}{SET_PASSWORD_PATH}{set_password_token(secret_key, user)}"


def user_for_token(session: Session, secret_key: str, token: str) -> User:
    """The user a set-password token names, if it is still valid."""
    user_id, fingerprint = signed_pair(secret_key, LINK_SALT, token, LINK_SECONDS)
    user = session.get(User, user_id)
    if user is None or session_fingerprint(user) != fingerprint:
        raise DomainError("not_found", "This link has been used or is no longer valid.")
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Give the user a new password (ends their other sessions and open links)."""
    _store_password(user, password)
    commit_unit(session)
