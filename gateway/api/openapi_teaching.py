"""What the served document adds to flask-openapi3's so that it teaches: examples on every body,
the meaning of every enum value, and the ``webhooks`` section of the events we send."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from gateway.enums import restore_meanings
from gateway.examples import EXAMPLE_KEY

JSON = "application/json"
# Given the reference template: the webhooks entries and the component schemas they use.
WebhooksSection = Callable[[str], tuple[dict[str, Any], dict[str, Any]]]


def teach(document: dict[str, Any], ref_template: str, webhooks: WebhooksSection | None) -> None:
    """Complete ``document`` in place."""
    components = document["components"]["schemas"]
    if webhooks is not None:
        entries, schemas = webhooks(ref_template)
        for name, schema in schemas.items():
            components.setdefault(name, schema)
        document["webhooks"] = entries
    for path_item in document["paths"].values():
        for operation in path_item.values():
            bodies = [operation.get("requestBody", {})]
            bodies += [
                response
                for status, response in operation["responses"].items()
                if status.startswith("2")
            ]
            for body in bodies:
                _copy_example(body.get("content", {}).get(JSON), components)
    restore_meanings(document)


def _copy_example(media: dict[str, Any] | None, components: dict[str, Any]) -> None:
    """A body whose schema is a model with an example shows that example (Swagger UI's
    "Example Value", the sample a client generator puts in its docs)."""
    if media is None or "example" in media:
        return
    reference = media.get("schema", {}).get("$ref", "")
    model_schema = components.get(reference.rpartition("/")[2], {})
    if EXAMPLE_KEY in model_schema:
        media["example"] = copy.deepcopy(model_schema[EXAMPLE_KEY])
