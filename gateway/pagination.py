"""Cursor pagination over time-sortable ids: ``{"items": [...], "next_cursor": ...}``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class PageQuery(BaseModel):
    """The query parameters every list accepts."""

    cursor: str | None = Field(
        default=None, max_length=64, description="next_cursor of the previous page"
    )
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of rows and the cursor of the next one (None on the last page)."""

    items: Sequence[T]
    next_cursor: str | None


def fetch_page(
    session: Session,
    statement: Select[tuple[T]],
    id_column: InstrumentedAttribute[Any],
    query: PageQuery,
) -> Page[T]:
    """Newest first; the cursor is the id of the last row returned."""
    if query.cursor:
        statement = statement.where(id_column < query.cursor)
    rows = session.scalars(statement.order_by(id_column.desc()).limit(query.limit + 1)).all()
    has_more = len(rows) > query.limit
    items = rows[: query.limit]
    next_cursor = getattr(items[-1], id_column.key) if has_more else None
    return Page(items=items, next_cursor=next_cursor)
