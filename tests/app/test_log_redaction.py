"""What the gateway logs about a failed request never carries the personal data in it."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from gateway.api.session import request_session
from gateway.observability.gunicorn_logs import redacted_query
from gateway.observability.logs import JsonFormatter
from tests.support.problems import assert_problem

EMAIL = "alice.private@example.com"
PHONE = "+380501234567"


def test_a_failed_statement_is_logged_without_its_parameters(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app()

    def lookup() -> str:
        # A statement error on both backends (NOT NULL), not an outage: a 500, not a 503.
        request_session().execute(
            text("INSERT INTO merchants (id, name) VALUES (:email, :phone)"),
            {"email": EMAIL, "phone": PHONE},
        )
        return "unreachable"

    app.add_url_rule("/lookup", "lookup", lookup)
    response = app.test_client().get("/lookup")
    assert_problem(response, 500, "internal_error")
    logged = "\n".join(caplog.text.splitlines() + [r.getMessage() for r in caplog.records])
    assert "INSERT INTO merchants" in logged  # the statement is there, so the failure can be traced
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


def test_json_logs_tell_a_database_error_without_its_row_values(app: Flask) -> None:
    # Worker loops log with exc_info; the JSON formatter must not print the driver's message.
    engine = app.extensions["stampgate"].engine
    statement = text("INSERT INTO merchants (id, name) VALUES (:email, :phone)")
    with pytest.raises(DBAPIError) as raised, engine.begin() as connection:
        connection.execute(statement, {"email": EMAIL, "phone": PHONE})
    record = logging.LogRecord("worker", logging.ERROR, __file__, 1, "failed", None, None)
    record.exc_info = (raised.type, raised.value, raised.tb)
    line = JsonFormatter().format(record)
    assert "INSERT INTO merchants" in line
    assert "Traceback" in line
    assert EMAIL not in line
    assert PHONE not in line
