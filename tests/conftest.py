"""Fixtures: every DB test runs on SQLite and on PostgreSQL, each migrated once per session."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from gateway import create_app, migrate
from gateway.config import Settings
from gateway.models import Base
from tests.support.api import Api
from tests.support.declared import DeclaredProblemsClient
from tests.support.fake_poster import FakePoster, running_poster
from tests.support.fake_syrve import FakeSyrve, running_syrve
from tests.support.services import empty_tables, fresh_postgres_database, redis_client

ADMIN_TOKEN = "test-admin-token"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database of each backend, shared by the session and emptied after each test."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("sqlite") / "stampgate.db"
        url = f"sqlite:///{path}"
        migrate.upgrade(url)
        yield url
        return
    with fresh_postgres_database() as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings of a test app: the session's database, an admin token, no Redis."""
    return Settings(
        database_url=database_url,
        admin_token=ADMIN_TOKEN,
        redis_url=None,
        secret_key="test-secret",
        embedded_dispatcher=False,  # webhook tests start delivery themselves
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    """A fresh app per test (its problem answers checked against /openapi.json); its tables are
    emptied afterwards."""
    application = create_app(settings)
    application.test_client_class = DeclaredProblemsClient
    yield application
    empty_tables(application.extensions["stampgate"].engine, Base.metadata)
    application.extensions["stampgate"].close()


@pytest.fixture
def make_app(settings: Settings, app: Flask) -> Iterator[Callable[..., Flask]]:
    """Build extra apps with settings overrides; closed afterwards (``app`` empties the tables)."""
    made: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        application = create_app(settings.model_copy(update=overrides))
        application.test_client_class = DeclaredProblemsClient
        made.append(application)
        return application

    yield build
    for application in made:
        application.extensions["stampgate"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Flask's test client for the app."""
    return app.test_client()


@pytest.fixture
def api(client: FlaskClient) -> Api:
    """A small client speaking the gateway's API (admin token and merchant keys)."""
    return Api(client, ADMIN_TOKEN)


@pytest.fixture
def merchant(api: Api) -> dict[str, Any]:
    """A provisioned merchant (with its first API key)."""
    return api.create_merchant("Cafe One")


@pytest.fixture
def other_merchant(api: Api) -> dict[str, Any]:
    """A second tenant, to prove isolation."""
    return api.create_merchant("Cafe Two")


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of its own in the test Redis; its keys are removed afterwards."""
    client = redis_client()
    prefix = f"stampgate-test-{uuid.uuid4().hex}"
    yield prefix
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def poster() -> Iterator[FakePoster]:
    """A fake Poster over real HTTP (a file may override it with the data its tests need)."""
    with running_poster() as fake:
        yield fake


@pytest.fixture
def syrve() -> Iterator[FakeSyrve]:
    """A fake Syrve over real HTTP."""
    with running_syrve() as fake:
        yield fake
