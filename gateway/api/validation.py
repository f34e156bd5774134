"""Validation errors in words for a person: each names its field and says what it must be.

pydantic reports where a value failed as a path through its own schema (a tagged union adds
the tag, a body that is no object has an empty path) and says why in its own terms. Here the
path becomes the field's path in the request, and the reason one plain sentence from one
table, filled in with the error's context (the bounds, the allowed values).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from pydantic import BaseModel
from pydantic_core import ErrorDetails

JSON_OBJECT = "must be a JSON object"
WHEN_AND_ZONE = "must be a date and time with its offset, as RFC 3339 (2026-11-22T10:00:00Z)"

# Error type -> the sentence after the field's name; {names} are the error's context values.
MESSAGES: Final[Mapping[str, str]] = {
    "missing": "is required",
    "extra_forbidden": "is not a field here (check its spelling; unknown fields are refused)",
    "model_type": JSON_OBJECT,
    "model_attributes_type": JSON_OBJECT,
    "dict_type": JSON_OBJECT,
    "list_type": "must be a list (a JSON array)",
    "string_type": "must be a string",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number, without a fraction",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "decimal_type": 'must be a decimal number (as a string, e.g. "25.00")',
    "decimal_parsing": 'must be a decimal number (e.g. "25.00")',
    "decimal_max_digits": "may have at most {max_digits} digits",
    "decimal_max_places": "may have at most {decimal_places} digits after the point",
    "decimal_whole_digits": "may have at most {whole_digits} digits before the point",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_too_short": "must have at least {min_length} characters",
    "string_too_long": "may have at most {max_length} characters",
    "string_pattern_mismatch": "does not have the expected form (the pattern {pattern})",
    "too_short": "must have at least {min_length} items",
    "too_long": "may have at most {max_length} items",
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "multiple_of": "must be a multiple of {multiple_of}",
    "literal_error": "must be one of: {expected}",
    "enum": "must be one of: {expected}",
    "union_tag_invalid": "must be one of: {tags} ({tag!r} is not one)",
    "union_tag_not_found": "is required; one of: {tags}",
    "datetime_type": WHEN_AND_ZONE,
    "datetime_parsing": WHEN_AND_ZONE,
    "datetime_from_date_parsing": WHEN_AND_ZONE,
    "timezone_aware": "must carry its UTC offset (2026-11-22T10:00:00Z or ...+02:00)",
    "date_type": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "url_type": "must be a URL (https://...)",
    "url_parsing": "must be a URL (https://...)",
    "url_scheme": "must be a URL of the scheme {expected_schemes}",
    "url_too_long": "may have at most {max_length} characters",
    # The body parsed (the guards checked) but was a JSON string, which is read as JSON again.
    "json_invalid": JSON_OBJECT,
}
_TAG_ERRORS: Final = frozenset({"union_tag_invalid", "union_tag_not_found"})
_SINGULAR: Final = {"string_too_short": "must not be empty", "too_short": "must not be empty"}
# Errors whose own message is already written for a person (our validators' ValueErrors and
# custom errors): said after the field's name as they are.
_OWN_WORDS_PREFIX = "Value error, "
_PREDICATES = ("is ", "must ", "may ")


@dataclass(frozen=True)
class TaggedUnion:
    """A tagged union at some place of a schema: its tag field and the tags it takes."""

    tag_field: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Place:
    """Where an error is: the field's path in the request, and the union found there if any."""

    loc: list[str]
    union: TaggedUnion | None


@cache
def _schema_of(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def _resolve(node: Any, defs: Mapping[str, Any]) -> dict[str, Any]:
    """The schema ``node`` stands for: references followed, a nullable's null branch dropped."""
    while isinstance(node, dict):
        if "$ref" in node:
            node = defs.get(str(node["$ref"]).rsplit("/", 1)[-1], {})
            continue
        branches = [b for b in node.get("anyOf", []) if b.get("type") != "null"]
        if "anyOf" in node and len(branches) == 1:
            node = branches[0]
            continue
        return node
    return {}


def _union_of(node: Mapping[str, Any]) -> TaggedUnion | None:
    discriminator = node.get("discriminator")
    if not isinstance(discriminator, dict):
        return None
    return TaggedUnion(str(discriminator["propertyName"]), tuple(discriminator.get("mapping", {})))


def locate(model: type[BaseModel] | None, loc: Sequence[int | str]) -> Place:
    """The request path of ``loc`` in ``model``: union tags pydantic inserts are left out."""
    if model is None:
        return Place([str(part) for part in loc], None)
    schema = _schema_of(model)
    defs = schema.get("$defs", {})
    node = _resolve(schema, defs)
    path: list[str] = []
    for part in loc:
        mapping = node.get("discriminator", {}).get("mapping", {})
        if isinstance(part, str) and part in mapping:  # the tag pydantic adds: not a field
            node = _resolve({"$ref": mapping[part]}, defs)
            continue
        path.append(str(part))
        if isinstance(part, int) and "items" in node:
            node = _resolve(node["items"], defs)
        elif isinstance(part, str) and part in node.get("properties", {}):
            node = _resolve(node["properties"][part], defs)
        elif isinstance(node.get("additionalProperties"), dict):
            node = _resolve(node["additionalProperties"], defs)
        else:
            node = {}
    return Place(path, _union_of(node))


def field_label(path: Sequence[str], part: str) -> str:
    """``rules[0].stamps``; the whole body or query when the path is empty."""
    if not path:
        return f"the request {part}"
    label = ""
    for segment in path:
        label += f"[{segment}]" if segment.isdigit() else (f".{segment}" if label else segment)
    return label


def _tag_field(error: ErrorDetails, place: Place) -> str:
    if place.union is not None:
        return place.union.tag_field
    return str((error.get("ctx") or {}).get("discriminator", "type")).strip("'")


def error_loc(error: ErrorDetails, place: Place, part: str) -> list[str]:
    """The field's path; a union's tag field for a missing or unknown tag; else the part."""
    if error["type"] in _TAG_ERRORS:
        return [*place.loc, _tag_field(error, place)]
    return place.loc or [part]


def message(error: ErrorDetails, place: Place, part: str) -> str:
    """One sentence naming the field and what it must be."""
    context = dict(error.get("ctx") or {})
    kind = error["type"]
    if kind in _TAG_ERRORS:
        tags = place.union.tags if place.union else ()
        context["tags"] = ", ".join(tags) or str(context.get("expected_tags", "")).replace("'", "")
    field = field_label(error_loc(error, place, part) if kind in _TAG_ERRORS else place.loc, part)
    template = _SINGULAR.get(kind) if context.get("min_length") == 1 else None
    template = template or MESSAGES.get(kind)
    if template is None:
        text = error["msg"].removeprefix(_OWN_WORDS_PREFIX)
        if place.loc and text.startswith(f"{place.loc[-1]} "):  # the validator named it
            return field + text[len(place.loc[-1]) :]
        return f"{field} {text}" if text.startswith(_PREDICATES) else f"{field}: {text}"
    try:
        return f"{field} {template.format(**context)}"
    except (KeyError, IndexError, ValueError):  # a context value missing: pydantic's words
        return f"{field}: {error['msg']}"
