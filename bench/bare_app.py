"""The baseline: a bare Flask JSON endpoint that parses a body like a sale's and answers."""

from __future__ import annotations

from typing import Any

from flask import Flask, request

app = Flask(__name__)


@app.post("/bare")
def bare() -> tuple[dict[str, Any], int]:
    """Parse the JSON body and answer a small JSON object."""
    body = request.get_json()
    return {"id": "sale_bare", "lines": len(body["lines"]), "status": "processed"}, 201
