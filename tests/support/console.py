"""A test-side browser of the console over the Flask test client: forms with their CSRF token."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from gateway.tenancy.models import User
from gateway.tenancy.users import create_user

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"


def make_user(app: Flask, merchant_id: str, email: str, role: str = "owner") -> User:
    """A user with ``PASSWORD`` (or none, for ``password=None`` flows use create_user)."""
    with app.extensions["stampgate"].session_factory() as session:
        return create_user(session, merchant_id, email, role, PASSWORD)


class Console:
    """Opens pages and submits their forms the way a browser would."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.last_page = ""

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        """Open a page (remembering it, for the token of its forms)."""
        response = self.client.get(path, **kwargs)
        self.last_page = response.get_data(as_text=True)
        return response

    def token(self) -> str:
        """The CSRF token of the last page opened."""
        found = _CSRF.search(self.last_page)
        assert found, "the page has no form with a CSRF token"
        return found.group(1)

    def submit(
        self, path: str, data: Mapping[str, str | list[str]], from_page: str | None = None
    ) -> TestResponse:
        """Post a form (a list is a field sent once per value) with the token of ``from_page``
        (or of the last page opened)."""
        if from_page is not None:
            self.get(from_page)
        response = self.client.post(path, data={**data, "csrf_token": self.token()})
        self.last_page = response.get_data(as_text=True) or self.last_page
        return response

    def log_in(self, email: str | None, password: str = PASSWORD) -> TestResponse:
        """Log in through the login form (``User.email`` is None only for staff seats)."""
        assert email is not None
        return self.submit(
            "/console/login", {"email": email, "password": password}, from_page="/console/login"
        )
