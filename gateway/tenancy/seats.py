"""Staff seats: staff users bound to a location (a till, a bar counter, a kiosk) whose devices
sign in to the scanner with one-time links and stay signed in until the seat is revoked."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.db import commit_unit, utcnow
from gateway.errors import DomainError, not_found
from gateway.ids import new_id
from gateway.tenancy.links import sign_pair, signed_pair
from gateway.tenancy.models import StaffSeat, User
from gateway.tenancy.schemas import SeatCreate
from gateway.tenancy.service import get_merchant

LINK_SALT = "stampgate.seat-sign-in"
LINK_SECONDS = 7 * 24 * 3600
# The scanner page that takes the token (gateway/web/scanner/ serves it).
SIGN_IN_PATH = "/scanner/sign-in/"


@dataclass(frozen=True)
class NewLink:
    """A seat and the one-time sign-in link just made for it."""

    seat: StaffSeat
    url: str


def create_seat(session: Session, merchant_id: str, body: SeatCreate) -> StaffSeat:
    """A new seat (a staff user without e-mail or password) with an open sign-in link."""
    get_merchant(session, merchant_id)
    user = User(id=new_id("usr"), merchant_id=merchant_id, email=None, role="staff")
    seat = StaffSeat(
        id=user.id,
        merchant_id=merchant_id,
        name=body.name,
        location=body.location,
        mode=body.mode,
        repeat_seconds=body.repeat_seconds,
        link_nonce=_nonce(),
        session_epoch=1,
    )
    session.add(user)
    session.flush()
    session.add(seat)
    try:
        commit_unit(session)
    except IntegrityError:
        raise DomainError("conflict", "name: a seat with this name exists.") from None
    return seat


def list_seats(session: Session, merchant_id: str) -> list[StaffSeat]:
    """The merchant's seats that are not revoked, by name."""
    statement = select(StaffSeat).where(
        StaffSeat.merchant_id == merchant_id, StaffSeat.revoked_at.is_(None)
    )
    return list(session.scalars(statement.order_by(StaffSeat.name)))


def seat_names(session: Session, merchant_id: str) -> dict[str, str]:
    """Every seat's name by its id (revoked ones too: their stamps still name them)."""
    rows = session.execute(
        select(StaffSeat.id, StaffSeat.name).where(StaffSeat.merchant_id == merchant_id)
    )
    return {str(seat_id): str(name) for seat_id, name in rows.tuples()}


def get_seat(session: Session, merchant_id: str, seat_id: str) -> StaffSeat:
    """A seat of the merchant that is not revoked, or 404."""
    seat = session.get(StaffSeat, seat_id)
    if seat is None or seat.merchant_id != merchant_id or seat.revoked_at is not None:
        raise not_found("seat")
    return seat


def update_seat(session: Session, merchant_id: str, seat_id: str, body: SeatCreate) -> StaffSeat:
    """Rename or move a seat, change its screen or its repeat window (its devices stay in)."""
    seat = get_seat(session, merchant_id, seat_id)
    seat.name, seat.location = body.name, body.location
    seat.mode, seat.repeat_seconds = body.mode, body.repeat_seconds
    try:
        commit_unit(session)
    except IntegrityError:
        raise DomainError("conflict", "name: a seat with this name exists.") from None
    return seat


def revoke_seat(session: Session, merchant_id: str, seat_id: str) -> None:
    """End the seat: its link stops working and every device is signed out at its next page."""
    seat = get_seat(session, merchant_id, seat_id)
    seat.revoked_at = utcnow()
    seat.link_nonce = None
    seat.session_epoch += 1
    commit_unit(session)


def sign_out_devices(session: Session, merchant_id: str, seat_id: str) -> None:
    """Sign every device of the seat out and withdraw its open link (the seat stays)."""
    seat = get_seat(session, merchant_id, seat_id)
    seat.link_nonce = None
    seat.session_epoch += 1
    commit_unit(session)


def new_link(
    session: Session, merchant_id: str, seat_id: str, public_url: str, secret_key: str
) -> NewLink:
    """A fresh one-time sign-in link for the seat (an unused earlier one stops working)."""
    seat = get_seat(session, merchant_id, seat_id)
    seat.link_nonce = _nonce()
    commit_unit(session)
    return NewLink(seat, link_url(public_url, secret_key, seat))


def link_url(public_url: str, secret_key: str, seat: StaffSeat) -> str:
    """The seat's open sign-in link (valid 7 days, once)."""
    assert seat.link_nonce is not None
    token = sign_pair(secret_key, LINK_SALT, seat.id, seat.link_nonce)
    return f"{public_url.rstrip('/')}{SIGN_IN_PATH}{token}"


def seat_for_link(session: Session, secret_key: str, token: str) -> StaffSeat:
    """The seat a sign-in token names while the link is open (``not_found`` otherwise)."""
    seat_id, nonce = signed_pair(secret_key, LINK_SALT, token, LINK_SECONDS)
    seat = session.get(StaffSeat, seat_id)
    if seat is None or seat.revoked_at is not None or seat.link_nonce != nonce:
        raise DomainError("not_found", "This sign-in link has been used or withdrawn.")
    return seat


def use_link(session: Session, secret_key: str, token: str) -> StaffSeat:
    """Sign a device in with the link, which then stops working (of two uses one wins)."""
    seat = seat_for_link(session, secret_key, token)
    used = session.execute(
        update(StaffSeat)
        .where(StaffSeat.id == seat.id, StaffSeat.link_nonce == seat.link_nonce)
        .values(link_nonce=None)
        .execution_options(synchronize_session="fetch")
    )
    if getattr(used, "rowcount", 0) != 1:
        session.rollback()
        raise DomainError("not_found", "This sign-in link has been used or withdrawn.")
    commit_unit(session)
    return seat


def signed_in_seat(session: Session, seat_id: str, epoch: int) -> StaffSeat | None:
    """The seat a device session names, while it is not revoked and not signed out since."""
    seat = session.get(StaffSeat, seat_id)
    if seat is None or seat.revoked_at is not None or seat.session_epoch != epoch:
        return None
    return seat


def _nonce() -> str:
    return secrets.token_urlsafe(16)


DEMO_SEAT = SeatCreate(name="Bar Counter", location="main", mode="scanner")


def demo_seat_link(
    session: Session, merchant_id: str, public_url: str, secret_key: str, last_url: str = ""
) -> str:
    """The demo scanner seat's sign-in link: ``last_url`` while it still opens, else a new one
    (the seat is created the first time)."""
    try:
        seat = seat_for_link(session, secret_key, last_url.rsplit("/", 1)[-1])
        if seat.merchant_id == merchant_id:
            return last_url
    except DomainError:
        pass
    named = [s for s in list_seats(session, merchant_id) if s.name == DEMO_SEAT.name]
    demo = named[0] if named else create_seat(session, merchant_id, DEMO_SEAT)
    return new_link(session, merchant_id, demo.id, public_url, secret_key).url
