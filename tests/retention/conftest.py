"""The rows every retention test starts from: one of each case, past retention or not."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.retention.rows import World, seed_world
from tests.support.api import Api


@pytest.fixture
def world(app: Flask, api: Api, merchant: dict[str, Any]) -> World:
    """The seeded rows of every case."""
    return seed_world(app, api, merchant)
