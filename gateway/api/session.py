"""The database session of the current request: opened on first use, closed at teardown."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session


def request_session() -> Session:
    """The session of the current request (or app context), opened on first use."""
    session: Session | None = g.get("db_session")
    if session is None:
        session = current_app.extensions["stampgate"].session_factory()
        g.db_session = session
    return session


def close_request_session(_exc: BaseException | None = None) -> None:
    """Teardown hook: whatever was not committed is rolled back."""
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()
