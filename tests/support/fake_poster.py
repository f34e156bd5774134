"""A fake Poster: a real HTTP server answering like Poster's documented API, and webhook
bodies signed the way Poster signs them."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.http_server import reply_json, serving
from tests.support.pos import POS_TEST_SETTINGS

ACCOUNT = "mycafe"
APP_SECRET = "poster-app-secret"
TOKEN = "poster-token-1"
TOKEN_OF = "token-of:"  # the fake takes ``token-of:<account>`` as a valid token of that account
CLOSED_AT_MS = 1795341600000  # 2026-11-22T10:00:00Z
# The menu and spots the fake lists, shaped as ``menu.getCategories``, ``menu.getProducts`` and
# ``access.getSpots`` answer (every value a string).
SPOTS: list[dict[str, str]] = [
    {"spot_id": "1", "spot_name": "Podil", "spot_adress": "Sahaidachnoho 1"},
    {"spot_id": "2", "spot_name": "Obolon", "spot_adress": "Heroiv Dnipra 2"},
]
CATEGORIES: list[dict[str, str]] = [
    {"category_id": "3", "category_name": "Coffee", "parent_category": "0", "category_hidden": "0"},
    {"category_id": "4", "category_name": "Pastry", "parent_category": "0", "category_hidden": "0"},
]
PRODUCTS: list[dict[str, str]] = [
    {
        "product_id": "12",
        "product_name": "Latte",
        "menu_category_id": "3",
        "category_name": "Coffee",
    },
    {
        "product_id": "13",
        "product_name": "Flat white",
        "menu_category_id": "3",
        "category_name": "Coffee",
    },
    {
        "product_id": "21",
        "product_name": "Croissant",
        "menu_category_id": "4",
        "category_name": "Pastry",
    },
    {"product_id": "30", "product_name": "Water", "menu_category_id": "0", "category_name": ""},
]


def poster_hook(
    object_id: int,
    action: str = "changed",
    object_name: str = "transaction",
    data: str | None = None,
    secret: str = APP_SECRET,
    account: str = ACCOUNT,
    at: int = 1795341600,
) -> dict[str, Any]:
    """A webhook body as Poster sends it, ``verify`` computed as Poster documents."""
    body: dict[str, Any] = {
        "account": account,
        "account_number": "203941",
        "object": object_name,
        "object_id": object_id,
        "action": action,
        "time": str(at),
    }
    signed = [account, object_name, str(object_id), action]
    if data is not None:
        body["data"] = data
        signed.append(data)
    signed += [str(at), secret]
    body["verify"] = hashlib.md5(";".join(signed).encode(), usedforsecurity=False).hexdigest()
    return body


def token_for(account: str) -> str:
    """An access token the fake accepts as belonging to ``account`` (for ownership checks)."""
    return f"{TOKEN_OF}{account}"


def poster_settings(fake: FakePoster, **more: Any) -> dict[str, Any]:
    """App settings that reach the fake: loopback allowed, and the fake as Poster's own host."""
    return {**POS_TEST_SETTINGS, "poster_api_url": fake.base_url, **more}


def connection_body(fake: FakePoster) -> dict[str, Any]:
    """``POST /v1/connections`` for the fake's account (without the program)."""
    return {
        "pos": "poster",
        "account": ACCOUNT,
        "application_secret": APP_SECRET,
        "access_token": TOKEN,
        "api_base_url": fake.base_url,
    }


