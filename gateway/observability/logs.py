"""Structured JSON logs; every line written during a request carries its request id."""

from __future__ import annotations

import json
import logging
import re
import traceback
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from types import TracebackType

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy.exc import DBAPIError

REQUEST_ID_HEADER = "X-Request-Id"
_ACCEPTABLE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context() and "request_id" in g:
            entry["request_id"] = g.request_id
        for name, value in vars(record).items():
            if name not in _STANDARD_ATTRIBUTES and not name.startswith("_"):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)

    def formatException(  # noqa: N802 - logging's name
        self,
        ei: tuple[type[BaseException], BaseException, TracebackType | None]
        | tuple[None, None, None],
    ) -> str:
        """The traceback, with database errors told without their driver's message."""
        return exception_text(ei[1]) if ei[1] is not None else ""


def exception_text(exc: BaseException) -> str:
    """A traceback for the logs. A database error shows its statement (parameters are never
    bound into it) and its SQLSTATE, table, column and constraint, but not the driver's
    message, which can quote a row's values (PostgreSQL: "Failing row contains (...)")."""
    chain = list(_chain(exc))
    hidden = {id(item.orig) for item in chain if isinstance(item, DBAPIError)}
    parts = ["Traceback (most recent call last):\n"]
    for item in reversed(chain):
        parts += traceback.format_tb(item.__traceback__)
        parts.append(f"{type(item).__module__}.{type(item).__qualname__}: {_told(item, hidden)}\n")
    return "".join(parts)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _told(exc: BaseException, hidden: set[int]) -> str:
    if isinstance(exc, DBAPIError):
        return f"{_diagnostics(exc.orig)} [SQL: {exc.statement}]"
    if id(exc) in hidden:
        return "(the database driver's message is not logged: it can hold row values)"
    return str(exc)


def _diagnostics(orig: BaseException | None) -> str:
    diag = getattr(orig, "diag", None)  # psycopg
    if diag is not None:
        fields = ("sqlstate", "table_name", "column_name", "constraint_name")
        found = {name: getattr(diag, name, None) for name in fields}
        return " ".join(f"{name}={value}" for name, value in found.items() if value)
    # SQLite's messages name the table and column, never a value.
    return f"{getattr(orig, 'sqlite_errorname', '')} {orig}".strip()


def configure_logging(level: str) -> None:
    """Send the root logger's output to stderr as JSON (idempotent)."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)


def _assign_request_id() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _ACCEPTABLE_REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _echo_request_id(response: Response) -> Response:
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


def install_request_ids(app: Flask) -> None:
    """Take the caller's ``X-Request-Id`` when sane, else make one; echo it on every response."""
    app.before_request(_assign_request_id)
    app.after_request(_echo_request_id)
