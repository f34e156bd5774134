"""Auto-stamp and the kiosk: a scanned number is stamped at once, the same card again within
the seat's window is ignored by the server; a kiosk seat stamps and does nothing else; camera
frames are decoded on the server."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import qrcode
from flask import Flask
from qrcode.image.pure import PyPNGImage

from tests.support.api import Api
from tests.support.codes import UNIQUE, code_voucher, give, new_card
from tests.support.console import Console
from tests.support.programs import nine_stamp_card
from tests.support.scanner import seat_device

JSON = {"Accept": "application/json"}


def _scan(device: Console, number: str, page: str = "/scanner/auto") -> Any:
    device.get(page)
    return device.client.post(
        "/scanner/auto/stamps", data={"number": number, "csrf_token": device.token()}, headers=JSON
    )


def _stamps(api: Api, merchant: dict[str, Any], number: str) -> int:
    stamps: int = api.call("GET", f"/v1/cards/{number}", merchant["api_key"]).get_json()["stamps"]
    return stamps


def test_a_repeated_scan_within_the_window_is_ignored_by_the_server(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    seat, bar = seat_device(app, merchant)
    number = new_card(api, merchant)
    first = _scan(bar, number)
    assert first.status_code == 201
    assert first.get_json() == {
        "status": "stamped",
        "message": "Stamp added: 1 of 9.",
        "card_number": number,
        "stamps": 1,
        "goal": 9,
        "rewards": 0,
    }
    second_tab = seat_device(app, merchant, name="Second tab")[1]  # another device, same card
    again = _scan(second_tab, number)
    assert again.get_json()["status"] == "repeated"
    assert "Already stamped" in again.get_json()["message"]
    assert _stamps(api, merchant, number) == 1
    journal = api.call("GET", f"/v1/cards/{number}/journal", merchant["api_key"]).get_json()
    stamped = [item["data"] for item in journal["items"] if item["type"] == "card.stamped"]
    assert [(d["channel"], d["location"], d["staff"]) for d in stamped] == [
        ("autopilot", "bar", seat.id)
    ]


def test_a_reward_reached_by_auto_stamp_offers_the_card(
    app: Flask, bar: Console, api: Api, merchant: dict[str, Any]
) -> None:
    program = api.call(
        "POST",
        "/v1/programs",
        merchant["api_key"],
        json=nine_stamp_card(stamps_goal=1, milestones=[]),
    )
    number = new_card(api, merchant, program.get_json()["id"])
    answer = _scan(bar, number).get_json()
    assert answer["message"] == "Stamp added, and a reward reached!"
    assert answer["card_url"] == f"/scanner/cards/{number}"


def test_without_a_window_every_scan_stamps(app: Flask, api: Api, merchant: dict[str, Any]) -> None:
    _seat, bar = seat_device(app, merchant, repeat_seconds=0)
    number = new_card(api, merchant)
    assert [_scan(bar, number).status_code for _ in range(2)] == [201, 201]
    assert _stamps(api, merchant, number) == 2


def test_a_scan_that_is_no_card_is_said_so(bar: Console) -> None:
    wrong = _scan(bar, "4000000000001")
    assert wrong.status_code == 422
    assert wrong.get_json()["status"] == "refused"
    unknown = _scan(bar, "4000000000006")
    assert unknown.status_code == 404
    assert unknown.get_json()["message"] == "No card with this number."


def test_without_javascript_the_page_answers_with_the_outcome(
    bar: Console, api: Api, merchant: dict[str, Any]
) -> None:
    number = new_card(api, merchant)
    answered = bar.submit("/scanner/auto/stamps", {"number": number}, "/scanner/auto")
    assert answered.status_code == 201
    assert 'class="outcome stamped"' in answered.get_data(as_text=True)


def test_a_kiosk_stamps_the_customers_card_and_can_do_nothing_else(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    _seat, kiosk = seat_device(app, merchant, name="Kiosk Tablet", mode="kiosk", location="hall")
    number = new_card(api, merchant)
    screen = kiosk.get("/scanner/").get_data(as_text=True)
    assert "Scan your card to collect your stamp" in screen
    assert "Search customer" not in screen
    assert "Sign out" not in screen
    stamped = _scan(kiosk, number, "/scanner/")
    assert stamped.status_code == 201
    assert _scan(kiosk, number, "/scanner/").get_json()["status"] == "repeated"
    journal = api.call("GET", f"/v1/cards/{number}/journal", merchant["api_key"]).get_json()
    channels = [i["data"]["channel"] for i in journal["items"] if i["type"] == "card.stamped"]
    assert channels == ["kiosk"]
    voucher = give(api, merchant, code_voucher(UNIQUE, redemption="staff"), number)
    kiosk.get("/scanner/")
    for path, data in (
        (f"/scanner/vouchers/{voucher['id']}/redeem", {}),
        ("/scanner/lookup", {"q": voucher["code"]}),
        (f"/scanner/cards/{number}/stamps", {"count": "5"}),
    ):
        assert kiosk.submit(path, data).status_code == 403, path
    for path in ("/scanner/search?q=ann@example.com", f"/scanner/cards/{number}", "/scanner/auto"):
        assert kiosk.get(path).status_code == 403, path
    kiosk.get("/scanner/")
    assert (
        kiosk.client.post(
            "/scanner/decode", data=b"x", headers={"X-CSRFToken": kiosk.token()}
        ).status_code
        == 403
    )
    assert (
        api.call("GET", f"/v1/vouchers/{voucher['id']}", merchant["api_key"]).get_json()["status"]
        == "active"
    )
    assert _stamps(api, merchant, number) == 1


def _png(text: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(text, image_factory=PyPNGImage, box_size=6, border=4).save(buffer)
    return buffer.getvalue()


def test_a_camera_frame_is_decoded_on_the_server(bar: Console) -> None:
    bar.get("/scanner/")
    headers = {"X-CSRFToken": bar.token(), "Content-Type": "image/png"}
    decoded = bar.client.post("/scanner/decode", data=_png("PZ-1234-5678"), headers=headers)
    assert decoded.get_json() == {"text": "PZ-1234-5678"}
    assert (
        bar.client.post("/scanner/decode", data=b"not an image", headers=headers).status_code == 422
    )
    too_big = b"\x89PNG" + b"0" * (600 * 1024)
    assert bar.client.post("/scanner/decode", data=too_big, headers=headers).status_code == 422
    no_token = bar.client.post("/scanner/decode", data=_png("x"))
    assert no_token.status_code == 400


def test_scans_of_one_card_at_once_from_two_devices_stamp_it_once(
    app: Flask, api: Api, merchant: dict[str, Any]
) -> None:
    devices = [seat_device(app, merchant, name=f"Tab {n}")[1] for n in range(4)]
    number = new_card(api, merchant)
    for device in devices:
        device.get("/scanner/auto")
    tokens = [device.token() for device in devices]
    start = threading.Barrier(len(devices))

    def scan(index: int) -> str:
        start.wait()
        answer = devices[index].client.post(
            "/scanner/auto/stamps",
            data={"number": number, "csrf_token": tokens[index]},
            headers=JSON,
        )
        status: str = answer.get_json()["status"]
        return status

    with ThreadPoolExecutor(len(devices)) as pool:
        outcomes = sorted(pool.map(scan, range(len(devices))))
    assert outcomes == ["repeated"] * (len(devices) - 1) + ["stamped"]
    assert _stamps(api, merchant, number) == 1
