"""Asserting problem+json answers."""

from __future__ import annotations

from typing import Any

from werkzeug.test import TestResponse


def assert_problem(response: TestResponse, status: int, code: str) -> dict[str, Any]:
    """The response is a problem document with this status and code."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:stampgate:problem:{code}"
    assert body["title"]
    assert body["detail"]
    text = response.get_data(as_text=True)
    assert "<html" not in text.lower()
    assert "Traceback" not in text
    return body
