"""The webhook portal in the console: endpoints, their secret, deliveries, retry and recover."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from gateway.audit.models import AuditEvent
from gateway.config import Settings
from gateway.db import utcnow
from tests.support.api import Api
from tests.support.console import Console, make_user
from tests.support.receiver import Receiver, running_receiver
from tests.support.webhooks import LOOPBACK, add_endpoint, deliver_all

_SECRET = re.compile(r'id="secret" class="mono" type="text" value="(whsec_[^"]+)"')
_ENDPOINT_ID = re.compile(r"/console/webhooks/(whe_[A-Za-z0-9]+)")
PUBLIC_URL = "https://1.1.1.1/hooks"  # a public literal address: no DNS, nothing delivered


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Deliveries may go to loopback receivers; a failed attempt is retried minutes later."""
    return settings.model_copy(
        update={"webhook_allowed_networks": LOOPBACK, "webhook_retry_schedule": (600,)}
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver((500, {"X-Why": "down"})) as server:
        yield server


def _text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def _secret_of(response: Any) -> str:
    found = _SECRET.search(response.get_data(as_text=True))
    assert found is not None, "the answer shows no secret"
    return found.group(1)


def _api_secret(api: Api, merchant: dict[str, Any], endpoint_id: str) -> str:
    response = api.call("GET", f"/v1/webhook-endpoints/{endpoint_id}/secret", merchant["api_key"])
    secret: str = response.get_json()["secret"]
    return secret


def _add(console: Console, url: str, **form: Any) -> Any:
    return console.submit("/console/webhooks", {"url": url, **form}, "/console/webhooks/new")


def test_an_endpoint_is_added_and_its_secret_shown_only_when_asked(
    api: Api, merchant: dict[str, Any], owner_console: Console
) -> None:
    console = owner_console
    form = console.get("/console/webhooks/new")
    assert form.status_code == 200
    assert "JSON schema of" in _text(form)
    assert '"voucher_id"' in _text(form)
    created = _add(
        console,
        PUBLIC_URL,
        description="Till bridge",
        types="chosen",
        event_types=["voucher.redeemed", "card.stamped"],
    )
    assert created.status_code == 201
    endpoint_id = _ENDPOINT_ID.search(created.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    secret = _secret_of(created)
    assert secret == _api_secret(api, merchant, endpoint_id)
    stored = api.call("GET", f"/v1/webhook-endpoints/{endpoint_id}", merchant["api_key"])
    assert stored.get_json()["event_types"] == ["card.stamped", "voucher.redeemed"]
    for path in ("/console/webhooks", f"/console/webhooks/{endpoint_id}"):
        page = console.get(path)
        assert page.status_code == 200
        assert secret not in page.get_data(as_text=True)
        assert "Till bridge" in _text(page)
        assert "Healthy" in _text(page)
    revealed = console.submit(f"/console/webhooks/{endpoint_id}/secret", {})
    assert revealed.status_code == 200
    assert _secret_of(revealed) == secret
    rotated = console.submit(f"/console/webhooks/{endpoint_id}/rotate-secret", {})
    assert rotated.status_code == 200
    new_secret = _secret_of(rotated)
    assert new_secret != secret
    assert new_secret == _api_secret(api, merchant, endpoint_id)
    assert "The previous secret keeps signing" in _text(rotated)
    assert new_secret not in console.get(f"/console/webhooks/{endpoint_id}").get_data(as_text=True)


def test_a_refused_url_is_said_beside_the_field_and_nothing_is_written(
    api: Api, merchant: dict[str, Any], owner_console: Console
) -> None:
    refused = _add(owner_console, "http://10.0.0.7/hooks", description="Back office")
    assert refused.status_code == 422
    page = _text(refused)
    error = re.search(r'<p class="field-error" id="url-error">([^<]+)</p>', page)
    assert error is not None
    assert "This URL cannot receive webhooks" in error.group(1)
    assert "STAMPGATE_WEBHOOK_ALLOWED_NETWORKS" in error.group(1)  # the setting that allows it
    assert 'value="http://10.0.0.7/hooks"' in page
    assert 'value="Back office"' in page
    unknown = _add(owner_console, PUBLIC_URL, types="chosen", event_types=["card.teleported"])
    assert unknown.status_code == 422
    assert re.search(r'id="event_types-error">[^<]*card.teleported', _text(unknown))
    listed = api.call("GET", "/v1/webhook-endpoints", merchant["api_key"]).get_json()
    assert listed["items"] == []


def test_an_endpoint_is_edited_disabled_and_enabled(
    app: Flask, api: Api, merchant: dict[str, Any], owner_console: Console
) -> None:
    console = owner_console
    endpoint = add_endpoint(api, merchant, PUBLIC_URL, event_types=["card.stamped"])
    path = f"/console/webhooks/{endpoint['id']}"
    edit = console.get(f"{path}/edit")
    assert 'value="card.stamped" checked' in edit.get_data(as_text=True)
    bad = console.submit(path, {"url": "ftp://1.1.1.1/x", "types": "all"})
    assert bad.status_code == 422
    assert "scheme 'ftp' is not allowed" in _text(bad)
    saved = console.submit(path, {"url": PUBLIC_URL, "description": "Kitchen", "types": "all"})
    assert saved.status_code == 302
    stored = api.call("GET", f"/v1/webhook-endpoints/{endpoint['id']}", merchant["api_key"])
    assert (stored.get_json()["description"], stored.get_json()["event_types"]) == (
        "Kitchen",
        None,
    )
    assert console.submit(f"{path}/status", {"status": "disabled"}, path).status_code == 302
    assert "The endpoint is disabled." in _text(console.get(path))
    enabled = console.submit(f"{path}/status", {"status": "enabled"}, path)
    assert "recover_since=" in enabled.headers["Location"]
    assert "The endpoint is enabled." in _text(console.get(enabled.headers["Location"]))
    with app.extensions["stampgate"].session_factory() as session:
        actions = session.scalars(
            select(AuditEvent.actor_kind).where(AuditEvent.object_id == endpoint["id"])
        ).all()
    assert "user" in actions  # the console's changes are audited under the user


def test_a_form_opened_before_a_change_is_refused_not_saved(
    api: Api, merchant: dict[str, Any], owner_console: Console
) -> None:
    endpoint = add_endpoint(api, merchant, PUBLIC_URL, description="Till")
    path = f"/console/webhooks/{endpoint['id']}"
    form = owner_console.get(f"{path}/edit").get_data(as_text=True)
    read_at = re.search(r'name="updated_at" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    changed = api.call(
        "PATCH",
        f"/v1/webhook-endpoints/{endpoint['id']}",
        merchant["api_key"],
        json={"description": "Kitchen"},
    )
    assert changed.status_code == 200
    stale = owner_console.submit(
        path, {"url": PUBLIC_URL, "description": "Bar", "types": "all", "updated_at": read_at}
    )
    assert stale.status_code == 409
    assert "This endpoint was changed after the form was opened." in _text(stale)
    assert 'value="Kitchen"' in _text(stale)  # the form shows what is saved now
    stored = api.call("GET", f"/v1/webhook-endpoints/{endpoint['id']}", merchant["api_key"])
    assert stored.get_json()["description"] == "Kitchen"
    fresh = re.search(r'name="updated_at" value="([^"]+)"', stale.get_data(as_text=True))
    again = {"url": PUBLIC_URL, "description": "Bar", "types": "all", "updated_at": fresh.group(1)}  # type: ignore[union-attr]
    assert owner_console.submit(path, again).status_code == 302


def test_a_test_event_fails_shows_its_attempt_and_is_retried(
    app: Flask, api: Api, merchant: dict[str, Any], owner_console: Console, receiver: Receiver
) -> None:
    console = owner_console
    endpoint = add_endpoint(api, merchant, receiver.url)
    path = f"/console/webhooks/{endpoint['id']}"
    sent = console.submit(f"{path}/test", {}, path)
    assert sent.status_code == 302
    delivery_page = sent.headers["Location"]
    assert "No attempt yet" in _text(console.get(delivery_page))
    deliver_all(app)
    receiver.wait_for(1)
    page = _text(console.get(delivery_page))
    assert "Attempt 1: HTTP 500" in page
    assert 'id="delivery-status">retrying' in page
    assert "webhook-signature" in page
    assert '"type":"webhook.test"' in page
    assert "X-Why" in page
    assert "down" in page
    failing = _text(console.get(path))
    assert "Failing" in failing
    assert "webhook.test" in failing
    for status, shown in [("retrying", True), ("succeeded", False)]:
        listed = _text(console.get(f"{path}?status={status}"))
        assert ("HTTP 500" in listed) is shown, status
    wrong = console.get(f"{path}?status=lost")
    assert wrong.status_code == 422
    assert '<p class="field-error">' in wrong.get_data(as_text=True)
    receiver.answers.append((200, {}))
    retried = console.submit(f"{delivery_page}/retry", {})
    assert retried.status_code == 302
    deliver_all(app)
    page = _text(console.get(delivery_page))
    assert "Attempt 2: HTTP 200" in page
    assert 'id="delivery-status">succeeded' in page
    assert "Healthy" in _text(console.get(path))


def test_failed_deliveries_are_recovered_since_a_time_of_the_merchants_zone(
    app: Flask, api: Api, merchant: dict[str, Any], owner_console: Console
) -> None:
    console = owner_console
    endpoint = add_endpoint(api, merchant, PUBLIC_URL)
    path = f"/console/webhooks/{endpoint['id']}"
    sent = api.call("POST", f"/v1/webhook-endpoints/{endpoint['id']}/test", merchant["api_key"])
    console.submit(f"{path}/status", {"status": "disabled"}, path)
    deliver_all(app)  # a disabled endpoint's delivery fails
    assert 'class="badge failed"' in _text(console.get(f"{path}?status=failed"))
    # Half an hour from now on a UTC clock is before the delivery in Kyiv's (UTC+2) time.
    later_in_utc = (utcnow() + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    kyiv_page = _text(console.get(path))
    assert "Your time zone: Europe/Kyiv" in kyiv_page
    recovered = console.submit(f"{path}/recover", {"since": later_in_utc})
    assert recovered.status_code == 302
    assert "1 deliveries will be sent again." in _text(console.get(path))
    [delivery_id] = sent.get_json()["delivery_ids"]
    delivery = api.call("GET", f"/v1/deliveries/{delivery_id}", merchant["api_key"]).get_json()
    assert delivery["status"] == "pending"  # due again (it was never attempted)
    in_an_hour = (utcnow() + timedelta(hours=1)).astimezone(ZoneInfo("Europe/Kyiv"))
    console.submit(f"{path}/recover", {"since": in_an_hour.strftime("%Y-%m-%dT%H:%M")}, path)
    assert "No failed deliveries since." in _text(console.get(path))
    refused = console.submit(f"{path}/recover", {"since": "yesterday"}, path)
    assert refused.status_code == 422
    assert re.search(r'id="since-error">Enter a date and time', refused.get_data(as_text=True))


def _other_objects(api: Api, other_merchant: dict[str, Any]) -> tuple[str, str]:
    endpoint = add_endpoint(api, other_merchant, PUBLIC_URL)
    sent = api.call(
        "POST", f"/v1/webhook-endpoints/{endpoint['id']}/test", other_merchant["api_key"]
    )
    return endpoint["id"], sent.get_json()["delivery_ids"][0]


def test_another_merchants_endpoint_and_delivery_answer_404_on_every_route(
    app: Flask, api: Api, owner_console: Console, other_merchant: dict[str, Any]
) -> None:
    endpoint_id, delivery_id = _other_objects(api, other_merchant)
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/console/webhooks/") and rule.arguments
    ]
    assert len(rules) == 12
    owner_console.get("/console/webhooks")
    for rule in rules:
        path = rule.rule.replace("<endpoint_id>", endpoint_id).replace("<delivery_id>", delivery_id)
        form = {"status": "enabled", "url": PUBLIC_URL, "since": "2026-01-01T00:00"}
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = owner_console.client.get(path)
            else:
                response = owner_console.client.post(
                    path, data={**form, "csrf_token": owner_console.token()}
                )
            assert response.status_code == 404, (method, path)
            assert "not found" in response.get_data(as_text=True)
    theirs = api.call("GET", f"/v1/webhook-endpoints/{endpoint_id}", other_merchant["api_key"])
    assert theirs.get_json()["status"] == "enabled"


def test_an_endpoint_is_deleted_after_a_confirm_page_by_an_owner_or_manager(
    app: Flask, api: Api, merchant: dict[str, Any], owner_console: Console
) -> None:
    kept = add_endpoint(api, merchant, PUBLIC_URL, description="Kept")
    endpoint = add_endpoint(api, merchant, "https://1.1.1.1/old", description="Old bridge")
    path = f"/console/webhooks/{endpoint['id']}"
    assert f'href="{path}/delete"' in owner_console.get(path).get_data(as_text=True)
    confirm = owner_console.get(f"{path}/delete")
    assert confirm.status_code == 200
    assert "Delete this endpoint?" in _text(confirm)
    assert "https://1.1.1.1/old" in _text(confirm)
    listed = api.call("GET", f"/v1/webhook-endpoints/{endpoint['id']}", merchant["api_key"])
    assert listed.status_code == 200  # asking deletes nothing
    deleted = owner_console.submit(f"{path}/delete", {})
    assert (deleted.status_code, deleted.headers["Location"]) == (302, "/console/webhooks")
    page = _text(owner_console.get("/console/webhooks"))
    assert "The endpoint https://1.1.1.1/old is deleted." in page
    assert "Old bridge" not in page
    assert "Kept" in page
    gone = api.call("GET", f"/v1/webhook-endpoints/{endpoint['id']}", merchant["api_key"])
    assert gone.status_code == 404
    assert owner_console.get(f"{path}/delete").status_code == 404
    with app.extensions["stampgate"].session_factory() as session:
        audited = session.scalars(
            select(AuditEvent).where(AuditEvent.object_id == endpoint["id"]).order_by(AuditEvent.id)
        ).all()
    assert [(event.actor_kind, event.operation) for event in audited][1:] == [
        ("user", "POST /console/webhooks/{endpoint_id}/delete")
    ]

    make_user(app, merchant["id"], "manager@cafe.example", role="manager")
    manager = Console(app.test_client())
    manager.log_in("manager@cafe.example")
    kept_path = f"/console/webhooks/{kept['id']}/delete"
    assert manager.submit(kept_path, {}, kept_path).status_code == 302
    assert api.call("GET", "/v1/webhook-endpoints", merchant["api_key"]).get_json()["items"] == []


def test_staff_cannot_delete_an_endpoint_nor_post_without_a_token(
    app: Flask, api: Api, merchant: dict[str, Any], owner_console: Console
) -> None:
    endpoint = add_endpoint(api, merchant, PUBLIC_URL)
    path = f"/console/webhooks/{endpoint['id']}/delete"
    untokened = owner_console.client.post(path, data={})
    assert untokened.status_code == 400
    make_user(app, merchant["id"], "till@cafe.example", role="staff")
    staff = Console(app.test_client())
    staff.log_in("till@cafe.example")
    assert staff.get(path).status_code == 403
    assert staff.submit(path, {}).status_code == 403  # with the token of the staff's own session
    shown = api.call("GET", f"/v1/webhook-endpoints/{endpoint['id']}", merchant["api_key"])
    assert shown.status_code == 200
