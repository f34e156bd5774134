"""Fixtures of the webhook tests: an app that may deliver to loopback, a shop, a receiver."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from tests.support.api import Api
from tests.support.programs import nine_stamp_card
from tests.support.receiver import Receiver, running_receiver
from tests.support.webhooks import LOOPBACK


@pytest.fixture
def retry_schedule() -> tuple[int, ...]:
    """Seconds between attempts: two retries at once (parametrize to change it)."""
    return (0, 0)


@pytest.fixture
def hooks_app(make_app: Callable[..., Flask], retry_schedule: tuple[int, ...]) -> Flask:
    """An app that may deliver to loopback receivers, on ``retry_schedule``."""
    return make_app(webhook_allowed_networks=LOOPBACK, webhook_retry_schedule=retry_schedule)


@pytest.fixture
def hooks_api(hooks_app: Flask) -> Api:
    return Api(hooks_app.test_client(), "test-admin-token")


@pytest.fixture
def shop(hooks_api: Api) -> dict[str, Any]:
    """A merchant with the 9-stamp program."""
    merchant = hooks_api.create_merchant("Hooked Cafe")
    hooks_api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card())
    return merchant


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as server:
        yield server
