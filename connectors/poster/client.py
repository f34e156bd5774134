"""Poster's REST API: token in the query string, errors as HTTP 200 bodies, typed here."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from connectors.errors import PosAuthRejected, PosRejected, PosUnavailable
from connectors.http import PosHttp, json_object, send
from gateway.egress.pinned import Reply

TOKEN_ERRORS = frozenset({10, 11, 12})  # missing, invalid, expired access token
RATE_LIMITED = 700
RATE_LIMIT_TRIES = 3
RATE_LIMIT_RETRY_AFTER = 60.0


@dataclass(frozen=True)
class PosterApi:
    """One account's API, reached with its access token."""

    http: PosHttp
    base_url: str
    token: str
    backoff: float = 0.5

    def call(self, method: str, **params: str) -> Any:
        """``GET {base}/{method}``; the ``response`` value, or a typed error."""
        query = {"token": self.token, "format": "json", **params}
        for attempt in range(RATE_LIMIT_TRIES):
            response = send(self.http, "GET", f"{self.base_url}/{method}", params=query)
            try:
                return unwrap(response, method)
            except PosUnavailable:
                if attempt + 1 == RATE_LIMIT_TRIES:
                    raise
                time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")

    def transaction(self, transaction_id: str) -> dict[str, Any] | None:
        """``dash.getTransaction`` with its products, or None when Poster has no such sale."""
        found = self.call(
            "dash.getTransaction", transaction_id=transaction_id, include_products="true"
        )
        if isinstance(found, list):
            found = found[0] if found else None
        return found if isinstance(found, dict) else None

    def transaction_products(self, transaction_id: str) -> list[dict[str, Any]]:
        """``dash.getTransactionProducts``: the lines, with categories and promotions."""
        lines = self.call("dash.getTransactionProducts", transaction_id=transaction_id)
        return [line for line in lines if isinstance(line, dict)] if isinstance(lines, list) else []

    def customer(self, client_id: str) -> dict[str, Any] | None:
        """``clients.getClient``: phone, email and card of a Poster customer."""
        found = self.call("clients.getClient", client_id=client_id)
        if isinstance(found, list):
            found = found[0] if found else None
        return found if isinstance(found, dict) else None

    def account_name(self) -> str:
        """``settings.getAllSettings``: the account the token belongs to (``COMPANY_ID``)."""
        found = self.call("settings.getAllSettings")
        return str(found.get("COMPANY_ID") or "") if isinstance(found, dict) else ""

    def promotions(self) -> list[dict[str, Any]]:
        """``clients.getPromotions``: the account's promotions."""
        return self.listed("clients.getPromotions")

    def listed(self, method: str) -> list[dict[str, Any]]:
        """A method that answers a list (``menu.getCategories``, ``menu.getProducts``,
        ``access.getSpots``), its objects only."""
        found = self.call(method)
        return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def unwrap(response: Reply, method: str) -> Any:
    """The ``response`` of a Poster answer; its ``error`` body as a typed exception."""
    body = json_object(response, method)
    if "error" in body:
        code, message = _error_of(body)
        if code in TOKEN_ERRORS:
            raise PosAuthRejected(f"{method}: Poster error {code}: {message}")
        if code == RATE_LIMITED:
            raise PosUnavailable(f"{method}: Poster rate limit", retry_after=RATE_LIMIT_RETRY_AFTER)
        raise PosRejected(f"{method}: Poster error {code}: {message}")
    if response.status_code >= 400:
        raise PosRejected(f"{method}: HTTP {response.status_code}")
    return body.get("response")


def _error_of(body: dict[str, Any]) -> tuple[int | None, str]:
    error = body["error"]
    if isinstance(error, dict):  # {"error": {"code": 11, "message": "..."}}
        code, message = error.get("code"), error.get("message", "")
    else:  # {"error": 11, "message": "..."}
        code, message = error, body.get("message", "")
    try:
        return int(str(code)), str(message)[:300]
    except (TypeError, ValueError):
        return None, str(message or error)[:300]


def exchange_code(http: PosHttp, base_url: str, form: dict[str, str]) -> dict[str, Any]:
    """Trade an app-install ``code`` for an access token (``/v2/auth/access_token``).

    ``base_url`` must be Poster's own host: the form carries the application secret.
    """
    response = send(http, "POST", f"{base_url}/v2/auth/access_token", data=form)
    try:
        body = response.json()
    except ValueError:
        raise PosRejected(f"token exchange: HTTP {response.status_code}, not JSON") from None
    if not isinstance(body, dict) or not body.get("access_token"):
        code, message = (
            _error_of(body) if isinstance(body, dict) and "error" in body else (None, "")
        )
        raise PosAuthRejected(f"token exchange refused: {code} {message}".strip())
    return body
