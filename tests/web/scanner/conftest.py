"""The scanner's test fixtures: the merchant's owner (for the console side) and a seat."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from gateway.tenancy.models import User
from tests.support.console import Console, make_user
from tests.support.scanner import seat_device


@pytest.fixture
def owner(app: Flask, merchant: dict[str, Any]) -> User:
    """The merchant's owner."""
    return make_user(app, merchant["id"], "owner@cafe.example")


@pytest.fixture
def owner_console(client: Any, owner: User) -> Console:
    """The console logged in as the owner."""
    console = Console(client)
    console.log_in(owner.email)
    return console


@pytest.fixture
def bar(app: Flask, merchant: dict[str, Any]) -> Console:
    """A device signed in as the merchant's scanner seat "Bar Counter" at location "bar"."""
    return seat_device(app, merchant)[1]
