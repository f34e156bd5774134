"""Connection routes: link a POS account, map its spots and promotions, install the Poster app."""

from __future__ import annotations

from typing import Any

from flask_openapi3.models.tag import Tag
from pydantic import BaseModel, Field

from connectors.connections import catalog, mapping, registration, service
from connectors.connections.presenters import connection_out
from connectors.connections.schemas import (
    CatalogOut,
    CatalogQuery,
    CodesBody,
    ConnectionCreate,
    ConnectionOut,
    ConnectionPage,
    ConnectionPatch,
    ConnectionPath,
    LocationsBody,
    PromotionList,
    WebhookRegistration,
)
from connectors.poster.install import install_url
from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session
from gateway.examples import example
from gateway.extensions import extensions
from gateway.loyalty.programs.service import get_program
from gateway.pagination import PageQuery

connections = merchant_blueprint(
    "connections",
    __name__,
    Tag(name="POS connections", description="POS accounts whose sales become stamps."),
)
_ONE = problem_responses("not_found")
_POS_CALL = mapping.POS_CALL_PROBLEMS
# Proving that credentials belong to the account, and checking the API address.
_CLAIM = ("not_found", "account_not_verified", "pos_unreachable", "url_not_allowed")


class InstallQuery(BaseModel):
    """The program the Poster account will stamp."""

    program_id: str = Field(max_length=64)


class InstallLink(BaseModel):
    """Send the merchant here to approve the app in Poster."""

    model_config = example(
        {
            "url": "https://joinposter.com/api/auth?application_id=1234&redirect_uri=https%3A%2F%2Fstampgate.example.com%2Fconnect%2Fposter%2Fcallback&response_type=code&state=s1"
        }
    )

    url: str


@connections.post(
    "/connections",
    responses={
        201: ConnectionOut,
        **problem_responses(*_CLAIM, "connection_exists", "currency_mismatch"),
    },
)
def create_connection(body: ConnectionCreate) -> tuple[dict[str, Any], int]:
    """Connect a POS account to a program, once the POS confirmed that the credentials belong
    to the account (422 ``account_not_verified`` otherwise); Serve's ``webhook_token`` is shown
    only here."""
    ext = extensions()
    connection, shown = service.create_connection(
        request_session(), ext.settings, ext.connectors[body.pos], current_merchant_id(), body
    )
    return connection_out(connection, ext.settings, **shown), 201


@connections.get("/connections", responses={200: ConnectionPage})
def list_connections(query: PageQuery) -> dict[str, Any]:
    """The merchant's connections, newest first."""
    settings = extensions().settings
    page = service.list_connections(request_session(), current_merchant_id(), query)
    return {
        "items": [connection_out(item, settings) for item in page.items],
        "next_cursor": page.next_cursor,
    }


@connections.get("/connections/<connection_id>", responses={200: ConnectionOut, **_ONE})
def get_connection(path: ConnectionPath) -> dict[str, Any]:
    """Read a connection (its status shows when it needs re-authorisation)."""
    connection = service.get_connection(
        request_session(), current_merchant_id(), path.connection_id
    )
    return connection_out(connection, extensions().settings)


@connections.patch(
    "/connections/<connection_id>", responses={200: ConnectionOut, **problem_responses(*_CLAIM)}
)
def update_connection(path: ConnectionPath, body: ConnectionPatch) -> dict[str, Any]:
    """Change program, API address or credentials; new credentials resume waiting events."""
    ext = extensions()
    connection = service.update_connection(
        request_session(),
        ext.settings,
        ext.connectors,
        current_merchant_id(),
        path.connection_id,
        body,
    )
    return connection_out(connection, ext.settings)


@connections.put("/connections/<connection_id>/locations", responses={200: ConnectionOut, **_ONE})
def set_locations(path: ConnectionPath, body: LocationsBody) -> dict[str, Any]:
    """Map POS spots / terminal groups to the merchant's location names."""
    connection = mapping.set_locations(
        request_session(), current_merchant_id(), path.connection_id, body.root
    )
    return connection_out(connection, extensions().settings)


@connections.put(
    "/connections/<connection_id>/codes",
    responses={200: ConnectionOut, **problem_responses(*_POS_CALL, "unknown_promotion")},
)
def set_codes(path: ConnectionPath, body: CodesBody) -> dict[str, Any]:
    """Map POS promotions (discounts, coupons) to redeem codes; unknown ids are refused."""
    ext = extensions()
    session = request_session()
    connection = service.get_connection(session, current_merchant_id(), path.connection_id)
    connection = mapping.set_codes(
        session,
        ext.settings,
        ext.connectors[connection.pos],
        current_merchant_id(),
        path.connection_id,
        body.root,
    )
    return connection_out(connection, ext.settings)


@connections.get(
    "/connections/<connection_id>/promotions",
    responses={200: PromotionList, **problem_responses(*_POS_CALL)},
)
def list_promotions(path: ConnectionPath) -> dict[str, Any]:
    """The POS's promotions now, each with the redeem code mapped to it."""
    ext = extensions()
    session = request_session()
    connection = service.get_connection(session, current_merchant_id(), path.connection_id)
    items, stale = mapping.list_promotions(
        session, ext.settings, ext.connectors[connection.pos], current_merchant_id(), connection.id
    )
    return {
        "items": [
            {
                "id": promotion.id,
                "name": promotion.name,
                "kind": promotion.kind,
                "active": promotion.active,
                "code": code,
            }
            for promotion, code in items
        ],
        "stale_mappings": stale,
    }


@connections.get(
    "/connections/<connection_id>/catalog",
    responses={200: CatalogOut, **problem_responses(*_POS_CALL)},
)
def get_catalog(path: ConnectionPath, query: CatalogQuery) -> dict[str, Any]:
    """The POS's places (Poster spots, Syrve terminal groups with their time zones), product
    categories and products, for rules and the locations map. Kept for an hour; ``refresh=true``
    asks the POS now. When the POS fails, the kept catalogue is answered (``fetched_at`` says
    how old); without one, the POS's failure."""
    ext = extensions()
    stored = catalog.connection_catalog(
        request_session(),
        ext.settings,
        ext.connectors,
        current_merchant_id(),
        path.connection_id,
        refresh=query.refresh,
    )
    return CatalogOut.model_validate(stored.as_json()).model_dump(mode="json")


@connections.post(
    "/connections/<connection_id>/register-webhook",
    responses={
        200: WebhookRegistration,
        **problem_responses(*_POS_CALL, "registration_not_supported", "registration_not_confirmed"),
    },
)
def register_webhook(path: ConnectionPath) -> dict[str, Any]:
    """Write the gateway's webhook URL, token and order filters into the POS (Serve)."""
    ext = extensions()
    session = request_session()
    connection = service.get_connection(session, current_merchant_id(), path.connection_id)
    return registration.register_webhook(
        session, ext.settings, ext.connectors[connection.pos], current_merchant_id(), connection.id
    )


@connections.get(
    "/connections/poster/install-url",
    responses={200: InstallLink, **problem_responses("not_found", "poster_app_not_configured")},
)
def poster_install_url(query: InstallQuery) -> dict[str, Any]:
    """A link that installs the Poster app for one program (valid for an hour)."""
    get_program(request_session(), current_merchant_id(), query.program_id)
    return {"url": install_url(extensions().settings, current_merchant_id(), query.program_id)}
