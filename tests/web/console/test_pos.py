"""The POS page: connections and their health, the maps, the Serve webhook and inbound events,
against the fake Poster and Syrve over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from connectors.inbox.processing import Processor, drain_inbox
from gateway.config import Settings
from gateway.tenancy.models import User
from tests.support.api import Api
from tests.support.console import Console
from tests.support.fake_poster import (
    APP_SECRET,
    FakePoster,
    poster_hook,
    poster_settings,
    token_for,
)
from tests.support.fake_poster import connection_body as poster_body
from tests.support.fake_syrve import API_LOGIN, ORGANIZATION, FakeSyrve
from tests.support.fake_syrve import connection_body as serve_body
from tests.support.pos import connect_program
from tests.support.programs import nine_stamp_card

LATTE = {"product_id": "12", "num": "1", "payed_sum": "8000"}
PROMOTIONS = [
    {"promotion_id": "5", "name": "Free pizza"},
    {"promotion_id": "6", "name": "Happy hour"},
]


@pytest.fixture
def settings(settings: Settings, poster: FakePoster, syrve: FakeSyrve) -> Settings:
    """The app reaches the fake Poster and the fake Syrve."""
    return settings.model_copy(update={**poster_settings(poster), "serve_api_url": syrve.base_url})


@pytest.fixture
def poster_connection(
    api: Api, merchant: dict[str, Any], poster: FakePoster
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The merchant's program and its Poster connection."""
    poster.promotions = list(PROMOTIONS)
    return connect_program(api, merchant["api_key"], poster_body(poster))


@dataclass
class ConnectionPage:
    """The owner on the page of the merchant's Poster connection."""

    api: Api
    key: str
    console: Console
    connection: dict[str, Any]

    @property
    def path(self) -> str:
        """The page's path."""
        return f"/console/pos/connections/{self.connection['id']}"

    def saved(self) -> dict[str, Any]:
        """The connection as the API reads it now."""
        return connection_of(self.api, {"api_key": self.key}, self.connection["id"])


@pytest.fixture
def poster_page(
    api: Api,
    merchant: dict[str, Any],
    owner_console: Console,
    poster_connection: tuple[dict[str, Any], dict[str, Any]],
) -> ConnectionPage:
    """The page of the merchant's Poster connection, the owner logged in."""
    return ConnectionPage(api, merchant["api_key"], owner_console, poster_connection[1])


def seen_on(page: str) -> str:
    """The connection version a page's map forms were rendered with."""
    return page.split('name="seen" value="', 1)[1].split('"', 1)[0]


def html(response: Any) -> str:
    """The page, its entities decoded (to look for what a person reads)."""
    return unescape(response.get_data(as_text=True))


def connection_of(api: Api, merchant: dict[str, Any], connection_id: str) -> dict[str, Any]:
    response = api.call("GET", f"/v1/connections/{connection_id}", merchant["api_key"])
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def process(app: Flask) -> int:
    ext = app.extensions["stampgate"]
    return drain_inbox(Processor(ext.settings, ext.session_factory, ext.connectors))


def test_connections_show_their_program_and_health(
    owner_console: Console,
    poster_connection: tuple[dict[str, Any], dict[str, Any]],
    poster: FakePoster,
) -> None:
    program, connection = poster_connection
    page = html(owner_console.get("/console/pos"))
    assert "mycafe" in page
    assert program["name"] in page
    assert "Working" in page
    assert "Connecting Poster is not switched on for this gateway yet" in page
    assert "Install the Poster app" not in page

    poster.token = "installed-again"  # Poster no longer takes the gateway's token
    shown = owner_console.get(f"/console/pos/connections/{connection['id']}")
    assert shown.status_code == 200
    assert "Poster refused the gateway's access" in html(shown)
    assert "Needs reconnecting" in html(shown)
    assert "What to do" in html(shown)
    listing = html(owner_console.get("/console/pos"))
    assert "Needs reconnecting" in listing
    assert "open the connection, press Reconnect Poster and approve the app" in listing


