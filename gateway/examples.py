"""Examples published with the models' JSON Schemas (and so in ``/openapi.json``).

A model says ``model_config = example({...})``; bigger examples are built from the smaller
ones (``example_of``), so one sample voucher reads the same in every answer that holds one.
The schema keyword is ``example``: flask-openapi3 keeps it (it drops ``examples``), and the
OpenAPI document copies it to each request body and response that uses the model.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, ConfigDict

EXAMPLE_KEY = "example"


def example(value: Any) -> ConfigDict:
    """The model config that publishes ``value`` as the model's example (the rest of the
    config is inherited; a model with settings of its own adds them with ``|``)."""
    return ConfigDict(json_schema_extra={EXAMPLE_KEY: value})


def example_of(model: type[BaseModel]) -> Any:
    """A copy of the example a model publishes (KeyError when it has none of its own)."""
    extra = model.model_config.get("json_schema_extra")
    assert isinstance(extra, dict), f"{model.__name__} publishes no example"
    value: Any = copy.deepcopy(extra[EXAMPLE_KEY])
    return value


def page_example(item: type[BaseModel], **fields: Any) -> ConfigDict:
    """The example of a page of ``item``: one item, and no next page."""
    return example({"items": [example_of(item)], "next_cursor": None, **fields})
