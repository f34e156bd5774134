"""The ``stampgate`` command: migrations and provisioning against a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, select

from gateway.cli import main
from gateway.db import build_engine, build_session_factory
from gateway.models import ApiKey
from gateway.tenancy.service import authenticate
from tests.support.services import fresh_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """An unmigrated database, selected through STAMPGATE_DATABASE_URL."""
    monkeypatch.chdir(tmp_path)
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/cli.db"
        monkeypatch.setenv("STAMPGATE_DATABASE_URL", url)
        yield url
        return
    with fresh_postgres_database() as url:
        monkeypatch.setenv("STAMPGATE_DATABASE_URL", url)
        yield url


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_provisioning_from_the_command_line(empty_database: str) -> None:
    assert "database at head" in run("db", "upgrade")
    engine = build_engine(empty_database)
    assert "merchants" in inspect(engine).get_table_names()
    created = json.loads(
        run("merchant", "create", "--name", "Cafe", "--currency", "EUR", "--timezone", "UTC")
    )
    extra = json.loads(run("apikey", "create", "--merchant", created["id"], "--label", "till"))
    factory = build_session_factory(engine)
    with factory() as session:
        assert authenticate(session, created["api_key"]) is not None
        assert authenticate(session, extra["api_key"]) is not None
    revoked = json.loads(run("apikey", "revoke", extra["id"], "--merchant", created["id"]))
    assert revoked["revoked_at"]
    with factory() as session:
        assert authenticate(session, extra["api_key"]) is None
        assert len(session.scalars(select(ApiKey)).all()) == 2
    engine.dispose()


def test_bad_input_is_refused_without_writing(empty_database: str) -> None:
    run("db", "upgrade")
    result = CliRunner().invoke(
        main, ["merchant", "create", "--name", "X", "--currency", "EURO", "--timezone", "UTC"]
    )
    assert result.exit_code != 0
    assert "currency" in result.output
    unknown = CliRunner().invoke(main, ["apikey", "create", "--merchant", "mer_missing"])
    assert unknown.exit_code != 0
    assert "not found" in unknown.output
    engine = build_engine(empty_database)
    with build_session_factory(engine)() as session:
        assert session.scalars(select(ApiKey)).all() == []
    engine.dispose()


def test_demo_merchant_is_created_once(empty_database: str) -> None:
    run("db", "upgrade")
    first = run("demo", "--port", "8123")
    second = run("demo", "--port", "8123")
    assert first == second
    assert "curl -s -H 'Authorization: Bearer sgk_" in first
    assert "http://127.0.0.1:8123/v1/merchant" in first
    assert (Path("var") / "demo-api-key").stat().st_mode & 0o077 == 0
