"""Settings → Staff seats: the tills, counters and kiosks whose devices use the scanner, their
one-time sign-in links (with a QR code to scan with the device), signing devices out, revoking."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from markupsafe import Markup
from pydantic import ValidationError

from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.extensions import extensions
from gateway.loyalty.analytics.service import known_locations
from gateway.loyalty.vouchers.images import qr_svg
from gateway.tenancy import seats
from gateway.tenancy.models import StaffSeat
from gateway.tenancy.schemas import SeatCreate
from gateway.web.console.auth import console_page
from gateway.web.console.blueprint import Page, console, logged_in_user
from gateway.web.forms import FormErrors, errors_of

SEAT_FIELDS = ("name", "location", "mode", "repeat_seconds")
NEW_SEAT = {"name": "", "location": "main", "mode": "scanner", "repeat_seconds": "10"}


@console.get("/settings/seats")
@console_page()
def staff_seats() -> Page:
    """The merchant's staff seats (owners create and revoke them)."""
    return _seats_page(FormErrors())


def _seats_page(
    errors: FormErrors,
    link: seats.NewLink | None = None,
    status: int = 200,
    values: dict[str, str] | None = None,
) -> tuple[str, int]:
    user = logged_in_user()
    session = request_session()
    page = render_template(
        "console/seats.html",
        seats=seats.list_seats(session, user.merchant_id),
        locations=known_locations(session, user.merchant_id),
        can_manage=user.role == "owner",
        errors=errors,
        link=link,
        # A QR of the link, drawn as SVG on the server (the page loads no script for it).
        link_qr=Markup(qr_svg(link.url).decode()) if link else None,  # noqa: S704 - our own SVG
        values=values or NEW_SEAT,
    )
    return page, status


@console.post("/settings/seats")
@console_page("owner")
def create_staff_seat() -> Page:
    """Create a seat; the answer shows its one-time sign-in link and QR code."""
    values = {name: request.form.get(name, "").strip() for name in SEAT_FIELDS}
    session = request_session()
    merchant_id = logged_in_user().merchant_id
    try:
        body = SeatCreate.model_validate(
            {**values, "repeat_seconds": values["repeat_seconds"] or 10}
        )
        seat = seats.create_seat(session, merchant_id, body)
    except (ValidationError, DomainError) as exc:
        return _seats_page(errors_of(exc, SEAT_FIELDS), status=422, values=values)
    settings = extensions().settings
    link = seats.NewLink(seat, seats.link_url(settings.public_url, settings.secret_key, seat))
    return _seats_page(FormErrors(), link, 201)


@console.get("/settings/seats/<seat_id>")
@console_page("owner")
def staff_seat(seat_id: str) -> Page:
    """A seat's settings, to change."""
    seat = seats.get_seat(request_session(), logged_in_user().merchant_id, seat_id)
    values = {name: str(getattr(seat, name)) for name in SEAT_FIELDS}
    return _seat_form(seat, values, FormErrors())


def _seat_form(
    seat: StaffSeat, values: dict[str, str], errors: FormErrors, status: int = 200
) -> tuple[str, int]:
    session = request_session()
    page = render_template(
        "console/seat.html",
        seat=seat,
        values=values,
        errors=errors,
        locations=known_locations(session, seat.merchant_id),
    )
    return page, status


@console.post("/settings/seats/<seat_id>")
@console_page("owner")
def update_staff_seat(seat_id: str) -> Page:
    """Save a seat's name, location, screen and repeat window."""
    session = request_session()
    merchant_id = logged_in_user().merchant_id
    seat = seats.get_seat(session, merchant_id, seat_id)
    values = {name: request.form.get(name, "").strip() for name in SEAT_FIELDS}
    try:
        body = SeatCreate.model_validate(
            {**values, "repeat_seconds": values["repeat_seconds"] or 10}
        )
        seats.update_seat(session, merchant_id, seat_id, body)
    except (ValidationError, DomainError) as exc:
        if isinstance(exc, DomainError) and exc.code == "not_found":
            raise
        return _seat_form(seat, values, errors_of(exc, SEAT_FIELDS), 422)
    flash("The seat is saved.")
    return redirect(url_for("console.staff_seats"))


@console.post("/settings/seats/<seat_id>/link")
@console_page("owner")
def staff_seat_link(seat_id: str) -> Page:
    """A new one-time sign-in link for another device of the seat."""
    settings = extensions().settings
    link = seats.new_link(
        request_session(),
        logged_in_user().merchant_id,
        seat_id,
        settings.public_url,
        settings.secret_key,
    )
    return _seats_page(FormErrors(), link)


@console.post("/settings/seats/<seat_id>/sign-out")
@console_page("owner")
def staff_seat_sign_out(seat_id: str) -> Page:
    """Sign out every device of the seat and withdraw its open link."""
    seats.sign_out_devices(request_session(), logged_in_user().merchant_id, seat_id)
    flash("Every device of the seat is signed out.")
    return redirect(url_for("console.staff_seats"))


@console.post("/settings/seats/<seat_id>/revoke")
@console_page("owner")
def staff_seat_revoke(seat_id: str) -> Page:
    """Revoke the seat: its devices are signed out and its link stops working."""
    seats.revoke_seat(request_session(), logged_in_user().merchant_id, seat_id)
    flash("The seat is revoked; its devices are signed out.")
    return redirect(url_for("console.staff_seats"))
