"""Every problem the tests see must be declared: a test client that checks each problem+json
answer's ``code`` against the codes /openapi.json declares for the operation that answered."""

from __future__ import annotations

import re
from typing import Any
from weakref import WeakKeyDictionary

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException
from werkzeug.test import TestResponse

from gateway.api.openapi_docs import served_document
from gateway.api.problem_docs import Answer, declared_answers
from gateway.api.problems import PROBLEM_CONTENT_TYPE

_RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_DECLARED: WeakKeyDictionary[Flask, dict[tuple[str, str], set[Answer]]] = WeakKeyDictionary()


def declared_for(app: Flask) -> dict[tuple[str, str], set[Answer]]:
    """(method, OpenAPI path) -> the (status, code) answers it declares; built once per app."""
    declared = _DECLARED.get(app)
    if declared is None:
        declared = _DECLARED[app] = declared_answers(served_document(app))
    return declared


def operation_of(app: Flask, response: TestResponse) -> tuple[str, str] | None:
    """The documented (method, path) that answered, or None (routing refusals, other routes)."""
    environ = response.request.environ
    try:
        rule, _ = app.url_map.bind_to_environ(environ).match(return_rule=True)
    except HTTPException:  # no route (404), another method (405), a slash redirect
        return None
    method = environ["REQUEST_METHOD"]
    return "GET" if method == "HEAD" else method, _RULE_ARGUMENT.sub(r"{\g<1>}", rule.rule)


def assert_declared(app: Flask, response: TestResponse) -> None:
    """A problem answer's code is one its operation declares in /openapi.json."""
    if response.mimetype != PROBLEM_CONTENT_TYPE:
        return
    operation = operation_of(app, response)
    declared = declared_for(app).get(operation) if operation else None
    if operation is None or declared is None:  # not an operation of the document
        return
    answer = (response.status_code, response.get_json()["code"])
    assert answer in declared, (
        f"{' '.join(operation)} answered {answer[0]} {answer[1]!r}, which /openapi.json does not "
        "declare for it: add the code to the route's problem_responses(...)"
    )


class DeclaredProblemsClient(FlaskClient):
    """Flask's test client, failing a request whose problem answer the spec does not declare."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        """Send the request, then check its answer."""
        response = super().open(*args, **kwargs)
        assert isinstance(self.application, Flask)
        assert_declared(self.application, response)
        return response
