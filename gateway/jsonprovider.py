"""Request JSON parsing that refuses what JSON does not allow (NaN, Infinity)."""

from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's provider, minus the non-standard constants Python's parser accepts."""

    sort_keys = False  # keep the field order of the response models

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_constant", _reject_constant)
        return json.loads(s, **kwargs)
