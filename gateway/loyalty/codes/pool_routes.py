"""Code pool routes (codes imported from the merchant's POS) and the program code export."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_openapi3.models import RawModel
from flask_openapi3.models.tag import Tag

from gateway.api.guards import (
    CSV_CONTENT_TYPE,
    accepts_csv,
    current_merchant_id,
    merchant_blueprint,
)
from gateway.api.openapi_docs import problem_responses
from gateway.db import request_session
from gateway.extensions import extensions
from gateway.loyalty.codes import pools as service
from gateway.loyalty.codes.export import export_codes
from gateway.loyalty.codes.presenters import import_out, pools_out
from gateway.loyalty.codes.schemas import (
    CodePoolCreate,
    CodePoolOut,
    CodePoolPage,
    CodePoolPath,
    PoolCodesJson,
    PoolImportOut,
    ProgramCodesPath,
)
from gateway.loyalty.codes.uploads import Upload, add_codes, parse_codes, parse_csv
from gateway.pagination import PageQuery

code_pools = merchant_blueprint(
    "code_pools",
    __name__,
    Tag(name="Code pools", description="Codes imported from the POS, one per voucher."),
)


class PoolCodesUpload(RawModel):
    """Codes as CSV (one per line, or a ``code`` column) or as JSON ``{"codes": [...]}``."""

    mimetypes = [CSV_CONTENT_TYPE, "application/json"]


CSV_RESPONSE = {
    "description": "CSV: code,status,voucher_id,card_number,valid_until,issued_at,mode",
    "content": {CSV_CONTENT_TYPE: {"schema": {"type": "string"}}},
}


@code_pools.post("/code-pools", responses={201: CodePoolOut})
def create_pool(body: CodePoolCreate) -> tuple[dict[str, Any], int]:
    """Create an empty pool; vouchers draw from it with ``{"mode":"pool","pool_id":...}``."""
    pool = service.create_pool(request_session(), current_merchant_id(), body.name)
    return pools_out(request_session(), [pool])[0], 201


@code_pools.get("/code-pools", responses={200: CodePoolPage})
def list_pools(query: PageQuery) -> dict[str, Any]:
    """The merchant's pools, newest first, with free and taken codes."""
    page = service.list_pools(request_session(), current_merchant_id(), query)
    return {
        "items": pools_out(request_session(), list(page.items)),
        "next_cursor": page.next_cursor,
    }


@code_pools.get("/code-pools/<pool_id>", responses={200: CodePoolOut, **problem_responses(404)})
def get_pool(path: CodePoolPath) -> dict[str, Any]:
    """Read a pool: how many codes are free (``available``) and given out (``taken``)."""
    pool = service.get_pool(request_session(), current_merchant_id(), path.pool_id)
    return pools_out(request_session(), [pool])[0]


def _upload() -> Upload:
    if request.mimetype == CSV_CONTENT_TYPE:
        return parse_csv(request.get_data())
    body = PoolCodesJson.model_validate(request.get_json(silent=True) or {})
    return parse_codes(enumerate(body.codes, start=1))


@code_pools.post(
    "/code-pools/<pool_id>/codes", responses={200: PoolImportOut, **problem_responses(404)}
)
@accepts_csv
def add_pool_codes(path: CodePoolPath, raw: PoolCodesUpload) -> dict[str, Any]:
    """Add codes as CSV (one per line, or a ``code`` column) or JSON ``{"codes":[...]}``:
    duplicates are skipped and bad rows refused, each reported with its line."""
    del raw  # the body is read by _upload: CSV or JSON
    report = add_codes(request_session(), current_merchant_id(), path.pool_id, _upload())
    return import_out(request_session(), report)


@code_pools.get(
    "/programs/<program_id>/codes.csv",
    responses={200: CSV_RESPONSE, **problem_responses(404)},
)
def export_program_codes(path: ProgramCodesPath) -> Response:
    """The program's issued unique and pool codes with their status, as CSV for a POS."""
    factory = extensions().session_factory
    lines = export_codes(request_session(), current_merchant_id(), path.program_id, factory)
    response = Response(lines, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{path.program_id}-codes.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
