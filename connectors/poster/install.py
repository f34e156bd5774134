"""The Poster app-install path: the merchant approves our app, Poster sends back a code, and
the code becomes the connection's access token."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import requests
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from connectors.errors import PosError
from connectors.poster.client import exchange_code
from gateway.config import Settings
from gateway.connections.models import PosConnection
from gateway.connections.schemas import ConnectionCreate
from gateway.connections.service import connection_by_account, create_connection, set_credentials
from gateway.errors import ApiError

AUTHORIZE_URL = "https://joinposter.com/api/auth"
STATE_MAX_AGE = 3600


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
    http: requests.Session,
    params: dict[str, str | None],
) -> PosConnection:
    """Exchange the code; update the account's connection, or create it from ``state``."""
    application_id, application_secret = _app(settings)
    code, account, state = (
        params.get("code"),
        (params.get("account") or "").lower(),
        params.get("state"),
    )
    if not code or not account:
        raise ApiError(400, "malformed_callback", "The callback needs code and account.")
    target = _state(settings, state) if state else None
    existing = connection_by_account(session, "poster", account)
    if existing is None and target is None:
        raise ApiError(404, "unknown_account", "Start the install from the gateway's install URL.")
    base = settings.poster_api_url.format(account=account).rstrip("/")
    if existing is not None and existing.api_base_url:
        base = existing.api_base_url
    form = {
        "application_id": application_id,
        "application_secret": application_secret,
        "grant_type": "authorization_code",
        "redirect_uri": callback_url(settings, state),
        "code": code,
    }
    session.rollback()  # no transaction stays open while Poster answers
    try:
        token = str(exchange_code(http, base, form, settings.pos_timeout)["access_token"])
    except PosError as exc:
        raise ApiError(502, "token_exchange_failed", str(exc)) from exc
    if existing is not None:
        set_credentials(
            session,
            settings,
            existing,
            {"access_token": token, "application_secret": application_secret},
        )
        session.commit()
        return existing
    assert target is not None
    body = ConnectionCreate(
        pos="poster",
        program_id=target["program_id"],
        account=account,
        application_secret=application_secret,
        access_token=token,
    )
    connection, _ = create_connection(session, settings, target["merchant_id"], body)
    return connection


def _state(settings: Settings, state: str) -> dict[str, Any]:
    try:
        value = _serializer(settings).loads(state, max_age=STATE_MAX_AGE)
    except BadSignature:
        raise ApiError(400, "bad_state", "The install link is invalid or expired.") from None
    if not isinstance(value, dict):
        raise ApiError(400, "bad_state", "The install link is invalid.")
    return value
