"""What every web page shares: the signed session cookie and CSRF protection on every form."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, session
from flask_wtf.csrf import CSRFProtect

from gateway.config import Settings

csrf = CSRFProtect()
SESSION_COOKIE = "stampgate_session"


def install_web_security(app: Flask, settings: Settings) -> None:
    """Sign sessions with the gateway's secret; forms are checked by the pages that have them.

    The API authenticates with bearer keys, so CSRF is enforced per web blueprint
    (``protect_forms``), never on the API or the POS hooks.
    """
    app.secret_key = settings.secret_key
    app.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
        WTF_CSRF_CHECK_DEFAULT=False,
        # A form stays valid as long as its session: the idle timeout ends both.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=settings.public_url.startswith("https://"),
        # Only the scanner's device sessions are permanent: a till stays signed in for a year
        # after its last page (revoking the seat ends it sooner); console sessions are not.
        PERMANENT_SESSION_LIFETIME=timedelta(days=365),
    )
    csrf.init_app(app)


def protect_forms() -> None:
    """Refuse a form posted without this session's CSRF token (``CSRFError``, 400)."""
    csrf.protect()


# One browser may be both the owner's console and a till's scanner: the signed cookie holds
# both, and starting or ending one of them leaves the other's keys alone.
CONSOLE_KEYS = ("uid", "fp", "seen")
SCANNER_KEYS = ("seat", "seat_epoch", "_permanent")


def clear_session(keep: tuple[str, ...]) -> None:
    """Empty the session (a fresh CSRF token with it) but for the other surface's ``keep``."""
    kept = {key: session[key] for key in keep if key in session}
    session.clear()
    session.update(kept)
