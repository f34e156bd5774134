"""The Poster app install: codes are exchanged only at Poster's own host, the signed state is
required and names the one merchant whose connection the install may create or update."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask import Flask

from connectors.connections.models import PosConnection
from connectors.connections.views import open_credentials
from tests.support.api import Api
from tests.support.fake_poster import (
    ACCOUNT,
    APP_SECRET,
    TOKEN,
    FakePoster,
    connection_body,
    poster_hook,
    poster_settings,
    running_poster,
    token_for,
)
from tests.support.pos import PosWorld, make_world
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card

CODE = "c" * 32
LATTE = {"product_id": "12", "num": "1", "payed_sum": "8000"}


@pytest.fixture
def poster() -> Iterator[FakePoster]:
    with running_poster() as fake:
        fake.clients["7"] = {"client_id": "7", "phone_number": "380501111111"}
        yield fake


@pytest.fixture
def attacker() -> Iterator[FakePoster]:
    """A server a merchant controls, named as its connection's ``api_base_url``."""
    with running_poster() as fake:
        yield fake


def installing_app(make_app: Callable[..., Flask], poster: FakePoster) -> Flask:
    return make_app(
        **poster_settings(
            poster, poster_application_id="1234", poster_application_secret=APP_SECRET
        )
    )


def state_of(api: Api, key: str, program_id: str) -> str:
    """The signed state the install link carries back to the callback."""
    response = api.call("GET", f"/v1/connections/poster/install-url?program_id={program_id}", key)
    assert response.status_code == 200, response.get_json()
    link = response.get_json()["url"]
    redirect_uri = parse_qs(urlsplit(link).query)["redirect_uri"][0]
    state: str = parse_qs(urlsplit(redirect_uri).query)["state"][0]
    return state


def callback(world: PosWorld, **query: str) -> Any:
    return world.client.get(f"/connect/poster/callback?{urlencode(query)}")


def stored_token(world: PosWorld, connection_id: str) -> str:
    ext = world.app.extensions["stampgate"]
    with ext.session_factory() as session:
        connection = session.get(PosConnection, connection_id)
        assert connection is not None
        return open_credentials(connection, ext.settings)["access_token"]


def other_merchant(world: PosWorld) -> tuple[str, str]:
    """A second merchant with a program: its key and program id."""
    key = world.api.create_merchant("Other Cafe", currency="UAH")["api_key"]
    created = world.api.call("POST", "/v1/programs", key, json=nine_stamp_card())
    assert created.status_code == 201, created.get_json()
    return key, created.get_json()["id"]


def test_the_install_callback_exchanges_the_code_for_a_token(
    make_app: Callable[..., Flask], poster: FakePoster
) -> None:
    world = make_world(installing_app(make_app, poster), connection_body(poster))
    state = state_of(world.api, world.key, world.program["id"])
    poster.install_codes[CODE] = "token-from-install"
    poster.add_sale("601", [LATTE], client_id="7")

    answer = callback(world, code=CODE, account=ACCOUNT, state=state)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["id"] == world.connection["id"]
    assert stored_token(world, world.connection["id"]) == "token-from-install"
    world.client.post("/hooks/poster", json=poster_hook(601))
    world.process()
    assert world.cards("pos=poster:7")[0]["stamps"] == 1
    refused = callback(world, code="wrong", account=ACCOUNT, state=state)
    assert_problem(refused, 502, "token_exchange_failed")


def test_an_install_for_a_new_account_creates_its_connection_for_the_states_merchant(
    make_app: Callable[..., Flask], poster: FakePoster
) -> None:
    world = make_world(installing_app(make_app, poster), connection_body(poster))
    key, program_id = other_merchant(world)
    poster.install_codes[CODE] = token_for("newcafe")

    answer = callback(
        world, code=CODE, account="NewCafe", state=state_of(world.api, key, program_id)
    )
    assert answer.status_code == 200, answer.get_json()
    created = answer.get_json()
    assert (created["account"], created["program_id"]) == ("newcafe", program_id)
    mine = world.api.call("GET", f"/v1/connections/{created['id']}", key)
    assert mine.status_code == 200


def test_the_code_is_never_exchanged_at_a_connections_api_base_url(
    make_app: Callable[..., Flask], poster: FakePoster, attacker: FakePoster
) -> None:
    app = installing_app(make_app, poster)
    world = make_world(app, {**connection_body(poster), "api_base_url": attacker.base_url})
    poster.install_codes[CODE] = "token-from-install"

    answer = callback(
        world, code=CODE, account=ACCOUNT, state=state_of(world.api, world.key, world.program["id"])
    )
    assert answer.status_code == 200, answer.get_json()
    assert attacker.calls == []  # the application secret went to Poster's host only
    assert poster.count("v2/auth/access_token") == 1


def test_a_callback_without_a_valid_state_is_refused_before_poster_is_called(
    make_app: Callable[..., Flask], poster: FakePoster
) -> None:
    world = make_world(installing_app(make_app, poster), connection_body(poster))
    poster.calls.clear()
    poster.install_codes[CODE] = "token-from-install"

    assert_problem(callback(world, code=CODE, account=ACCOUNT), 400, "bad_state")
    assert_problem(callback(world, code=CODE, account=ACCOUNT, state="forged"), 400, "bad_state")
    assert_problem(callback(world, code=CODE, account="nobody"), 400, "bad_state")
    assert poster.calls == []
    assert stored_token(world, world.connection["id"]) == TOKEN


def test_a_state_of_another_merchant_cannot_update_the_accounts_connection(
    make_app: Callable[..., Flask], poster: FakePoster
) -> None:
    world = make_world(installing_app(make_app, poster), connection_body(poster))
    key, program_id = other_merchant(world)
    poster.install_codes[CODE] = "token-from-install"

    taken = callback(world, code=CODE, account=ACCOUNT, state=state_of(world.api, key, program_id))

    assert_problem(taken, 422, "account_not_verified")
    assert stored_token(world, world.connection["id"]) == TOKEN
    assert world.api.call("GET", "/v1/connections", key).get_json()["items"] == []


def test_an_account_that_cannot_be_a_host_name_is_refused(
    make_app: Callable[..., Flask], poster: FakePoster
) -> None:
    world = make_world(installing_app(make_app, poster), connection_body(poster))
    poster.calls.clear()
    state = state_of(world.api, world.key, world.program["id"])
    for account in ("evil.example/x?", "a@evil.example", "evil.example:80#"):
        answer = callback(world, code=CODE, account=account, state=state)
        assert answer.status_code in (400, 422), answer.get_json()
    assert poster.calls == []
