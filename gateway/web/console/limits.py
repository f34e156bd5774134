"""Failed logins are limited per account and per address; the console has no other limit."""

from __future__ import annotations

import hashlib

from flask import Response, request
from flask_limiter import ExemptionScope, Limiter

from gateway.config import Settings
from gateway.emails import normalize_email
from gateway.web.console.routes import console

LOGIN = "console.login_submit"


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
        deduct_when=_failed_login,
        exempt_when=_is_not_a_login,
        error_message="Too many failed logins from this address.",
    )(console)


def _failed_login(response: Response) -> bool:
    return response.status_code == 401


def _is_not_a_login() -> bool:
    return request.endpoint != LOGIN


def _typed_account() -> str:
    # Counted by a digest of the address typed (never the address itself in the store).
    typed = request.form.get("email", "")
    try:
        account = normalize_email(typed)
    except ValueError:
        account = typed.strip().lower()
    return "account-" + hashlib.sha256(account.encode()).hexdigest()[:32]
