"""The console's Campaigns page: the list with progress, the create form with the API's own
checks beside each field and its recipient preview, a campaign's Cancel, tenancy, roles, CSRF."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from gateway.campaigns.models import Campaign
from gateway.campaigns.sending import Sender, drain_campaigns
from tests.support.api import Api
from tests.support.codes import new_card
from tests.support.console import Console, make_user

NEW = "/console/campaigns/new"


def _program_with_cards(api: Api, merchant: dict[str, Any], cards: int = 2) -> str:
    number = new_card(api, merchant)
    program_id: str = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()[
        "program_id"
    ]
    for _ in range(cards - 1):
        new_card(api, merchant, program_id)
    return program_id


def _form(program_id: str, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "program_id": program_id,
        "name": "Win back",
        "segment-kind": "all",
        "channels": ["wallet", "email"],
        "push_text": "Coffee's waiting ☕",
        "message_text": "We miss you!",
        "voucher-type": "",
        "send_when": "now",
        "action": "send",
    }
    return {**form, **changes}


def _campaigns(app: Flask) -> int:
    with app.extensions["stampgate"].session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(Campaign)) or 0)


def test_a_campaign_is_created_and_listed_with_its_progress(
    app: Flask, owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    program_id = _program_with_cards(api, merchant)
    voucher = {
        "voucher-type": "voucher",
        "voucher-description": "A free dessert",
        "voucher-redemption": "staff",
        "voucher-validity_kind": "days",
        "voucher-validity_count": "14",
    }
    created = owner_console.submit(NEW, _form(program_id, **voucher), NEW)
    assert created.status_code == 302
    campaign_path = created.headers["Location"]
    campaign_id = campaign_path.rsplit("/", 1)[1]
    stored = api.call("GET", f"/v1/campaigns/{campaign_id}", merchant["api_key"]).get_json()
    assert stored["name"] == "Win back"
    assert stored["channels"] == ["wallet", "email"]
    assert stored["voucher"]["description"] == "A free dessert"
    assert stored["voucher"]["validity"] == {"kind": "days", "count": 14}
    listed = owner_console.get("/console/campaigns").get_data(as_text=True)
    assert campaign_id in listed
    assert "Win back" in listed
    assert "wallet, email" in listed
    assert "<progress" in listed
    assert "total 0 · sent 0 · failed 0 · skipped 0" in listed
    page = owner_console.get(campaign_path).get_data(as_text=True)
    assert "Coffee&#39;s waiting ☕" in page
    assert "Cancel campaign" in page
    ext = app.extensions["stampgate"]
    drain_campaigns(Sender(ext.settings, ext.session_factory))
    sent = owner_console.get(campaign_path).get_data(as_text=True)
    # Two recipients: both Wallet pushes sent, both e-mails skipped, two vouchers, none used.
    assert re.search(r'data-label="Delivered">2 · 0 · 0<.*data-label="Skipped">2<', sent)
    assert 'data-label="Vouchers redeemed">0 of 2<' in sent
    dashboard = owner_console.get("/console/").get_data(as_text=True)
    assert f'href="{campaign_path}">Win back</a>' in dashboard
    assert 'data-label="Recipients">2<' in dashboard


def test_an_unnamed_campaign_takes_the_apis_default_name(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    program_id = _program_with_cards(api, merchant, cards=1)
    created = owner_console.submit(NEW, _form(program_id, name=""), NEW)
    campaign_id = created.headers["Location"].rsplit("/", 1)[1]
    key = merchant["api_key"]
    name = api.call("GET", f"/v1/campaigns/{campaign_id}", key).get_json()["name"]
    program = api.call("GET", f"/v1/programs/{program_id}", key).get_json()["name"]
    assert re.fullmatch(rf"{re.escape(program)}_\d\d\.\d\d\.\d{{4}}\d\d:\d\d", name), name


def test_errors_show_beside_their_fields_and_nothing_is_written(
    app: Flask, owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    program_id = _program_with_cards(api, merchant)
    cases = {
        "push_text": _form(program_id, push_text="Twenty-one characters"),
        "message_text": _form(program_id, message_text=""),
        "segment-days": _form(program_id, **{"segment-kind": "inactive", "segment-days": "0"}),
        "channels": _form(program_id, channels=[]),
        "send_at": _form(program_id, send_when="later", send_at="2020-01-01T10:00"),
        "voucher-description": _form(program_id, **{"voucher-type": "voucher"}),
        "program_id": _form("prg_missing"),
    }
    for field, form in cases.items():
        refused = owner_console.submit(NEW, form, NEW)
        assert refused.status_code == 422, field
        assert f'id="{field}-error"' in refused.get_data(as_text=True), field
    too_long = owner_console.submit(NEW, cases["push_text"], NEW).get_data(as_text=True)
    assert "At most 20 characters, this one has 21" in too_long
    assert _campaigns(app) == 0


def test_an_empty_segment_is_refused_beside_the_segment(
    app: Flask, owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    program_id = _program_with_cards(api, merchant)
    form = _form(program_id, **{"segment-kind": "near_goal", "segment-stamps_left": "1"})
    refused = owner_console.submit(NEW, form, NEW)
    assert refused.status_code == 422
    assert 'id="segment-kind-error"' in refused.get_data(as_text=True)
    assert _campaigns(app) == 0


def test_preview_counts_recipients_per_channel_and_writes_nothing(
    app: Flask, owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    program_id = _program_with_cards(api, merchant, cards=3)
    api.call(
        "POST",
        "/v1/cards",
        merchant["api_key"],
        json={
            "program_id": program_id,
            "customer": {
                "email": "ann@example.com",
                "consent": {"email": {"granted": True, "source": "kiosk"}},
            },
        },
    )
    api.call(  # an address without consent is not counted for e-mail
        "POST",
        "/v1/cards",
        merchant["api_key"],
        json={"program_id": program_id, "customer": {"email": "bob@example.com"}},
    )
    form = _form(program_id, channels=["wallet", "email", "messenger"], action="preview")
    shown = owner_console.submit(NEW, form, NEW)
    assert shown.status_code == 200
    page = shown.get_data(as_text=True)
    assert "5 cards in this segment now." in page
    assert "wallet: 5 recipients" in page
    assert "email: 1 recipient<" in page
    assert "messenger: 5 recipients" in page
    assert 'value="We miss you!"' not in page
    assert "We miss you!</textarea>" in page
    assert _campaigns(app) == 0


def test_a_campaign_is_cancelled_once_confirmed(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    program_id = _program_with_cards(api, merchant)
    later = _form(program_id, send_when="later", send_at="2099-01-01T10:00")
    path = owner_console.submit(NEW, later, NEW).headers["Location"]
    campaign_id = path.rsplit("/", 1)[1]
    key = merchant["api_key"]
    unconfirmed = owner_console.submit(f"{path}/cancel", {}, path)
    assert unconfirmed.status_code == 302
    assert api.call("GET", f"/v1/campaigns/{campaign_id}", key).get_json()["status"] == "scheduled"
    owner_console.submit(f"{path}/cancel", {"confirm": "yes"}, path)
    assert api.call("GET", f"/v1/campaigns/{campaign_id}", key).get_json()["status"] == "cancelled"
    page = owner_console.get(path).get_data(as_text=True)
    assert "The campaign is cancelled." in page
    assert "Cancel campaign" not in page


def test_another_merchants_campaign_is_not_found(
    owner_console: Console, api: Api, other_merchant: dict[str, Any]
) -> None:
    program_id = _program_with_cards(api, other_merchant, cards=1)
    body = {
        "program_id": program_id,
        "segment": {"kind": "all"},
        "channels": ["wallet"],
        "push_text": "Hello",
        "send_at": "2099-01-01T10:00:00Z",
    }
    theirs = api.call("POST", "/v1/campaigns", other_merchant["api_key"], json=body).get_json()
    path = f"/console/campaigns/{theirs['id']}"
    assert owner_console.get(path).status_code == 404
    owner_console.get("/console/campaigns")
    assert owner_console.submit(f"{path}/cancel", {"confirm": "yes"}).status_code == 404
    assert theirs["id"] not in owner_console.get("/console/campaigns").get_data(as_text=True)
    refused = owner_console.submit(NEW, _form(program_id), NEW)  # their program is not ours
    assert 'id="program_id-error"' in refused.get_data(as_text=True)
    status = api.call("GET", path.replace("/console", "/v1"), other_merchant["api_key"])
    assert status.get_json()["status"] == "scheduled"


def test_managers_see_the_page_and_staff_do_not(
    app: Flask, console: Console, merchant: dict[str, Any]
) -> None:
    make_user(app, merchant["id"], "manager@cafe.example", role="manager")
    console.log_in("manager@cafe.example")
    assert console.get("/console/campaigns").status_code == 200
    assert console.get(NEW).status_code == 200


def test_staff_are_refused(app: Flask, client: FlaskClient, merchant: dict[str, Any]) -> None:
    staff = make_user(app, merchant["id"], "bar@cafe.example", role="staff")
    console = Console(client)
    console.log_in(staff.email)
    assert console.get("/console/campaigns").status_code == 403
    assert console.get(NEW).status_code == 403


def test_the_create_form_needs_its_csrf_token(
    app: Flask, owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    program_id = _program_with_cards(api, merchant, cards=1)
    data = {**_form(program_id), "csrf_token": "forged"}
    assert owner_console.client.post(NEW, data=data).status_code == 400
    assert _campaigns(app) == 0
