"""Shared OpenAPI pieces: security schemes, the problem model, and the served document."""

from __future__ import annotations

import copy
import threading
from pathlib import Path
from typing import Any

import flask_openapi3_swagger
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    send_from_directory,
)
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.schema import Schema
from pydantic import BaseModel, Field

from gateway.api.guide_pages import GUIDES, add_guide_pages
from gateway.api.openapi_teaching import WebhooksSection, teach
from gateway.api.problem_docs import describe_problems
from gateway.api.problem_docs import problem_responses as problem_responses  # routes' import
from gateway.api.security_headers import html_policy

SECURITY_SCHEMES: dict[str, Any] = {
    "apiKey": {"type": "http", "scheme": "bearer", "description": "A merchant API key (sgk_...)."},
    "adminToken": {"type": "http", "scheme": "bearer", "description": "STAMPGATE_ADMIN_TOKEN."},
}
IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": "Replays the first response of a retry; 409 on reuse with another body.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}
COMPONENT_REF = "#/components/schemas/{model}"
SWAGGER_ASSETS = Path(flask_openapi3_swagger.__file__).parent / "templates" / "swagger"
PAGE_FILES = Path(__file__).parent / "swagger"
OPENAPI_URL = "/openapi.json"
WEBHOOKS_KEY = "openapi_webhooks"
# The one inline style element the Swagger UI bundle adds (the colours of its logo).
SWAGGER_LOGO_STYLE = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"
MERCHANT_SECURITY: list[dict[str, list[str]]] = [{"apiKey": []}]
ADMIN_SECURITY: list[dict[str, list[str]]] = [{"adminToken": []}]


class FieldError(BaseModel):
    """One failing field of a request."""

    loc: list[str]
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details; ``code`` is stable and meant for machines."""

    type: str = Field(examples=["urn:stampgate:problem:not_found"])
    title: str
    status: int
    detail: str
    code: str = Field(examples=["not_found"])
    errors: list[FieldError] | None = None


def raw_body(
    blueprint: APIBlueprint,
    model: type[BaseModel],
    description: str,
    csv: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Document a body the view reads raw (``openapi_extensions``), its schemas as components;
    ``csv`` documents a ``text/csv`` form of it too."""
    schema = model.model_json_schema(ref_template=COMPONENT_REF)
    for name, definition in {**schema.pop("$defs", {}), model.__name__: schema}.items():
        blueprint.components_schemas[name] = Schema(**definition)
    reference = {"$ref": COMPONENT_REF.format(model=model.__name__)}
    content: dict[str, Any] = {"application/json": {"schema": reference}}
    if csv is not None:
        content = {"text/csv": csv, **content}
    return {"requestBody": {"content": content, "description": description, "required": True}}


_BUILDING = threading.Lock()


def operation_id(*, bp_name: str = "", name: str = "", path: str = "", method: str = "") -> str:
    """Operation ids are the view function names (kept unique across the API by a test)."""
    del bp_name, path, method
    return name


def _polish(document: dict[str, Any], webhooks: WebhooksSection | None) -> dict[str, Any]:
    """Every POST takes an Idempotency-Key; every operation lists the problem codes it answers."""
    document = copy.deepcopy(document)
    for path_item in document["paths"].values():
        for method, operation in path_item.items():
            if method == "post":
                operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
            takes_input = bool(operation.get("requestBody")) or any(
                parameter["in"] != "header" for parameter in operation.get("parameters", [])
            )
            describe_problems(method, operation, takes_input)
    teach(document, COMPONENT_REF, webhooks)
    return document


def served_document(app: Flask) -> dict[str, Any]:
    """The app's /openapi.json document, built once."""
    document: dict[str, Any] | None = app.extensions.get("openapi_document")
    if document is not None:
        return document
    # flask-openapi3 publishes api_doc before it has finished filling it in: requests that
    # arrive together would read it half-built, so one thread builds and the others wait.
    with _BUILDING:
        document = app.extensions.get("openapi_document")
        if document is None:
            document = _polish(app.api_doc, app.extensions.get(WEBHOOKS_KEY))  # type: ignore[attr-defined]
            app.extensions["openapi_document"] = document
    return document


def _openapi_document() -> Response:
    return jsonify(served_document(current_app))


def _docs_page() -> Response:
    return redirect("/docs/swagger", code=302)  # type: ignore[return-value]


def _swagger_page() -> Response:
    response = Response(render_template("swagger.html", openapi_url=OPENAPI_URL, guides=GUIDES))
    response.headers["Content-Security-Policy"] = html_policy(SWAGGER_LOGO_STYLE)
    return response


def _page_file(filename: str) -> Response:
    return send_from_directory(PAGE_FILES, filename)


def _docs_blueprint() -> Blueprint:
    # The Swagger UI's own assets, and a page that starts it from a script file: the page's
    # Content-Security-Policy allows no inline script.
    docs = Blueprint(
        "docs",
        __name__,
        static_folder=SWAGGER_ASSETS,
        static_url_path="/swagger",
        template_folder=PAGE_FILES,
    )
    docs.add_url_rule("/swagger", "page", _swagger_page, methods=["GET"])
    docs.add_url_rule("/swagger-page/<path:filename>", "page_asset", _page_file, methods=["GET"])
    add_guide_pages(docs)
    return docs


def install_docs(app: Flask, webhooks: WebhooksSection | None = None) -> None:
    """Serve ``/openapi.json`` (with ``webhooks`` as its webhooks section) and a Swagger UI
    at ``/docs`` (assets bundled, no CDN)."""
    app.extensions[WEBHOOKS_KEY] = webhooks
    app.add_url_rule(OPENAPI_URL, "openapi_document", _openapi_document, methods=["GET"])
    app.add_url_rule("/docs", "docs", _docs_page, methods=["GET"])
    app.register_blueprint(_docs_blueprint(), url_prefix="/docs")
