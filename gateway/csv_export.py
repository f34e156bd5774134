"""CSV exports of a filtered list, shared by the HTTP downloads and ``stampgate export``.

Rows are read in batches by keyset (the id of the last row read), newest first like the
lists, so an export of any size holds one batch in memory. Cells are written for people who
open the file in a spreadsheet: times in UTC with a ``Z``, and a cell that a spreadsheet would
run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a
leading apostrophe, so it shows as the text it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from gateway.timestamps import iso_utc

T = TypeVar("T")
BATCH = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | bool | datetime | None


def spreadsheet_safe(text: str) -> str:
    """The text, with a leading apostrophe when a spreadsheet would read it as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def cell_text(value: Cell) -> str:
    """One cell: empty for none, ``true``/``false``, numbers as digits, times in UTC ``Z``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso_utc(value)
    return spreadsheet_safe(str(value))


def csv_line(cells: Iterable[Cell]) -> str:
    """One CSV record (quoted where needed, ``\\r\\n`` ended as RFC 4180 writes it)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([cell_text(cell) for cell in cells])
    return buffer.getvalue()


@dataclass(frozen=True)
class CsvExport(Generic[T]):
    """A filtered list as CSV: its columns, its rows, and how one batch of rows is written.

    ``rows`` turns one batch into records (one per row, in ``columns`` order); it gets the
    session to look up what a batch needs in one query rather than one per row.
    """

    columns: tuple[str, ...]
    statement: Select[tuple[T]]
    id_column: InstrumentedAttribute[Any]
    rows: Callable[[Session, Sequence[T]], Iterable[Sequence[Cell]]]

    def header(self) -> str:
        """The header record."""
        return csv_line(self.columns)

    def count(self, session: Session) -> int:
        """How many rows the export will write."""
        counted = select(func.count()).select_from(self.statement.order_by(None).subquery())
        return session.scalar(counted) or 0

    def batches(self, session: Session) -> Iterator[list[str]]:
        """The records, one list per batch of ``BATCH`` rows, newest first."""
        size, last = BATCH, None
        while True:
            statement = self.statement
            if last is not None:
                statement = statement.where(self.id_column < last)
            batch = session.scalars(statement.order_by(self.id_column.desc()).limit(size)).all()
            if not batch:
                return
            yield [csv_line(record) for record in self.rows(session, batch)]
            if len(batch) < size:
                return
            last = getattr(batch[-1], self.id_column.key)
            session.expunge_all()  # what was written need not stay in the identity map


def stream(export: CsvExport[Any], open_session: Callable[[], Session]) -> Iterator[str]:
    """The header, then one chunk per batch, read on a session of its own.

    A streamed response outlives the request's session, so the rows are read on a session
    opened here (``open_session``) and closed when the last chunk is sent.
    """
    yield export.header()
    with open_session() as session:
        for batch in export.batches(session):
            yield "".join(batch)
