"""Rate limits of every door (flask-limiter): failed authentications, refused POS webhooks,
install callbacks, and code lookups per API key and per location.

Doors that anyone can knock on count only their refusals, so a POS's own good traffic is
never throttled by its volume; once an address is over a limit it is answered 429 before any
database read. Counters live in Redis when STAMPGATE_REDIS_URL is set (every process agrees),
in process memory otherwise; should Redis fail, counting falls back to memory.
"""

from __future__ import annotations

import hashlib
import logging
import time

from flask import Flask, Response, request
from flask_limiter import ApplicationLimit, ExemptionScope, Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from connectors.routes import HOOK_BLUEPRINTS
from gateway.api.ops import ops
from gateway.config import Settings
from gateway.errors import ApiError, api_error_response, too_many_attempts
from gateway.extensions import extensions
from gateway.loyalty.codes.routes import codes

log = logging.getLogger(__name__)
# The code routes that look a code up (holds and redemptions are found by unguessable ids).
CODE_LOOKUPS = frozenset({"codes.check_code", "codes.hold_code", "codes.redeem_code"})
INSTALL_CALLBACK = "poster_hooks.poster_install_callback"
_STORAGE_TIMEOUT_SECONDS = 1
_MAX_LOCATION_KEY = 128


def build_limiter(settings: Settings) -> Limiter:
    """A limiter with every door's limit (``install_limiter`` attaches it to the app)."""
    limiter = Limiter(
        get_remote_address,
        storage_uri=settings.redis_url or "memory://",
        storage_options=_storage_options(settings),
        strategy="fixed-window",
        application_limits=[
            ApplicationLimit(
                limit_provider=settings.limit_auth_failures,
                scope="auth-failures",
                deduct_when=_failed_authentication,
                error_message="Too many failed authentications from this address.",
            )
        ],
        in_memory_fallback_enabled=True,
        swallow_errors=True,  # a limiter fault must not fail the request it only counts
        enabled=settings.rate_limit_enabled,
    )
    # Liveness and readiness answer whoever asks (a load balancer shares an address with many).
    limiter.exempt(ops, flags=ExemptionScope.APPLICATION)
    _limit_hooks(limiter, settings)
    _limit_code_lookups(limiter, settings)
    # One line per refused request would flood the logs under attack; /metrics counts 429s.
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)
    return limiter


def install_limiter(app: Flask, limiter: Limiter) -> None:
    """Count the app's requests (after request ids and metrics start, so 429s carry them);
    its 429s are problem responses."""
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, _rate_limited)


def _storage_options(settings: Settings) -> dict[str, str | int]:
    if not settings.redis_url:
        return {}
    return {
        "key_prefix": settings.rate_limit_key_prefix,
        "wrap_exceptions": 1,
        "socket_connect_timeout": _STORAGE_TIMEOUT_SECONDS,
        "socket_timeout": _STORAGE_TIMEOUT_SECONDS,
    }


def _limit_hooks(limiter: Limiter, settings: Settings) -> None:
    # One counter for every POS: refusals at one door count at all of them.
    refused_hooks = limiter.shared_limit(
        settings.limit_hook_failures,
        scope="hook-failures",
        deduct_when=_refused_hook,
        exempt_when=_is_install_callback,
        error_message="Too many refused webhooks from this address.",
    )
    install_callbacks = limiter.shared_limit(
        settings.limit_install_callbacks,
        scope="install-callbacks",
        exempt_when=lambda: not _is_install_callback(),
        error_message="Too many install callbacks from this address.",
    )
    for blueprint in HOOK_BLUEPRINTS:
        limiter.exempt(blueprint, flags=ExemptionScope.APPLICATION)  # hooks have their own limits
        refused_hooks(blueprint)
        install_callbacks(blueprint)


def _limit_code_lookups(limiter: Limiter, settings: Settings) -> None:
    limiter.shared_limit(
        settings.limit_code_attempts_per_key,
        scope="code-attempts",
        key_func=_presented_key,
        exempt_when=_is_not_a_code_lookup,
        error_message="Too many code lookups with this API key.",
    )(codes)
    limiter.shared_limit(
        settings.limit_code_attempts_per_location,
        scope="code-attempts-location",
        key_func=_presented_key_and_location,
        exempt_when=_is_not_a_code_lookup,
        error_message="Too many code lookups at this location.",
    )(codes)


def _failed_authentication(response: Response) -> bool:
    return response.status_code == 401


def _refused_hook(response: Response) -> bool:
    # Refused for who sent it (signature, token, account, body), not for our own trouble (5xx).
    return 400 <= response.status_code < 500 and response.status_code != 429


def _is_install_callback() -> bool:
    return request.endpoint == INSTALL_CALLBACK


def _is_not_a_code_lookup() -> bool:
    return request.endpoint not in CODE_LOOKUPS


def _presented_key() -> str:
    # Counted before the key is checked: by a digest of what was presented (never the key).
    presented = request.headers.get("Authorization", "").encode()
    return "key-" + hashlib.sha256(presented).hexdigest()[:32]


def _presented_key_and_location() -> str:
    try:
        body = request.get_json(silent=True)
    except ApiError:  # refused input (control characters, nesting): the view answers it
        body = None
    location = body.get("location") if isinstance(body, dict) else None
    where = location.strip()[:_MAX_LOCATION_KEY] if isinstance(location, str) else ""
    return f"{_presented_key()}@{where or '-'}"


def _rate_limited(exc: RateLimitExceeded) -> Response:
    return api_error_response(too_many_attempts(exc.description or "", _seconds_to_reset()))


def _seconds_to_reset() -> float:
    breached = extensions().limiter.current_limit
    if breached is None:
        return 1
    try:
        return breached.reset_at - time.time()
    except Exception:  # the storage failed since the check: a retry soon is the honest answer
        log.warning("rate limit storage unreachable while reading a reset time", exc_info=True)
        return 1
