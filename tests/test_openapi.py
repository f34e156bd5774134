"""The served OpenAPI 3.1 document describes every route, from the pydantic models."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from tests.support.api import Api

UNDOCUMENTED = {"/openapi.json", "/docs", "/metrics"}


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
        if rule.rule in UNDOCUMENTED or rule.rule.startswith("/docs/"):
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


def test_every_validation_error_is_documented_as_one_problem(client: FlaskClient) -> None:
    for path, item in _document(client)["paths"].items():
        for method, operation in item.items():
            documented = operation["responses"].get("422")
            if documented is not None:
                assert documented["content"] == {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                }, f"{method.upper()} {path}"


def test_refusals_found_by_fuzzing_are_documented(
    client: FlaskClient, api: Api, merchant: dict[str, Any]
) -> None:
    paths = _document(client)["paths"]
    unknown_card = api.call("GET", "/v1/vouchers?card=4000000000006", merchant["api_key"])
    assert unknown_card.status_code == 404
    assert "404" in paths["/v1/vouchers"]["get"]["responses"]
    # Without the Poster app configured the callback answers 409 poster_app_not_configured.
    assert "409" in paths["/connect/poster/callback"]["get"]["responses"]
