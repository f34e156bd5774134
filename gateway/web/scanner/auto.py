"""Stamps without a tap: Auto-stamp (an external scanner types the number and Enter) and the
kiosk (the customer scans their own card); and camera frames decoded on the server."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import jsonify, render_template, request, url_for
from pydantic import ValidationError
from werkzeug.wrappers import Response

from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.loyalty.cards import service as cards
from gateway.loyalty.cards.presenters import card_out
from gateway.loyalty.cards.schemas import StampsAdd
from gateway.web.scanner.auth import seat_page, signed_in
from gateway.web.scanner.blueprint import Page, scanner
from gateway.web.scanner.frames import decode_frame
from gateway.web.scanner.language import _


@scanner.get("/auto")
@seat_page()
def autopilot() -> Page:
    """Auto-stamp: every card number typed and Entered gets a stamp at once."""
    return render_template("scanner/auto.html")


@scanner.post("/auto/stamps")
@seat_page("scanner", "kiosk")
def auto_stamp() -> Page:
    """One stamp for the scanned card, unless it was scanned within the seat's window."""
    outcome, status = _stamp(request.form.get("number", ""))
    if request.accept_mimetypes.best == "application/json":
        return Response(jsonify(outcome).get_data(), status, mimetype="application/json")
    template = "scanner/kiosk.html" if signed_in().mode == "kiosk" else "scanner/auto.html"
    return render_template(template, outcome=outcome), status


def _stamp(number: str) -> tuple[dict[str, Any], int]:
    seat = signed_in()
    channel = "kiosk" if seat.mode == "kiosk" else "autopilot"
    try:
        body = StampsAdd(count=1, channel=channel, location=seat.location, staff=seat.id)
        result = cards.stamp_scanned_card(
            request_session(),
            seat.merchant_id,
            number.strip(),
            body,
            timedelta(seconds=seat.repeat_seconds),
        )
    except (DomainError, ValidationError) as exc:
        code = exc.code if isinstance(exc, DomainError) else "validation_error"
        message = _("No card with this number.")
        if code == "invalid_card_number":
            message = _("This is not a card number: scan it again.")
        return {"status": "refused", "message": message}, 404 if code == "not_found" else 422
    card = card_out(request_session(), result.card)
    progress = {
        "card_number": card["number"],
        "stamps": card["stamps"],
        "goal": card["stamps_goal"],
        "rewards": len(result.granted),
    }
    if result.repeated:
        message = _("Already stamped: this card was scanned a moment ago.")
        return {"status": "repeated", "message": message, **progress}, 200
    message = _(
        "Stamp added: %(stamps)d of %(goal)d.", stamps=card["stamps"], goal=card["stamps_goal"]
    )
    if result.granted:
        message = _("Stamp added, and a reward reached!")
        if seat.mode == "scanner":  # the staff opens the card to redeem it or to Play
            progress["card_url"] = url_for("scanner.card", number=card["number"])
    return {"status": "stamped", "message": message, **progress}, 201


@scanner.post("/decode")
@seat_page()
def decode() -> Response:
    """The text of the first barcode or QR code in a camera frame (JPEG or PNG), or null."""
    text = decode_frame(request.get_data(cache=False))
    return jsonify({"text": text})
