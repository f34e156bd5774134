"""One Syrve API login spanning several organizations: each connection applies only its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tests.connectors.serve.test_serve import connect, deliver, sales
from tests.support.fake_syrve import (
    ORGANIZATION,
    FakeSyrve,
    connection_body,
    order_event,
    syrve_settings,
)
from tests.support.pos import PosWorld, connect_program
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card

OTHER_ORGANIZATION = "7d2b5b7e-0000-4000-8000-000000000002"


@pytest.fixture
def world(make_app: Callable[..., Flask], syrve: FakeSyrve) -> PosWorld:
    return connect(make_app(**syrve_settings(syrve)), syrve)


def of_organization(event: dict[str, Any], organization: str) -> dict[str, Any]:
    """The event as Syrve sends it for another organization of the same API login."""
    event["organizationId"] = organization
    event["eventInfo"]["organizationId"] = organization
    return event


def stamps_by_program(world: PosWorld) -> dict[str, int]:
    """The stamps of customer cust-1's cards, by program."""
    return {card["program_id"]: card["stamps"] for card in world.cards("pos=serve:cust-1")}


def test_an_order_of_another_organization_is_ignored_and_stamps_nothing(
    world: PosWorld,
) -> None:
    event = of_organization(order_event("order-b-1"), OTHER_ORGANIZATION)
    assert deliver(world, event).status_code == 200
    world.process()

    assert sales(world) == []
    assert stamps_by_program(world) == {}
    (ignored,) = world.inbound("ignored")
    assert ignored["result"] == {
        "reason": "other_organization",
        "organization_id": OTHER_ORGANIZATION,
        "connection_organization_id": ORGANIZATION,
    }


def test_an_event_naming_no_organization_is_ignored(world: PosWorld) -> None:
    event = order_event("order-b-2")
    del event["organizationId"]
    del event["eventInfo"]["organizationId"]
    deliver(world, event)
    world.process()
    assert sales(world) == []
    (ignored,) = world.inbound("ignored")
    assert ignored["result"]["reason"] == "other_organization"
    assert ignored["result"]["organization_id"] is None


def test_one_api_login_backs_a_connection_per_organization_each_with_its_program(
    world: PosWorld, syrve: FakeSyrve
) -> None:
    syrve.organizations = [ORGANIZATION, OTHER_ORGANIZATION]
    second_body = {**connection_body(syrve), "organization_id": OTHER_ORGANIZATION}
    program_b, connection_b = connect_program(world.api, world.key, second_body, name="Bistro")
    world_b = PosWorld(world.app, world.api, world.key, program_b, connection_b)
    assert connection_b["organization_id"] == OTHER_ORGANIZATION

    deliver(world, order_event("order-a-1"))
    deliver(world_b, of_organization(order_event("order-b-3"), OTHER_ORGANIZATION))
    # Syrve posting each organization's order to the other's webhook as well: both ignored.
    deliver(world, of_organization(order_event("order-b-4"), OTHER_ORGANIZATION))
    deliver(world_b, order_event("order-a-2"))
    world.process()

    assert stamps_by_program(world) == {world.program["id"]: 1, program_b["id"]: 1}
    assert {sale.transaction_id: sale.program_id for sale in sales(world)} == {
        "order-a-1": world.program["id"],
        "order-b-3": program_b["id"],
    }
    ignored = {event["object_id"]: event["result"]["reason"] for event in world.inbound("ignored")}
    assert ignored == {"order-b-4": "other_organization", "order-a-2": "other_organization"}


def test_a_second_connection_of_the_same_organization_is_refused(
    world: PosWorld, syrve: FakeSyrve
) -> None:
    syrve.organizations = [ORGANIZATION, OTHER_ORGANIZATION]
    created = world.api.call("POST", "/v1/programs", world.key, json=nine_stamp_card(name="Bar"))
    body = {**connection_body(syrve), "program_id": created.get_json()["id"]}
    response = world.api.call("POST", "/v1/connections", world.key, json=body)
    assert_problem(response, 409, "connection_exists")
    shouted = {**body, "organization_id": ORGANIZATION.upper()}
    response = world.api.call("POST", "/v1/connections", world.key, json=shouted)
    assert_problem(response, 409, "connection_exists")
