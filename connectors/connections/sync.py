"""Promotion sync: pull each connection's POS promotions and flag the redeem-code mappings
whose promotion the merchant deleted in the POS (a code the till will never report again)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from connectors.base import ConnectionView, Connector, NamesCurrency
from connectors.connections.models import PosConnection
from connectors.connections.views import load_view
from connectors.errors import PosAuthRejected, PosError
from gateway.config import Settings
from gateway.crypto import SecretUnreadable
from gateway.db import commit_unit, utcnow
from mappings.promo_codes import stale_codes
from webhooks.outbox import record_event

log = logging.getLogger(__name__)
CURRENCY_MISMATCH = "currency_mismatch"
R = TypeVar("R")


@dataclass(frozen=True)
class SyncResult:
    """What one connection's sync found."""

    connection_id: str
    status: str  # synced | skipped | failed
    stale: dict[str, str]
    newly_stale: dict[str, str]
    error: str | None = None


def sync_all(
    factory: sessionmaker[Session], settings: Settings, connectors: Mapping[str, Connector]
) -> list[SyncResult]:
    """Sync every active connection that has code mappings; one failing POS stops no other."""
    with factory() as session:
        ids = list(
            session.scalars(
                select(PosConnection.id)
                .where(PosConnection.status == "active")
                .order_by(PosConnection.id)
            )
        )
    return each_in_own_session(
        factory, ids, lambda session, one: sync_connection(session, settings, connectors, one)
    )


def each_in_own_session(
    factory: sessionmaker[Session], ids: Sequence[str], work: Callable[[Session, str], R]
) -> list[R]:
    """``work`` for each id, each in a session of its own (one failure's rollback touches no
    other), in order."""
    results = []
    for one in ids:
        with factory() as session:
            results.append(work(session, one))
    return results


def sync_connection(
    session: Session, settings: Settings, connectors: Mapping[str, Connector], connection_id: str
) -> SyncResult:
    """Compare one connection's mappings with its POS's promotions; announce new stale ones."""
    connection = session.get(PosConnection, connection_id)
    if connection is None or not connection.codes:
        return SyncResult(connection_id, "skipped", {}, {})
    try:
        view = load_view(session, connection, settings)
    except SecretUnreadable:
        return SyncResult(connection_id, "failed", {}, {}, "credentials unreadable")
    session.rollback()  # no transaction stays open while the POS answers
    connector = connectors[view.pos]
    try:
        mismatch = _currency_mismatch(connector, view)
        if mismatch is not None:
            connection.status_reason = mismatch[:500]
            commit_unit(session)
            return SyncResult(connection_id, "failed", {}, {}, mismatch)
        promotions = connector.promotions(view)
    except PosAuthRejected as exc:
        connection.status, connection.status_reason = "needs_reauth", str(exc)[:500]
        commit_unit(session)
        return SyncResult(connection_id, "failed", {}, {}, str(exc))
    except PosError as exc:
        log.warning("promotion sync failed", extra={"connection_id": connection_id})
        return SyncResult(connection_id, "failed", {}, {}, str(exc))
    stale = stale_codes(connection.codes, (promotion.id for promotion in promotions))
    known = connection.stale_codes or {}
    newly = {key: code for key, code in stale.items() if known.get(key) != code}
    connection.stale_codes, connection.synced_at = stale, utcnow()
    if connection.status_reason and connection.status_reason.startswith(CURRENCY_MISMATCH):
        connection.status_reason = None  # the organization counts in the merchant's currency again
    if newly:
        data = {
            "connection_id": connection.id,
            "pos": connection.pos,
            "stale_mappings": newly,
        }
        record_event(session, connection.merchant_id, "connection.mappings_stale", data)
    commit_unit(session)
    return SyncResult(connection_id, "synced", stale, newly)


def _currency_mismatch(connector: Connector, view: ConnectionView) -> str | None:
    """``currency_mismatch: ...`` when the POS account names another currency than the
    merchant's; None when it names the merchant's, or none at all."""
    if not isinstance(connector, NamesCurrency):
        return None
    found = connector.currency(view)
    if found is None or found == view.currency.upper():
        return None
    return (
        f"{CURRENCY_MISMATCH}: the POS organization's currency is {found}; "
        f"the merchant's is {view.currency}."
    )
