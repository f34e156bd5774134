"""Enumerations that say what each value means, in the published JSON Schema.

``Annotated[Literal["a", "b"], Meanings({"a": "...", "b": "..."})]`` keeps the plain ``enum``
(clients generate an enum type from it, Swagger UI offers the values in a list) and adds what
the values mean twice: as a Markdown list in ``description``, which Swagger UI, Redoc and
generated clients' docstrings show, and as the ``x-enumDescriptions`` map that Redoc renders
as a table and a program can read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

DESCRIPTIONS_KEY = "x-enumDescriptions"
Value = TypeVar("Value", bound=str)
# Every list of meanings by its Markdown text: flask-openapi3 drops ``x-`` keys from the
# schemas it copies, and the served document adds them back from here.
_BY_DESCRIPTION: dict[str, dict[str, str]] = {}


class Meanings:
    """What each value of an annotated ``Literal`` (or enum) means."""

    def __init__(self, meanings: Mapping[Value, str], summary: str = "") -> None:
        self.meanings: dict[str, str] = {str(value): text for value, text in meanings.items()}
        self.summary = summary
        _BY_DESCRIPTION[describe(self.meanings, summary)] = self.meanings

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The value's schema with a meaning for each of its values."""
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        values = target.get("enum", [target["const"]] if "const" in target else [])
        if set(values) != set(self.meanings):
            raise ValueError(f"meanings {sorted(self.meanings)} do not match values {values}")
        target[DESCRIPTIONS_KEY] = {value: self.meanings[value] for value in values}
        target["description"] = describe(self.meanings, self.summary)
        return schema


def describe(meanings: Mapping[str, str], summary: str = "") -> str:
    """A Markdown list of the values and what each means, after an optional summary line."""
    lines = [f"- `{value}`: {meaning}" for value, meaning in meanings.items()]
    return "\n".join([summary, "", *lines] if summary else lines)


def restore_meanings(node: Any) -> None:
    """Add ``x-enumDescriptions`` back to every enum schema under ``node`` that lost it."""
    if isinstance(node, dict):
        meanings = _BY_DESCRIPTION.get(node.get("description", "")) if "enum" in node else None
        if meanings is not None:
            node.setdefault(DESCRIPTIONS_KEY, {value: meanings[value] for value in node["enum"]})
        for value in node.values():
            restore_meanings(value)
    elif isinstance(node, list):
        for item in node:
            restore_meanings(item)
