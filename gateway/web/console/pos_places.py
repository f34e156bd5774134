"""The POS page's locations map with the POS's own places: each spot or terminal group the
catalogue lists is a row by its name; ids the POS does not list are typed rows, flagged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from connectors.connections.catalog import connection_catalog, missing_ids
from gateway.api.session import request_session
from gateway.errors import DomainError
from gateway.extensions import extensions
from gateway.web.console.catalog_choices import TROUBLE, listed_at


@dataclass(frozen=True)
class PlaceRow:
    """One row of the map: a POS place id, the merchant's name for it, and the POS's name
    when its catalogue lists the place (``unlisted``: the catalogue does not)."""

    spot: str
    location: str
    pos_name: str | None = None
    unlisted: bool = False


@dataclass(frozen=True)
class Places:
    """The POS's places by id (None when it could not tell), or why not."""

    names: dict[str, str] | None
    trouble: str | None = None
    as_of: str | None = None  # when the kept list standing in for a failing POS was listed

    def rows(self, typed: Sequence[tuple[str, str]]) -> list[PlaceRow]:
        """The map's rows: one per listed place (in the POS's order, with the name typed or
        mapped for it), then every other row as typed."""
        if self.names is None:
            return [PlaceRow(spot, location) for spot, location in typed]
        first: dict[str, str] = {}
        others: list[PlaceRow] = []
        for spot, location in typed:
            if spot in self.names and spot not in first:
                first[spot] = location
            else:
                others.append(PlaceRow(spot, location, unlisted=bool(spot)))
        listed = [PlaceRow(key, first.get(key, ""), name) for key, name in self.names.items()]
        return listed + others

    def stale(self, mapped: Sequence[str]) -> list[str]:
        """Mapped ids the POS no longer lists (none when it could not tell)."""
        return [] if self.names is None else missing_ids(mapped, self.names)


def places_of(connection_id: str, merchant_id: str, pos_name: str, refresh: bool) -> Places:
    """The connection's places from its catalogue; a POS that fails is said, not raised."""
    ext = extensions()
    try:
        stored = connection_catalog(
            request_session(), ext.settings, ext.connectors, merchant_id, connection_id, refresh
        )
    except DomainError as exc:
        if exc.code == "not_found":
            raise
        said = TROUBLE.get(exc.code, "answered with an error")
        return Places(None, f"{pos_name} {said}, so its places cannot be listed by name.")
    return Places(stored.location_names(), as_of=listed_at(stored))


def mapped_rows(rows: Sequence[PlaceRow]) -> list[tuple[str, str]]:
    """The rows that map something: a listed place left without a name maps nothing."""
    return [(row.spot, row.location) for row in rows if row.location or row.pos_name is None]