@dataclass
class FakePoster:
    """State behind the fake API; tests edit it and read what was called."""

    token: str = TOKEN
    transactions: dict[str, dict[str, Any]] = field(default_factory=dict)
    products: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    clients: dict[str, dict[str, Any]] = field(default_factory=dict)
    promotions: list[dict[str, Any]] = field(default_factory=list)
    spots: list[dict[str, Any]] = field(default_factory=lambda: [dict(spot) for spot in SPOTS])
    categories: list[dict[str, Any]] = field(default_factory=lambda: [dict(c) for c in CATEGORIES])
    menu: list[dict[str, Any]] = field(default_factory=lambda: [dict(p) for p in PRODUCTS])
    install_codes: dict[str, str] = field(default_factory=dict)
    outages: int = 0  # the next N calls answer HTTP 503
    rate_limits: int = 0  # the next N calls answer error 700
    calls: list[str] = field(default_factory=list)
    port: int = 0
    host: str = "127.0.0.1"
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        """What a connection's ``api_base_url`` is set to."""
        return f"http://{self.host}:{self.port}/api"

    def add_sale(
        self,
        transaction_id: str,
        lines: list[dict[str, Any]],
        status: str = "2",
        client_id: str = "0",
        spot_id: str = "1",
    ) -> None:
        """A transaction (closed by default) with its product lines."""
        total = sum(int(line["payed_sum"]) for line in lines)
        self.transactions[transaction_id] = {
            "transaction_id": transaction_id,
            "date_start": str(CLOSED_AT_MS - 600_000),
            "date_close": str(CLOSED_AT_MS) if status == "2" else "0",
            "status": status,
            "payed_sum": str(total),
            "sum": str(total),
            "spot_id": spot_id,
            "client_id": client_id,
            "products": [
                {
                    "product_id": line["product_id"],
                    "num": line["num"],
                    "payed_sum": line["payed_sum"],
                }
                for line in lines
            ],
        }
        self.products[transaction_id] = [
            {"product_name": "Item", "category_id": "0", "promotion_id": "0", **line}
            for line in lines
        ]

    def count(self, method: str) -> int:
        """How often an API method was called."""
        return sum(1 for called in self.calls if called == method)

    def answer(self, method: str, query: dict[str, str], form: dict[str, str]) -> tuple[int, Any]:
        """The status and JSON body Poster would give."""
        with self.lock:
            self.calls.append(method)
            if self.outages:
                self.outages -= 1
                return 503, {"error": "service unavailable"}
            if self.rate_limits:
                self.rate_limits -= 1
                return 200, {"error": {"code": 700, "message": "Too many requests"}}
        if method == "v2/auth/access_token":
            token = self.install_codes.get(form.get("code", ""))
            if token is None or form.get("grant_type") != "authorization_code":
                return 200, {"error": {"code": 31, "message": "Invalid code"}}
            if not token.startswith(TOKEN_OF):
                self.token = token  # a new token of the fake's own account
            return 200, {"access_token": token, "account_number": "203941"}
        if "token" not in query:
            return 200, {"error": {"code": 10, "message": "Access token is missing"}}
        if method == "settings.getAllSettings":
            return 200, self._settings_of(query["token"])
        if query["token"] != self.token:
            return 200, {"error": {"code": 11, "message": "Bad access token"}}
        return 200, {"response": self._method(method, query)}

    def _settings_of(self, token: str) -> dict[str, Any]:
        # Like https://joinposter.com/api: the token alone says which account it belongs to.
        account = ACCOUNT if token == self.token else token.removeprefix(TOKEN_OF)
        if account == token:
            return {"error": {"code": 11, "message": "Bad access token"}}
        return {"response": {"COMPANY_ID": account, "company_name": "Cafe", "lang": "en"}}

    def _method(self, method: str, query: dict[str, str]) -> Any:
        key = query.get("transaction_id", "")
        if method == "dash.getTransaction":
            found = self.transactions.get(key)
            return [found] if found else []
        if method == "dash.getTransactionProducts":
            return self.products.get(key, [])
        if method == "clients.getClient":
            found = self.clients.get(query.get("client_id", ""))
            return [found] if found else []
        if method == "clients.getPromotions":
            return self.promotions
        listed = {
            "access.getSpots": self.spots,
            "menu.getCategories": self.categories,
            "menu.getProducts": self.menu,
        }
        if method in listed:
            return listed[method]
        return {"error": "unknown method"}


@contextmanager
def running_poster(host: str = "127.0.0.1") -> Iterator[FakePoster]:
    """A fake Poster on a free port of ``host`` for the duration of the block."""
    fake = FakePoster(host=host)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self, form: dict[str, str]) -> None:
            parts = urlsplit(self.path)
            query = {name: values[0] for name, values in parse_qs(parts.query).items()}
            method = parts.path.removeprefix("/api/")
            status, body = fake.answer(method, query, form)
            reply_json(self, status, body)

        def do_GET(self) -> None:
            self._serve({})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length).decode()
            self._serve({name: values[0] for name, values in parse_qs(raw).items()})

        def log_message(self, *args: object) -> None:
            del args

    with serving(Handler, host) as port:
        fake.port = port
        yield fake
