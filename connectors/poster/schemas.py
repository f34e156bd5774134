"""The shape of a Poster webhook body (a tolerant reader: unknown fields are kept)."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from gateway.errors import DomainError
from gateway.examples import example
from gateway.inputs import parse_json

Account = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Word = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class PosterHook(BaseModel):
    """``{"account","object","object_id","action","time","verify","data"?}``."""

    model_config = ConfigDict(extra="allow", frozen=True) | example(
        {
            "account": "mycafe",
            "object": "transaction",
            "object_id": 1001,
            "action": "closed",
            "time": "1795341600",
            "verify": "5d41402abc4b2a76b9719d911017c592",
            "data": None,
        }
    )

    account: Account
    object: Word
    object_id: Annotated[int | str, Field(union_mode="left_to_right")]
    action: Word
    time: Annotated[int | str, Field(union_mode="left_to_right")]
    verify: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    data: str | None = None

    @field_validator("object_id", "time")
    @classmethod
    def _digits(cls, value: int | str) -> int | str:
        if isinstance(value, bool) or not str(value).isdigit():
            raise ValueError("must be a non-negative integer")
        return value

    def dedupe_key(self) -> str:
        """Equal for Poster's resends of one hook, different for each new change."""
        data_hash = hashlib.sha256((self.data or "").encode()).hexdigest()[:16]
        return f"{self.object}:{self.object_id}:{self.action}:{self.time}:{data_hash}"

    def data_object(self) -> dict[str, Any]:
        """``data`` decoded (it arrives as a JSON string); empty when absent or not an object."""
        if not self.data:
            return {}
        try:
            decoded = parse_json(self.data)
        except (ValueError, DomainError):
            return {}
        return decoded if isinstance(decoded, dict) else {}


class PosterCallbackQuery(BaseModel):
    """What Poster appends to the redirect after the merchant approved the app."""

    code: str = Field(max_length=256)
    account: str = Field(max_length=128)
    state: str | None = Field(
        default=None, max_length=1024, description="The install link's signed state (required)"
    )
