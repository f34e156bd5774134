"""Cursor pagination over time-sortable ids: ``{"items": [...], "next_cursor": ...}``.

Every list takes ``PageQuery``: a cursor, a limit and the creation-time range
(``created_after`` / ``created_before``, both exclusive; ``CreatedRange`` alone is what an
export takes), which ``fetch_page`` applies to the list's own creation column. Lists with more
time ranges declare them as ``<name>_after`` / ``<name>_before`` fields of type
``QueryTime``; every such pair is checked for order here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, Self, TypeVar

from pydantic import BaseModel, BeforeValidator, Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from gateway.errors import DomainError
from gateway.timestamps import iso_utc

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
RANGE_CODE = "invalid_time_range"
_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?P<offset>[Zz]|[+-]\d{2}:\d{2})?"
)
# An unencoded "+" in a query string arrives as a space: "...10:00:00 02:00" meant "+02:00".
_DECODED_PLUS = re.compile(r"(?<=\d) (?=\d{2}:\d{2}$)")
_EXAMPLE = "2026-12-01T00:00:00Z"


def _query_time(value: Any, info: ValidationInfo) -> Any:
    """An RFC 3339 time with its offset (``Z`` or ``+02:00``); anything else names the field."""
    if not isinstance(value, str):
        return value
    field = info.field_name or "time"
    text = _DECODED_PLUS.sub("+", value.strip())
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise PydanticCustomError(
            "time_format", f"{field} must be an RFC 3339 time such as {_EXAMPLE}"
        )
    if match["offset"] is None:
        raise PydanticCustomError(
            "time_offset_required",
            f"{field} has no UTC offset: end it with Z (UTC) or an offset such as +02:00, "
            f"e.g. {_EXAMPLE}",
        )
    try:
        return datetime.fromisoformat(text.upper().replace(" ", "T", 1))
    except ValueError:
        raise PydanticCustomError(
            "time_format", f"{field} is not a real time (check the date and the clock)"
        ) from None


QueryTime = Annotated[datetime, BeforeValidator(_query_time)]
"""A time in a query string: RFC 3339 with an offset, e.g. ``2026-12-01T00:00:00Z``."""


class CreatedRange(BaseModel):
    """The creation-time range every list and export accepts; its ranges are checked for order."""

    created_after: QueryTime | None = Field(
        default=None,
        description="Only what was created after this time (exclusive); RFC 3339 with its "
        f"offset, e.g. {_EXAMPLE}",
    )
    created_before: QueryTime | None = Field(
        default=None,
        description="Only what was created before this time (exclusive); RFC 3339 with its "
        "offset, e.g. 2026-12-31T00:00:00+02:00",
    )

    @model_validator(mode="after")
    def _ranges_in_order(self) -> Self:
        for start, end, after, before in time_ranges(self):
            if after is not None and before is not None and after >= before:
                message = f"{start} must be earlier than {end}"
                raise DomainError(
                    "invalid_time_range",
                    f"{message} ({iso_utc(after)} is not before {iso_utc(before)}).",
                    errors=[
                        {"loc": [name], "msg": message, "type": RANGE_CODE} for name in (start, end)
                    ],
                )
        return self


class PageQuery(CreatedRange):
    """The query parameters every list accepts: a page, and the creation-time range."""

    cursor: str | None = Field(
        default=None, max_length=64, description="next_cursor of the previous page"
    )
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def time_ranges(query: BaseModel) -> Iterator[tuple[str, str, Any, Any]]:
    """Each ``<name>_after`` / ``<name>_before`` pair of a query: names and values."""
    for name in type(query).model_fields:
        if name.endswith("_after"):
            end = name.removesuffix("_after") + "_before"
            if end in type(query).model_fields:
                yield name, end, getattr(query, name), getattr(query, end)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of rows and the cursor of the next one (None on the last page)."""

    items: Sequence[T]
    next_cursor: str | None


def created_within(
    statement: Select[tuple[T]], created_column: InstrumentedAttribute[Any], query: CreatedRange
) -> Select[tuple[T]]:
    """Narrow a list to the query's ``created_after`` / ``created_before`` (both exclusive)."""
    if query.created_after is not None:
        statement = statement.where(created_column > query.created_after)
    if query.created_before is not None:
        statement = statement.where(created_column < query.created_before)
    return statement


def fetch_page(
    session: Session,
    statement: Select[tuple[T]],
    id_column: InstrumentedAttribute[Any],
    created_column: InstrumentedAttribute[Any],
    query: PageQuery,
) -> Page[T]:
    """Newest first, within the query's creation-time range; the cursor is the id of the last
    row returned, so the next page continues after it whatever the filters are."""
    statement = created_within(statement, created_column, query)
    if query.cursor:
        statement = statement.where(id_column < query.cursor)
    rows = session.scalars(statement.order_by(id_column.desc()).limit(query.limit + 1)).all()
    has_more = len(rows) > query.limit
    items = rows[: query.limit]
    next_cursor = getattr(items[-1], id_column.key) if has_more else None
    return Page(items=items, next_cursor=next_cursor)
