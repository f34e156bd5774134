"""A code pool synced from a Syrve coupon series, on the console: its last sync and "Sync now"."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.config import Settings
from tests.support.api import Api
from tests.support.console import Console
from tests.support.fake_syrve import FakeSyrve, connection_body, syrve_settings
from tests.support.pos import connect_program

SERIES = "9a4c2f1e-0000-4000-8000-00000000c001"


@pytest.fixture
def settings(settings: Settings, syrve: FakeSyrve) -> Settings:
    """The app reaches the fake Syrve."""
    return settings.model_copy(update=syrve_settings(syrve))


@pytest.fixture
def pool_id(api: Api, merchant: dict[str, Any], syrve: FakeSyrve) -> str:
    """A pool bound to a series of the merchant's Serve connection."""
    key = merchant["api_key"]
    syrve.add_coupons(SERIES, "SUMMER", ["SUM-001", "SUM-002"])
    _program, connection = connect_program(api, key, connection_body(syrve))
    created = api.call("POST", "/v1/code-pools", key, json={"name": "Syrve coupons"}).get_json()
    source = {"connection_id": connection["id"], "series_id": SERIES}
    bound = api.call("PATCH", f"/v1/code-pools/{created['id']}", key, json={"source": source})
    assert bound.status_code == 200, bound.get_json()
    pool: str = created["id"]
    return pool


def test_the_pool_page_shows_the_source_and_syncs_now(
    owner_console: Console, syrve: FakeSyrve, pool_id: str
) -> None:
    page = owner_console.get(f"/console/code-pools/{pool_id}").get_data(as_text=True)
    assert "2 free codes" in page
    assert f'<span class="mono">{SERIES}</span>' in page
    assert "Last sync: <time" in page

    syrve.add_coupons(SERIES, "SUMMER", ["SUM-003"])
    syrve.activate_coupon("SUM-001")
    synced = owner_console.submit(f"/console/code-pools/{pool_id}/sync", {})
    assert synced.status_code == 302
    page = owner_console.get(synced.headers["Location"]).get_data(as_text=True)
    assert "Synced with the POS: 2 free codes." in page
    assert "1 used or deleted in the POS" in page


def test_a_failed_sync_is_shown_on_the_page(
    owner_console: Console, syrve: FakeSyrve, pool_id: str
) -> None:
    syrve.outages = 10
    owner_console.get(f"/console/code-pools/{pool_id}")
    synced = owner_console.submit(f"/console/code-pools/{pool_id}/sync", {})
    page = owner_console.get(synced.headers["Location"]).get_data(as_text=True)
    assert "The sync did not work" in page
    assert "The last sync failed: the POS could not be reached" in page
    assert "2 free codes" in page


def test_a_pool_is_bound_to_a_series_from_its_page(
    owner_console: Console, api: Api, merchant: dict[str, Any], syrve: FakeSyrve
) -> None:
    key = merchant["api_key"]
    syrve.add_coupons(SERIES, "SUMMER", ["SUM-001", "SUM-002"])
    _program, connection = connect_program(api, key, connection_body(syrve))
    created = api.call("POST", "/v1/code-pools", key, json={"name": "Coupons"}).get_json()
    path = f"/console/code-pools/{created['id']}"
    page = owner_console.get(path).get_data(as_text=True)
    assert f'<option value="{connection["id"]}"' in page

    wrong = {"connection_id": connection["id"], "series_id": "no-such-series"}
    refused = owner_console.submit(f"{path}/source", wrong, path)
    assert refused.status_code == 422
    assert 'id="series_id-error"' in refused.get_data(as_text=True)
    assert api.call("GET", f"/v1/code-pools/{created['id']}", key).get_json()["source"] is None

    good = {"connection_id": connection["id"], "series_id": SERIES}
    bound = owner_console.submit(f"{path}/source", good, path)
    assert bound.status_code == 302
    pool = api.call("GET", f"/v1/code-pools/{created['id']}", key).get_json()
    assert (pool["source"]["series_id"], pool["available"]) == (SERIES, 2)


def test_another_merchants_pool_cannot_be_synced(
    owner_console: Console, api: Api, other_merchant: dict[str, Any]
) -> None:
    theirs = api.call(
        "POST", "/v1/code-pools", other_merchant["api_key"], json={"name": "Theirs"}
    ).get_json()["id"]
    owner_console.get("/console/code-pools")
    refused = owner_console.submit(f"/console/code-pools/{theirs}/sync", {})
    assert refused.status_code == 404
    owner_console.get("/console/code-pools")
    source = {"connection_id": "con_x", "series_id": SERIES}
    refused = owner_console.submit(f"/console/code-pools/{theirs}/source", source)
    assert refused.status_code == 404
