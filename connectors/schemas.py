"""What the webhook routes of every POS share: their OpenAPI tag and their acknowledgement."""

from __future__ import annotations

from flask_openapi3.models.tag import Tag
from pydantic import BaseModel

from gateway.examples import example

HOOKS_TAG = Tag(name="POS webhooks", description="Webhooks the POS systems send us.")


class HookAccepted(BaseModel):
    """The webhook is stored; it is processed after this answer."""

    model_config = example({"status": "accepted"})

    status: str = "accept"
