"""A fake Syrve (iiko Cloud API): a real HTTP server answering like the documented API, with
tokens that can expire on demand, and webhook events shaped as Syrve sends them."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.support.http_server import reply_json, serving
from tests.support.pos import POS_TEST_SETTINGS

ORGANIZATION = "7d2b5b7e-0000-4000-8000-000000000001"
API_LOGIN = "syrve-api-login"
KYIV_TERMINAL = "tg-kyiv"  # timeZone given as a Windows name
LISBON_TERMINAL = "tg-lisbon"  # timeZone given as an IANA name
COFFEE_GROUP = "grp-coffee"
# The nomenclature the fake answers, shaped as ``/api/1/nomenclature`` documents it.
GROUPS: list[dict[str, Any]] = [
    {
        "id": COFFEE_GROUP,
        "name": "Coffee",
        "parentGroup": None,
        "isDeleted": False,
        "isGroupModifier": False,
        "isIncludedInMenu": True,
    },
    {
        "id": "grp-milk",
        "name": "Milk choice",
        "parentGroup": None,
        "isDeleted": False,
        "isGroupModifier": True,
        "isIncludedInMenu": False,
    },
]
PRODUCT_CATEGORIES: list[dict[str, Any]] = [
    {"id": "cat-drinks", "name": "Drinks", "isDeleted": False}
]
PRODUCTS: list[dict[str, Any]] = [
    {
        "id": "prod-latte",
        "name": "Latte",
        "parentGroup": COFFEE_GROUP,
        "groupId": COFFEE_GROUP,
        "productCategoryId": "cat-drinks",
        "type": "Dish",
        "isDeleted": False,
    },
    {
        "id": "prod-oat",
        "name": "Oat milk",
        "parentGroup": "grp-milk",
        "groupId": "grp-milk",
        "productCategoryId": None,
        "type": "Modifier",
        "isDeleted": False,
    },
    {
        "id": "prod-old",
        "name": "Raf",
        "parentGroup": COFFEE_GROUP,
        "groupId": COFFEE_GROUP,
        "productCategoryId": "cat-drinks",
        "type": "Dish",
        "isDeleted": True,
    },
]


def order_event(
    order_id: str,
    status: str = "Closed",
    items: list[dict[str, Any]] | None = None,
    total: float | str = 185.5,
    event_type: str = "TableOrderUpdate",
    when_closed: str = "2026-11-22 12:00:00.000",
    event_time: str = "2026-11-22 10:00:01.000",
    **order: Any,
) -> dict[str, Any]:
    """One ``TableOrderUpdate`` (or delivery) event as Syrve posts it."""
    body = {
        "status": status,
        "sum": total,
        "number": 17,
        "whenClosed": when_closed if status == "Closed" else None,
        "terminalGroupId": KYIV_TERMINAL,
        "customer": {"type": "regular", "id": "cust-1", "name": "Olena"},
        "phone": "+380501111111",
        "items": items if items is not None else [latte()],
        "discounts": [],
        "loyaltyInfo": {"coupon": None},
        **order,
    }
    return {
        "eventType": event_type,
        "eventTime": event_time,
        "organizationId": ORGANIZATION,
        "correlationId": secrets.token_hex(8),
        "eventInfo": {
            "id": order_id,
            "posId": order_id,
            "organizationId": ORGANIZATION,
            "timestamp": 1795341601000,
            "creationStatus": "Success",
            "errorInfo": None,
            "order": body,
        },
    }


def latte(amount: float = 1, price: float = 185.5, deleted: bool = False) -> dict[str, Any]:
    """An order item; ``deleted`` carries deletion details as Syrve does."""
    return {
        "type": "Product",
        "product": {"id": "prod-latte", "name": "Latte"},
        "amount": amount,
        "price": price,
        "cost": price * amount,
        "resultSum": price * amount,
        "positionId": secrets.token_hex(4),
        "deleted": {"deletionMethod": {"id": "x"}} if deleted else None,
    }


@dataclass
class FakeSyrve:
    """State behind the fake API; tests edit it and read what was called."""

    api_login: str = API_LOGIN
    tokens: set[str] = field(default_factory=set)
    terminal_groups: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"id": KYIV_TERMINAL, "name": "Podil", "timeZone": "FLE Standard Time"},
            {"id": LISBON_TERMINAL, "name": "Baixa", "timeZone": "Europe/Lisbon"},
        ]
    )
    discounts: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=lambda: [dict(g) for g in GROUPS])
    products: list[dict[str, Any]] = field(default_factory=lambda: [dict(p) for p in PRODUCTS])
    coupon_series: list[dict[str, Any]] = field(default_factory=list)
    coupons: dict[str, dict[str, Any]] = field(default_factory=dict)  # by number
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)  # by id
    not_granted: set[str] = field(default_factory=set)  # methods the API login may not call
    webhook_settings: dict[str, Any] = field(default_factory=dict)
    organizations: list[str] = field(default_factory=lambda: [ORGANIZATION])  # the login's
    currency: str = "EUR"  # every organization's ``currencyIsoName``: the test merchants'
    outages: int = 0
    calls: list[str] = field(default_factory=list)
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_coupons(
        self,
        series_id: str,
        series_name: str,
        numbers: list[str],
        organization: str = ORGANIZATION,
    ) -> None:
        """A coupon series of one organization's back office with new (not activated) coupons."""
        with self.lock:
            if not any(item.get("id") == series_id for item in self.coupon_series):
                entry = {"id": series_id, "number": series_name, "organization": organization}
                self.coupon_series.append(entry)
            for number in numbers:
                self.coupons[number] = {
                    "id": f"coupon-{number}",
                    "number": number,
                    "seriesName": series_name,
                    "seriesId": series_id,
                    "whenActivated": None,
                    "isDeleted": False,
                }

    def activate_coupon(self, number: str) -> None:
        """A cashier accepted the coupon at the till."""
        with self.lock:
            self.coupons[number]["whenActivated"] = "2026-11-22 12:00:00.000"

    def delete_coupon(self, number: str) -> None:
        """The merchant deleted the coupon in the back office."""
        with self.lock:
            self.coupons[number]["isDeleted"] = True

    def _unused_page(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """``coupons/by_series``: the series' coupons neither activated nor deleted, paged."""
        series = str(body.get("series") or "")
        with self.lock:
            unused = [
                {"id": coupon["id"], "number": coupon["number"]}
                for coupon in self.coupons.values()
                if series in (coupon.get("seriesId"), coupon.get("seriesName"))
                and not coupon.get("whenActivated")
                and not coupon.get("isDeleted")
            ]
        return _page_of(unused, body)

    def _organizations(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        asked = body.get("organizationIds")
        asked = None if asked is None else {str(one).lower() for one in asked}
        extended = bool(body.get("returnAdditionalInfo"))
        return [
            _organization(org, extended, self.currency)
            for org in self.organizations
            if asked is None or org.lower() in asked
        ]

    @property
    def base_url(self) -> str:
        """What a connection's ``api_base_url`` is set to."""
        return f"http://127.0.0.1:{self.port}"

    def expire_tokens(self) -> None:
        """Every issued token stops working (their hour is up)."""
        with self.lock:
            self.tokens.clear()

    def count(self, path: str) -> int:
        """How often a method was called."""
        return sum(1 for called in self.calls if called == path)

    def answer(self, path: str, token: str | None, body: dict[str, Any]) -> tuple[int, Any]:
        """The status and JSON body Syrve would give."""
        with self.lock:
            self.calls.append(path)
            if self.outages:
                self.outages -= 1
                return 503, {"error": "unavailable"}
        if path == "access_token":
            if body.get("apiLogin") != self.api_login:
                return 401, _error("Login is not authorized")
            token = secrets.token_hex(16)
            with self.lock:
                self.tokens.add(token)
            return 200, {"correlationId": "c", "token": token}
        with self.lock:
            valid = token in self.tokens
        if not valid or path in self.not_granted:
            return 401, _error("Token is expired or invalid")
        return self._method(path, body)

    def _method(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        if path == "organizations":
            return 200, {"correlationId": "c", "organizations": self._organizations(body)}
        if path == "terminal_groups":
            groups = [{"organizationId": ORGANIZATION, "items": self.terminal_groups}]
            return 200, {"correlationId": "c", "terminalGroups": groups}
        if path == "nomenclature":
            return 200, {
                "correlationId": "c",
                "groups": self.groups,
                "productCategories": PRODUCT_CATEGORIES,
                "products": self.products,
                "sizes": [],
                "revision": 1,
            }
        if path == "discounts":
            items = [{"organizationId": ORGANIZATION, "items": self.discounts}]
            return 200, {"correlationId": "c", "discounts": items}
        if path == "loyalty/iiko/coupons/series":
            wanted = str(body.get("organizationId"))
            listed = [
                {key: value for key, value in series.items() if key != "organization"}
                for series in self.coupon_series
                if series.get("organization", ORGANIZATION) == wanted
            ]
            return 200, {"correlationId": "c", "seriesWithNotActivatedCoupons": listed}
        if path == "loyalty/iiko/coupons/by_series":
            return 200, {"correlationId": "c", "notActivatedCoupon": self._unused_page(body)}
        if path == "loyalty/iiko/coupons/info":
            found = self.coupons.get(str(body.get("number")))
            return 200, {"correlationId": "c", "couponInfo": [found] if found else []}
        if path == "loyalty/iiko/customer/info":
            customer = self.customers.get(str(body.get("id")))
            return (
                (200, {"correlationId": "c", **customer})
                if customer
                else (400, _error("No customer"))
            )
        if path == "webhooks/update_settings":
            self.webhook_settings = dict(body)
            return 200, {"correlationId": "c"}
        if path == "webhooks/settings":
            return 200, {"correlationId": "c", "apiLoginName": "gateway", **self.webhook_settings}
        return 400, _error(f"unknown method {path}")


def _organization(org: str, extended: bool, currency: str) -> dict[str, Any]:
    """An ``organizations`` item: ``Simple``, or ``Extended`` with ``currencyIsoName``."""
    item: dict[str, Any] = {"id": org, "name": f"Cafe {org[-4:]}", "responseType": "Simple"}
    if extended:
        item.update(responseType="Extended", currencyIsoName=currency, country="Portugal")
    return item


def _page_of(items: list[dict[str, Any]], body: dict[str, Any]) -> list[dict[str, Any]]:
    size, page = int(body.get("pageSize") or 100), int(body.get("page") or 0)
    return items[page * size : (page + 1) * size]


def _error(description: str) -> dict[str, str]:
    return {"correlationId": "c", "errorDescription": description, "error": description}


@contextmanager
def running_syrve() -> Iterator[FakeSyrve]:
    """A fake Syrve on a free port of 127.0.0.1 for the duration of the block."""
    fake = FakeSyrve()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            scheme, _, token = self.headers.get("Authorization", "").partition(" ")
            path = self.path.removeprefix("/api/1/")
            status, answer = fake.answer(path, token if scheme == "Bearer" else None, body)
            reply_json(self, status, answer)

        def log_message(self, *args: object) -> None:
            del args

    with serving(Handler) as port:
        fake.port = port
        yield fake


def syrve_settings(fake: FakeSyrve, **more: Any) -> dict[str, Any]:
    """App settings that reach the fake: loopback allowed, and the fake as Syrve's own host."""
    return {**POS_TEST_SETTINGS, "serve_api_url": fake.base_url, **more}


def connection_body(fake: FakeSyrve) -> dict[str, Any]:
    """``POST /v1/connections`` for the fake's organization (without the program)."""
    return {
        "pos": "serve",
        "organization_id": ORGANIZATION,
        "api_login": API_LOGIN,
        "api_base_url": fake.base_url,
    }
