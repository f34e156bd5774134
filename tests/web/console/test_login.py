"""Logging in and out of the console: the form, sessions, CSRF, redirects and limits."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from gateway.tenancy.models import User
from gateway.tenancy.users import set_password
from tests.support.console import PASSWORD, Console, make_user


def test_the_login_form_has_labelled_fields_and_a_button(console: Console) -> None:
    page = console.get("/console/login")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<label for="email">Email</label>' in html
    assert '<label for="password">Password</label>' in html
    assert ">Log in</button>" in html
    assert page.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_an_owner_logs_in_sees_the_dashboard_and_logs_out(
    app: Flask, client: FlaskClient, merchant: dict[str, Any]
) -> None:
    make_user(app, merchant["id"], "Owner@Cafe.example")
    console = Console(client)
    logged_in = console.log_in("owner@cafe.example")
    assert logged_in.status_code == 302
    assert logged_in.headers["Location"] == "/console/"
    cookie = logged_in.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    dashboard = console.get("/console/")
    assert dashboard.status_code == 200
    assert "Cafe One" in dashboard.get_data(as_text=True)
    logged_out = console.submit("/console/logout", {})
    assert logged_out.status_code == 302
    assert console.get("/console/").headers["Location"].startswith("/console/login")


def test_a_wrong_password_and_an_unknown_address_read_the_same(
    console: Console, owner: User
) -> None:
    for email, password in [("owner@cafe.example", "wrong password"), ("nobody@x.example", "x")]:
        refused = console.log_in(email, password)
        assert refused.status_code == 401
        assert "The email or password is wrong." in refused.get_data(as_text=True)
        assert email in refused.get_data(as_text=True)  # the address typed stays in the form
        assert console.get("/console/").status_code == 302


def test_a_form_without_its_csrf_token_is_refused(
    app: Flask, client: FlaskClient, merchant: dict[str, Any]
) -> None:
    make_user(app, merchant["id"], "owner@cafe.example")
    refused = client.post(
        "/console/login", data={"email": "owner@cafe.example", "password": PASSWORD}
    )
    assert refused.status_code == 400
    assert "This form has expired" in refused.get_data(as_text=True)
    console = Console(client)
    console.log_in("owner@cafe.example")
    forged = client.post("/console/logout", data={"csrf_token": "forged"})
    assert forged.status_code == 400
    assert console.get("/console/").status_code == 200  # still logged in


def test_a_page_asks_for_a_login_then_returns_to_it(console: Console, owner: User) -> None:
    asked = console.get("/console/api-keys")
    assert asked.status_code == 302
    login_url = asked.headers["Location"]
    assert login_url.startswith("/console/login?next=")
    console.get(login_url)
    answered = console.submit(login_url, {"email": "owner@cafe.example", "password": PASSWORD})
    assert answered.headers["Location"] == "/console/api-keys"


def test_next_never_leads_to_another_site(console: Console, owner: User) -> None:
    for target in ["https://evil.example/", "//evil.example/console/", "/v1/merchant", "/\\evil"]:
        console.get("/console/login")
        answered = console.submit(
            f"/console/login?next={target}",
            {"email": "owner@cafe.example", "password": PASSWORD},
        )
        assert answered.headers["Location"] == "/console/", target
        console.submit("/console/logout", {}, from_page="/console/")


def test_an_idle_session_ends_and_the_login_returns_to_the_page(
    console: Console, owner: User
) -> None:
    console.log_in("owner@cafe.example")
    with console.client.session_transaction() as session:
        session["seen"] = int(time.time()) - 31 * 60
    expired = console.get("/console/settings")
    assert expired.status_code == 302
    assert expired.headers["Location"].startswith("/console/login?next=/console/settings")


def test_a_new_password_ends_the_other_sessions(
    app: Flask, client: FlaskClient, merchant: dict[str, Any]
) -> None:
    user = make_user(app, merchant["id"], "owner@cafe.example")
    console = Console(client)
    console.log_in("owner@cafe.example")
    with app.extensions["stampgate"].session_factory() as session:
        set_password(session, session.merge(user), "a brand new password")
    assert console.get("/console/").status_code == 302


def test_staff_cannot_open_the_console(
    app: Flask, client: FlaskClient, merchant: dict[str, Any]
) -> None:
    make_user(app, merchant["id"], "till@cafe.example", role="staff")
    console = Console(client)
    assert console.log_in("till@cafe.example").headers["Location"] == "/console/staff"
    assert console.get("/console/staff").status_code == 403
    assert console.get("/console/").status_code == 403
    assert console.get("/console/api-keys").status_code == 403


def test_failed_logins_are_limited_per_account_with_a_clear_message(
    make_app: Callable[..., Flask], merchant: dict[str, Any]
) -> None:
    app = make_app(limit_login_failures_per_account="3/15 minutes")
    make_user(app, merchant["id"], "owner@cafe.example")
    console = Console(app.test_client())
    for _ in range(3):
        assert console.log_in("owner@cafe.example", "wrong password").status_code == 401
    locked = console.log_in("OWNER@cafe.example", PASSWORD)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert "Too many failed logins for this account." in locked.get_data(as_text=True)
    other = make_user(app, merchant["id"], "manager@cafe.example", role="manager")
    assert console.log_in(other.email).status_code == 302  # another account is not locked


def test_failed_logins_are_limited_per_address(
    make_app: Callable[..., Flask], merchant: dict[str, Any]
) -> None:
    app = make_app(limit_login_failures_per_address="4/15 minutes")
    make_user(app, merchant["id"], "owner@cafe.example")
    console = Console(app.test_client())
    for number in range(4):
        assert console.log_in(f"guess{number}@cafe.example", "x").status_code == 401
    locked = console.log_in("owner@cafe.example")
    assert locked.status_code == 429
    assert "from this address" in locked.get_data(as_text=True)


def test_bad_set_password_links_count_against_the_address(
    make_app: Callable[..., Flask], merchant: dict[str, Any]
) -> None:
    app = make_app(limit_login_failures_per_address="3/15 minutes")
    client = app.test_client()
    for number in range(3):
        assert client.get(f"/console/set-password/forged-{number}").status_code == 404
    locked = client.get("/console/set-password/forged-again")
    assert locked.status_code == 429
    assert "Too many failed logins from this address." in locked.get_data(as_text=True)
