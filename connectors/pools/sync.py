"""Code pools filled from a POS coupon series: binding a pool to a connection's series, and
the sync that reads the series' unused coupons and the state of the codes the pool holds.

No transaction stays open while the POS answers; what it said is stored in one transaction
(``gateway.loyalty.codes.sources``). A failed sync keeps its error on the pool and changes
none of its codes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from connectors.base import Connector, SyncsCoupons
from connectors.connections.claims import pos_unreachable
from connectors.connections.mapping import call_pos
from connectors.connections.models import PosConnection
from connectors.connections.service import get_connection
from connectors.connections.sync import each_in_own_session
from connectors.connections.views import load_view, readable_view
from connectors.errors import PosAuthRejected, PosError, PosUnavailable
from gateway.config import Settings
from gateway.crypto import SecretUnreadable
from gateway.db import commit_unit, utcnow
from gateway.errors import DomainError
from gateway.loyalty.codes.models import CodePool
from gateway.loyalty.codes.pools import get_pool
from gateway.loyalty.codes.sources import (
    apply_sync,
    bind_source,
    bound_pool_ids,
    free_codes,
    record_sync_error,
)

log = logging.getLogger(__name__)
# Codes re-checked one by one per sync (Syrve asks ``coupons/info`` per number): the rest wait
# for the next round rather than holding one sync for minutes.
MAX_CHECKS_PER_SYNC = 200


@dataclass(frozen=True)
class PoolSyncResult:
    """How one pool's sync ended."""

    pool_id: str
    status: str  # synced | failed
    added: int = 0
    retired: int = 0
    assigned: int = 0
    error: str | None = None
    problem: str = "pos_error"  # the API's code for a failed "sync now"


def set_pool_source(
    session: Session,
    settings: Settings,
    connectors: Mapping[str, Connector],
    merchant_id: str,
    pool_id: str,
    source: tuple[str, str] | None,
) -> CodePool:
    """Bind the pool to ``(connection_id, series_id)`` after the POS confirmed the series,
    then sync it once; ``None`` unbinds it (its codes stay)."""
    pool = get_pool(session, merchant_id, pool_id)
    if source is None:
        bind_source(pool, None, None)
        commit_unit(session)
        return pool
    connection_id, series_id = source
    connection = get_connection(session, merchant_id, connection_id)
    connector = _coupon_source(connectors, connection)
    view = readable_view(session, connection, settings)
    series = call_pos(session, connection, lambda: connector.coupon_series_of(view))
    if series_id not in {item.id for item in series}:
        raise DomainError(
            "unknown_coupon_series",
            f"The POS has no coupon series {series_id} with coupons to hand out "
            "in this connection's organization.",
        )
    pool = get_pool(session, merchant_id, pool_id)
    bind_source(pool, connection.id, series_id)
    commit_unit(session)
    sync_pool(session, settings, connectors, pool.id)
    return get_pool(session, merchant_id, pool_id)


def sync_pool_now(
    session: Session,
    settings: Settings,
    connectors: Mapping[str, Connector],
    merchant_id: str,
    pool_id: str,
) -> CodePool:
    """The merchant's "sync now": 422 ``pool_not_bound`` for a pool without a source; a
    failing POS answers its problem, after the error was kept on the pool."""
    pool = get_pool(session, merchant_id, pool_id)
    if pool.source_connection_id is None:
        raise DomainError("pool_not_bound", "This pool has no POS source to sync from.")
    result = sync_pool(session, settings, connectors, pool.id)
    if result.status == "failed":
        if result.problem == "pos_unreachable":
            raise pos_unreachable()
        detail = f"The sync failed: {result.error}"
        if result.problem == "pos_auth_rejected":
            raise DomainError("pos_auth_rejected", detail)
        raise DomainError("pos_error", detail)
    return get_pool(session, merchant_id, pool_id)


def sync_all_pools(
    factory: sessionmaker[Session], settings: Settings, connectors: Mapping[str, Connector]
) -> list[PoolSyncResult]:
    """Sync every pool with a source; one failing POS stops no other."""
    with factory() as session:
        ids = bound_pool_ids(session)
    return each_in_own_session(
        factory, ids, lambda session, one: sync_pool(session, settings, connectors, one)
    )


def sync_pool(
    session: Session, settings: Settings, connectors: Mapping[str, Connector], pool_id: str
) -> PoolSyncResult:
    """Read the pool's series from its POS and store what it says."""
    pool = session.get(CodePool, pool_id)
    if pool is None or pool.source_connection_id is None or pool.source_series_id is None:
        return PoolSyncResult(pool_id, "failed", error="no source")
    series_id = pool.source_series_id
    connection = session.get(PosConnection, pool.source_connection_id)
    if connection is None or connection.status != "active":
        return _failed(session, pool_id, "the connection is not active")
    connector = connectors.get(connection.pos)
    if not isinstance(connector, SyncsCoupons):
        return _failed(session, pool_id, f"{connection.pos} has no coupon series")
    try:
        view = load_view(session, connection, settings)
    except SecretUnreadable:
        return _failed(session, pool_id, "credentials unreadable")
    held = free_codes(session, pool_id)
    session.rollback()  # no transaction stays open while the POS answers
    try:
        unused = connector.unused_coupons(view, series_id)
        listed = set(unused)
        missing = [code for code in held if code not in listed][:MAX_CHECKS_PER_SYNC]
        states = connector.coupon_states(view, missing) if missing else {}
    except PosAuthRejected as exc:
        connection.status, connection.status_reason = "needs_reauth", str(exc)[:500]
        connection.updated_at = utcnow()
        commit_unit(session)
        refused = f"the POS refused the credentials: {exc}"
        return _failed(session, pool_id, refused, "pos_auth_rejected")
    except PosUnavailable:
        log.warning("code pool sync: POS unreachable", extra={"pool_id": pool_id})
        return _failed(session, pool_id, "the POS could not be reached", "pos_unreachable")
    except PosError as exc:
        log.warning("code pool sync failed", extra={"pool_id": pool_id})
        return _failed(session, pool_id, str(exc))
    report = apply_sync(session, pool_id, unused, states)
    return PoolSyncResult(pool_id, "synced", report.added, report.retired, report.assigned)


def _coupon_source(connectors: Mapping[str, Connector], connection: PosConnection) -> SyncsCoupons:
    connector = connectors.get(connection.pos)
    if not isinstance(connector, SyncsCoupons):
        raise DomainError(
            "pool_source_unsupported",
            f"{connection.pos} offers no coupon series to fill a pool from; "
            "upload its codes instead.",
        )
    return connector


def _failed(
    session: Session, pool_id: str, error: str, problem: str = "pos_error"
) -> PoolSyncResult:
    record_sync_error(session, pool_id, error)
    return PoolSyncResult(pool_id, "failed", error=error, problem=problem)
