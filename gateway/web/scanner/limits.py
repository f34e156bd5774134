"""The scanner's doors: sign-in links that are forged, used or expired count per address, and
camera frames per seat."""

from __future__ import annotations

from flask import Response, request, session
from flask_limiter import ExemptionScope, Limiter

from gateway.config import Settings
from gateway.web.scanner.routes import scanner

SIGN_IN = frozenset({"scanner.sign_in_link", "scanner.sign_in_submit"})
DECODE = "scanner.decode"


def limit_scanner(limiter: Limiter, settings: Settings) -> None:
    """Count refused sign-in links per address, and camera frames per signed-in seat."""
    limiter.exempt(scanner, flags=ExemptionScope.APPLICATION)
    limiter.shared_limit(
        settings.limit_login_failures_per_address,
        scope="scanner-sign-in-address",
        deduct_when=_refused,
        exempt_when=lambda: request.endpoint not in SIGN_IN,
        error_message="Too many sign-in links that are not valid from this address.",
    )(scanner)
    limiter.shared_limit(
        settings.limit_scanner_frames,
        scope="scanner-frames",
        key_func=_seat,
        exempt_when=lambda: request.endpoint != DECODE,
        error_message="Too many camera frames.",
    )(scanner)


def _refused(response: Response) -> bool:
    return response.status_code == 404


def _seat() -> str:
    seat = session.get("seat")
    return f"seat-{seat}" if isinstance(seat, str) else f"address-{request.remote_addr}"
