"""Reading lists page by page and CSV exports in tests."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.support.api import Api


def all_items(api: Api, merchant: dict[str, Any], path: str, **query: Any) -> list[dict[str, Any]]:
    """Every item of a list, following ``next_cursor`` from page to page."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page_query = {**query, **({"cursor": cursor} if cursor else {})}
        response = api.call("GET", path, merchant["api_key"], query_string=page_query)
        assert response.status_code == 200, response.get_json()
        page = response.get_json()
        assert len(page["items"]) <= int(query.get("limit", 50))
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def exported_rows(
    api: Api, merchant: dict[str, Any], path: str, **query: Any
) -> list[dict[str, str]]:
    """The records of a streamed CSV export, by column."""
    response = api.call("GET", path, merchant["api_key"], query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
