"""CSV downloads: a streamed response of an export, and how the OpenAPI document shows one."""

from __future__ import annotations

from typing import Any

from flask import Response

from gateway.api.guards import CSV_CONTENT_TYPE
from gateway.csv_export import CsvExport, stream
from gateway.extensions import extensions


def csv_download(export: CsvExport[Any], filename: str) -> Response:
    """Stream the export as an attachment; rows are read batch by batch as they are sent."""
    chunks = stream(export, extensions().session_factory)
    response = Response(chunks, content_type=f"{CSV_CONTENT_TYPE}; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def csv_documented(columns: tuple[str, ...], what: str) -> dict[str, Any]:
    """The OpenAPI response of a CSV download with these columns."""
    return {
        "description": f"CSV of {what}, header row first: {','.join(columns)}. Times are UTC "
        "(...Z); a cell starting with = + - @, tab or carriage return has a leading ' so "
        "that spreadsheets show it as text.",
        "content": {CSV_CONTENT_TYPE: {"schema": {"type": "string"}}},
    }
