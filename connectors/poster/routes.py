"""Poster's doors: its application webhook and the app-install callback (no API key: Poster
is verified by the webhook's signature and the install link's signed state)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_openapi3.blueprint import APIBlueprint

from connectors.connections.presenters import connection_out
from connectors.connections.schemas import ConnectionOut
from connectors.poster.connector import PosterConnector
from connectors.poster.hooks import receive_poster_hook
from connectors.poster.install import complete_install
from connectors.poster.schemas import PosterCallbackQuery, PosterHook
from connectors.schemas import HOOK_REFUSALS, HOOKS_TAG, HookAccepted
from gateway.api.openapi_docs import operation_id, problem_responses, raw_body
from gateway.api.problems import reading_raw_input
from gateway.api.session import request_session
from gateway.extensions import extensions

poster_hooks = APIBlueprint(
    "poster_hooks", __name__, abp_tags=[HOOKS_TAG], operation_id_callback=operation_id
)
_INSTALL_REFUSALS = (
    "bad_state",
    "malformed_callback",
    "poster_app_not_configured",
    "not_found",
    "account_not_verified",
    "token_exchange_failed",
    "pos_unreachable",
    "too_many_attempts",
    "database_unavailable",
)


@poster_hooks.post(
    "/hooks/poster",
    responses={200: HookAccepted, **problem_responses(*HOOK_REFUSALS, "bad_signature")},
    # The body is read raw (the signature covers its exact bytes), so it is documented apart.
    openapi_extensions=raw_body(poster_hooks, PosterHook, "A Poster application webhook"),
)
def poster_webhook() -> dict[str, Any]:
    """A Poster application webhook, verified by its md5 ``verify`` field (an account without
    a connection answers as a bad signature does: 401 ``bad_signature``)."""
    ext = extensions()
    with reading_raw_input():
        receive_poster_hook(
            request_session(), ext.settings, ext.directory, request.get_data(cache=False)
        )
    return {"status": "accept"}


@poster_hooks.get(
    "/connect/poster/callback",
    responses={200: ConnectionOut, **problem_responses(*_INSTALL_REFUSALS)},
)
def poster_install_callback(query: PosterCallbackQuery) -> dict[str, Any]:
    """Poster's redirect after the app was approved: the code, exchanged at Poster's own host,
    becomes the access token of the connection of the merchant named in ``state``."""
    ext = extensions()
    connector = ext.connectors["poster"]
    assert isinstance(connector, PosterConnector)
    connection = complete_install(request_session(), ext.settings, connector, query.model_dump())
    return connection_out(connection, ext.settings)
