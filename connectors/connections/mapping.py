"""Editing a connection's maps: POS spots to locations, POS promotions to redeem codes (what
the maps decide is in ``mappings/``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from connectors.base import Connector, Promotion
from connectors.connections.claims import pos_unreachable
from connectors.connections.models import PosConnection
from connectors.connections.service import get_connection
from connectors.connections.views import readable_view
from connectors.errors import PosAuthRejected, PosError, PosUnavailable
from gateway.config import Settings
from gateway.db import commit_unit, utcnow
from gateway.errors import DomainError
from mappings.promo_codes import stale_codes

T = TypeVar("T")
# What a route that asks the POS can answer: its refusals and failures (``call_pos``).
POS_CALL_PROBLEMS = (
    "not_found",
    "pos_auth_rejected",
    "pos_unreachable",
    "pos_error",
    "credentials_unreadable",
)


def set_locations(
    session: Session,
    merchant_id: str,
    connection_id: str,
    locations: dict[str, str],
    unchanged_since: datetime | None = None,
) -> PosConnection:
    """Replace the map of POS spots / terminal groups to locations (when ``unchanged_since``
    is given, only if the connection has not changed since)."""
    connection = get_connection(session, merchant_id, connection_id)
    refuse_if_changed(connection, unchanged_since)
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
    unchanged_since: datetime | None = None,
) -> PosConnection:
    """Replace the map of POS promotions to redeem codes; unknown promotion ids are refused
    (and, when ``unchanged_since`` is given, a connection changed since)."""
    connection = get_connection(session, merchant_id, connection_id)
    promotions = _promotions(session, settings, connector, connection)
    refuse_if_changed(connection, unchanged_since)
    unknown = sorted(stale_codes(codes, _ids(promotions)))
    if unknown:
        raise DomainError(
            "unknown_promotion",
            f"The POS has no promotion {', '.join(unknown[:20])}.",
            unknown=unknown,
        )
    connection.codes, connection.stale_codes = dict(codes), {}
    connection.updated_at = utcnow()
    commit_unit(session)
    return connection


def refuse_if_changed(connection: PosConnection, unchanged_since: datetime | None) -> None:
    """409 ``conflict`` when the connection changed after ``unchanged_since`` (a form opened
    before another change would overwrite it)."""
    if unchanged_since is not None and connection.updated_at != unchanged_since:
        raise DomainError(
            "conflict",
            "This connection was changed after the form was opened; reload the page and make "
            "your change again.",
        )


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
    view = readable_view(session, connection, settings)
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
        raise DomainError("pos_auth_rejected", f"The POS refused the credentials: {exc}") from exc
    except PosUnavailable as exc:
        raise pos_unreachable() from exc
    except PosError as exc:
        raise DomainError("pos_error", f"The POS answered with an error: {exc}") from exc
