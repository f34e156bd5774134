"""Code pools filled from a Syrve coupon series: binding, sync, retired coupons, refills."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from connectors.inbox.jobs import sync_pos
from tests.connectors.serve.test_serve import connect
from tests.support.codes import code_voucher
from tests.support.events import stored_events
from tests.support.fake_poster import FakePoster, poster_settings
from tests.support.fake_poster import connection_body as poster_connection
from tests.support.fake_syrve import FakeSyrve, syrve_settings
from tests.support.pos import PosWorld, make_world
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card

SERIES = "9a4c2f1e-0000-4000-8000-00000000c001"


@pytest.fixture
def world(make_app: Callable[..., Flask], syrve: FakeSyrve) -> PosWorld:
    syrve.add_coupons(SERIES, "SUMMER", ["SUM-001", "SUM-002", "SUM-003"])
    return connect(make_app(**syrve_settings(syrve)), syrve)


@pytest.fixture
def pool_id(world: PosWorld) -> str:
    """A pool bound to the series (and so synced once)."""
    created = new_pool(world)
    bound = bind(world, created)
    assert bound.status_code == 200, bound.get_json()
    return created


def call(world: PosWorld, method: str, path: str, body: Any = None) -> Any:
    return world.api.call(method, path, world.key, json=body)


def new_pool(world: PosWorld) -> str:
    created = call(world, "POST", "/v1/code-pools", {"name": "Syrve coupons"})
    assert created.status_code == 201, created.get_json()
    pool_id: str = created.get_json()["id"]
    return pool_id


def bind(world: PosWorld, pool_id: str, series: str = SERIES, connection_id: str = "") -> Any:
    source = {"connection_id": connection_id or world.connection["id"], "series_id": series}
    return call(world, "PATCH", f"/v1/code-pools/{pool_id}", {"source": source})


def pool(world: PosWorld, pool_id: str) -> dict[str, Any]:
    read = call(world, "GET", f"/v1/code-pools/{pool_id}")
    assert read.status_code == 200, read.get_json()
    body: dict[str, Any] = read.get_json()
    return body


def sync(world: PosWorld, pool_id: str) -> Any:
    return call(world, "POST", f"/v1/code-pools/{pool_id}/sync")


def pool_voucher(world: PosWorld, pool_id: str) -> dict[str, Any]:
    """A goodwill voucher drawn from the pool, on a new card of the world's program."""
    card = call(world, "POST", "/v1/cards", {"program_id": world.program["id"]}).get_json()
    reward = code_voucher({"mode": "pool", "pool_id": pool_id})
    given = call(world, "POST", "/v1/vouchers", {"reward": reward, "card_number": card["number"]})
    assert given.status_code == 201, given.get_json()
    voucher: dict[str, Any] = given.get_json()
    return voucher


def test_binding_a_pool_to_a_series_fills_it_with_the_series_unused_coupons(
    world: PosWorld, syrve: FakeSyrve
) -> None:
    pool_id = new_pool(world)
    bound = bind(world, pool_id)
    assert bound.status_code == 200, bound.get_json()
    body = pool(world, pool_id)
    assert (body["available"], body["taken"], body["retired"]) == (3, 0, 0)
    source = body["source"]
    assert (source["connection_id"], source["series_id"]) == (world.connection["id"], SERIES)
    assert source["synced_at"] is not None
    assert source["sync_error"] is None
    assert syrve.count("loyalty/iiko/coupons/series") == 1
    assert syrve.count("loyalty/iiko/coupons/by_series") == 1
    assert pool_voucher(world, pool_id)["code"] == "SUM-001"


def test_coupons_the_pos_reports_activated_or_deleted_are_never_handed_out(
    world: PosWorld, syrve: FakeSyrve, pool_id: str
) -> None:
    syrve.activate_coupon("SUM-001")
    syrve.delete_coupon("SUM-002")
    synced = sync(world, pool_id)
    assert synced.status_code == 200, synced.get_json()
    assert (synced.get_json()["available"], synced.get_json()["retired"]) == (1, 2)
    assert pool_voucher(world, pool_id)["code"] == "SUM-003"
    assert pool(world, pool_id)["available"] == 0


