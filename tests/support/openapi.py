"""Reading the served OpenAPI document in tests: its operations, and sample request values."""

from __future__ import annotations

import copy
import importlib
import pkgutil
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from werkzeug.test import TestResponse

Json = Any
PACKAGES = ("gateway", "connectors", "webhooks", "mappings")
LeafPath = tuple[str | int, ...]
_MAX_DEPTH = 8


@dataclass(frozen=True)
class Operation:
    """One method of one documented path."""

    method: str
    path: str
    spec: dict[str, Any]

    def parameters(self, where: str) -> list[dict[str, Any]]:
        """The operation's parameters that go in ``where`` (path, query, header)."""
        return [p for p in self.spec.get("parameters", []) if p["in"] == where]

    def json_body_schema(self) -> dict[str, Any] | None:
        """The JSON request body's schema, when the operation takes one."""
        content = self.spec.get("requestBody", {}).get("content", {})
        schema: dict[str, Any] | None = content.get("application/json", {}).get("schema")
        return schema


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    """Every documented operation."""
    for path, item in document["paths"].items():
        for method, spec in item.items():
            yield Operation(method.upper(), path, spec)


def resolve(document: dict[str, Any], ref: str) -> Json:
    """Follow a local ``$ref`` (a JSON pointer into the document); KeyError when dangling."""
    assert ref.startswith("#/"), f"not a local reference: {ref}"
    node: Json = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def sample(document: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Json:
    """A value of the schema's shape (every property filled in, first choice of every union)."""
    if depth > _MAX_DEPTH:
        return None
    if "$ref" in schema:
        return sample(document, resolve(document, schema["$ref"]), depth + 1)
    for key in ("const", "default"):
        if schema.get(key) is not None:
            return copy.deepcopy(schema[key])
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"] or schema[key]
            return sample(document, options[0], depth + 1)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = sample(document, part, depth + 1)
            merged.update(value if isinstance(value, dict) else {})
        return merged
    return _typed_sample(document, schema, depth)


def _typed_sample(document: dict[str, Any], schema: dict[str, Any], depth: int) -> Json:
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if kind == "object":
        value = {
            name: sample(document, prop, depth + 1)
            for name, prop in schema.get("properties", {}).items()
        }
        extra = schema.get("additionalProperties")
        if not value and isinstance(extra, dict):
            value["k1"] = sample(document, extra, depth + 1)
        return value
    if kind == "array":
        return [sample(document, schema.get("items", {}), depth + 1)]
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 1), schema.get("exclusiveMinimum", 0) + 1)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _string_sample(schema)


def _string_sample(schema: dict[str, Any]) -> str:
    formats = {
        "date-time": "2026-11-22T10:00:00Z",
        "date": "2027-01-31",
        "uri": "https://x.example",
    }
    if schema.get("format") in formats:
        return formats[str(schema["format"])]
    return "a" * max(1, int(schema.get("minLength", 1)))


def string_leaves(value: Json, at: LeafPath = ()) -> Iterator[LeafPath]:
    """Where the strings of a JSON value are."""
    if isinstance(value, str):
        yield at
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from string_leaves(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from string_leaves(item, (*at, index))


def replaced(value: Json, at: LeafPath, new: Json) -> Json:
    """A copy of ``value`` with the item at ``at`` replaced."""
    if not at:
        return new
    result = copy.deepcopy(value)
    node = result
    for part in at[:-1]:
        node = node[part]
    node[at[-1]] = new
    return result


def documented_statuses(document: dict[str, Any], method: str, path: str) -> set[int]:
    """The statuses the document lists for one operation."""
    responses = document["paths"][path][method.lower()]["responses"]
    return {int(status) for status in responses}


def assert_documented(
    document: dict[str, Any], method: str, path: str, response: TestResponse
) -> None:
    """The answer's status is among those documented for the operation."""
    statuses = documented_statuses(document, method, path)
    assert response.status_code in statuses, (
        f"{method} {path} answered {response.status_code}, documented: {sorted(statuses)}"
    )


def our_models() -> dict[str, set[type[BaseModel]]]:
    """Every pydantic model of the project's packages, by class name."""
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if not module.name.endswith("__main__") and ".migrations." not in module.name:
                importlib.import_module(module.name)
    by_name: dict[str, set[type[BaseModel]]] = defaultdict(set)
    pending: list[type[BaseModel]] = [BaseModel]
    while pending:
        model = pending.pop()
        for subclass in model.__subclasses__():
            pending.append(subclass)
            if subclass.__module__.partition(".")[0] in PACKAGES:
                by_name[subclass.__name__].add(subclass)
    return by_name
