"""The OpenAPI 3.1 ``webhooks`` section: one POST per outbound event type, as we send it.

Each entry documents the Standard Webhooks headers and the envelope
``{id, type, timestamp, merchant_id, data}`` with that type's ``data`` schema
(``webhooks/payloads.py``), and an example body built from the payload model's example.
"""

from __future__ import annotations

from typing import Any

from gateway.examples import example_of
from webhooks.catalog import EVENT_TYPES
from webhooks.payloads import DATA_MODELS

EXAMPLE_EVENT_ID = "evt_01m8s0dp1q6jj235k7khx2f352"
EXAMPLE_MERCHANT_ID = "mer_01m8s0dny68yrczd7adgew8zt8"
SIGNATURE_HEADERS: list[dict[str, Any]] = [
    {
        "in": "header",
        "name": "webhook-id",
        "required": True,
        "description": "The event's id: the same for every attempt of one event to one "
        "endpoint, so a receiver drops repeats by it.",
        "schema": {"type": "string"},
        "example": EXAMPLE_EVENT_ID,
    },
    {
        "in": "header",
        "name": "webhook-timestamp",
        "required": True,
        "description": "When this attempt was signed, in Unix seconds; refuse deliveries far "
        "from your clock (a replay).",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
        "example": "1795341605",
    },
    {
        "in": "header",
        "name": "webhook-signature",
        "required": True,
        "description": "`v1,` + base64 of HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}."
        "{body}`, keyed with the endpoint's secret (the base64 after `whsec_`). Right after a "
        "secret rotation it holds two signatures, space-separated: accept either. Any Standard "
        "Webhooks library verifies it.",
        "schema": {"type": "string"},
        "example": "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
    },
]
RESPONSES = {
    "2XX": {
        "description": "Received. Any other answer is retried on the schedule; 410 Gone "
        "disables the endpoint."
    }
}


def _envelope(event_type: str, data_ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "title": f"{event_type} event",
        "required": ["id", "type", "timestamp", "merchant_id", "data"],
        "properties": {
            "id": {"type": "string", "description": "The event id (evt_...)."},
            "type": {"const": event_type, "type": "string"},
            "timestamp": {
                "type": "string",
                "format": "date-time",
                "description": "When the event happened (RFC 3339, UTC).",
            },
            "merchant_id": {"type": "string"},
            "data": {"$ref": data_ref},
        },
    }


def webhooks_section(ref_template: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``webhooks`` entries, and the component schemas their bodies refer to."""
    components: dict[str, Any] = {}
    for model in DATA_MODELS.values():
        schema = model.model_json_schema(ref_template=ref_template)
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
    entries: dict[str, Any] = {}
    for event_type, description in EVENT_TYPES.items():
        model = DATA_MODELS[event_type]
        body = {
            "id": EXAMPLE_EVENT_ID,
            "type": event_type,
            "timestamp": "2026-11-22T10:00:05Z",
            "merchant_id": EXAMPLE_MERCHANT_ID,
            "data": example_of(model),
        }
        schema = _envelope(event_type, ref_template.format(model=model.__name__))
        entries[event_type] = {
            "post": {
                "operationId": "receive_" + event_type.replace(".", "_"),
                "summary": event_type,
                "description": description,
                "tags": ["Webhooks"],
                "parameters": SIGNATURE_HEADERS,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": schema, "example": body}},
                },
                "responses": RESPONSES,
            }
        }
    return entries, components
