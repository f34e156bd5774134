"""What the webhook routes of every POS share: their OpenAPI tag and their acknowledgement."""

from __future__ import annotations

from flask_openapi3.models.tag import Tag
from pydantic import BaseModel

from gateway.examples import example

HOOKS_TAG = Tag(name="POS webhooks", description="Webhooks the POS systems send us.")
# What every POS webhook door can answer besides its own check (signature or token).
HOOK_REFUSALS = (
    "malformed_json",
    "malformed_webhook",
    "payload_too_large",
    "too_many_attempts",
    "credentials_unreadable",
    "database_unavailable",
)


class HookAccepted(BaseModel):
    """The webhook is stored; it is processed after this answer."""

    model_config = example({"status": "accepted"})

    status: str = "accept"
