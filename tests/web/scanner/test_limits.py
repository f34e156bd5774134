"""The scanner's doors: forged sign-in links per address, camera frames per seat."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from tests.support.scanner import seat_device


def test_forged_sign_in_links_are_limited_per_address(
    make_app: Callable[..., Flask], merchant: dict[str, Any]
) -> None:
    limited = make_app(limit_login_failures_per_address="2/15 minutes")
    device = limited.test_client()
    answers = [device.get(f"/scanner/sign-in/forged-{n}").status_code for n in range(3)]
    assert answers == [404, 404, 429]
    assert "Too many attempts" in device.get("/scanner/sign-in/forged").get_data(as_text=True)


def test_camera_frames_are_limited_per_seat(
    make_app: Callable[..., Flask], merchant: dict[str, Any]
) -> None:
    limited = make_app(limit_scanner_frames="2/minute")
    _seat, bar = seat_device(limited, merchant)
    bar.get("/scanner/")
    headers = {"X-CSRFToken": bar.token(), "Content-Type": "image/png"}
    answers = [
        bar.client.post("/scanner/decode", data=b"x", headers=headers).status_code for _ in range(3)
    ]
    assert answers == [422, 422, 429]
    _other_seat, till = seat_device(limited, merchant, name="Till")
    till.get("/scanner/")
    other = till.client.post("/scanner/decode", data=b"x", headers={"X-CSRFToken": till.token()})
    assert other.status_code == 422  # another seat has its own count
