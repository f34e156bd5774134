"""A merchant with Google Wallet credentials pointing at the fake, and its worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import select

from gateway.wallet.google.models import GoogleJob
from gateway.wallet.google.worker import GoogleWorker, drain_google
from tests.support.api import Api
from tests.support.fake_google_wallet import ISSUER_ID, FakeGoogleWallet
from tests.support.programs import nine_stamp_card


@dataclass
class WalletWorld:
    """The app, a merchant with Google credentials and a program, and the fake Google."""

    app: Flask
    api: Api
    key: str
    program_id: str
    google: FakeGoogleWallet

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """A merchant request that must succeed; its JSON body."""
        response = self.api.call(method, path, self.key, **kwargs)
        assert response.status_code < 300, (path, response.get_json())
        return response.get_json()

    def card(self) -> dict[str, Any]:
        """A new card of the program."""
        card: dict[str, Any] = self.call("POST", "/v1/cards", json={"program_id": self.program_id})
        return card

    def stamp(self, number: str, count: int = 1) -> dict[str, Any]:
        """Stamp a card through the API."""
        body = {"count": count, "channel": "api"}
        stamped: dict[str, Any] = self.call("POST", f"/v1/cards/{number}/stamps", json=body)
        return stamped

    def work(self) -> int:
        """Work every due Google job, as a worker would."""
        ext = self.app.extensions["stampgate"]
        return drain_google(GoogleWorker(ext.settings, ext.session_factory))

    def jobs(self) -> list[GoogleJob]:
        """Every Google job, oldest first."""
        with self.app.extensions["stampgate"].session_factory() as session:
            return list(session.scalars(select(GoogleJob).order_by(GoogleJob.id)))


def wallet_world(app: Flask, google: FakeGoogleWallet) -> WalletWorld:
    """A merchant of ``app`` whose Google Wallet credentials take tokens from ``google``."""
    api = Api(app.test_client(), app.extensions["stampgate"].settings.admin_token)
    key = api.create_merchant("Wallet Cafe")["api_key"]
    body = {"issuer_id": ISSUER_ID, "service_account": google.service_account()}
    assert api.call("PUT", "/v1/wallet/google", key, json=body).status_code == 200
    program = api.call("POST", "/v1/programs", key, json=nine_stamp_card()).get_json()
    return WalletWorld(app, api, key, program["id"], google)
