"""Limits of the customer's pages: every request per address, every request per token, and,
far lower, tokens that lead nowhere (so links cannot be found by guessing)."""

from __future__ import annotations

import hashlib

from flask import Response, request
from flask_limiter import ExemptionScope, Limiter

from gateway.config import Settings
from gateway.web.public.routes import public

# The name every public route gives its token in the URL (``/c/<token>``).
TOKEN_ARGUMENT = "token"  # noqa: S105 - a parameter name, not a secret


def limit_public_pages(limiter: Limiter, settings: Settings) -> None:
    """Attach the public pages' limits to their blueprint."""
    # The API's limit on failed authentications counts bearer keys, which pages never send.
    limiter.exempt(public, flags=ExemptionScope.APPLICATION)
    limiter.shared_limit(
        settings.limit_public_pages_per_address,
        scope="public-address",
        exempt_when=_is_static,
    )(public)
    limiter.shared_limit(
        settings.limit_public_pages_per_token,
        scope="public-token",
        key_func=_token_key,
        exempt_when=_has_no_token,
    )(public)
    limiter.shared_limit(
        settings.limit_public_unknown_tokens,
        scope="public-unknown",
        deduct_when=_led_nowhere,
        exempt_when=_is_static,
    )(public)


def _is_static() -> bool:
    return request.endpoint == "public.static"


def _has_no_token() -> bool:
    return not (request.view_args or {}).get(TOKEN_ARGUMENT)


def _token_key() -> str:
    # Counted by a digest: the token itself never reaches the limiter's store.
    token = str((request.view_args or {}).get(TOKEN_ARGUMENT, ""))
    return "token-" + hashlib.sha256(token.encode()).hexdigest()[:32]


def _led_nowhere(response: Response) -> bool:
    return response.status_code == 404
