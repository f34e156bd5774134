"""Control characters never reach the database: every route refuses them, on every backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask

from tests.support.api import bearer
from tests.support.fake_syrve import FakeSyrve, connection_body, running_syrve, syrve_settings
from tests.support.openapi import (
    Operation,
    assert_documented,
    operations,
    replaced,
    sample,
    string_leaves,
)
from tests.support.pos import PosWorld, make_world
from tests.support.problems import assert_problem

NUL = "a\x00b"
CONTROL_MESSAGE = "must not contain control characters"
HOOK_URL = "http://127.0.0.1:9/hook"  # loopback is allowed in these tests


@dataclass(frozen=True)
class Probe:
    """One request carrying a control character, and the status it must be refused with."""

    operation: Operation
    url: str
    status: int
    where: str
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def world(make_app: Callable[..., Flask]) -> Iterator[PosWorld]:
    with running_syrve() as syrve:
        yield _connected(make_app(**syrve_settings(syrve)), syrve)


def _connected(app: Flask, syrve: FakeSyrve) -> PosWorld:
    return make_world(app, connection_body(syrve), currency="EUR")


def _headers(world: PosWorld, operation: Operation) -> dict[str, str]:
    if operation.path.startswith("/v1/"):
        return bearer(world.key)
    if operation.path.startswith("/admin/"):
        return bearer(world.api.admin_token)
    if operation.path.startswith("/hooks/serve/"):
        return bearer(world.connection["webhook_token"])
    return {}


def _url(operation: Operation, path_values: dict[str, str], query: str = "") -> str:
    url = operation.path
    for parameter in operation.parameters("path"):
        value = path_values.get(parameter["name"], "x")
        url = url.replace("{" + parameter["name"] + "}", quote(value, safe=""))
    return url + query


def _takes_text(parameter: dict[str, Any]) -> bool:
    schema = parameter.get("schema", {})
    options = schema.get("anyOf", [schema])
    return any(o.get("type") == "string" and "enum" not in o for o in options)


def probes(world: PosWorld, document: dict[str, Any]) -> Iterator[Probe]:
    """A NUL in each path segment, string query parameter and string field of every route."""
    known = {"connection_id": world.connection["id"]}
    for operation in operations(document):
        headers = _headers(world, operation)
        for parameter in operation.parameters("path"):
            url = _url(operation, {**known, parameter["name"]: NUL})
            yield Probe(operation, url, 400, f"path {parameter['name']}", headers=headers)
        for parameter in filter(_takes_text, operation.parameters("query")):
            query = f"?{parameter['name']}={quote(NUL)}"
            url = _url(operation, known, query)
            yield Probe(operation, url, 400, f"query {parameter['name']}", headers=headers)
        schema = operation.json_body_schema()
        if schema is None:
            continue
        body = sample(document, schema)
        status = 400 if operation.path.startswith("/hooks/") else 422
        for leaf in string_leaves(body):
            yield Probe(
                operation,
                _url(operation, known),
                status,
                f"body {'.'.join(map(str, leaf))}",
                body=replaced(body, leaf, NUL),
                headers=headers,
            )


def test_every_route_refuses_a_nul_in_every_string(world: PosWorld) -> None:
    document = world.client.get("/openapi.json").get_json()
    sent = 0
    for probe in probes(world, document):
        response = world.client.open(
            probe.url, method=probe.operation.method, headers=probe.headers, json=probe.body
        )
        label = f"{probe.operation.method} {probe.operation.path} ({probe.where})"
        assert response.status_code < 500, f"{label}: {response.get_data(as_text=True)}"
        assert response.status_code == probe.status, f"{label}: {response.get_json()}"
        assert response.get_json()["code"] == "control_characters", label
        assert_documented(document, probe.operation.method, probe.operation.path, response)
        sent += 1
    assert sent > 150  # every route, every field: the walk really covered the API


def test_a_refused_field_is_named(world: PosWorld) -> None:
    response = world.api.call(
        "POST",
        "/v1/webhook-endpoints",
        world.key,
        json={"url": HOOK_URL, "event_types": ["card.created", NUL]},
    )
    body = assert_problem(response, 422, "control_characters")
    assert body["errors"] == [
        {
            "loc": ["event_types", "1"],
            "msg": "must not contain control characters",
            "type": "control_characters",
        }
    ]


def test_keys_are_checked_too(world: PosWorld) -> None:
    response = world.api.call(
        "PUT",
        f"/v1/connections/{world.connection['id']}/locations",
        world.key,
        json={NUL: "main"},
    )
    assert_problem(response, 422, "control_characters")


@pytest.mark.parametrize("character", ["\x01", "\x1b", "\x1f", "\x7f", "\x0b", "\x0c"])
def test_other_control_characters_are_refused(world: PosWorld, character: str) -> None:
    response = world.api.call("POST", "/v1/api-keys", world.key, json={"label": f"bar{character}"})
    assert_problem(response, 422, "control_characters")
    listed = world.api.call("GET", f"/v1/cards?phone=1{quote(character)}", world.key)
    assert_problem(listed, 400, "control_characters")


def test_multi_line_text_keeps_tabs_and_newlines(world: PosWorld) -> None:
    description = "Till 1\tbar\r\nsecond line"
    response = world.api.call(
        "POST",
        "/v1/webhook-endpoints",
        world.key,
        json={"url": HOOK_URL, "description": description},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["description"] == description


def test_single_line_query_values_refuse_tabs_and_newlines(world: PosWorld) -> None:
    for character in ("\t", "\n", "\r"):
        response = world.api.call("GET", f"/v1/api-keys?cursor=a{quote(character)}", world.key)
        assert_problem(response, 400, "control_characters")


def test_unauthenticated_poster_hook_refuses_a_nul_account(world: PosWorld) -> None:
    hook = {"account": NUL, "object": "transaction", "object_id": 1, "action": "changed"}
    response = world.client.post("/hooks/poster", json={**hook, "time": "1", "verify": "0" * 32})
    assert_problem(response, 400, "control_characters")


def test_a_csv_upload_never_stores_control_characters(world: PosWorld) -> None:
    pool = world.api.call("POST", "/v1/code-pools", world.key, json={"name": "export"})
    pool_id = pool.get_json()["id"]
    response = world.api.call(
        "POST",
        f"/v1/code-pools/{pool_id}/codes",
        world.key,
        data=b"code\nGOOD-1\nBAD\x00NUL\nBAD\x1bESC\n",
        headers={"Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.get_json()
    assert report["added"] == 1
    assert [(row["code"], row["reason"]) for row in report["rejected"]] == [
        ("BAD\\x00NUL", "invalid_characters"),  # named, never echoed raw
        ("BAD\\x1bESC", "invalid_characters"),
    ]