def test_the_install_button_leads_to_poster_for_one_of_the_merchants_programs(
    make_app: Callable[..., Flask],
    owner: User,
    poster_connection: tuple[dict[str, Any], dict[str, Any]],
    api: Api,
    other_merchant: dict[str, Any],
) -> None:
    program, _ = poster_connection
    console = Console(
        make_app(poster_application_id="1234", poster_application_secret=APP_SECRET).test_client()
    )
    console.log_in(owner.email)
    assert "Install the Poster app" in html(console.get("/console/pos"))
    sent = console.get(f"/console/pos/poster/install?program_id={program['id']}")
    assert sent.status_code == 303
    target = urlsplit(sent.headers["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == "https://joinposter.com/api/auth"
    assert parse_qs(target.query)["application_id"] == ["1234"]
    theirs = api.call("GET", "/v1/programs", other_merchant["api_key"]).get_json()["items"]
    foreign = theirs[0]["id"] if theirs else "prg_missing"
    assert console.get(f"/console/pos/poster/install?program_id={foreign}").status_code == 404


def test_serve_connects_by_api_login_and_shows_its_token_once(
    api: Api, merchant: dict[str, Any], owner_console: Console, syrve: FakeSyrve
) -> None:
    program = api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card())
    program = program.get_json()
    form = {
        "program_id": program["id"],
        "organization_id": "",
        "api_login": API_LOGIN,
        "api_base_url": syrve.base_url,
    }
    empty = owner_console.submit("/console/pos/serve", form, "/console/pos")
    assert empty.status_code == 422
    assert 'id="organization_id-error"' in html(empty)
    assert API_LOGIN not in html(empty)  # a secret is never rendered back

    wrong = owner_console.submit(
        "/console/pos/serve",
        {**form, "organization_id": ORGANIZATION, "api_login": "not-the-login"},
        "/console/pos",
    )
    assert wrong.status_code == 422
    assert "did not confirm that these credentials belong to this account" in html(wrong)
    assert f'value="{ORGANIZATION}"' in html(wrong)

    made = owner_console.submit(
        "/console/pos/serve", {**form, "organization_id": ORGANIZATION}, "/console/pos"
    )
    assert made.status_code == 201
    assert 'id="webhook-token"' in html(made)
    listed = api.call("GET", "/v1/connections", merchant["api_key"]).get_json()["items"]
    serve = next(item for item in listed if item["pos"] == "serve")
    assert serve["organization_id"] == ORGANIZATION
    assert serve["program_id"] == program["id"]
    again = html(owner_console.get(f"/console/pos/connections/{serve['id']}"))
    assert 'id="webhook-token"' not in again


def test_the_locations_map_is_saved_and_bad_rows_are_shown_beside_their_cell(
    poster_page: ConnectionPage, poster: FakePoster
) -> None:
    poster.spots = []  # no places listed: every row is typed, in the order typed
    console, page = poster_page.console, poster_page.path
    path = f"{page}/locations"
    form: dict[str, Any] = {"spot": ["1", "2", ""], "location": ["Podil", "Baixa", ""]}
    saved = console.submit(path, form, page)
    assert saved.status_code == 303
    assert poster_page.saved()["locations"] == {"1": "Podil", "2": "Baixa"}
    shown = html(console.get(page))
    assert 'value="Podil"' in shown
    assert "The locations map is saved." in shown

    for rows, error_id in [
        ({"spot": ["1", "3"], "location": ["Podil", ""]}, "location-1-error"),
        ({"spot": ["1", "1"], "location": ["Podil", "Baixa"]}, "spot-1-error"),
        ({"spot": ["", "1"], "location": ["Lonely", "Podil"]}, "spot-0-error"),
    ]:
        refused = console.submit(path, rows, page)
        assert refused.status_code == 422
        assert f'id="{error_id}"' in html(refused)
        assert 'value="Podil"' in html(refused)  # what was typed is kept
    assert poster_page.saved()["locations"] == {"1": "Podil", "2": "Baixa"}

    emptied = console.submit(path, {"spot": ["1"], "location": ["Podil"]}, page)
    assert emptied.status_code == 303
    assert poster_page.saved()["locations"] == {"1": "Podil"}


def test_codes_are_mapped_to_promotions_and_a_deleted_promotion_is_flagged(
    poster_page: ConnectionPage, poster: FakePoster
) -> None:
    console, page = poster_page.console, poster_page.path
    path = f"{page}/codes"
    listed = html(console.get(page))
    assert "Free pizza" in listed
    assert "Happy hour" in listed

    too_long = console.submit(path, {"promotion": ["5", "6"], "code": ["X" * 65, ""]}, page)
    assert too_long.status_code == 422
    assert 'id="code-0-error"' in html(too_long)
    assert poster_page.saved()["codes"] == {}

    saved = console.submit(path, {"promotion": ["5", "6"], "code": ["FREEPIZZA9", ""]}, page)
    assert saved.status_code == 303
    assert poster_page.saved()["codes"] == {"5": "FREEPIZZA9"}

    poster.promotions = [PROMOTIONS[1]]  # the merchant deleted "Free pizza" in Poster
    flagged = html(console.get(page))
    assert "Codes mapped to promotions Poster no longer has" in flagged
    assert "Stale: no longer in Poster" in flagged
    assert "FREEPIZZA9" in flagged

    # A form listing the promotion from before it was deleted is refused, not saved.
    stale = console.submit(path, {"promotion": ["5", "6"], "code": ["FREEPIZZA9", "HH"]})
    assert stale.status_code == 422
    assert "The POS has no promotion 5." in html(stale)
    assert poster_page.saved()["codes"] == {"5": "FREEPIZZA9"}

    moved = console.submit(path, {"promotion": ["6"], "code": ["FREEPIZZA9"]}, page)
    assert moved.status_code == 303
    assert "no longer has" not in html(console.get(page))


def test_an_unreachable_pos_is_said_plainly_on_the_page(
    poster_page: ConnectionPage, poster: FakePoster
) -> None:
    poster.outages = 10_000
    shown = poster_page.console.get(poster_page.path)
    assert shown.status_code == 200
    assert "Poster did not answer just now" in html(shown)
    assert "Working" in html(shown)  # an outage is not a broken connection


def test_serve_registers_its_webhook_and_takes_a_new_api_login(
    api: Api, merchant: dict[str, Any], owner_console: Console, syrve: FakeSyrve
) -> None:
    _, connection = connect_program(api, merchant["api_key"], serve_body(syrve))
    page = f"/console/pos/connections/{connection['id']}"
    assert "Register webhook" in html(owner_console.get(page))
    registered = owner_console.submit(f"{page}/register-webhook", {}, page)
    assert registered.status_code == 303
    assert syrve.webhook_settings["webHooksUri"] == connection["webhook_url"]
    assert "Serve now sends its orders to" in html(owner_console.get(page))

    syrve.api_login = "a-new-login"  # the old login was removed in Serve
    syrve.expire_tokens()
    assert "Needs reconnecting" in html(owner_console.get(page))
    wrong = owner_console.submit(f"{page}/api-login", {"api_login": "guess"}, page)
    assert wrong.status_code == 422
    assert "did not confirm" in html(wrong)
    fixed = owner_console.submit(f"{page}/api-login", {"api_login": "a-new-login"}, page)
    assert fixed.status_code == 303
    assert connection_of(api, merchant, connection["id"])["status"] == "active"


def test_a_poster_connection_offers_no_webhook_registration(poster_page: ConnectionPage) -> None:
    page = html(poster_page.console.get(poster_page.path))
    assert "Register webhook" not in page
    assert poster_page.connection["webhook_url"] in page


def test_a_failed_event_shows_its_error_and_is_retried(
    app: Flask,
    client: Any,
    owner_console: Console,
    poster_connection: tuple[dict[str, Any], dict[str, Any]],
    poster: FakePoster,
) -> None:
    poster.outages = 10_000
    assert client.post("/hooks/poster", json=poster_hook(503)).status_code == 200
    for _ in range(4):  # the first try and its three retries
        process(app)
    failed = html(owner_console.get("/console/pos/events?status=failed"))
    assert "503" in failed
    assert "Retry" in failed
    assert "No failed events." not in failed

    poster.outages = 0
    poster.add_sale("503", [LATTE])
    event_id = failed.split('id="event-', 1)[1].split('"', 1)[0]
    retried = owner_console.submit(f"/console/pos/events/{event_id}/retry", {"status": "failed"})
    assert retried.status_code == 303
    assert retried.headers["Location"].endswith("/console/pos/events?status=failed")
    process(app)
    assert "No failed events." in html(owner_console.get("/console/pos/events?status=failed"))
    processed = html(owner_console.get("/console/pos/events?status=processed"))
    assert f'id="event-{event_id}"' in processed

    again = owner_console.submit(f"/console/pos/events/{event_id}/retry", {}, "/console/pos/events")
    assert again.status_code == 409
    assert "only failed, waiting or ignored events are retried" in html(again)


def test_another_merchants_connection_and_event_answer_404_everywhere(
    api: Api,
    client: Any,
    owner_console: Console,
    other_merchant: dict[str, Any],
    poster: FakePoster,
) -> None:
    theirs_body = {
        **poster_body(poster),
        "account": "othercafe",
        "access_token": token_for("othercafe"),
    }
    _, theirs = connect_program(api, other_merchant["api_key"], theirs_body)
    hook = poster_hook(9, account="othercafe")
    assert client.post("/hooks/poster", json=hook).status_code == 200
    events = api.call("GET", "/v1/inbound-events", other_merchant["api_key"]).get_json()["items"]
    event_id = events[0]["id"]
    page = f"/console/pos/connections/{theirs['id']}"
    owner_console.get("/console/pos")  # a page of our own, for the form token
    assert owner_console.get(page).status_code == 404
    assert owner_console.get(f"/console/pos/events?connection={theirs['id']}").status_code == 404
    owner_console.get("/console/pos")
    for path, form in [
        (f"{page}/locations", {"spot": "1", "location": "Theirs"}),
        (f"{page}/codes", {"promotion": "5", "code": "X"}),
        (f"{page}/register-webhook", {}),
        (f"{page}/api-login", {"api_login": "x"}),
        (f"/console/pos/events/{event_id}/retry", {}),
    ]:
        assert owner_console.submit(path, form).status_code == 404, path
    assert (
        api.call("GET", f"/v1/connections/{theirs['id']}", other_merchant["api_key"]).get_json()[
            "locations"
        ]
        == {}
    )


def test_a_map_changed_since_the_form_was_opened_is_not_overwritten(
    poster_page: ConnectionPage,
) -> None:
    console, page = poster_page.console, poster_page.path
    seen = seen_on(html(console.get(page)))
    meanwhile = poster_page.api.call(
        "PUT",
        f"/v1/connections/{poster_page.connection['id']}/locations",
        poster_page.key,
        json={"9": "Obolon"},
    )
    assert meanwhile.status_code == 200
    for path, form in (
        (f"{page}/locations", {"spot": "1", "location": "Podil", "seen": seen}),
        (f"{page}/codes", {"promotion": "5", "code": "FREEPIZZA9", "seen": seen}),
    ):
        refused = console.submit(path, form)
        assert refused.status_code == 409
        assert "changed after the form was opened" in html(refused)
        assert 'value="Obolon"' in html(refused)  # the map saved now is shown
    assert poster_page.saved()["locations"] == {"9": "Obolon"}
    assert poster_page.saved()["codes"] == {}
    fresh = seen_on(html(console.get(page)))
    again = console.submit(f"{page}/locations", {"spot": "1", "location": "Podil", "seen": fresh})
    assert again.status_code == 303


# --- the locations map with the POS's own places ---------------------------------------------


def test_the_map_lists_each_spot_by_name_and_saves_the_named_ones(
    poster_page: ConnectionPage,
) -> None:
    console, page = poster_page.console, poster_page.path
    shown = html(console.get(page))
    assert '<strong id="spot-0-name">Podil</strong>' in shown
    assert '<strong id="spot-1-name">Obolon</strong>' in shown
    assert '<label class="cell-label" for="location-0">Location name for Podil</label>' in shown
    # Spot 2 left without a name maps nothing; a typed id after the listed rows is kept.
    form = {"spot": ["1", "2", "7"], "location": ["Main hall", "", "Kiosk"]}
    saved = console.submit(f"{page}/locations", form, page)
    assert saved.status_code == 303, html(saved)
    assert poster_page.saved()["locations"] == {"1": "Main hall", "7": "Kiosk"}
    again = html(console.get(page))
    assert 'id="location-0" name="location" type="text" value="Main hall"' in again
    assert 'id="spot-2" name="spot" type="text" value="7"' in again
    assert 'id="spot-2-unlisted"' in again
    assert "Stale: no longer in Poster" in again  # 7 is mapped but Poster lists no such spot


def test_a_spot_removed_in_poster_is_flagged_after_listing_again(
    poster_page: ConnectionPage, poster: FakePoster
) -> None:
    console, page = poster_page.console, poster_page.path
    form = {"spot": ["1", "2"], "location": ["Main hall", "Riverside"]}
    assert console.submit(f"{page}/locations", form, page).status_code == 303
    assert 'id="stale-places"' not in html(console.get(page))
    poster.spots = [spot for spot in poster.spots if spot["spot_id"] != "2"]
    shown = html(console.get(f"{page}?refresh=1"))
    assert 'id="stale-places"' in shown
    assert "#2</span> (Riverside): <strong>Stale: no longer in Poster</strong>" in shown
    assert 'id="spot-1" name="spot" type="text" value="2"' in shown  # kept as a typed row


def test_a_listed_spot_typed_again_is_refused_beside_its_row(
    poster_page: ConnectionPage,
) -> None:
    console, page = poster_page.console, poster_page.path
    form = {"spot": ["1", "2", "1"], "location": ["Main hall", "", "Again"]}
    refused = console.submit(f"{page}/locations", form, page)
    assert refused.status_code == 422
    shown = html(refused)
    assert 'id="spot-2-error">This id is already in row 1.' in shown
    assert 'value="Again"' in shown
    assert poster_page.saved()["locations"] == {}


def test_a_pos_down_offers_typed_ids(poster_page: ConnectionPage, poster: FakePoster) -> None:
    poster.outages = 10_000
    shown = html(poster_page.console.get(poster_page.path))
    assert "Poster did not answer just now, so its places cannot be listed by name." in shown
    assert 'id="spot-0" name="spot" type="text" value=""' in shown


def test_a_kept_list_stands_in_while_the_pos_is_down(
    poster_page: ConnectionPage,
    poster: FakePoster,
) -> None:
    html(poster_page.console.get(poster_page.path))  # lists (and keeps) the spots
    poster.outages = 10_000
    shown = html(poster_page.console.get(f"{poster_page.path}?refresh=1"))
    assert '<strong id="spot-0-name">Podil</strong>' in shown
    assert "Poster did not answer just now: these are its places as listed on" in shown


def test_serve_terminal_groups_are_listed_by_name(
    owner_console: Console, api: Api, merchant: dict[str, Any], syrve: FakeSyrve
) -> None:
    _program, connection = connect_program(api, merchant["api_key"], serve_body(syrve))
    shown = html(owner_console.get(f"/console/pos/connections/{connection['id']}"))
    assert (
        '<strong id="spot-0-name">Podil</strong> <span class="hint mono">#tg-kyiv</span>' in shown
    )
    assert '<strong id="spot-1-name">Baixa</strong>' in shown
    assert "POS terminal group" in shown
