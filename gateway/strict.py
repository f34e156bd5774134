"""The base of every request and definition model: unknown fields are refused, never ignored."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


class StrictModel(BaseModel):
    """Refuses unknown fields, so a typo fails loudly instead of being silently dropped."""

    model_config = ConfigDict(extra="forbid")


class FrozenStrictModel(StrictModel):
    """A strict model that cannot change once validated: rewards, the canonical sale."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class OptionalBody(StrictModel):
    """The body of an action whose every field has a default: no body at all means them all.

    The OpenAPI document marks such a body as optional (``requestBody.required: false``).
    """

    model_config = ConfigDict(
        extra="forbid",
        openapi_extra={"required": False},  # type: ignore[typeddict-unknown-key]  # flask-openapi3's key
    )

    @model_validator(mode="before")
    @classmethod
    def _no_body_means_defaults(cls, data: Any) -> Any:
        return {} if data is None else data
