"""POS catalogues: both connectors answer one shape from the fake Poster and Syrve, and
``GET /v1/connections/{id}/catalog`` keeps it, refreshes it and stands in when the POS is down."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from connectors.connections.models import PosCatalog
from tests.support.fake_poster import FakePoster, poster_settings
from tests.support.fake_poster import connection_body as poster_body
from tests.support.fake_syrve import (
    COFFEE_GROUP,
    KYIV_TERMINAL,
    LISBON_TERMINAL,
    FakeSyrve,
    syrve_settings,
)
from tests.support.fake_syrve import connection_body as serve_body
from tests.support.pos import PosWorld, make_world
from tests.support.problems import assert_problem


@pytest.fixture
def poster_world(make_app: Callable[..., Flask], poster: FakePoster) -> PosWorld:
    return make_world(make_app(**poster_settings(poster)), poster_body(poster))


@pytest.fixture
def serve_world(make_app: Callable[..., Flask], syrve: FakeSyrve) -> PosWorld:
    return make_world(make_app(**syrve_settings(syrve)), serve_body(syrve), currency="EUR")


def catalog(world: PosWorld, query: str = "") -> Any:
    return world.api.call(
        "GET", f"/v1/connections/{world.connection['id']}/catalog{query}", world.key
    )


def test_poster_lists_its_spots_categories_and_products(poster_world: PosWorld) -> None:
    response = catalog(poster_world)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["locations"] == [
        {"id": "1", "name": "Podil", "timezone": None},
        {"id": "2", "name": "Obolon", "timezone": None},
    ]
    assert body["categories"] == [{"id": "3", "name": "Coffee"}, {"id": "4", "name": "Pastry"}]
    assert {"id": "12", "name": "Latte", "category": "3"} in body["products"]
    assert {"id": "30", "name": "Water", "category": None} in body["products"]  # "0" is none
    assert body["fetched_at"].endswith("Z")


def test_syrve_lists_terminal_groups_with_zones_and_its_menu(serve_world: PosWorld) -> None:
    response = catalog(serve_world)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["locations"] == [
        {"id": KYIV_TERMINAL, "name": "Podil", "timezone": "Europe/Kiev"},
        {"id": LISBON_TERMINAL, "name": "Baixa", "timezone": "Europe/Lisbon"},
    ]
    # Menu groups are the categories (an order item's productGroup); modifier groups are not.
    assert body["categories"] == [{"id": COFFEE_GROUP, "name": "Coffee"}]
    # Modifiers and deleted products are left out.
    assert body["products"] == [{"id": "prod-latte", "name": "Latte", "category": COFFEE_GROUP}]


def test_the_catalogue_is_kept_and_refreshed_on_request(
    poster_world: PosWorld, poster: FakePoster
) -> None:
    first = catalog(poster_world).get_json()
    poster.menu.append({"product_id": "40", "product_name": "Cocoa", "menu_category_id": "3"})
    kept = catalog(poster_world).get_json()
    assert kept == first
    assert poster.count("menu.getProducts") == 1
    fresh = catalog(poster_world, "?refresh=true").get_json()
    assert {"id": "40", "name": "Cocoa", "category": "3"} in fresh["products"]
    assert poster.count("menu.getProducts") == 2


def test_an_old_catalogue_is_fetched_again(poster_world: PosWorld, poster: FakePoster) -> None:
    catalog(poster_world)
    with poster_world.app.extensions["stampgate"].session_factory() as session:
        row = session.get(PosCatalog, poster_world.connection["id"])
        assert row is not None
        row.fetched_at = row.fetched_at.replace(year=row.fetched_at.year - 1)
        session.commit()
    poster.spots.append({"spot_id": "3", "spot_name": "Terrace"})
    body = catalog(poster_world).get_json()
    assert {"id": "3", "name": "Terrace", "timezone": None} in body["locations"]


def test_a_pos_down_answers_the_kept_catalogue_or_pos_unreachable(
    poster_world: PosWorld, poster: FakePoster
) -> None:
    poster.outages = 1000
    assert_problem(catalog(poster_world), 502, "pos_unreachable")
    poster.outages = 0
    kept = catalog(poster_world).get_json()
    poster.outages = 1000
    again = catalog(poster_world, "?refresh=true")
    assert again.status_code == 200
    assert again.get_json() == kept


def test_a_refused_login_answers_pos_auth_rejected(
    poster_world: PosWorld, poster: FakePoster
) -> None:
    poster.token = "another-token"
    assert_problem(catalog(poster_world, "?refresh=true"), 409, "pos_auth_rejected")
    connection = poster_world.api.call(
        "GET", f"/v1/connections/{poster_world.connection['id']}", poster_world.key
    ).get_json()
    assert connection["status"] == "needs_reauth"
    calls = len(poster.calls)
    assert_problem(catalog(poster_world), 409, "pos_auth_rejected")
    assert len(poster.calls) == calls  # refused once: not asked again until a refresh


def test_a_kept_catalogue_stands_in_while_the_connection_needs_reauth(
    poster_world: PosWorld, poster: FakePoster
) -> None:
    kept = catalog(poster_world).get_json()
    poster.token = "another-token"
    assert_problem(catalog(poster_world, "?refresh=true"), 409, "pos_auth_rejected")
    assert catalog(poster_world).get_json() == kept


def test_another_merchants_connection_is_not_found(poster_world: PosWorld) -> None:
    other = poster_world.api.create_merchant("Other cafe")
    path = f"/v1/connections/{poster_world.connection['id']}/catalog"
    assert_problem(poster_world.api.call("GET", path, other["api_key"]), 404, "not_found")
