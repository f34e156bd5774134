"""The ``stampgate`` command: migrations and provisioning against a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, select

from gateway import create_app
from gateway.cli import main
from gateway.config import Settings
from gateway.db import build_engine, build_session_factory
from gateway.models import ApiKey
from gateway.tenancy.models import Merchant
from gateway.tenancy.service import authenticate
from gateway.tenancy.users import authenticate_user
from tests.support.console import Console
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


def test_merchant_create_takes_a_country_or_the_time_zones(empty_database: str) -> None:
    run("db", "upgrade")
    base = ["merchant", "create", "--name", "Cafe", "--currency", "EUR"]
    given = json.loads(run(*base, "--timezone", "Europe/Kyiv", "--country", "pl"))
    derived = json.loads(run(*base, "--timezone", "Europe/Kyiv"))
    neither = json.loads(run(*base, "--timezone", "UTC"))
    assert (given["country"], derived["country"], neither["country"]) == ("PL", "UA", None)
    refusals = {
        "XX": "--country is not an ISO 3166-1 country code (two letters, e.g. UA, DE, US)",
        "UKR": "--country may have at most 2 characters",
        "1": "--country must have at least 2 characters",
    }
    for bad, said in refusals.items():
        refused = CliRunner().invoke(main, [*base, "--timezone", "UTC", "--country", bad])
        assert refused.exit_code == 2, refused.output
        assert said in refused.output
    engine = build_engine(empty_database)
    with build_session_factory(engine)() as session:
        stored = dict(session.execute(select(Merchant.id, Merchant.country)).tuples().all())
    engine.dispose()
    assert stored == {given["id"]: "PL", derived["id"]: "UA", neither["id"]: None}


def test_demo_merchant_is_created_once(empty_database: str) -> None:
    run("db", "upgrade")
    first = run("demo", "--port", "8123")
    second = run("demo", "--port", "8123")
    assert first == second
    assert "curl -s -H 'Authorization: Bearer sgk_" in first
    assert "http://127.0.0.1:8123/v1/merchant" in first
    assert (Path("var") / "demo-api-key").stat().st_mode & 0o077 == 0
    assert "console: http://127.0.0.1:8123/console/login" in first
    assert "email: owner@demo.example  password: " in first
    assert (Path("var") / "demo-login").stat().st_mode & 0o077 == 0
    assert "scanner (staff seat 'Bar Counter'): open this link once on the device:" in first
    assert "/scanner/sign-in/" in first
    assert (Path("var") / "demo-scanner-link").stat().st_mode & 0o077 == 0
    link = first.split("customer card page: ", 1)[1].split()[0]
    assert link.startswith("http://127.0.0.1:8123/c/")
    app = create_app(Settings(database_url=empty_database, embedded_dispatcher=False))
    page = app.test_client().get(link.removeprefix("http://127.0.0.1:8123"))
    app.extensions["stampgate"].close()
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # The card's progress, its next reward, a voucher to use and a spin to play.
    shown = ["Demo coffee card", "7 of 9 stamps", "2 more stamps to Free coffee", "Free cookie"]
    assert [text for text in [*shown, "Play Spin to win"] if text not in html] == []


def test_the_demo_scanner_link_signs_a_device_in(empty_database: str) -> None:
    run("db", "upgrade")
    link = run("demo").splitlines()[-1].strip()
    app = create_app(Settings())
    device = Console(app.test_client())
    path = "/" + link.split("/", 3)[3]
    device.get(path)
    assert device.submit(path, {}).headers["Location"] == "/scanner/"
    assert "Bar Counter" in device.get("/scanner/").get_data(as_text=True)
    app.extensions["stampgate"].close()
    fresh = run("demo").splitlines()[-1].strip()
    assert fresh != link  # the used link is replaced by a new one


def test_seat_create_prints_its_sign_in_link(empty_database: str) -> None:
    run("db", "upgrade")
    created = json.loads(
        run("merchant", "create", "--name", "Cafe", "--currency", "EUR", "--timezone", "UTC")
    )
    args = ["seat", "create", "--merchant", created["id"], "--name", "Till", "--location", "main"]
    made = run(*args, "--mode", "kiosk")
    assert "(Till, kiosk) created" in made
    assert "sign-in link (7 days, once): http://" in made
    assert "/scanner/sign-in/" in made
    twice = CliRunner().invoke(main, args)
    assert twice.exit_code != 0
    assert "a seat with this name exists" in twice.output
    empty = CliRunner().invoke(main, [*args[:5], "", "--location", "main"])
    assert empty.exit_code != 0


def test_user_create_prints_a_link_or_takes_the_password_on_stdin(empty_database: str) -> None:
    run("db", "upgrade")
    created = json.loads(
        run("merchant", "create", "--name", "Cafe", "--currency", "EUR", "--timezone", "UTC")
    )
    invited = run(
        "user",
        "create",
        "--merchant",
        created["id"],
        "--email",
        "A@Cafe.example",
        "--role",
        "owner",
    )
    assert "(a@cafe.example, owner) created" in invited
    assert "/console/set-password/" in invited
    scripted = CliRunner().invoke(
        main,
        [
            "user",
            "create",
            "--merchant",
            created["id"],
            "--email",
            "b@cafe.example",
            "--role",
            "manager",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert scripted.exit_code == 0, scripted.output
    assert "set-password" not in scripted.output
    engine = build_engine(empty_database)
    with build_session_factory(engine)() as session:
        assert authenticate_user(session, "b@cafe.example", "a long enough password") is not None
        assert authenticate_user(session, "a@cafe.example", "") is None
    engine.dispose()


def test_user_create_refuses_bad_input_with_the_reason(empty_database: str) -> None:
    run("db", "upgrade")
    created = json.loads(
        run("merchant", "create", "--name", "Cafe", "--currency", "EUR", "--timezone", "UTC")
    )
    base = ["user", "create", "--merchant", created["id"], "--email"]
    cases = [
        ([*base, "a@cafe.example", "--role", "cashier"], "Invalid value for '--role'"),
        ([*base, "a@cafe.example", "--role", "owner", "--password-stdin"], "at least 10"),
        ([*base, "not-an-address", "--role", "owner"], "not an e-mail address"),
        (
            ["user", "create", "--merchant", "mer_x", "--email", "a@b.example", "--role", "owner"],
            "merchant not found",
        ),
    ]
    for args, message in cases:
        refused = CliRunner().invoke(main, args, input="short\n")
        assert refused.exit_code != 0, args
        assert message in refused.output, (args, refused.output)
    run(*base, "a@cafe.example", "--role", "owner")
    taken = CliRunner().invoke(main, [*base, "A@cafe.example", "--role", "staff"])
    assert "an account with this address exists" in taken.output
