"""Every POS call is checked by the SSRF guard and pinned to the address it checked: a name that
rebinds to an internal address, a redirect, or a probe of ports gets nowhere and learns nothing."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from flask import Flask

from tests.support.fake_poster import (
    FakePoster,
    connection_body,
    poster_hook,
    poster_settings,
    running_poster,
)
from tests.support.http_server import serving
from tests.support.pos import PosWorld, make_world
from tests.support.problems import assert_problem
from tests.support.services import free_port

REBINDING_HOST = "pos.rebinding.test"


@pytest.fixture
def elsewhere() -> Iterator[FakePoster]:
    """An internal service the POS address must never lead to."""
    with running_poster(host="127.0.0.2") as fake:
        fake.promotions = [{"promotion_id": "1", "name": "internal"}]
        yield fake


def promotions(world: PosWorld) -> Any:
    return world.api.call("GET", f"/v1/connections/{world.connection['id']}/promotions", world.key)


def redirecting_to(target: str) -> type[BaseHTTPRequestHandler]:
    class Redirect(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_response(307)
            self.send_header("Location", f"{target}{self.path.removeprefix('/api')}")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            del args

    return Redirect


def test_a_redirect_from_the_pos_is_an_error_and_is_not_followed(
    make_app: Callable[..., Flask], poster: FakePoster, elsewhere: FakePoster
) -> None:
    app = make_app(**poster_settings(poster))
    with serving(redirecting_to(elsewhere.base_url)) as port:
        body = {**connection_body(poster), "api_base_url": f"http://127.0.0.1:{port}/api"}
        world = make_world(app, body)
        answer = promotions(world)
        world.client.post("/hooks/poster", json=poster_hook(1))
        world.process()

    assert_problem(answer, 502, "pos_error")
    assert "307" in answer.get_json()["detail"]
    assert elsewhere.calls == []
    (event,) = world.inbound()
    assert event["status"] == "failed"
    assert elsewhere.calls == []


def resolving(monkeypatch: pytest.MonkeyPatch, answers: dict[str, str]) -> None:
    """DNS for the test's own names (the machine has no DNS); every other name as before."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_name_that_rebinds_to_a_blocked_address_after_it_was_saved_is_refused(
    make_app: Callable[..., Flask],
    poster: FakePoster,
    elsewhere: FakePoster,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only the fake Poster's own address is allowed; 127.0.0.2 is just another loopback address.
    app = make_app(
        **poster_settings(
            poster, webhook_allowed_networks=("127.0.0.1/32",), webhook_require_https=False
        )
    )
    resolving(monkeypatch, {REBINDING_HOST: "1.1.1.1"})  # public when saved
    base = f"http://{REBINDING_HOST}:{elsewhere.port}/api"
    world = make_world(app, {**connection_body(poster), "api_base_url": base})
    elsewhere.token = poster.token

    resolving(monkeypatch, {REBINDING_HOST: "127.0.0.2"})  # rebound before the call
    answer = promotions(world)
    world.client.post("/hooks/poster", json=poster_hook(2))
    world.process()

    assert_problem(answer, 502, "pos_unreachable")
    assert elsewhere.calls == []
    (event,) = world.inbound()
    assert event["status"] == "pending"
    assert "127.0.0.2" not in event["last_error"]


def test_unreachable_addresses_answer_one_generic_problem(
    make_app: Callable[..., Flask], poster: FakePoster
) -> None:
    world = make_world(make_app(**poster_settings(poster)), connection_body(poster))
    path = f"/v1/connections/{world.connection['id']}"
    closed_port = free_port()
    answers = []
    # A closed port, and an open one that speaks plain HTTP to a TLS client.
    for base in (f"http://127.0.0.1:{closed_port}/api", f"https://127.0.0.1:{poster.port}/api"):
        patched = world.api.call("PATCH", path, world.key, json={"api_base_url": base})
        assert patched.status_code == 200, patched.get_json()
        answers.append(promotions(world))

    for answer in answers:
        assert_problem(answer, 502, "pos_unreachable")
        detail = answer.get_json()["detail"]
        assert "Error" not in detail
        assert "127.0.0.1" not in detail
    assert answers[0].get_json() == answers[1].get_json()
