"""A POS sale without a customer gets its claim link too: in the inbound event's result and
the sale, claimable like a REST sale's."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from tests.connectors.serve.test_serve import connect, deliver
from tests.support.claims import claim_by_phone
from tests.support.fake_syrve import FakeSyrve, order_event, syrve_settings


def test_an_order_without_a_customer_gets_a_claim_link(
    make_app: Callable[..., Flask], syrve: FakeSyrve
) -> None:
    world = connect(make_app(**syrve_settings(syrve)), syrve)
    assert deliver(world, order_event("order-anon", customer=None, phone=None)).status_code == 200
    world.process()
    result = world.inbound()[0]["result"]
    assert result["sale_status"] == "unattributed"
    assert "/claim/" in result["claim_url"]
    sale = world.api.call("GET", f"/v1/sales/{result['sale_id']}", world.key).get_json()
    assert sale["claim_url"] == result["claim_url"]
    outcome = claim_by_phone(world.app, result["claim_url"], "+380501234567")
    assert outcome.stamps_added == 1
