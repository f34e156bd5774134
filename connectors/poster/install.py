"""The Poster app-install path: the merchant approves our app, Poster sends back a code, and
the code becomes the connection's access token.

The code is exchanged with the application secret, so only ever at Poster's own host
(``STAMPGATE_POSTER_API_URL``), never at a connection's ``api_base_url``. The signed ``state``
of the install link is required: it names the merchant (and program) the install is for, and
only that merchant's connection of the account may be created or updated.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from connectors.connections.claims import account_not_verified, pos_unreachable, prove_ownership
from connectors.connections.models import PosConnection
from connectors.connections.schemas import POSTER_ACCOUNT_PATTERN, ConnectionCreate
from connectors.connections.service import connection_by_account, create_connection, set_credentials
from connectors.errors import PosError, PosUnavailable
from connectors.poster.client import exchange_code
from connectors.poster.connector import PosterConnector
from gateway.config import Settings
from gateway.db import commit_unit
from gateway.errors import ApiError

AUTHORIZE_URL = "https://joinposter.com/api/auth"
STATE_MAX_AGE = 3600
_ACCOUNT = re.compile(POSTER_ACCOUNT_PATTERN)


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="stampgate poster install")


def _app(settings: Settings) -> tuple[str, str]:
    if not (settings.poster_application_id and settings.poster_application_secret):
        raise ApiError(
            409,
            "poster_app_not_configured",
            "Set STAMPGATE_POSTER_APPLICATION_ID and STAMPGATE_POSTER_APPLICATION_SECRET.",
        )
    return settings.poster_application_id, settings.poster_application_secret


def callback_url(settings: Settings, state: str | None = None) -> str:
    """Where Poster sends the merchant back (``state`` names merchant and program)."""
    base = f"{settings.public_url.rstrip('/')}/connect/poster/callback"
    return f"{base}?{urlencode({'state': state})}" if state else base


def install_url(settings: Settings, merchant_id: str, program_id: str) -> str:
    """The Poster page where the merchant approves the app for one of its programs."""
    application_id, _ = _app(settings)
    state = _serializer(settings).dumps({"merchant_id": merchant_id, "program_id": program_id})
    query = {
        "application_id": application_id,
        "redirect_uri": callback_url(settings, state),
        "response_type": "code",
    }
    return f"{AUTHORIZE_URL}?{urlencode(query)}"


def complete_install(
    session: Session,
    settings: Settings,
    connector: PosterConnector,
    params: dict[str, str | None],
) -> PosConnection:
    """Exchange the code at Poster; update the state's merchant's connection, or create it."""
    application_id, application_secret = _app(settings)
    state = params.get("state") or ""
    target = _state(settings, state)
    code, account = params.get("code"), (params.get("account") or "").lower()
    if not code or not _ACCOUNT.fullmatch(account):
        raise ApiError(400, "malformed_callback", "The callback needs a code and an account.")
    form = {
        "application_id": application_id,
        "application_secret": application_secret,
        "grant_type": "authorization_code",
        "redirect_uri": callback_url(settings, state),
        "code": code,
    }
    session.rollback()  # no transaction stays open while Poster answers
    try:
        answer = exchange_code(connector.pos_http, connector.home_url(account), form)
    except PosUnavailable as exc:
        raise pos_unreachable() from exc
    except PosError as exc:
        raise ApiError(502, "token_exchange_failed", str(exc)) from exc
    token = str(answer["access_token"])
    existing = connection_by_account(session, "poster", account)
    if existing is None:
        body = ConnectionCreate(
            pos="poster",
            program_id=target["program_id"],
            account=account,
            application_secret=application_secret,
            access_token=token,
        )
        connection, _ = create_connection(session, settings, connector, target["merchant_id"], body)
        return connection
    if existing.merchant_id != target["merchant_id"]:
        raise account_not_verified()  # as for any claim of an account not proven to be its own
    session.rollback()
    prove_ownership(connector, account, {"access_token": token})
    fresh = {"access_token": token, "application_secret": application_secret}
    set_credentials(session, settings, existing, fresh)
    commit_unit(session)
    return existing


def _state(settings: Settings, state: str) -> dict[str, Any]:
    if not state:
        raise ApiError(400, "bad_state", "Start the install from the gateway's install link.")
    try:
        value = _serializer(settings).loads(state, max_age=STATE_MAX_AGE)
    except BadSignature:
        raise ApiError(400, "bad_state", "The install link is invalid or expired.") from None
    if not (
        isinstance(value, dict)
        and isinstance(value.get("merchant_id"), str)
        and isinstance(value.get("program_id"), str)
    ):
        raise ApiError(400, "bad_state", "The install link is invalid.")
    return value
