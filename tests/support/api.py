"""A thin test-side client of the gateway API."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def bearer(token: str) -> dict[str, str]:
    """An Authorization header."""
    return {"Authorization": f"Bearer {token}"}


class Api:
    """Calls routes with the admin token or a merchant key, returning raw responses."""

    def __init__(self, client: FlaskClient, admin_token: str) -> None:
        self.client = client
        self.admin_token = admin_token

    def create_merchant(
        self, name: str, currency: str = "EUR", timezone: str = "Europe/Kyiv"
    ) -> dict[str, Any]:
        """Provision a merchant; returns the 201 body (with ``api_key``)."""
        response = self.client.post(
            "/admin/v1/merchants",
            json={"name": name, "currency": currency, "timezone": timezone},
            headers=bearer(self.admin_token),
        )
        assert response.status_code == 201, response.get_json()
        body: dict[str, Any] = response.get_json()
        return body

    def call(self, method: str, path: str, key: str, **kwargs: Any) -> TestResponse:
        """Any request with a merchant key."""
        headers = {**bearer(key), **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)
