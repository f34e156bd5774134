"""Campaign test helpers: a shop with a program and cards in known states."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update
from werkzeug.test import TestResponse

from gateway.campaigns.sending import Sender
from gateway.db import utcnow
from gateway.loyalty.cards.models import Card
from tests.support.api import Api
from tests.support.programs import nine_stamp_card

_PHONES = itertools.count(1_000_000)


@dataclass
class Shop:
    """A merchant with the 9-stamp program, making cards and campaigns through the API."""

    app: Flask
    api: Api
    merchant: dict[str, Any]
    program_id: str = field(init=False)

    def __post_init__(self) -> None:
        program = self.ok("POST", "/v1/programs", json=nine_stamp_card(name="Coffee card"))
        self.program_id = program["id"]

    def call(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        """A request with the merchant's key."""
        return self.api.call(method, path, self.merchant["api_key"], **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        """A request that must succeed; its JSON body."""
        response = self.call(method, path, **kwargs)
        assert response.status_code < 300, (method, path, response.get_json())
        return response.get_json()

    def card(
        self, email: bool = True, stamps: int = 0, location: str | None = None, mail: bool = False
    ) -> str:
        """A new card (with an e-mail address unless told, agreeing to campaign e-mail if
        ``mail``), stamped as asked; its number."""
        phone = f"+38050{next(_PHONES)}"
        customer: dict[str, Any] = {"phone": phone}
        if email:
            customer["email"] = f"c{phone[1:]}@example.com"
        if mail:
            customer["consent"] = {"email": {"granted": True, "source": "kiosk"}}
        body = {"program_id": self.program_id, "customer": customer}
        number: str = self.ok("POST", "/v1/cards", json=body)["number"]
        if stamps:
            stamping = {"count": stamps, "channel": "staff", "location": location}
            self.ok("POST", f"/v1/cards/{number}/stamps", json=stamping)
        return number

    def set_card(self, number: str, **values: Any) -> None:
        """Change a card's columns directly (e.g. a last visit long ago)."""
        with self.app.extensions["stampgate"].session_factory() as session:
            session.execute(update(Card).where(Card.number == number).values(**values))
            session.commit()

    def body(self, **changes: Any) -> dict[str, Any]:
        """A campaign body to every card, on the Wallet, with changes."""
        return {
            "program_id": self.program_id,
            "segment": {"kind": "all"},
            "push_text": "Coffee's waiting ☕",
            "channels": ["wallet"],
            **changes,
        }

    def create(self, **changes: Any) -> dict[str, Any]:
        """A created campaign (201 asserted)."""
        response = self.call("POST", "/v1/campaigns", json=self.body(**changes))
        assert response.status_code == 201, response.get_json()
        campaign: dict[str, Any] = response.get_json()
        return campaign

    def preview(self, **changes: Any) -> dict[str, Any]:
        """The preview of a body (200 asserted)."""
        preview: dict[str, Any] = self.ok(
            "POST", "/v1/campaigns/preview", json=self.body(**changes)
        )
        return preview

    def sender(self) -> Sender:
        """A campaign worker with the app's settings and sessions."""
        ext = self.app.extensions["stampgate"]
        return Sender(ext.settings, ext.session_factory)


def days_ago(days: float) -> datetime:
    """A time ``days`` days before now."""
    return utcnow() - timedelta(days=days)


@pytest.fixture
def shop(app: Flask, api: Api, merchant: dict[str, Any]) -> Shop:
    """The test merchant with its program."""
    return Shop(app, api, merchant)
