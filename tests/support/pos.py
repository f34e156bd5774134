"""A merchant, program and POS connection wired to a fake POS, plus inbox helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from connectors.inbox.models import InboundEvent
from connectors.inbox.processing import Processor, drain_inbox
from tests.support.api import Api
from tests.support.programs import nine_stamp_card

LOOPBACK = ("127.0.0.0/8",)
POS_TEST_SETTINGS: dict[str, Any] = {
    "webhook_allowed_networks": LOOPBACK,
    "pos_retry_backoff": 0.0,
    "inbound_retry_schedule": (0, 0, 0),
}


@dataclass
class PosWorld:
    """The app under test, the merchant's key, its program and its connection."""

    app: Flask
    api: Api
    key: str
    program: dict[str, Any]
    connection: dict[str, Any]

    @property
    def client(self) -> FlaskClient:
        """A test client of the app."""
        return self.api.client

    def process(self) -> int:
        """Process every due inbound event now, as a worker would."""
        ext = self.app.extensions["stampgate"]
        return drain_inbox(Processor(ext.settings, ext.session_factory, ext.connectors))

    def inbound(self, status: str | None = None) -> list[dict[str, Any]]:
        """The merchant's inbound events through the API, oldest first."""
        query = f"&status={status}" if status else ""
        response = self.api.call("GET", f"/v1/inbound-events?limit=500{query}", self.key)
        assert response.status_code == 200, response.get_json()
        return list(reversed(response.get_json()["items"]))

    def stored_events(self) -> list[InboundEvent]:
        """Every inbound row."""
        with self.app.extensions["stampgate"].session_factory() as session:
            return list(session.scalars(select(InboundEvent).order_by(InboundEvent.id)))

    def card(self, number: str) -> dict[str, Any]:
        """A card by number."""
        response = self.api.call("GET", f"/v1/cards/{number}", self.key)
        assert response.status_code == 200, response.get_json()
        body: dict[str, Any] = response.get_json()
        return body

    def cards(self, query: str) -> list[dict[str, Any]]:
        """Cards matching a lookup (``pos=poster:7``, ``phone=...``)."""
        response = self.api.call("GET", f"/v1/cards?{query}", self.key)
        assert response.status_code == 200, response.get_json()
        items: list[dict[str, Any]] = response.get_json()["items"]
        return items


def make_world(
    app: Flask, connection_body: dict[str, Any], currency: str = "UAH", **program: Any
) -> PosWorld:
    """Provision a merchant with a 9-stamp program and connect it with ``connection_body``."""
    api = Api(app.test_client(), app.extensions["stampgate"].settings.admin_token)
    merchant = api.create_merchant("POS Cafe", currency=currency)
    key = merchant["api_key"]
    program_body, connection = connect_program(api, key, connection_body, **program)
    return PosWorld(app, api, key, program_body, connection)


def connect_program(
    api: Api, key: str, connection_body: dict[str, Any], **program: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A 9-stamp program of the merchant and a connection feeding it, through the API."""
    created = api.call("POST", "/v1/programs", key, json=nine_stamp_card(**program))
    assert created.status_code == 201, created.get_json()
    program_body: dict[str, Any] = created.get_json()
    response = api.call(
        "POST", "/v1/connections", key, json={**connection_body, "program_id": program_body["id"]}
    )
    assert response.status_code == 201, response.get_json()
    connection: dict[str, Any] = response.get_json()
    return program_body, connection
