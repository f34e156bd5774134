"""Cards and vouchers in the console: search, progress, stamps by hand, codes and voiding."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from gateway.audit.models import AuditEvent
from tests.support.api import Api
from tests.support.codes import give, new_card
from tests.support.console import Console
from tests.support.programs import FREE_PIZZA


def _stamp(console: Console, number: str, count: str, reason: str = "") -> Any:
    return console.submit(
        f"/console/cards/{number}/stamps",
        {"count": count, "reason": reason},
        f"/console/cards/{number}",
    )


def test_a_card_is_found_by_number_and_phone(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    spaced = f"{number[:4]} {number[4:8]} {number[8:]}"
    assert owner_console.get(f"/console/cards?q={spaced}").headers["Location"] == (
        f"/console/cards/{number}"
    )
    program_id = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()[
        "program_id"
    ]
    api.call(
        "POST",
        "/v1/cards",
        merchant["api_key"],
        json={"program_id": program_id, "customer": {"phone": "+380501234567"}},
    )
    found = owner_console.get("/console/cards?q=%2B380501234567")
    assert found.status_code == 200
    assert "+380501234567" in found.get_data(as_text=True)
    national = owner_console.get("/console/cards?q=050+123+45+67")  # the merchant is in UA
    assert "+380501234567" in national.get_data(as_text=True)
    refused = owner_console.get("/console/cards?q=12")
    assert refused.status_code == 422
    assert 'id="q-error"' in refused.get_data(as_text=True)


def test_stamps_by_hand_give_rewards_and_keep_their_reason(
    app: Flask, owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    added = _stamp(owner_console, number, "3", "The till was offline")
    assert added.status_code == 302
    page = owner_console.get(f"/console/cards/{number}").get_data(as_text=True)
    assert "3 of 9 stamps" in page
    assert "Reward given: an award, Any regular coffee." in page
    assert api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()["stamps"] == 3
    with app.extensions["stampgate"].session_factory() as session:
        noted = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "card.stamped_by_hand")
        ).one()
    assert noted.actor_kind == "user"
    assert noted.details == {"count": 3, "reason": "The till was offline"}
    refused = _stamp(owner_console, number, "0")
    assert refused.status_code == 422
    assert 'id="count-error"' in refused.get_data(as_text=True)
    assert api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()["stamps"] == 3


def test_a_voucher_shows_its_code_and_pictures_and_is_voided(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    voucher = give(api, merchant, FREE_PIZZA, number)
    path = f"/console/vouchers/{voucher['id']}"
    page = owner_console.get(path).get_data(as_text=True)
    assert "FREEPIZZA9" in page
    qr = owner_console.get(f"{path}/qr.svg")
    assert qr.status_code == 200
    assert qr.mimetype == "image/svg+xml"
    assert owner_console.get(f"{path}/barcode.svg").mimetype == "image/svg+xml"
    listed = owner_console.get(f"/console/vouchers?status=active&card={number}")
    assert "Free pizza" in listed.get_data(as_text=True)
    assert "Free pizza" not in owner_console.get("/console/vouchers?status=voided").get_data(
        as_text=True
    )
    assert owner_console.submit(f"{path}/void", {}, path).status_code == 302
    again = api.call("GET", f"/v1/vouchers/{voucher['id']}", merchant["api_key"]).get_json()
    assert again["status"] == "voided"
    owner_console.submit(f"{path}/void", {}, path)
    assert "Not voided:" in owner_console.get(path).get_data(as_text=True)


def test_a_goodwill_voucher_is_issued_with_the_apis_checks(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    form = {
        "reward-type": "voucher",
        "reward-description": "Sorry for the wait",
        "reward-redemption": "code",
        "reward-code_mode": "shared",
        "reward-code_value": "SORRY10",
        "reward-validity_kind": "days",
        "reward-validity_count": "14",
        "card_number": number,
        "reason": "complaint",
    }
    missing = owner_console.submit(
        "/console/vouchers/new", {**form, "reward-code_mode": ""}, "/console/vouchers/new"
    )
    assert missing.status_code == 422
    assert 'id="reward-code_mode-error"' in missing.get_data(as_text=True)
    issued = owner_console.submit("/console/vouchers/new", form, "/console/vouchers/new")
    assert issued.status_code == 302
    [voucher] = api.call("GET", f"/v1/vouchers?card={number}", merchant["api_key"]).get_json()[
        "items"
    ]
    assert voucher["code"] == "SORRY10"
    assert voucher["source"]["kind"] == "manual"


def test_another_merchants_cards_and_vouchers_are_not_found(
    owner_console: Console, api: Api, other_merchant: dict[str, Any]
) -> None:
    number = new_card(api, other_merchant)
    voucher = give(api, other_merchant, FREE_PIZZA, number)
    assert owner_console.get(f"/console/cards/{number}").status_code == 404
    assert _stamp(owner_console, number, "1").status_code == 404
    path = f"/console/vouchers/{voucher['id']}"
    assert owner_console.get(path).status_code == 404
    assert owner_console.get(f"{path}/qr.svg").status_code == 404
    owner_console.get("/console/vouchers")
    assert owner_console.submit(f"{path}/void", {}).status_code == 404
    assert "Free pizza" not in owner_console.get("/console/vouchers").get_data(as_text=True)
    theirs = api.call("GET", f"/v1/vouchers/{voucher['id']}", other_merchant["api_key"])
    assert theirs.get_json()["status"] == "active"


def test_a_card_page_links_to_what_its_customer_sees(
    owner_console: Console, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    link = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()["customer_url"]
    page = owner_console.get(f"/console/cards/{number}").get_data(as_text=True)
    assert f'<a href="{link}" target="_blank" rel="noopener">View as customer</a>' in page
    customer_page = owner_console.get(link.removeprefix("http://127.0.0.1:8000"))
    assert customer_page.status_code == 200
    assert number in customer_page.get_data(as_text=True)
