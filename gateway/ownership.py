"""Tenant scoping of single-object lookups: another merchant's object does not exist."""

from __future__ import annotations

from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from gateway.errors import not_found


class Owned(Protocol):
    """A row that belongs to one merchant."""

    merchant_id: str


OwnedT = TypeVar("OwnedT", bound=Owned)


def owned_by(
    session: Session, model: type[OwnedT], object_id: str, merchant_id: str, what: str
) -> OwnedT:
    """The row with this id if it belongs to the merchant; 404 ``not_found`` otherwise."""
    row = session.get(model, object_id)
    if row is None or row.merchant_id != merchant_id:
        raise not_found(what)
    return row
