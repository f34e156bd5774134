"""Failed logins are limited per account and per address, and so are set-password links that
are not valid; the console's other pages are behind the login."""

from __future__ import annotations

import hashlib

from flask import Response, request
from flask_limiter import ExemptionScope, Limiter

from gateway.config import Settings
from gateway.emails import normalize_email
from gateway.web.console.routes import console

LOGIN = "console.login_submit"
# The doors without a session: the login form and the set-password links.
DOORS = frozenset({LOGIN, "console.set_password", "console.set_password_submit"})


def limit_logins(limiter: Limiter, settings: Settings) -> None:
    """Count failed logins (401s) of the login form, per typed e-mail and per address."""
    # The API's limit on failed authentications counts bearer keys, which pages never send.
    limiter.exempt(console, flags=ExemptionScope.APPLICATION)
    limiter.shared_limit(
        settings.limit_login_failures_per_account,
        scope="login-failures-account",
        key_func=_typed_account,
        deduct_when=_failed_login,
        exempt_when=_is_not_a_login,
        error_message="Too many failed logins for this account.",
    )(console)
    limiter.shared_limit(
        settings.limit_login_failures_per_address,
        scope="login-failures-address",
        deduct_when=_refused_at_a_door,
        exempt_when=_is_not_a_door,
        error_message="Too many failed logins from this address.",
    )(console)


def _failed_login(response: Response) -> bool:
    return response.status_code == 401


def _is_not_a_login() -> bool:
    return request.endpoint != LOGIN


def _refused_at_a_door(response: Response) -> bool:
    # A wrong password (401), or a set-password link that is forged, used or expired (404).
    return response.status_code in {401, 404}


def _is_not_a_door() -> bool:
    return request.endpoint not in DOORS


def _typed_account() -> str:
    # Counted by a digest of the address typed (never the address itself in the store).
    typed = request.form.get("email", "")
    try:
        account = normalize_email(typed)
    except ValueError:
        account = typed.strip().lower()
    return "account-" + hashlib.sha256(account.encode()).hexdigest()[:32]
