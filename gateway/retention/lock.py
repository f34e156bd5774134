"""One purge at a time, across every process that might start one.

PostgreSQL: a session-level advisory lock, held on a connection of its own in autocommit
(no transaction stays open for the run, so vacuum can reclaim what the purge deletes).
SQLite: an exclusive ``flock`` on a file beside the database (gunicorn workers of the
embedded mode and a ``stampgate purge`` from the shell are separate processes).
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

# A fixed 64-bit key of this lock in PostgreSQL's advisory lock space. PostgreSQL keys advisory
# locks by database as well, so gateways on other databases of one cluster never contend.
PURGE_LOCK_KEY = int.from_bytes(hashlib.sha256(b"stampgate:purge").digest()[:8], signed=True)


@contextmanager
def exclusive(engine: Engine, database_url: str) -> Iterator[bool]:
    """Take the purge lock without waiting; yields whether this caller holds it."""
    if engine.dialect.name == "postgresql":
        with _advisory(engine) as held:
            yield held
        return
    database = make_url(database_url).database
    if not database or database == ":memory:":
        yield True  # a database in this process's memory: no other process can reach it
        return
    with _file_lock(Path(f"{database}.purge-lock")) as held:
        yield held


@contextmanager
def _advisory(engine: Engine) -> Iterator[bool]:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        key = {"key": PURGE_LOCK_KEY}
        held = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), key))
        try:
            yield held
        finally:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)


@contextmanager
def _file_lock(path: Path) -> Iterator[bool]:
    with path.open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
