"""Request JSON parsing by the input rules (bounded nesting, no NaN/Infinity, no control text)."""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider

from gateway.inputs import parse_json


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's provider, parsing by ``gateway.inputs.parse_json``."""

    sort_keys = False  # keep the field order of the response models

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON under the input rules (control characters in API bodies answer 422)."""
        del kwargs  # no caller of ours tunes the parser
        return parse_json(s)
