"""Staff seats for tests, and a device of the scanner signed in with a seat's link."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from gateway.tenancy import seats
from gateway.tenancy.models import StaffSeat
from gateway.tenancy.schemas import SeatCreate
from tests.support.console import Console


def make_seat(
    app: Flask,
    merchant_id: str,
    name: str = "Bar Counter",
    mode: str = "scanner",
    location: str = "bar",
    repeat_seconds: int = 10,
) -> tuple[StaffSeat, str]:
    """A seat of the merchant and the path of its one-time sign-in link."""
    settings = app.extensions["stampgate"].settings
    body = SeatCreate(name=name, location=location, mode=mode, repeat_seconds=repeat_seconds)
    with app.extensions["stampgate"].session_factory() as session:
        seat = seats.create_seat(session, merchant_id, body)
        url = seats.link_url(settings.public_url, settings.secret_key, seat)
        session.expunge(seat)
    return seat, "/" + url.split("/", 3)[3]


def signed_in_device(client: FlaskClient, link_path: str) -> Console:
    """A device that opened the link and pressed its sign-in button."""
    device = Console(client)
    device.get(link_path)
    signed = device.submit(link_path, {})
    assert signed.status_code == 302, signed.get_data(as_text=True)
    assert signed.headers["Location"] == "/scanner/"
    return device


def seat_device(app: Flask, merchant: dict[str, Any], **seat: Any) -> tuple[StaffSeat, Console]:
    """A new seat of the merchant and a fresh device signed in as it."""
    made, link = make_seat(app, merchant["id"], **seat)
    return made, signed_in_device(app.test_client(), link)
