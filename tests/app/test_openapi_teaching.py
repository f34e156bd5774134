"""The served document teaches: examples on every body, a meaning for every enum value, tagged
unions with a discriminator, and a ``webhooks`` section describing every event we send."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from tests.support.api import Api
from tests.support.codes import new_card
from tests.support.openapi import our_models
from tests.support.programs import FREE_COFFEE, nine_stamp_card
from webhooks.catalog import EVENT_TYPES
from webhooks.payloads import DATA_MODELS

JSON = "application/json"
SIGNATURE_HEADERS = {"webhook-id", "webhook-timestamp", "webhook-signature"}


def _document(client: FlaskClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").get_json()
    return document


def _errors(document: dict[str, Any], schema: dict[str, Any], value: Any) -> list[str]:
    """Why ``value`` does not match ``schema`` (whose references point into ``document``)."""
    rooted = {**schema, "components": document["components"]}
    return [error.message for error in Draft202012Validator(rooted).iter_errors(value)]


def _bodies(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON request body and 2xx JSON response, of the paths and of the webhooks."""
    for section in ("paths", "webhooks"):
        for path, item in document[section].items():
            for method, operation in item.items():
                where = f"{method.upper()} {path}"
                media = operation.get("requestBody", {}).get("content", {}).get(JSON)
                if media is not None:
                    yield f"{where} request", media
                for status, response in operation["responses"].items():
                    media = response.get("content", {}).get(JSON)
                    if status.startswith("2") and media is not None:
                        yield f"{where} {status}", media


def test_every_body_has_an_example_that_matches_its_schema(client: FlaskClient) -> None:
    document = _document(client)
    missing, invalid = [], []
    for where, media in _bodies(document):
        if "example" not in media:
            missing.append(where)
        elif errors := _errors(document, media["schema"], media["example"]):
            invalid.append(f"{where}: {errors}")
    assert not missing, f"no example: {missing}"
    assert not invalid


def test_every_model_example_matches_its_model(client: FlaskClient) -> None:
    document = _document(client)
    examples = {
        name: schema["example"]
        for name, schema in document["components"]["schemas"].items()
        if "example" in schema
    }
    assert len(examples) > 50
    for name, value in examples.items():
        errors = _errors(document, {"$ref": f"#/components/schemas/{name}"}, value)
        assert not errors, f"{name}: {errors}"


def test_every_example_is_accepted_by_its_own_model(client: FlaskClient) -> None:
    # Stricter than the schema: the models' own validators (time zones, goals, patterns) run.
    components = _document(client)["components"]["schemas"]
    models = our_models()
    checked = 0
    for name, schema in components.items():
        if "example" in schema and len(models.get(name, ())) == 1:
            (model,) = models[name]
            model.model_validate(schema["example"])
            checked += 1
    assert checked > 50


def _nodes(node: Any, at: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield at, node
        for key, value in node.items():
            yield from _nodes(value, f"{at}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _nodes(item, f"{at}/{index}")


def test_every_enum_value_has_a_meaning(client: FlaskClient) -> None:
    enums = [(at, node) for at, node in _nodes(_document(client)) if "enum" in node]
    assert len(enums) > 20
    for at, node in enums:
        meanings = node.get("x-enumDescriptions", {})
        assert set(meanings) == set(node["enum"]), f"{at}: meanings {meanings}"
        assert all(meanings.values()), at
        for value in node["enum"]:  # what Swagger UI and generated docstrings show
            assert re.search(rf"^- `{re.escape(value)}`: \S", node["description"], re.M), at


def test_tagged_unions_name_their_discriminator(client: FlaskClient) -> None:
    document = _document(client)
    schemas = document["components"]["schemas"]
    unions = [(at, node) for at, node in _nodes(document) if "oneOf" in node]
    assert len(unions) >= 8
    for at, node in unions:
        discriminator = node.get("discriminator", {})
        references = {option["$ref"] for option in node["oneOf"]}
        assert set(discriminator.get("mapping", {}).values()) == references, at
        for value, reference in discriminator["mapping"].items():
            member = schemas[reference.rpartition("/")[2]]
            assert member["properties"][discriminator["propertyName"]]["const"] == value
            assert member.get("description"), f"{reference} does not say what {value} means"
    for at, node in _nodes(document):  # a union of several models is always tagged
        models = [o for o in node.get("anyOf", []) if "$ref" in o or "oneOf" in o]
        assert len(models) <= 1, f"{at}: untagged union"


def test_a_sales_rewards_match_the_documented_shape(
    client: FlaskClient, api: Api, merchant: dict[str, Any]
) -> None:
    key = merchant["api_key"]
    milestones = [{"stamps": 1, "reward": FREE_COFFEE}]
    body = nine_stamp_card(stamps_goal=3, milestones=milestones)
    program = api.call("POST", "/v1/programs", key, json=body)
    assert program.status_code == 201
    number = new_card(api, merchant, program.get_json()["id"])
    document = _document(client)
    rewards = document["components"]["schemas"]["SaleOut"]["properties"]["rewards"]
    assert rewards["items"]["discriminator"]["propertyName"] == "type"
    schema = {"$ref": "#/components/schemas/SaleOut"}
    given = []
    for index in range(3):
        sale = {
            "source": "api",
            "transaction_id": f"T-{index}",
            "closed_at": "2026-11-22T10:00:00Z",
            "currency": "EUR",
            "total": 900,
            "customer": {"card_number": number},
        }
        response = api.call("POST", "/v1/sales", key, json=sale)
        assert response.status_code == 201, response.get_json()
        assert not _errors(document, schema, response.get_json())
        given += [reward["type"] for reward in response.get_json()["rewards"]]
    assert {"award", "voucher"} <= set(given)
    for event in api.call("GET", "/v1/events?limit=100", key).get_json()["items"]:
        body = document["webhooks"][event["type"]]["post"]["requestBody"]["content"][JSON]
        assert not _errors(document, body["schema"], event), event["type"]


def test_every_event_type_is_a_documented_webhook(client: FlaskClient) -> None:
    webhooks = _document(client)["webhooks"]
    assert set(webhooks) == set(EVENT_TYPES)
    for event_type, item in webhooks.items():
        operation = item["post"]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert headers == SIGNATURE_HEADERS
        schema = operation["requestBody"]["content"][JSON]["schema"]
        assert set(schema["required"]) == {"id", "type", "timestamp", "merchant_id", "data"}
        assert schema["properties"]["type"]["const"] == event_type
        data_model = DATA_MODELS[event_type].__name__
        assert schema["properties"]["data"] == {"$ref": f"#/components/schemas/{data_model}"}
