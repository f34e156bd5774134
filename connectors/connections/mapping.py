"""Editing a connection's maps: POS spots to locations, POS promotions to redeem codes (what
the maps decide is in ``mappings/``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from connectors.base import Connector, Promotion
from connectors.connections.claims import pos_unreachable
from connectors.connections.models import PosConnection
from connectors.connections.service import get_connection
from connectors.connections.views import load_view
from connectors.errors import PosAuthRejected, PosError, PosUnavailable
from gateway.config import Settings
from gateway.db import commit_unit, utcnow
from gateway.errors import ApiError
from mappings.promo_codes import stale_codes

T = TypeVar("T")


def set_locations(
    session: Session, merchant_id: str, connection_id: str, locations: dict[str, str]
) -> PosConnection:
    """Replace the map of POS spots / terminal groups to locations."""
    connection = get_connection(session, merchant_id, connection_id)
    connection.locations, connection.updated_at = dict(locations), utcnow()
    commit_unit(session)
    return connection


def set_codes(
    session: Session,
    settings: Settings,
    connector: Connector,
    merchant_id: str,
    connection_id: str,
    codes: dict[str, str],
) -> PosConnection:
    """Replace the map of POS promotions to redeem codes; unknown promotion ids are refused."""
    connection = get_connection(session, merchant_id, connection_id)
    promotions = _promotions(session, settings, connector, connection)
    unknown = sorted(stale_codes(codes, _ids(promotions)))
    if unknown:
        raise ApiError(
            422,
            "unknown_promotion",
            f"The POS has no promotion {', '.join(unknown[:20])}.",
            unknown=unknown,
        )
    connection.codes, connection.stale_codes = dict(codes), {}
    connection.updated_at = utcnow()
    commit_unit(session)
    return connection


def list_promotions(
    session: Session, settings: Settings, connector: Connector, merchant_id: str, connection_id: str
) -> tuple[list[tuple[Promotion, str | None]], dict[str, str]]:
    """The POS's promotions with their mapped codes, and mappings the POS no longer has."""
    connection = get_connection(session, merchant_id, connection_id)
    promotions = _promotions(session, settings, connector, connection)
    stale = stale_codes(connection.codes, _ids(promotions))
    return [(promotion, connection.codes.get(promotion.id)) for promotion in promotions], stale


def _ids(promotions: list[Promotion]) -> list[str]:
    return [promotion.id for promotion in promotions]


def _promotions(
    session: Session, settings: Settings, connector: Connector, connection: PosConnection
) -> list[Promotion]:
    view = load_view(session, connection, settings)
    return call_pos(session, connection, lambda: connector.promotions(view))


def call_pos(session: Session, connection: PosConnection, call: Callable[[], T]) -> T:
    """Call the POS for an API request; its failures become problem responses."""
    session.rollback()  # no transaction stays open while the POS answers
    try:
        return call()
    except PosAuthRejected as exc:
        connection.status, connection.status_reason = "needs_reauth", str(exc)[:500]
        connection.updated_at = utcnow()
        commit_unit(session)
        raise ApiError(409, "pos_auth_rejected", f"The POS refused the credentials: {exc}") from exc
    except PosUnavailable as exc:
        raise pos_unreachable() from exc
    except PosError as exc:
        raise ApiError(502, "pos_error", f"The POS answered with an error: {exc}") from exc