def test_an_empty_pool_refills_on_the_next_sync_and_waiting_vouchers_get_codes(
    world: PosWorld, syrve: FakeSyrve, pool_id: str
) -> None:
    reward = code_voucher({"mode": "pool", "pool_id": pool_id})
    program = call(
        world, "POST", "/v1/programs", nine_stamp_card(stamps_goal=1, reward=reward, milestones=[])
    ).get_json()
    codes: list[dict[str, Any]] = []
    waiting: list[dict[str, Any]] = []
    for _ in range(4):
        number = call(world, "POST", "/v1/cards", {"program_id": program["id"]}).get_json()
        stamped = call(
            world, "POST", f"/v1/cards/{number['number']}/stamps", {"count": 1, "channel": "api"}
        ).get_json()
        voucher = stamped["rewards"][0]["voucher"]
        (codes if voucher["code"] else waiting).append(voucher)
    assert [voucher["code"] for voucher in codes] == ["SUM-001", "SUM-002", "SUM-003"]
    assert len(waiting) == 1
    assert pool(world, pool_id)["available"] == 0

    syrve.add_coupons(SERIES, "SUMMER", ["SUM-004", "SUM-005"])
    sync_pos(*_machinery(world.app))  # the periodic round, as the worker runs it

    read = call(world, "GET", f"/v1/vouchers/{waiting[0]['id']}").get_json()
    assert read["code"] == "SUM-004"
    [assigned] = stored_events(world.app, "voucher.code_assigned")
    assert (assigned.data["voucher_id"], assigned.data["code"]) == (waiting[0]["id"], "SUM-004")
    assert pool(world, pool_id)["available"] == 1


def test_a_sync_while_the_pos_is_down_keeps_the_codes_and_shows_the_error(
    world: PosWorld, syrve: FakeSyrve, pool_id: str
) -> None:
    syrve.delete_coupon("SUM-001")
    syrve.outages = 10
    assert_problem(sync(world, pool_id), 502, "pos_unreachable")
    body = pool(world, pool_id)
    assert body["available"] == 3  # nothing was retired on a failed read
    assert body["source"]["sync_error"] == "the POS could not be reached"

    syrve.outages = 0
    sync(world, pool_id)
    body = pool(world, pool_id)
    assert (body["available"], body["retired"], body["source"]["sync_error"]) == (2, 1, None)


def test_bad_sources_are_refused_with_their_codes(
    make_app: Callable[..., Flask], syrve: FakeSyrve, poster: FakePoster
) -> None:
    syrve.add_coupons(SERIES, "SUMMER", ["SUM-001"])
    app = make_app(**{**syrve_settings(syrve), **poster_settings(poster)})
    world = connect(app, syrve)
    pool_id = new_pool(world)
    assert_problem(bind(world, pool_id, series="no-such-series"), 422, "unknown_coupon_series")
    # A series of another organization of the same API login is not this connection's.
    syrve.add_coupons("series-b", "BISTRO", ["B-1"], organization="7d2b5b7e-other-organization")
    assert_problem(bind(world, pool_id, series="series-b"), 422, "unknown_coupon_series")
    assert_problem(sync(world, pool_id), 409, "pool_not_bound")

    other = make_world(app, poster_connection(poster))
    assert_problem(bind(world, pool_id, connection_id=other.connection["id"]), 404, "not_found")
    poster_pool = new_pool(other)
    assert_problem(bind(other, poster_pool), 422, "pool_source_unsupported")
    assert pool(world, pool_id)["source"] is None


def test_unbinding_keeps_the_codes(world: PosWorld, pool_id: str) -> None:
    unbound = call(world, "PATCH", f"/v1/code-pools/{pool_id}", {"source": None})
    assert unbound.status_code == 200, unbound.get_json()
    assert (unbound.get_json()["source"], unbound.get_json()["available"]) == (None, 3)


def _machinery(app: Flask) -> tuple[Any, Any, Any]:
    ext = app.extensions["stampgate"]
    return ext.session_factory, ext.settings, ext.connectors


def test_another_merchants_pool_cannot_be_bound_or_synced(
    world: PosWorld, api_key_of_other: str
) -> None:
    pool_id = new_pool(world)
    source = {"connection_id": world.connection["id"], "series_id": SERIES}
    patched = world.api.call(
        "PATCH", f"/v1/code-pools/{pool_id}", api_key_of_other, json={"source": source}
    )
    assert_problem(patched, 404, "not_found")
    synced = world.api.call("POST", f"/v1/code-pools/{pool_id}/sync", api_key_of_other)
    assert_problem(synced, 404, "not_found")
    assert pool(world, pool_id)["source"] is None


@pytest.fixture
def api_key_of_other(world: PosWorld) -> str:
    key: str = world.api.create_merchant("Elsewhere")["api_key"]
    return key


def test_a_refused_login_parks_the_connection_and_shows_on_the_pool(
    world: PosWorld, syrve: FakeSyrve, pool_id: str
) -> None:
    syrve.api_login = "rotated-in-the-back-office"
    syrve.expire_tokens()
    assert_problem(sync(world, pool_id), 409, "pos_auth_rejected")
    assert pool(world, pool_id)["source"]["sync_error"].startswith("the POS refused")
    connection = call(world, "GET", f"/v1/connections/{world.connection['id']}").get_json()
    assert connection["status"] == "needs_reauth"
    assert pool(world, pool_id)["available"] == 3


def test_openapi_documents_reading_and_binding_a_pool_on_one_path(world: PosWorld) -> None:
    paths = world.client.get("/openapi.json").get_json()["paths"]
    assert set(paths["/v1/code-pools/{pool_id}"]) == {"get", "patch"}
    assert set(paths["/v1/code-pools/{pool_id}/sync"]) == {"post"}
