"""A connection's row turned into what connectors work with (credentials opened)."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.base import ConnectionView
from connectors.connections.models import PosConnection
from gateway.config import Settings
from gateway.crypto import SecretUnreadable, secret_box
from gateway.errors import DomainError
from gateway.tenancy.models import Merchant


def seal_credentials(credentials: dict[str, str], settings: Settings) -> str:
    """The stored form of a connection's secrets."""
    return secret_box(settings.secret_key).seal(json.dumps(credentials, sort_keys=True))


def open_credentials(connection: PosConnection, settings: Settings) -> dict[str, str]:
    """A connection's secrets (raises SecretUnreadable when the secret key changed)."""
    opened: dict[str, str] = json.loads(
        secret_box(settings.secret_key).open(connection.credentials)
    )
    return opened


def view_of(
    connection: PosConnection,
    settings: Settings,
    currency: str,
    timezone: str = "UTC",
    country: str | None = None,
) -> ConnectionView:
    """Plain values of a connection, safe to use after its session is gone."""
    return ConnectionView(
        id=connection.id,
        merchant_id=connection.merchant_id,
        program_id=connection.program_id,
        pos=connection.pos,
        account=connection.account,
        currency=currency,
        api_base_url=connection.api_base_url,
        credentials=open_credentials(connection, settings),
        locations=dict(connection.locations or {}),
        codes=dict(connection.codes or {}),
        timezone=timezone,
        country=country,
    )


def load_view(session: Session, connection: PosConnection, settings: Settings) -> ConnectionView:
    """``view_of`` with the merchant's currency, time zone and country looked up."""
    merchant = session.execute(
        select(Merchant.currency, Merchant.timezone, Merchant.country).where(
            Merchant.id == connection.merchant_id
        )
    ).one()
    return view_of(connection, settings, merchant.currency, merchant.timezone, merchant.country)


def credentials_unreadable() -> DomainError:
    """The refusal of a connection whose secrets were sealed under another secret key."""
    return DomainError(
        "credentials_unreadable",
        "The connection's credentials were sealed with another STAMPGATE_SECRET_KEY: restore "
        "that key, or enter the POS credentials again.",
    )


def readable_view(
    session: Session, connection: PosConnection, settings: Settings
) -> ConnectionView:
    """``load_view`` for a request: unreadable credentials answer 503, not a server error."""
    try:
        return load_view(session, connection, settings)
    except SecretUnreadable:
        raise credentials_unreadable() from None
