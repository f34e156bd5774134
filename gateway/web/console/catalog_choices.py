"""The POS catalogues as the program editor offers them: each connection's products grouped
by category, by name, with the typed-id field kept for ids no catalogue lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from connectors.base import CatalogEntry
from connectors.connections.catalog import StoredCatalog, merchant_catalogs, missing_ids
from gateway.api.session import request_session
from gateway.extensions import extensions
from gateway.web.console.blueprint import logged_in_user
from gateway.web.console.program_form import id_list

POS_NAMES = {"poster": "Poster", "serve": "Serve"}
# What a POS did when its catalogue could not be had, by problem code.
TROUBLE = {
    "pos_unreachable": "did not answer just now",
    "pos_auth_rejected": "refused the gateway's access (see the POS page)",
    "credentials_unreadable": "cannot be asked: its credentials must be entered again",
}


@dataclass(frozen=True)
class PickGroup:
    """One category of a catalogue and its products (``category`` None: products without)."""

    category: CatalogEntry | None
    products: list[CatalogEntry]

    @property
    def name(self) -> str:
        """What the group is called on the page."""
        return self.category.name if self.category else "Without a category"


@dataclass(frozen=True)
class PickSource:
    """One connection's catalogue; ``as_of`` says when it was listed when the POS failed just
    now and the kept list stands in."""

    label: str
    groups: list[PickGroup]
    as_of: str | None = None


def listed_at(stored: StoredCatalog) -> str | None:
    """When a kept catalogue that stands in for a failing POS was listed (else None)."""
    return None if stored.fresh else stored.fetched_at.strftime("%Y-%m-%d %H:%M UTC")


@dataclass
class Picker:
    """Every catalogue of the merchant, and what the page says of ids none of them lists."""

    sources: list[PickSource] = field(default_factory=list)
    troubles: list[str] = field(default_factory=list)
    complete: bool = False  # every connection gave a catalogue: unlisted ids are stale
    product_ids: set[str] = field(default_factory=set)
    category_ids: set[str] = field(default_factory=set)

    def chosen(self, text: str) -> set[str]:
        """The ids a rule field holds."""
        return set(id_list(text))

    def others(self, text: str, kind: str) -> str:
        """The ids of a rule field that no catalogue lists (for the typed-id field)."""
        return ", ".join(missing_ids(id_list(text), self._known(kind)))

    def stale(self, text: str, kind: str) -> list[str]:
        """Ids a rule names that the POS no longer has (only when every POS answered)."""
        return missing_ids(id_list(text), self._known(kind)) if self.complete else []

    def _known(self, kind: str) -> set[str]:
        return self.product_ids if kind == "products" else self.category_ids


def picker() -> Picker:
    """The merchant's catalogues (kept ones when young enough; a failing POS is said)."""
    ext = extensions()
    merchant_id = logged_in_user().merchant_id
    found = merchant_catalogs(request_session(), ext.settings, ext.connectors, merchant_id)
    chosen = Picker(complete=bool(found))
    for item in found:
        label = f"{POS_NAMES.get(item.pos, item.pos)} {item.account}"
        if item.stored is None:
            chosen.complete = False
            chosen.troubles.append(
                f"{label} {TROUBLE.get(item.trouble or '', 'answered with an error')}."
            )
            continue
        catalog = item.stored.catalog
        groups = _groups(catalog.categories, catalog.products)
        chosen.sources.append(PickSource(label, groups, listed_at(item.stored)))
        chosen.product_ids.update(entry.id for entry in catalog.products)
        chosen.category_ids.update(entry.id for entry in catalog.categories)
    return chosen


def _groups(
    categories: Sequence[CatalogEntry], products: Sequence[CatalogEntry]
) -> list[PickGroup]:
    by_category: dict[str | None, list[CatalogEntry]] = {}
    for product in products:
        by_category.setdefault(product.category, []).append(product)
    listed = {category.id for category in categories}
    groups = [PickGroup(category, by_category.get(category.id, [])) for category in categories]
    loose = [
        product
        for key, items in by_category.items()
        if key is None or key not in listed
        for product in items
    ]
    return groups + ([PickGroup(None, loose)] if loose else [])
