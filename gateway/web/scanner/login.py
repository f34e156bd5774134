"""Signing a device in with a seat's one-time link, the page signed-out devices land on, and
signing out."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from werkzeug.wrappers import Response

from gateway.api.session import request_session
from gateway.extensions import extensions
from gateway.tenancy import seats
from gateway.web.scanner.auth import current_seat, sign_in, sign_out
from gateway.web.scanner.blueprint import Page, scanner

SIGN_IN = seats.SIGN_IN_PATH.removeprefix("/scanner") + "<token>"


@scanner.get("/login")
def login() -> Page:
    """How to sign this device in (or straight on, when it is)."""
    if current_seat() is not None:
        return redirect(url_for("scanner.home"))
    return render_template("scanner/login.html")


@scanner.get(SIGN_IN)
def sign_in_link(token: str) -> Page:
    """The page behind a sign-in link: a button, so that a link preview cannot use it up."""
    seat = seats.seat_for_link(request_session(), _secret(), token)
    return render_template("scanner/sign_in.html", seat_name=seat.name, token=token)


@scanner.post(SIGN_IN)
def sign_in_submit(token: str) -> Response:
    """Use the link: this device is signed in as the seat, and the link works no more."""
    seat = seats.use_link(request_session(), _secret(), token)
    sign_in(seat)
    return redirect(url_for("scanner.home"))


@scanner.post("/sign-out")
def sign_out_submit() -> Response:
    """Sign this device out (the seat's other devices stay signed in)."""
    sign_out()
    return redirect(url_for("scanner.login"))


def _secret() -> str:
    return extensions().settings.secret_key
