"""Bodies are bounded before anything reads them: nesting depth, and size also when chunked."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from gateway.inputs import MAX_JSON_DEPTH
from tests.support.api import Api, bearer
from tests.support.fake_syrve import connection_body, running_syrve, syrve_settings
from tests.support.pos import PosWorld, make_world
from tests.support.problems import assert_problem

LIMIT = 64 * 1024
ROW_BYTES = len(b"CODE-0000000\n")


def nested(depth: int) -> str:
    """A label nested in ``depth`` - 1 arrays inside the body object."""
    return '{"label": ' + "[" * (depth - 1) + "1" + "]" * (depth - 1) + "}"


def no_errors_logged(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]


def post_json(api: Api, merchant: dict[str, Any], path: str, data: str) -> TestResponse:
    return api.call("POST", path, merchant["api_key"], data=data, content_type="application/json")


def test_deeply_nested_json_is_malformed_and_logs_nothing(
    api: Api, merchant: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    response = post_json(api, merchant, "/v1/api-keys", nested(100_000))
    body = assert_problem(response, 400, "malformed_json")
    assert str(MAX_JSON_DEPTH) in body["detail"]
    no_errors_logged(caplog)


def test_nesting_is_bounded_at_the_documented_depth(api: Api, merchant: dict[str, Any]) -> None:
    deepest = post_json(api, merchant, "/v1/api-keys", nested(MAX_JSON_DEPTH))
    assert_problem(deepest, 422, "validation_error")  # parsed: a list is not a label
    too_deep = post_json(api, merchant, "/v1/api-keys", nested(MAX_JSON_DEPTH + 1))
    assert_problem(too_deep, 400, "malformed_json")


def test_brackets_inside_strings_are_text(api: Api, merchant: dict[str, Any]) -> None:
    label = '[{"\\"' * 20
    response = api.call("POST", "/v1/api-keys", merchant["api_key"], json={"label": label})
    assert response.status_code == 201, response.get_json()


def test_the_unauthenticated_poster_hook_refuses_deep_nesting_without_a_traceback(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    body = '{"account": "cafe", "x": ' + "[" * 50_000 + "]" * 50_000 + "}"
    response = client.post("/hooks/poster", data=body, content_type="application/json")
    assert_problem(response, 400, "malformed_json")
    no_errors_logged(caplog)


@pytest.fixture
def serve(make_app: Callable[..., Flask]) -> Iterator[PosWorld]:
    """A Serve connection (its hook reads the body once the token is checked), small bodies."""
    with running_syrve() as syrve:
        app = make_app(**syrve_settings(syrve), max_body_bytes=LIMIT)
        yield make_world(app, connection_body(syrve), currency="EUR")


def test_the_serve_hook_refuses_deep_nesting_and_chunked_bodies_over_the_limit(
    serve: PosWorld, caplog: pytest.LogCaptureFixture
) -> None:
    path = f"/hooks/serve/{serve.connection['id']}"
    token = bearer(serve.connection["webhook_token"])
    deep = "[" * 20_000 + "]" * 20_000
    response = serve.client.post(path, data=deep, content_type="application/json", headers=token)
    assert_problem(response, 400, "malformed_json")
    no_errors_logged(caplog)
    big = b'[{"eventType": "' + b"a" * LIMIT + b'"}]'
    assert_problem(
        chunked(serve.app, path, big, "application/json", token), 413, "payload_too_large"
    )
    assert serve.stored_events() == []


def chunked(
    app: Flask, path: str, body: bytes, content_type: str, headers: dict[str, str] | None = None
) -> TestResponse:
    """POST ``body`` as a chunked upload (no Content-Length), as a WSGI server passes it on."""
    return app.test_client().post(
        path,
        input_stream=io.BytesIO(body),
        headers={"Transfer-Encoding": "chunked", "Content-Type": content_type, **(headers or {})},
        environ_overrides={"wsgi.input_terminated": True},
    )


def csv_rows(count: int) -> bytes:
    return b"code\n" + b"".join(b"CODE-%07d\n" % n for n in range(count))


@pytest.fixture
def small_app(make_app: Callable[..., Flask]) -> Flask:
    return make_app(max_body_bytes=LIMIT)


@pytest.fixture
def pool(small_app: Flask) -> tuple[str, str]:
    api = Api(small_app.test_client(), "test-admin-token")
    key = api.create_merchant("Chunked Cafe")["api_key"]
    created = api.call("POST", "/v1/code-pools", key, json={"name": "POS export"})
    assert created.status_code == 201, created.get_json()
    return key, created.get_json()["id"]


def available(app: Flask, key: str, pool_id: str) -> int:
    response = app.test_client().get(f"/v1/code-pools/{pool_id}", headers=bearer(key))
    count: int = response.get_json()["available"]
    return count


def test_a_chunked_csv_over_the_limit_imports_nothing(
    small_app: Flask, pool: tuple[str, str]
) -> None:
    key, pool_id = pool
    body = csv_rows(LIMIT // ROW_BYTES + 100)
    assert len(body) > LIMIT
    response = chunked(small_app, f"/v1/code-pools/{pool_id}/codes", body, "text/csv", bearer(key))
    assert_problem(response, 413, "payload_too_large")
    assert available(small_app, key, pool_id) == 0


def test_a_chunked_csv_within_the_limit_imports_every_row(
    small_app: Flask, pool: tuple[str, str]
) -> None:
    key, pool_id = pool
    rows = LIMIT // ROW_BYTES - 100
    body = csv_rows(rows)
    assert len(body) <= LIMIT
    response = chunked(small_app, f"/v1/code-pools/{pool_id}/codes", body, "text/csv", bearer(key))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["added"] == rows
    assert available(small_app, key, pool_id) == rows


def test_a_body_of_exactly_the_limit_is_read_whole(small_app: Flask) -> None:
    head = b'{"name": "'
    tail = b'", "currency": "EUR", "timezone": "UTC"}'
    body = head + b"x" * (LIMIT - len(head) - len(tail)) + tail
    response = chunked(
        small_app, "/admin/v1/merchants", body, "application/json", bearer("test-admin-token")
    )
    assert_problem(response, 422, "validation_error")  # read whole: the name is too long
    over = chunked(
        small_app,
        "/admin/v1/merchants",
        body + b" ",
        "application/json",
        bearer("test-admin-token"),
    )
    assert_problem(over, 413, "payload_too_large")


def test_a_chunked_poster_hook_over_the_limit_is_413(small_app: Flask) -> None:
    body = b'{"account": "' + b"a" * LIMIT + b'"}'
    response = chunked(small_app, "/hooks/poster", body, "application/json")
    assert_problem(response, 413, "payload_too_large")
