"""Validation errors are written for a person on every route: each names its field (a non-empty
``loc``, also for a body that is not an object) and none repeats the validator's own wording."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from gateway.loyalty.cards.numbers import luhn_check_digit
from tests.support.api import Api, bearer
from tests.support.problems import assert_problem
from tests.support.programs import FREE_PIZZA, nine_stamp_card

INTERNALS = (
    "instance of",
    "discriminator",
    "model_type",
    "Input should be",
    "Unable to extract tag",
    "Field required",
    "Extra inputs",
    "String should",
    "Value error",
    "function-after",
)
NOT_OBJECTS = [[], "x", 7, None]
CARD = "1" * 11 + luhn_check_digit("1" * 11)
_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _assert_readable(body: dict[str, Any]) -> None:
    for text in [body["detail"], *(error["msg"] for error in body["errors"])]:
        assert not any(internal in text for internal in INTERNALS), text
    for error in body["errors"]:
        assert error["loc"], error
        assert all(error["loc"]), error
        assert error["msg"].startswith((error["loc"][0], "the request")), error


def _body_routes(app: Flask) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/v1/", "/admin/v1/")):
            continue
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH"}):
            path = _ARGUMENT.sub(lambda m: CARD if m[1] == "number" else "x_1", rule.rule)
            routes.append((method, path))
    return sorted(routes)


def test_a_body_that_is_not_an_object_says_so_on_every_route(
    app: Flask, client: FlaskClient, api: Api, merchant: dict[str, Any]
) -> None:
    refused = 0
    for method, path in _body_routes(app):
        token = api.admin_token if path.startswith("/admin/") else merchant["api_key"]
        for body in NOT_OBJECTS:
            response = client.open(path, method=method, json=body, headers=bearer(token))
            if response.status_code != 422 or response.get_json()["code"] != "validation_error":
                continue  # an optional body (null means defaults), or one read raw (CSV)
            problem = response.get_json()
            _assert_readable(problem)
            whole = [error for error in problem["errors"] if error["loc"] == ["body"]]
            if whole:
                assert [e["msg"] for e in whole] == ["the request body must be a JSON object"]
                refused += 1
    assert refused > 60  # most routes take an object body


@pytest.mark.parametrize(
    ("path", "body", "loc", "words"),
    [
        (
            "/v1/programs",
            nine_stamp_card(reward={"description": "Coffee"}),
            ["reward", "type"],
            "reward.type is required; one of: award, lottery, voucher",
        ),
        (
            "/v1/programs",
            nine_stamp_card(reward={"type": "gift"}),
            ["reward", "type"],
            "reward.type must be one of: award, lottery, voucher ('gift' is not one)",
        ),
        (
            "/v1/programs",
            nine_stamp_card(rules=[{"stamps": 1}]),
            ["rules", "0", "kind"],
            "rules[0].kind is required; one of: per_amount, per_item, per_sale",
        ),
        (
            "/v1/programs",
            nine_stamp_card(reward={"type": "award"}),
            ["reward", "description"],
            "reward.description is required",
        ),
        (
            "/v1/programs",
            nine_stamp_card(rules=[{"kind": "per_sale", "stamps": 0}]),
            ["rules", "0", "stamps"],
            "rules[0].stamps must be at least 1",
        ),
        (
            "/v1/vouchers",
            {"reward": {**FREE_PIZZA, "code": {"value": "X"}}},
            ["reward", "code", "mode"],
            "reward.code.mode is required; one of: pool, shared, unique",
        ),
        ("/v1/api-keys", {"lable": "till"}, ["lable"], "lable is not a field here"),
        ("/v1/cards", {"program_id": 7}, ["program_id"], "program_id must be a string"),
    ],
)
def test_each_error_names_its_field_in_plain_words(
    api: Api, merchant: dict[str, Any], path: str, body: Any, loc: list[str], words: str
) -> None:
    response = api.call("POST", path, merchant["api_key"], json=body)
    problem = assert_problem(response, 422, "validation_error")
    _assert_readable(problem)
    (error,) = problem["errors"]
    assert error["loc"] == loc
    assert error["msg"].startswith(words), error["msg"]
    assert problem["detail"] == error["msg"]


def test_query_errors_name_their_parameter(api: Api, merchant: dict[str, Any]) -> None:
    response = api.call(
        "GET", "/v1/cards", merchant["api_key"], query_string={"phone": "hello", "limit": 0}
    )
    problem = assert_problem(response, 422, "validation_error")
    _assert_readable(problem)
    assert {tuple(error["loc"]) for error in problem["errors"]} == {("phone",), ("limit",)}
    assert "2 fields failed validation" in problem["detail"]
