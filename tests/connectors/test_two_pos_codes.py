"""One redeem code across a merchant's POS systems: a Poster café and a Syrve restaurant map
the same code; a voucher redeemed at one is rejected at the other."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from connectors.inbox.processing import Processor, drain_inbox
from tests.support.console import Console, make_user
from tests.support.events import event_data
from tests.support.fake_poster import FakePoster, poster_hook, poster_settings, running_poster
from tests.support.fake_poster import connection_body as poster_connection
from tests.support.fake_syrve import KYIV_TERMINAL, FakeSyrve, order_event, syrve_settings
from tests.support.fake_syrve import connection_body as syrve_connection
from tests.support.pos import PosWorld, make_world
from tests.support.programs import FREE_PIZZA

CODE = "FREEPIZZA9"
PIZZA = {"product_id": "40", "num": "1", "payed_sum": "0", "promotion_id": "5"}
LATTE = {"product_id": "12", "num": "1", "payed_sum": "8000"}
PIZZA_DISCOUNT = {"discountType": {"id": "disc-pizza", "name": "Free pizza"}, "sum": 10}


@pytest.fixture
def poster() -> Iterator[FakePoster]:
    with running_poster() as fake:
        fake.clients["7"] = {"client_id": "7", "phone_number": "380501111111"}
        fake.promotions = [{"promotion_id": "5", "name": "Free pizza"}]
        yield fake


@dataclass
class TwoPos:
    """A merchant with a Poster café and a Syrve restaurant feeding one program."""

    world: PosWorld
    poster: FakePoster
    syrve: FakeSyrve
    serve: dict[str, Any]

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """An API call with the merchant's key; its JSON."""
        response = self.world.api.call(method, path, self.world.key, json=body)
        assert response.status_code < 300, (path, response.get_json())
        return response.get_json()

    def poster_sale(self, transaction_id: str, lines: list[dict[str, Any]]) -> None:
        """A closed Poster transaction of client 7 and its webhook."""
        self.poster.add_sale(transaction_id, lines, client_id="7")
        hooked = self.world.client.post("/hooks/poster", json=poster_hook(int(transaction_id)))
        assert hooked.status_code == 200

    def syrve_order(self, order_id: str, **order: Any) -> None:
        """A closed Syrve order of customer cust-1 (same phone) and its webhook."""
        headers = {"Authorization": f"Bearer {self.serve['webhook_token']}"}
        url = f"/hooks/serve/{self.serve['id']}"
        hooked = self.world.client.post(url, json=[order_event(order_id, **order)], headers=headers)
        assert hooked.status_code == 200

    def sale(self, source: str, transaction_id: str) -> dict[str, Any]:
        """The recorded sale of one POS transaction."""
        items = self.call("GET", "/v1/sales?limit=100")["items"]
        (found,) = [
            s for s in items if (s["source"], s["transaction_id"]) == (source, transaction_id)
        ]
        return dict(found)


def two_pos(app: Flask, poster: FakePoster, syrve: FakeSyrve) -> TwoPos:
    """Connect both POS to one program and map the same code in each."""
    world = make_world(app, poster_connection(poster), currency="EUR")
    body = {**syrve_connection(syrve), "program_id": world.program["id"]}
    created = world.api.call("POST", "/v1/connections", world.key, json=body)
    assert created.status_code == 201, created.get_json()
    setup = TwoPos(world, poster, syrve, created.get_json())
    syrve.discounts = [{"id": "disc-pizza", "name": "Free pizza", "isDeleted": False}]
    setup.call("PUT", f"/v1/connections/{world.connection['id']}/codes", {"5": CODE})
    setup.call("PUT", f"/v1/connections/{setup.serve['id']}/codes", {"disc-pizza": CODE})
    setup.call("PUT", f"/v1/connections/{world.connection['id']}/locations", {"1": "cafe"})
    setup.call("PUT", f"/v1/connections/{setup.serve['id']}/locations", {KYIV_TERMINAL: "bistro"})
    return setup


def redeem_at_poster_then_try_at_syrve(setup: TwoPos, process: Callable[[], object]) -> str:
    """The scenario: a first visit makes the card, a goodwill voucher, redeemed at the café,
    then shown again at the restaurant. Returns the voucher's id."""
    setup.poster_sale("301", [LATTE])
    process()
    number = setup.world.cards("pos=poster:7")[0]["number"]
    body = {"reward": FREE_PIZZA, "card_number": number, "reason": "goodwill"}
    voucher = setup.call("POST", "/v1/vouchers", body)
    setup.poster_sale("302", [PIZZA])
    process()
    setup.syrve_order("order-r1", discounts=[PIZZA_DISCOUNT])
    process()
    return str(voucher["id"])


def assert_rejected_at_syrve(setup: TwoPos, voucher_id: str) -> None:
    """Redeemed once, at Poster; the Syrve sale carries the rejection, and it is announced."""
    voucher = setup.call("GET", f"/v1/vouchers/{voucher_id}")
    assert voucher["status"] == "redeemed"
    cafe, restaurant = setup.sale("poster", "302"), setup.sale("serve", "order-r1")
    assert cafe["card_number"] == restaurant["card_number"]  # one customer, one card
    assert [r["status"] for r in cafe["redemptions"]] == ["redeemed"]
    (rejected,) = restaurant["redemptions"]
    assert (rejected["status"], rejected["reason"]) == ("rejected", "already_redeemed")
    assert rejected["voucher_id"] == voucher_id
    (announced,) = event_data(setup.world.app, "voucher.redemption_rejected")
    assert (announced["code"], announced["sale_id"]) == (CODE, restaurant["id"])
    (redemption,) = setup.call("GET", f"/v1/redemptions?voucher_id={voucher_id}")["items"]
    assert redemption["connection_id"] == setup.world.connection["id"]
    assert (redemption["location"], cafe["location"]) == ("cafe", "cafe")


def test_a_code_redeemed_at_the_cafe_is_rejected_at_the_restaurant(
    make_app: Callable[..., Flask], poster: FakePoster, syrve: FakeSyrve
) -> None:
    app = make_app(**{**syrve_settings(syrve), **poster_settings(poster)})
    setup = two_pos(app, poster, syrve)
    ext = app.extensions["stampgate"]
    processor = Processor(ext.settings, ext.session_factory, ext.connectors)
    voucher_id = redeem_at_poster_then_try_at_syrve(setup, lambda: drain_inbox(processor))
    assert_rejected_at_syrve(setup, voucher_id)

    merchant = setup.call("GET", "/v1/merchant")
    console = Console(app.test_client())
    console.log_in(make_user(app, merchant["id"], "owner@two.example").email)
    page = console.get(f"/console/vouchers/{voucher_id}").get_data(as_text=True)
    cafe = setup.world.connection
    assert f'Poster · account <span class="mono">{cafe["account"]}</span>' in page
    assert f'>{cafe["id"]}</a>) · location <span class="mono">cafe</span>' in page
