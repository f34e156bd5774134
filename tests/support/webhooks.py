"""Webhook test helpers: register endpoints, run delivery rounds, verify what a receiver got."""

from __future__ import annotations

from typing import Any

from flask import Flask
from standardwebhooks import Webhook

from tests.support.api import Api
from tests.support.receiver import Received
from webhooks.deliver import Deliverer, drain

LOOPBACK = ("127.0.0.0/8",)


def deliverer_of(app: Flask) -> Deliverer:
    """A deliverer with the app's settings and sessions."""
    ext = app.extensions["stampgate"]
    return Deliverer(ext.settings, ext.session_factory)


def add_endpoint(api: Api, merchant: dict[str, Any], url: str, **fields: Any) -> dict[str, Any]:
    """Register an endpoint (201 asserted); returns it with its secret."""
    response = api.call(
        "POST", "/v1/webhook-endpoints", merchant["api_key"], json={"url": url, **fields}
    )
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def deliver_all(app: Flask, rounds: int = 10) -> None:
    """Run delivery rounds until nothing is due (with a schedule of 0 s, retries too)."""
    deliverer = deliverer_of(app)
    for _ in range(rounds):
        if drain(deliverer) == 0:
            return


def verify(request: Received, secret: str) -> dict[str, Any]:
    """The payload of a received webhook, after checking its signature."""
    payload: dict[str, Any] = Webhook(secret).verify(request.body, request.headers)
    return payload
