"""The staff screen: a card found by number or customer, stamps added, vouchers redeemed or
refused in red (recorded as rejections), spins played; all under the seat and its location."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from gateway.audit.models import AuditEvent
from tests.support.api import Api
from tests.support.codes import UNIQUE, code_voucher, give, new_card
from tests.support.console import Console
from tests.support.programs import DESSERT_VOUCHER, lottery, nine_stamp_card
from tests.support.scanner import seat_device
from webhooks.models import Event


def _look_up(device: Console, text: str) -> Any:
    return device.submit("/scanner/lookup", {"q": text}, "/scanner/")


def _rejections(app: Flask) -> list[dict[str, Any]]:
    with app.extensions["stampgate"].session_factory() as session:
        events = session.scalars(
            select(Event).where(Event.type == "voucher.redemption_rejected").order_by(Event.id)
        )
        return [event.data for event in events]


def test_a_typed_card_gets_a_stamp_under_the_seat_and_its_location(
    app: Flask, api: Api, merchant: dict[str, Any], owner_console: Console
) -> None:
    seat, bar = seat_device(app, merchant)
    number = new_card(api, merchant)
    spaced = f"{number[:4]} {number[4:8]} {number[8:]}"
    found = _look_up(bar, spaced)
    assert found.headers["Location"] == f"/scanner/cards/{number}"
    page = bar.get(found.headers["Location"]).get_data(as_text=True)
    assert "0 of 9 stamps" in page
    added = bar.submit(f"/scanner/cards/{number}/stamps", {"count": "2"})
    assert added.status_code == 302
    assert "2 stamps added." in bar.get(f"/scanner/cards/{number}").get_data(as_text=True)
    journal = api.call("GET", f"/v1/cards/{number}/journal", merchant["api_key"]).get_json()
    stamped = next(item["data"] for item in journal["items"] if item["type"] == "card.stamped")
    assert (stamped["channel"], stamped["location"], stamped["staff"]) == ("staff", "bar", seat.id)
    figures = api.call("GET", "/v1/analytics", merchant["api_key"]).get_json()
    assert {"staff": seat.id, "stamps_given": 2, "vouchers_redeemed": 0} in figures["staff"]
    assert any(
        row["location"] == "bar" and row["stamps_given"] == 2 for row in figures["locations"]
    )
    dashboard = owner_console.get("/console/").get_data(as_text=True)
    assert '<td data-label="Staff">Bar Counter</td>' in dashboard


def test_a_bad_count_is_shown_beside_the_field(
    bar: Console, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    bar.get(f"/scanner/cards/{number}")
    refused = bar.submit(f"/scanner/cards/{number}/stamps", {"count": "0"})
    assert refused.status_code == 422
    assert 'id="count-error"' in refused.get_data(as_text=True)


def test_a_voucher_is_redeemed_once_then_refused_in_red_with_when_and_where(
    app: Flask, api: Api, merchant: dict[str, Any], owner_console: Console
) -> None:
    seat, bar = seat_device(app, merchant)
    number = new_card(api, merchant)
    voucher = give(api, merchant, code_voucher(UNIQUE, redemption="staff"), number)
    found = _look_up(bar, voucher["code"].lower())
    assert found.headers["Location"] == f"/scanner/vouchers/{voucher['id']}"
    page = bar.get(found.headers["Location"]).get_data(as_text=True)
    assert "Valid" in page
    assert "Free pizza" in page
    redeemed = bar.submit(f"/scanner/vouchers/{voucher['id']}/redeem", {})
    assert redeemed.status_code == 302
    read = api.call("GET", f"/v1/vouchers/{voucher['id']}", merchant["api_key"]).get_json()
    assert read["status"] == "redeemed"
    again = bar.get(_look_up(bar, voucher["code"]).headers["Location"])
    shown = again.get_data(as_text=True)
    assert 'class="panel refused"' in shown
    assert "already redeemed" in shown
    assert 'id="used-at"' in shown
    assert "bar · Bar Counter · staff" in shown
    assert _rejections(app) == [
        {
            "code": voucher["code"],
            "reason": "already_redeemed",
            "sale_id": None,
            "card_number": number,
            "voucher_id": voucher["id"],
            "channel": "staff",
            "location": "bar",
            "staff": seat.id,
        }
    ]
    replayed = bar.submit(f"/scanner/vouchers/{voucher['id']}/redeem", {})
    assert replayed.status_code == 409
    assert "The voucher was already redeemed." in replayed.get_data(as_text=True)
    assert [event["reason"] for event in _rejections(app)] == ["already_redeemed"] * 2
    redemptions = api.call("GET", "/v1/redemptions", merchant["api_key"]).get_json()["items"]
    assert [(r["channel"], r["location"], r["staff"]) for r in redemptions] == [
        ("staff", "bar", seat.id)
    ]
    with app.extensions["stampgate"].session_factory() as session:
        audited = session.scalars(
            select(AuditEvent).where(AuditEvent.object_id == voucher["id"]).order_by(AuditEvent.id)
        ).all()
    assert [(a.actor_kind, a.actor_id, a.operation) for a in audited][1:] == [
        ("user", seat.id, "POST /scanner/vouchers/{voucher_id}/redeem")
    ]  # after its issue through the API
    figures = api.call("GET", "/v1/analytics", merchant["api_key"]).get_json()
    assert figures["rejected_code_attempts"]["by_reason"] == {"already_redeemed": 2}
    assert any(
        row["location"] == "bar" and row["rejected_code_attempts"] == 2
        for row in figures["locations"]
    )


def test_a_voucher_without_a_code_is_found_by_what_its_qr_code_carries(
    app: Flask, bar: Console, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    voucher = give(api, merchant, DESSERT_VOUCHER, number)
    assert voucher["code"] is None  # its QR code carries the voucher's id
    found = _look_up(bar, voucher["id"])
    assert found.headers["Location"] == f"/scanner/vouchers/{voucher['id']}"
    card_page = bar.get(f"/scanner/cards/{number}").get_data(as_text=True)
    assert "Redeem A dessert" in card_page


def test_a_voided_voucher_is_refused_and_an_unknown_code_recorded(
    app: Flask, bar: Console, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    voucher = give(api, merchant, DESSERT_VOUCHER, number)
    api.call("POST", f"/v1/vouchers/{voucher['id']}/void", merchant["api_key"])
    page = bar.get(_look_up(bar, voucher["id"]).headers["Location"]).get_data(as_text=True)
    assert "Refused" in page
    assert "Voided at" in page
    unknown = _look_up(bar, "NO-SUCH-CODE")
    assert unknown.status_code == 404
    assert "No card or voucher of this business matches this." in unknown.get_data(as_text=True)
    assert [event["reason"] for event in _rejections(app)] == ["voided", "unknown_code"]


def test_a_customer_is_found_by_phone_or_email(
    bar: Console, api: Api, merchant: dict[str, Any]
) -> None:
    program = api.call("POST", "/v1/programs", merchant["api_key"], json=nine_stamp_card())
    body = {
        "program_id": program.get_json()["id"],
        "customer": {"phone": "+380501234567", "email": "ann@example.com"},
    }
    number = api.call("POST", "/v1/cards", merchant["api_key"], json=body).get_json()["number"]
    for text in ("+380501234567", "ANN@example.com"):
        found = bar.get(f"/scanner/search?q={text.replace('+', '%2B')}").get_data(as_text=True)
        assert f"/scanner/cards/{number}" in found, text
    nobody = bar.get("/scanner/search?q=nobody@example.com").get_data(as_text=True)
    assert "No customer with this phone number or e-mail." in nobody
    refused = bar.get("/scanner/search?q=12")
    assert refused.status_code == 422
    assert 'id="q-error"' in refused.get_data(as_text=True)


def test_a_pending_spin_is_played_on_the_staff_screen(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    seat, bar = seat_device(app, merchant)
    spin_card = nine_stamp_card(stamps_goal=1, reward=lottery(("voucher", "100")), milestones=[])
    program_id = api.call("POST", "/v1/programs", merchant["api_key"], json=spin_card).get_json()[
        "id"
    ]
    number = new_card(api, merchant, program_id)
    bar.get(f"/scanner/cards/{number}")
    bar.submit(f"/scanner/cards/{number}/stamps", {"count": "1"})
    page = bar.get(f"/scanner/cards/{number}").get_data(as_text=True)
    assert ">Play</button>" in page
    spins = api.call("GET", f"/v1/cards/{number}/spins?status=pending", merchant["api_key"])
    spin_id = spins.get_json()["items"][0]["id"]
    played = bar.submit(f"/scanner/spins/{spin_id}/play", {})
    assert played.status_code == 200
    assert "Voucher won: A dessert" in played.get_data(as_text=True)
    assert bar.submit(f"/scanner/spins/{spin_id}/play", {}).status_code == 409
    with app.extensions["stampgate"].session_factory() as session:
        event = session.scalars(select(Event).where(Event.type == "lottery.played")).one()
    assert (event.data["channel"], event.data["location"], event.data["staff"]) == (
        "staff",
        "bar",
        seat.id,
    )


def test_another_merchants_card_voucher_and_spin_are_not_found(
    bar: Console, api: Api, other_merchant: dict[str, Any]
) -> None:
    spin_card = nine_stamp_card(stamps_goal=1, reward=lottery(("no_prize", "100")), milestones=[])
    key = other_merchant["api_key"]
    program_id = api.call("POST", "/v1/programs", key, json=spin_card).get_json()["id"]
    number = new_card(api, other_merchant, program_id)
    voucher = give(api, other_merchant, code_voucher(UNIQUE, redemption="staff"), number)
    api.call("POST", f"/v1/cards/{number}/stamps", key, json={"count": 1, "channel": "api"})
    spin_id = api.call("GET", f"/v1/cards/{number}/spins", key).get_json()["items"][0]["id"]
    for text in (number, voucher["code"], voucher["id"]):
        assert _look_up(bar, text).status_code == 404, text
    bar.get("/scanner/")
    for path in (f"/scanner/cards/{number}", f"/scanner/vouchers/{voucher['id']}"):
        assert bar.get(path).status_code == 404, path
    bar.get("/scanner/")
    for path in (
        f"/scanner/cards/{number}/stamps",
        f"/scanner/vouchers/{voucher['id']}/redeem",
        f"/scanner/spins/{spin_id}/play",
    ):
        assert bar.submit(path, {"count": "1"}).status_code == 404, path
    assert api.call("GET", f"/v1/cards/{number}", key).get_json()["stamps"] == 0
    assert api.call("GET", f"/v1/vouchers/{voucher['id']}", key).get_json()["status"] == "active"
    assert api.call("GET", f"/v1/cards/{number}/spins?status=pending", key).get_json()["items"]


def test_the_scanner_speaks_the_browsers_language(bar: Console) -> None:
    japanese = bar.get("/scanner/", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "カメラで読み取る" in japanese
    assert '<html lang="ja">' in japanese
    korean = bar.get("/scanner/?lang=ko").get_data(as_text=True)
    assert "카메라로 스캔" in korean
    assert "자동 스탬프 켜짐" in bar.get("/scanner/auto").get_data(as_text=True)  # remembered
