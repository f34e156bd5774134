"""A connection claims a POS account only with credentials the POS confirms belong to it, and
neither connections nor hooks tell one tenant which accounts another has connected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tests.support.api import Api
from tests.support.fake_poster import (
    ACCOUNT,
    FakePoster,
    connection_body,
    poster_hook,
    poster_settings,
    running_poster,
    token_for,
)
from tests.support.fake_syrve import ORGANIZATION, FakeSyrve, syrve_settings
from tests.support.fake_syrve import connection_body as syrve_body
from tests.support.pos import PosWorld, make_world
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card


@pytest.fixture
def world(make_app: Callable[..., Flask], poster: FakePoster) -> PosWorld:
    """Merchant A, with Poster account ``mycafe`` connected."""
    world = make_world(make_app(**poster_settings(poster)), connection_body(poster))
    poster.calls.clear()
    return world


def second_merchant(api: Api) -> tuple[str, str]:
    """Merchant B: its key and program id."""
    key = api.create_merchant("Other Cafe", currency="UAH")["api_key"]
    created = api.call("POST", "/v1/programs", key, json=nine_stamp_card())
    assert created.status_code == 201, created.get_json()
    return key, created.get_json()["id"]


def claim(api: Api, key: str, program_id: str, **body: Any) -> Any:
    payload = {"pos": "poster", "program_id": program_id, "application_secret": "s", **body}
    return api.call("POST", "/v1/connections", key, json=payload)


def test_a_token_of_another_account_cannot_claim_an_account(
    world: PosWorld, poster: FakePoster
) -> None:
    key, program_id = second_merchant(world.api)
    refused = claim(world.api, key, program_id, account="squatted", access_token=token_for("bcafe"))
    assert_problem(refused, 422, "account_not_verified")
    assert world.api.call("GET", "/v1/connections", key).get_json()["items"] == []
    # The account's owner connects it afterwards: nobody squatted it.
    owner = claim(
        world.api,
        world.key,
        world.program["id"],
        account="squatted",
        access_token=token_for("squatted"),
    )
    assert owner.status_code == 201, owner.get_json()
    assert poster.count("settings.getAllSettings") == 2


def test_claiming_a_connected_account_answers_like_any_unproven_claim(world: PosWorld) -> None:
    key, program_id = second_merchant(world.api)
    taken = claim(world.api, key, program_id, account=ACCOUNT, access_token="guess")
    free = claim(world.api, key, program_id, account="free-account", access_token="guess")
    proven_elsewhere = claim(
        world.api, key, program_id, account=ACCOUNT, access_token=token_for(ACCOUNT)
    )

    assert_problem(taken, 422, "account_not_verified")
    assert taken.get_json() == free.get_json()
    assert proven_elsewhere.get_json() == free.get_json()


def test_the_account_is_proven_at_posters_host_not_at_the_merchants_api_base_url(
    world: PosWorld, poster: FakePoster
) -> None:
    key, program_id = second_merchant(world.api)
    with running_poster() as vouching:  # B's own server, which says yes to anything
        vouching.token = "b-token"
        refused = claim(
            world.api,
            key,
            program_id,
            account="victim",
            access_token="b-token",
            api_base_url=vouching.base_url,
        )
        assert vouching.calls == []
    assert_problem(refused, 422, "account_not_verified")
    assert poster.count("settings.getAllSettings") == 1


def test_unknown_accounts_and_bad_signatures_get_the_same_answer(world: PosWorld) -> None:
    unknown = world.client.post("/hooks/poster", json=poster_hook(1, account="nobody"))
    forged = world.client.post("/hooks/poster", json=poster_hook(1, secret="guessed"))
    assert_problem(forged, 401, "bad_signature")
    assert (unknown.status_code, unknown.get_json()) == (forged.status_code, forged.get_json())


def test_a_serve_organization_must_be_one_of_the_logins_organizations(
    make_app: Callable[..., Flask], syrve: FakeSyrve
) -> None:
    syrve.currency = "UAH"  # the merchant's
    app = make_app(**syrve_settings(syrve))
    api = Api(app.test_client(), app.extensions["stampgate"].settings.admin_token)
    key, program_id = second_merchant(api)
    body = {**syrve_body(syrve), "program_id": program_id}

    syrve.organizations = ["7d2b5b7e-0000-4000-8000-00000000ffff"]
    not_its_own = api.call("POST", "/v1/connections", key, json=body)
    assert_problem(not_its_own, 422, "account_not_verified")
    bad_login = api.call("POST", "/v1/connections", key, json={**body, "api_login": "guessed"})
    assert_problem(bad_login, 422, "account_not_verified")
    assert bad_login.get_json() == not_its_own.get_json()

    syrve.organizations = [ORGANIZATION]
    assert api.call("POST", "/v1/connections", key, json=body).status_code == 201


def test_new_credentials_are_proven_before_they_replace_the_old(
    world: PosWorld, poster: FakePoster
) -> None:
    path = f"/v1/connections/{world.connection['id']}"
    foreign = {"access_token": token_for("bcafe")}
    refused = world.api.call("PATCH", path, world.key, json=foreign)
    assert_problem(refused, 422, "account_not_verified")
    assert poster.count("settings.getAllSettings") == 1

    # The connection keeps its proven token (the fake answers only that one): sales still land.
    poster.add_sale("1001", [{"product_id": "12", "num": "1", "payed_sum": "8000"}])
    hook = world.api.client.post("/hooks/poster", json=poster_hook(1001))
    assert hook.status_code == 200, hook.get_json()
    world.process()
    assert [event["status"] for event in world.inbound()] == ["processed"]

    own = world.api.call("PATCH", path, world.key, json={"access_token": token_for(ACCOUNT)})
    assert own.status_code == 200, own.get_json()


def test_a_new_api_login_must_reach_the_connections_organization(
    make_app: Callable[..., Flask], syrve: FakeSyrve
) -> None:
    world = make_world(make_app(**syrve_settings(syrve)), syrve_body(syrve), currency="EUR")
    path = f"/v1/connections/{world.connection['id']}"
    syrve.organizations = ["another-organization"]  # what the new login may use
    refused = world.api.call("PATCH", path, world.key, json={"api_login": syrve.api_login})
    assert_problem(refused, 422, "account_not_verified")
    syrve.organizations = [ORGANIZATION]
    accepted = world.api.call("PATCH", path, world.key, json={"api_login": syrve.api_login})
    assert accepted.status_code == 200, accepted.get_json()
