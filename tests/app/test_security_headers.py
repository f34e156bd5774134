"""Every response carries the browser security headers; HTML pages run no inline script."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse
from werkzeug.wrappers import Response

from tests.support.api import Api

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)


def directives(response: Response) -> dict[str, set[str]]:
    """The Content-Security-Policy, directive by directive."""
    policy = response.headers.get("Content-Security-Policy", "")
    parsed: dict[str, set[str]] = {}
    for directive in filter(None, (part.strip() for part in policy.split(";"))):
        name, *sources = directive.split()
        parsed[name] = set(sources)
    return parsed


def assert_common_headers(response: Response) -> None:
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("X-Frame-Options") == "DENY"
    assert headers.get("Referrer-Policy") == "no-referrer"
    policy = directives(response)
    assert policy.get("frame-ancestors") == {"'none'"}
    assert "default-src" in policy


def html_pages(app: Flask, client: FlaskClient) -> Iterator[tuple[str, TestResponse]]:
    """Every parameterless GET route that answers HTML (following redirects)."""
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.arguments:
            continue
        response = client.get(rule.rule, follow_redirects=True)
        if response.mimetype == "text/html":
            yield rule.rule, response


def test_html_pages_get_a_strict_policy_and_no_inline_script(
    app: Flask, client: FlaskClient
) -> None:
    pages = dict(html_pages(app, client))
    assert "/docs" in pages  # the Swagger UI, reached through its redirect
    for path, response in pages.items():
        assert_common_headers(response)
        policy = directives(response)
        assert policy["default-src"] == {"'none'"}, path
        assert policy["script-src"] == {"'self'"}, path  # no inline, no eval, no CDN
        assert policy["base-uri"] == {"'none'"}, path
        assert policy["object-src"] == {"'none'"}, path
        html = response.get_data(as_text=True)
        for attributes, body in SCRIPT.findall(html):
            assert "src=" in attributes, f"inline script on {path}"
            assert not body.strip(), f"inline script on {path}"
        assert not INLINE_HANDLER.search(html), f"inline event handler on {path}"
        assert not STYLE_BLOCK.search(html), f"inline style block on {path}"


def test_the_docs_page_scripts_are_served_from_the_gateway(client: FlaskClient) -> None:
    page = client.get("/docs", follow_redirects=True)
    base = page.request.url
    scripts = [
        re.search(r'src="([^"]+)"', attributes) for attributes, _ in SCRIPT.findall(page.text)
    ]
    sources = [match.group(1) for match in scripts if match]
    assert any(source.endswith("swagger-init.js") for source in sources)
    for source in sources:
        with client.get(urljoin(base, source)) as served:
            assert served.status_code == 200, source
            assert served.mimetype in {"text/javascript", "application/javascript"}, source
            assert_common_headers(served)
    init = next(source for source in sources if source.endswith("swagger-init.js"))
    with client.get(urljoin(base, init)) as served:
        assert "SwaggerUIBundle" in served.get_data(as_text=True)
    assert 'data-openapi-url="/openapi.json"' in page.text


def test_json_answers_carry_the_headers_too(api: Api, merchant: dict[str, Any]) -> None:
    responses = [
        api.client.get("/healthz"),
        api.client.get("/openapi.json"),
        api.call("GET", "/v1/merchant", merchant["api_key"]),
        api.client.get("/v1/merchant"),  # 401 problem
        api.client.get("/nowhere"),  # 404 problem
        api.client.put("/healthz"),  # 405 problem
        api.call(
            "POST", "/v1/api-keys", merchant["api_key"], data="{", content_type="application/json"
        ),
    ]
    for response in responses:
        assert_common_headers(response)
        assert directives(response)["default-src"] == {"'none'"}
