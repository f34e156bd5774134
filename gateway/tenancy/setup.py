"""A merchant's setup version: what rarely changes (its programs, its webhook endpoints) is
cached per process under the version, which every change of it bumps in its own transaction.

A sale reads the merchant row anyway; with the version on it, the default program and the
endpoint list come from memory, and a change made by any process is seen by every other one
at its next transaction, with no time-to-live to wait out.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from sqlalchemy import Table, event, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from gateway.tenancy.models import Merchant

T = TypeVar("T")
_WATCHED: set[type[Any]] = set()
_MAX_ENTRIES = 10_000
_PENDING = "setup_changed_merchants"


def watch_setup_of(model: type[Any]) -> None:
    """Every flushed change of a ``model`` row (it has ``merchant_id``) bumps its merchant's
    setup version, in the same transaction."""
    _WATCHED.add(model)


def setup_version(session: Session, merchant_id: str) -> int | None:
    """The merchant's setup version as this transaction knows it (None: no such merchant)."""
    merchant = session.get(Merchant, merchant_id)
    return None if merchant is None else merchant.setup_version


def changes_setup(session: Session) -> bool:
    """True when the session holds unflushed changes of watched rows."""
    return bool(_changed_merchants(session))


class SetupCache(Generic[T]):
    """Values derived from a merchant's setup, by (merchant id, setup version, key).

    Values are shared by every thread of the process: keep them immutable."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, int, Hashable], T] = {}

    def get(self, session: Session, merchant_id: str, key: Hashable, load: Callable[[], T]) -> T:
        """The cached value, or ``load()``'s (cached when the session changes no setup)."""
        if changes_setup(session):
            return load()
        version = setup_version(session, merchant_id)
        if version is None:
            return load()
        entry = (merchant_id, version, key)
        try:
            return self._values[entry]
        except KeyError:
            pass
        value = load()
        if len(self._values) >= _MAX_ENTRIES:
            self._values.clear()  # old versions are never asked for again
        self._values[entry] = value
        return value


def _changed_merchants(session: Session) -> set[str]:
    if not _WATCHED:
        return set()
    pending = (session.new, session.dirty, session.deleted)
    return {row.merchant_id for rows in pending for row in rows if type(row) in _WATCHED}


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _context: Any, _instances: Any) -> None:
    changed = _changed_merchants(session)
    if changed:
        session.info.setdefault(_PENDING, set()).update(changed)


@event.listens_for(Session, "after_flush_postexec")
def _bump(session: Session, _context: Any) -> None:
    merchants: set[str] = session.info.pop(_PENDING, set())
    if not merchants:
        return
    table = Merchant.__table__
    assert isinstance(table, Table)
    # Core, not the ORM: the bump is bookkeeping, not a change of the merchant to audit.
    session.connection().execute(
        update(table)
        .where(table.c.id.in_(sorted(merchants)))
        .values(setup_version=table.c.setup_version + 1)
    )
    for merchant_id in merchants:
        loaded = session.identity_map.get(identity_key(Merchant, merchant_id))
        if loaded is not None:
            session.expire(loaded, ["setup_version"])
