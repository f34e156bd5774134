"""The shapes of a Syrve webhook delivery and of the URL it is sent to."""

from __future__ import annotations

from pydantic import BaseModel, Field, RootModel

from gateway.examples import example


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

    model_config = example(
        [
            {
                "eventType": "DeliveryOrderUpdate",
                "eventTime": "2026-11-22 10:00:00.000",
                "organizationId": "7bc05553-4b68-44e8-b7bc-37be63c6d9e9",
                "correlationId": "2f1e0d9c-8b7a-4c6d-9e5f-1a2b3c4d5e6f",
                "eventInfo": {"id": "d1a6a6b4-3c2b-4e1f-8a9d-0b1c2d3e4f50"},
            }
        ]
    )
