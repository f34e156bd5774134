"""The Syrve (iiko Cloud) API: JSON POSTs with a bearer token that lives an hour.

Tokens are cached per API login until shortly before they expire; a 401 on a call logs in
again once. Errors come as ``{"correlationId","errorDescription","error"}`` with 4xx/5xx.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from connectors.errors import PosAuthRejected, PosRejected
from connectors.http import PosHttp, json_object, send
from gateway.egress.pinned import Reply

TOKEN_LIFETIME_SECONDS = 3600
TOKEN_MARGIN_SECONDS = 300  # renew early: a token must not expire between check and call
COUPON_PAGE_SIZE = 500
MAX_COUPON_PAGES = 200  # 100 000 coupons: a series larger than any pool should take


@dataclass
class TokenCache:
    """Access tokens by API login (hashed), each with the time it must be renewed."""

    tokens: dict[str, tuple[str, float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: str) -> str | None:
        """A token still comfortably valid, or None."""
        with self.lock:
            found = self.tokens.get(key)
        if found is None or found[1] <= time.monotonic():
            return None
        return found[0]

    def put(self, key: str, token: str) -> None:
        """Remember a fresh token."""
        renew_at = time.monotonic() + TOKEN_LIFETIME_SECONDS - TOKEN_MARGIN_SECONDS
        with self.lock:
            self.tokens[key] = (token, renew_at)

    def drop(self, key: str) -> None:
        """Forget a token the API refused."""
        with self.lock:
            self.tokens.pop(key, None)


@dataclass(frozen=True)
class SyrveApi:
    """One API login's view of the Syrve API."""

    http: PosHttp
    base_url: str
    api_login: str
    tokens: TokenCache

    @property
    def _key(self) -> str:
        return hashlib.sha256(f"{self.base_url}|{self.api_login}".encode()).hexdigest()

    def call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST {base}/api/1/{path}``; logs in first when needed, and again once on 401."""
        response = self._post(path, body, self._token())
        if response.status_code == 401:
            self.tokens.drop(self._key)
            response = self._post(path, body, self._token())
            if response.status_code == 401:
                # The login itself was just accepted: this method is not granted to it.
                raise PosRejected(f"{path}: not allowed for this API login")
        return _unwrap(response, path)

    def _token(self) -> str:
        token = self.tokens.get(self._key)
        if token is not None:
            return token
        response = send(
            self.http,
            "POST",
            f"{self.base_url}/api/1/access_token",
            json={"apiLogin": self.api_login},
        )
        if response.status_code in (400, 401, 403):
            raise PosAuthRejected(f"access_token: login refused: {_description(response)}")
        token = str(_unwrap(response, "access_token").get("token") or "")
        if not token:
            raise PosAuthRejected("access_token: no token in the answer")
        self.tokens.put(self._key, token)
        return token

    def _post(self, path: str, body: dict[str, Any], token: str) -> Reply:
        headers = {"Authorization": f"Bearer {token}"}
        url = f"{self.base_url}/api/1/{path}"
        return send(self.http, "POST", url, json=body, headers=headers)

    def organization_ids(self) -> set[str]:
        """``organizations``: the ids of the organizations this API login may use."""
        found = self.call("organizations", {"organizationIds": None, "returnAdditionalInfo": False})
        return {
            str(item["id"])
            for item in found.get("organizations") or []
            if isinstance(item, dict) and item.get("id")
        }

    def organization_currency(self, organization_id: str) -> str | None:
        """``organizations`` with additional info: the organization's ``currencyIsoName``
        (ISO 4217), or None when Syrve names none."""
        body = {"organizationIds": [organization_id], "returnAdditionalInfo": True}
        for item in self.call("organizations", body).get("organizations") or []:
            if isinstance(item, dict) and str(item.get("id", "")).lower() == organization_id:
                currency = item.get("currencyIsoName")
                return str(currency).upper() if currency else None
        return None

    def terminal_groups(self, organization_id: str) -> list[dict[str, Any]]:
        """The organization's terminal groups: ``id``, ``name``, ``timeZone``."""
        found = self.call("terminal_groups", {"organizationIds": [organization_id]})
        return [
            item
            for group in found.get("terminalGroups") or []
            for item in (group.get("items") or [])
            if isinstance(item, dict)
        ]

    def nomenclature(self, organization_id: str) -> dict[str, list[dict[str, Any]]]:
        """``nomenclature``: the organization's ``groups``, ``productCategories`` and
        ``products``, each a list of objects."""
        found = self.call("nomenclature", {"organizationId": organization_id})
        return {
            name: [item for item in found.get(name) or [] if _is_id(item)]
            for name in ("groups", "productCategories", "products")
        }

    def discounts(self, organization_id: str) -> list[dict[str, Any]]:
        """The organization's discount types."""
        found = self.call("discounts", {"organizationIds": [organization_id]})
        # Grouped by organization (``items``), or a flat list of types.
        return [
            item
            for group in found.get("discounts") or []
            if isinstance(group, dict)
            for item in (group.get("items") if "items" in group else [group]) or []
            if isinstance(item, dict)
        ]

    def coupon_series(self, organization_id: str) -> list[dict[str, Any]]:
        """Coupon series that still have coupons to hand out: ``id``, ``number``."""
        found = self.call("loyalty/iiko/coupons/series", {"organizationId": organization_id})
        return [item for item in found.get("seriesWithNotActivatedCoupons") or [] if _is_id(item)]

    def coupon_info(
        self, organization_id: str, number: str, series: str | None = None
    ) -> dict[str, Any] | None:
        """One coupon by number: ``seriesId``, ``seriesName``, ``whenActivated``,
        ``isDeleted``; None if unknown."""
        body: dict[str, Any] = {"organizationId": organization_id, "number": number}
        if series:
            body["series"] = series
        found = self.call("loyalty/iiko/coupons/info", body)
        return next((item for item in found.get("couponInfo") or [] if _is_id(item)), None)

    def coupons_by_series(self, organization_id: str, series: str) -> list[str]:
        """``coupons/by_series``: the numbers of the series' non-activated coupons, every page."""
        numbers: list[str] = []
        for page in range(MAX_COUPON_PAGES):
            body = {
                "organizationId": organization_id,
                "series": series,
                "pageSize": COUPON_PAGE_SIZE,
                "page": page,
            }
            found = self.call("loyalty/iiko/coupons/by_series", body)
            items = [item for item in found.get("notActivatedCoupon") or [] if _is_id(item)]
            numbers.extend(str(item["number"]) for item in items if item.get("number"))
            if len(items) < COUPON_PAGE_SIZE:
                break
        return numbers

    def customer_phone(self, organization_id: str, customer_id: str) -> str | None:
        """A loyalty customer's phone, by the customer's id."""
        body = {"organizationId": organization_id, "type": "id", "id": customer_id}
        return str(self.call("loyalty/iiko/customer/info", body).get("phone") or "") or None

    def update_webhook_settings(self, settings: dict[str, Any]) -> None:
        """``webhooks/update_settings``."""
        self.call("webhooks/update_settings", settings)

    def webhook_settings(self, organization_id: str) -> dict[str, Any]:
        """``webhooks/settings``: what Syrve holds now."""
        return self.call("webhooks/settings", {"organizationId": organization_id})


def _is_id(item: Any) -> bool:
    return isinstance(item, dict) and bool(item.get("id"))


def _unwrap(response: Reply, path: str) -> dict[str, Any]:
    if response.status_code == 401:
        raise PosAuthRejected(f"{path}: unauthorized: {_description(response)}")
    if response.status_code >= 400:
        raise PosRejected(f"{path}: HTTP {response.status_code}: {_description(response)}")
    return json_object(response, path)


def _description(response: Reply) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        return str(body.get("errorDescription") or body.get("error") or "")[:300]
    return ""
