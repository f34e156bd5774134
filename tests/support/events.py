"""Reading the events the gateway stored, oldest first."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from gateway.models import Event


def stored_events(app: Flask, event_type: str) -> list[Event]:
    """Every stored event of one type, in the order they were written."""
    with app.extensions["stampgate"].session_factory() as session:
        statement = select(Event).where(Event.type == event_type).order_by(Event.id)
        return list(session.scalars(statement))


def event_data(app: Flask, event_type: str) -> list[dict[str, Any]]:
    """The ``data`` of every stored event of one type, in the order they were written."""
    return [event.data for event in stored_events(app, event_type)]
