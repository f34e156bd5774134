"""The served OpenAPI 3.1 document describes every route, from the pydantic models."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from gateway.api.problems import RAW_INPUT_STATUSES, STATUSES
from tests.support.api import Api
from tests.support.codes import new_card
from tests.support.openapi import assert_documented, operations, our_models, resolve
from tests.support.problems import assert_problem
from tests.support.programs import nine_stamp_card

UNDOCUMENTED = {"/openapi.json", "/docs", "/metrics"}
PAGES = ("/docs/",)  # web pages for people, not API operations
WEB_BLUEPRINTS = {"console", "public", "scanner"}  # so are the web blueprints' routes
# Apple's PassKit web service, served to phones: its shape is Apple's (README, Apple Wallet).
PROTOCOL_BLUEPRINTS = {"apple_web_service"}


def _is_page(endpoint: str) -> bool:
    return endpoint.partition(".")[0] in WEB_BLUEPRINTS | PROTOCOL_BLUEPRINTS


def _document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.get_json()
    return document


def test_document_is_valid_openapi_3_1(client: FlaskClient) -> None:
    document = _document(client)
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_is_documented(app: Flask, client: FlaskClient) -> None:
    paths = _document(client)["paths"]
    for rule in app.url_map.iter_rules():
        if rule.rule in UNDOCUMENTED or rule.rule.startswith(PAGES) or _is_page(rule.endpoint):
            continue
        openapi_path = rule.rule.replace("<", "{").replace(">", "}")
        assert openapi_path in paths, f"{rule.rule} is not in /openapi.json"
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths[openapi_path], f"{method} {rule.rule} is not documented"


def test_operation_ids_are_unique(client: FlaskClient) -> None:
    ids = [
        op["operationId"] for item in _document(client)["paths"].values() for op in item.values()
    ]
    assert len(ids) == len(set(ids))


def test_errors_are_documented_as_problems(client: FlaskClient) -> None:
    document = _document(client)
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "code"} <= set(problem["properties"])
    create = document["paths"]["/admin/v1/merchants"]["post"]
    assert "application/problem+json" in create["responses"]["422"]["content"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/MerchantCreate"
    )
    assert create["security"] == [{"adminToken": []}]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    assert "422" not in document["paths"]["/healthz"]["get"]["responses"]


def test_merchant_routes_declare_the_api_key(client: FlaskClient) -> None:
    document = _document(client)
    assert document["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
    for path, item in document["paths"].items():
        if path.startswith("/v1/"):
            for operation in item.values():
                assert operation["security"] == [{"apiKey": []}]


def test_docs_page_is_served_without_a_cdn(client: FlaskClient) -> None:
    redirect = client.get("/docs")
    assert redirect.status_code == 302
    page = client.get(redirect.headers["Location"])
    assert page.status_code == 200
    assert "text/html" in page.content_type
    html = page.get_data(as_text=True)
    assert "/openapi.json" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    for asset in assets:
        assert not asset.startswith(("http:", "https:", "//")), asset
        with client.get(urljoin(redirect.headers["Location"], asset)) as served:
            assert served.status_code == 200


def test_every_problem_response_lists_its_codes(client: FlaskClient) -> None:
    for operation in operations(_document(client)):
        for status, response in operation.spec["responses"].items():
            if int(status) < 400:
                continue
            where = f"{operation.method} {operation.path} {status}"
            (media,) = response["content"].values()
            codes = media["schema"]["properties"]["code"]["enum"]
            assert media["schema"]["$ref"] == "#/components/schemas/Problem", where
            assert codes, where
            assert set(media["examples"]) == set(codes), where
            for code in codes:
                assert STATUSES[code] == int(status) or code in RAW_INPUT_STATUSES, where
                assert f"- `{code}`: " in response["description"], where
                assert media["examples"][code]["value"]["code"] == code, where


def test_guards_add_their_codes_where_they_run(client: FlaskClient) -> None:
    paths = _document(client)["paths"]

    def codes(method: str, path: str) -> set[str]:
        responses = paths[path][method]["responses"]
        return {
            code
            for status, response in responses.items()
            if int(status) >= 400
            for code in response["content"]["application/problem+json"]["schema"]["properties"][
                "code"
            ]["enum"]
        }

    merchant_post = codes("post", "/v1/programs")
    assert {"unauthorized", "idempotency_conflict", "unsupported_media_type"} <= merchant_post
    assert {"validation_error", "control_characters", "too_many_attempts"} <= merchant_post
    assert "admin_disabled" not in merchant_post
    assert "admin_disabled" in codes("post", "/admin/v1/merchants")
    assert "idempotency_conflict" not in codes("get", "/v1/programs/{program_id}")
    assert "unsupported_media_type" not in codes("get", "/v1/programs/{program_id}")
    assert codes("get", "/healthz") == {"control_characters", "internal_error"}
    assert "unauthorized" not in codes("post", "/hooks/poster")
    assert "bad_signature" in codes("post", "/hooks/poster")


def test_refusals_found_by_fuzzing_are_documented(
    client: FlaskClient, api: Api, merchant: dict[str, Any]
) -> None:
    paths = _document(client)["paths"]
    unknown_card = api.call("GET", "/v1/vouchers?card=4000000000006", merchant["api_key"])
    assert unknown_card.status_code == 404
    assert "404" in paths["/v1/vouchers"]["get"]["responses"]
    # Without the Poster app configured the callback answers 409 poster_app_not_configured.
    assert "409" in paths["/connect/poster/callback"]["get"]["responses"]


def test_each_component_name_belongs_to_one_model(client: FlaskClient) -> None:
    components = _document(client)["components"]["schemas"]
    models = our_models()
    for name, component in components.items():
        owners = models.get(name, set())
        assert len(owners) <= 1, f"{name} names {len(owners)} models: {sorted(map(str, owners))}"
        if owners and "properties" in component:  # the component is that model's schema
            (model,) = owners
            assert set(component["properties"]) == set(model.model_json_schema()["properties"])


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def test_every_reference_resolves(client: FlaskClient) -> None:
    document = _document(client)
    references = set(_references(document))
    assert references  # the walk found the component references
    for reference in references:
        try:
            resolve(document, reference)
        except KeyError:
            pytest.fail(f"dangling reference {reference}")


def test_every_operation_documents_a_refused_request(client: FlaskClient) -> None:
    # Any URL can carry a control character (400) before a route looks at it.
    for operation in operations(_document(client)):
        assert "400" in operation.spec["responses"], f"{operation.method} {operation.path}"


def test_the_install_link_without_the_poster_app_is_documented(
    api: Api, merchant: dict[str, Any]
) -> None:
    program = api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card())
    url = f"/v1/connections/poster/install-url?program_id={program.get_json()['id']}"
    response = api.call("GET", url, merchant["api_key"])
    assert_problem(response, 409, "poster_app_not_configured")
    path = "/v1/connections/poster/install-url"
    assert_documented(_document(api.client), "GET", path, response)


def test_the_install_callback_without_the_poster_app_is_documented(client: FlaskClient) -> None:
    response = client.get("/connect/poster/callback?code=abc&account=cafe")
    assert_problem(response, 409, "poster_app_not_configured")
    assert_documented(_document(client), "GET", "/connect/poster/callback", response)


def test_vouchers_of_an_unknown_card_are_documented(
    api: Api, merchant: dict[str, Any], other_merchant: dict[str, Any]
) -> None:
    foreign = new_card(api, other_merchant)
    response = api.call("GET", f"/v1/vouchers?card={foreign}", merchant["api_key"])
    assert_problem(response, 404, "not_found")
    assert_documented(_document(api.client), "GET", "/v1/vouchers", response)


def test_only_bodies_whose_fields_all_have_defaults_may_be_left_out(client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()
    optional = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if operation.get("requestBody", {}).get("required") is False
    }
    assert optional == {
        ("POST", "/v1/api-keys"),
        ("POST", "/v1/vouchers/{voucher_id}/redeem"),
        ("POST", "/v1/redemptions/{redemption_id}/rollback"),
    }
