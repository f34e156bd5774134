"""API keys and users from the console: shown once, scoped to the merchant, audited."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from gateway.audit.models import AuditEvent
from gateway.tenancy.models import ApiKey
from tests.support.api import Api
from tests.support.console import PASSWORD, Console, make_user

_KEY = re.compile(r'id="new-key" class="mono" type="text" value="(sgk_[^"]+)"')
_LINK = re.compile(r'value="(http[^"]+/console/set-password/[^"]+)"')


def test_a_key_is_shown_once_works_and_is_revoked(
    app: Flask, api: Api, owner_console: Console
) -> None:
    console = owner_console
    created = console.submit("/console/api-keys", {"label": "Front till"}, "/console/api-keys")
    assert created.status_code == 201
    found = _KEY.search(created.get_data(as_text=True))
    assert found is not None
    plaintext = found.group(1)
    assert api.call("GET", "/v1/merchant", plaintext).status_code == 200
    listing = console.get("/console/api-keys").get_data(as_text=True)
    assert plaintext not in listing
    assert "Front till" in listing
    with app.extensions["stampgate"].session_factory() as session:
        key = session.scalars(select(ApiKey).where(ApiKey.label == "Front till")).one()
        actors = session.scalars(
            select(AuditEvent.actor_kind).where(AuditEvent.object_id == key.id)
        ).all()
    assert actors == ["user"]
    revoked = console.submit(f"/console/api-keys/{key.id}/revoke", {}, "/console/api-keys")
    assert revoked.status_code == 302
    assert api.call("GET", "/v1/merchant", plaintext).status_code == 401


def test_another_merchants_key_cannot_be_revoked(
    app: Flask, api: Api, owner_console: Console, other_merchant: dict[str, Any]
) -> None:
    console = owner_console
    with app.extensions["stampgate"].session_factory() as session:
        theirs = session.scalars(
            select(ApiKey.id).where(ApiKey.merchant_id == other_merchant["id"])
        ).one()
    refused = console.submit(f"/console/api-keys/{theirs}/revoke", {}, "/console/api-keys")
    assert refused.status_code == 404
    assert api.call("GET", "/v1/merchant", other_merchant["api_key"]).status_code == 200


def test_an_owner_invites_a_manager_who_sets_a_password_once(
    app: Flask, owner_console: Console
) -> None:
    console = owner_console
    invited = console.submit(
        "/console/settings/users",
        {"email": "Manager@Cafe.example", "role": "manager"},
        "/console/settings",
    )
    assert invited.status_code == 201
    found = _LINK.search(invited.get_data(as_text=True))
    assert found is not None
    link = found.group(1).split("://", 1)[1].split("/", 1)[1]
    assert "manager@cafe.example" in console.get("/console/settings").get_data(as_text=True)
    newcomer = Console(app.test_client())
    form = newcomer.get(f"/{link}")
    assert form.status_code == 200
    assert "manager@cafe.example" in form.get_data(as_text=True)
    mismatch = newcomer.submit(f"/{link}", {"password": PASSWORD, "password_again": "other"})
    assert mismatch.status_code == 422
    assert "The two passwords are not the same." in mismatch.get_data(as_text=True)
    short = newcomer.submit(f"/{link}", {"password": "short", "password_again": "short"})
    assert short.status_code == 422
    assert "Use at least 10 characters." in short.get_data(as_text=True)
    assert (
        newcomer.submit(f"/{link}", {"password": PASSWORD, "password_again": PASSWORD}).status_code
        == 302
    )
    assert newcomer.get("/console/").status_code == 200
    assert newcomer.get(f"/{link}").status_code == 404  # used once


def test_an_invitation_shows_the_apis_message_beside_the_field(
    app: Flask, owner_console: Console
) -> None:
    console = owner_console
    for email, message in [
        ("not-an-address", "Not an e-mail address"),
        ("owner@cafe.example", "An account with this address exists."),
    ]:
        refused = console.submit(
            "/console/settings/users", {"email": email, "role": "manager"}, "/console/settings"
        )
        assert refused.status_code == 422
        html = refused.get_data(as_text=True)
        assert f'<p class="field-error" id="email-error">{message}' in html
        assert f'value="{email}"' in html


def test_a_manager_cannot_manage_users(
    app: Flask, client: FlaskClient, merchant: dict[str, Any]
) -> None:
    owner = make_user(app, merchant["id"], "owner@cafe.example")
    make_user(app, merchant["id"], "manager@cafe.example", role="manager")
    console = Console(client)
    console.log_in("manager@cafe.example")
    page = console.get("/console/settings").get_data(as_text=True)
    assert "Invite a user" not in page
    refused = console.submit(
        "/console/settings/users", {"email": "x@cafe.example", "role": "owner"}, "/console/settings"
    )
    assert refused.status_code == 403
    removal = console.submit(f"/console/settings/users/{owner.id}/remove", {}, "/console/settings")
    assert removal.status_code == 403


def test_users_of_another_merchant_are_out_of_reach(
    app: Flask, owner_console: Console, other_merchant: dict[str, Any]
) -> None:
    console = owner_console
    theirs = make_user(app, other_merchant["id"], "owner@other.example")
    page = console.get("/console/settings").get_data(as_text=True)
    assert "owner@other.example" not in page
    refused = console.submit(f"/console/settings/users/{theirs.id}/remove", {}, "/console/settings")
    assert refused.status_code == 404
    assert Console(app.test_client()).log_in("owner@other.example").status_code == 302


def test_a_removed_user_is_logged_out_at_once(
    app: Flask, owner_console: Console, merchant: dict[str, Any]
) -> None:
    manager = make_user(app, merchant["id"], "manager@cafe.example", role="manager")
    theirs = Console(app.test_client())
    theirs.log_in(manager.email)
    assert theirs.get("/console/").status_code == 200
    removed = owner_console.submit(
        f"/console/settings/users/{manager.id}/remove", {}, "/console/settings"
    )
    assert removed.status_code == 302
    assert theirs.get("/console/").headers["Location"].startswith("/console/login")
    assert "manager@cafe.example" not in owner_console.get("/console/settings").get_data(
        as_text=True
    )


def test_the_owner_changes_the_business_settings_with_the_apis_checks(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    form = {"name": "Cafe One & Terrace", "timezone": "Europe/Warsaw", "country": "pl"}
    refused = owner_console.submit(
        "/console/settings/business", {**form, "timezone": "Mars/Olympus"}, "/console/settings"
    )
    assert refused.status_code == 422
    assert 'id="timezone-error">Not an IANA time zone name' in refused.get_data(as_text=True)
    assert api.call("GET", "/v1/merchant", merchant["api_key"]).get_json()["name"] == "Cafe One"
    saved = owner_console.submit("/console/settings/business", form, "/console/settings")
    assert saved.status_code == 302
    now = api.call("GET", "/v1/merchant", merchant["api_key"]).get_json()
    assert (now["name"], now["timezone"], now["country"]) == (
        "Cafe One & Terrace",
        "Europe/Warsaw",
        "PL",
    )


def test_a_manager_sees_the_business_settings_but_cannot_change_them(
    app: Flask, owner: Any, merchant: dict[str, Any]
) -> None:
    make_user(app, merchant["id"], "manager@cafe.example", role="manager")
    console = Console(app.test_client())
    console.log_in("manager@cafe.example")
    page = console.get("/console/settings").get_data(as_text=True)
    assert "Save business settings" not in page
    refused = console.submit(
        "/console/settings/business",
        {"name": "Mine", "timezone": "UTC", "country": ""},
        "/console/settings",
    )
    assert refused.status_code == 403
