"""The shapes of a Syrve webhook delivery and of the URL it is sent to."""

from __future__ import annotations

from pydantic import BaseModel, Field, RootModel


class ServeHookPath(BaseModel):
    """The connection the Syrve webhook was registered for."""

    connection_id: str = Field(max_length=64)


class SyrveEvent(BaseModel):
    """One event of a Syrve webhook delivery (the body is an array of these)."""

    eventType: str  # noqa: N815 - Syrve's field name
    eventTime: str  # noqa: N815
    organizationId: str  # noqa: N815
    correlationId: str | None = None  # noqa: N815
    eventInfo: dict[str, object]  # noqa: N815


class SyrveDelivery(RootModel[list[SyrveEvent]]):
    """A Syrve webhook delivery."""
