"""A Syrve organization must count in the merchant's currency: checked when the connection is
made (422 ``currency_mismatch``) and on every sync (recorded on the connection)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from connectors.connections.sync import sync_all
from tests.connectors.serve.test_serve import connect
from tests.support.api import Api
from tests.support.fake_syrve import FakeSyrve, connection_body, syrve_settings
from tests.support.pos import PosWorld
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card


def claim(app: Flask, syrve: FakeSyrve, currency: str) -> tuple[Api, str, Any]:
    """A merchant in ``currency`` asking to connect the fake's organization."""
    api = Api(app.test_client(), app.extensions["stampgate"].settings.admin_token)
    key = api.create_merchant("Syrve Cafe", currency=currency)["api_key"]
    program = api.call("POST", "/v1/programs", key, json=nine_stamp_card()).get_json()
    body = {**connection_body(syrve), "program_id": program["id"]}
    return api, key, api.call("POST", "/v1/connections", key, json=body)


def test_an_organization_in_another_currency_is_refused_naming_both(
    make_app: Callable[..., Flask], syrve: FakeSyrve
) -> None:
    syrve.currency = "USD"
    api, key, response = claim(make_app(**syrve_settings(syrve)), syrve, "EUR")

    problem = assert_problem(response, 422, "currency_mismatch")
    assert "USD" in problem["detail"]
    assert "EUR" in problem["detail"]
    assert api.call("GET", "/v1/connections", key).get_json()["items"] == []


def test_an_organization_in_the_merchants_currency_is_connected(
    make_app: Callable[..., Flask], syrve: FakeSyrve
) -> None:
    syrve.currency = "UAH"
    _, _, response = claim(make_app(**syrve_settings(syrve)), syrve, "UAH")

    assert response.status_code == 201, response.get_json()
    assert syrve.count("organizations") >= 2  # the ownership claim, then the currency


@pytest.fixture
def world(make_app: Callable[..., Flask], syrve: FakeSyrve) -> PosWorld:
    world = connect(make_app(**syrve_settings(syrve)), syrve)
    syrve.discounts = [{"id": "disc-pizza", "name": "Free pizza"}]
    path = f"/v1/connections/{world.connection['id']}/codes"
    mapped = world.api.call("PUT", path, world.key, json={"disc-pizza": "FREEPIZZA9"})
    assert mapped.status_code == 200, mapped.get_json()
    return world


def sync(world: PosWorld) -> list[tuple[str, str | None]]:
    ext = world.app.extensions["stampgate"]
    results = sync_all(ext.session_factory, ext.settings, ext.connectors)
    return [(result.status, result.error) for result in results]


def status_reason(world: PosWorld) -> str | None:
    path = f"/v1/connections/{world.connection['id']}"
    reason: str | None = world.api.call("GET", path, world.key).get_json()["status_reason"]
    return reason


def test_a_sync_records_a_changed_currency_and_clears_it_once_it_matches(
    world: PosWorld, syrve: FakeSyrve
) -> None:
    syrve.currency = "USD"
    ((status, error),) = sync(world)

    assert status == "failed"
    assert str(error).startswith("currency_mismatch")
    reason = str(status_reason(world))
    assert reason.startswith("currency_mismatch")
    assert "USD" in reason
    assert "EUR" in reason

    syrve.currency = "EUR"
    assert sync(world) == [("synced", None)]
    assert status_reason(world) is None
