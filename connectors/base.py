"""What every POS connector offers the shared inbox, API and processing code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

import requests
from sqlalchemy.orm import Session, sessionmaker

from gateway.config import Settings


@dataclass(frozen=True)
class Outcome:
    """How one inbound event ended: it changed loyalty state, or there was nothing to do."""

    status: Literal["processed", "ignored"]
    result: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ConnectionView:
    """A connection as a connector sees it: plain values, credentials opened."""

    id: str
    merchant_id: str
    program_id: str
    pos: str
    account: str
    currency: str
    api_base_url: str | None
    credentials: dict[str, str]
    locations: dict[str, str]
    codes: dict[str, str]
    timezone: str = "UTC"  # the merchant's, for POS times that carry no zone of their own
    country: str | None = None  # the merchant's, for phones in national form


@dataclass(frozen=True)
class Promotion:
    """A POS promotion, discount or coupon series a redeem code can be mapped to."""

    id: str
    name: str
    kind: str
    active: bool = True


@dataclass(frozen=True)
class CatalogEntry:
    """A place, product category or product of a POS catalogue: its POS id and name.

    ``timezone`` is a place's (IANA or as the POS names it; None when the POS gives none);
    ``category`` is a product's category id (None when it has none)."""

    id: str
    name: str
    timezone: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class Catalog:
    """What a POS sells and where: the ids rules and location maps name."""

    locations: list[CatalogEntry] = field(default_factory=list)
    categories: list[CatalogEntry] = field(default_factory=list)
    products: list[CatalogEntry] = field(default_factory=list)


@dataclass(frozen=True)
class ProcessingContext:
    """What a connector may use while processing: sessions and settings."""

    settings: Settings
    session_factory: sessionmaker[Session]


class Connector(Protocol):
    """A POS: turns its stored webhooks into sales and refunds, and lists its promotions."""

    pos: str
    http: requests.Session

    def process(
        self, context: ProcessingContext, connection: ConnectionView, payload: dict[str, Any]
    ) -> Outcome:
        """Apply one stored webhook; raises connectors.errors on failure."""
        ...

    def promotions(self, connection: ConnectionView) -> list[Promotion]:
        """The POS's current promotions (for mapping redeem codes)."""
        ...

    def catalog(self, connection: ConnectionView) -> Catalog:
        """The POS's places (spots, terminal groups), product categories and products."""
        ...

    def owns_account(self, account: str, credentials: Mapping[str, str]) -> bool:
        """Whether the POS, asked at its own configured address (never a merchant's
        ``api_base_url``), confirms that the credentials belong to the account.

        Raises ``PosUnavailable`` when the POS cannot be asked.
        """
        ...


@runtime_checkable
class NamesCurrency(Protocol):
    """A POS whose account states its currency (a Syrve organization does; Poster does not)."""

    def account_currency(self, account: str, credentials: Mapping[str, str]) -> str | None:
        """The account's ISO 4217 currency, asked at the POS's own configured address."""
        ...

    def currency(self, connection: ConnectionView) -> str | None:
        """The connection's account's ISO 4217 currency, or None when the POS names none."""
        ...


@runtime_checkable
class RegistersWebhooks(Protocol):
    """A POS whose webhook settings the gateway can write itself (Syrve can; Poster cannot)."""

    def register_webhook(self, connection: ConnectionView, url: str) -> dict[str, Any]:
        """Write our webhook URL, token and filters; return what the POS holds afterwards."""
        ...


@runtime_checkable
class SyncsCoupons(Protocol):
    """A POS whose coupon series can fill a code pool (Syrve can; Poster has no such API)."""

    def coupon_series_of(self, connection: ConnectionView) -> list[Promotion]:
        """The series that still have coupons to hand out."""
        ...

    def unused_coupons(self, connection: ConnectionView, series_id: str) -> list[str]:
        """The numbers of the series' coupons neither activated nor deleted."""
        ...

    def coupon_states(self, connection: ConnectionView, numbers: list[str]) -> dict[str, str]:
        """Of the given coupons, those the POS reports ``activated`` or ``deleted`` (a number
        it does not know counts as deleted); the others are left out."""
        ...
