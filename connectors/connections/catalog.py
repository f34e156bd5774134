"""POS catalogues: a connection's places, product categories and products, fetched from the
POS and kept, so rule editors and location maps offer names instead of typed ids.

A stored catalogue is answered while it is younger than ``CATALOG_MAX_AGE``; older, or when a
refresh is asked for, the POS is asked again. When the POS cannot be reached (or answers with
an error) the stored catalogue is answered as it was; without one the POS's failure is the
answer. A refused login is never hidden: the connection needs re-authorisation, and until
then only a refresh asks the POS again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from connectors.base import Catalog, CatalogEntry, Connector
from connectors.connections.mapping import call_pos
from connectors.connections.models import PosCatalog, PosConnection
from connectors.connections.service import get_connection
from connectors.connections.views import readable_view
from gateway.config import Settings
from gateway.db import commit_unit, utcnow
from gateway.errors import DomainError

CATALOG_MAX_AGE = timedelta(hours=1)
# POS failures a stored catalogue stands in for (a refused login is shown, not hidden).
COVERED_FAILURES = frozenset({"pos_unreachable", "pos_error"})


@dataclass(frozen=True)
class StoredCatalog:
    """A catalogue and when the POS gave it; ``fresh`` is False when the POS failed just now
    and the stored one stands in."""

    catalog: Catalog
    fetched_at: datetime
    fresh: bool = True

    def location_names(self) -> dict[str, str]:
        """Place names by POS id."""
        return {entry.id: entry.name for entry in self.catalog.locations}

    def as_json(self) -> dict[str, Any]:
        """The API's answer."""
        return {**document_of(self.catalog), "fetched_at": self.fetched_at}


def document_of(catalog: Catalog) -> dict[str, Any]:
    """The stored (and answered) form of a catalogue."""
    return {
        "locations": [
            {"id": entry.id, "name": entry.name, "timezone": entry.timezone}
            for entry in catalog.locations
        ],
        "categories": [{"id": entry.id, "name": entry.name} for entry in catalog.categories],
        "products": [
            {"id": entry.id, "name": entry.name, "category": entry.category}
            for entry in catalog.products
        ],
    }


def catalog_of(document: Mapping[str, Any]) -> Catalog:
    """A catalogue from its stored form."""

    def entries(name: str) -> list[CatalogEntry]:
        return [CatalogEntry(**item) for item in document.get(name) or []]

    return Catalog(entries("locations"), entries("categories"), entries("products"))


def connection_catalog(
    session: Session,
    settings: Settings,
    connectors: Mapping[str, Connector],
    merchant_id: str,
    connection_id: str,
    refresh: bool = False,
) -> StoredCatalog:
    """The connection's catalogue: the stored one while young enough (and no ``refresh``),
    otherwise fetched from the POS and stored."""
    connection = get_connection(session, merchant_id, connection_id)
    kept = _stored(session, connection.id)
    if kept is not None and not refresh and utcnow() - kept.fetched_at < CATALOG_MAX_AGE:
        return kept
    if connection.status == "needs_reauth" and not refresh:
        # The POS refused these credentials already: a page load does not ask it again.
        if kept is not None:
            return StoredCatalog(kept.catalog, kept.fetched_at, fresh=False)
        raise DomainError(
            "pos_auth_rejected",
            f"The POS refused the credentials: {connection.status_reason or 'needs_reauth'}",
        )
    view = readable_view(session, connection, settings)
    try:
        fetched = call_pos(session, connection, lambda: connectors[view.pos].catalog(view))
    except DomainError as exc:
        if kept is not None and exc.code in COVERED_FAILURES:
            return StoredCatalog(kept.catalog, kept.fetched_at, fresh=False)
        raise
    return _store(session, connection, fetched)


def _stored(session: Session, connection_id: str) -> StoredCatalog | None:
    row = session.get(PosCatalog, connection_id)
    return None if row is None else StoredCatalog(catalog_of(row.catalog), row.fetched_at)


def _store(session: Session, connection: PosConnection, catalog: Catalog) -> StoredCatalog:
    now = utcnow()
    row = session.get(PosCatalog, connection.id)
    if row is None:
        row = PosCatalog(connection_id=connection.id, merchant_id=connection.merchant_id)
        session.add(row)
    row.catalog, row.fetched_at = document_of(catalog), now
    try:
        commit_unit(session)
    except IntegrityError:  # fetched by another request at the same moment: theirs is as good
        session.rollback()
    return StoredCatalog(catalog, now)


@dataclass(frozen=True)
class ConnectionCatalog:
    """One connection's catalogue for a page, or why there is none."""

    connection_id: str
    pos: str
    account: str
    stored: StoredCatalog | None
    trouble: str | None = None  # the problem code when there is no catalogue


def merchant_catalogs(
    session: Session, settings: Settings, connectors: Mapping[str, Connector], merchant_id: str
) -> list[ConnectionCatalog]:
    """The catalogue of each of the merchant's connections; a POS that fails stops no other."""
    connections = list(
        session.execute(
            select(PosConnection.id, PosConnection.pos, PosConnection.account)
            .where(PosConnection.merchant_id == merchant_id)
            .order_by(PosConnection.created_at, PosConnection.id)
        )
    )
    found = []
    for connection_id, pos, account in connections:
        try:
            stored = connection_catalog(session, settings, connectors, merchant_id, connection_id)
        except DomainError as exc:
            if exc.code == "not_found":
                raise
            found.append(ConnectionCatalog(connection_id, pos, account, None, exc.code))
            continue
        found.append(ConnectionCatalog(connection_id, pos, account, stored))
    return found


def missing_ids(named: Iterable[str], listed: Iterable[str]) -> list[str]:
    """The ids named (by a rule or a map) that the POS no longer lists, in their order."""
    known = set(listed)
    return [key for key in dict.fromkeys(named) if key not in known]
