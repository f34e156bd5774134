"""POS spots and terminal groups as the merchant's locations."""

from __future__ import annotations

from mappings.locations import location_of

LOCATIONS = {"1": "downtown", "tg-7": "airport"}


def test_a_mapped_spot_is_the_merchants_location() -> None:
    assert location_of(LOCATIONS, "1") == "downtown"
    assert location_of(LOCATIONS, "tg-7") == "airport"


def test_an_unmapped_spot_keeps_its_pos_id() -> None:
    assert location_of(LOCATIONS, "2") == "2"
    assert location_of({}, "tg-8") == "tg-8"


def test_a_sale_without_a_spot_has_no_location() -> None:
    assert location_of(LOCATIONS, None) is None
    assert location_of(LOCATIONS, "") is None
