"""What the gateway logs about a failed request never carries the personal data in it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import text

from gateway.db import request_session
from gateway.observability.gunicorn_logs import redacted_query
from tests.test_errors import assert_problem

EMAIL = "alice.private@example.com"
PHONE = "+380501234567"


def test_a_failed_statement_is_logged_without_its_parameters(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app()

    def lookup() -> str:
        request_session().execute(
            text("SELECT id FROM no_such_table WHERE email = :email AND phone = :phone"),
            {"email": EMAIL, "phone": PHONE},
        )
        return "unreachable"

    app.add_url_rule("/lookup", "lookup", lookup)
    response = app.test_client().get("/lookup")
    assert_problem(response, 500, "internal_error")
    logged = "\n".join(caplog.text.splitlines() + [r.getMessage() for r in caplog.records])
    assert "no_such_table" in logged  # the statement is there, so the failure can be traced
    assert EMAIL not in logged
    assert PHONE not in logged


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", None),
        ("phone=%2B380501234567", ["phone"]),
        ("code=abc&state=xyz&account=acme", ["code", "state", "account"]),
        ("email=a%40b.c&email=d%40e.f&limit=5", ["email", "limit"]),
        ("flag&=orphan", ["flag"]),
    ],
)
def test_access_log_queries_keep_only_parameter_names(
    query: str, expected: list[str] | None
) -> None:
    assert redacted_query(query) == expected
