"""The Poster connector: a stored webhook becomes a sale, a removal or nothing."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import requests
from cachetools import TTLCache

from connectors.apply import apply_translated, reverse_sale
from connectors.base import (
    Catalog,
    CatalogEntry,
    ConnectionView,
    Outcome,
    ProcessingContext,
    Promotion,
)
from connectors.errors import PosAuthRejected, PosRejected
from connectors.http import PosHttp, pos_session
from connectors.poster import translate
from connectors.poster.client import PosterApi
from connectors.poster.schemas import PosterHook
from gateway.config import Settings

CUSTOMER_CACHE_SECONDS = 600
REMOVED_ACTIONS = frozenset({"removed"})


class PosterConnector:
    """Poster POS: transactions fetched with ``dash.getTransaction``, customers cached."""

    pos = "poster"

    def __init__(self, settings: Settings, http: requests.Session | None = None) -> None:
        self._settings = settings
        self.http = http or pos_session(backoff=settings.pos_retry_backoff)
        self.pos_http = PosHttp.of(self.http, settings)
        self._customers: TTLCache[tuple[str, str], dict[str, Any] | None] = TTLCache(
            maxsize=10_000, ttl=CUSTOMER_CACHE_SECONDS
        )
        self._lock = threading.Lock()

    def home_url(self, account: str) -> str:
        """Poster's own API for the account (``STAMPGATE_POSTER_API_URL``), never a merchant's."""
        return self._settings.poster_api_url.format(account=account).rstrip("/")

    def api(self, connection: ConnectionView) -> PosterApi:
        """The account's API with its current token."""
        base = connection.api_base_url or self.home_url(connection.account)
        token = connection.credentials.get("access_token", "")
        return PosterApi(self.pos_http, base.rstrip("/"), token, self._settings.pos_retry_backoff)

    def owns_account(self, account: str, credentials: Mapping[str, str]) -> bool:
        """``settings.getAllSettings`` at Poster's own host names the account as the token's."""
        token = credentials.get("access_token", "")
        api = PosterApi(
            self.pos_http, self.home_url(account), token, self._settings.pos_retry_backoff
        )
        try:
            return api.account_name().lower() == account.lower()
        except (PosAuthRejected, PosRejected):
            return False

    def process(
        self, context: ProcessingContext, connection: ConnectionView, payload: dict[str, Any]
    ) -> Outcome:
        """A ``transaction`` hook: fetch the transaction and apply it; other objects are ignored."""
        hook = PosterHook.model_validate(payload)
        if hook.object != "transaction":
            return Outcome("ignored", {"reason": "object_not_used", "object": hook.object})
        transaction_id = str(hook.object_id)
        if hook.action in REMOVED_ACTIONS:
            return reverse_sale(context, connection, translate.SOURCE, transaction_id)
        api = self.api(connection)
        transaction = api.transaction(transaction_id)
        status = None if transaction is None else translate.status_of(transaction)
        if transaction is None or status == translate.REMOVED:
            return reverse_sale(context, connection, translate.SOURCE, transaction_id)
        if status != translate.CLOSED:
            return Outcome(
                "ignored", {"reason": "transaction_open", "transaction_id": transaction_id}
            )
        closed = transaction  # bound for the closure below (no longer Optional)
        lines = api.transaction_products(transaction_id)
        customer = self._customer(api, connection, str(closed.get("client_id") or "0"))
        return apply_translated(
            context,
            connection,
            f"transaction {transaction_id}",
            lambda: translate.to_sale(connection, closed, lines, customer),
        )

    def promotions(self, connection: ConnectionView) -> list[Promotion]:
        """``clients.getPromotions`` as promotions to map codes to."""
        return [
            Promotion(
                id=str(item.get("promotion_id")),
                name=str(item.get("name") or ""),
                kind="promotion",
                active=str(item.get("disabled", "0")) in ("0", "", "None"),
            )
            for item in self.api(connection).promotions()
            if item.get("promotion_id") is not None
        ]

    def catalog(self, connection: ConnectionView) -> Catalog:
        """``access.getSpots``, ``menu.getCategories`` and ``menu.getProducts``; Poster names
        no time zone per spot."""
        api = self.api(connection)
        return Catalog(
            locations=_entries(api.listed("access.getSpots"), "spot_id", "spot_name"),
            categories=_entries(api.listed("menu.getCategories"), "category_id", "category_name"),
            products=_entries(
                api.listed("menu.getProducts"), "product_id", "product_name", "menu_category_id"
            ),
        )

    def _customer(
        self, api: PosterApi, connection: ConnectionView, client_id: str
    ) -> dict[str, Any] | None:
        if client_id in ("", "0"):
            return None
        key = (connection.id, client_id)
        with self._lock:
            if key in self._customers:
                return self._customers[key]
        found = api.customer(client_id)
        with self._lock:
            self._customers[key] = found
        return found


def _entries(
    items: list[dict[str, Any]], key: str, name: str, category: str | None = None
) -> list[CatalogEntry]:
    """Catalogue entries of Poster objects (all values strings; category "0" is none)."""
    return [
        CatalogEntry(
            id=str(item[key]),
            name=str(item.get(name) or ""),
            category=_category(item.get(category)) if category else None,
        )
        for item in items
        if item.get(key) not in (None, "")
    ]


def _category(value: Any) -> str | None:
    text = str(value or "")
    return None if text in ("", "0") else text
