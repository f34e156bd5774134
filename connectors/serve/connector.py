"""The Serve (Syrve / iiko Cloud) connector: order events become sales or reversals."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

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
from connectors.errors import EventRejected, PosAuthRejected, PosRejected
from connectors.fields import time_zone
from connectors.http import PosHttp, pos_session
from connectors.serve import translate
from connectors.serve.client import SyrveApi, TokenCache
from gateway.config import Settings
from mappings.promo_codes import series_may_decide

TERMINAL_CACHE_SECONDS = 3600
WEBHOOK_FILTER = {
    "tableOrderFilter": {"orderStatuses": ["Closed", "Deleted"]},
    "deliveryOrderFilter": {"orderStatuses": ["Closed", "Cancelled"]},
}


class ServeConnector:
    """Syrve: orders arrive whole in the webhook; the API gives time zones and discounts."""

    pos = "serve"

    def __init__(self, settings: Settings, http: requests.Session | None = None) -> None:
        self._settings = settings
        self.http = http or pos_session(backoff=settings.pos_retry_backoff)
        self.pos_http = PosHttp.of(self.http, settings)
        self._tokens = TokenCache()
        self._zones: TTLCache[str, dict[str, str]] = TTLCache(
            maxsize=1000, ttl=TERMINAL_CACHE_SECONDS
        )
        self._lock = threading.Lock()

    def api(self, connection: ConnectionView) -> SyrveApi:
        """The organization's API, logged in with the connection's API login."""
        base = (connection.api_base_url or self._settings.serve_api_url).rstrip("/")
        login = connection.credentials.get("api_login", "")
        return SyrveApi(self.pos_http, base, login, self._tokens)

    def owns_account(self, account: str, credentials: Mapping[str, str]) -> bool:
        """The API login, logged in at Syrve's own host, may use the organization."""
        base = self._settings.serve_api_url.rstrip("/")
        # A cache of its own: a login tried for a claim must never serve a connection's calls.
        api = SyrveApi(self.pos_http, base, credentials.get("api_login", ""), TokenCache())
        try:
            return account.lower() in {found.lower() for found in api.organization_ids()}
        except (PosAuthRejected, PosRejected):
            return False

    def account_currency(self, account: str, credentials: Mapping[str, str]) -> str | None:
        """The organization's currency, asked at Syrve's own host with a claim's own cache."""
        base = self._settings.serve_api_url.rstrip("/")
        api = SyrveApi(self.pos_http, base, credentials.get("api_login", ""), TokenCache())
        return api.organization_currency(account.lower())

    def currency(self, connection: ConnectionView) -> str | None:
        """The connection's organization's currency (``currencyIsoName``)."""
        return self.api(connection).organization_currency(connection.account.lower())

    def process(
        self, context: ProcessingContext, connection: ConnectionView, payload: dict[str, Any]
    ) -> Outcome:
        """One webhook event: a closed order is a sale, a deleted one reverses it.

        Only events of the connection's own organization are applied: one API login may
        span several organizations, each with a connection (and a program) of its own."""
        event_type = str(payload.get("eventType") or "")
        info = payload.get("eventInfo") or {}
        foreign = _other_organization(connection, payload)
        if foreign is not None:
            return foreign
        if event_type.endswith("Error") or info.get("creationStatus", "Success") != "Success":
            raise EventRejected(f"{event_type}: {_error_info(info)}")
        if event_type not in translate.ORDER_EVENTS:
            return Outcome("ignored", {"reason": "event_not_used", "event_type": event_type})
        order_id, order = str(info.get("id") or ""), info.get("order") or {}
        status = str(order.get("status") or "")
        if status in translate.REVERSED:
            return reverse_sale(context, connection, translate.SOURCE, order_id)
        if status != translate.CLOSED:
            return Outcome("ignored", {"reason": "order_not_closed", "status": status})
        found = translate.Lookups(
            zone=self._zone(connection, str(order.get("terminalGroupId") or "")),
            coupon_series=self._coupon_series(connection, order),
            phone=self._phone(connection, order),
        )
        sale = partial(translate.to_sale, connection, order_id, order, found)
        return apply_translated(context, connection, f"order {order_id}", sale)

    def promotions(self, connection: ConnectionView) -> list[Promotion]:
        """Syrve discount types, and coupon series where the API login may read them."""
        api = self.api(connection)
        found = [
            _promotion(item, "discount", item.get("name"))
            for item in api.discounts(connection.account)
            if item.get("id")
        ]
        try:
            series = api.coupon_series(connection.account)
        except PosRejected:
            series = []  # coupons are an API group of their own, which a login may lack
        return found + [_promotion(item, "coupon_series", item.get("number")) for item in series]

    def coupon_series_of(self, connection: ConnectionView) -> list[Promotion]:
        """``coupons/series``: the series with coupons still to hand out."""
        series = self.api(connection).coupon_series(connection.account)
        return [_promotion(item, "coupon_series", item.get("number")) for item in series]

    def unused_coupons(self, connection: ConnectionView, series_id: str) -> list[str]:
        """``coupons/by_series``: the series' coupons neither activated nor deleted."""
        return self.api(connection).coupons_by_series(connection.account, series_id)

    def coupon_states(self, connection: ConnectionView, numbers: list[str]) -> dict[str, str]:
        """``coupons/info`` per coupon: ``activated`` (``whenActivated`` set), ``deleted``
        (``isDeleted``, or a number Syrve no longer knows)."""
        api = self.api(connection)
        states: dict[str, str] = {}
        for number in numbers:
            try:
                info = api.coupon_info(connection.account, number)
            except PosRejected:
                continue  # not known to be gone: the code stays in the pool
            if info is None or info.get("isDeleted"):
                states[number] = "deleted"
            elif info.get("whenActivated"):
                states[number] = "activated"
        return states

    def catalog(self, connection: ConnectionView) -> Catalog:
        """Terminal groups with their zones, and the nomenclature's menu groups (what an order
        item names as its ``productGroup``) and products; deleted ones are left out."""
        api = self.api(connection)
        places = api.terminal_groups(connection.account)
        menu = api.nomenclature(connection.account)
        groups = [
            group
            for group in menu["groups"]
            if not group.get("isDeleted") and not group.get("isGroupModifier")
        ]
        return Catalog(
            locations=[
                CatalogEntry(str(item["id"]), str(item.get("name") or ""), _zone_name(item))
                for item in places
                if item.get("id")
            ],
            categories=[
                CatalogEntry(str(group["id"]), str(group.get("name") or "")) for group in groups
            ],
            products=[
                CatalogEntry(
                    str(item["id"]),
                    str(item.get("name") or ""),
                    category=str(item.get("parentGroup") or item.get("groupId") or "") or None,
                )
                for item in menu["products"]
                if not item.get("isDeleted") and item.get("type") != "Modifier"
            ],
        )

    def register_webhook(self, connection: ConnectionView, url: str) -> dict[str, Any]:
        """Write our webhook address, token and filters into Syrve, and read them back."""
        api = self.api(connection)
        api.update_webhook_settings(
            {
                "organizationId": connection.account,
                "webHooksUri": url,
                "authToken": connection.credentials.get("webhook_token", ""),
                "webHooksFilter": WEBHOOK_FILTER,
            }
        )
        return api.webhook_settings(connection.account)

    def _coupon_series(self, connection: ConnectionView, order: dict[str, Any]) -> str | None:
        """The series of the order's coupon, asked only when a series could be mapped."""
        number = translate.coupon_of(order)
        if not series_may_decide(connection.codes, number):
            return None
        try:
            info = self.api(connection).coupon_info(connection.account, number)
        except PosRejected:
            return None  # an unknown coupon (or no coupon API): the number is the code
        return str((info or {}).get("seriesId") or "") or None

    def _phone(self, connection: ConnectionView, order: dict[str, Any]) -> str | None:
        """A registered customer's phone from Syrve, asked only when the order has none."""
        customer_id = translate.regular_customer(order)
        if customer_id is None or translate.phone_of(order):
            return None
        try:
            return self.api(connection).customer_phone(connection.account, customer_id)
        except PosRejected:
            return None  # not a loyalty guest (or no loyalty API): the id still finds the card

    def _zone(self, connection: ConnectionView, terminal_group: str) -> ZoneInfo:
        """The terminal group's zone (cached an hour); the merchant's when Syrve names none."""
        with self._lock:
            zones = self._zones.get(connection.id)
        if zones is None or terminal_group not in zones:
            groups = self.api(connection).terminal_groups(connection.account)
            zones = {str(group.get("id")): str(group.get("timeZone") or "") for group in groups}
            with self._lock:
                self._zones[connection.id] = zones
        return time_zone(zones.get(terminal_group)) or ZoneInfo(connection.timezone)


def _zone_name(item: dict[str, Any]) -> str | None:
    """A terminal group's zone as an IANA name where it is one Syrve may send (Windows names
    included); otherwise as Syrve wrote it."""
    written = str(item.get("timeZone") or "") or None
    zone = time_zone(written)
    return str(zone) if zone is not None else written


def _other_organization(connection: ConnectionView, payload: dict[str, Any]) -> Outcome | None:
    """The ignored outcome of an event of another organization (or of none), else None."""
    organization = translate.organization_of(payload)
    if organization is not None and organization.lower() == connection.account.lower():
        return None
    return Outcome(
        "ignored",
        {
            "reason": "other_organization",
            "organization_id": organization,
            "connection_organization_id": connection.account,
        },
    )


def _promotion(item: dict[str, Any], kind: str, name: Any) -> Promotion:
    return Promotion(str(item["id"]), str(name or ""), kind, not item.get("isDeleted", False))


def _error_info(info: dict[str, Any]) -> str:
    details = info.get("errorInfo") or {}
    if isinstance(details, dict):
        text = details.get("message") or details.get("description") or details.get("code")
        return str(text or info.get("creationStatus") or "error reported")[:500]
    return str(details)[:500]
