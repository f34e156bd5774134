"""POS spots and terminal groups -> the merchant's locations."""

from __future__ import annotations

from collections.abc import Mapping


def location_of(locations: Mapping[str, str], pos_place: str | None) -> str | None:
    """The merchant's location of a POS spot or terminal group.

    An unmapped place is named by its POS id, so its sales still say where they happened; a
    sale that names no place has no location.
    """
    if not pos_place:
        return None
    return locations.get(pos_place, pos_place)
