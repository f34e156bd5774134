"""Inbound POS webhooks and the Poster app-install callback (no API key: each POS is verified
its own way)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from pydantic import BaseModel, Field, RootModel

from connectors.connections.presenters import connection_out
from connectors.connections.schemas import ConnectionOut
from connectors.poster.connector import PosterConnector
from connectors.poster.hooks import receive_poster_hook
from connectors.poster.install import complete_install
from connectors.poster.schemas import PosterHook
from connectors.serve.hooks import receive_serve_hook
from gateway.api.openapi_docs import operation_id, problem_responses, raw_body
from gateway.api.problems import reading_raw_input
from gateway.db import request_session
from gateway.extensions import extensions

hooks = APIBlueprint(
    "hooks",
    __name__,
    abp_tags=[Tag(name="POS webhooks", description="Webhooks the POS systems send us.")],
    operation_id_callback=operation_id,
)


class HookAccepted(BaseModel):
    """The webhook is stored; it is processed after this answer."""

    status: str = "accept"


class PosterCallbackQuery(BaseModel):
    """What Poster appends to the redirect after the merchant approved the app."""

    code: str = Field(max_length=256)
    account: str = Field(max_length=128)
    state: str | None = Field(
        default=None, max_length=1024, description="The install link's signed state (required)"
    )


@hooks.post(
    "/hooks/poster",
    responses={200: HookAccepted, **problem_responses(400, 401, 413, 429, 503)},
    # The body is read raw (the signature covers its exact bytes), so it is documented apart.
    openapi_extensions=raw_body(hooks, PosterHook, "A Poster application webhook"),
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


class ServeHookPath(BaseModel):
    """The connection the Syrve webhook was registered for."""

    connection_id: str = Field(max_length=64)


class SyrveEvent(BaseModel):
    """One event of a Syrve webhook delivery (the body is an array of these)."""

    eventType: str  # noqa: N815 - Syrve's field name
    eventTime: str  # noqa: N815
    organizationId: str  # noqa: N815
    correlationId: str | None = None  # noqa: N815
    eventInfo: dict[str, object]  # noqa: N815


class SyrveDelivery(RootModel[list[SyrveEvent]]):
    """A Syrve webhook delivery."""


@hooks.post(
    "/hooks/serve/<connection_id>",
    responses={200: HookAccepted, **problem_responses(400, 401, 404, 413, 429, 503)},
    openapi_extensions=raw_body(hooks, SyrveDelivery, "A Syrve webhook: an array of events"),
)
def serve_webhook(path: ServeHookPath) -> dict[str, Any]:
    """A Syrve webhook, checked against the connection's token (``Authorization``)."""
    with reading_raw_input():
        receive_serve_hook(
            request_session(),
            extensions().directory,
            path.connection_id,
            request.headers.get("Authorization"),
            request.get_data(cache=False),
        )
    return {"status": "accept"}


@hooks.get(
    "/connect/poster/callback",
    responses={200: ConnectionOut, **problem_responses(400, 404, 409, 422, 429, 502)},
)
def poster_install_callback(query: PosterCallbackQuery) -> dict[str, Any]:
    """Poster's redirect after the app was approved: the code, exchanged at Poster's own host,
    becomes the access token of the connection of the merchant named in ``state``."""
    ext = extensions()
    connector = ext.connectors["poster"]
    assert isinstance(connector, PosterConnector)
    connection = complete_install(request_session(), ext.settings, connector, query.model_dump())
    return connection_out(connection, ext.settings)
