"""Which seat a device is signed in as: a long-lived signed session, ended by revoking."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, g, redirect, session, url_for

from gateway.api.session import request_session
from gateway.loyalty.codes.scanner import Seat
from gateway.tenancy.models import StaffSeat
from gateway.tenancy.seats import signed_in_seat
from gateway.tenancy.service import get_merchant
from gateway.web.acting import run_as_user
from gateway.web.i18n import show_times_in
from gateway.web.security import CONSOLE_KEYS, clear_session

ViewT = TypeVar("ViewT", bound=Callable[..., Any])
MODES = ("scanner", "kiosk")


def sign_in(seat: StaffSeat) -> None:
    """Start a fresh device session for ``seat``; it lasts until the seat signs devices out."""
    clear_session(keep=CONSOLE_KEYS)
    session.permanent = True  # no idle timeout: a till's tablet stays signed in
    session["seat"] = seat.id
    session["seat_epoch"] = seat.session_epoch


def sign_out() -> None:
    """End this device's session."""
    clear_session(keep=CONSOLE_KEYS)


def current_seat() -> StaffSeat | None:
    """The seat this device is signed in as, while the seat is current."""
    if "scanner_seat" in g:
        return g.scanner_seat  # type: ignore[no-any-return]
    seat_id, epoch = session.get("seat"), session.get("seat_epoch")
    seat = None
    if isinstance(seat_id, str) and isinstance(epoch, int):
        seat = signed_in_seat(request_session(), seat_id, epoch)
        if seat is None:
            clear_session(keep=CONSOLE_KEYS)  # revoked, or its devices were signed out
    g.scanner_seat = seat
    return seat


def signed_in() -> StaffSeat:
    """The seat of a ``seat_page`` view (the guard already let it in)."""
    seat = current_seat()
    assert seat is not None
    return seat


def where(seat: StaffSeat, channel: str = "staff") -> Seat:
    """The seat as the services record it: its location, and its id as ``staff``."""
    return Seat(location=seat.location, staff=seat.id, channel=channel)


def seat_page(*modes: str) -> Callable[[ViewT], ViewT]:
    """A page for signed-in seats of ``modes`` (scanner seats only by default)."""
    allowed = modes or ("scanner",)

    def decorate(view: ViewT) -> ViewT:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            seat = current_seat()
            if seat is None:
                return redirect(url_for("scanner.login"))
            if seat.mode not in allowed:
                abort(403)
            show_times_in(get_merchant(request_session(), seat.merchant_id).timezone)
            return run_as_user(seat.id, seat.merchant_id, functools.partial(view, *args, **kwargs))

        return guarded  # type: ignore[return-value]

    return decorate
