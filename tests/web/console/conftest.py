"""The console's test fixtures: a browser-like client and the merchant's owner."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from gateway.tenancy.models import User
from tests.support.console import Console, make_user

OWNER_EMAIL = "owner@cafe.example"


@pytest.fixture
def console(client: FlaskClient) -> Console:
    """The console as a browser sees it (not logged in)."""
    return Console(client)


@pytest.fixture
def owner(app: Flask, merchant: dict[str, Any]) -> User:
    """The merchant's owner, with ``tests.support.console.PASSWORD``."""
    return make_user(app, merchant["id"], OWNER_EMAIL)


@pytest.fixture
def owner_console(console: Console, owner: User) -> Console:
    """The console logged in as the owner."""
    console.log_in(owner.email)
    return console
