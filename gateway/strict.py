"""The base of every request and definition model: unknown fields are refused, never ignored."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Refuses unknown fields, so a typo fails loudly instead of being silently dropped."""

    model_config = ConfigDict(extra="forbid")


class FrozenStrictModel(StrictModel):
    """A strict model that cannot change once validated: rewards, the canonical sale."""

    model_config = ConfigDict(extra="forbid", frozen=True)
