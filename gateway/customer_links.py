"""Customer links: the unguessable tokens of cards and vouchers, and the pages they open.

A token is 128 random bits (URL-safe base64, 22 characters) drawn for each card and voucher;
it says nothing about the card number, the merchant or any other customer. The public base
URL (``STAMPGATE_PUBLIC_URL``) travels in the database session's ``info`` (see
``gateway.db.build_session_factory``), so presenters can build full links without Flask.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy.orm import Session

from gateway.config import default_public_url
from gateway.db import PUBLIC_URL_INFO

TOKEN_BYTES = 16
TOKEN_LENGTH = 22
CARD_PAGE = "/c/"
VOUCHER_PAGE = "/v/"
_TOKEN_SHAPE = re.compile(rf"[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}")


def new_customer_token() -> str:
    """A fresh random token of 128 bits for a customer link."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def looks_like_token(text: str) -> bool:
    """True when ``text`` has a token's shape (checked before any lookup)."""
    return _TOKEN_SHAPE.fullmatch(text) is not None


def public_base(session: Session) -> str:
    """The public base URL the session was opened for, without a trailing slash."""
    base = session.info.get(PUBLIC_URL_INFO) or default_public_url()
    return str(base).rstrip("/")


def card_url(session: Session, token: str) -> str:
    """The customer's link to their card page."""
    return f"{public_base(session)}{CARD_PAGE}{token}"


def voucher_url(session: Session, token: str) -> str:
    """The customer's link to their voucher page."""
    return f"{public_base(session)}{VOUCHER_PAGE}{token}"
