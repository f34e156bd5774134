"""The program editor offers the POS's products and categories by name (from the fake Poster
over real HTTP), flags ids the POS no longer has, keeps typed ids, and takes a lottery as a
milestone reward."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from connectors.connections.models import PosCatalog
from gateway.config import Settings
from tests.support.api import Api
from tests.support.console import Console
from tests.support.fake_poster import FakePoster, poster_settings
from tests.support.fake_poster import connection_body as poster_body
from tests.support.fake_syrve import ORGANIZATION, FakeSyrve
from tests.support.fake_syrve import connection_body as serve_body
from tests.support.pos import connect_program
from tests.web.console.test_programs import NINE_STAMPS, _programs

NEW = "/console/programs/new"


@pytest.fixture
def settings(settings: Settings, poster: FakePoster, syrve: FakeSyrve) -> Settings:
    """The app reaches the fake Poster and the fake Syrve."""
    return settings.model_copy(update={**poster_settings(poster), "serve_api_url": syrve.base_url})


@pytest.fixture
def connected(api: Api, merchant: dict[str, Any], poster: FakePoster) -> dict[str, Any]:
    """The merchant's program (per sale) and its Poster connection."""
    program, _connection = connect_program(api, merchant["api_key"], poster_body(poster))
    return program


def per_item(fields: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
    form: dict[str, str | list[str]] = {**NINE_STAMPS, "rules-0-kind": "per_item", **fields}
    return form


def test_the_rule_editor_offers_poster_products_grouped_by_category(
    owner_console: Console, connected: dict[str, Any]
) -> None:
    page = unescape(owner_console.get(NEW).get_data(as_text=True))
    assert "What earns the stamps" in page
    coffee = page.index("<summary>Coffee")
    pastry = page.index("<summary>Pastry")
    assert coffee < page.index(">Latte</label>") < page.index(">Flat white</label>") < pastry
    assert pastry < page.index(">Croissant</label>")
    assert "All of Coffee (the whole category)" in page
    assert "<summary>Without a category" in page  # Water has category "0"
    assert page.index(">Water</label>") > page.index("<summary>Without a category")
    assert "Other POS product ids" in page


def test_ticked_products_and_typed_ids_make_one_rule(
    owner_console: Console, api: Api, merchant: dict[str, Any], connected: dict[str, Any]
) -> None:
    fields: dict[str, str | list[str]] = {
        "rules-0-stamps": "2",
        "rules-0-products": ["12", "13", "77, 12"],  # two ticked, then the typed field
        "rules-0-categories": ["4", ""],
    }
    form = per_item(fields)
    created = owner_console.submit(NEW, form, NEW)
    assert created.status_code == 302, created.get_data(as_text=True)
    saved = next(p for p in _programs(api, merchant) if p["id"] != connected["id"])
    assert saved["rules"] == [
        {"kind": "per_item", "stamps": 2, "products": ["12", "13", "77"], "categories": ["4"]}
    ]
    page = unescape(owner_console.get(created.headers["Location"]).get_data(as_text=True))
    assert 'name="rules-0-products" value="12" checked' in page
    assert 'name="rules-0-categories" value="4" checked' in page
    assert 'id="rules-0-products" name="rules-0-products" type="text" value="77"' in page
    # 77 is in no catalogue: flagged as a stale code mapping is.
    assert 'id="rules-0-products-stale"' in page
    assert "#77" in page
    assert 'id="rules-0-categories-stale"' not in page


def test_a_product_deleted_in_the_pos_is_flagged_after_a_refresh(
    owner_console: Console,
    api: Api,
    merchant: dict[str, Any],
    poster: FakePoster,
    connected: dict[str, Any],
) -> None:
    created = owner_console.submit(NEW, per_item({"rules-0-products": ["13"]}), NEW)
    assert created.status_code == 302
    editor = created.headers["Location"]
    assert 'id="rules-0-products-stale"' not in owner_console.get(editor).get_data(as_text=True)
    poster.menu = [item for item in poster.menu if item["product_id"] != "13"]
    connection = api.call("GET", "/v1/connections", merchant["api_key"]).get_json()["items"][0]
    path = f"/v1/connections/{connection['id']}/catalog?refresh=true"
    assert api.call("GET", path, merchant["api_key"]).status_code == 200
    page = unescape(owner_console.get(editor).get_data(as_text=True))
    assert 'id="rules-0-products-stale"' in page
    assert 'id="rules-0-products" name="rules-0-products" type="text" value="13"' in page


def test_a_pos_down_keeps_the_typed_ids(
    owner_console: Console, poster: FakePoster, connected: dict[str, Any]
) -> None:
    poster.outages = 10_000
    page = unescape(owner_console.get(NEW).get_data(as_text=True))
    assert "Your POS products cannot be listed now: Poster mycafe did not answer just now." in page
    assert "What earns the stamps" not in page
    assert "POS product ids" in page
    assert "Other POS product ids" not in page


def test_without_a_connection_ids_are_typed(owner_console: Console) -> None:
    page = owner_console.get(NEW).get_data(as_text=True)
    assert "What earns the stamps" not in page
    assert "POS product ids" in page
    assert "cannot be listed" not in page


def test_a_milestone_reward_can_be_a_lottery(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    page = owner_console.get(NEW).get_data(as_text=True)
    template = page[page.index('data-rows="milestones"') :]
    assert 'name="milestones-__i__-reward-type"' in template
    assert '<option value="lottery">' in template[: template.index("</select>")]
    assert 'data-placeholder="__v__"' in template
    form = {
        **NINE_STAMPS,
        "milestones-0-reward-type": "lottery",
        "milestones-0-reward-name": "Spin at 3",
        "milestones-0-reward-variants-0-kind": "award",
        "milestones-0-reward-variants-0-probability": "30",
        "milestones-0-reward-variants-0-name": "Cookie",
        "milestones-0-reward-variants-0-reward-description": "A cookie",
        "milestones-0-reward-variants-1-kind": "try_again",
        "milestones-0-reward-variants-1-probability": "60",
        "milestones-0-reward-variants-1-name": "Again",
    }
    refused = owner_console.submit(NEW, form, NEW)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="milestones-0-reward-variants-1-probability"' in html  # shown again as typed
    assert "not exactly 100.00" in html
    assert _programs(api, merchant) == []
    fixed = {**form, "milestones-0-reward-variants-1-probability": "70"}
    created = owner_console.submit(NEW, fixed, NEW)
    assert created.status_code == 302, created.get_data(as_text=True)
    [program] = _programs(api, merchant)
    lottery = program["milestones"][0]["reward"]
    assert lottery["type"] == "lottery"
    assert lottery["name"] == "Spin at 3"
    assert [v["probability"] for v in lottery["variants"]] == ["30.00", "70.00"]
    editor = owner_console.get(created.headers["Location"]).get_data(as_text=True)
    assert 'value="Spin at 3"' in editor
    assert 'id="milestones-0-reward-variants-1-probability"' in editor


def test_a_poster_cafe_and_a_serve_restaurant_each_offer_their_menu(
    owner_console: Console,
    api: Api,
    merchant: dict[str, Any],
    syrve: FakeSyrve,
    connected: dict[str, Any],
) -> None:
    body = {**serve_body(syrve), "program_id": connected["id"]}
    assert api.call("POST", "/v1/connections", merchant["api_key"], json=body).status_code == 201
    page = unescape(owner_console.get(NEW).get_data(as_text=True))
    poster_at = page.index("<h3>Poster mycafe</h3>")
    serve_at = page.index(f"<h3>Serve {ORGANIZATION}</h3>")
    assert poster_at < page.index(">Croissant</label>") < serve_at
    assert serve_at < page.index('value="prod-latte"')
    assert ">Oat milk</label>" not in page  # a Syrve modifier is not a product to pick
    form = per_item({"rules-0-products": ["12", "prod-latte"], "rules-0-categories": ""})
    created = owner_console.submit(NEW, form, NEW)
    assert created.status_code == 302
    editor = unescape(owner_console.get(created.headers["Location"]).get_data(as_text=True))
    assert 'value="prod-latte" checked' in editor
    assert 'id="rules-0-products-stale"' not in editor


def test_an_old_kept_menu_stands_in_while_the_pos_is_down(
    app: Flask, owner_console: Console, poster: FakePoster, connected: dict[str, Any]
) -> None:
    owner_console.get(NEW)  # lists and keeps the menu
    with app.extensions["stampgate"].session_factory() as session:
        session.execute(
            update(PosCatalog).values(fetched_at=datetime(2026, 1, 2, 9, 30, tzinfo=UTC))
        )
        session.commit()
    poster.outages = 10_000
    page = unescape(owner_console.get(NEW).get_data(as_text=True))
    assert ">Latte</label>" in page
    assert (
        "Poster mycafe did not answer just now: this is its list of 2026-01-02 09:30 UTC." in page
    )
